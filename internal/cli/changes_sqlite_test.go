package cli

// --changes database on SQLite end to end: the sandbox serving a SQLite
// file sets up its change log (triggers writing quarry_changes), and rows
// written by other processes (the sqlite3 shell when it is installed)
// reach subscribers on the AppSync realtime protocol.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/testdb"
)

// liteChangesDB is a fresh SQLite file with the authorization fixture's
// tables and one of every kind of value, and a connection of the test's
// own that waits for the file's lock as another program would.
func liteChangesDB(t *testing.T) (*testdb.DB, *sql.DB) {
	t.Helper()
	db := testdb.New(t, testdb.SQLite)
	db.Exec(t, authzFixture[testdb.SQLite])
	db.Exec(t, `CREATE TABLE kinds (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, d DATE, dt DATETIME, flag BOOLEAN, n TEXT)`)
	w, err := sql.Open("sqlite", "file:"+litePath(db)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return db, w
}

func litePath(db *testdb.DB) string { return strings.TrimPrefix(db.URI, "sqlite://") }

// liteChangesProject generates the project for db with the authorization
// fixture's rules.
func liteChangesProject(t *testing.T, db *testdb.DB) string {
	t.Helper()
	project, dataDir := generatedProject(t, db)
	rules := fmt.Sprintf(authzRules, "http://127.0.0.1:9/unused") + "extend type kinds @auth(rules: [{allow: public, provider: apiKey}])\n"
	if err := os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	return project
}

// sqliteShell runs script in another process, the sqlite3 shell, when it
// is installed; else on w, another connection.
func sqliteShell(t *testing.T, db *testdb.DB, w *sql.DB, script string) {
	t.Helper()
	if bin, err := exec.LookPath("sqlite3"); err == nil {
		cmd := exec.Command(bin, "-bail", litePath(db))
		cmd.Stdin = strings.NewReader(".timeout 5000\n" + script + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sqlite3: %v\n%s\n%s", err, script, out)
		}
		return
	}
	if _, err := w.Exec(script); err != nil {
		t.Fatalf("%s: %v", script, err)
	}
}

// liteChangesCmd runs the SQLite side of `quarry changes slots` (drop
// empty) or `quarry changes drop NAME` on db and returns its output.
func liteChangesCmd(t *testing.T, db *testdb.DB, drop string) (string, error) {
	t.Helper()
	cfg, err := connect.Parse(db.URI)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := connect.Open(ctx, cfg, connect.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, io.Discard)
	if drop == "" {
		err = e.sqliteChangeLog(ctx, c)
	} else {
		err = e.sqliteDropChangeLog(ctx, c, drop)
	}
	return out.String(), err
}

func liteExec(t *testing.T, w *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := w.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestChangesSQLite: rows written by another process reach subscribers,
// each under its own rules; a mutation through Quarry arrives once; a
// rolled-back write sends nothing; events' values are the API's.
func TestChangesSQLite(t *testing.T) {
	db, w := liteChangesDB(t)
	project := liteChangesProject(t, db)
	inst := startInstance(t, project, func(f *serveFlags) { f.changes.poll = 20 * time.Millisecond })
	inst.waitLog(t, "changes: leading")
	if !strings.Contains(inst.log.String(), "change log") {
		t.Errorf("the log does not name the change log:\n%s", inst.log.String())
	}
	alice, bob := sandboxToken(t, project, "alice"), sandboxToken(t, project, "bob")
	fields := "id title owner secret"
	key := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateNote { `+fields+` } }`)
	keyUpd := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onUpdateNote { `+fields+` } }`)
	keyDel := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onDeleteNote { `+fields+` } }`)
	aliceSub := subscribe(t, inst, map[string]string{"Authorization": alice}, `subscription { onCreateNote { `+fields+` } }`)
	bobSub := subscribe(t, inst, map[string]string{"Authorization": bob}, `subscription { onCreateNote { `+fields+` } }`)

	sqliteShell(t, db, w, fmt.Sprintf(`INSERT INTO note (id, owner, title, secret) VALUES (100, '%s', 'from sqlite3', 'hidden');`, owner("alice")))
	got := key.next(t, "onCreateNote")
	if got["title"] != "from sqlite3" || got["owner"] != owner("alice") || got["secret"] != nil || fmt.Sprint(got["id"]) != "100" {
		t.Errorf("API key's onCreateNote: %v (the owner-only secret must be null)", got)
	}
	if got := aliceSub.next(t, "onCreateNote"); got["title"] != "from sqlite3" {
		t.Errorf("alice's onCreateNote: %v", got)
	}
	bobSub.none(t, 300*time.Millisecond)

	t.Run("update and delete", func(t *testing.T) {
		sqliteShell(t, db, w, `UPDATE note SET title = 'renamed' WHERE id = 100;`)
		if got := keyUpd.next(t, "onUpdateNote"); got["title"] != "renamed" || fmt.Sprint(got["id"]) != "100" {
			t.Errorf("onUpdateNote: %v", got)
		}
		sqliteShell(t, db, w, `DELETE FROM note WHERE id = 100;`)
		// The triggers log the whole old row.
		if got := keyDel.next(t, "onDeleteNote"); got["title"] != "renamed" || got["owner"] != owner("alice") {
			t.Errorf("onDeleteNote: %v", got)
		}
	})
	t.Run("a rolled-back write sends nothing", func(t *testing.T) {
		sqliteShell(t, db, w, `BEGIN; INSERT INTO note (id, owner, title) VALUES (150, 'x', 'rolled back'); ROLLBACK;`)
		liteExec(t, w, `INSERT INTO note (id, owner, title) VALUES (151, 'x', 'committed')`)
		if got := key.next(t, "onCreateNote"); got["title"] != "committed" {
			t.Errorf("onCreateNote after a rollback: %v", got)
		}
		key.none(t, 200*time.Millisecond)
	})
	t.Run("a mutation through Quarry arrives once", func(t *testing.T) {
		api := authzAPI{url: inst.url, tokens: map[string]string{"alice": alice}}
		if r := api.call(t, "alice", `mutation { createNote(input: {title: "via api"}) { id } }`); len(r.errs) != 0 {
			t.Fatalf("createNote: %+v", r.errs)
		}
		if got := key.next(t, "onCreateNote"); got["title"] != "via api" {
			t.Errorf("onCreateNote: %v", got)
		}
		liteExec(t, w, `INSERT INTO note (id, owner, title) VALUES (102, 'x', 'marker')`)
		if got := key.next(t, "onCreateNote"); got["title"] != "marker" {
			t.Errorf("the mutation's event arrived twice (or out of order): %v", got)
		}
	})
	t.Run("values as the API returns them", func(t *testing.T) {
		const sel = `id i r t b d dt flag n`
		sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateKinds { `+sel+` } }`)
		upd := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onUpdateKinds { `+sel+` } }`)
		sqliteShell(t, db, w, `INSERT INTO kinds (id, i, r, t, b, d, dt, flag, n) VALUES
  (1, 9007199254740993, 0.1 + 0.2, 'caf'||char(233)||' "q"'||char(10), x'00ff10', '2026-05-01', '2026-05-01 10:00:00.123', 1, NULL);`)
		created := sub.next(t, "onCreateKinds")
		if tenth, fifth := 0.1, 0.2; created["r"] != tenth+fifth { // 0.30000000000000004
			t.Errorf("onCreate event: r is %v, not the REAL's 17 digits", created["r"])
		}
		sqliteShell(t, db, w, `UPDATE kinds SET flag = 0, r = -2.5e-7 WHERE id = 1;`)
		updated := upd.next(t, "onUpdateKinds")
		list := gql(t, inst.url, inst.key, `{ listKinds { items { `+sel+` } } }`)
		items, _ := list["data"].(map[string]any)["listKinds"].(map[string]any)["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("listKinds: %v", list)
		}
		want, _ := json.Marshal(items[0])
		if raw, _ := json.Marshal(updated); string(raw) != string(want) {
			t.Errorf("onUpdate event:\n%s\nlistKinds returns\n%s", raw, want)
		}
		// As the list saw it before the update.
		created["flag"], created["r"] = false, items[0].(map[string]any)["r"]
		if raw, _ := json.Marshal(created); string(raw) != string(want) {
			t.Errorf("onCreate event (flag and r as updated):\n%s\nlistKinds returns\n%s", raw, want)
		}
		t.Logf("event and list: %s", want)
	})
	t.Run("the change log is not served", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "schema.graphql")
		if code, _, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "DB_URI", "--project", project, "--out", out); code != 0 {
			t.Fatalf("generate: %s", errs)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(string(raw)), "quarry_changes") || strings.Contains(string(raw), "sqlite_sequence") {
			t.Errorf("the generated schema names the change log:\n%s", raw)
		}
		var triggers int
		if err := w.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'quarry_changes_%'`).Scan(&triggers); err != nil || triggers != 12 {
			t.Errorf("%d triggers (want 3 for each of 4 tables): %v", triggers, err)
		}
	})
	t.Run("changes commands", func(t *testing.T) {
		out, err := liteChangesCmd(t, db, "")
		if err != nil || !strings.Contains(out, "quarry_changes") || !strings.Contains(out, "yes (") || !strings.Contains(out, " 12 ") {
			t.Errorf("changes slots: %v\n%s", err, out)
		}
		if _, err := liteChangesCmd(t, db, "quarry_changes"); err == nil || !strings.Contains(err.Error(), "in use") {
			t.Errorf("dropping the change log in use: %v", err)
		}
	})
}

