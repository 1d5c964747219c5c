package plan

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// Subscription is a planned onCreate/onUpdate/onDelete field: which
// model's events it takes, which rows (the filter and the caller's rule),
// and what each event's object holds.
type Subscription struct {
	// Key is the field's response key; Field its name (for errors).
	Key, Field string
	Model      *schema.Model
	// Op is the mutation the events come from: "create", "update" or
	// "delete".
	Op string
	// Where holds the subscription's filter and the caller's row rule:
	// an event is sent only when it holds for the row.
	Where pred.Expr
	// Fields is the selection. Fields with a Guard are null in payloads,
	// as the reference redacts field-protected fields there;
	// relationships are null (belongsTo, hasOne) or empty (hasMany).
	// A custom subscription of a scalar or AWSJSON type has none: its
	// payload is the mutation's result as it is.
	Fields []Output
	// Mutations is set on a custom subscription: the mutations whose
	// results it receives. Its Where compares the model's columns when it
	// returns a model (Model is set), else the result's field names.
	Mutations []string
}

// Subscribe plans the one root field of a subscription operation for the
// caller id.
func (b *Builder) Subscribe(op *ast.OperationDefinition, vars map[string]any, id auth.Identity) (*Subscription, error) {
	return b.forCaller(id).subscribe(op, vars)
}

func (b *Builder) subscribe(op *ast.OperationDefinition, vars map[string]any) (*Subscription, error) {
	b.listen = true // b is this request's copy (forCaller)
	fields, err := collect(op.SelectionSet, vars)
	if err != nil {
		return nil, err
	}
	var roots []*ast.Field
	for _, f := range fields {
		if f.Name != "__typename" {
			roots = append(roots, f)
		}
	}
	if len(roots) != 1 {
		return nil, qerr.New(qerr.Validation, "a subscription selects exactly one field")
	}
	f := roots[0]
	rt, ok := b.API.Root(ast.Subscription, f.Name)
	if ok && rt.Kind == api.CustomSubscription {
		return b.customSubscription(f, rt.Operation, vars)
	}
	if !ok || rt.Model == nil {
		return nil, qerr.New(qerr.Unsupported, fmt.Sprintf("subscription %s cannot be served", f.Name))
	}
	m := rt.Model
	d := b.Policy.Model(m, b.id, authz.Listen)
	if !d.Allowed || authz.DeniedByAuthorizer("Subscription", f.Name, b.id) {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Subscription"))
	}
	args := f.ArgumentMap(vars)
	where, err := b.filter(m, args["filter"], "filter")
	if err != nil {
		return nil, err
	}
	s := &Subscription{Key: responseKey(f), Field: f.Name, Model: m, Where: pred.Conj(where, d.Filter)}
	switch rt.Kind {
	case api.OnCreate:
		s.Op = "create"
	case api.OnUpdate:
		s.Op = "update"
	case api.OnDelete:
		s.Op = "delete"
	default:
		return nil, qerr.New(qerr.Unsupported, fmt.Sprintf("%s subscriptions are not served", rt.Kind))
	}
	sc := &scope{pages: &Pages{}, budget: new(int), op: authz.Listen, mutation: true, listen: true}
	if s.Fields, err = b.outputs(m, f.SelectionSet, vars, sc); err != nil {
		return nil, err
	}
	return s, nil
}

// rowPrefix starts the keys of the hidden outputs that carry a mutated
// row's every field for change events. Like deniedPrefix it holds a colon,
// which no alias can.
const rowPrefix = "q:row:"

// RowKey is the hidden output key of field name in a mutation's object.
func RowKey(name string) string { return rowPrefix + name }

// RowField reports the field a hidden row key carries.
func RowField(k string) (string, bool) { return strings.CutPrefix(k, rowPrefix) }

// withRow adds the hidden outputs that carry every field of the mutated
// row, so the pipeline can publish the change without another statement.
func withRow(ret *Select) {
	for _, f := range ret.Model.Fields {
		ret.Fields = append(ret.Fields, Output{Key: RowKey(f.Name), Field: f})
	}
}

// customSubscription plans a subscription declared with @aws_subscribe:
// its arguments filter on the result's fields of the same names, as in
// AppSync; a model result also passes through the caller's row rules.
func (b *Builder) customSubscription(f *ast.Field, op *schema.Operation, vars map[string]any) (*Subscription, error) {
	if !b.Policy.Operation(op, b.id) || authz.DeniedByAuthorizer("Subscription", f.Name, b.id) {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Subscription"))
	}
	s := &Subscription{Key: responseKey(f), Field: f.Name, Mutations: op.Mutations}
	args := f.ArgumentMap(vars)
	m := b.API.IR.Model(op.Returns.Name)
	var and pred.And
	for _, a := range op.Args {
		v, ok := args[a.Name]
		if !ok || v == nil {
			continue
		}
		cv, err := coerceAs(b.argField(a), v, a.Name, asName)
		if err != nil {
			return nil, err
		}
		column := a.Name
		if m != nil {
			fld := m.Field(a.Name)
			if fld == nil {
				return nil, qerr.New(qerr.Validation, fmt.Sprintf("argument %s of %s filters on a field %s does not have", a.Name, f.Name, m.Name))
			}
			if err := b.readable(m, fld, f.Name); err != nil {
				return nil, err
			}
			column = fld.Column
		}
		and = append(and, pred.Cmp{Column: column, Op: pred.Eq, Value: cv})
	}
	s.Where = pred.Conj(and...)
	sc := &scope{pages: &Pages{}, budget: new(int), op: authz.Listen, mutation: true, listen: true}
	switch {
	case m != nil:
		d := b.Policy.Model(m, b.id, authz.Listen)
		if !d.Allowed {
			return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Subscription"))
		}
		s.Model, s.Where = m, pred.Conj(s.Where, d.Filter)
		var err error
		if s.Fields, err = b.outputs(m, f.SelectionSet, vars, sc); err != nil {
			return nil, err
		}
	case b.API.IR.Type(op.Returns.Name) != nil:
		fields, err := collect(f.SelectionSet, vars)
		if err != nil {
			return nil, err
		}
		for _, sf := range fields {
			if sf.Name == "__typename" {
				s.Fields = append(s.Fields, Output{Key: responseKey(sf), Typename: op.Returns.Name})
				continue
			}
			s.Fields = append(s.Fields, Output{Key: responseKey(sf), Field: &schema.Field{Name: sf.Name, Column: sf.Name}})
		}
	}
	return s, nil
}
