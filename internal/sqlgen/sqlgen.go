// Package sqlgen compiles plans into one SQL statement each. Dialects live
// in sqlgen/postgres, sqlgen/mysql and sqlgen/sqlite, each implementing
// Compiler; this package holds what they share: a builder that accepts
// identifiers only from the IR (quoted) and values only as bound arguments,
// and the rendering of predicate trees.
//
// Injection is hard by construction: Builder.Raw takes a Raw, so only
// string constants (or explicit conversions, which review catches) become
// SQL text; everything that came from a request is an argument.
package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// Statement is SQL text with its bound arguments.
type Statement struct {
	SQL  string
	Args []any
}

// Compiler turns plans into statements for one dialect.
//
// A Select for a list returns rows of two columns: the row's JSON object
// and a JSON array of the values of its order's keys (plan.Select.Keys,
// for the next page's token); with Count, a third column, NULL on those
// rows, and one more row whose object is NULL and whose third column is
// the count (exec.List reads it wherever it comes). The row past Limit,
// which only tells that a next page exists, may have a NULL object. A
// single Select returns at most one row with one column, the object.
type Compiler interface {
	Select(s *plan.Select) (Statement, error)
	Insert(s *plan.Insert) (Mutation, error)
	Update(s *plan.Update) (Mutation, error)
	Delete(s *plan.Delete) (Mutation, error)
	// Aggregate compiles an aggregateX root field (see AggDialect).
	Aggregate(a *plan.Aggregate) (Statement, error)
	// Custom compiles a custom query or mutation: the schema author's SQL
	// with each placeholder replaced by the dialect's parameter marker.
	// Its rows are whatever that SQL returns; exec reads them by column.
	Custom(c *plan.Custom) (Statement, error)
}

// Mutation is how a dialect runs one create, update or delete: one step
// where the engine can write and return the row in one statement
// (PostgreSQL, SQLite), a write and a read where it cannot (MySQL). The
// executor runs the steps in order in one transaction.
type Mutation struct {
	Steps []Step
}

// Step is one statement of a Mutation.
type Step struct {
	Statement
	// Returns marks the step whose one row (one column, the object) is the
	// mutation's result; no row means the row is missing or the condition
	// failed.
	Returns bool
	// MustAffect marks a write that must change a row; zero rows affected
	// means the row is missing or the condition failed.
	MustAffect bool
}

// One is a Mutation of a single statement that returns the row.
func One(st Statement) Mutation { return Mutation{Steps: []Step{{Statement: st, Returns: true}}} }

// Raw is SQL text written by Quarry's own code. Untyped string constants
// convert to it; request data never should.
type Raw string

// Dialect is what the shared rendering needs from an engine.
type Dialect interface {
	// QuoteIdent quotes an identifier, doubling the quote character.
	QuoteIdent(name string) string
	// Placeholder returns the n-th (1-based) parameter marker.
	Placeholder(n int) string
	// LikeEscape is the ESCAPE clause for LIKE patterns built by Like.
	LikeEscape() Raw
	// Length is the function giving a string's length in characters.
	Length() Raw
	// ArrayContains writes "value is an element of column" for list
	// columns, or reports that the engine has none.
	ArrayContains(b *Builder, alias Alias, column string, v any) error
	// Bind converts a value from a plan (int64, float64, bool, string,
	// time.Time for AWSDateTime, typed slices for lists) into the value
	// the engine's driver is given, where the driver's own conversion
	// would store or compare it wrongly. Every Arg passes through it.
	Bind(v any) any
	// Operand writes the column side of the comparison c over the rows
	// aliased alias (every operator but size, attributeExists and list
	// membership): the column itself, or an expression that makes the
	// engine compare as AppSync does, whatever the column's collation or
	// storage. f is the column's field; it is nil when the caller rendered
	// the predicate without its model (Builder.Where).
	Operand(b *Builder, alias Alias, f *schema.Field, c pred.Cmp)
	// Prefilter reports whether an eq or beginsWith should also be
	// rendered plainly (col = v, col LIKE 'v%') before the comparison
	// Operand shapes: where that shape hides the column from its index,
	// and the plain comparison, which the index serves, matches a
	// superset of its rows.
	Prefilter(f *schema.Field, c pred.Cmp) bool
	// NullsLarge reports whether the engine orders NULL as larger than
	// every value (PostgreSQL: last ascending, first descending) rather
	// than smaller (MySQL, SQLite). Lists keep the engine's own NULL order,
	// the one its indexes serve, and the keyset condition (After) follows it.
	NullsLarge() bool
}

