package postgres

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// value writes one output of an object: a column formatted as AppSync
// returns it (see the package doc), a relationship, or a __typename.
func value(b *sqlgen.Builder, t sqlgen.Alias, o plan.Output, js *joins) error {
	switch {
	case o.Typename != "":
		b.Str(o.Typename)
		return nil
	case o.Nested != nil:
		return nested(b, t, o, js)
	}
	f := o.Field
	if renamed := f.Enum.Renamed(); len(renamed) > 0 {
		enumValue(b, t, f, renamed)
		return nil
	}
	switch {
	case f.IsList && !f.IsEnum && (f.Type == schema.String || f.Type == schema.AWSJSON):
		// AWSJSON elements travel as strings of JSON, as AppSync sends
		// them (json[] would nest them as objects).
		b.Col(t, f.Column)
		b.Raw("::text[]")
	case f.IsList:
		b.Col(t, f.Column)
	case f.Int64:
		b.Raw("CASE WHEN ")
		b.Col(t, f.Column)
		b.Raw(" BETWEEN -9007199254740991 AND 9007199254740991 THEN to_json(")
		b.Col(t, f.Column)
		b.Raw(") ELSE to_json(")
		b.Col(t, f.Column)
		b.Raw("::text) END")
	case timeText(b, t, f):
		// written by timeText
	case f.Type == schema.String && textTypes[f.DBType]:
		b.Col(t, f.Column)
	case f.Type == schema.AWSJSON, f.Type == schema.String && !f.IsEnum, f.Type == schema.AWSIPAddress:
		// AWSJSON travels as a string holding JSON text; other types that
		// map to String (bytea, interval, ...) as their text form.
		b.Col(t, f.Column)
		b.Raw("::text")
	case f.Type == schema.Float && f.DBType == "money":
		b.Col(t, f.Column)
		b.Raw("::numeric")
	default:
		b.Col(t, f.Column)
	}
	return nil
}

// enumValue writes an enum column whose values are not all GraphQL names
// under the names (PG-13 → PG_13), as text: the CASE's parameters would
// otherwise take the enum type, which has no PG_13. An array is mapped
// element by element, in order.
func enumValue(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field, renamed [][2]string) {
	if !f.IsList {
		b.EnumName(renamed, func() {
			b.Col(t, f.Column)
			b.Raw("::text")
		})
		return
	}
	u := b.NewAlias()
	b.Raw("CASE WHEN ")
	b.Col(t, f.Column)
	b.Raw(" IS NULL THEN NULL ELSE ARRAY(SELECT ")
	b.EnumName(renamed, func() {
		b.WriteAlias(u)
		b.Raw(".v::text")
	})
	b.Raw(" FROM unnest(")
	b.Col(t, f.Column)
	b.Raw(") WITH ORDINALITY AS ")
	b.WriteAlias(u)
	b.Raw("(v, n) ORDER BY ")
	b.WriteAlias(u)
	b.Raw(".n) END")
}

// timeText writes an AWSDateTime, AWSTime or AWSDate column as the text
// AppSync gives it and reports true, or writes nothing and reports false
// for other fields.
func timeText(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) bool {
	return timeTextOf(b, f, func() { b.Col(t, f.Column) })
}

// timeTextOf is timeText over any expression x of f's type (an aggregate's
// min or max as well as a column).
func timeTextOf(b *sqlgen.Builder, f *schema.Field, x func()) bool {
	switch {
	case f.Type == schema.AWSDateTime:
		b.Raw("to_char(")
		x()
		b.Raw(`::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)
	case f.Type == schema.AWSTime && f.DBType == "timetz":
		b.Raw("to_char(DATE '2000-01-01' + (")
		x()
		b.Raw(` AT TIME ZONE 'UTC')::time, 'HH24:MI:SS.MS"Z"')`)
	case f.Type == schema.AWSTime:
		b.Raw("to_char(DATE '2000-01-01' + ")
		x()
		b.Raw(", 'HH24:MI:SS.MS')")
	case f.Type == schema.AWSDate:
		b.Raw("to_char(")
		x()
		b.Raw(", 'YYYY-MM-DD')")
	default:
		return false
	}
	return true
}

// textTypes are already text: json_build_object writes them as strings.
var textTypes = map[string]bool{"text": true, "varchar": true, "bpchar": true, "name": true, "citext": true}
