package plan

import (
	"fmt"

	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// indexWhere adds to where the keys of a secondary index's query: the
// partition field's value, which the query requires, and the condition
// on the sort keys.
func (b *Builder) indexWhere(m *schema.Model, x *schema.Index, field string, args map[string]any, sortKeyArg string, where pred.Expr) (pred.Expr, error) {
	pf := m.Field(x.Field)
	if pf == nil {
		return nil, qerr.New(qerr.Misconfig, fmt.Sprintf("index %s of %s: no field %s", x.Name, m.Name, x.Field))
	}
	if err := b.readable(m, pf, field); err != nil {
		return nil, err
	}
	v, ok := args[pf.Name]
	if !ok || v == nil {
		return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s needs the partition key %s", field, pf.Name))
	}
	cv, err := coerce(pf, v, pf.Name)
	if err != nil {
		return nil, err
	}
	where = pred.Conj(pred.Cmp{Column: pf.Column, Op: pred.Eq, Value: cv}, where)
	if cond, ok := args[sortKeyArg].(map[string]any); ok && sortKeyArg != "" {
		e, err := b.keyConditionOn(m, x.SortKeys, cond)
		if err != nil {
			return nil, err
		}
		where = pred.Conj(where, e)
	}
	return where, nil
}

// indexOrder orders an index query's rows by its sort keys, in the
// query's direction; Keys then adds the primary key, which makes the order
// total for keyset pages, as DynamoDB orders an index's items with equal
// sort keys by the table's key.
func indexOrder(m *schema.Model, x *schema.Index, desc bool) []OrderKey {
	var order []OrderKey
	for _, k := range x.SortKeys {
		order = append(order, OrderKey{Field: m.Field(k), Desc: desc})
	}
	return order
}

// keyConditionOn turns a condition on the sort fields (the primary key's
// or an index's) into a predicate. With one field the operators apply to
// it. With several, each operand is an object holding values for a prefix
// of the fields (AppSync composes them into one "a#b" key, which orders
// field by field), so eq and beginsWith hold field by field and the
// comparisons are lexicographic over the fields given.
func (b *Builder) keyConditionOn(m *schema.Model, sortFields []string, cond map[string]any) (pred.Expr, error) {
	for _, k := range sortFields {
		if err := b.readable(m, m.Field(k), "sortKey"); err != nil {
			return nil, err
		}
	}
	if len(sortFields) == 1 {
		return fieldFilter(m.Field(sortFields[0]), cond, "sortKey", toStored)
	}
	var and pred.And
	for _, op := range sortedKeys(cond) {
		var e pred.Expr
		var err error
		switch op {
		case "between":
			pair, ok := cond[op].([]any)
			if !ok || len(pair) != 2 {
				return nil, qerr.New(qerr.Validation, "sortKey.between takes two values")
			}
			lo, err1 := b.compositeCmp(m, sortFields, "ge", pair[0])
			hi, err2 := b.compositeCmp(m, sortFields, "le", pair[1])
			if err = firstErr(err1, err2); err == nil {
				e = pred.Conj(lo, hi)
			}
		case "eq", "beginsWith", "lt", "le", "gt", "ge":
			e, err = b.compositeCmp(m, sortFields, op, cond[op])
		default:
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("unknown sort key operator %s", op))
		}
		if err != nil {
			return nil, err
		}
		and = append(and, e)
	}
	return pred.Conj(and...), nil
}

// compositeCmp compares the sort fields named in v (a prefix of them)
// with op.
func (b *Builder) compositeCmp(m *schema.Model, sortFields []string, op string, v any) (pred.Expr, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, qerr.New(qerr.Validation, "sortKey."+op+" must be an object of sort key values")
	}
	var given []*schema.Field
	for _, k := range sortFields {
		if _, ok := obj[k]; !ok {
			break
		}
		given = append(given, m.Field(k))
	}
	if len(given) != len(obj) {
		return nil, qerr.New(qerr.Validation, fmt.Sprintf("sortKey.%s: give the sort key fields in order, from the first, %s", op, sortFields[0]))
	}
	if len(given) == 0 {
		return nil, nil
	}
	cmp := func(f *schema.Field, op string) (pred.Expr, error) {
		return fieldFilter(f, map[string]any{op: obj[f.Name]}, "sortKey."+f.Name, toStored)
	}
	last := len(given) - 1
	var eqs pred.And
	for _, f := range given[:last] {
		e, err := cmp(f, "eq")
		if err != nil {
			return nil, err
		}
		eqs = append(eqs, e)
	}
	switch op {
	case "eq", "beginsWith":
		e, err := cmp(given[last], op)
		if err != nil {
			return nil, err
		}
		return pred.Conj(append(eqs, e)...), nil
	}
	// Lexicographic: a field beyond its value with the ones before equal,
	// or (for le and ge) every field equal.
	strict := op
	switch op {
	case "le":
		strict = "lt"
	case "ge":
		strict = "gt"
	}
	var or pred.Or
	for i, f := range given {
		o := strict
		if i == last {
			o = op
		}
		e, err := cmp(f, o)
		if err != nil {
			return nil, err
		}
		or = append(or, pred.Conj(append(append(pred.And{}, eqs[:i]...), e)...))
	}
	return or, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// IndexProbe is the statement plan of a page of index x's query for the
// partition value given, with no other condition and the key fields only:
// what the build explains to tell whether the database has an index that
// serves the query field (cli/indexcheck.go).
func IndexProbe(m *schema.Model, x *schema.Index, partition any, limit int) *Select {
	pf := m.Field(x.Field)
	sel := &Select{Model: m, Where: pred.Cmp{Column: pf.Column, Op: pred.Eq, Value: partition},
		Order: indexOrder(m, x, false), Limit: limit}
	for _, k := range m.PrimaryKey {
		sel.Fields = append(sel.Fields, Output{Key: k, Field: m.Field(k)})
	}
	return sel
}
