package mysql

import (
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// aggDialect is MySQL's or MariaDB's part of the aggregate statements.
// JSON that comes out of a subquery or a derived table is text to MariaDB
// (JSON is LONGTEXT there), so it goes through jsonOf to be nested.
func (g *gen) aggDialect() sqlgen.AggDialect {
	groupSelect := sqlgen.Raw("SET STATEMENT group_concat_max_len = 1073741824 FOR SELECT ")
	if g.mysql {
		groupSelect = "SELECT /*+ SET_VAR(group_concat_max_len = 1073741824) */ "
	}
	return sqlgen.AggDialect{
		Object:      "JSON_OBJECT",
		EmptyArray:  "JSON_ARRAY()",
		GroupSelect: groupSelect,
		Value:       g.aggValue,
		Key: func(_ *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) error {
			g.value(t, f)
			return nil
		},
		Embed: func(_ *sqlgen.Builder, x func() error) error {
			var err error
			g.jsonOf(func() { err = x() })
			return err
		},
		Groups: func(b *sqlgen.Builder, x sqlgen.Alias, keys int) {
			// As items: GROUP_CONCAT of the objects' text, in key order.
			b.Raw("CONCAT('[', COALESCE(GROUP_CONCAT(")
			b.WriteAlias(x)
			b.Raw(".o ORDER BY ")
			for i := range keys {
				if i > 0 {
					b.Raw(", ")
				}
				b.WriteAlias(x)
				b.Raw(".k")
				b.Int(i)
			}
			b.Raw(" SEPARATOR ','), ''), ']')")
		},
		Where: func(b *sqlgen.Builder, t sqlgen.Alias, m *schema.Model, e pred.Expr) error { return b.WhereOf(t, m, e) },
		Table: func(_ *sqlgen.Builder, m *schema.Model) { g.table(m) },
	}
}

// Aggregate compiles an aggregateX root field.
func (c Compiler) Aggregate(a *plan.Aggregate) (sqlgen.Statement, error) {
	g, err := c.gen()
	if err != nil {
		return sqlgen.Statement{}, err
	}
	return sqlgen.Aggregate(g.aggDialect(), g.b, a)
}

// aggValue writes fn of f over the rows aliased t as the API returns f's
// type: an Int sum (DECIMAL) or bound as a number, or as a string of
// digits past 2^53; an average as a DOUBLE (+ 0e0: AVG of an exact type
// is DECIMAL); a date or time bound as AppSync's text; a String bound as
// text.
func (g *gen) aggValue(b *sqlgen.Builder, fn string, f *schema.Field, t sqlgen.Alias) {
	agg := func() {
		b.Raw(sqlgen.Raw(strings.ToUpper(fn)))
		b.Raw("(")
		b.Col(t, f.Column)
		b.Raw(")")
	}
	switch {
	case fn == plan.AggAvg:
		b.Raw("(")
		agg()
		b.Raw(" + 0e0)")
	case f.Type == schema.Int:
		safeInt(g, agg)
	case isTime(f):
		timeTextOf(b, f, agg)
	case f.Type == schema.String && !textType(strings.ToLower(f.DBType)):
		b.Raw("CAST(")
		agg()
		b.Raw(" AS CHAR)")
	default:
		agg()
	}
}

// timeText writes a date or time column as AppSync's text: AWSDateTime
// as YYYY-MM-DDThh:mm:ss.sssZ (PostgreSQL's MS truncates to milliseconds;
// so does DIV), AWSTime as hh:mm:ss.sss, AWSDate as YYYY-MM-DD.
func timeText(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) {
	timeTextOf(b, f, func() { b.Col(t, f.Column) })
}

// timeTextOf is timeText over any expression x of f's type (an
// aggregate's min or max as well as a column).
func timeTextOf(b *sqlgen.Builder, f *schema.Field, x func()) {
	switch f.Type {
	case schema.AWSDateTime:
		b.Raw("CONCAT(DATE_FORMAT(")
		x()
		b.Raw(", '%Y-%m-%dT%H:%i:%s.'), LPAD(MICROSECOND(")
		x()
		b.Raw(") DIV 1000, 3, '0'), 'Z')")
	case schema.AWSTime:
		b.Raw("CONCAT(TIME_FORMAT(")
		x()
		b.Raw(", '%H:%i:%s'), '.', LPAD(MICROSECOND(")
		x()
		b.Raw(") DIV 1000, 3, '0'))")
	case schema.AWSDate:
		b.Raw("DATE_FORMAT(")
		x()
		b.Raw(", '%Y-%m-%d')")
	}
}
