package sdl

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/quarrydata/quarry/internal/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// operations reads the fields of `type Query`/`type Mutation` (or their
// extensions) as custom operations with SQL handlers.
func (m *merger) operations(src *Source, def *ast.Definition) {
	m.c.directives(def.Directives, "type "+def.Name, true)
	list, kind := &m.s.Queries, "query"
	if def.Name == "Mutation" {
		list, kind = &m.s.Mutations, "mutation"
	}
	for _, fd := range def.Fields {
		where := "custom " + kind + " " + fd.Name
		if prev, dup := m.first(def.Name+"."+fd.Name, nil, fd.Position); dup {
			m.c.add(fd.Position, "first declared at "+loc(prev), "%s is declared twice", where)
			continue
		}
		ds := m.c.directives(fd.Directives, where, true, dirSQL, dirAuth)
		op := m.signature(fd, where)
		switch d := ds[dirSQL]; {
		case d != nil:
			m.sql(src, op, d, where)
		case fd.Directives.ForName("function") == nil: // @function is reported as unsupported
			m.c.add(fd.Position, `add @sql(statement: "SELECT ...") or @sql(reference: "./sql/`+fd.Name+`.sql")`, "%s has no handler", where)
		}
		if d := ds[dirAuth]; d != nil {
			op.Auth, _ = m.rulesAt(d, levelOperation, nil)
		}
		*list = append(*list, op)
	}
}

// signature reads an operation's name, arguments and return type.
func (m *merger) signature(fd *ast.FieldDefinition, where string) *schema.Operation {
	op := &schema.Operation{Name: fd.Name}
	for _, a := range fd.Arguments {
		awhere := "argument " + a.Name + " of " + where
		if argOf(op, a.Name) != nil {
			m.c.add(a.Position, "", "%s is declared twice", awhere)
			continue
		}
		m.c.directives(a.Directives, awhere, false)
		if a.DefaultValue != nil {
			m.c.add(a.DefaultValue.Position, "handle a missing value in the SQL, e.g. COALESCE(:"+a.Name+", ...)",
				"%s: default values are not supported", awhere)
		}
		t, _ := m.typeRef(a.Type, awhere, false)
		op.Args = append(op.Args, &schema.TypeField{Name: a.Name, Type: t})
	}
	op.Returns, _ = m.typeRef(fd.Type, where, true)
	return op
}

// typeRef reads an operation's argument or return type, or a custom
// type's field type. Arguments (outputs false) are scalars or enums;
// outputs may also be custom types and models, by either name.
func (m *merger) typeRef(t *ast.Type, where string, outputs bool) (schema.TypeRef, bool) {
	tr := schema.TypeRef{Required: t.NonNull}
	if t.Elem != nil {
		if t.Elem.Elem != nil {
			m.c.add(t.Position, "", "%s: lists of lists are not supported", where)
			return tr, false
		}
		tr.List, tr.ElemRequired = true, t.Elem.NonNull
		t = t.Elem
	}
	name := t.NamedType
	switch {
	case isScalar(name) || m.s.Enum(name) != nil:
		tr.Name = name
		return tr, true
	case m.s.Type(name) != nil || m.model(name) != nil:
		if outputs {
			tr.Name = name
			if mo := m.model(name); mo != nil {
				tr.Name = mo.Name
			}
			return tr, true
		}
		m.c.add(t.Position, "pass the key fields as scalar arguments", "%s: arguments are scalars or enums; %s is %s", where, name, m.nameOwner(name))
		return tr, false
	}
	candidates := append(scalarNames(), m.enumNames()...)
	if outputs {
		candidates = append(candidates, m.modelNames()...)
		for _, ct := range m.s.Types {
			candidates = append(candidates, ct.Name)
		}
	}
	m.c.add(t.Position, suggest(name, candidates), "%s: unknown type %s", where, name)
	return tr, false
}

// customTypeFields reads a custom type's fields.
func (m *merger) customTypeFields(def *ast.Definition, ct *schema.CustomType) {
	seen := map[string]bool{}
	for _, fd := range def.Fields {
		where := "field " + fd.Name + " of " + ct.Name
		if seen[fd.Name] {
			m.c.add(fd.Position, "", "custom type %s has two fields named %s", ct.Name, fd.Name)
			continue
		}
		seen[fd.Name] = true
		if len(fd.Arguments) > 0 {
			m.c.add(fd.Position, "", "%s: fields of custom types take no arguments", where)
		}
		m.c.directives(fd.Directives, where, true)
		t, _ := m.typeRef(fd.Type, where, true)
		ct.Fields = append(ct.Fields, &schema.TypeField{Name: fd.Name, Type: t})
	}
}

