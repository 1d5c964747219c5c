package clientgen

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// DefaultMaxDepth is the reference's default statement depth.
const DefaultMaxDepth = 2

// Operation is one generated statement: a root field with every argument
// as a variable and the selection set the depth allows.
type Operation struct {
	Kind ast.Operation
	// Field is the root field's name; it also names the exported constant.
	Field string
	// Name is the operation's name (PascalCase of Field).
	Name string
	// Vars are the root field's arguments, declared as variables.
	Vars ast.ArgumentDefinitionList
	// Root is the root field's selection.
	Root *Selection
}

// Selection is a selected field and, for an object, what is selected in it.
type Selection struct {
	Name string
	// Type is the field's type in the schema (nil for __typename).
	Type *ast.Type
	// Fields are the sub-selections; empty for scalars and enums.
	Fields []*Selection
}

// Operations lists the statements for every root field of s, queries
// first, then mutations, then subscriptions, each in schema order.
func Operations(s *ast.Schema, maxDepth int, typename bool) ([]Operation, error) {
	if maxDepth < 1 {
		return nil, fmt.Errorf("statement depth %d: it must be at least 1", maxDepth)
	}
	g := gen{s: s, typename: typename}
	var ops []Operation
	for _, root := range []struct {
		kind ast.Operation
		def  *ast.Definition
	}{{ast.Query, s.Query}, {ast.Mutation, s.Mutation}, {ast.Subscription, s.Subscription}} {
		if root.def == nil {
			continue
		}
		for _, f := range root.def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			sel := g.field(f, maxDepth, true)
			if sel == nil {
				continue
			}
			ops = append(ops, Operation{Kind: root.kind, Field: f.Name, Name: pascal(f.Name), Vars: f.Arguments, Root: sel})
		}
	}
	return ops, nil
}

type gen struct {
	s        *ast.Schema
	typename bool
}

// field is getFields of the docs generator: see the package doc.
func (g gen) field(f *ast.FieldDefinition, depth int, root bool) *Selection {
	t := g.s.Types[f.Type.Name()]
	if t == nil {
		return nil
	}
	leaf := t.Kind == ast.Scalar || t.Kind == ast.Enum
	if depth < 1 && !leaf {
		return nil
	}
	if !root && needsArgument(f) {
		// Nested fields get no arguments; a required one would make the
		// document invalid.
		return nil
	}
	sel := &Selection{Name: f.Name, Type: f.Type}
	if leaf {
		return sel
	}
	if t.Kind == ast.Object || t.Kind == ast.Interface {
		for _, sub := range t.Fields {
			if strings.HasPrefix(sub.Name, "__") {
				continue
			}
			if (sub.Name == "totalCount" || sub.Name == "aggregate") && strings.HasPrefix(t.Name, "Model") && strings.HasSuffix(t.Name, "Connection") {
				// Quarry's extensions cost a count (or aggregates) on
				// every page: left to the queries that want them, as the
				// reference's documents, which have no such fields, leave
				// them.
				continue
			}
			if s := g.field(sub, depth-1, false); s != nil {
				sel.Fields = append(sel.Fields, s)
			}
		}
	}
	if t.Kind == ast.Object && g.typename {
		sel.Fields = append(sel.Fields, &Selection{Name: "__typename"})
	}
	if len(sel.Fields) == 0 {
		return nil
	}
	return sel
}

func needsArgument(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// pascal upper-cases the first letter of each part of name between
// underscores and drops the underscores: getEvent → GetEvent,
// list_events → ListEvents.
func pascal(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	if b.Len() == 0 {
		return name
	}
	return b.String()
}

// keyword is the operation keyword of kind.
func keyword(kind ast.Operation) string { return string(kind) }

// typeName is the TypeScript suffix of kind: Query, Mutation, Subscription.
func typeName(kind ast.Operation) string {
	k := string(kind)
	return strings.ToUpper(k[:1]) + k[1:]
}

// printWidth is prettier's default line width, which the reference's
// statements are laid out for.
const printWidth = 80

// Document prints op as the reference's formatter does (prettier's
// GraphQL layout): two-space indent, variables and root arguments on one
// line when it fits in 80 columns, else one per line.
func (op Operation) Document() string {
	var b strings.Builder
	var vars, args []string
	for _, v := range op.Vars {
		vars = append(vars, "$"+v.Name+": "+v.Type.String())
		args = append(args, v.Name+": $"+v.Name)
	}
	b.WriteString(call(keyword(op.Kind)+" "+op.Name, vars, "", "  ", " {"))
	if len(op.Root.Fields) == 0 {
		// A scalar or enum result has no selection set.
		b.WriteString(call(op.Root.Name, args, "  ", "    ", ""))
		b.WriteString("}\n")
		return b.String()
	}
	b.WriteString(call(op.Root.Name, args, "  ", "    ", " {"))
	for _, f := range op.Root.Fields {
		writeSelection(&b, f, "    ")
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// call prints name(items) at indent followed by tail: on one line when it
// fits, else with one item per line at inner.
func call(name string, items []string, indent, inner, tail string) string {
	if len(items) == 0 {
		return indent + name + tail + "\n"
	}
	one := indent + name + "(" + strings.Join(items, ", ") + ")" + tail
	if len(one) <= printWidth {
		return one + "\n"
	}
	var b strings.Builder
	b.WriteString(indent + name + "(\n")
	for _, it := range items {
		b.WriteString(inner + it + "\n")
	}
	b.WriteString(indent + ")" + tail + "\n")
	return b.String()
}

func writeSelection(b *strings.Builder, s *Selection, indent string) {
	if len(s.Fields) == 0 {
		b.WriteString(indent + s.Name + "\n")
		return
	}
	b.WriteString(indent + s.Name + " {\n")
	for _, f := range s.Fields {
		writeSelection(b, f, indent+"  ")
	}
	b.WriteString(indent + "}\n")
}
