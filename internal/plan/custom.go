package plan

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
)

// Custom is a custom query or mutation (@sql): the schema author's
// statement cut at its :name placeholders, the request's values to bind in
// their places, and how the statement's rows become the field's value.
type Custom struct {
	Op *schema.Operation
	// Mutation marks a custom mutation, which runs in a transaction.
	Mutation bool
	// Text and Args interleave: Text[0] Args[0] Text[1] ... Args[n-1]
	// Text[n], so len(Text) == len(Args)+1. Text is the schema author's SQL
	// exactly as written (casts, literals and comments included); Args are
	// the request's values, one per use of a placeholder, each bound as a
	// parameter, never spliced. A placeholder whose argument the request
	// left out binds NULL.
	Text []string
	Args []any
	// Names holds the argument each use of a placeholder names
	// (len(Names) == len(Args)), so that a dialect with numbered
	// parameters can bind a name once and refer to it at every use.
	Names []string
	// Return shapes the rows into the declared return type.
	Return Shape
}

// Shape says how a custom operation's rows become its value: a model or
// custom type (Object) reads each row's columns; a scalar or enum reads the
// first column; AWSJSON is the rows themselves, as JSON objects. A list
// type takes every row, any other type the first row (none gives null).
type Shape struct {
	// Type is the declared return type.
	Type schema.TypeRef
	// Object is set when Type names a model or a custom type.
	Object *Object
	// IsEnum marks a return type that is an enum; Enum is that enum, whose
	// stored text the rows hold.
	IsEnum bool
	Enum   *schema.Enum
}

// Object is the selected fields of a model or custom type, each read from
// a column of a row (or from a key of a JSON object, for an object nested in
// a custom type).
type Object struct {
	// Name is the type's name.
	Name   string
	Fields []Column
}

// Column is one key of an object built from a row.
type Column struct {
	// Key is the response key (alias or field name).
	Key string
	// Column is the result column read: a model field's column, or a custom
	// type field's name.
	Column string
	// Type is the field's GraphQL type; Type.Required makes a missing
	// column an error instead of null.
	Type   schema.TypeRef
	IsEnum bool
	// Enum is the field's enum when IsEnum: the row holds stored text,
	// the response the values' GraphQL names.
	Enum *schema.Enum
	// Field is the model field read, whose DBType refines the format (a
	// PostgreSQL timetz, a MySQL SET); nil for custom type fields.
	Field *schema.Field
	// Object is set for a custom type's field whose type is a model or
	// custom type: the column holds it as JSON (row_to_json, JSON_OBJECT,
	// json_object, ...).
	Object *Object
	// Typename, when set, is the constant answer to __typename.
	Typename string
	// Redacted is set on a model field the caller may not read on every
	// row: it is written null (the rows of custom SQL are the author's,
	// not the model's, so row rules cannot be checked on them).
	Redacted bool
}

// custom plans a custom operation.
func (b *Builder) custom(op *schema.Operation, kind api.Kind, f *ast.Field, args, vars map[string]any) (*Custom, error) {
	if op == nil {
		return nil, qerr.New(qerr.Misconfig, fmt.Sprintf("%s has no operation in the schema", f.Name))
	}
	what, typ := "custom query "+op.Name, "Query"
	if kind == api.CustomMutation {
		what, typ = "custom mutation "+op.Name, "Mutation"
	}
	if !b.Policy.Operation(op, b.id) {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, typ))
	}
	values := map[string]any{}
	for _, a := range op.Args {
		v, err := b.coerceArg(a, args[a.Name])
		if err != nil {
			return nil, err
		}
		values[a.Name] = v
	}
	if strings.TrimSpace(op.SQL) == "" {
		return nil, qerr.New(qerr.Misconfig, what+" has no SQL")
	}
	c, err := split(op, b.API.IR.Database.Engine, kind == api.CustomMutation, values, what)
	if err != nil {
		return nil, err
	}
	ret, err := b.shape(op.Returns, f, vars, what)
	if err != nil {
		return nil, err
	}
	c.Return = ret
	return c, nil
}

// CustomStatement is op's statement with every placeholder bound to NULL,
// for checking the statement against the database (prepare, not run)
// when the schema is built rather than on its first request.
func CustomStatement(op *schema.Operation, engine string, mutation bool) (*Custom, error) {
	values := map[string]any{}
	for _, a := range op.Args {
		values[a.Name] = nil
	}
	what := "custom query " + op.Name
	if mutation {
		what = "custom mutation " + op.Name
	}
	return split(op, engine, mutation, values, what)
}

