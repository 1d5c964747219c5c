// Package mysql compiles plans into MySQL and MariaDB statements that build
// the response JSON in the database: JSON_OBJECT per row, correlated scalar
// subqueries for belongsTo/hasOne, and an ordered GROUP_CONCAT of objects,
// read back as a JSON array, for hasMany. The two engines differ in a few
// places; those depend only on Compiler.Flavor.
//
// # Lists inside objects (hasMany)
//
// Items must come in their order (sortBy, then the key) and at most Limit
// of them. Neither JSON_ARRAYAGG nor an ORDER BY in a derived table can
// promise that on both engines: MySQL's JSON_ARRAYAGG takes no ORDER BY,
// and an ORDER BY in a derived table is not guaranteed to survive the
// aggregation above it.
// GROUP_CONCAT(... ORDER BY ...) is the one aggregate whose order both
// engines document, so items are
//
//	JSON_EXTRACT((SELECT CONCAT('[', COALESCE(GROUP_CONCAT(<object> ORDER BY <key> SEPARATOR ','), ''), ']') ...), '$')
//
// The limit is where the engines part: MariaDB (10.3+) accepts LIMIT inside
// GROUP_CONCAT but cannot refer to the outer row from a derived table;
// MySQL (8.0.14+) is the other way round, so it limits in a correlated
// derived table (ORDER BY ... LIMIT there chooses which rows, which is
// honoured) and still orders in GROUP_CONCAT.
//
// GROUP_CONCAT truncates at group_concat_max_len (1024 bytes by default on
// MySQL) with only a warning, and a truncated array is not JSON. A
// statement that aggregates therefore raises the limit for itself:
// MariaDB's "SET STATEMENT group_concat_max_len = ... FOR SELECT", MySQL's
// SET_VAR optimizer hint. The result stays bounded by max_allowed_packet,
// which fails loudly.
//
// # JSON values inside JSON (MariaDB)
//
// MariaDB has no JSON type: JSON is text, and JSON_OBJECT nests an argument
// as JSON only when it can tell that the argument came from a JSON function;
// any other text it quotes as a string, so '[{"a": 1}]' from CONCAT or
// GROUP_CONCAT would arrive as "[{\"a\": 1}]". Every value built as text
// (items, SET arrays, booleans, large integers) therefore passes through
// JSON_EXTRACT(x, '$'), which both engines return as a JSON value; on MySQL
// it is the documented way to turn text into JSON as well. A belongsTo's
// subquery gets the same wrapper: MariaDB 10.11 carries the JSON flag
// through a scalar subquery, but correctness should not rest on how each
// release propagates it.
//
// # Formats
//
// Values are formatted as the PostgreSQL compiler formats them: AWSDateTime
// as YYYY-MM-DDThh:mm:ss.sssZ (DATETIME and TIMESTAMP are taken as UTC, so
// connections must run with time_zone = '+00:00'), AWSDate as YYYY-MM-DD,
// AWSTime as hh:mm:ss.sss, AWSJSON as a string holding the JSON text,
// Boolean as true/false, BIGINT beyond 2^53-1 as a string of digits, SET as
// an array of strings, BIT as a number, spatial types as WKT
// (ST_AsText), binary strings and blobs as "\x" and lowercase hex, as
// PostgreSQL prints bytea.
//
// MySQL 8 (not MariaDB) sorts the keys of every JSON value it builds, so on
// MySQL objects come back with their keys in MySQL's order, not the query's.
//
// # Text comparisons
//
// AppSync compares strings byte by byte: eq "rock" does not find "Rock",
// beginsWith and contains are case-sensitive, "a" is not "a ", and lt/gt
// follow byte order. MySQL's and MariaDB's default collations ignore case
// (and PAD SPACE ones ignore trailing spaces), so a filter, condition or
// key condition comparing a text column (CHAR, VARCHAR, TEXT, ENUM) with a
// string converts the column to utf8mb4 under a binary NO PAD collation:
// utf8mb4_nopad_bin on MariaDB, utf8mb4_0900_bin on MySQL (8.0.17 or
// later). Results then match PostgreSQL's (under a C collation) and
// SQLite's. The converted column cannot use an index, so eq and
// beginsWith with an ASCII value (string keys, emails, slugs) are also
// rendered plainly in front, "col = ? AND <binary> = ?": the index finds
// the case-insensitive matches and the binary comparison keeps the exact
// ones. Other text comparisons scan.
//
// # Mutations
//
// MySQL and MariaDB have no UPDATE ... RETURNING and no data-changing CTEs,
// so a mutation is the one place this package needs two statements, which
// the executor runs in order in one transaction:
//
//   - create: INSERT (MustAffect), then SELECT the new row's object by the
//     key values the insert gave, or LAST_INSERT_ID() for the AUTO_INCREMENT
//     key (Returns);
//   - update: UPDATE ... WHERE key AND condition (MustAffect), then SELECT
//     the object by key (Returns). Connections must use clientFoundRows=true
//     so that a matched row whose values do not change still counts;
//   - delete: SELECT the object ... WHERE key AND condition FOR UPDATE
//     (Returns), then DELETE ... WHERE key AND condition (MustAffect). The
//     lock keeps the row as read until the delete; repeating the condition
//     in the DELETE means it cannot remove a row the read did not return.
package mysql

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Flavors, as introspect.Catalog.Flavor names them.
const (
	FlavorMariaDB = "mariadb"
	FlavorMySQL   = "mysql"
)

