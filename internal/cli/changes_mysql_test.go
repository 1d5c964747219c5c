package cli

// --changes database on MariaDB end to end: a mariadbd of the test's own
// writing a row-based binary log (internal/testmy; the shared server on
// 3306 has log_bin OFF and must stay so), the sandbox reading it, and
// subscribers on the AppSync realtime protocol receiving rows written
// with plain SQL. The PostgreSQL counterparts are in changes_test.go.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/testdb"
	"github.com/quarrydata/quarry/internal/testmy"
)

// changesMyDB is the database app on a mariadbd of the test's own (extra
// are more mariadbd options), holding the authorization fixture's tables
// and a table of many column types.
func changesMyDB(t *testing.T, extra ...string) (*testdb.DB, *testmy.Server) {
	t.Helper()
	srv := testmy.Start(t, extra...)
	db := &testdb.DB{Engine: testdb.MySQL, Name: "app", URI: srv.DatabaseURI("root", "app"), SQL: srv.CreateDatabase(t, "app")}
	db.Exec(t, authzFixture[testdb.MySQL])
	db.Exec(t, "CREATE TABLE kinds (id int AUTO_INCREMENT PRIMARY KEY, dt datetime(3), ts timestamp(3) NULL, d date, tm time, n decimal(20,4), "+
		"big bigint, f double, flag tinyint(1), j json, b blob, m enum('happy','sad'), body text)")
	return db, srv
}

