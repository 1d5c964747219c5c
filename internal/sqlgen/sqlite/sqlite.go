// Package sqlite compiles plans into SQLite statements (SQLite 3.44 or
// later; modernc.org/sqlite ships 3.54) that build the response JSON in the
// database: json_object per row, json_group_array for hasMany, correlated
// scalar subqueries for nested relationships, INSERT/UPDATE/DELETE ...
// RETURNING for mutations.
//
// JSON values lose their JSON subtype when they leave a subquery, so every
// nested object or array is passed through json() on the way in; without it
// json_object would embed it as a string holding JSON text.
//
// Order: a hasMany's rows are picked by an ordered, limited subquery and
// aggregated with json_group_array(x ORDER BY key) (SQLite 3.44+), because
// SQLite does not promise that an aggregate sees rows in its subquery's
// order (it does in practice, so no test can tell the two apart today).
//
// Matching: SQLite's LIKE ignores ASCII case, while AppSync's beginsWith and
// contains (and PostgreSQL's LIKE) do not. This package renders those three
// operators with GLOB, which is case-sensitive, on a pattern whose GLOB
// wildcards (* ? [) are each wrapped in brackets so user text matches
// literally. A prefix GLOB can use an index, as a prefix LIKE would. The
// shared Builder renders LIKE, so where walks And/Or/Not itself and hands
// every other predicate to Builder.Where; a Dialect hook for string
// matching in sqlgen would make that walk unnecessary.
//
// Mutations: RETURNING may not name the statement's table by an alias, so
// mutations qualify columns by the table's own name, and its correlated
// subqueries see the database after the change (FK actions included).
// Insert and update are one statement, INSERT/UPDATE ... RETURNING <object>:
// the new row as stored, generated key included, with its relationships as
// they are now. Delete is one statement when the returned object has only
// columns (RETURNING gives the old row's values); with nested relationships
// it is a read of the object and then the delete, in the executor's
// transaction, because after the delete an ON DELETE CASCADE has already
// removed the children the result should show (PostgreSQL's delete shows
// them: its CTE reads the snapshot from before the statement). The
// executor should open SQLite write transactions with BEGIN IMMEDIATE, so
// that the read and the write see the same row.
//
// Dates: the driver would store a time.Time as Go's time.String() text,
// which SQLite's date functions cannot read, so AWSDateTime values are
// bound as "YYYY-MM-DD hh:mm:ss.sss" in UTC (SQLite's own
// datetime(x, 'subsec') form). Filters compare a date column after
// bringing it to that form with strftime, so a stored
// "2021-01-01 00:00:00" equals the client's "2021-01-01T00:00:00.000Z";
// keys of that type order and page by the same expression, and a page
// token keeps them as AWSDateTime text.
//
// Values are formatted as the PostgreSQL compiler formats them, by the
// field's GraphQL type and declared type (SQLite stores any type in any
// column, so the declared type says what the value means):
//   - AWSDateTime: strftime('%Y-%m-%dT%H:%M:%fZ', v, 'auto'): text in any
//     form SQLite's date functions read (zone offsets are converted to UTC),
//     or a number (unix seconds, or a Julian day number, per 'auto');
//     text that is no date gives null.
//   - AWSDate: date(v, 'auto'); AWSTime: strftime('%H:%M:%f', v, 'auto').
//   - Boolean: true/false by SQLite's truthiness (0 is false), via
//     json('true')/json('false').
//   - Int: a number, or a string of digits beyond ±(2^53−1).
//   - Float: a number. NUMERIC columns keep 1.00 as the integer 1, so it
//     comes out as 1 where PostgreSQL writes 1.00; both parse to the same
//     value.
//   - AWSJSON: a string holding the JSON text as stored (a JSONB blob is
//     converted to text; a number stored through NUMERIC affinity becomes
//     its text).
//   - String over a column without TEXT affinity (BLOB, untyped, ...): text
//     as is, numbers as their text, a BLOB as \x and lower-case hex: the
//     text PostgreSQL gives for bytea. Columns with TEXT affinity are
//     emitted as they are; a BLOB written into one fails the query with
//     "JSON cannot hold BLOB values" rather than being guessed at.
package sqlite

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Compiler compiles plans for SQLite.
type Compiler struct{}