// IsMatch reports whether op matches text (beginsWith, contains,
// notContains) rather than comparing values.
func IsMatch(op pred.Op) bool {
	return op == pred.BeginsWith || op == pred.Contains || op == pred.NotContains
}

// Builder accumulates SQL text and arguments.
type Builder struct {
	d     Dialect
	buf   strings.Builder
	args  []any
	alias int
}

// NewBuilder starts a statement for dialect d.
func NewBuilder(d Dialect) *Builder { return &Builder{d: d} }

// Raw writes constant SQL text.
func (b *Builder) Raw(s Raw) { b.buf.WriteString(string(s)) }

// Custom writes a custom operation's statement: the schema author's SQL
// pieces, each followed by its argument bound as a parameter. With
// numbered markers ($1, ?1) a name used several times is bound once and
// its marker repeated, so that PostgreSQL infers one type for it from all
// its uses (`:x IS NULL OR col = :x` needs that); with MySQL's ? every use
// is bound again.
func (b *Builder) Custom(c *plan.Custom, numbered bool) error {
	if len(c.Text) != len(c.Args)+1 || len(c.Names) != len(c.Args) {
		return fmt.Errorf("sqlgen: custom operation %s has %d pieces of SQL for %d arguments", c.Op.Name, len(c.Text), len(c.Args))
	}
	marker := map[string]int{}
	for i, text := range c.Text {
		// The one place text that Quarry did not write becomes SQL. It is
		// the schema author's @sql statement, read from the schema files
		// at load (trusted as the schema is: the author could as well write
		// any statement), never anything from the request: every value the
		// request gives is an argument below.
		b.Raw(Raw(text))
		if i == len(c.Args) {
			break
		}
		if n, ok := marker[c.Names[i]]; ok && numbered {
			b.buf.WriteString(b.d.Placeholder(n))
			continue
		}
		b.Arg(c.Args[i])
		marker[c.Names[i]] = len(b.args)
	}
	return nil
}

// Ident writes a quoted identifier from the IR.
func (b *Builder) Ident(name string) { b.buf.WriteString(b.d.QuoteIdent(name)) }

// Col writes alias.column.
func (b *Builder) Col(alias Alias, column string) {
	b.buf.WriteString(string(alias))
	b.buf.WriteByte('.')
	b.Ident(column)
}

// Arg binds v, as the dialect converts it, and writes its placeholder.
func (b *Builder) Arg(v any) {
	b.args = append(b.args, b.d.Bind(v))
	b.buf.WriteString(b.d.Placeholder(len(b.args)))
}

// Str writes a string literal for a constant Quarry chose (JSON keys come
// from the query's field names, which GraphQL limits to [_A-Za-z0-9]).
func (b *Builder) Str(s string) {
	b.buf.WriteByte('\'')
	b.buf.WriteString(strings.ReplaceAll(s, "'", "''"))
	b.buf.WriteByte('\'')
}

// Int writes an integer Quarry computed (a LIMIT).
func (b *Builder) Int(n int) { b.buf.WriteString(strconv.Itoa(n)) }

// Alias is a table alias generated by the builder (t1, t2, ...).
type Alias string

// NewAlias returns a fresh table alias.
func (b *Builder) NewAlias() Alias {
	b.alias++
	return Alias("t" + strconv.Itoa(b.alias))
}

// WriteAlias writes a generated alias.
func (b *Builder) WriteAlias(a Alias) { b.buf.WriteString(string(a)) }

// Statement returns what was built.
func (b *Builder) Statement() Statement { return Statement{SQL: b.buf.String(), Args: b.args} }

// Where renders a predicate over the columns of alias; nil renders TRUE.
// Prefer WhereOf, which lets the dialect see each column's type.
func (b *Builder) Where(alias Alias, e pred.Expr) error { return b.WhereOf(alias, nil, e) }

// WhereOf renders a predicate over the columns of alias, whose rows are
// m's; nil renders TRUE. Knowing m, the dialect's Operand sees each
// compared column's field (its GraphQL and database types).
func (b *Builder) WhereOf(alias Alias, m *schema.Model, e pred.Expr) error {
	switch x := e.(type) {
	case nil:
		b.Raw("TRUE")
	case pred.Const:
		if x {
			b.Raw("TRUE")
		} else {
			b.Raw("FALSE")
		}
	case pred.And:
		return b.join(alias, m, x, " AND ", "TRUE")
	case pred.Or:
		return b.join(alias, m, x, " OR ", "FALSE")
	case pred.Not:
		// A comparison with NULL is NULL, and NOT NULL drops the row; AppSync's
		// not keeps rows where the inner test is unknown, as ne does.
		b.Raw("NOT COALESCE((")
		if err := b.WhereOf(alias, m, x.X); err != nil {
			return err
		}
		b.Raw("), FALSE)")
	case pred.Cmp:
		return b.cmp(alias, ColumnField(m, x.Column), x)
	default:
		return fmt.Errorf("sqlgen: unknown predicate %T", e)
	}
	return nil
}