// Compiler compiles plans for MySQL or MariaDB, as Flavor says.
type Compiler struct{ Flavor string }

var _ sqlgen.Compiler = Compiler{}

// dialect is MySQL's or MariaDB's; the zero value is MariaDB's.
type dialect struct{ mysql bool }

func (dialect) QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
func (dialect) Placeholder(int) string { return "?" }

// LikeEscape names the backslash as CHAR(92): a '\\' literal means one
// backslash under the default sql_mode but two under NO_BACKSLASH_ESCAPES,
// which ESCAPE rejects. USING utf8mb4 keeps it a character string, not a
// binary one.
func (dialect) LikeEscape() sqlgen.Raw { return " ESCAPE CHAR(92 USING utf8mb4)" }
func (dialect) Length() sqlgen.Raw     { return "CHAR_LENGTH" }

// ArrayContains tests membership of a SET column.
func (dialect) ArrayContains(b *sqlgen.Builder, alias sqlgen.Alias, column string, v any) error {
	b.Raw("FIND_IN_SET(")
	b.Arg(v)
	b.Raw(", ")
	b.Col(alias, column)
	b.Raw(") > 0")
	return nil
}

// Bind passes values as they are: the driver sends time.Time as a
// DATETIME in UTC (its default location, matching the session's
// time_zone). Lists are converted where they are written (see written),
// where the column's type says how.
func (dialect) Bind(v any) any { return v }

// Operand makes text compare as AppSync compares it: byte by byte, case
// and trailing spaces included. MySQL's and MariaDB's default collations
// (utf8mb4_general_ci, utf8mb4_0900_ai_ci) ignore case, so that
// eq "rock" found "Rock" and contains "rock" found "Rock", and PAD SPACE
// collations make "a" equal "a "; the order of lt and gt followed the
// collation, not the bytes. A text column compared with a string is
// therefore converted to utf8mb4 (which any character set converts to,
// so no "illegal mix of collations" either) under the NO PAD binary
// collation. The converted column cannot use an index; Prefilter gives eq
// and beginsWith one back. beginsWith and contains on a date or time
// column match the text the API returns for it ("2021-01-01T..."), as
// AppSync matches the stored string.
func (d dialect) Operand(b *sqlgen.Builder, alias sqlgen.Alias, f *schema.Field, c pred.Cmp) {
	if f == nil || f.IsList {
		b.Col(alias, c.Column)
		return
	}
	db := strings.ToLower(f.DBType)
	switch {
	case textType(db) && (sqlgen.IsMatch(c.Op) || holdsString(c)):
		d.binary(b, func() { b.Col(alias, c.Column) })
	case sqlgen.IsMatch(c.Op) && isTime(f):
		d.binary(b, func() { timeText(b, alias, f) })
	default:
		b.Col(alias, c.Column)
	}
}