var _ sqlgen.Compiler = Compiler{}

type dialect struct{}

func (dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Placeholder numbers its markers (?1, ?2, ...) so that the SQL text says
// which argument goes where, as PostgreSQL's $n do.
func (dialect) Placeholder(n int) string { return "?" + strconv.Itoa(n) }
func (dialect) LikeEscape() sqlgen.Raw   { return ` ESCAPE '\'` }
func (dialect) Length() sqlgen.Raw       { return "length" }
func (dialect) ArrayContains(_ *sqlgen.Builder, _ sqlgen.Alias, column string, _ any) error {
	return fmt.Errorf("sqlite: column %q is not a list: SQLite has no array columns, so contains cannot test for an element", column)
}

// storedTime is how AWSDateTime values are written and compared: SQLite's
// own datetime(x, 'subsec') form, in UTC. The driver would write Go's
// time.String() ("2021-01-01 00:00:00 +0000 UTC"), which SQLite's date
// functions cannot read (the API then returns null) and which does not
// compare as text with stored values such as Chinook's
// "2021-01-01 00:00:00".
const (
	storedTime       = "2006-01-02 15:04:05.000"
	storedTimeFormat = "'%Y-%m-%d %H:%M:%f'"
)

// Bind writes times as storedTime text.
func (dialect) Bind(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(storedTime)
	}
	return v
}

// Operand compares an AWSDateTime column as strftime(storedTime, col,
// 'auto'): SQLite keeps dates as text (or numbers) in whatever form the
// writer chose, so the stored value is first brought to the one form the
// bound value has, in which text order is time order. (This costs the
// use of an index on the column.) Other columns compare as they are:
// SQLite's default BINARY collation is byte order and case-sensitive, as
// AppSync is.
func (dialect) Operand(b *sqlgen.Builder, alias sqlgen.Alias, _ *schema.Field, c pred.Cmp) {
	if !holdsTime(c) {
		b.Col(alias, c.Column)
		return
	}
	b.Raw("strftime(" + storedTimeFormat + ", ")
	b.Col(alias, c.Column)
	b.Raw(", 'auto')")
}

// Prefilter is never needed: Operand wraps only date columns, whose
// stored text a plain comparison would not match.
func (dialect) Prefilter(*schema.Field, pred.Cmp) bool { return false }

// holdsTime reports whether c compares with time.Time values, which plans
// hold for AWSDateTime fields only.
func holdsTime(c pred.Cmp) bool {
	if _, ok := c.Value.(time.Time); ok {
		return true
	}
	for _, v := range c.Values {
		if _, ok := v.(time.Time); ok {
			return true
		}
	}
	return false
}

func newBuilder() *sqlgen.Builder { return sqlgen.NewBuilder(dialect{}) }

func table(b *sqlgen.Builder, m *schema.Model) {
	if m.Table.Schema != "" {
		b.Ident(m.Table.Schema)
		b.Raw(".")
	}
	b.Ident(m.Table.Name)
}