// ColumnField is m's field stored in column, or nil (also for a nil m).
func ColumnField(m *schema.Model, column string) *schema.Field {
	if m == nil {
		return nil
	}
	for _, f := range m.Fields {
		if f.Column == column {
			return f
		}
	}
	return nil
}

func (b *Builder) join(alias Alias, m *schema.Model, list []pred.Expr, sep Raw, empty Raw) error {
	if len(list) == 0 {
		b.Raw(empty)
		return nil
	}
	b.Raw("(")
	for i, e := range list {
		if i > 0 {
			b.Raw(sep)
		}
		if err := b.WhereOf(alias, m, e); err != nil {
			return err
		}
	}
	b.Raw(")")
	return nil
}

var cmpOps = map[pred.Op]Raw{pred.Eq: " = ", pred.Ne: " <> ", pred.Lt: " < ", pred.Le: " <= ", pred.Gt: " > ", pred.Ge: " >= "}

func (b *Builder) operand(alias Alias, f *schema.Field, c pred.Cmp) {
	if c.Size {
		b.Raw(b.d.Length())
		b.Raw("(")
		b.Col(alias, c.Column)
		b.Raw(")")
		return
	}
	b.d.Operand(b, alias, f, c)
}

func (b *Builder) cmp(alias Alias, f *schema.Field, c pred.Cmp) error {
	switch c.Op {
	case pred.Eq, pred.Ne, pred.Lt, pred.Le, pred.Gt, pred.Ge:
		if c.Value == nil {
			// AppSync compares with null as "is null" / "is not null".
			b.operand(alias, f, c)
			if c.Op == pred.Ne {
				b.Raw(" IS NOT NULL")
			} else if c.Op == pred.Eq {
				b.Raw(" IS NULL")
			} else {
				b.Raw(" IS NULL AND FALSE")
			}
			return nil
		}
		if c.Op == pred.Ne {
			// ne keeps rows whose value is NULL, as AppSync's filters do.
			b.Raw("(")
			b.operand(alias, f, c)
			b.Raw(" <> ")
			b.Arg(c.Value)
			b.Raw(" OR ")
			b.operand(alias, f, c)
			b.Raw(" IS NULL)")
			return nil
		}
		if c.Op == pred.Eq && !c.Size && b.d.Prefilter(f, c) {
			b.Raw("(")
			b.Col(alias, c.Column)
			b.Raw(" = ")
			b.Arg(c.Value)
			b.Raw(" AND ")
			b.operand(alias, f, c)
			b.Raw(" = ")
			b.Arg(c.Value)
			b.Raw(")")
			return nil
		}
		b.operand(alias, f, c)
		b.Raw(cmpOps[c.Op])
		b.Arg(c.Value)
	case pred.Between:
		if len(c.Values) != 2 {
			return fmt.Errorf("between needs two values, got %d", len(c.Values))
		}
		b.operand(alias, f, c)
		b.Raw(" BETWEEN ")
		b.Arg(c.Values[0])
		b.Raw(" AND ")
		b.Arg(c.Values[1])
	case pred.BeginsWith:
		pattern := LikePattern(fmt.Sprint(c.Value), false)
		prefilter := b.d.Prefilter(f, c)
		if prefilter {
			b.Raw("(")
			b.Col(alias, c.Column)
			b.Raw(" LIKE ")
			b.Arg(pattern)
			b.Raw(b.d.LikeEscape())
			b.Raw(" AND ")
		}
		b.operand(alias, f, c)
		b.Raw(" LIKE ")
		b.Arg(pattern)
		b.Raw(b.d.LikeEscape())
		if prefilter {
			b.Raw(")")
		}
	case pred.Contains, pred.NotContains:
		if c.Op == pred.NotContains {
			b.Raw("(NOT ")
		}
		b.Raw("(")
		if c.List {
			if err := b.d.ArrayContains(b, alias, c.Column, c.Value); err != nil {
				return err
			}
		} else {
			b.operand(alias, f, c)
			b.Raw(" LIKE ")
			b.Arg(LikePattern(fmt.Sprint(c.Value), true))
			b.Raw(b.d.LikeEscape())
		}
		b.Raw(")")
		if c.Op == pred.NotContains {
			// NOT (NULL LIKE x) is NULL; a missing value does not contain x.
			b.Raw(" OR ")
			b.Col(alias, c.Column)
			b.Raw(" IS NULL)")
		}
	case pred.In, pred.NotIn:
		if len(c.Values) == 0 {
			if c.Op == pred.In {
				b.Raw("FALSE")
			} else {
				b.Raw("TRUE")
			}
			return nil
		}
		b.operand(alias, f, c)
		if c.Op == pred.NotIn {
			b.Raw(" NOT")
		}
		b.Raw(" IN (")
		for i, v := range c.Values {
			if i > 0 {
				b.Raw(", ")
			}
			b.Arg(v)
		}
		b.Raw(")")
	case pred.Exists:
		b.Col(alias, c.Column)
		if exists, _ := c.Value.(bool); exists {
			b.Raw(" IS NOT NULL")
		} else {
			b.Raw(" IS NULL")
		}
	default:
		return fmt.Errorf("sqlgen: unknown operator %q", c.Op)
	}
	return nil
}

