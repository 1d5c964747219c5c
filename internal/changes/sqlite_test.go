package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// liteFile is a fresh SQLite file with the tables the tests write, and
// a connection of the test's own (another writer than the source's).
func liteFile(t *testing.T, schema string) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	return path, db
}

// liteShell runs script with the sqlite3 shell, another process, when
// it is installed, else on a second connection of this one.
func liteShell(t *testing.T, path, script string) {
	t.Helper()
	if bin, err := exec.LookPath("sqlite3"); err == nil {
		cmd := exec.Command(bin, "-bail", path)
		cmd.Stdin = strings.NewReader(".timeout 5000\n" + script)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sqlite3: %v\n%s", err, out)
		}
		return
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(script); err != nil && !strings.Contains(script, "ROLLBACK") {
		t.Fatalf("%s: %v", script, err)
	}
}

// liteSource is a set-up source on path serving tables.
func liteSource(t *testing.T, path string, tables ...string) *SQLite {
	t.Helper()
	s, err := NewSQLite(SQLiteOptions{Path: path, Poll: 10 * time.Millisecond, Lease: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var ts []Table
	for _, n := range tables {
		ts = append(ts, Table{Schema: "main", Name: n})
	}
	if _, err := s.Setup(context.Background(), ts); err != nil {
		t.Fatal(err)
	}
	return s
}

// follow leads with s and streams into a channel until the test ends
// or stop is called.
func liteFollow(t *testing.T, s *SQLite) (<-chan Change, func()) {
	t.Helper()
	out, stop, _ := liteFollowCrashable(t, s)
	return out, stop
}

// liteFollowCrashable is liteFollow that can also crash: stop the
// reader and the lease's renewal without giving the lease up, as a
// killed process does. (Closing the SQLite would not do: database/sql
// lets the reader's connection run on.)
func liteFollowCrashable(t *testing.T, s *SQLite) (<-chan Change, func(), func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	_, release, ok, err := s.TryLead(ctx)
	if err != nil || !ok {
		t.Fatalf("TryLead: %v %v", ok, err)
	}
	out := make(chan Change, 10000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := Follow(ctx, s, 0, func(_ context.Context, tx []Change, lsn LSN) error {
			for _, c := range tx {
				if c.LSN != lsn {
					t.Errorf("change LSN %v, transaction %v", c.LSN, lsn)
				}
				out <- c
			}
			return nil
		}, Backoff{Min: 20 * time.Millisecond}, nil)
		if err != nil && ctx.Err() == nil {
			// Said, not swallowed: otherwise a follower that stopped shows
			// only as "no change" later.
			t.Errorf("Follow stopped: %v", err)
		}
	}()
	stop := func() {
		cancel()
		<-done
		release()
	}
	crash := func() {
		cancel()
		<-done
	}
	t.Cleanup(func() {
		select {
		case <-done:
		default:
			stop()
		}
	})
	return out, stop, crash
}

func nextChange(t *testing.T, ch <-chan Change) Change {
	t.Helper()
	select {
	case c := <-ch:
		return c
	// Generous: CI runs this under -race beside the heavy packages.
	case <-time.After(15 * time.Second):
		t.Fatal("no change within 15 s")
	}
	return Change{}
}

func noChange(t *testing.T, ch <-chan Change, d time.Duration) {
	t.Helper()
	select {
	case c := <-ch:
		t.Errorf("unexpected change %+v", c)
	case <-time.After(d):
	}
}

// liteScan is the row as database/sql gives it scanned into *any.
func liteScan(t *testing.T, db *sql.DB, q string, args ...any) map[string]any {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("%s: no row", q)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for i, c := range cols {
		out[c] = vals[i]
	}
	return out
}

const liteKinds = `CREATE TABLE kinds (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, d DATE, dt DATETIME, ts TIMESTAMP,
  flag BOOLEAN, n NUMERIC, any_col, "odd ""name""" TEXT);
CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT);
CREATE VIEW kinds_view AS SELECT id FROM kinds;`

// TestSQLiteValues: rows written by another process arrive as creates,
// updates and deletes whose values equal what database/sql scans from
// the row, for every storage class and the driver's time columns.
func TestSQLiteValues(t *testing.T) {
	path, db := liteFile(t, liteKinds)
	s, err := NewSQLite(SQLiteOptions{Path: path, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.Setup(context.Background(), []Table{{"main", "kinds"}, {"main", "kinds_view"}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.LogCreated || rep.Created != 3 || len(rep.NotStreamed) != 1 || rep.NotStreamed[0].Name != "kinds_view" {
		t.Errorf("setup: %+v", rep)
	}
	ch, _ := liteFollow(t, s)
	liteShell(t, path, `INSERT INTO kinds VALUES (1, 9007199254740993, 0.1 + 0.2, 'caf'||char(233)||' "q" '||char(10), x'00ff10', '2026-05-01', '2026-05-01 10:00:00.123', '2026-05-01T10:00:00Z',
  1, 12.50, x'cafe', 'odd');`)
	c := nextChange(t, ch)
	want := liteScan(t, db, `SELECT * FROM kinds WHERE id = 1`)
	if c.Op != OpCreate || c.Table != "kinds" || c.Schema != "main" || c.Old != nil || !reflect.DeepEqual(c.New, want) {
		t.Errorf("create:\n%#v\nscanned:\n%#v", c, want)
	}
	if _, ok := want["d"].(time.Time); !ok {
		t.Errorf("the driver gave DATE as %T: the test no longer checks time columns", want["d"])
	}
	liteShell(t, path, `UPDATE kinds SET r = 1e308 * 10, t = NULL, b = NULL, d = 'not a date', flag = 0, any_col = 3.0 WHERE id = 1;`)
	c = nextChange(t, ch)
	before := want
	want = liteScan(t, db, `SELECT * FROM kinds WHERE id = 1`)
	if c.Op != OpUpdate || !reflect.DeepEqual(c.New, want) || !reflect.DeepEqual(c.Old, before) || c.OldKeysOnly {
		t.Errorf("update:\n%#v\nscanned:\n%#v", c, want)
	}
	liteShell(t, path, `DELETE FROM kinds WHERE id = 1;`)
	c = nextChange(t, ch)
	if c.Op != OpDelete || c.New != nil || !reflect.DeepEqual(c.Old, want) {
		t.Errorf("delete:\n%#v\nwant old:\n%#v", c, want)
	}
	t.Run("rolled back", func(t *testing.T) {
		liteShell(t, path, "BEGIN; INSERT INTO kinds (id, t) VALUES (2, 'never'); ROLLBACK;\n")
		if _, err := db.Exec(`INSERT INTO kinds (id, t) VALUES (3, 'after')`); err != nil {
			t.Fatal(err)
		}
		if c := nextChange(t, ch); c.New["t"] != "after" {
			t.Errorf("after a rolled-back insert: %+v", c)
		}
		noChange(t, ch, 100*time.Millisecond)
	})
	t.Run("one transaction, several rows, in order", func(t *testing.T) {
		liteShell(t, path, "BEGIN; INSERT INTO kinds (id, t) VALUES (10, 'a'); UPDATE kinds SET t = 'b' WHERE id = 10; INSERT INTO kinds (id, t) VALUES (11, 'c'); COMMIT;\n")
		var got []string
		last := LSN(0)
		for range 3 {
			c := nextChange(t, ch)
			if c.LSN <= last {
				t.Errorf("LSN %v after %v", c.LSN, last)
			}
			last = c.LSN
			got = append(got, c.Op+":"+fmt.Sprint(c.New["t"]))
		}
		if strings.Join(got, " ") != "create:a update:b create:c" {
			t.Errorf("got %v", got)
		}
	})
	t.Run("replace and delete all", func(t *testing.T) {
		// REPLACE fires no delete trigger for the row it replaces (unless
		// recursive_triggers is on): a create only. DELETE without WHERE
		// is logged row by row (triggers turn the truncate optimisation off).
		liteShell(t, path, "INSERT OR REPLACE INTO kinds (id, t) VALUES (11, 'replaced');\nDELETE FROM kinds;\n")
		var got []string
		for range 4 {
			c := nextChange(t, ch)
			row := c.New
			if c.Op == OpDelete {
				row = c.Old
			}
			got = append(got, fmt.Sprintf("%s:%v", c.Op, row["id"]))
		}
		if strings.Join(got, " ") != "create:11 delete:3 delete:10 delete:11" {
			t.Errorf("got %v", got)
		}
		noChange(t, ch, 100*time.Millisecond)
	})
	t.Run("not served", func(t *testing.T) {
		if _, err := db.Exec(`INSERT INTO other (id, v) VALUES (1, 'x')`); err != nil {
			t.Fatal(err)
		}
		noChange(t, ch, 100*time.Millisecond)
	})
}

// TestSQLiteWideTable: a table with more columns than one json_object
// call takes in older SQLite builds (the sqlite3 shell's) is logged
// whole, and the shell can still write to it.
func TestSQLiteWideTable(t *testing.T) {
	var cols []string
	for i := range 150 {
		cols = append(cols, fmt.Sprintf("c%d INTEGER", i))
	}
	path, db := liteFile(t, `CREATE TABLE wide (id INTEGER PRIMARY KEY, `+strings.Join(cols, ", ")+`)`)
	s := liteSource(t, path, "wide")
	ch, _ := liteFollow(t, s)
	liteShell(t, path, `INSERT INTO wide (id, c0, c149) VALUES (1, 7, 8);`)
	c := nextChange(t, ch)
	if want := liteScan(t, db, `SELECT * FROM wide`); !reflect.DeepEqual(c.New, want) || len(c.New) != 151 {
		t.Errorf("wide row: %d columns, %v %v", len(c.New), c.New["c0"], c.New["c149"])
	}
}

// TestSQLiteRestart: the position survives the reader; rows written
// while nothing read are delivered next time, once; read rows are
// deleted from the log.
func TestSQLiteRestart(t *testing.T) {
	path, db := liteFile(t, liteKinds)
	s := liteSource(t, path, "kinds")
	ch, stop := liteFollow(t, s)
	for i := 1; i <= 3; i++ {
		if _, err := db.Exec(`INSERT INTO kinds (id, t) VALUES (?, ?)`, i, fmt.Sprintf("first-%d", i)); err != nil {
			t.Fatal(err)
		}
		nextChange(t, ch)
	}
	stop()
	for i := 1; i <= 20; i++ {
		liteShell(t, path, fmt.Sprintf("INSERT INTO kinds (id, t) VALUES (%d, 'down-%d');\n", 100+i, i))
	}
	s2 := liteSource(t, path, "kinds")
	if _, bytes, err := s2.Lag(context.Background()); err != nil || bytes == 0 {
		t.Errorf("lag while down: %d %v", bytes, err)
	}
	ch2, _ := liteFollow(t, s2)
	for i := 1; i <= 20; i++ {
		if c := nextChange(t, ch2); c.New["t"] != fmt.Sprintf("down-%d", i) {
			t.Fatalf("after the restart, change %d: %v", i, c.New)
		}
	}
	noChange(t, ch2, 100*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM quarry_changes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d read rows left in the log", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if rows, bytes, err := s2.Lag(context.Background()); err != nil || rows != 0 || bytes != 0 {
		t.Errorf("lag after catching up: %d rows %d bytes %v", rows, bytes, err)
	}
}

// TestSQLiteSetupAgain: set-up follows the served tables and their
// columns, and leaves unchanged triggers alone.
func TestSQLiteSetupAgain(t *testing.T) {
	path, db := liteFile(t, liteKinds)
	s := liteSource(t, path, "kinds", "other")
	ctx := context.Background()
	rep, err := s.Setup(ctx, []Table{{"main", "kinds"}, {"main", "other"}})
	if err != nil || rep.Created+rep.Replaced+rep.Dropped != 0 || rep.LogCreated {
		t.Errorf("same tables again: %+v %v", rep, err)
	}
	if _, err := db.Exec(`ALTER TABLE other ADD COLUMN extra TEXT`); err != nil {
		t.Fatal(err)
	}
	rep, err = s.Setup(ctx, []Table{{"main", "other"}})
	if err != nil || rep.Replaced != 3 || rep.Dropped != 3 {
		t.Errorf("a column added, a table no longer served: %+v %v", rep, err)
	}
	ch, _ := liteFollow(t, s)
	liteShell(t, path, "INSERT INTO other (id, v, extra) VALUES (5, 'v', 'e'); INSERT INTO kinds (id) VALUES (5);\n")
	if c := nextChange(t, ch); c.Table != "other" || c.New["extra"] != "e" {
		t.Errorf("after the column was added: %+v", c)
	}
	noChange(t, ch, 100*time.Millisecond)
}

// TestSQLiteLease: one reader at a time; the lease passes on release or
// when it runs out, and a reader that lost it cannot move the position.
func TestSQLiteLease(t *testing.T) {
	path, db := liteFile(t, liteKinds)
	a := liteSource(t, path, "kinds")
	b := liteSource(t, path, "kinds")
	ctx := context.Background()
	lostA, releaseA, ok, err := a.TryLead(ctx)
	if err != nil || !ok {
		t.Fatalf("A: %v %v", ok, err)
	}
	if _, _, ok, err := b.TryLead(ctx); err != nil || ok {
		t.Fatalf("B led beside A: %v %v", ok, err)
	}
	// A renews: B still cannot lead after the lease's length.
	time.Sleep(900 * time.Millisecond)
	if _, _, ok, _ := b.TryLead(ctx); ok {
		t.Fatal("B took over a live lease")
	}
	releaseA()
	select {
	case <-lostA:
		t.Error("lost closed on release")
	default:
	}
	lostB, releaseB, ok, err := b.TryLead(ctx)
	if err != nil || !ok {
		t.Fatalf("B after A released: %v %v", ok, err)
	}
	defer releaseB()
	// A lease that ran out (its holder hung) is taken over, and the old
	// holder learns it lost.
	if _, err := db.Exec(`UPDATE quarry_changes_position SET owner = 'hung', expires_at = 1`); err != nil {
		t.Fatal(err)
	}
	select {
	case <-lostB:
	case <-time.After(2 * time.Second):
		t.Fatal("B did not notice it lost the lease")
	}
	if _, _, ok, err := a.TryLead(ctx); err != nil || !ok {
		t.Fatalf("A over an expired lease: %v %v", ok, err)
	}
	// B streams without the lease: it may hand rows on (at least once)
	// but must not store a position.
	if _, err := db.Exec(`INSERT INTO kinds (id) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = b.Stream(sctx, 0, func(context.Context, []Change, LSN) error { return nil })
	if !errors.Is(err, errNotLeader) {
		t.Errorf("B streaming after losing the lease: %v", err)
	}
	var pos int64
	if err := db.QueryRow(`SELECT position FROM quarry_changes_position`).Scan(&pos); err != nil || pos != 0 {
		t.Errorf("position %d %v", pos, err)
	}
}

// TestSQLiteCrashTakeover: a leader whose process dies (its connections
// go, nothing is released or stored) is replaced once its lease ran out;
// nothing is lost, and what it handed on after its last stored position
// is handed on again (at least once).
func TestSQLiteCrashTakeover(t *testing.T) {
	path, db := liteFile(t, liteKinds)
	a := liteSource(t, path, "kinds")
	b := liteSource(t, path, "kinds")
	chA, _, crashA := liteFollowCrashable(t, a)
	const n = 40
	seen := map[int64]int{}
	for i := 1; i <= n/2; i++ {
		if _, err := db.Exec(`INSERT INTO kinds (id) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
		seen[nextChange(t, chA).New["id"].(int64)]++
	}
	crashA()
	crashed := time.Now()
	for i := n/2 + 1; i <= n; i++ {
		if _, err := db.Exec(`INSERT INTO kinds (id) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	for {
		_, release, ok, err := b.TryLead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			release()
			break
		}
		if time.Since(crashed) > 5*time.Second {
			t.Fatal("B never took over")
		}
		time.Sleep(50 * time.Millisecond)
	}
	tookOver := time.Since(crashed)
	chB, _ := liteFollow(t, b)
	for {
		c := nextChange(t, chB)
		seen[c.New["id"].(int64)]++
		if c.New["id"] == int64(n) {
			break
		}
	}
	dups := 0
	for i := int64(1); i <= n; i++ {
		if seen[i] == 0 {
			t.Errorf("row %d lost", i)
		}
		dups += max(seen[i]-1, 0)
	}
	t.Logf("a leader crashed: B led %s later (lease 600 ms); %d rows, %d handed on again", tookOver.Round(time.Millisecond), n, dups)
}

// TestSQLiteDrop: dropping refuses while a reader holds the lease, then
// removes triggers and tables; the served table stays writable.
func TestSQLiteDrop(t *testing.T) {
	path, db := liteFile(t, liteKinds)
	s := liteSource(t, path, "kinds")
	ctx := context.Background()
	_, release, ok, err := s.TryLead(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, err := db.Exec(`INSERT INTO kinds (id) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	st, err := SQLiteStatus(ctx, db)
	if err != nil || !st.Installed || len(st.Triggers) != 3 || st.Unread != 1 || st.Owner != s.Owner() {
		t.Errorf("status: %+v %v", st, err)
	}
	if _, err := DropSQLite(ctx, db); !errors.Is(err, ErrSQLiteInUse) {
		t.Errorf("drop in use: %v", err)
	}
	release()
	if _, err := DropSQLite(ctx, db); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name LIKE 'quarry_changes%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("left after drop: %d %v", n, err)
	}
	liteShell(t, path, "INSERT INTO kinds (id) VALUES (2);\n")
	if st, err := SQLiteStatus(ctx, db); err != nil || st.Installed {
		t.Errorf("status after drop: %+v %v", st, err)
	}
}

func TestSQLiteDecode(t *testing.T) {
	times := map[string]bool{"d": true, "e": true}
	got, err := decodeLiteRow(`[{"a":1,"b":["r","1.0"],"c":["r","Inf"],"d":"2026-05-01 10:00:00Z"},{"e":"x","f":["b","00FF"],"g":null,"h":["r","-5.0e-04"],"i":2.5}]`, times)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": int64(1), "b": 1.0, "c": got["c"], "d": time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), "e": "x", "f": []byte{0, 0xff}, "g": nil, "h": -0.0005, "i": 2.5}
	if !reflect.DeepEqual(got, want) || fmt.Sprint(got["c"]) != "+Inf" {
		t.Errorf("got %#v", got)
	}
	for _, bad := range []string{`1`, `{"a":true}`, `{"a":["b","zz"]}`, `{"a":["r","x"]}`, `{"a":["00"]}`, `[1]`, `{`} {
		if _, err := decodeLiteRow(bad, nil); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
