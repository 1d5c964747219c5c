package plan

import (
	"fmt"
	"maps"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// Timestamp columns the server fills, as the reference documents: on
// create both, on update the second, unless the caller gave a value.
var (
	createdAtNames = map[string]bool{"createdAt": true, "created_at": true}
	updatedAtNames = map[string]bool{"updatedAt": true, "updated_at": true}
)

func (b *Builder) input(args map[string]any, what string) (map[string]any, error) {
	in, ok := args["input"].(map[string]any)
	if !ok {
		return nil, qerr.New(qerr.Validation, what+" needs an input object")
	}
	return in, nil
}

// returning plans the object a mutation returns.
func (b *Builder) returning(m *schema.Model, f *ast.Field, vars map[string]any, sc *scope) (*Select, error) {
	sc.op, sc.mutation = authz.Get, true
	outs, err := b.outputs(m, f.SelectionSet, vars, sc)
	if err != nil {
		return nil, err
	}
	return &Select{Model: m, Fields: outs, Single: true}, nil
}

func (b *Builder) create(m *schema.Model, f *ast.Field, args, vars map[string]any, sc *scope) (*Insert, error) {
	in, err := b.input(args, f.Name)
	if err != nil {
		return nil, err
	}
	// Owner fields the caller leaves out are filled in a copy: the
	// variables belong to the request.
	in = maps.Clone(in)
	if !b.Policy.Create(m, b.id, in) {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Mutation"))
	}
	ins := &Insert{Model: m}
	set := map[string]bool{}
	for _, k := range sortedKeys(in) {
		fld, v, err := inputValue(m, f, in, k)
		if err != nil {
			return nil, err
		}
		if v == nil && fld.DBGenerated {
			continue // let the database generate it
		}
		ins.Columns = append(ins.Columns, fld.Column)
		ins.Values = append(ins.Values, v)
		set[k] = true
	}
	for _, fld := range m.Fields {
		if set[fld.Name] {
			continue
		}
		switch {
		case createdAtNames[fld.Name] || updatedAtNames[fld.Name]:
			if v, err := coerce(fld, b.Now(), fld.Name); err == nil && isTimeField(fld) {
				ins.Columns = append(ins.Columns, fld.Column)
				ins.Values = append(ins.Values, v)
			}
		case fld.Type == schema.ID && len(m.PrimaryKey) == 1 && m.PrimaryKey[0] == fld.Name && !fld.DBGenerated:
			// An ID key the caller leaves out gets a UUID, as AppSync's
			// $util.autoId() gives it.
			ins.Columns = append(ins.Columns, fld.Column)
			ins.Values = append(ins.Values, b.NewID())
		}
	}
	ret, err := b.returning(m, f, vars, sc)
	if err != nil {
		return nil, err
	}
	ins.Return = ret
	return ins, nil
}

// inputValue checks and coerces the value a mutation's input gives field k
// of m.
func inputValue(m *schema.Model, f *ast.Field, in map[string]any, k string) (*schema.Field, any, error) {
	fld := m.Field(k)
	if fld == nil {
		return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: %s has no field %s", f.Name, m.Name, k))
	}
	if fld.ReadOnly {
		return nil, nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: %s is computed by the database and cannot be written", f.Name, k))
	}
	v, err := coerce(fld, in[k], "input."+k)
	return fld, v, err
}

func isTimeField(f *schema.Field) bool {
	return f.Type == schema.AWSDateTime && !f.IsList
}

func (b *Builder) update(m *schema.Model, f *ast.Field, args, vars map[string]any, sc *scope) (*Update, error) {
	in, err := b.input(args, f.Name)
	if err != nil {
		return nil, err
	}
	key, err := keyWhere(m, in, "input")
	if err != nil {
		return nil, err
	}
	up := &Update{Model: m, Key: key}
	isKey := map[string]bool{}
	for _, k := range m.PrimaryKey {
		isKey[k] = true
	}
	set := map[string]bool{}
	for _, k := range sortedKeys(in) {
		if isKey[k] {
			continue
		}
		fld, v, err := inputValue(m, f, in, k)
		if err != nil {
			return nil, err
		}
		up.Columns = append(up.Columns, fld.Column)
		up.Values = append(up.Values, v)
		set[k] = true
	}
	for _, fld := range m.Fields {
		if !set[fld.Name] && updatedAtNames[fld.Name] && isTimeField(fld) {
			v, _ := coerce(fld, b.Now(), fld.Name)
			up.Columns = append(up.Columns, fld.Column)
			up.Values = append(up.Values, v)
		}
	}
	if up.Where, err = b.filter(m, args["condition"], "condition"); err != nil {
		return nil, err
	}
	rule, ok := b.Policy.Update(m, b.id, in)
	if !ok {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Mutation"))
	}
	up.Where, up.Authorized = pred.Conj(up.Where, rule), rule != nil
	if up.Return, err = b.returning(m, f, vars, sc); err != nil {
		return nil, err
	}
	return up, nil
}

func (b *Builder) delete(m *schema.Model, f *ast.Field, args, vars map[string]any, sc *scope) (*Delete, error) {
	in, err := b.input(args, f.Name)
	if err != nil {
		return nil, err
	}
	key, err := keyWhere(m, in, "input")
	if err != nil {
		return nil, err
	}
	del := &Delete{Model: m, Key: key}
	if del.Where, err = b.filter(m, args["condition"], "condition"); err != nil {
		return nil, err
	}
	rule, ok := b.Policy.Delete(m, b.id)
	if !ok {
		return nil, qerr.New(qerr.Forbidden, authz.Denial(f.Name, "Mutation"))
	}
	del.Where, del.Authorized = pred.Conj(del.Where, rule), rule != nil
	if del.Return, err = b.returning(m, f, vars, sc); err != nil {
		return nil, err
	}
	return del, nil
}