// sql reads @sql(statement:) or @sql(reference:) into op, reading a
// referenced file now so that a missing file fails at load, not on the
// first request.
func (m *merger) sql(src *Source, op *schema.Operation, d *ast.Directive, where string) {
	a := m.c.args(d, "statement", "reference")
	st, ref := a["statement"], a["reference"]
	switch {
	case st != nil && ref != nil:
		m.c.add(d.Position, "keep one", "@sql takes statement or reference, not both")
	case st == nil && ref == nil:
		m.c.add(d.Position, `write @sql(statement: "SELECT ...") or @sql(reference: "./sql/`+op.Name+`.sql")`, "@sql needs statement or reference")
	case st != nil:
		text, ok := m.c.str(st, "@sql(statement:)")
		if ok && strings.TrimSpace(text) == "" {
			m.c.add(st.Position, "", "@sql(statement:) of %s is empty", where)
			return
		}
		op.SQL = text
		for _, p := range m.missingArgs(op) {
			m.c.add(st.Position, argsHint(op), "placeholder :%s in the SQL of %s is not an argument", p.Name, where)
		}
	default:
		path, ok := m.c.str(ref, "@sql(reference:)")
		if !ok {
			return
		}
		if path == "" {
			m.c.add(ref.Position, "", "@sql(reference:) of %s is empty", where)
			return
		}
		op.SQLFile = path
		full := path
		if !filepath.IsAbs(path) {
			full = filepath.Join(filepath.Dir(src.Path), path)
		}
		b, err := m.readFile(full)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, fs.ErrNotExist) {
				msg = full + " does not exist"
			}
			m.c.add(ref.Position, "the path is relative to the directory of "+src.Path, "@sql(reference:) of %s: %s", where, msg)
			return
		}
		op.SQL = string(b)
		if strings.TrimSpace(op.SQL) == "" {
			m.c.add(ref.Position, "", "%s (the SQL of %s) is empty", full, where)
		}
		for _, p := range m.missingArgs(op) {
			// Point into the SQL file itself: that is where the fix goes.
			line, col := lineCol(op.SQL, p.Offset)
			m.c.errs = append(m.c.errs, Error{File: full, Line: line, Col: col, Hint: argsHint(op),
				Msg: "placeholder :" + p.Name + " in the SQL of " + where + " is not an argument"})
		}
	}
}

// missingArgs returns the first use of each placeholder that names no
// argument of op.
func (m *merger) missingArgs(op *schema.Operation) []Placeholder {
	var out []Placeholder
	seen := map[string]bool{}
	for _, p := range Placeholders(op.SQL, m.s.Database.Engine) {
		if argOf(op, p.Name) == nil && !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p)
		}
	}
	return out
}

func argsHint(op *schema.Operation) string {
	if len(op.Args) == 0 {
		return "declare it as an argument: " + op.Name + "(name: String): ..."
	}
	names := make([]string, len(op.Args))
	for i, a := range op.Args {
		names[i] = a.Name
	}
	return "the arguments are " + strings.Join(names, ", ")
}

// lineCol turns a byte offset into a 1-based line and column (in
// characters).
func lineCol(text string, offset int) (int, int) {
	line, start := 1, 0
	for i := 0; i < offset && i < len(text); i++ {
		if text[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	return line, utf8.RuneCountInString(text[start:min(offset, len(text))]) + 1
}

func argOf(op *schema.Operation, name string) *schema.TypeField {
	for _, a := range op.Args {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// subscriptions reads `type Subscription` (or its extension): custom
// subscriptions, each receiving the results of the mutations its
// @aws_subscribe(mutations: [...]) names. Whether those mutations exist
// and return the subscription's type is checked with the API's names
// (api.Build).
func (m *merger) subscriptions(def *ast.Definition) {
	m.c.directives(def.Directives, "type Subscription", true)
	for _, fd := range def.Fields {
		where := "custom subscription " + fd.Name
		if prev, dup := m.first("Subscription."+fd.Name, nil, fd.Position); dup {
			m.c.add(fd.Position, "first declared at "+loc(prev), "%s is declared twice", where)
			continue
		}
		ds := m.c.directives(fd.Directives, where, true, dirSubscribe, dirAuth)
		op := m.signature(fd, where)
		d := ds[dirSubscribe]
		if d == nil {
			m.c.add(fd.Position, `add @aws_subscribe(mutations: ["createNote"])`, "%s names no mutations", where)
			continue
		}
		if v := m.c.args(d, "mutations")["mutations"]; v == nil {
			m.c.add(d.Position, `write @aws_subscribe(mutations: ["createNote"])`, "@aws_subscribe needs mutations")
		} else if list, ok := m.c.strList(v, "mutations"); ok {
			if len(list) == 0 {
				m.c.add(v.Position, "", "%s: mutations is empty, so it would receive nothing", where)
			}
			op.Mutations = list
		}
		if d := ds[dirAuth]; d != nil {
			op.Auth, _ = m.rulesAt(d, levelOperation, nil)
		}
		m.s.Subscriptions = append(m.s.Subscriptions, op)
	}
}
