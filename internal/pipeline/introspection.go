package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
)

// isIntrospection reports whether every root field of op is __schema,
// __type or __typename: such operations are answered from the schema.
func isIntrospection(op *ast.OperationDefinition, vars map[string]any) bool {
	fields, err := plan.CollectFields(op.SelectionSet, vars)
	if err != nil || len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if f.Name != "__schema" && f.Name != "__type" && f.Name != "__typename" {
			return false
		}
	}
	return true
}

// describesSchema reports whether op asks for __schema or __type at its
// root, beside other fields or not, with @include and @skip read from vars
// as rendering reads them.
func describesSchema(op *ast.OperationDefinition, vars map[string]any) bool {
	fields, err := plan.CollectFields(op.SelectionSet, vars)
	if err != nil {
		return true
	}
	for _, f := range fields {
		if f.Name == "__schema" || f.Name == "__type" {
			return true
		}
	}
	return false
}

// node is an introspection object: it answers its fields by name.
type node interface {
	field(name string, args map[string]any) any
}

func introspectSchema(s *ast.Schema, op *ast.OperationDefinition, vars map[string]any) (json.RawMessage, error) {
	root := rootNode{s: s, op: op}
	var b bytes.Buffer
	if err := render(&b, root, op.SelectionSet, vars); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// introspectField answers one root field __schema or __type of op, for
// an operation that also asks for data: its value alone, which the
// pipeline puts in the field's place among the others.
func introspectField(s *ast.Schema, op *ast.OperationDefinition, f *ast.Field, vars map[string]any) (json.RawMessage, error) {
	var b bytes.Buffer
	if err := value(&b, rootNode{s: s, op: op}.field(f.Name, f.ArgumentMap(vars)), f.SelectionSet, vars); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// introspectRoot answers a root __schema or __type that sits beside data
// fields, within the response size limit.
func (e *Engine) introspectRoot(op *ast.OperationDefinition, f *ast.Field, vars map[string]any, lim Limits) (json.RawMessage, error) {
	val, err := introspectField(e.API.AST, op, f, vars)
	if err == nil && len(val) > lim.MaxResponseBytes {
		err = qerr.New(qerr.TooLarge, fmt.Sprintf("the response is over %d bytes (limit --max-response-bytes)", lim.MaxResponseBytes))
	}
	return val, err
}

// render writes n's selected fields as a JSON object.
func render(b *bytes.Buffer, n node, set ast.SelectionSet, vars map[string]any) error {
	fields, err := plan.CollectFields(set, vars)
	if err != nil {
		return err
	}
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		key := f.Alias
		if key == "" {
			key = f.Name
		}
		writeKey(b, key)
		if err := value(b, n.field(f.Name, f.ArgumentMap(vars)), f.SelectionSet, vars); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func value(b *bytes.Buffer, v any, set ast.SelectionSet, vars map[string]any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case node:
		return render(b, x, set, vars)
	case []node:
		b.WriteByte('[')
		for i, n := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := render(b, n, set, vars); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		raw, err := json.Marshal(x)
		if err != nil {
			return qerr.Wrap(qerr.Internal, "introspection", err)
		}
		b.Write(raw)
	}
	return nil
}

type rootNode struct {
	s  *ast.Schema
	op *ast.OperationDefinition
}

func (r rootNode) field(name string, args map[string]any) any {
	switch name {
	case "__schema":
		return schemaNode{r.s}
	case "__type":
		n, _ := args["name"].(string)
		if d := r.s.Types[n]; d != nil {
			return typeNode{s: r.s, def: d}
		}
		return nil
	case "__typename":
		return rootTypename(r.op.Operation)
	}
	return nil
}

func rootTypename(op ast.Operation) string {
	switch op {
	case ast.Mutation:
		return "Mutation"
	case ast.Subscription:
		return "Subscription"
	}
	return "Query"
}

type schemaNode struct{ s *ast.Schema }

func (n schemaNode) field(name string, _ map[string]any) any {
	named := func(d *ast.Definition) any {
		if d == nil {
			return nil
		}
		return typeNode{s: n.s, def: d}
	}
	switch name {
	case "__typename":
		return "__Schema"
	case "description":
		return nil
	case "types":
		names := make([]string, 0, len(n.s.Types))
		for k := range n.s.Types {
			names = append(names, k)
		}
		sort.Strings(names)
		out := make([]node, len(names))
		for i, k := range names {
			out[i] = typeNode{s: n.s, def: n.s.Types[k]}
		}
		return out
	case "queryType":
		return named(n.s.Query)
	case "mutationType":
		return named(n.s.Mutation)
	case "subscriptionType":
		return named(n.s.Subscription)
	case "directives":
		names := make([]string, 0, len(n.s.Directives))
		for k := range n.s.Directives {
			names = append(names, k)
		}
		sort.Strings(names)
		out := make([]node, len(names))
		for i, k := range names {
			out[i] = directiveNode{s: n.s, d: n.s.Directives[k]}
		}
		return out
	}
	return nil
}

// typeNode is a named type (def) or a wrapper (ref with Elem or NonNull).
type typeNode struct {
	s   *ast.Schema
	def *ast.Definition
	ref *ast.Type
}

func refNode(s *ast.Schema, t *ast.Type) node {
	if t.NonNull || t.Elem != nil {
		return typeNode{s: s, ref: t}
	}
	return typeNode{s: s, def: s.Types[t.NamedType]}
}

func (n typeNode) field(name string, args map[string]any) any {
	if n.ref != nil {
		switch name {
		case "__typename":
			return "__Type"
		case "kind":
			if n.ref.NonNull {
				return "NON_NULL"
			}
			return "LIST"
		case "ofType":
			if n.ref.NonNull {
				inner := *n.ref
				inner.NonNull = false
				return refNode(n.s, &inner)
			}
			return refNode(n.s, n.ref.Elem)
		}
		return nil
	}
	if n.def == nil {
		return nil
	}
	d := n.def
	switch name {
	case "__typename":
		return "__Type"
	case "kind":
		return string(d.Kind)
	case "name":
		return d.Name
	case "description":
		if d.Description == "" {
			return nil
		}
		return d.Description
	case "specifiedByURL", "isOneOf":
		return nil
	case "fields":
		if d.Kind != ast.Object && d.Kind != ast.Interface {
			return nil
		}
		var out []node
		for _, f := range d.Fields {
			if len(f.Name) > 1 && f.Name[:2] == "__" {
				continue
			}
			out = append(out, fieldNode{s: n.s, f: f})
		}
		return nonNilNodes(out)
	case "inputFields":
		if d.Kind != ast.InputObject {
			return nil
		}
		var out []node
		for _, f := range d.Fields {
			out = append(out, inputNode{s: n.s, name: f.Name, desc: f.Description, typ: f.Type, def: f.DefaultValue})
		}
		return nonNilNodes(out)
	case "interfaces":
		if d.Kind != ast.Object {
			return nil
		}
		var out []node
		for _, i := range d.Interfaces {
			out = append(out, typeNode{s: n.s, def: n.s.Types[i]})
		}
		return nonNilNodes(out)
	case "possibleTypes":
		if d.Kind != ast.Interface && d.Kind != ast.Union {
			return nil
		}
		var out []node
		for _, p := range n.s.GetPossibleTypes(d) {
			out = append(out, typeNode{s: n.s, def: p})
		}
		return nonNilNodes(out)
	case "enumValues":
		if d.Kind != ast.Enum {
			return nil
		}
		var out []node
		for _, v := range d.EnumValues {
			out = append(out, enumNode{v})
		}
		return nonNilNodes(out)
	case "ofType":
		return nil
	}
	return nil
}

// nonNilNodes keeps an empty list a list, not null.
func nonNilNodes(l []node) []node {
	if l == nil {
		return []node{}
	}
	return l
}

type fieldNode struct {
	s *ast.Schema
	f *ast.FieldDefinition
}

func (n fieldNode) field(name string, _ map[string]any) any {
	switch name {
	case "__typename":
		return "__Field"
	case "name":
		return n.f.Name
	case "description":
		if n.f.Description == "" {
			return nil
		}
		return n.f.Description
	case "args":
		var out []node
		for _, a := range n.f.Arguments {
			out = append(out, inputNode{s: n.s, name: a.Name, desc: a.Description, typ: a.Type, def: a.DefaultValue})
		}
		return nonNilNodes(out)
	case "type":
		return refNode(n.s, n.f.Type)
	case "isDeprecated":
		return n.f.Directives.ForName("deprecated") != nil
	case "deprecationReason":
		return nil
	}
	return nil
}

type inputNode struct {
	s    *ast.Schema
	name string
	desc string
	typ  *ast.Type
	def  *ast.Value
}

func (n inputNode) field(name string, _ map[string]any) any {
	switch name {
	case "__typename":
		return "__InputValue"
	case "name":
		return n.name
	case "description":
		if n.desc == "" {
			return nil
		}
		return n.desc
	case "type":
		return refNode(n.s, n.typ)
	case "defaultValue":
		if n.def == nil {
			return nil
		}
		return n.def.String()
	case "isDeprecated":
		return false
	}
	return nil
}

type enumNode struct{ v *ast.EnumValueDefinition }

func (n enumNode) field(name string, _ map[string]any) any {
	switch name {
	case "__typename":
		return "__EnumValue"
	case "name":
		return n.v.Name
	case "description":
		if n.v.Description == "" {
			return nil
		}
		return n.v.Description
	case "isDeprecated":
		return false
	}
	return nil
}

type directiveNode struct {
	s *ast.Schema
	d *ast.DirectiveDefinition
}

func (n directiveNode) field(name string, _ map[string]any) any {
	switch name {
	case "__typename":
		return "__Directive"
	case "name":
		return n.d.Name
	case "description":
		if n.d.Description == "" {
			return nil
		}
		return n.d.Description
	case "locations":
		out := make([]string, len(n.d.Locations))
		for i, l := range n.d.Locations {
			out[i] = string(l)
		}
		return out
	case "args":
		var out []node
		for _, a := range n.d.Arguments {
			out = append(out, inputNode{s: n.s, name: a.Name, desc: a.Description, typ: a.Type, def: a.DefaultValue})
		}
		return nonNilNodes(out)
	case "isRepeatable":
		return n.d.IsRepeatable
	}
	return nil
}