// Select compiles a get (one row, one column) or a list (rows of the
// object and its key).
func (Compiler) Select(s *plan.Select) (sqlgen.Statement, error) {
	b := newBuilder()
	t := b.NewAlias()
	count := s.Count && !s.Single
	if count {
		// A compound SELECT takes ORDER BY and LIMIT only at its end: the
		// page is a subquery of its own.
		b.Raw("SELECT * FROM (")
	}
	b.Raw("SELECT ")
	if err := object(b, t, s); err != nil {
		return sqlgen.Statement{}, err
	}
	if !s.Single {
		b.ListKeys(t, s, "json_array", tokenKey)
	}
	if count {
		b.Raw(", NULL")
	}
	b.Raw(" FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(t)
	b.Raw(" WHERE ")
	if err := where(b, t, s.Model, s.Where); err != nil {
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
		orderBy(b, t, s)
	}
	switch {
	case s.Single:
		b.Raw(" LIMIT 1")
	case s.Limit > 0:
		b.Raw(" LIMIT ")
		b.Int(s.Limit + sqlgen.PastPage(s))
	}
	if count {
		if err := totalRow(b, t, s); err != nil {
			return sqlgen.Statement{}, err
		}
	}
	return b.Statement(), nil
}

// orderKey writes a key column as lists order and page by it: as it is,
// but an AWSDateTime in the storedTime form (as Operand compares it), so
// that the order is time order whatever form each value was written in,
// and a page's last key, bound as storedTime text, compares with the
// same expression it was ordered by. (Such keys cannot order through the
// primary key's index.)
func orderKey(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) {
	if f.Type != schema.AWSDateTime || f.IsList {
		b.Col(t, f.Column)
		return
	}
	b.Raw("strftime(" + storedTimeFormat + ", ")
	b.Col(t, f.Column)
	b.Raw(", 'auto')")
}

// after writes the keyset condition (k1, k2) > (?1, ?2).
func after(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) error {
	return b.After(t, s, orderKey)
}

func orderBy(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) {
	b.OrderBy(t, s, orderKey)
}

// chunk is how many keys one json_object or json_insert call takes. SQLite's
// default limit is 127 arguments per function (modernc's build allows
// 1000); 60 keys stay under the default, so the SQL runs on any build.
const chunk = 60

// object writes the JSON object for the row aliased t. Past chunk keys it
// adds the rest with json_insert, which appends new keys in order, so the
// key order stays the query's.
func object(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) error {
	n := len(s.Fields)
	extra := 0
	if n > chunk {
		extra = (n - 1) / chunk
	}
	for range extra {
		b.Raw("json_insert(")
	}
	b.Raw("json_object(")
	for i, o := range s.Fields {
		if i > 0 && i%chunk == 0 {
			b.Raw("), ")
		} else if i > 0 {
			b.Raw(", ")
		}
		if i >= chunk {
			// A path for json_insert: keys are GraphQL names
			// ([_A-Za-z][_0-9A-Za-z]*), safe inside '$."..."'.
			b.Str(`$."` + o.Key + `"`)
		} else {
			b.Str(o.Key)
		}
		b.Raw(", ")
		err := b.Guarded(o,
			func(e pred.Expr) error { return where(b, t, s.Model, e) },
			func() error { return value(b, t, o) })
		if err != nil {
			return err
		}
	}
	b.Raw(")")
	return nil
}

// maxSafe is 2^53−1, the largest integer a JSON reader using doubles (every
// JavaScript client) keeps exact.
const maxSafe sqlgen.Raw = "9007199254740991"

func value(b *sqlgen.Builder, t sqlgen.Alias, o plan.Output) error {
	switch {
	case o.Typename != "":
		b.Str(o.Typename)
		return nil
	case o.Nested != nil:
		return nested(b, t, o)
	}
	f := o.Field
	col := func() { b.Col(t, f.Column) }
	switch {
	case f.IsList:
		return fmt.Errorf("sqlite: field %q is a list, but SQLite has no array columns", f.Name)
	case f.Type == schema.Boolean:
		b.Raw("json(CASE WHEN ")
		col()
		b.Raw(" THEN 'true' WHEN NOT ")
		col()
		b.Raw(" THEN 'false' END)")
	case f.Type == schema.Int && f.Int64:
		// Only integers can be out of range; a REAL or TEXT value in an
		// INTEGER column (SQLite allows it) goes out as it is.
		b.Raw("CASE WHEN typeof(")
		col()
		b.Raw(") = 'integer' AND ")
		col()
		b.Raw(" NOT BETWEEN -" + maxSafe + " AND " + maxSafe + " THEN CAST(")
		col()
		b.Raw(" AS TEXT) ELSE ")
		col()
		b.Raw(" END")
	case timeText(b, t, f):
		// written by timeText
	case f.Type == schema.AWSJSON:
		// JSON travels as a string holding JSON text. "|| ''" makes the
		// text of a JSONB blob plain text: json() alone would keep the JSON
		// subtype and json_object would embed the value instead.
		b.Raw("CASE WHEN typeof(")
		col()
		b.Raw(") = 'blob' THEN json(")
		col()
		b.Raw(") || '' ELSE CAST(")
		col()
		b.Raw(" AS TEXT) END")
	case f.Type == schema.String && !f.IsEnum && !textAffinity(f.DBType),
		f.Type == schema.ID && !textAffinity(f.DBType):
		// json_object rejects BLOBs and writes numbers as numbers; a
		// String field wants text.
		b.Raw("CASE WHEN typeof(")
		col()
		b.Raw(`) = 'blob' THEN '\x' || lower(hex(`)
		col()
		b.Raw(")) ELSE CAST(")
		col()
		b.Raw(" AS TEXT) END")
	default:
		col()
	}
	return nil
}

// textAffinity reports whether a declared type gives a column TEXT affinity
// (sqlite.org/datatype3.html, 3.1: rule 1, INT, comes first), so every
// value but a BLOB is stored as text.
func textAffinity(dbType string) bool {
	if strings.Contains(dbType, "int") {
		return false
	}
	return strings.Contains(dbType, "char") || strings.Contains(dbType, "clob") || strings.Contains(dbType, "text")
}

// where renders e over the rows of m aliased t as Builder.WhereOf does,
// except that beginsWith, contains and notContains match
// case-sensitively, with GLOB.
func where(b *sqlgen.Builder, t sqlgen.Alias, m *schema.Model, e pred.Expr) error {
	switch x := e.(type) {
	case pred.And:
		return join(b, t, m, x, " AND ", "TRUE")
	case pred.Or:
		return join(b, t, m, x, " OR ", "FALSE")
	case pred.Not:
		// A comparison with NULL is NULL, and NOT NULL drops the row; AppSync's
		// not keeps rows where the inner test is unknown, as ne does.
		b.Raw("NOT COALESCE((")
		if err := where(b, t, m, x.X); err != nil {
			return err
		}
		b.Raw("), FALSE)")
		return nil
	case pred.Cmp:
		if !x.List && sqlgen.IsMatch(x.Op) {
			return glob(b, t, sqlgen.ColumnField(m, x.Column), x)
		}
	}
	return b.WhereOf(t, m, e)
}

// matchText writes the text beginsWith and contains look at: the column,
// or for a date or time column the text the API returns for it, which is
// what AppSync matches ("2021-01-01T" begins an AWSDateTime; the stored
// "2021-01-01 00:00:00" does not).
func matchText(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field, column string) {
	if f == nil || f.IsList || !timeText(b, t, f) {
		b.Col(t, column)
	}
}

func join(b *sqlgen.Builder, t sqlgen.Alias, m *schema.Model, list []pred.Expr, sep, empty sqlgen.Raw) error {
	if len(list) == 0 {
		b.Raw(empty)
		return nil
	}
	b.Raw("(")
	for i, e := range list {
		if i > 0 {
			b.Raw(sep)
		}
		if err := where(b, t, m, e); err != nil {
			return err
		}
	}
	b.Raw(")")
	return nil
}

// glob writes a case-sensitive prefix or substring match, shaped as the
// shared LIKE rendering is (notContains keeps NULLs: a missing value does
// not contain anything).
func glob(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field, c pred.Cmp) error {
	text := fmt.Sprint(c.Value)
	if strings.ContainsRune(text, 0) {
		// GLOB stops at a NUL, so the match would ignore the rest of the
		// text; PostgreSQL rejects NUL in text altogether.
		return fmt.Errorf("sqlite: %s on %q: the text contains a NUL character", c.Op, c.Column)
	}
	if c.Op == pred.BeginsWith {
		matchText(b, t, f, c.Column)
		b.Raw(" GLOB ")
		b.Arg(globPattern(text, false))
		return nil
	}
	if c.Op == pred.NotContains {
		b.Raw("(NOT ")
	}
	b.Raw("(")
	matchText(b, t, f, c.Column)
	b.Raw(" GLOB ")
	b.Arg(globPattern(text, true))
	b.Raw(")")
	if c.Op == pred.NotContains {
		b.Raw(" OR ")
		b.Col(t, c.Column)
		b.Raw(" IS NULL)")
	}
	return nil
}

// globPattern makes s match literally in a GLOB pattern (each of * ? [
// becomes a one-character class: [*] [?] [[]; a ] outside a class is
// already literal, and GLOB has no escape character), then adds the
// wildcard a prefix or substring match needs.
func globPattern(s string, substring bool) string {
	r := strings.NewReplacer(`*`, `[*]`, `?`, `[?]`, `[`, `[[]`)
	p := r.Replace(s) + "*"
	if substring {
		p = "*" + p
	}
	return p
}

func hasNested(s *plan.Select) bool {
	for _, o := range s.Fields {
		if o.Nested != nil {
			return true
		}
	}
	return false
}
