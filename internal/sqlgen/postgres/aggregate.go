package postgres

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// aggDialect is PostgreSQL's part of the aggregate statements.
func aggDialect() sqlgen.AggDialect {
	return sqlgen.AggDialect{
		Object:      "json_build_object",
		EmptyArray:  "'[]'::json",
		GroupSelect: "SELECT ",
		Value:       aggValue,
		Key: func(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) error {
			return value(b, t, plan.Output{Field: f}, nil)
		},
		Embed: func(_ *sqlgen.Builder, x func() error) error { return x() },
		Groups: func(b *sqlgen.Builder, x sqlgen.Alias, keys int) {
			b.Raw("COALESCE(json_agg(")
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
			b.Raw("), '[]'::json)")
		},
		Where: func(b *sqlgen.Builder, t sqlgen.Alias, m *schema.Model, e pred.Expr) error { return b.WhereOf(t, m, e) },
		Table: table,
	}
}

// Aggregate compiles an aggregateX root field.
func (c Compiler) Aggregate(a *plan.Aggregate) (sqlgen.Statement, error) {
	return sqlgen.Aggregate(aggDialect(), c.newBuilder(), a)
}

// aggValue writes fn of f over the rows aliased t as the API returns f's
// type: an Int sum or bound as a number, or as a string of digits past
// 2^53 (a sum of int is bigint, of bigint numeric); a Float value and an
// average as float8 (money through numeric, which has no avg of its own);
// a date or time bound as AppSync's text; a String bound as text.
func aggValue(b *sqlgen.Builder, fn string, f *schema.Field, t sqlgen.Alias) {
	agg := func() {
		b.Raw(sqlgen.Raw(fn))
		b.Raw("(")
		b.Col(t, f.Column)
		switch {
		case f.DBType == "money":
			b.Raw("::numeric")
		case f.Type == schema.String && !textTypes[f.DBType]:
			// min(uuid) and min(bytea) do not exist; their text does.
			b.Raw("::text")
		}
		b.Raw(")")
	}
	switch {
	case fn == plan.AggAvg || f.Type == schema.Float:
		agg()
		b.Raw("::float8")
	case f.Type == schema.Int:
		b.Raw("CASE WHEN ")
		agg()
		b.Raw(" BETWEEN -9007199254740991 AND 9007199254740991 THEN to_json(")
		agg()
		b.Raw(") ELSE to_json((")
		agg()
		b.Raw(")::text) END")
	case timeTextOf(b, f, agg):
		// written by timeTextOf
	default:
		agg()
	}
}
