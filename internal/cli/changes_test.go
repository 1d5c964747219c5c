package cli

// --changes database end to end: a PostgreSQL server of the test's own
// with wal_level=logical (internal/testpg; the shared server on 5432 is
// wal_level=replica and must stay so), the sandbox reading its change
// stream, and subscribers on the AppSync realtime protocol receiving rows
// written with plain SQL.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestChangesDatabase: rows written with plain SQL reach subscribers,
// each under its own rules; a mutation through Quarry arrives once.
func TestChangesDatabase(t *testing.T) {
	db := changesDB(t)
	project := changesProject(t, db)
	inst := startInstance(t, project, nil)
	inst.waitLog(t, "changes: leading")
	if !strings.Contains(inst.log.String(), "quarry_app") && !strings.Contains(inst.log.String(), "replication slot") {
		t.Errorf("the log does not name the slot:\n%s", inst.log.String())
	}
	alice, bob := sandboxToken(t, project, "alice"), sandboxToken(t, project, "bob")
	fields := "id title owner secret"
	key := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateNote { `+fields+` } }`)
	keyUpd := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onUpdateNote { `+fields+` } }`)
	keyDel := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onDeleteNote { `+fields+` } }`)
	aliceSub := subscribe(t, inst, map[string]string{"Authorization": alice}, `subscription { onCreateNote { `+fields+` } }`)
	bobSub := subscribe(t, inst, map[string]string{"Authorization": bob}, `subscription { onCreateNote { `+fields+` } }`)

	sqlExec(t, db, `INSERT INTO note (id, owner, title, secret) VALUES (100, $1, 'from psql', 'hidden')`, owner("alice"))
	got := key.next(t, "onCreateNote")
	if got["title"] != "from psql" || got["owner"] != owner("alice") || got["secret"] != nil || fmt.Sprint(got["id"]) != "100" {
		t.Errorf("API key's onCreateNote: %v (the owner-only secret must be null)", got)
	}
	// Field rules are not applied per subscriber: protected fields are
	// null in every subscription payload, as for mutation events.
	if got := aliceSub.next(t, "onCreateNote"); got["title"] != "from psql" || got["secret"] != nil {
		t.Errorf("alice's onCreateNote: %v", got)
	}
	bobSub.none(t, 300*time.Millisecond)

	t.Run("owner rules filter", func(t *testing.T) {
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES (101, $1, 'bob''s')`, owner("bob"))
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
		// REPLICA IDENTITY FULL: the whole old row.
		if got := keyDel.next(t, "onDeleteNote"); got["title"] != "renamed" || got["owner"] != owner("alice") {
			t.Errorf("onDeleteNote: %v", got)
		}
	})
	t.Run("a mutation through Quarry arrives once", func(t *testing.T) {
		// The API key may only read: create as alice.
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
		const sel = `id ts t d tm n big f flag j b arr nums u m long`
		sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateKinds { `+sel+` } }`)
		upd := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onUpdateKinds { `+sel+` } }`)
		sqlExec(t, db, `INSERT INTO kinds (ts, t, d, tm, n, big, f, flag, j, b, arr, nums, u, m, long) VALUES
  ('2026-05-01 10:00:00.123+02', '2026-05-01 10:00:00', '2026-05-01', '08:30:00', 12345678901234.5678, 9007199254740993, 1.5, true,
   '{"a": [1, "x"]}', '\x00ff', '{a,"b c"}', '{1,2}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'sad', repeat('long ', 2000))`)
		event := sub.next(t, "onCreateKinds")
		// An update that leaves the TOASTed long value as it was: the
		// event reads it again rather than saying null.
		sqlExec(t, db, `UPDATE kinds SET flag = false`)
		updated := upd.next(t, "onUpdateKinds")
		query := gql(t, inst.url, inst.key, `{ getKinds(id: 1) { `+sel+` } }`)
		row := query["data"].(map[string]any)["getKinds"].(map[string]any)
		if row["long"] != strings.Repeat("long ", 2000) {
			t.Fatalf("getKinds: %v", query)
		}
		event["flag"] = false // as the query sees it, after the update
		for name, got := range map[string]map[string]any{"onCreate": event, "onUpdate": updated} {
			if got["long"] != row["long"] {
				t.Errorf("%s event: long is %.40q…, not what the query returns", name, got["long"])
			}
			delete(got, "long")
		}
		delete(row, "long")
		want, _ := json.Marshal(row)
		for name, got := range map[string]map[string]any{"onCreate": event, "onUpdate": updated} {
			if raw, _ := json.Marshal(got); string(raw) != string(want) {
				t.Errorf("%s event:\n%s\nthe query returns\n%s", name, raw, want)
			}
		}
	})
	t.Run("slots command", func(t *testing.T) {
		code, out, errs := run(t, "", "changes", "slots", "--project", project, "--connection-uri-secret", "DB_URI")
		if code != 0 || !strings.Contains(out, "quarry_") || !strings.Contains(out, "pgoutput") || !strings.Contains(out, "yes (pid") {
			t.Errorf("changes slots: %d\n%s\n%s", code, out, errs)
		}
		slot := strings.Fields(strings.Split(out, "\n")[1])[0]
		code, _, errs = run(t, "", "changes", "drop", slot, "--project", project, "--connection-uri-secret", "DB_URI")
		if code == 0 || !strings.Contains(errs, "in use") {
			t.Errorf("dropping the slot in use: %d %s", code, errs)
		}
	})
}

