package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// print writes the SDL: the definitions in the order they were added,
// without the generated ones nothing refers to. It fails when two
// definitions that are printed share a name.
func (b *builder) print() (string, error) {
	used := b.used()
	byName := map[string]*def{}
	var out strings.Builder
	for _, d := range b.defs {
		if !used[d.name] {
			continue
		}
		if prev := byName[d.name]; prev != nil {
			return "", fmt.Errorf("api: two types are named %s: %s and %s; rename one of them", d.name, prev.origin, d.origin)
		}
		byName[d.name] = d
		// Empty root types are not part of the schema: GraphQL requires
		// an object type to have fields.
		if d.kind == builtinDef || (d.kind == objectDef && len(d.fields) == 0) {
			continue
		}
		writeDef(&out, d)
		out.WriteString("\n")
	}
	out.WriteString(directives)
	return out.String(), nil
}

// used returns the names of the definitions to print: the user's, and
// every one they refer to, directly or not.
func (b *builder) used() map[string]bool {
	byName := map[string][]*def{}
	for _, d := range b.defs {
		byName[d.name] = append(byName[d.name], d)
	}
	used := map[string]bool{}
	var todo []string
	mark := func(name string) {
		if !used[name] {
			used[name] = true
			todo = append(todo, name)
		}
	}
	for _, d := range b.defs {
		if d.user {
			mark(d.name)
		}
	}
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, d := range byName[name] {
			for _, f := range d.fields {
				mark(namedType(f.typ))
				for _, a := range f.args {
					mark(namedType(a.typ))
				}
			}
		}
	}
	return used
}

// namedType strips the list and non-null wrappers from a type reference.
func namedType(typ string) string {
	return strings.Trim(typ, "[]!")
}

func writeDef(out *strings.Builder, d *def) {
	writeDesc(out, "", d.desc)
	switch d.kind {
	case scalarDef:
		fmt.Fprintf(out, "scalar %s\n", d.name)
		return
	case enumDef:
		fmt.Fprintf(out, "enum %s {\n", d.name)
		for _, v := range d.values {
			fmt.Fprintf(out, "  %s\n", v)
		}
		out.WriteString("}\n")
		return
	case inputDef:
		fmt.Fprintf(out, "input %s {\n", d.name)
	default:
		fmt.Fprintf(out, "type %s {\n", d.name)
	}
	for _, f := range d.fields {
		writeDesc(out, "  ", f.desc)
		out.WriteString("  " + f.name)
		if len(f.args) > 0 {
			args := make([]string, len(f.args))
			for i, a := range f.args {
				args[i] = a.name + ": " + a.typ
			}
			out.WriteString("(" + strings.Join(args, ", ") + ")")
		}
		out.WriteString(": " + f.typ)
		if f.directive != "" {
			out.WriteString(" " + f.directive)
		}
		out.WriteString("\n")
	}
	out.WriteString("}\n")
}

// writeDesc writes a description (a table or column comment) as a
// GraphQL string, which GraphiQL shows as documentation.
func writeDesc(out *strings.Builder, indent, desc string) {
	if desc == "" {
		return
	}
	out.WriteString(indent + `"`)
	for _, r := range desc {
		switch r {
		case '"':
			out.WriteString(`\"`)
		case '\\':
			out.WriteString(`\\`)
		case '\n':
			out.WriteString(`\n`)
		case '\r':
			out.WriteString(`\r`)
		case '\t':
			out.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(out, `\u%04x`, r)
			} else {
				out.WriteRune(r)
			}
		}
	}
	out.WriteString("\"\n")
}

// load parses and validates the SDL. The checks before it should leave
// nothing for it to find, so an error here names the generated text's
// line to make the bug easy to locate.
func load(sdl string) (*ast.Schema, error) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "public schema", Input: sdl})
	if err != nil {
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Locations != nil {
			line := ""
			if lines := strings.Split(sdl, "\n"); gerr.Locations[0].Line-1 < len(lines) && gerr.Locations[0].Line > 0 {
				line = lines[gerr.Locations[0].Line-1]
			}
			return nil, fmt.Errorf("api: the generated schema does not validate: %s (line %d: %q)", gerr.Message, gerr.Locations[0].Line, strings.TrimSpace(line))
		}
		return nil, fmt.Errorf("api: the generated schema does not validate: %w", err)
	}
	return s, nil
}
