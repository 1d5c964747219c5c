package mysql

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// NullsLarge: MySQL and MariaDB order NULL before every value ascending
// and after them descending.
func (dialect) NullsLarge() bool { return false }

// countedKeyword starts a list whose connection selects totalCount: the
// page goes in parentheses, to be followed by the count's row (totalRow).
// MariaDB's SET STATEMENT prefixes the whole statement, the union
// included; MySQL's hint stays in the first SELECT.
func (g *gen) countedKeyword(s *plan.Select) {
	if aggregates(s) && !g.mysql {
		g.b.Raw("SET STATEMENT group_concat_max_len = 1073741824 FOR (SELECT ")
		return
	}
	g.b.Raw("(")
	g.selectKeyword(s)
}

// totalRow ends a counted list: the page above stays as it was (so its
// plan and index use do not change), and one more row, whose object is
// NULL, carries the count of every row the filter and the caller's rules
// let through. t is the page's alias, reused: the branches are separate
// scopes.
func (g *gen) totalRow(t sqlgen.Alias, s *plan.Select) error {
	b := g.b
	b.Raw(") UNION ALL (SELECT NULL, NULL, COUNT(*) FROM ")
	g.table(s.Model)
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
func (g *gen) nestedCount(outer sqlgen.Alias, o plan.Output, k plan.ConnKey) error {
	b := g.b
	if k.Aggregate != nil {
		return sqlgen.NestedAggregate(g.aggDialect(), b, outer, o, k.Aggregate)
	}
	c := b.NewAlias()
	b.Raw("(SELECT COUNT(*) FROM ")
	g.table(o.Nested.Model)
	b.Raw(" ")
	b.WriteAlias(c)
	if err := joinWhere(b, outer, c, sqlgen.WithoutAfter(o)); err != nil {
		return err
	}
	b.Raw(")")
	return nil
}
