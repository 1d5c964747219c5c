package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/testdb"
)

// millionDatabase is BenchmarkMillion's database. Unlike testdb's, it is
// kept after the run: filling a million rows takes ~20 s, and reruns
// reuse it.
const millionDatabase = "quarry_bench_million"

// millionRows is the size of the reading table.
const millionRows = 1_000_000

// millionMark is set as the table's comment by the last step of its
// creation, so a table left half-filled by an interrupted run is not
// taken for a finished one. Change it when the table's definition
// changes: the next run rebuilds it.
const millionMark = "quarry bench million v2"

// millionSetup creates and fills the reading table, in steps whose order
// matters for the time it takes: rows first, then the primary key and the
// indexes (building an index once is ~5× faster than maintaining it row by
// row), then VACUUM ANALYZE, which sets the visibility map (so counts are
// index-only scans) and gives the planner its statistics.
//
// The index on sensor_id carries the key after it, as the README advises
// for lists filtered on a column: it serves W7's filter and its order
// (ORDER BY id) together, so a page reads 21 index entries. With
// (sensor_id) alone, PostgreSQL pages by walking the primary key and
// filtering out ~20,000 rows (~10 ms a page), which hides what
// totalCount costs.
//
// Each sensor (1,000 of them) has 1,000 rows, spread over the whole heap;
// a sensor measures one kind (8 kinds, 125 sensors each). value is a
// multiple of 0.25, so sums and averages are exact in a double whatever
// order PostgreSQL's parallel workers add them in, and Quarry's figures
// can be compared with the hand-written SQL's exactly. taken_at is a
// permutation of a million seconds (7919 is invertible modulo the prime
// 1,000,003), so it is unique and uncorrelated with id: its order is not
// the heap's.
var millionSetup = []string{
	`DROP TABLE IF EXISTS reading`,
	`CREATE TABLE reading (id bigint NOT NULL, sensor_id int NOT NULL, kind text NOT NULL,
		value double precision NOT NULL, taken_at timestamptz NOT NULL, note text)`,
	`INSERT INTO reading
	SELECT id, id % 1000 + 1,
		(ARRAY['temperature','humidity','pressure','co2','light','noise','voltage','current'])[id % 8 + 1],
		((id * 13) % 4000) / 4.0,
		timestamptz '2024-01-01 00:00:00+00' + ((id * 7919) % 1000003) * interval '1 second',
		CASE WHEN id % 10 = 0 THEN 'checked' END
	FROM generate_series(1::bigint, ` + fmt.Sprint(millionRows) + `) id`,
	`ALTER TABLE reading ADD PRIMARY KEY (id)`,
	`CREATE INDEX reading_sensor_id ON reading (sensor_id, id)`,
	`CREATE INDEX reading_taken_at ON reading (taken_at)`,
	`VACUUM ANALYZE reading`,
	`COMMENT ON TABLE reading IS '` + millionMark + `'`,
}

// millionDB returns the URI of the database holding the reading table,
// creating it when it is missing or was not finished.
func millionDB(b *testing.B) string {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	base := testdb.PostgresServerURL()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		testdb.Unreachable(b, "PostgreSQL at "+base, err)
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `CREATE DATABASE `+millionDatabase)
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") { // duplicate_database
		b.Fatalf("million: create database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + millionDatabase
	uri := u.String()
	conn, err := pgx.Connect(ctx, uri)
	if err != nil {
		b.Fatalf("million: %v", err)
	}
	defer conn.Close(ctx)
	// Two runs at once would both fill the table; the second waits for
	// the first and then finds it done.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('`+millionDatabase+`'))`); err != nil {
		b.Fatalf("million: lock: %v", err)
	}
	var mark string
	if err := conn.QueryRow(ctx, `SELECT coalesce(obj_description(to_regclass('public.reading'), 'pg_class'), '')`).Scan(&mark); err != nil {
		b.Fatalf("million: %v", err)
	}
	if mark == millionMark {
		return uri
	}
	start := time.Now()
	for _, s := range millionSetup {
		if _, err := conn.Exec(ctx, s); err != nil {
			b.Fatalf("million: %.60s: %v", s, err)
		}
	}
	b.Logf("million: created %s.reading (%d rows) in %v", millionDatabase, millionRows, time.Since(start).Round(100*time.Millisecond))
	return uri
}

// recordingCompiler is the PostgreSQL compiler, keeping every statement
// it compiles, so that millionEnv.explain can EXPLAIN exactly what Quarry
// ran.
type recordingCompiler struct {
	postgres.Compiler
	mu   sync.Mutex
	seen []sqlgen.Statement
}

func (c *recordingCompiler) Select(s *plan.Select) (sqlgen.Statement, error) {
	st, err := c.Compiler.Select(s)
	c.keep(st)
	return st, err
}

func (c *recordingCompiler) Aggregate(a *plan.Aggregate) (sqlgen.Statement, error) {
	st, err := c.Compiler.Aggregate(a)
	c.keep(st)
	return st, err
}

func (c *recordingCompiler) keep(st sqlgen.Statement) {
	c.mu.Lock()
	c.seen = append(c.seen, st)
	c.mu.Unlock()
}

func (c *recordingCompiler) take() []sqlgen.Statement {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.seen
	c.seen = nil
	return out
}

// explain logs, when QUARRY_BENCH_EXPLAIN is set, the plan with
// timings (EXPLAIN ANALYZE) of the statements Quarry compiles for each
// body, and of the hand-written statement beside them: the profile to
// read when a ratio misses its target.
//
//	QUARRY_BENCH_EXPLAIN=1 go test ./bench -run '^$' -bench Million -benchtime 1x -v
func (e *millionEnv) explain(b *testing.B, pool *pgxpool.Pool, w workload, bodies [][]byte) {
	b.Helper()
	// Once per workload: the framework runs a sub-benchmark again when it
	// raises b.N.
	if os.Getenv("QUARRY_BENCH_EXPLAIN") == "" || e.explained[w.name] {
		return
	}
	e.explained[w.name] = true
	ctx := context.Background()
	cdb, cat := openCatalog(b, e.uri)
	rec := &recordingCompiler{}
	eng := benchEngine(b, cat, rec, exec.New(cdb.SQL, exec.Options{PoolSize: 2}), quietLog())
	for _, body := range bodies {
		if err := serveInProcess(ctx, eng, body); err != nil {
			b.Fatalf("%s: %v", w.name, err)
		}
		for _, st := range rec.take() {
			b.Logf("%s: Quarry's statement %v\n%s\n%s", w.name, st.Args, st.SQL, explainText(b, pool, st.SQL, st.Args))
		}
	}
	args := w.argsOf(0)
	b.Logf("%s: hand-written statement %v\n%s\n%s", w.name, args, w.direct, explainText(b, pool, w.direct, args))
}

func explainText(b *testing.B, pool *pgxpool.Pool, query string, args []any) string {
	b.Helper()
	rows, err := pool.Query(context.Background(), "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)
	if err != nil {
		b.Fatalf("explain: %v", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatalf("explain: %v", err)
	}
	return strings.Join(lines, "\n")
}
