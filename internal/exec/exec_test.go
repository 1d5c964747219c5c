package exec

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/testdb"
)

func sleepSQL(engine string) string {
	switch engine {
	case testdb.Postgres:
		return "SELECT '{}' FROM pg_sleep(1)"
	case testdb.MySQL:
		return "SELECT '{}' FROM (SELECT SLEEP(1)) s"
	}
	return ""
}

func TestBusyInsteadOfTooManyConnections(t *testing.T) {
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			x := New(db.SQL, Options{PoolSize: 1, QueueWait: 100 * time.Millisecond})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := x.One(context.Background(), sqlgen.Statement{SQL: sleepSQL(engine)}); err != nil {
					t.Error(err)
				}
			}()
			time.Sleep(200 * time.Millisecond)
			start := time.Now()
			_, err := x.One(context.Background(), sqlgen.Statement{SQL: "SELECT '{}'"})
			if qerr.KindOf(err) != qerr.Unavailable || !strings.Contains(err.Error(), "database busy") {
				t.Errorf("err = %v, want database busy", err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("waited %v, want about the 100ms queue wait", d)
			}
			// The pool's metrics saw the wait.
			if now, waits, waited := x.Waiting(); now != 0 || waits != 1 || waited < 90*time.Millisecond {
				t.Errorf("Waiting() = %d, %d, %v; want 0 queued now, 1 wait of about 100ms", now, waits, waited)
			}
			wg.Wait()
		})
	}
}

func TestStatementTimeout(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	x := New(db.SQL, Options{StatementTimeout: 100 * time.Millisecond})
	_, err := x.One(context.Background(), sqlgen.Statement{SQL: sleepSQL(testdb.Postgres)})
	if k := qerr.KindOf(err); k != qerr.Timeout && k != qerr.Unavailable {
		t.Errorf("err = %v (%s), want a timeout", err, k)
	}
}

func TestMutateIsAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
		x := New(db.SQL, Options{})
		ctx := context.Background()
		ph := "?"
		if db.Engine == testdb.Postgres {
			ph = "$1"
		}
		// A write, then a write that must affect a row and does not: the
		// first write is rolled back and the result is "not found".
		m := sqlgen.Mutation{Steps: []sqlgen.Step{
			{Statement: sqlgen.Statement{SQL: "INSERT INTO t (id, n) VALUES (1, 1)"}},
			{Statement: sqlgen.Statement{SQL: "UPDATE t SET n = 2 WHERE id = " + ph, Args: []any{99}}, MustAffect: true},
		}}
		obj, err := x.Mutate(ctx, m)
		if err != nil || obj != nil {
			t.Fatalf("Mutate = %s, %v; want nil, nil", obj, err)
		}
		var n int
		if err := db.SQL.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 0 {
			t.Errorf("rows after rollback = %d, %v", n, err)
		}

		db.Exec(t, "INSERT INTO t (id, n) VALUES (1, 1)")
		_, err = x.Mutate(ctx, sqlgen.Mutation{Steps: []sqlgen.Step{{Statement: sqlgen.Statement{SQL: "INSERT INTO t (id, n) VALUES (1, 5)"}}}})
		var qe *qerr.Error
		if !errors.As(err, &qe) || qe.Kind != qerr.Conflict {
			t.Errorf("duplicate key: %v, want a conflict", err)
		}
		if msg := qerr.ClientMessage(err, false); !strings.Contains(msg, "already exists") || strings.Contains(msg, "(1, 5)") {
			t.Errorf("client sees %q outside debug mode, want the specific message without values", msg)
		}
	})
}