// split cuts op's SQL at its :name placeholders and puts values in their
// places.
func split(op *schema.Operation, engine string, mutation bool, values map[string]any, what string) (*Custom, error) {
	c := &Custom{Op: op, Mutation: mutation}
	// Placeholders are found by the same rules the schema check used, so
	// a :name inside a literal, a comment or a :: cast stays text.
	last := 0
	for _, p := range sdl.Placeholders(op.SQL, engine) {
		v, ok := values[p.Name] // every argument has an entry, nil when left out
		if !ok {
			// The SDL front end refuses these at load; an IR built another
			// way might not have.
			return nil, qerr.New(qerr.Misconfig, fmt.Sprintf("placeholder :%s in the SQL of %s is not an argument", p.Name, what))
		}
		c.Text = append(c.Text, op.SQL[last:p.Offset])
		c.Args = append(c.Args, v)
		c.Names = append(c.Names, p.Name)
		last = p.Offset + 1 + len(p.Name)
	}
	c.Text = append(c.Text, trimStatementEnd(op.SQL[last:]))
	return c, nil
}

// trimStatementEnd drops the semicolon a .sql file usually ends with, so
// that what is sent is exactly one statement, as a prepared statement
// must be.
func trimStatementEnd(s string) string {
	return strings.TrimRight(s, "; \t\r\n")
}

// coerceArg checks an argument's value against its declared type with the
// same rules as model inputs: coerce takes a field, so the argument is
// described as one.
func (b *Builder) coerceArg(a *schema.TypeField, v any) (any, error) {
	return coerce(b.argField(a), v, a.Name)
}

// argField describes an argument as a field, its enum (with the values'
// stored text) included.
func (b *Builder) argField(a *schema.TypeField) *schema.Field {
	e := b.API.IR.Enum(a.Type.Name)
	return &schema.Field{
		Name:     a.Name,
		Type:     a.Type.Name,
		IsEnum:   e != nil,
		Enum:     e,
		IsList:   a.Type.List,
		Required: a.Type.ElemRequired,
	}
}

// shape plans how rows become a value of type t, selected by f.
func (b *Builder) shape(t schema.TypeRef, f *ast.Field, vars map[string]any, what string) (Shape, error) {
	e := b.API.IR.Enum(t.Name)
	s := Shape{Type: t, IsEnum: e != nil, Enum: e}
	if b.API.IR.Model(t.Name) == nil && b.API.IR.Type(t.Name) == nil {
		return s, nil
	}
	obj, err := b.object(t.Name, f.SelectionSet, vars, what)
	s.Object = obj
	return s, err
}

// object plans the selected fields of the model or custom type named name.
func (b *Builder) object(name string, set ast.SelectionSet, vars map[string]any, what string) (*Object, error) {
	fields, err := collect(set, vars)
	if err != nil {
		return nil, err
	}
	ir := b.API.IR
	obj := &Object{Name: name}
	m, ct := ir.Model(name), ir.Type(name)
	for _, f := range fields {
		c := Column{Key: responseKey(f)}
		switch {
		case f.Name == "__typename":
			c.Typename = name
		case m != nil:
			fld := m.Field(f.Name)
			if fld == nil {
				if m.Relationship(f.Name) != nil {
					return nil, qerr.New(qerr.Unsupported, fmt.Sprintf(
						"%s returns %s: its relationship %s cannot be selected from a custom operation's result yet; select its reference fields and query %s separately",
						what, m.Name, f.Name, f.Name))
				}
				return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s has no field %s", m.Name, f.Name))
			}
			c.Column, c.Field, c.IsEnum, c.Enum = fld.Column, fld, fld.IsEnum, fld.Enum
			c.Type = schema.TypeRef{Name: fld.Type, List: fld.IsList, Required: fld.Required && !fld.IsList, ElemRequired: fld.Required && fld.IsList}
			c.Redacted = !b.Policy.Field(m, fld, b.id, authz.Get).Visible()
			if c.Redacted {
				c.Type.Required = false
			}
		case ct != nil:
			tf := typeField(ct, f.Name)
			if tf == nil {
				return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s has no field %s", ct.Name, f.Name))
			}
			c.Enum = ir.Enum(tf.Type.Name)
			c.Column, c.Type, c.IsEnum = tf.Name, tf.Type, c.Enum != nil
			if ir.Model(tf.Type.Name) != nil || ir.Type(tf.Type.Name) != nil {
				if c.Object, err = b.object(tf.Type.Name, f.SelectionSet, vars, what); err != nil {
					return nil, err
				}
			}
		default:
			return nil, qerr.New(qerr.Misconfig, fmt.Sprintf("%s returns %s, which is neither a model nor a custom type", what, name))
		}
		obj.Fields = append(obj.Fields, c)
	}
	return obj, nil
}

func typeField(ct *schema.CustomType, name string) *schema.TypeField {
	for _, f := range ct.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}
