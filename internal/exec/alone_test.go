package exec

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/testdb"
)

// one is a mutation of a single statement returning the row, as the
// PostgreSQL compiler makes them.
func one(query string, args ...any) sqlgen.Mutation {
	return sqlgen.One(sqlgen.Statement{SQL: query, Args: args})
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A single-statement mutation on PostgreSQL runs without BEGIN (the
// server's transaction is the statement's own); its answers are those of
// a transaction: the row, no row when nothing matched, the server's
// refusal, a failure at commit.
func TestMutateAloneAnswersAsATransaction(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, `CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, n int,
  parent int REFERENCES parent DEFERRABLE INITIALLY DEFERRED)`)
	cfg, err := pgx.ParseConfig(db.URI)
	if err != nil {
		t.Fatal(err)
	}
	sent := &sentSQL{}
	cfg.Tracer = sent
	pool := stdlib.OpenDB(*cfg)
	defer pool.Close()
	x := New(pool, Options{})
	ctx := context.Background()

	obj, err := x.Mutate(ctx, one(`WITH c AS (INSERT INTO t (id, n) VALUES ($1, 1) RETURNING *) SELECT json_build_object('id', id) FROM c`, 1))
	if err != nil || string(obj) != `{"id" : 1}` {
		t.Fatalf("insert = %s, %v; want the row", obj, err)
	}
	if got := sent.list(); len(got) != 1 || !strings.HasPrefix(got[0], "WITH") {
		t.Errorf("sent %q, want the statement alone", got)
	}

	// A condition that does not hold: no row, nothing changed.
	obj, err = x.Mutate(ctx, one(`WITH c AS (UPDATE t SET n = 2 WHERE id = $1 AND n = $2 RETURNING *)
SELECT json_build_object('id', id) FROM c`, 1, 99))
	if err != nil || obj != nil {
		t.Fatalf("update with a failing condition = %s, %v; want nil, nil", obj, err)
	}
	if n := count(t, db.SQL, "SELECT n FROM t WHERE id = 1"); n != 1 {
		t.Errorf("n = %d after a failed condition, want 1", n)
	}

	// The server's refusal is certain.
	_, err = x.Mutate(ctx, one(`WITH c AS (INSERT INTO t (id, n) VALUES ($1, 5) RETURNING *) SELECT json_build_object('id', id) FROM c`, 1))
	if k := qerr.KindOf(err); k != qerr.Conflict {
		t.Errorf("duplicate key: %v (%s), want a conflict", err, k)
	}

	// A deferred constraint fails at commit, after the row came back:
	// the mutation fails, certainly, and nothing is stored.
	obj, err = x.Mutate(ctx, one(`WITH c AS (INSERT INTO t (id, n, parent) VALUES ($1, 1, 42) RETURNING *) SELECT json_build_object('id', id) FROM c`, 2))
	if k := qerr.KindOf(err); k != qerr.BadInput || obj != nil {
		t.Errorf("deferred foreign key = %s, %v (%s); want a certain BadInput", obj, err, k)
	}
	if n := count(t, db.SQL, "SELECT count(*) FROM t WHERE id = 2"); n != 0 {
		t.Errorf("a mutation that failed at commit stored its row")
	}

	// An argument pgx cannot encode fails before anything is sent.
	_, err = x.Mutate(ctx, one(`WITH c AS (INSERT INTO t (id, n) VALUES ($1, 1) RETURNING *) SELECT json_build_object('id', id) FROM c`, struct{}{}))
	if k := qerr.KindOf(err); err == nil || k == qerr.Ambiguous {
		t.Errorf("unencodable argument: %v (%s), want a certain failure", err, k)
	}
	// The pool still works.
	if obj, err := x.Mutate(ctx, one(`WITH c AS (DELETE FROM t WHERE id = $1 RETURNING *) SELECT json_build_object('id', id) FROM c`, 1)); err != nil || obj == nil {
		t.Errorf("delete = %s, %v", obj, err)
	}
}

// A statement past the statement timeout is cancelled on the server, not
// only abandoned: without a transaction of ours to roll back, a statement
// left waiting for a lock would otherwise commit once the lock is free.
// The answer is a certain timeout, and the write never happens.
func TestMutateAloneTimeoutCancelsOnTheServer(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, `CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t VALUES (1, 1)`)
	ctx := context.Background()
	holder, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback() //nolint:errcheck // committed below
	if _, err := holder.Exec("SELECT 1 FROM t WHERE id = 1 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}

	x := New(db.SQL, Options{StatementTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err = x.Mutate(ctx, one(`WITH c AS (UPDATE t SET n = 2 WHERE id = $1 RETURNING *) SELECT json_build_object('id', id) FROM c`, 1))
	if k := qerr.KindOf(err); k != qerr.Timeout {
		t.Errorf("update waiting for a lock: %v (%s), want a timeout", err, k)
	}
	if d := time.Since(start); d > 200*time.Millisecond+cancelGrace {
		t.Errorf("answered after %v", d)
	}
	if err := holder.Commit(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := count(t, db.SQL, "SELECT n FROM t WHERE id = 1"); n != 1 {
		t.Errorf("n = %d: the timed-out update was applied once the lock was free", n)
	}
}

// A statement the server ended before it completed did not commit: the
// server's answer is certain (retry), whether the connection was ended
// under the statement or while it sat in the pool.
func TestMutateAloneEndedByTheServerIsCertain(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, `CREATE TABLE t (id int PRIMARY KEY)`)
	pool, err := sql.Open("pgx", db.URI)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	x := New(pool, Options{PoolSize: 1})
	ctx := context.Background()
	insert := `WITH c AS (INSERT INTO t (id) VALUES ($1) RETURNING *) SELECT json_build_object('id', id) FROM c`
	go func() {
		for range 100 {
			time.Sleep(20 * time.Millisecond)
			var ended int
			_ = db.SQL.QueryRow("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'WITH c AS (INSERT INTO t%pg_sleep%' AND state = 'active'").Scan(&ended)
			if ended > 0 {
				return
			}
		}
	}()
	_, err = x.Mutate(ctx, one(insert+", pg_sleep(3)", 1))
	if k := qerr.KindOf(err); k != qerr.Unavailable {
		t.Errorf("statement ended by the server: %v (%s), want unavailable", err, k)
	}

	// The pool's one connection, used, then ended by the server while idle.
	// Two uses: database/sql checks a connection unused for a second
	// before lending it, and this one must be lent unchecked.
	for _, id := range []int{2, 5} {
		if _, err := x.Mutate(ctx, one(insert, id)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SQL.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'WITH c AS (INSERT INTO t%' AND pid <> pg_backend_pid()"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	_, err = x.Mutate(ctx, one(insert, 3))
	t.Logf("mutation on a connection the server ended while idle: %v", err)
	if err != nil && qerr.KindOf(err) != qerr.Unavailable {
		t.Errorf("mutation on a connection the server ended: %v (%s), want success or unavailable", err, qerr.KindOf(err))
	}
	if n := count(t, db.SQL, "SELECT count(*) FROM t WHERE id NOT IN (2, 5)"); n > 1 {
		t.Errorf("%d rows stored by statements the server ended", n)
	}
	if _, err := x.Mutate(ctx, one(insert, 4)); err != nil {
		t.Errorf("next mutation: %v", err)
	}
}

// A statement whose connection is lost while it runs may commit all the
// same: the answer says so (AmbiguousWriteException), as for a lost
// COMMIT, and the row is indeed stored.
func TestMutateAloneLostAnswerIsAmbiguous(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, `CREATE TABLE t (id int PRIMARY KEY)`)
	u, err := url.Parse(db.URI)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr
	pool, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	x := New(pool, Options{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		p.cut()
	}()
	_, err = x.Mutate(context.Background(), one(`WITH c AS (INSERT INTO t (id) VALUES ($1) RETURNING *)
SELECT json_build_object('id', id) FROM c, pg_sleep(1)`, 1))
	if k := qerr.KindOf(err); k != qerr.Ambiguous {
		t.Fatalf("connection lost under the statement: %v (%s), want ambiguous", err, k)
	}
	if msg := qerr.ClientMessage(err, false); !strings.Contains(msg, "may have been applied") {
		t.Errorf("client sees %q", msg)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := count(t, db.SQL, "SELECT count(*) FROM t"); n != 1 {
		t.Errorf("%d rows: the server was expected to commit the statement it finished", n)
	}
}

// sentSQL records the statements a pgx connection sends.
type sentSQL struct {
	mu  sync.Mutex
	sql []string
}

func (s *sentSQL) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sql = append(s.sql, d.SQL)
	return ctx
}

func (*sentSQL) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (s *sentSQL) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sql...)
}
