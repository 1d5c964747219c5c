package cli

// The harness of changes_test.go: a logical-decoding server of the
// test's own, sandboxes the test stops itself, and AppSync realtime
// subscribers.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quarrydata/quarry/internal/pubsub/natstest"
	"github.com/quarrydata/quarry/internal/testdb"
	"github.com/quarrydata/quarry/internal/testpg"
)

// changesDB is a fresh database on a logical-decoding server of the
// test's own, holding the authorization fixture's tables and rows.
func changesDB(t *testing.T) *testdb.DB {
	t.Helper()
	srv := testpg.Start(t, "max_replication_slots=10", "max_wal_senders=10")
	admin, err := sql.Open("pgx", srv.URI("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE app`); err != nil {
		t.Fatal(err)
	}
	uri := srv.DatabaseURI("postgres", "app")
	conn, err := sql.Open("pgx", uri)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	db := &testdb.DB{Engine: testdb.Postgres, Name: "app", URI: uri, SQL: conn}
	db.Exec(t, authzFixture[testdb.Postgres])
	db.Exec(t, `ALTER TABLE note REPLICA IDENTITY FULL;
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE kinds (id serial PRIMARY KEY, ts timestamptz, t timestamp, d date, tm time, n numeric(20,4), big int8, f float8,
  flag bool, j jsonb, b bytea, arr text[], nums int4[], u uuid, m mood, long text);
ALTER TABLE kinds ALTER COLUMN long SET STORAGE EXTERNAL; -- out of line, uncompressed: an update leaving it alone does not send it`)
	return db
}

// changesProject generates the project for db (changesDB's or
// changesMyDB's) with the authorization fixture's rules.
func changesProject(t *testing.T, db *testdb.DB) string {
	t.Helper()
	project, dataDir := generatedProject(t, db)
	rules := fmt.Sprintf(authzRules, "http://127.0.0.1:9/unused")
	if db.Engine == testdb.Postgres { // MySQL has no list column for board's owners and groups
		rules += authzBoardRules
	}
	rules += "extend type kinds @auth(rules: [{allow: public, provider: apiKey}])\n"
	if err := os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	return project
}

// instance is a sandbox the test can stop by itself.
type instance struct {
	url, key string
	log      *syncBuffer
	stop     func() error
}

func startInstance(t *testing.T, project string, tune func(*serveFlags)) *instance {
	t.Helper()
	inst := &instance{log: &syncBuffer{}}
	e := newEnv(strings.NewReader(""), io.Discard, inst.log)
	e.projectFlag = project
	ctx, cancel := context.WithCancel(context.Background())
	f := &serveFlags{dev: true, host: "127.0.0.1", dataDir: filepath.Join(project, "amplify", "data"), pool: 8,
		queueWait: 5 * time.Second, stmtTime: 10 * time.Second}
	f.changes.mode, f.changes.maxLag, f.changes.standby = changesDatabase, "1GB", 200*time.Millisecond
	if tune != nil {
		tune(f)
	}
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- e.runSandbox(ctx, f, func(url, k string) { inst.url, inst.key = url, k; close(ready) })
	}()
	var once sync.Once
	var stopErr error
	inst.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = <-done
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := inst.stop(); err != nil {
			t.Errorf("sandbox: %v", err)
		}
		if t.Failed() {
			t.Logf("sandbox log:\n%s", inst.log.String())
		}
	})
	select {
	case <-ready:
	case err := <-done:
		done <- err
		t.Fatalf("sandbox stopped: %v\n%s", err, inst.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("sandbox did not start:\n%s", inst.log.String())
	}
	return inst
}