// TestChangesRestart: rows inserted while Quarry is down are published
// when it comes back, from the slot's position; and a stopped slot can be
// dropped with its publication.
func TestChangesRestart(t *testing.T) {
	db := changesDB(t)
	project := changesProject(t, db)
	// A lag limit of one byte, checked every 100 ms: the warning comes
	// as soon as writes are ahead of what was acknowledged.
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
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES ($1, 'x', $2)`, 300+i, fmt.Sprintf("down-%d", i))
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
	// "before" was acknowledged by the first instance: not sent again.
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
	var pubs int
	if err := db.SQL.QueryRow(`SELECT count(*) FROM pg_publication`).Scan(&pubs); err != nil || pubs != 0 {
		t.Errorf("publications left: %d %v", pubs, err)
	}
}

// TestChangesLeader: two instances sharing a NATS broker elect one reader
// of the stream; when it stops, the other takes over within seconds and
// every row written meanwhile reaches a subscriber.
func TestChangesLeader(t *testing.T) {
	db := changesDB(t)
	handOver(t, changesProject(t, db), func(i int, title string) {
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES ($1, 'x', $2)`, i, title)
	})
}

// TestChangesRefused: serve refuses --changes database with one message
// saying what to change; the sandbox says so and serves mutation events.
func TestChangesRefused(t *testing.T) {
	db := testdb.New(t, testdb.Postgres) // the shared server: wal_level=replica
	db.Exec(t, `CREATE TABLE item (id serial PRIMARY KEY, title text NOT NULL)`)
	project, dataDir := generatedProject(t, db)
	for _, tc := range []struct{ name, uri, want string }{
		{"wal_level", db.URI, `wal_level is "replica"`},
		{"pgbouncer", db.URI + "&pgbouncer=true", "PgBouncer does not pass replication connections on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DB_URI", tc.uri)
			t.Setenv("API_KEYS", "da2-0123456789abcdef")
			code, _, errs := run(t, "", "serve", "--data", dataDir, "--host", "127.0.0.1", "--port", "0", "--changes", "database")
			if code == 0 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "--changes database") {
				t.Errorf("serve exited %d, want a refusal saying %q:\n%s", code, tc.want, errs)
			}
		})
	}
	t.Run("sandbox falls back", func(t *testing.T) {
		inst := startInstance(t, project, nil)
		if !strings.Contains(inst.log.String(), "carries on with --changes mutations") {
			t.Errorf("the sandbox did not say it fell back:\n%s", inst.log.String())
		}
		sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateItem { title } }`)
		if out := gql(t, inst.url, inst.key, `mutation { createItem(input: {title: "m"}) { id } }`); out["errors"] != nil {
			t.Fatal(out["errors"])
		}
		if got := sub.next(t, "onCreateItem"); got["title"] != "m" {
			t.Errorf("onCreateItem: %v", got)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		t.Setenv("DB_URI", db.URI)
		t.Setenv("API_KEYS", "da2-0123456789abcdef")
		code, _, errs := run(t, "", "serve", "--data", dataDir, "--host", "127.0.0.1", "--port", "0", "--changes", "everything")
		if code == 0 || !strings.Contains(errs, "--changes") {
			t.Errorf("%d %s", code, errs)
		}
	})
}

// TestChangesLatency measures the time from a write being sent to the
// subscriber's data frame, for rows inserted with SQL under --changes
// database and for createNote mutations under --changes mutations, one
// write at a time with one subscriber. It logs p50 and p99 of each:
//
//	go test -count=1 -run TestChangesLatency -v ./internal/cli/
func TestChangesLatency(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	db := changesDB(t)
	project := changesProject(t, db)
	stream := startInstance(t, project, nil)
	stream.waitLog(t, "changes: leading")
	mutations := startInstance(t, project, func(f *serveFlags) { f.changes.mode = changesMutations })
	alice := sandboxToken(t, project, "alice")

	measure := func(inst *instance, write func(i int)) (p50, p99 time.Duration) {
		sub := subscribe(t, inst, map[string]string{"x-api-key": inst.key}, `subscription { onCreateNote { title } }`)
		lat := make([]time.Duration, 0, n)
		for i := 1; i <= n; i++ {
			sent := time.Now()
			write(i)
			f := <-sub.frames
			if got := fmt.Sprint(f.data["onCreateNote"]["title"]); got != fmt.Sprintf("lat-%d", i) {
				t.Fatalf("event %d: %s", i, got)
			}
			lat = append(lat, f.at.Sub(sent))
		}
		slices.Sort(lat)
		return lat[len(lat)/2], lat[len(lat)*99/100]
	}
	id := 10000
	sp50, sp99 := measure(stream, func(i int) {
		id++
		sqlExec(t, db, `INSERT INTO note (id, owner, title) VALUES ($1, 'x', $2)`, id, fmt.Sprintf("lat-%d", i))
	})
	api := authzAPI{url: mutations.url, tokens: map[string]string{"alice": alice}}
	mp50, mp99 := measure(mutations, func(i int) {
		if r := api.call(t, "alice", fmt.Sprintf(`mutation { createNote(input: {title: "lat-%d"}) { id } }`, i)); len(r.errs) != 0 {
			t.Fatalf("createNote: %+v", r.errs)
		}
	})
	t.Logf("write sent → subscriber frame, %d writes one at a time, 1 subscriber: "+
		"psql-style INSERT with --changes database p50 %s p99 %s; createNote mutation with --changes mutations p50 %s p99 %s; ratio p50 %.2f p99 %.2f",
		n, sp50.Round(10*time.Microsecond), sp99.Round(10*time.Microsecond), mp50.Round(10*time.Microsecond), mp99.Round(10*time.Microsecond),
		float64(sp50)/float64(mp50), float64(sp99)/float64(mp99))
}

// TestChangesRealClient: a row INSERTed with plain SQL reaches the real
// aws-amplify client's onCreate() and observeQuery(), on PostgreSQL and
// on MariaDB.
func TestChangesRealClient(t *testing.T) {
	nodeDir := nodePackages(t, "ws")
	for _, engine := range []string{"postgresql", "mariadb"} {
		t.Run(engine, func(t *testing.T) {
			var db *testdb.DB
			if engine == "mariadb" {
				db, _ = changesMyDB(t)
			} else {
				db = changesDB(t)
			}
			realClientSeesInsert(t, nodeDir, db)
		})
	}
}

func realClientSeesInsert(t *testing.T, nodeDir string, db *testdb.DB) {
	project := changesProject(t, db)
	inst := startInstance(t, project, nil)
	inst.waitLog(t, "changes: leading")
	e := newEnv(strings.NewReader(""), nil, nil)
	e.projectFlag = project
	_, caPath, err := e.sandboxTLS("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(nodeDir, "client-changes.mjs"), filepath.Join(project, "amplify_outputs.json"))
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+caPath)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	lines.Buffer(nil, 1<<20)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("node: %q %s", lines.Text(), stderr.String())
	}
	db.Exec(t, `INSERT INTO note (id, owner, title) VALUES (500, 'x', 'from-psql')`)
	if !lines.Scan() {
		t.Fatalf("node printed nothing more: %s", stderr.String())
	}
	raw := lines.Bytes()
	var out struct {
		Created []struct {
			ID    int    `json:"id"`
			Title string `json:"title"`
		}
		Observed []struct {
			IsSynced bool
			Titles   []string
		}
		Errors []any
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if len(out.Errors) > 0 || len(out.Created) != 1 || out.Created[0].Title != "from-psql" || out.Created[0].ID != 500 {
		t.Errorf("onCreate: %s", raw)
	}
	if n := len(out.Observed); n == 0 || !slices.Contains(out.Observed[n-1].Titles, "from-psql") {
		t.Errorf("observeQuery: %s", raw)
	}
}
