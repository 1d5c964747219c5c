package sdl

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/schema"
)

// chinookPath is the generated Chinook schema of the CLI's golden tests;
// it is read from there, not copied, so the two cannot drift apart.
const chinookPath = "../cli/testdata/postgresql_chinook.graphql"

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// load does what Load does, on files in memory.
func load(doc *Document) (*schema.Schema, error) {
	base, err := doc.Base()
	if err != nil {
		return nil, err
	}
	return Merge(base, doc)
}

// chinook parses the Chinook schema with one customisation file at path
// (which need not exist when text is given) and merges them. sqlFiles,
// when not nil, serves @sql(reference:) from memory.
func chinook(t testing.TB, path, text string, sqlFiles map[string]string) (*schema.Schema, error) {
	t.Helper()
	doc, err := Parse([]File{
		{Path: "schema.sql.graphql", Text: readText(t, chinookPath)},
		{Path: path, Text: text},
	})
	if err != nil {
		return nil, err
	}
	if sqlFiles != nil {
		doc.ReadFile = func(name string) ([]byte, error) {
			if s, ok := sqlFiles[name]; ok {
				return []byte(s), nil
			}
			return nil, os.ErrNotExist
		}
	}
	return load(doc)
}

// dump renders the whole IR compactly, one line per element, for golden
// files a reviewer can read.
func dump(s *schema.Schema) string {
	var b strings.Builder
	db := s.Database
	fmt.Fprintf(&b, "database engine=%q identifier=%q secret=%q ssl=%q\n", db.Engine, db.Identifier, db.ConnectionURISecret, db.SSLCertSecret)
	if len(s.Auth) > 0 {
		fmt.Fprintf(&b, "global auth %s\n", rulesText(s.Auth))
	}
	for _, m := range s.Models {
		fmt.Fprintf(&b, "\nmodel %s table=%s key=%v", m.Name, tableText(m.Table), m.PrimaryKey)
		if m.Comment != "" {
			fmt.Fprintf(&b, " comment=%q", m.Comment)
		}
		if len(m.Disabled) > 0 {
			fmt.Fprintf(&b, " disabled=%v", m.Disabled)
		}
		if len(m.Auth) > 0 {
			fmt.Fprintf(&b, " auth=%s", rulesText(m.Auth))
		}
		b.WriteString("\n")
		for _, f := range m.Fields {
			fmt.Fprintf(&b, "  field %s column=%q type=%s", f.Name, f.Column, typeName(f))
			for _, flag := range []struct {
				on   bool
				name string
			}{{f.Required, "required"}, {f.IsEnum, "enum"}, {f.DBGenerated, "dbgenerated"}, {f.ReadOnly, "readonly"}} {
				if flag.on {
					b.WriteString(" " + flag.name)
				}
			}
			if f.Default != nil {
				fmt.Fprintf(&b, " default=%q", *f.Default)
			}
			if f.Comment != "" {
				fmt.Fprintf(&b, " comment=%q", f.Comment)
			}
			if len(f.Auth) > 0 {
				fmt.Fprintf(&b, " auth=%s", rulesText(f.Auth))
			}
			b.WriteString("\n")
		}
		for _, r := range m.Relationships {
			fmt.Fprintf(&b, "  %s %s -> %s references=%v", r.Kind, r.Name, r.Target, r.References)
			if r.Inferred {
				b.WriteString(" inferred")
			}
			b.WriteString("\n")
		}
	}
	for _, e := range s.Enums {
		fmt.Fprintf(&b, "\nenum %s %v\n", e.Name, e.Values)
	}
	for _, t := range s.Types {
		fmt.Fprintf(&b, "\ntype %s {", t.Name)
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s: %s", f.Name, f.Type)
		}
		b.WriteString(" }\n")
	}
	for _, ops := range []struct {
		kind string
		list []*schema.Operation
	}{{"query", s.Queries}, {"mutation", s.Mutations}} {
		for _, op := range ops.list {
			fmt.Fprintf(&b, "\n%s %s(", ops.kind, op.Name)
			for i, a := range op.Args {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s: %s", a.Name, a.Type)
			}
			fmt.Fprintf(&b, "): %s\n", op.Returns)
			if op.SQLFile != "" {
				fmt.Fprintf(&b, "  file %q\n", op.SQLFile)
			}
			fmt.Fprintf(&b, "  sql %q\n", op.SQL)
			if len(op.Auth) > 0 {
				fmt.Fprintf(&b, "  auth %s\n", rulesText(op.Auth))
			}
		}
	}
	return b.String()
}

func tableText(t schema.TableRef) string {
	if t.Schema != "" {
		return t.Schema + "." + t.Name
	}
	return t.Name
}

func rulesText(rules []schema.AuthRule) string {
	parts := make([]string, len(rules))
	for i, r := range rules {
		kv := []string{"allow: " + r.Allow}
		add := func(k, v string) {
			if v != "" {
				kv = append(kv, k+": "+v)
			}
		}
		add("provider", r.Provider)
		if r.Operations != nil {
			add("operations", fmt.Sprint(r.Operations))
		}
		add("ownerField", r.OwnerField)
		add("identityClaim", r.IdentityClaim)
		if r.Groups != nil {
			add("groups", fmt.Sprint(r.Groups))
		}
		add("groupsField", r.GroupsField)
		add("groupClaim", r.GroupClaim)
		parts[i] = "{" + strings.Join(kv, ", ") + "}"
	}
	return "[" + strings.Join(parts, " ") + "]"
}
