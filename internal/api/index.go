package api

import (
	"fmt"

	"github.com/quarrydata/quarry/internal/schema"
)

// indexQueries adds a query field per secondary index of m that has one,
// with the arguments and order AppSync's index transformer gives it
// (ensureQueryField, makeConnectionField): the partition field, required;
// the sort key condition; sortDirection; then filter, limit and nextToken.
// A composite sort key's condition is Model<T><Name>CompositeKeyConditionInput,
// named after the index, which is also what the client declares.
func (b *builder) indexQueries(m *schema.Model, n modelNames, origin string) error {
	for _, x := range m.Indexes {
		if x.QueryField == "" {
			continue
		}
		what := fmt.Sprintf("the query of index %s of %s", x.Name, origin)
		pf := m.Field(x.Field)
		if pf == nil {
			return fmt.Errorf("api: %s: partition field %s is not a field of the model", what, x.Field)
		}
		f := field{name: x.QueryField, typ: n.connection, args: []field{{name: pf.Name, typ: pf.Type + "!"}}}
		skArg := sortKeyArg(x.SortKeys)
		switch len(x.SortKeys) {
		case 0:
		case 1:
			sf := m.Field(x.SortKeys[0])
			if sf == nil {
				return fmt.Errorf("api: %s: sort key %s is not a field of the model", what, x.SortKeys[0])
			}
			f.args = append(f.args, field{name: skArg, typ: keyConditionInput(sf.Type, sf.IsEnum)})
		default:
			cond, err := b.indexCompositeInputs(m, x, what)
			if err != nil {
				return err
			}
			f.args = append(f.args, field{name: skArg, typ: cond})
		}
		f.args = append(f.args,
			field{name: "sortDirection", typ: "ModelSortDirection"},
			field{name: "filter", typ: n.filter},
			field{name: "limit", typ: "Int"},
			field{name: "nextToken", typ: "String"})
		if err := b.addRoot(b.query, f, Root{Kind: List, Model: m, SortKeyArg: skArg, Index: x}, what); err != nil {
			return err
		}
	}
	return nil
}

// indexCompositeInputs adds the composite sort key input and its condition
// for index x and returns the condition's name.
func (b *builder) indexCompositeInputs(m *schema.Model, x *schema.Index, what string) (string, error) {
	base := "Model" + schema.UpperFirst(m.Name) + schema.UpperFirst(x.Name)
	key := b.add(&def{kind: inputDef, name: base + "CompositeKeyInput", origin: what + " (composite sort key input)"})
	for _, k := range x.SortKeys {
		kf := m.Field(k)
		if kf == nil {
			return "", fmt.Errorf("api: %s: sort key %s is not a field of the model", what, k)
		}
		key.fields = append(key.fields, field{name: kf.Name, typ: kf.Type})
	}
	cond := base + "CompositeKeyConditionInput"
	b.add(&def{kind: inputDef, name: cond, origin: what + " (composite sort key condition)",
		fields: operatorFields(compositeKeyOps, key.name)})
	return cond, nil
}
