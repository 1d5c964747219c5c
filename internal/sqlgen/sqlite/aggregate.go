package sqlite

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// aggDialect is SQLite's part of the aggregate statements. A JSON value
// loses its subtype when it leaves a subquery or a derived table, so what
// comes out of one is passed through json() (see the package doc).
func aggDialect() sqlgen.AggDialect {
	return sqlgen.AggDialect{
		Object:      "json_object",
		EmptyArray:  "json_array()",
		GroupSelect: "SELECT ",
		Value:       aggValue,
		Key: func(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) error {
			return value(b, t, plan.Output{Field: f})
		},
		Embed: func(b *sqlgen.Builder, x func() error) error {
			b.Raw("json(")
			if err := x(); err != nil {
				return err
			}
			b.Raw(")")
			return nil
		},
		Groups: func(b *sqlgen.Builder, x sqlgen.Alias, keys int) {
			b.Raw("json_group_array(json(")
			b.WriteAlias(x)
			b.Raw(".o) ORDER BY ")
			for i := range keys {
				if i > 0 {
					b.Raw(", ")
				}
				b.WriteAlias(x)
				b.Raw(".k")
				b.Int(i)
			}
			b.Raw(")")
		},
		Where: func(b *sqlgen.Builder, t sqlgen.Alias, m *schema.Model, e pred.Expr) error { return where(b, t, m, e) },
		Table: table,
	}
}

// Aggregate compiles an aggregateX root field.
func (Compiler) Aggregate(a *plan.Aggregate) (sqlgen.Statement, error) {
	return sqlgen.Aggregate(aggDialect(), newBuilder(), a)
}

// aggValue writes fn of f over the rows aliased t as the API returns f's
// type: an Int sum or bound as a number, or as text past 2^53; a Float and
// an average as a number; a date or time bound as AppSync's text, the
// bound of an AWSDateTime taken over the storedTime form (orderKey), so
// that values written in different forms compare as times; a String
// bound as text.
func aggValue(b *sqlgen.Builder, fn string, f *schema.Field, t sqlgen.Alias) {
	agg := func() {
		b.Raw(sqlgen.Raw(fn))
		b.Raw("(")
		if fn == plan.AggMin || fn == plan.AggMax {
			orderKey(b, t, f)
		} else {
			b.Col(t, f.Column)
		}
		b.Raw(")")
	}
	switch {
	case fn == plan.AggAvg || f.Type == schema.Float:
		agg()
	case f.Type == schema.Int:
		b.Raw("CASE WHEN typeof(")
		agg()
		b.Raw(") = 'integer' AND ")
		agg()
		b.Raw(" NOT BETWEEN -" + maxSafe + " AND " + maxSafe + " THEN CAST(")
		agg()
		b.Raw(" AS TEXT) ELSE ")
		agg()
		b.Raw(" END")
	case timeTextOf(b, f, agg):
		// written by timeTextOf
	case !textAffinity(f.DBType):
		b.Raw("CAST(")
		agg()
		b.Raw(" AS TEXT)")
	default:
		agg()
	}
}

// timeText writes an AWSDateTime, AWSDate or AWSTime column as the text
// AppSync gives it and reports true, or writes nothing and reports false
// for other fields. 'auto' reads a number as unix seconds or a Julian day
// number; it leaves text alone.
func timeText(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) bool {
	return timeTextOf(b, f, func() { b.Col(t, f.Column) })
}

// timeTextOf is timeText over any expression x of f's type (an
// aggregate's min or max as well as a column).
func timeTextOf(b *sqlgen.Builder, f *schema.Field, x func()) bool {
	switch f.Type {
	case schema.AWSDateTime:
		b.Raw("strftime('%Y-%m-%dT%H:%M:%fZ', ")
	case schema.AWSDate:
		b.Raw("date(")
	case schema.AWSTime:
		b.Raw("strftime('%H:%M:%f', ")
	default:
		return false
	}
	x()
	b.Raw(", 'auto')")
	return true
}