// LikePattern escapes LIKE's wildcards in s (with backslash, which every
// dialect's LikeEscape names) so that user text matches literally, then
// adds the wildcard a prefix or substring match needs.
func LikePattern(s string, substring bool) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	p := r.Replace(s) + "%"
	if substring {
		p = "%" + p
	}
	return p
}

// Connection writes a hasMany's connection object with the dialect's JSON
// object function fn: the keys the query asked for, in its order, with
// items, nextToken and the computed keys (totalCount, aggregate) written by
// the dialect and __typename a constant.
func (b *Builder) Connection(fn Raw, keys []plan.ConnKey, items, nextToken func() error, computed func(plan.ConnKey) error) error {
	b.Raw(fn)
	b.Raw("(")
	for i, k := range keys {
		if i > 0 {
			b.Raw(", ")
		}
		b.Str(k.Key)
		b.Raw(", ")
		var err error
		switch k.What {
		case "items":
			err = items()
		case "__typename":
			b.Str(k.Typename)
		case "totalCount", "aggregate":
			err = computed(k)
		default:
			err = nextToken()
		}
		if err != nil {
			return err
		}
	}
	b.Raw(")")
	return nil
}

// Guarded writes an output's value through write, applying field-level
// authorization (plan.Output Guard and Flag): a guarded value shows only
// where its guard holds and is NULL elsewhere; a Flag output is 1 where its
// guard fails. cond renders a predicate as the dialect's WHERE does.
func (b *Builder) Guarded(o plan.Output, cond func(pred.Expr) error, write func() error) error {
	guard := o.Guard
	if o.Flag != nil {
		guard = o.Flag
	}
	if guard == nil {
		return write()
	}
	if c, ok := guard.(pred.Const); ok {
		switch {
		case o.Flag != nil && bool(c), o.Flag == nil && !bool(c):
			b.Raw("NULL")
		case o.Flag != nil:
			b.Raw("1")
		default:
			return write()
		}
		return nil
	}
	b.Raw("CASE WHEN ")
	if err := cond(guard); err != nil {
		return err
	}
	if o.Flag != nil {
		b.Raw(" THEN NULL ELSE 1 END")
		return nil
	}
	b.Raw(" THEN ")
	if err := write(); err != nil {
		return err
	}
	b.Raw(" END")
	return nil
}

// JoinWhere writes a nested selection's condition: the join with the outer
// row, the keyset condition of a nested nextToken, and the filter, which
// where renders as the dialect's WHERE does.
func (b *Builder) JoinWhere(outer, inner Alias, o plan.Output, key KeyColumn, where func(Alias, *schema.Model, pred.Expr) error) error {
	b.Raw(" WHERE ")
	for i, j := range o.Join {
		if i > 0 {
			b.Raw(" AND ")
		}
		b.Col(inner, j.Inner)
		b.Raw(" = ")
		b.Col(outer, j.Outer)
	}
	if len(o.Join) == 0 {
		b.Raw("TRUE")
	}
	if len(o.Nested.After) > 0 {
		b.Raw(" AND ")
		if err := b.After(inner, o.Nested, key); err != nil {
			return err
		}
	}
	if o.Nested.Where != nil {
		b.Raw(" AND ")
		return where(inner, o.Nested.Model, o.Nested.Where)
	}
	return nil
}
