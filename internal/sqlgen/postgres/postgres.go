// Package postgres compiles plans into PostgreSQL statements that build the
// response JSON in the database: json_build_object per row, a join per
// belongsTo/hasOne (see joins), an ordered array in a correlated subquery
// per hasMany, and data-changing CTEs (INSERT/UPDATE/DELETE ... RETURNING)
// so a mutation and the read of its result are one statement.
//
// Values are formatted for AppSync on the way out: AWSDateTime as
// YYYY-MM-DDThh:mm:ss.sssZ in UTC, AWSTime as hh:mm:ss.sss (Z when the
// column has a zone), AWSJSON as a JSON string, 64-bit integers beyond
// 2^53 as strings of digits. Connections must run with TimeZone=UTC.
package postgres

import (
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Compiler compiles plans for PostgreSQL.
type Compiler struct{}

var _ sqlgen.Compiler = Compiler{}

type dialect struct{}

func (dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
func (dialect) Placeholder(n int) string { return fmt.Sprintf("$%d", n) }
func (dialect) LikeEscape() sqlgen.Raw   { return ` ESCAPE '\'` }
func (dialect) Length() sqlgen.Raw       { return "char_length" }
func (dialect) ArrayContains(b *sqlgen.Builder, alias sqlgen.Alias, column string, v any) error {
	b.Arg(v)
	b.Raw(" = ANY(")
	b.Col(alias, column)
	b.Raw(")")
	return nil
}

// Bind passes values as they are: pgx binds time.Time to timestamp and
// timestamptz, and typed slices to arrays, by the parameter's type.
func (dialect) Bind(v any) any { return v }

// Prefilter is never needed: Operand leaves compared columns as they are.
func (dialect) Prefilter(*schema.Field, pred.Cmp) bool { return false }

// Operand compares columns as they are: under the database's collation
// (byte order, as AppSync's, under C and C.UTF-8; a linguistic collation
// orders lt and gt its own way) and with case-sensitive LIKE, as AppSync
// does. Only text matching (beginsWith, contains) on a column that is not
// text matches the text the API returns for it: PostgreSQL has no LIKE on
// timestamps, and AppSync matches "2021-01-01T" against the AWSDateTime
// string.
func (dialect) Operand(b *sqlgen.Builder, alias sqlgen.Alias, f *schema.Field, c pred.Cmp) {
	if f == nil || f.IsList || !sqlgen.IsMatch(c.Op) || textTypes[f.DBType] {
		b.Col(alias, c.Column)
		return
	}
	if !timeText(b, alias, f) {
		b.Col(alias, c.Column)
		b.Raw("::text")
	}
}

func (Compiler) newBuilder() *sqlgen.Builder { return sqlgen.NewBuilder(dialect{}) }

func table(b *sqlgen.Builder, m *schema.Model) {
	if m.Table.Schema != "" {
		b.Ident(m.Table.Schema)
		b.Raw(".")
	}
	b.Ident(m.Table.Name)
}

// Select compiles a get (one row, one column) or a list (rows of the
// object and its key).
func (c Compiler) Select(s *plan.Select) (sqlgen.Statement, error) {
	b := c.newBuilder()
	t := b.NewAlias()
	var js joins
	count := s.Count && !s.Single
	if count {
		b.Raw("(")
	}
	b.Raw("SELECT ")
	lookAhead := !s.Single && s.Limit > 0 && !s.NoNext && subqueries(s)
	if lookAhead {
		// The row past the page only tells that a next page exists: its
		// object, whose subqueries cost as much as a page row's, is left
		// NULL (exec.List). row_number() over the statement's own order
		// shares its sort (or index scan) and numbers the rows as they
		// come out.
		b.Raw("CASE WHEN row_number() OVER (ORDER BY ")
		orderBy(b, t, s)
		b.Raw(") <= ")
		b.Int(s.Limit)
		b.Raw(" THEN ")
	}
	if err := object(b, t, s, &js); err != nil {
		return sqlgen.Statement{}, err
	}
	if lookAhead {
		b.Raw(" END")
	}
	if !s.Single {
		b.ListKeys(t, s, "json_build_array", tokenKey)
	}
	if count {
		b.Raw(", NULL")
	}
	b.Raw(" FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(t)
	if err := js.write(b); err != nil {
		return sqlgen.Statement{}, err
	}
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

// subqueries reports whether s's object holds a correlated subquery (a
// hasMany, at any depth): only then is building the look-ahead row's
// object worth skipping. For flat rows the window costs more than the
// object it saves (Chinook W1: +20% CPU).
func subqueries(s *plan.Select) bool {
	for _, o := range s.Fields {
		if o.Nested != nil && (o.Connection != nil || subqueries(o.Nested)) {
			return true
		}
	}
	return false
}

// tokenKey writes a key column as the next page's token keeps it: as it
// is, but an AWSDateTime as RFC 3339 text in UTC to the microsecond, which
// the planner reads back as the AWSDateTime it is (json_build_array would
// write a timestamp without its zone) and loses no precision of the
// column.
func tokenKey(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) {
	if f.Type != schema.AWSDateTime || f.IsList {
		b.Col(t, f.Column)
		return
	}
	b.Raw("to_char(")
	b.Col(t, f.Column)
	b.Raw(`::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)
}

// after writes the keyset condition (k1, k2) > ($1, $2).
func after(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) error {
	return b.After(t, s, keyColumn)
}

// keyColumn writes a key column as it is: lists order and page by it.
func keyColumn(b *sqlgen.Builder, t sqlgen.Alias, f *schema.Field) { b.Col(t, f.Column) }

func orderBy(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select) {
	b.OrderBy(t, s, keyColumn)
}

// object writes the JSON object for the row aliased t. The to-one
// relationships it holds are added to js, which the caller writes after
// the FROM that brings t into scope.
func object(b *sqlgen.Builder, t sqlgen.Alias, s *plan.Select, js *joins) error {
	// json_build_object takes at most 100 arguments; wider selections
	// concatenate chunks (json has no ||, so through jsonb, whose key
	// order is its own — acceptable only past 50 keys).
	const chunk = 50
	if len(s.Fields) > chunk {
		b.Raw("(")
		for i := 0; i < len(s.Fields); i += chunk {
			if i > 0 {
				b.Raw(" || ")
			}
			part := *s
			part.Fields = s.Fields[i:min(i+chunk, len(s.Fields))]
			if err := object(b, t, &part, js); err != nil {
				return err
			}
			b.Raw("::jsonb")
		}
		b.Raw(")::json")
		return nil
	}
	b.Raw("json_build_object(")
	for i, o := range s.Fields {
		if i > 0 {
			b.Raw(", ")
		}
		b.Str(o.Key)
		b.Raw(", ")
		err := b.Guarded(o,
			func(e pred.Expr) error { return b.WhereOf(t, s.Model, e) },
			func() error { return value(b, t, o, js) })
		if err != nil {
			return err
		}
	}
	b.Raw(")")
	return nil
}

// nested writes a relationship: one object (or null) for belongsTo/hasOne,
// read from a join (see joins), and {"items": [...]} for hasMany, a
// correlated subquery.
func nested(b *sqlgen.Builder, outer sqlgen.Alias, o plan.Output, js *joins) error {
	s := o.Nested
	t := b.NewAlias()
	if o.Connection == nil {
		// No row joined: every column of t is null, the join column too,
		// which a joined row cannot have (it equals a value of outer).
		js.add(outer, t, o)
		b.Raw("CASE WHEN ")
		b.Col(t, o.Join[0].Inner)
		b.Raw(" IS NULL THEN NULL ELSE ")
		if err := object(b, t, s, js); err != nil {
			return err
		}
		b.Raw(" END")
		return nil
	}
	return b.Connection("json_build_object", o.Connection,
		func() error { return items(b, outer, t, o) },
		func() error { return pageMarker(b, outer, o) },
		func(k plan.ConnKey) error { return nestedCount(b, outer, o, k) })
}

// items writes a hasMany's rows as a JSON array, in the order of its Keys:
// an array built from the ordered rows (ARRAY(SELECT ... ORDER BY ...
// LIMIT n), which keeps its query's order) turned into JSON. The rows are
// sorted once; json_agg(... ORDER BY ...) over a limited derived table
// sorts them a second time, in the aggregate, before PostgreSQL 16
// (Chinook W3: 8-10% of the statement's CPU). An empty array is [].
func items(b *sqlgen.Builder, outer, t sqlgen.Alias, o plan.Output) error {
	s := o.Nested
	b.Raw("array_to_json(ARRAY(SELECT ")
	var js joins
	if err := object(b, t, s, &js); err != nil {
		return err
	}
	b.Raw(" FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(t)
	if err := js.write(b); err != nil {
		return err
	}
	if err := joinWhere(b, outer, t, o); err != nil {
		return err
	}
	b.Raw(" ORDER BY ")
	orderBy(b, t, s)
	if s.Limit > 0 {
		b.Raw(" LIMIT ")
		b.Int(s.Limit)
	}
	b.Raw("))")
	return nil
}

// pageMarker writes a hasMany's nextToken: null, or when a row follows the
// page, the marker plan.Page describes, which the pipeline turns into a
// signed token. Two probes by OFFSET, each reading at most Limit+1 rows
// of the parent's children: whether a row exists past the page, and the
// key of the page's last row.
func pageMarker(b *sqlgen.Builder, outer sqlgen.Alias, o plan.Output) error {
	s := o.Nested
	if s.Page == nil || s.Limit <= 0 {
		b.Raw("NULL")
		return nil
	}
	p := b.NewAlias()
	b.Raw("CASE WHEN EXISTS (SELECT 1 FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(p)
	if err := joinWhere(b, outer, p, o); err != nil {
		return err
	}
	b.Raw(" LIMIT 1 OFFSET ")
	b.Int(s.Limit)
	l := b.NewAlias()
	b.Raw(") THEN (SELECT json_build_array(")
	b.Arg(s.Page.Marker)
	b.Raw("::text, ")
	b.Int(s.Page.ID)
	b.Raw(", json_build_array(")
	for i, f := range s.Page.Parent {
		if i > 0 {
			b.Raw(", ")
		}
		tokenKey(b, outer, f)
	}
	b.Raw("), json_build_array(")
	for i, k := range s.Keys() {
		if i > 0 {
			b.Raw(", ")
		}
		tokenKey(b, l, k.Field)
	}
	b.Raw(")) FROM ")
	table(b, s.Model)
	b.Raw(" ")
	b.WriteAlias(l)
	if err := joinWhere(b, outer, l, o); err != nil {
		return err
	}
	b.Raw(" ORDER BY ")
	orderBy(b, l, s)
	b.Raw(" LIMIT 1 OFFSET ")
	b.Int(s.Limit - 1)
	b.Raw(") END")
	return nil
}

// joinWhere writes the nested rows' condition: the join, the filter, and
// the keyset condition of a nested nextToken.
func joinWhere(b *sqlgen.Builder, outer, inner sqlgen.Alias, o plan.Output) error {
	return b.JoinWhere(outer, inner, o, keyColumn, b.WhereOf)
}

// returning wraps a data-changing statement in a CTE and selects the
// affected row's object from it.
func returning(b *sqlgen.Builder, cte sqlgen.Alias, ret *plan.Select) error {
	b.Raw(") SELECT ")
	t := b.NewAlias()
	var js joins
	if err := object(b, t, ret, &js); err != nil {
		return err
	}
	b.Raw(" FROM ")
	b.WriteAlias(cte)
	b.Raw(" ")
	b.WriteAlias(t)
	return js.write(b)
}

// Insert compiles INSERT ... RETURNING into one statement that returns the
// row as stored, database-generated values included.
func (c Compiler) Insert(s *plan.Insert) (sqlgen.Mutation, error) {
	b := c.newBuilder()
	cte := b.NewAlias()
	b.Raw("WITH ")
	b.WriteAlias(cte)
	b.Raw(" AS (INSERT INTO ")
	table(b, s.Model)
	if len(s.Columns) == 0 {
		b.Raw(" DEFAULT VALUES")
	} else {
		b.Raw(" (")
		for i, col := range s.Columns {
			if i > 0 {
				b.Raw(", ")
			}
			b.Ident(col)
		}
		b.Raw(") VALUES (")
		for i, v := range s.Values {
			if i > 0 {
				b.Raw(", ")
			}
			b.Arg(v)
		}
		b.Raw(")")
	}
	b.Raw(" RETURNING *")
	if err := returning(b, cte, s.Return); err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.One(b.Statement()), nil
}

// Update compiles UPDATE ... WHERE key AND condition RETURNING; no row
// back means the row is missing or the condition failed.
func (c Compiler) Update(s *plan.Update) (sqlgen.Mutation, error) {
	b := c.newBuilder()
	cte := b.NewAlias()
	u := b.NewAlias()
	b.Raw("WITH ")
	b.WriteAlias(cte)
	b.Raw(" AS (UPDATE ")
	table(b, s.Model)
	b.Raw(" AS ")
	b.WriteAlias(u)
	b.Raw(" SET ")
	cols, vals := s.Columns, s.Values
	if len(cols) == 0 {
		// Nothing to change: a no-op assignment still locks and returns
		// the row, so the caller sees it (or learns it is missing).
		cols = []string{s.Model.Field(s.Model.PrimaryKey[0]).Column}
	}
	for i, col := range cols {
		if i > 0 {
			b.Raw(", ")
		}
		b.Ident(col)
		b.Raw(" = ")
		if len(vals) == 0 {
			b.Col(u, col)
		} else {
			b.Arg(vals[i])
		}
	}
	return keyedReturning(b, u, cte, s.Model, s.Key, s.Where, s.Return)
}

// Delete compiles DELETE ... RETURNING, giving back the row as it was.
func (c Compiler) Delete(s *plan.Delete) (sqlgen.Mutation, error) {
	b := c.newBuilder()
	cte := b.NewAlias()
	d := b.NewAlias()
	b.Raw("WITH ")
	b.WriteAlias(cte)
	b.Raw(" AS (DELETE FROM ")
	table(b, s.Model)
	b.Raw(" AS ")
	b.WriteAlias(d)
	return keyedReturning(b, d, cte, s.Model, s.Key, s.Where, s.Return)
}

// keyedReturning ends an UPDATE or DELETE aliased t: WHERE key AND
// condition, RETURNING the row, and the select of its object from cte.
func keyedReturning(b *sqlgen.Builder, t, cte sqlgen.Alias, m *schema.Model, key, where pred.Expr, ret *plan.Select) (sqlgen.Mutation, error) {
	b.Raw(" WHERE ")
	if err := b.WhereOf(t, m, key); err != nil {
		return sqlgen.Mutation{}, err
	}
	if where != nil {
		b.Raw(" AND ")
		if err := b.WhereOf(t, m, where); err != nil {
			return sqlgen.Mutation{}, err
		}
	}
	b.Raw(" RETURNING ")
	b.WriteAlias(t)
	b.Raw(".*")
	if err := returning(b, cte, ret); err != nil {
		return sqlgen.Mutation{}, err
	}
	return sqlgen.One(b.Statement()), nil
}
