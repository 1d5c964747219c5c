package postgres

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// NullsLarge: PostgreSQL orders NULL after every value ascending (NULLS
// LAST) and before them descending, and its b-tree indexes are built so.
func (dialect) NullsLarge() bool { return true }

// totalRow ends a list whose connection selects totalCount: the page
// above stays as it was, in parentheses (so its plan and index use do not
// change), and one more row, whose object is NULL, carries the count of
// every row the filter and the caller's rules let through, as text (the
// third column, NULL on the page's rows). t is the page's alias, reused:
// the branches are separate scopes.
func totalRow(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) error {
	b.Raw(") UNION ALL (SELECT NULL, NULL, count(*)::text FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(t)
	b.Raw(" WHERE ")
	if err := b.WhereOf(t, s.Model, s.Where); err != nil {
		return err
	}
	b.Raw(")")
	return nil
}

// nestedCount writes a hasMany's totalCount (or its aggregate: see
// sqlgen.NestedAggregate): its rows under the join, the filter and the
// caller's rules, wherever the page starts.
func nestedCount(b *sqlgen.Builder, outer sqlgen.Alias, o plan.Output, k plan.ConnKey) error {
	if k.Aggregate != nil {
		return sqlgen.NestedAggregate(aggDialect(), b, outer, o, k.Aggregate)
	}
	c := b.NewAlias()
	b.Raw("(SELECT count(*) FROM ")
	table(b, o.Nested.Model)
	b.Raw(" ")
	b.WriteAlias(c)
	if err := joinWhere(b, outer, c, sqlgen.WithoutAfter(o)); err != nil {
		return err
	}
	b.Raw(")")
	return nil
}
