package introspect

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// countingQuerier records the queries a reader sends and what it binds.
type countingQuerier struct {
	q       Querier
	queries []string
	args    [][]any
}

func (c *countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.queries = append(c.queries, query)
	c.args = append(c.args, args)
	return c.q.QueryContext(ctx, query, args...)
}

func (c *countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.queries = append(c.queries, query)
	c.args = append(c.args, args)
	return c.q.QueryRowContext(ctx, query, args...)
}

// failingQuerier fails every query whose text contains match.
type failingQuerier struct {
	Querier
	match string
	err   error
}

func (f failingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if strings.Contains(query, f.match) {
		return nil, f.err
	}
	return f.Querier.QueryContext(ctx, query, args...)
}

func TestPostgresQueryCountIsConstant(t *testing.T) {
	count := func(n int) int {
		t.Helper()
		db := testdb.New(t, testdb.Postgres)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString("CREATE TABLE t" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + " (id int PRIMARY KEY, code text UNIQUE);\n")
		}
		db.Exec(t, b.String())
		cq := &countingQuerier{q: db.SQL}
		cat, err := readPostgres(context.Background(), cq, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cat.Tables) != n {
			t.Fatalf("read %d tables, want %d", len(cat.Tables), n)
		}
		return len(cq.queries)
	}
	if few, many := count(3), count(30); few != many || few != 5 {
		t.Errorf("3 tables cost %d queries, 30 tables %d; want 5 each", few, many)
	}
}

// assertChinookShape checks what Chinook looks like on every engine: 11
// tables, each with a key and columns, and 11 foreign keys.
func assertChinookShape(t *testing.T, cat *Catalog) {
	t.Helper()
	if len(cat.Tables) != 11 {
		t.Fatalf("tables = %d, want 11", len(cat.Tables))
	}
	nfk := 0
	for _, tb := range cat.Tables {
		nfk += len(tb.ForeignKeys)
		if tb.Kind != KindTable || len(tb.PrimaryKey) == 0 || len(tb.Columns) == 0 {
			t.Errorf("%s = kind %q, PK %q, %d columns", tb.Name, tb.Kind, tb.PrimaryKey, len(tb.Columns))
		}
	}
	if nfk != 11 {
		t.Errorf("foreign keys = %d, want 11", nfk)
	}
}
