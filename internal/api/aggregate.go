package api

import (
	"github.com/quarrydata/quarry/internal/schema"
)

// Aggregate is the kind of a model's aggregateX root field (a Quarry
// extension): counts, sums, averages, minima and maxima of the rows a
// filter and the caller's rules let through, optionally per group.
const Aggregate Kind = "aggregate"

// Summable reports whether sum and avg apply to f: numbers.
func Summable(f *schema.Field) bool {
	return !f.IsList && !f.IsEnum && (f.Type == schema.Int || f.Type == schema.Float)
}

// Boundable reports whether min and max apply to f: numbers, dates and
// times, and strings (compared as the column's collation orders them).
// Enums are left out: engines order them by declaration or by text.
func Boundable(f *schema.Field) bool {
	if f.IsList || f.IsEnum {
		return false
	}
	switch f.Type {
	case schema.Int, schema.Float, schema.AWSDate, schema.AWSTime, schema.AWSDateTime, schema.String:
		return true
	}
	return false
}

// Groupable reports whether groupBy may name f: any single value that
// compares as a value (AWSJSON does not).
func Groupable(f *schema.Field) bool {
	return !f.IsList && f.Type != schema.AWSJSON
}

// AggregateNames are the generated names of a model's aggregate types.
type AggregateNames struct {
	Root, Result, Sums, Averages, Bounds, Group, Key, Field string
}

// AggregateNamesFor names m's aggregate root field and types. Every type
// name starts with Model<M>Aggregate, which no other generated name of
// any model does (theirs end in Connection, Input, SortField, ...).
func AggregateNamesFor(m *schema.Model) AggregateNames {
	u := schema.UpperFirst(m.Name)
	p := "Model" + u + "Aggregate"
	return AggregateNames{
		Root: modelNamesFor(m).root[Aggregate], Result: p, Sums: p + "Sums", Averages: p + "Averages",
		Bounds: p + "Bounds", Group: p + "Group", Key: p + "Key", Field: p + "Field",
	}
}

// aggregateTypes adds m's aggregate types; print leaves them out unless
// the root field or a connection's aggregate uses them. A kind of value
// no field of m has (no number, say) is left out of the result type, as
// GraphQL forbids an object type without fields.
func (b *builder) aggregateTypes(m *schema.Model, origin string) AggregateNames {
	n := AggregateNamesFor(m)
	add := func(d *def) {
		b.add(d)
		if d.kind == objectDef {
			b.out.Objects[d.name] = Object{Model: m, Aggregate: true}
		}
	}
	var sums, avgs, bounds, keys []field
	var groupable []string
	for _, f := range m.Fields {
		if Summable(f) {
			t := schema.Float
			if f.Type == schema.Int {
				t = schema.Int
			}
			sums = append(sums, field{name: f.Name, typ: t})
			avgs = append(avgs, field{name: f.Name, typ: schema.Float})
		}
		if Boundable(f) {
			bounds = append(bounds, field{name: f.Name, typ: f.Type})
		}
		if Groupable(f) {
			keys = append(keys, field{name: f.Name, typ: f.Type})
			groupable = append(groupable, f.Name)
		}
	}
	values := []field{{name: "count", typ: "Int!", desc: "How many rows the filter and the caller's rules let through."}}
	if len(sums) > 0 {
		add(&def{kind: objectDef, name: n.Sums, origin: origin + " (aggregate sums)", fields: sums})
		add(&def{kind: objectDef, name: n.Averages, origin: origin + " (aggregate averages)", fields: avgs})
		values = append(values,
			field{name: "sum", typ: n.Sums, desc: "Sums of the numeric fields; null where no row has a value."},
			field{name: "avg", typ: n.Averages, desc: "Averages of the numeric fields over the rows that have a value."})
	}
	if len(bounds) > 0 {
		add(&def{kind: objectDef, name: n.Bounds, origin: origin + " (aggregate bounds)", fields: bounds})
		values = append(values, field{name: "min", typ: n.Bounds}, field{name: "max", typ: n.Bounds})
	}
	result := append([]field{}, values...)
	if len(keys) > 0 {
		add(&def{kind: objectDef, name: n.Key, origin: origin + " (aggregate group key)", fields: keys})
		add(&def{kind: enumDef, name: n.Field, values: groupable, origin: origin + " (aggregate group fields)"})
		group := append([]field{{name: "key", typ: n.Key + "!", desc: "The group's values of the groupBy fields (the others are null)."}}, values...)
		add(&def{kind: objectDef, name: n.Group, origin: origin + " (aggregate group)", fields: group})
		result = append(result, field{name: "groups", typ: "[" + n.Group + "!]!",
			desc: "One entry per distinct value of the groupBy fields, ordered by them; empty without groupBy."})
	}
	add(&def{kind: objectDef, name: n.Result, origin: origin + " (aggregate)", fields: result})
	return n
}

// aggregateRoot adds the aggregateX query of m.
func (b *builder) aggregateRoot(m *schema.Model, n AggregateNames, filter, origin string) error {
	f := field{name: n.Root, typ: n.Result + "!",
		desc: "Counts and aggregates the rows the filter and your rules let through (a Quarry extension).",
		args: []field{{name: "filter", typ: filter}}}
	if hasGroupable(m) {
		f.args = append(f.args,
			field{name: "groupBy", typ: "[" + n.Field + "!]"},
			field{name: "limit", typ: "Int"})
		f.desc += " groupBy splits them into groups; limit is the most groups expected (default 100, at most the list limit): more is an error."
	}
	return b.addRoot(b.query, f, Root{Kind: Aggregate, Model: m}, "the aggregate query of "+origin)
}

func hasGroupable(m *schema.Model) bool {
	for _, f := range m.Fields {
		if Groupable(f) {
			return true
		}
	}
	return false
}