// Prefilter keeps eq and beginsWith on a text column able to use its
// index, which the binary comparison cannot: "col = v AND <binary> = v".
// The plain comparison under the column's case-insensitive collation
// matches every row the binary one does, and more, so the result is the
// binary one's. Only for ASCII values: every character set holds them,
// while comparing a utf8mb3 or latin1 column with text it cannot hold
// fails with "illegal mix of collations".
func (dialect) Prefilter(f *schema.Field, c pred.Cmp) bool {
	if f == nil || f.IsList || !textType(strings.ToLower(f.DBType)) || (c.Op != pred.Eq && c.Op != pred.BeginsWith) {
		return false
	}
	s, ok := c.Value.(string)
	if !ok {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// binary writes CONVERT(x USING utf8mb4) COLLATE <binary NO PAD>:
// utf8mb4_nopad_bin on MariaDB (10.2+), utf8mb4_0900_bin on MySQL
// (8.0.17+). Both compare code points, which is UTF-8's byte order.
func (d dialect) binary(b *sqlgen.Builder, x func()) {
	b.Raw("CONVERT(")
	x()
	if d.mysql {
		b.Raw(" USING utf8mb4) COLLATE utf8mb4_0900_bin")
	} else {
		b.Raw(" USING utf8mb4) COLLATE utf8mb4_nopad_bin")
	}
}

// holdsString reports whether c compares with strings.
func holdsString(c pred.Cmp) bool {
	if _, ok := c.Value.(string); ok {
		return true
	}
	for _, v := range c.Values {
		if _, ok := v.(string); ok {
			return true
		}
	}
	return false
}

func isTime(f *schema.Field) bool {
	return f.Type == schema.AWSDateTime || f.Type == schema.AWSDate || f.Type == schema.AWSTime
}

// gen compiles one statement.
type gen struct {
	b     *sqlgen.Builder
	mysql bool // MySQL rather than MariaDB
}

func (c Compiler) gen() (*gen, error) {
	switch c.Flavor {
	case FlavorMariaDB, FlavorMySQL:
		return &gen{b: sqlgen.NewBuilder(dialect{mysql: c.Flavor == FlavorMySQL}), mysql: c.Flavor == FlavorMySQL}, nil
	}
	return nil, fmt.Errorf("sqlgen/mysql: unknown flavor %q (want %q or %q)", c.Flavor, FlavorMariaDB, FlavorMySQL)
}

func (g *gen) table(m *schema.Model) {
	if m.Table.Schema != "" {
		g.b.Ident(m.Table.Schema)
		g.b.Raw(".")
	}
	g.b.Ident(m.Table.Name)
}

// selectKeyword writes SELECT, raising group_concat_max_len for this one
// statement when s aggregates hasMany items (see the package doc). 1 GiB is
// the largest max_allowed_packet, so the setting never binds before it.
func (g *gen) selectKeyword(s *plan.Select) {
	switch {
	case !aggregates(s):
		g.b.Raw("SELECT ")
	case g.mysql:
		g.b.Raw("SELECT /*+ SET_VAR(group_concat_max_len = 1073741824) */ ")
	default:
		g.b.Raw("SET STATEMENT group_concat_max_len = 1073741824 FOR SELECT ")
	}
}

// aggregates reports whether s has a hasMany anywhere in its tree.
func aggregates(s *plan.Select) bool {
	for _, o := range s.Fields {
		if o.Nested != nil && (o.Connection != nil || aggregates(o.Nested)) {
			return true
		}
	}
	return false
}

// Select compiles a get (one row, one column) or a list (rows of the
// object and its key as a JSON array).
func (c Compiler) Select(s *plan.Select) (sqlgen.Statement, error) {
	g, err := c.gen()
	if err != nil {
		return sqlgen.Statement{}, err
	}
	b := g.b
	t := b.NewAlias()
	count := s.Count && !s.Single
	if count {
		g.countedKeyword(s)
	} else {
		g.selectKeyword(s)
	}
	if err := g.object(t, s); err != nil {
		return sqlgen.Statement{}, err
	}
	if !s.Single {
		b.ListKeys(t, s, "JSON_ARRAY", tokenKey)
	}
	if count {
		b.Raw(", NULL")
	}
	b.Raw(" FROM ")
	g.table(s.Model)
	b.Raw(" ")
	b.WriteAlias(t)
	b.Raw(" WHERE ")
	if err := b.WhereOf(t, s.Model, s.Where); err != nil {
		return sqlgen.Statement{}, err
	}
	if len(s.After) > 0 {
		b.Raw(" AND ")
		if err := after(b, t, s); err != nil {
			return sqlgen.Statement{}, err
		}
	}
	if !s.Single {
		b.Raw(" ORDER BY ")
		b.OrderBy(t, s, column)
	}
	switch {
	case s.Single:
		b.Raw(" LIMIT 1")
	case s.Limit > 0:
		b.Raw(" LIMIT ")
		b.Int(s.Limit + sqlgen.PastPage(s))
	}
	if count {
		if err := g.totalRow(t, s); err != nil {
			return sqlgen.Statement{}, err
		}
	}
	return b.Statement(), nil
}

// after writes the keyset condition (k1, k2) > (?, ?).
func after(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) error {
	return b.After(t, s, column)
}

// column writes a key column as it is: lists order and page by it, under
// its own collation in both places, so the two agree.
func column(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) { b.Col(t, f.Column) }

// tokenKey writes a key column as the next page's token keeps it: as it
// is, but an AWSDateTime as RFC 3339 text to the microsecond (DATETIME
// and TIMESTAMP are UTC here), which the planner reads back as the
// AWSDateTime it is; JSON_ARRAY would write "2024-01-01 00:00:00.000000",
// which is no AWSDateTime.
func tokenKey(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) {
	if f.Type != schema.AWSDateTime || f.IsList {
		b.Col(t, f.Column)
		return
	}
	b.Raw("DATE_FORMAT(")
	b.Col(t, f.Column)
	b.Raw(", '%Y-%m-%dT%H:%i:%s.%fZ')")
}

// object writes the JSON object for the row aliased t.
func (g *gen) object(t sqlgen.Alias, s *plan.Select) error {
	g.b.Raw("JSON_OBJECT(")
	for i, o := range s.Fields {
		if i > 0 {
			g.b.Raw(", ")
		}
		g.b.Str(o.Key)
		g.b.Raw(", ")
		err := g.b.Guarded(o,
			func(e pred.Expr) error { return g.b.WhereOf(t, s.Model, e) },
			func() error { return g.output(t, o) })
		if err != nil {
			return err
		}
	}
	g.b.Raw(")")
	return nil
}

func (g *gen) output(t sqlgen.Alias, o plan.Output) error {
	switch {
	case o.Typename != "":
		g.b.Str(o.Typename)
	case o.Nested != nil:
		return g.nested(t, o)
	case o.Field != nil:
		g.value(t, o.Field)
	default:
		return fmt.Errorf("sqlgen/mysql: output %q has no field, relationship or typename", o.Key)
	}
	return nil
}

// jsonOf writes JSON_EXTRACT(x, '$'): text holding JSON becomes a JSON
// value, which JSON_OBJECT nests instead of quoting (see the package doc).
func (g *gen) jsonOf(x func()) {
	g.b.Raw("JSON_EXTRACT(")
	x()
	g.b.Raw(", '$')")
}

// value writes one column, formatted for AppSync.
func (g *gen) value(t sqlgen.Alias, f *schema.Field) {
	b := g.b
	col := func() { b.Col(t, f.Column) }
	db := strings.ToLower(f.DBType)
	switch {
	case len(f.Enum.Renamed()) > 0 && !f.IsList:
		// An ENUM whose values are not all GraphQL names: under the names.
		b.EnumName(f.Enum.Renamed(), col)
	case f.IsList && db == "set":
		// 'a,b' → ["a","b"]: JSON_QUOTE escapes the members, and SET
		// members cannot hold a comma, so every comma is a separator.
		g.jsonOf(func() {
			b.Raw("CASE WHEN ")
			col()
			b.Raw(" = '' THEN '[]' ELSE CONCAT('[', REPLACE(JSON_QUOTE(")
			col()
			b.Raw(`), ',', '","'), ']') END`)
		})
	case f.IsList:
		// A list kept as a JSON array (a JSON column given a list type).
		g.jsonOf(col)
	case f.Type == schema.Boolean:
		// TRUE is the integer 1 to MySQL; only JSON text says true.
		g.jsonOf(func() {
			b.Raw("CASE WHEN ")
			col()
			b.Raw(" <> 0 THEN 'true' WHEN ")
			col()
			b.Raw(" = 0 THEN 'false' END")
		})
	case db == "bit":
		// JSON_OBJECT writes BIT's raw bytes (not even valid JSON on
		// MariaDB); as a number, BIT(64) can pass 2^53 too.
		safeInt(g, func() {
			b.Raw("CAST(")
			col()
			b.Raw(" AS UNSIGNED)")
		})
	case f.Int64:
		safeInt(g, col)
	case isTime(f):
		timeText(b, t, f)
	case f.Type == schema.AWSJSON:
		// AWSJSON travels as a string holding JSON text; JSON_OBJECT
		// would nest a JSON column as a value.
		b.Raw("CAST(")
		col()
		b.Raw(" AS CHAR)")
	case binaryType(db):
		// JSON_OBJECT writes binary strings as base64 with a MySQL type
		// tag; hex is lossless and matches PostgreSQL's bytea text.
		b.Raw("CONCAT(CHAR(92 USING utf8mb4), 'x', LOWER(HEX(")
		col()
		b.Raw(")))")
	case spatialType(db):
		b.Raw("ST_AsText(")
		col()
		b.Raw(")")
	case f.Type == schema.String && !f.IsEnum && !textType(db):
		// Other types served as String (a user's override) as their text.
		b.Raw("CAST(")
		col()
		b.Raw(" AS CHAR)")
	default:
		col()
	}
}

// safeInt writes an integer as a JSON number when a JavaScript client can
// hold it exactly, and as a string of digits beyond ±(2^53-1). A CASE has
// one type, so both branches are JSON text read back by JSON_EXTRACT.
func safeInt(g *gen, x func()) {
	b := g.b
	g.jsonOf(func() {
		b.Raw("CASE WHEN ")
		x()
		b.Raw(" BETWEEN -9007199254740991 AND 9007199254740991 THEN CAST(")
		x()
		b.Raw(" AS CHAR) ELSE JSON_QUOTE(CAST(")
		x()
		b.Raw(" AS CHAR)) END")
	})
}

// textType is true for DATA_TYPEs that JSON_OBJECT already writes as
// strings.
func textType(db string) bool {
	switch db {
	case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set":
		return true
	}
	return false
}

func binaryType(db string) bool {
	switch db {
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
		return true
	}
	return false
}

func spatialType(db string) bool {
	switch db {
	case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
		"multipolygon", "geometrycollection", "geomcollection":
		return true
	}
	return false
}

// nested writes a relationship as a correlated subquery: one object (or
// null) for belongsTo/hasOne, a connection object for hasMany.
func (g *gen) nested(outer sqlgen.Alias, o plan.Output) error {
	b := g.b
	s := o.Nested
	t := b.NewAlias()
	if o.Connection == nil {
		var err error
		g.jsonOf(func() {
			b.Raw("(SELECT ")
			if err = g.object(t, s); err != nil {
				return
			}
			b.Raw(" FROM ")
			g.table(s.Model)
			b.Raw(" ")
			b.WriteAlias(t)
			if err = joinWhere(b, outer, t, o); err != nil {
				return
			}
			b.Raw(" LIMIT 1)")
		})
		return err
	}
	return b.Connection("JSON_OBJECT", o.Connection,
		func() error { return g.items(outer, t, o) },
		func() error { return g.pageMarker(outer, o) },
		func(k plan.ConnKey) error { return g.nestedCount(outer, o, k) })
}

// joinWhere writes the nested rows' condition: the join, the filter, and
// the keyset condition of a nested nextToken.
func joinWhere(b *sqlgen.Builder, outer, inner sqlgen.Alias, o plan.Output) error {
	return b.JoinWhere(outer, inner, o, func(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) { b.Col(t, f.Column) }, b.WhereOf)
}
