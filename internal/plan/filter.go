package plan

import (
	"fmt"

	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
)

// filter turns a ModelXFilterInput (or ConditionInput) value into a
// predicate over m's columns. Keys are field names or and/or/not.
func (b *Builder) filter(m *schema.Model, v any, path string) (pred.Expr, error) {
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, qerr.New(qerr.Validation, path+" must be an object")
	}
	var and pred.And
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		switch k {
		case "and", "or":
			list, ok := val.([]any)
			if !ok {
				if val == nil {
					continue
				}
				return nil, qerr.New(qerr.Validation, path+"."+k+" must be a list")
			}
			var parts []pred.Expr
			for i, item := range list {
				e, err := b.filter(m, item, fmt.Sprintf("%s.%s[%d]", path, k, i))
				if err != nil {
					return nil, err
				}
				if e == nil {
					e = pred.Const(true)
				}
				parts = append(parts, e)
			}
			if k == "and" {
				and = append(and, pred.And(parts))
			} else {
				and = append(and, pred.Or(parts))
			}
		case "not":
			if val == nil {
				continue
			}
			e, err := b.filter(m, val, path+".not")
			if err != nil {
				return nil, err
			}
			if e == nil {
				e = pred.Const(true)
			}
			and = append(and, pred.Not{X: e})
		default:
			f := m.Field(k)
			if f == nil {
				return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: %s has no field %s", path, m.Name, k))
			}
			if err := b.readable(m, f, path); err != nil {
				return nil, err
			}
			mode := toStored
			if b.listen {
				mode = asName
			}
			e, err := fieldFilter(f, val, path+"."+k, mode)
			if err != nil {
				return nil, err
			}
			and = append(and, e)
		}
	}
	return pred.Conj(and...), nil
}

// fieldFilter turns {eq: 1, gt: 0, ...} on one field into a predicate;
// mode says whether enum values are compared as the database stores them
// (toStored, for SQL) or as the API names them (asName, for events).
func fieldFilter(f *schema.Field, v any, path string, mode enumMode) (pred.Expr, error) {
	if v == nil {
		return nil, nil
	}
	ops, ok := v.(map[string]any)
	if !ok {
		return nil, qerr.New(qerr.Validation, path+" must be an object of operators")
	}
	var and pred.And
	for _, op := range sortedKeys(ops) {
		val := ops[op]
		c := pred.Cmp{Column: f.Column, Op: pred.Op(op), List: f.IsList}
		switch pred.Op(op) {
		case pred.Eq, pred.Ne, pred.Lt, pred.Le, pred.Gt, pred.Ge:
			cv, err := coerceElem(f, val, path+"."+op, mode)
			if err != nil {
				return nil, err
			}
			c.Value = cv
		case pred.BeginsWith, pred.Contains, pred.NotContains:
			if val == nil {
				continue
			}
			if f.IsList {
				cv, err := coerceElem(f, val, path+"."+op, mode)
				if err != nil {
					return nil, err
				}
				c.Value = cv
			} else {
				s, ok := val.(string)
				if !ok {
					return nil, qerr.New(qerr.Validation, path+"."+op+" takes a string")
				}
				c.Value = s
			}
		case pred.Between, pred.In, pred.NotIn:
			list, ok := val.([]any)
			if !ok {
				return nil, qerr.New(qerr.Validation, path+"."+op+" takes a list")
			}
			if pred.Op(op) == pred.Between && (len(list) != 2 || list[0] == nil || list[1] == nil) {
				return nil, qerr.New(qerr.Validation, path+".between takes exactly two non-null values")
			}
			for i, item := range list {
				cv, err := coerceElem(f, item, fmt.Sprintf("%s.%s[%d]", path, op, i), mode)
				if err != nil {
					return nil, err
				}
				c.Values = append(c.Values, cv)
			}
		case pred.Exists:
			bv, ok := val.(bool)
			if !ok {
				return nil, qerr.New(qerr.Validation, path+".attributeExists takes a boolean")
			}
			c.Value = bv
		case "attributeType":
			// SQL columns have one type: the test is whether the value is
			// present and of the asked type, or absent for _null.
			t, _ := val.(string)
			if t == "_null" {
				and = append(and, pred.Cmp{Column: f.Column, Op: pred.Exists, Value: false})
			} else if attributeType(f) == t {
				and = append(and, pred.Cmp{Column: f.Column, Op: pred.Exists, Value: true})
			} else {
				and = append(and, pred.Const(false))
			}
			continue
		case "size":
			sz, err := sizeFilter(f, val, path+".size")
			if err != nil {
				return nil, err
			}
			and = append(and, sz)
			continue
		default:
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: unknown operator %s", path, op))
		}
		and = append(and, c)
	}
	return pred.Conj(and...), nil
}

func sizeFilter(f *schema.Field, v any, path string) (pred.Expr, error) {
	ops, ok := v.(map[string]any)
	if !ok {
		return nil, qerr.New(qerr.Validation, path+" must be an object of operators")
	}
	var and pred.And
	for _, op := range sortedKeys(ops) {
		c := pred.Cmp{Column: f.Column, Op: pred.Op(op), Size: true}
		switch pred.Op(op) {
		case pred.Eq, pred.Ne, pred.Lt, pred.Le, pred.Gt, pred.Ge:
			n, err := toInt(ops[op])
			if err != nil {
				return nil, qerr.New(qerr.Validation, path+"."+op+" takes an integer")
			}
			c.Value = n
		case pred.Between:
			list, _ := ops[op].([]any)
			if len(list) != 2 {
				return nil, qerr.New(qerr.Validation, path+".between takes exactly two integers")
			}
			for _, item := range list {
				n, err := toInt(item)
				if err != nil {
					return nil, qerr.New(qerr.Validation, path+".between takes integers")
				}
				c.Values = append(c.Values, n)
			}
		default:
			return nil, qerr.New(qerr.Validation, fmt.Sprintf("%s: unknown operator %s", path, op))
		}
		and = append(and, c)
	}
	return pred.Conj(and...), nil
}

// attributeType names a field's DynamoDB attribute type, which is what
// AppSync's attributeType compares with.
func attributeType(f *schema.Field) string {
	if f.IsList {
		return "list"
	}
	switch f.Type {
	case schema.Int, schema.Float, schema.AWSTimestamp:
		return "number"
	case schema.Boolean:
		return "bool"
	case schema.AWSJSON:
		return "map"
	}
	return "string"
}

// keyCondition turns a condition on the primary key's sort field(s)
// ({eq, le, lt, ge, gt, between, beginsWith}) into a predicate
// (keyConditionOn, in index.go, which serves indexes too).
func (b *Builder) keyCondition(m *schema.Model, cond map[string]any) (pred.Expr, error) {
	return b.keyConditionOn(m, m.PrimaryKey[1:], cond)
}
