package sqlgen

import (
	"fmt"
	"slices"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// AggDialect is what the shared aggregate statements need from an engine.
// An aggregateX statement returns one row of two columns: the object, and
// the number of groups read (at most Limit+1) or NULL without groups.
type AggDialect struct {
	// Object is the JSON object function; EmptyArray a constant [].
	Object, EmptyArray Raw
	// GroupSelect starts a statement that aggregates groups into text
	// (MySQL's GROUP_CONCAT needs its length limit raised); "SELECT " else.
	GroupSelect Raw
	// Value writes fn (plan.AggSum, AggAvg, AggMin, AggMax) of f over the
	// rows aliased t, formatted as the API returns values of its type.
	Value func(b *Builder, fn string, f *schema.Field, t Alias)
	// Key writes a grouped column as the dialect's objects write it.
	Key func(b *Builder, t Alias, f *schema.Field) error
	// Embed writes x, a JSON value that came out of a subquery or a derived
	// table, so that Object nests it rather than quoting its text.
	Embed func(b *Builder, x func() error) error
	// Groups writes the JSON array of the objects x.o ordered by the
	// group keys x.k0, x.k1, ...
	Groups func(b *Builder, x Alias, keys int)
	// Where renders a predicate as the dialect's WHERE does; Table writes
	// a model's table.
	Where func(b *Builder, t Alias, m *schema.Model, e pred.Expr) error
	Table func(b *Builder, m *schema.Model)
}

// Aggregate compiles an aggregateX root field. Without groups it is one
// aggregate over the filtered rows. With groups, two one-row derived
// tables are cross joined: a, the totals, one column per top-level value,
// and g, the groups' array (at most Limit+1 groups, in key order) and
// their number, which the pipeline checks against Limit.
func Aggregate(d AggDialect, b *Builder, a *plan.Aggregate) (Statement, error) {
	grouped := len(a.GroupBy) > 0 && slices.ContainsFunc(a.Outputs, func(o plan.AggOutput) bool { return o.What == plan.AggGroups })
	t := b.NewAlias()
	if !grouped {
		b.Raw("SELECT ")
		if err := aggObject(d, b, t, a.Outputs, nil, func() error { b.Raw(d.EmptyArray); return nil }); err != nil {
			return Statement{}, err
		}
		b.Raw(", NULL")
		if err := aggFrom(d, b, t, a.Model, a.Where); err != nil {
			return Statement{}, err
		}
		return b.Statement(), nil
	}
	totals, g := b.NewAlias(), b.NewAlias()
	b.Raw(d.GroupSelect)
	b.Raw(d.Object)
	b.Raw("(")
	for i, o := range a.Outputs {
		if i > 0 {
			b.Raw(", ")
		}
		b.Str(o.Key)
		b.Raw(", ")
		var err error
		switch o.What {
		case plan.AggTypename:
			b.Str(o.Typename)
		case plan.AggCount:
			b.WriteAlias(totals)
			b.Raw(".v")
			b.Int(i)
		case plan.AggGroups:
			err = d.Embed(b, func() error { b.WriteAlias(g); b.Raw(".arr"); return nil })
		default:
			err = d.Embed(b, func() error { b.WriteAlias(totals); b.Raw(".v"); b.Int(i); return nil })
		}
		if err != nil {
			return Statement{}, err
		}
	}
	b.Raw("), ")
	b.WriteAlias(g)
	b.Raw(".n FROM (SELECT count(*) AS c")
	for i, o := range a.Outputs {
		if o.What == plan.AggTypename || o.What == plan.AggGroups {
			continue
		}
		b.Raw(", ")
		if err := aggValue(d, b, t, o, nil); err != nil {
			return Statement{}, err
		}
		b.Raw(" AS v")
		b.Int(i)
	}
	if err := aggFrom(d, b, t, a.Model, a.Where); err != nil {
		return Statement{}, err
	}
	b.Raw(") ")
	b.WriteAlias(totals)
	b.Raw(" CROSS JOIN (SELECT ")
	x, u := b.NewAlias(), b.NewAlias()
	d.Groups(b, x, len(a.GroupBy))
	b.Raw(" AS arr, count(*) AS n FROM (SELECT ")
	var group []plan.AggOutput
	for _, o := range a.Outputs {
		if o.What == plan.AggGroups {
			group = o.Group
		}
	}
	if err := aggObject(d, b, u, group, a.GroupBy, nil); err != nil {
		return Statement{}, err
	}
	b.Raw(" AS o")
	for i, f := range a.GroupBy {
		b.Raw(", ")
		b.Col(u, f.Column)
		b.Raw(" AS k")
		b.Int(i)
	}
	if err := aggFrom(d, b, u, a.Model, a.Where); err != nil {
		return Statement{}, err
	}
	for _, clause := range []Raw{" GROUP BY ", " ORDER BY "} {
		b.Raw(clause)
		for j, f := range a.GroupBy {
			if j > 0 {
				b.Raw(", ")
			}
			b.Col(u, f.Column)
		}
	}
	b.Raw(" LIMIT ")
	b.Int(a.Limit + 1)
	b.Raw(") ")
	b.WriteAlias(x)
	b.Raw(") ")
	b.WriteAlias(g)
	return b.Statement(), nil
}

// aggFrom writes FROM the model's table aliased t WHERE where.
func aggFrom(d AggDialect, b *Builder, t Alias, m *schema.Model, where pred.Expr) error {
	b.Raw(" FROM ")
	d.Table(b, m)
	b.Raw(" ")
	b.WriteAlias(t)
	b.Raw(" WHERE ")
	return d.Where(b, t, m, where)
}

// NestedAggregate writes a connection's aggregate: a correlated subquery
// over the related rows under the join, the filter and the caller's
// rules, wherever the page starts. Groups are empty (no groupBy there).
func NestedAggregate(d AggDialect, b *Builder, outer Alias, o plan.Output, a *plan.Aggregate) error {
	t := b.NewAlias()
	return d.Embed(b, func() error {
		b.Raw("(SELECT ")
		if err := aggObject(d, b, t, a.Outputs, nil, func() error { b.Raw(d.EmptyArray); return nil }); err != nil {
			return err
		}
		b.Raw(" FROM ")
		d.Table(b, o.Nested.Model)
		b.Raw(" ")
		b.WriteAlias(t)
		if err := b.JoinWhere(outer, t, WithoutAfter(o), func(b *Builder, t Alias, f *schema.Field) { b.Col(t, f.Column) }, func(t Alias, m *schema.Model, e pred.Expr) error {
			return d.Where(b, t, m, e)
		}); err != nil {
			return err
		}
		b.Raw(")")
		return nil
	})
}

// aggObject writes an aggregate object (or a group's, grouped by
// groupBy) over the rows aliased t.
func aggObject(d AggDialect, b *Builder, t Alias, outs []plan.AggOutput, groupBy []*schema.Field, groups func() error) error {
	b.Raw(d.Object)
	b.Raw("(")
	for i, o := range outs {
		if i > 0 {
			b.Raw(", ")
		}
		b.Str(o.Key)
		b.Raw(", ")
		if err := aggValue(d, b, t, o, groups, groupBy...); err != nil {
			return err
		}
	}
	b.Raw(")")
	return nil
}

// aggValue writes one key's value of an aggregate object.
func aggValue(d AggDialect, b *Builder, t Alias, o plan.AggOutput, groups func() error, groupBy ...*schema.Field) error {
	switch o.What {
	case plan.AggTypename:
		b.Str(o.Typename)
	case plan.AggCount:
		b.Raw("count(*)")
	case plan.AggGroups:
		if groups == nil {
			return fmt.Errorf("sqlgen: groups inside a group")
		}
		return groups()
	case plan.AggSum, plan.AggAvg, plan.AggMin, plan.AggMax, plan.AggKey:
		b.Raw(d.Object)
		b.Raw("(")
		for i, f := range o.Fields {
			if i > 0 {
				b.Raw(", ")
			}
			b.Str(f.Key)
			b.Raw(", ")
			switch {
			case f.Field == nil:
				b.Str(f.Typename)
			case o.What != plan.AggKey:
				d.Value(b, o.What, f.Field, t)
			case slices.Contains(groupBy, f.Field):
				if err := d.Key(b, t, f.Field); err != nil {
					return err
				}
			default:
				// A key field the groups are not formed by.
				b.Raw("NULL")
			}
		}
		b.Raw(")")
	default:
		return fmt.Errorf("sqlgen: unknown aggregate output %q", o.What)
	}
	return nil
}