// TestChangesSQLiteRestart: rows written while Quarry is down are
// delivered when it comes back, once; read rows leave the log.
func TestChangesSQLiteRestart(t *testing.T) {
	db, w := liteChangesDB(t)
	project := liteChangesProject(t, db)
	first := startInstance(t, project, func(f *serveFlags) { f.changes.maxLag, f.changes.lagEvery = "1B", 100*time.Millisecond })
	first.waitLog(t, "changes: leading")
	firstSub := subscribe(t, first, map[string]string{"x-api-key": first.key}, `subscription { onCreateNote { id title } }`)
	// A reader that does not keep up (here: none of it is read faster
	// than the check) shows in the lag warning.
	for i := 0; !strings.Contains(first.log.String(), "further behind than --changes-max-lag"); i++ {
		if i == 200 {
			t.Fatalf("no lag warning:\n%s", first.log.String())
		}
		sqliteShell(t, db, w, `INSERT INTO doc (grp, title) VALUES ('g', 'lag');`)
		time.Sleep(20 * time.Millisecond)
	}
	liteExec(t, w, `INSERT INTO note (id, owner, title) VALUES (200, 'x', 'before')`)
	if got := firstSub.next(t, "onCreateNote"); got["title"] != "before" {
		t.Fatalf("onCreateNote: %v", got)
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	const down = 50
	var script strings.Builder
	for i := 1; i <= down; i++ {
		fmt.Fprintf(&script, "INSERT INTO note (id, owner, title) VALUES (%d, 'x', 'down-%d');\n", 300+i, i)
	}
	sqliteShell(t, db, w, script.String())
	hold := make(chan struct{})
	second := startInstance(t, project, func(f *serveFlags) { f.changes.hold = hold })
	second.waitLog(t, "50 changes were logged while no Quarry read them")
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
	sub.none(t, 300*time.Millisecond)
	defer func() {
		if err := second.stop(); err != nil {
			t.Fatal(err)
		}
		if out, err := liteChangesCmd(t, db, "quarry_changes"); err != nil || !strings.Contains(out, "Dropped") {
			t.Fatalf("changes drop: %v %s", err, out)
		}
		var n int
		if err := w.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name LIKE 'quarry_changes%'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("left after changes drop: %d %v", n, err)
		}
		liteExec(t, w, `INSERT INTO note (id, owner, title) VALUES (999, 'x', 'after drop')`)
		if out, err := liteChangesCmd(t, db, ""); err != nil || !strings.Contains(out, "No change log") {
			t.Errorf("changes slots after drop: %v %s", err, out)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := w.QueryRow(`SELECT count(*) FROM quarry_changes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the change log keeps %d read rows", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestChangesSQLiteLeader: two instances on one file sharing a NATS
// broker: one reads the log; when it stops, the other takes over and
// every row written meanwhile reaches a subscriber once.
func TestChangesSQLiteLeader(t *testing.T) {
	db, w := liteChangesDB(t)
	handOver(t, liteChangesProject(t, db), func(i int, title string) {
		liteExec(t, w, `INSERT INTO note (id, owner, title) VALUES (?, 'x', ?)`, i, title)
	})
}

// TestChangesSQLiteLatency measures the time from an INSERT by another
// connection to the subscriber's data frame, one write at a time, one
// subscriber, with the default --changes-poll (50 ms), the writes spread
// over the poll interval:
//
//	go test -count=1 -run TestChangesSQLiteLatency -v ./internal/cli/
func TestChangesSQLiteLatency(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	db, w := liteChangesDB(t)
	project := liteChangesProject(t, db)
	inst := startInstance(t, project, func(f *serveFlags) { f.changes.poll = 50 * time.Millisecond })
	inst.waitLog(t, "changes: leading")
	sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateNote { title } }`)
	lat := make([]time.Duration, 0, n)
	for i := 1; i <= n; i++ {
		// Writes at random points of the poll interval, as independent
		// writers make them: one right after the last frame would always
		// land just after a poll and wait the whole interval.
		time.Sleep(rand.N(50 * time.Millisecond))
		sent := time.Now()
		liteExec(t, w, `INSERT INTO note (id, owner, title) VALUES (?, 'x', ?)`, 10000+i, fmt.Sprintf("lat-%d", i))
		select {
		case f := <-sub.frames:
			if got := fmt.Sprint(f.data["onCreateNote"]["title"]); got != fmt.Sprintf("lat-%d", i) {
				t.Fatalf("event %d: %s", i, got)
			}
			lat = append(lat, f.at.Sub(sent))
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d did not arrive", i)
		}
	}
	slices.Sort(lat)
	t.Logf("SQLite INSERT by another connection → subscriber frame, %d writes one at a time, 1 subscriber, --changes-poll 50ms: p50 %s p99 %s max %s",
		n, lat[n/2].Round(10*time.Microsecond), lat[n*99/100].Round(10*time.Microsecond), lat[n-1].Round(10*time.Microsecond))
}