// myPositionRows is how many stored positions the database holds.
func myPositionRows(t *testing.T, db *testdb.DB) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow("SELECT count(*) FROM " + myPositionTable).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChangesMySQLDatabase: rows written with plain SQL reach
// subscribers, each under its own rules; a mutation through Quarry
// arrives once; values are as the API returns them.
func TestChangesMySQLDatabase(t *testing.T) {
	db, _ := changesMyDB(t)
	project := changesProject(t, db)
	inst := startInstance(t, project, nil)
	inst.waitLog(t, "changes: leading")
	if !strings.Contains(inst.log.String(), "binary log") || !strings.Contains(inst.log.String(), myPositionTable) {
		t.Errorf("the log does not say where events come from:\n%s", inst.log.String())
	}
	if n := myPositionRows(t, db); n != 1 {
		t.Errorf("%d stored positions, want 1", n)
	}
	alice, bob := sandboxToken(t, project, "alice"), sandboxToken(t, project, "bob")
	fields := "id title owner secret"
	key := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateNote { `+fields+` } }`)
	keyUpd := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onUpdateNote { `+fields+` } }`)
	keyDel := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onDeleteNote { `+fields+` } }`)
	aliceSub := subscribe(t, inst, map[string]string{"Authorization": alice}, `subscription { onCreateNote { `+fields+` } }`)
	bobSub := subscribe(t, inst, map[string]string{"Authorization": bob}, `subscription { onCreateNote { `+fields+` } }`)

	sqlExec(t, db, `INSERT INTO note (id, owner, title, secret) VALUES (100, ?, 'from mysql', 'hidden')`, owner("alice"))
	got := key.next(t, "onCreateNote")
	if got["title"] != "from mysql" || got["owner"] != owner("alice") || got["secret"] != nil || fmt.Sprint(got["id"]) != "100" {
		t.Errorf("API key's onCreateNote: %v (the owner-only secret must be null)", got)
	}
	if got := aliceSub.next(t, "onCreateNote"); got["title"] != "from mysql" || got["secret"] != nil {
		t.Errorf("alice's onCreateNote: %v", got)
	}
	bobSub.none(t, 300*time.Millisecond)

	t.Run("owner rules filter", func(t *testing.T) {
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (101, ?, 'bob''s')`, owner("bob"))
		if got := bobSub.next(t, "onCreateNote"); got["title"] != "bob's" {
			t.Errorf("bob's onCreateNote: %v", got)
		}
		if got := key.next(t, "onCreateNote"); got["title"] != "bob's" {
			t.Errorf("API key's onCreateNote: %v", got)
		}
		aliceSub.none(t, 300*time.Millisecond)
	})
	t.Run("update and delete", func(t *testing.T) {
		sqlExec(t, db, `UPDATE note SET title = 'renamed' WHERE id = 100`)
		if got := keyUpd.next(t, "onUpdateNote"); got["title"] != "renamed" || fmt.Sprint(got["id"]) != "100" {
			t.Errorf("onUpdateNote: %v", got)
		}
		sqlExec(t, db, `DELETE FROM note WHERE id = 100`)
		// binlog_row_image=FULL: the whole old row.
		if got := keyDel.next(t, "onDeleteNote"); got["title"] != "renamed" || got["owner"] != owner("alice") || fmt.Sprint(got["id"]) != "100" {
			t.Errorf("onDeleteNote: %v", got)
		}
	})
	t.Run("a transaction of several rows", func(t *testing.T) {
		tx, err := db.SQL.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			if _, err := tx.Exec(`INSERT INTO note (id, owner, title) VALUES (?, 'x', ?)`, 110+i, fmt.Sprintf("tx-%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			if got := key.next(t, "onCreateNote"); got["title"] != fmt.Sprintf("tx-%d", i) {
				t.Errorf("event %d: %v", i, got)
			}
		}
	})
	t.Run("a mutation through Quarry arrives once", func(t *testing.T) {
		api := authzAPI{url: inst.url, tokens: map[string]string{"alice": alice}}
		if r := api.call(t, "alice", `mutation { createNote(input: {title: "via api"}) { id } }`); len(r.errs) != 0 {
			t.Fatalf("createNote: %+v", r.errs)
		}
		if got := key.next(t, "onCreateNote"); got["title"] != "via api" {
			t.Errorf("onCreateNote: %v", got)
		}
		// A later external write: once it has arrived, a second copy of
		// the mutation's event would have too.
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (102, 'x', 'marker')`)
		if got := key.next(t, "onCreateNote"); got["title"] != "marker" {
			t.Errorf("the mutation's event arrived twice (or out of order): %v", got)
		}
	})
	t.Run("values as the API returns them", func(t *testing.T) {
		const sel = `id dt ts d tm n big f flag j b m body`
		sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateKinds { `+sel+` } }`)
		upd := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onUpdateKinds { `+sel+` } }`)
		sqlExec(t, db, `INSERT INTO kinds (dt, ts, d, tm, n, big, f, flag, j, b, m, body) VALUES
  ('2026-05-01 10:00:00.123', '2026-05-01 08:00:00.5', '2026-05-01', '08:30:00', 12345678901234.5678, 9007199254740993, 1.5, 1,
   '{"a": [1, "x"]}', X'00FF', 'sad', REPEAT('long ', 2000))`)
		event := sub.next(t, "onCreateKinds")
		sqlExec(t, db, `UPDATE kinds SET flag = 0`)
		updated := upd.next(t, "onUpdateKinds")
		query := gql(t, inst.url, inst.key, `{ getKinds(id: 1) { `+sel+` } }`)
		row, _ := query["data"].(map[string]any)["getKinds"].(map[string]any)
		if row == nil || row["body"] != strings.Repeat("long ", 2000) {
			t.Fatalf("getKinds: %v", query)
		}
		event["flag"] = row["flag"] // as the query sees it, after the update
		want, _ := json.Marshal(row)
		for name, got := range map[string]map[string]any{"onCreate": event, "onUpdate": updated} {
			if raw, _ := json.Marshal(got); string(raw) != string(want) {
				t.Errorf("%s event:\n%s\nthe query returns\n%s", name, raw, want)
			}
		}
	})
	t.Run("slots command", func(t *testing.T) {
		code, out, errs := run(t, "", "changes", "slots", "--project", project, "--connection-uri-secret", "DB_URI")
		if code != 0 || !strings.Contains(out, "quarry_") || !strings.Contains(out, "binlog.") || !strings.Contains(out, "yes (connection") {
			t.Errorf("changes slots: %d\n%s\n%s", code, out, errs)
		}
		t.Logf("changes slots:\n%s", out)
		slot := strings.Fields(strings.Split(out, "\n")[1])[0]
		code, _, errs = run(t, "", "changes", "drop", slot, "--project", project, "--connection-uri-secret", "DB_URI")
		if code == 0 || !strings.Contains(errs, "in use") {
			t.Errorf("dropping the position in use: %d %s", code, errs)
		}
	})
}

// TestChangesMySQLRestart: rows inserted while Quarry is down are
// published when it comes back, from the stored position; a stopped
// stream's position can be dropped.
func TestChangesMySQLRestart(t *testing.T) {
	db, _ := changesMyDB(t)
	project := changesProject(t, db)
	first := startInstance(t, project, func(f *serveFlags) { f.changes.maxLag, f.changes.lagEvery = "1B", 100*time.Millisecond })
	first.waitLog(t, "changes: leading")
	for i := 0; !strings.Contains(first.log.String(), "further behind than --changes-max-lag"); i++ {
		if i == 200 {
			t.Fatalf("no lag warning:\n%s", first.log.String())
		}
		sqlExec(t, db, `INSERT INTO doc (grp, title) VALUES ('g', 'lag')`)
		time.Sleep(20 * time.Millisecond)
	}
	firstSub := subscribe(t, first, map[string]string{"x-api-key": first.key}, `subscription { onCreateNote { id title } }`)
	sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (200, 'x', 'before')`)
	if got := firstSub.next(t, "onCreateNote"); got["title"] != "before" {
		t.Fatalf("onCreateNote: %v", got)
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	const down = 50
	for i := 1; i <= down; i++ {
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (?, 'x', ?)`, 300+i, fmt.Sprintf("down-%d", i))
	}
	hold := make(chan struct{})
	second := startInstance(t, project, func(f *serveFlags) { f.changes.hold = hold })
	sub := subscribe(t, second, map[string]string{"x-api-key": second.key}, `subscription { onCreateNote { id title } }`)
	close(hold)
	var titles []string
	for range down {
		titles = append(titles, fmt.Sprint(sub.next(t, "onCreateNote")["title"]))
	}
	for i := 1; i <= down; i++ {
		if titles[i-1] != fmt.Sprintf("down-%d", i) {
			t.Fatalf("after the restart, in this order: %v", titles)
		}
	}
	// "before" was stored by the first instance: not sent again.
	sub.none(t, 300*time.Millisecond)
	if err := second.stop(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "changes", "slots", "--project", project, "--connection-uri-secret", "DB_URI")
	if code != 0 || !strings.Contains(out, " no ") {
		t.Fatalf("changes slots: %d\n%s\n%s", code, out, errs)
	}
	slot := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code, out, errs := run(t, "", "changes", "drop", slot, "--project", project, "--connection-uri-secret", "DB_URI"); code != 0 || !strings.Contains(out, "Dropped") {
		t.Fatalf("changes drop: %d %s %s", code, out, errs)
	}
	if n := myPositionRows(t, db); n != 0 {
		t.Errorf("%d stored positions left", n)
	}
}

// TestChangesMySQLPurged: a stored position whose binary log file was
// purged while Quarry was down stops the stream with what was lost and
// how to start again, rather than skipping silently; after `quarry
// changes drop` it reads from the current end.
func TestChangesMySQLPurged(t *testing.T) {
	db, _ := changesMyDB(t)
	project := changesProject(t, db)
	first := startInstance(t, project, nil)
	first.waitLog(t, "changes: leading")
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (1, 'x', 'lost')`)
	sqlExec(t, db, `FLUSH BINARY LOGS`)
	// The server keeps a file that a replica connection still reads: the
	// stopped instance's may take a moment to go.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		logs := myBinaryLogs(t, db)
		if len(logs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PURGE BINARY LOGS left %v", logs)
		}
		sqlExec(t, db, `PURGE BINARY LOGS TO '`+logs[len(logs)-1]+`'`)
	}

	second := startInstance(t, project, nil)
	second.waitLog(t, "stopped for good")
	log := second.log.String()
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "stopped for good") {
			t.Logf("the log says: %s", l)
		}
	}
	for _, want := range []string{"no longer holds the stored position", "were lost", "quarry changes drop quarry_"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	if err := second.stop(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "changes", "slots", "--project", project, "--connection-uri-secret", "DB_URI")
	if code != 0 || !strings.Contains(out, "purged") {
		t.Errorf("changes slots: %d\n%s\n%s", code, out, errs)
	}
	slot := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code, out, errs := run(t, "", "changes", "drop", slot, "--project", project, "--connection-uri-secret", "DB_URI"); code != 0 || !strings.Contains(out, "Dropped") {
		t.Fatalf("changes drop: %d %s %s", code, out, errs)
	}
	third := startInstance(t, project, nil)
	third.waitLog(t, "changes: leading")
	sub := subscribe(t, third, map[string]string{"x-api-key": third.key}, `subscription { onCreateNote { id title } }`)
	sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (2, 'x', 'after')`)
	if got := sub.next(t, "onCreateNote"); got["title"] != "after" {
		t.Errorf("onCreateNote after the reset: %v", got)
	}
}

// myBinaryLogs lists the server's binary log files.
func myBinaryLogs(t *testing.T, db *testdb.DB) []string {
	t.Helper()
	rows, err := db.SQL.Query(`SHOW BINARY LOGS`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		var name string
		dest := []any{&name}
		for len(dest) < len(cols) {
			dest = append(dest, new(any))
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	return out
}

// TestChangesMySQLLeader: two instances sharing a NATS broker elect one
// reader of the binary log; when it stops, the other takes over within
// seconds from the stored position, and every row written meanwhile
// reaches a subscriber exactly once.
func TestChangesMySQLLeader(t *testing.T) {
	db, _ := changesMyDB(t)
	b, sub := handOver(t, changesProject(t, db), func(i int, title string) {
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (?, 'x', ?)`, i, title)
	})

	t.Run("a killed lock session", func(t *testing.T) {
		// An administrator's KILL of the leader's lock session: the
		// leader notices within seconds, stands by, and leads again
		// (nobody else wants it), missing nothing.
		var stream string
		if err := db.SQL.QueryRow(`SELECT name FROM ` + myPositionTable).Scan(&stream); err != nil {
			t.Fatal(err)
		}
		var conn int64
		if err := db.SQL.QueryRow(`SELECT IS_USED_LOCK(?)`, myLockName(stream)).Scan(&conn); err != nil {
			t.Fatalf("the leader lock of %s: %v", stream, err)
		}
		sqlExec(t, db, fmt.Sprintf(`KILL %d`, conn))
		b.waitLog(t, "lost the leadership")
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (5000, 'x', 'after the kill')`)
		if got := sub.next(t, "onCreateNote"); got["title"] != "after the kill" {
			t.Errorf("onCreateNote: %v", got)
		}
		sub.none(t, 500*time.Millisecond)
	})
}

// TestChangesMySQLRefused: serve refuses --changes database on a server
// without a binary log, with a message saying what to change; the
// sandbox says so and serves mutation events.
func TestChangesMySQLRefused(t *testing.T) {
	db, _ := changesMyDB(t, "--skip-log-bin")
	project, dataDir := generatedProject(t, db)
	t.Run("serve", func(t *testing.T) {
		t.Setenv("DB_URI", db.URI)
		t.Setenv("API_KEYS", "da2-0123456789abcdef")
		code, _, errs := run(t, "", "serve", "--data", dataDir, "--host", "127.0.0.1", "--port", "0", "--changes", "database")
		t.Logf("serve says:\n%s", errs)
		for _, want := range []string{"--changes database", "log_bin is OFF", "log_bin = mariadb-bin"} {
			if code == 0 || !strings.Contains(errs, want) {
				t.Errorf("serve exited %d, want a refusal saying %q:\n%s", code, want, errs)
			}
		}
		var n int
		if err := db.SQL.QueryRow(`SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME = ?`, myPositionTable).Scan(&n); err != nil || n != 0 {
			t.Errorf("a refused start created %s (%d, %v)", myPositionTable, n, err)
		}
	})
	t.Run("sandbox falls back", func(t *testing.T) {
		inst := startInstance(t, project, nil)
		if !strings.Contains(inst.log.String(), "carries on with --changes mutations") {
			t.Errorf("the sandbox did not say it fell back:\n%s", inst.log.String())
		}
		sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateDoc { title } }`)
		if out := gql(t, inst.url, inst.key, `mutation { createDoc(input: {title: "m"}) { id } }`); out["errors"] != nil {
			t.Fatal(out["errors"])
		}
		if got := sub.next(t, "onCreateDoc"); got["title"] != "m" {
			t.Errorf("onCreateDoc: %v", got)
		}
	})
}

// TestChangesMySQLPosition drives the stream without a sandbox: the
// position is stored only after the handler took a transaction, in
// batches rather than once per transaction, and it keeps up with the
// binary log while only tables the stream does not serve change.
func TestChangesMySQLPosition(t *testing.T) {
	db, _ := changesMyDB(t)
	cfg, err := connect.Parse(db.URI)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := connect.MySQLConfig(cfg, connect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	m, err := newMyChanges(mc, "quarry_pos", slog.New(slog.NewTextHandler(log, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	m.idle = 300 * time.Millisecond
	defer m.close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := m.setup(ctx, []changes.Table{{Schema: "public", Name: "note"}}); err != nil {
		t.Fatal(err)
	}
	_, release, ok, err := m.tryLead(ctx)
	if err != nil || !ok {
		t.Fatalf("tryLead: %v %v", ok, err)
	}
	defer release()
	stored := func() changes.LSN {
		t.Helper()
		s, err := readMyPositions(ctx, m.db, "quarry_pos")
		if err != nil || len(s) != 1 {
			t.Fatalf("stored positions: %v %v", s, err)
		}
		return s[0].lsn
	}
	type took struct {
		lsn  changes.LSN
		rows int
	}
	got := make(chan took, 10000)
	var failing atomic.Bool
	failing.Store(true)
	done := make(chan error, 1)
	go func() {
		done <- m.follow(ctx, func(_ context.Context, tx []changes.Change, lsn changes.LSN) error {
			if tx[0].Schema != "public" || tx[0].Table != "note" {
				return fmt.Errorf("a change of %s.%s", tx[0].Schema, tx[0].Table)
			}
			if fmt.Sprintf("%s", tx[0].New["title"]) == "refused" && failing.Load() { // text arrives as []byte
				return errors.New("the handler fails")
			}
			got <- took{lsn, len(tx)}
			return nil
		})
	}()
	next := func() took {
		t.Helper()
		select {
		case tk := <-got:
			return tk
		case err := <-done:
			t.Fatalf("follow returned %v\n%s", err, log.String())
		case <-time.After(10 * time.Second):
			t.Fatalf("no transaction within 10 s\n%s", log.String())
		}
		return took{}
	}

	t.Run("stored after the handler took it", func(t *testing.T) {
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (1, 'x', 'refused')`)
		time.Sleep(1500 * time.Millisecond) // the handler fails meanwhile
		before := stored()
		failing.Store(false)
		tk := next()
		if before >= tk.lsn {
			t.Fatalf("the position %s was stored before the handler took the transaction at %s", before, tk.lsn)
		}
		for deadline := time.Now().Add(5 * time.Second); stored() < tk.lsn; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the position did not reach %s after the handler took it: %s", tk.lsn, stored())
			}
		}
	})
	t.Run("batched", func(t *testing.T) {
		const n = 500
		start := time.Now()
		var last took
		go func() {
			for i := 1; i <= n; i++ {
				if _, err := db.SQL.Exec(`INSERT INTO note (id, owner, title) VALUES (?, 'x', 'batch')`, 1000+i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		for range n {
			last = next()
		}
		elapsed := time.Since(start)
		for deadline := time.Now().Add(5 * time.Second); stored() < last.lsn; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the position did not reach the last transaction")
			}
		}
		ups := positionWrites(t, db)
		t.Logf("%d single-row transactions handed on in %s; the position table was written %d times in all", n, elapsed.Round(time.Millisecond), ups)
		if limit := 10 + int(elapsed.Seconds())*2; ups > limit {
			t.Errorf("the position was written %d times for %d transactions (want at most %d)", ups, n, limit)
		}
	})
	t.Run("keeps up while other tables change", func(t *testing.T) {
		for i := 0; i < 200; i++ {
			sqlExec(t, db, `INSERT INTO doc (grp, title) VALUES ('g', REPEAT('x', 100))`)
		}
		var lag int64
		deadline := time.Now().Add(10 * time.Second)
		for {
			if lag, err = m.lag(ctx); err == nil && lag < 2000 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the lag stays at %d bytes (%v) while only doc changes", lag, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		select {
		case tk := <-got:
			t.Errorf("a transaction of doc (or the position table) was handed on: %+v", tk)
		default:
		}
		t.Logf("after 200 writes to a table the stream does not serve, the stored position is %d bytes behind", lag)
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("follow: %v", err)
	}
}

// positionWrites counts the binary log's row events of the position
// table.
func positionWrites(t *testing.T, db *testdb.DB) int {
	t.Helper()
	n := 0
	for _, file := range myBinaryLogs(t, db) {
		rows, err := db.SQL.Query(`SHOW BINLOG EVENTS IN '` + file + `'`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			dest := make([]any, len(cols))
			for i := range vals {
				dest[i] = &vals[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if c == "Info" && strings.Contains(vals[i].String, "table_id") && strings.Contains(vals[i].String, myPositionTable) {
					n++
				}
			}
		}
		rows.Close()
	}
	return n
}