// waitLog waits until the instance's log says what.
func (i *instance) waitLog(t *testing.T, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(i.log.String(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", what, i.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rtFrame is one data message a subscriber received.
type rtFrame struct {
	at   time.Time
	data map[string]map[string]any // field → object
}

// rtSub is a subscriber on the AppSync realtime protocol, as aws-amplify
// speaks it.
type rtSub struct {
	frames chan rtFrame
	errs   chan string
}

// subscribe opens an AppSync realtime connection to inst with auth
// (x-api-key or Authorization) and starts query.
func subscribe(t *testing.T, inst *instance, auth map[string]string, query string) *rtSub {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hdr := map[string]string{"host": "localhost"}
	for k, v := range auth {
		hdr[k] = v
	}
	raw, _ := json.Marshal(hdr)
	ws, resp, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(inst.url, "http://")+"/realtime",
		&websocket.DialOptions{Subprotocols: []string{"graphql-ws", "header-" + base64.RawURLEncoding.EncodeToString(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	ws.SetReadLimit(1 << 20)
	write := func(v any) {
		raw, _ := json.Marshal(v)
		if err := ws.Write(ctx, websocket.MessageText, raw); err != nil {
			t.Fatal(err)
		}
	}
	read := func(want string) {
		for {
			_, raw, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			if m["type"] == want {
				return
			}
			if m["type"] != "ka" {
				t.Fatalf("waiting for %s: %s", want, raw)
			}
		}
	}
	write(map[string]any{"type": "connection_init"})
	read("connection_ack")
	data, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{}})
	write(map[string]any{"id": "s", "type": "start", "payload": map[string]any{"data": string(data),
		"extensions": map[string]any{"authorization": hdr}}})
	read("start_ack")
	s := &rtSub{frames: make(chan rtFrame, 20000), errs: make(chan string, 10)}
	go func() {
		for {
			_, raw, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			at := time.Now()
			var m struct {
				Type    string `json:"type"`
				Payload struct {
					Data map[string]map[string]any `json:"data"`
				} `json:"payload"`
			}
			_ = json.Unmarshal(raw, &m)
			switch m.Type {
			case "data":
				s.frames <- rtFrame{at: at, data: m.Payload.Data}
			case "error", "complete":
				s.errs <- string(raw)
			}
		}
	}()
	t.Cleanup(func() { ws.CloseNow() })
	return s
}

// next returns the next frame's object, or fails after 10 s.
func (s *rtSub) next(t *testing.T, field string) map[string]any {
	t.Helper()
	select {
	case f := <-s.frames:
		return f.data[field]
	case e := <-s.errs:
		t.Fatalf("subscription error: %s", e)
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s event within 10 s", field)
	}
	return nil
}

// none fails if a frame arrives within d.
func (s *rtSub) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case f := <-s.frames:
		t.Errorf("unexpected event %v", f.data)
	case <-time.After(d):
	}
}

func sqlExec(t *testing.T, db *testdb.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.SQL.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func sandboxToken(t *testing.T, project, user string) string {
	t.Helper()
	code, out, errs := run(t, "", "sandbox", "token", "--project", project, "--user", user)
	if code != 0 {
		t.Fatal(errs)
	}
	return strings.TrimSpace(out)
}

// handOver starts two instances of project sharing a NATS broker and
// checks that one of them leads; then, while insert(i, title) writes n
// rows, it stops the leader and checks that the other instance takes
// over and its subscriber receives every row exactly once. It returns the
// survivor and its subscription (to onCreateNote).
func handOver(t *testing.T, project string, insert func(i int, title string)) (*instance, *rtSub) {
	t.Helper()
	nats := natstest.Start(t, true)
	withBroker := func(f *serveFlags) { f.broker = nats.URL() }
	a := startInstance(t, project, withBroker)
	a.waitLog(t, "changes: leading")
	b := startInstance(t, project, withBroker)
	b.waitLog(t, "changes: standing by")
	if strings.Contains(b.log.String(), "changes: leading") {
		t.Fatal("both instances lead")
	}
	sub := subscribe(t, b, map[string]string{"x-api-key": b.key}, `subscription { onCreateNote { id title } }`)

	const n = 200
	seen := map[string]int{}
	var stoppedAt time.Time
	for i := 1; i <= n; i++ {
		if i == n/2 {
			if err := a.stop(); err != nil {
				t.Fatal(err)
			}
			stoppedAt = time.Now()
		}
		insert(1000+i, fmt.Sprintf("ev-%d", i))
		time.Sleep(5 * time.Millisecond)
	}
	b.waitLog(t, "changes: leading")
	var tookOver time.Duration
	deadline := time.After(30 * time.Second)
	for len(seen) < n {
		select {
		case f := <-sub.frames:
			title := fmt.Sprint(f.data["onCreateNote"]["title"])
			seen[title]++
			if title == fmt.Sprintf("ev-%d", n/2) {
				tookOver = f.at.Sub(stoppedAt)
			}
		case <-deadline:
			var missing []string
			for i := 1; i <= n; i++ {
				if seen[fmt.Sprintf("ev-%d", i)] == 0 {
					missing = append(missing, fmt.Sprint(i))
				}
			}
			t.Fatalf("after the leader stopped, %d of %d events; missing %v\n%s", len(seen), n, missing, b.log.String())
		}
	}
	sub.none(t, 500*time.Millisecond)
	dups := 0
	for _, c := range seen {
		dups += c - 1
	}
	t.Logf("leader stopped: the first event written after it reached B's subscriber %s later; %d events, %d lost, %d duplicated", tookOver.Round(time.Millisecond), n, n-len(seen), dups)
	if dups > 0 {
		t.Errorf("%d events duplicated across a clean hand-over", dups)
	}
	return b, sub
}
