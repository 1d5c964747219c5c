package clientgen

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// scalarTS maps GraphQL's and AppSync's scalars to TypeScript, as the
// reference's types generator does: AWSTimestamp is a number (seconds),
// every other AppSync scalar travels as a string.
func scalarTS(name string) string {
	switch name {
	case "Int", "Float", "AWSTimestamp":
		return "number"
	case "Boolean":
		return "boolean"
	}
	return "string"
}

// TypeScript renders API.ts for ops: the input types, enums and object
// types they use (in the order first met, variables before results), then
// for each operation its <Name><Kind>Variables and <Name><Kind> result
// types, the result typed by exactly what the statement selects.
func TypeScript(s *ast.Schema, ops []Operation) string {
	t := tsgen{s: s, seen: map[string]bool{}}
	for _, op := range ops {
		for _, v := range op.Vars {
			t.use(v.Type.Name())
		}
		t.use(op.Root.Type.Name())
	}
	var b strings.Builder
	b.WriteString("/* tslint:disable */\n/* eslint-disable */\n//  This file was automatically generated and should not be edited.\n")
	for _, name := range t.order {
		b.WriteString("\n")
		t.writeDef(&b, s.Types[name])
	}
	for _, op := range ops {
		suffix := typeName(op.Kind)
		b.WriteString("\nexport type " + op.Name + suffix + "Variables = {\n")
		for _, v := range op.Vars {
			b.WriteString(member("  ", v.Name, v.Type, t.ref(v.Type)))
		}
		b.WriteString("};\n\nexport type " + op.Name + suffix + " = {\n")
		b.WriteString(member("  ", op.Root.Name, op.Root.Type, t.selection(op.Root, "  ")))
		b.WriteString("};\n")
	}
	return b.String()
}

type tsgen struct {
	s     *ast.Schema
	seen  map[string]bool
	order []string
}

// use adds the named type and, depth first, every type its fields name.
func (t *tsgen) use(name string) {
	d := t.s.Types[name]
	if d == nil || d.Kind == ast.Scalar || t.seen[name] || strings.HasPrefix(name, "__") {
		return
	}
	t.seen[name] = true
	t.order = append(t.order, name)
	for _, f := range d.Fields {
		if !strings.HasPrefix(f.Name, "__") {
			t.use(f.Type.Name())
		}
	}
}

func (t *tsgen) writeDef(b *strings.Builder, d *ast.Definition) {
	switch d.Kind {
	case ast.Enum:
		b.WriteString("export enum " + d.Name + " {\n")
		for _, v := range d.EnumValues {
			b.WriteString("  " + v.Name + " = \"" + v.Name + "\",\n")
		}
		b.WriteString("}\n")
	case ast.Object, ast.Interface, ast.InputObject:
		b.WriteString("export type " + d.Name + " = {\n")
		if d.Kind == ast.Object {
			b.WriteString("  __typename: \"" + d.Name + "\";\n")
		}
		for _, f := range d.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				b.WriteString(member("  ", f.Name, f.Type, t.ref(f.Type)))
			}
		}
		b.WriteString("};\n")
	default:
		// Unions are not part of what Quarry serves.
		b.WriteString("export type " + d.Name + " = any;\n")
	}
}

// ref is the TypeScript type of typ, naming declared types.
func (t *tsgen) ref(typ *ast.Type) string {
	named := typ.Name()
	if d := t.s.Types[named]; d == nil || d.Kind == ast.Scalar {
		named = scalarTS(named)
	}
	return wrap(typ, named)
}

// selection is the inline type of what sel selects, at indent.
func (t *tsgen) selection(sel *Selection, indent string) string {
	if len(sel.Fields) == 0 {
		return t.ref(sel.Type)
	}
	var b strings.Builder
	b.WriteString("{\n")
	inner := indent + "  "
	// __typename first, as the reference writes it.
	for _, f := range sel.Fields {
		if f.Name == "__typename" {
			b.WriteString(inner + "__typename: \"" + sel.Type.Name() + "\";\n")
		}
	}
	for _, f := range sel.Fields {
		if f.Name != "__typename" {
			b.WriteString(member(inner, f.Name, f.Type, t.selection(f, inner)))
		}
	}
	b.WriteString(indent + "}")
	return wrap(sel.Type, b.String())
}

// wrap puts named in the list types of typ: [T] → Array<T | null>.
func wrap(typ *ast.Type, named string) string {
	if typ.Elem == nil {
		return named
	}
	inner := wrap(typ.Elem, named)
	if !typ.Elem.NonNull {
		inner += " | null"
	}
	return "Array<" + inner + ">"
}

// member is one property: optional and nullable unless typ is non-null.
func member(indent, name string, typ *ast.Type, ts string) string {
	if typ.NonNull {
		return indent + name + ": " + ts + ";\n"
	}
	return indent + name + "?: " + ts + " | null;\n"
}
