package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestRealtimeRealClient subscribes with the real aws-amplify client
// (tests/node/client-realtime.mjs) over wss:// to the sandbox, on
// PostgreSQL and MariaDB, and checks what each subscriber received.
func TestRealtimeRealClient(t *testing.T) {
	nodePackages(t, "ws")
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			a := startAuthz(t, db)
			e := newEnv(strings.NewReader(""), nil, nil)
			e.projectFlag = a.project
			_, caPath, err := e.sandboxTLS("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			raw := runNode(t, []string{"NODE_EXTRA_CA_CERTS=" + caPath}, "client-realtime.mjs",
				filepath.Join(a.project, "amplify_outputs.json"), a.tokens["alice"], a.tokens["bob"])
			type note struct {
				ID     int     `json:"id"`
				Title  string  `json:"title"`
				Owner  string  `json:"owner"`
				Secret *string `json:"secret"`
			}
			var out struct {
				KeyCreate, KeyUpdate, KeyDelete, Alice, Bob, Custom []note
				Observed                                            []struct {
					IsSynced bool
					Titles   []string
				}
				Errors []any
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			titles := func(ns []note) string {
				var s []string
				for _, n := range ns {
					s = append(s, n.Title)
				}
				return strings.Join(s, ",")
			}
			defer func() {
				if t.Failed() {
					t.Logf("node printed: %s", raw)
				}
			}()
			if len(out.Errors) > 0 {
				t.Errorf("subscription errors: %v", out.Errors)
			}
			// The filter keeps "other" out; the API key reads notes but not
			// their owner-protected secret.
			if got := titles(out.KeyCreate); got != "rt-1" {
				t.Errorf("onCreate (filtered): %q\n%s", got, raw)
			}
			for _, n := range append(append(out.KeyCreate, out.Alice...), out.KeyUpdate...) {
				if n.Secret != nil {
					t.Errorf("secret %q in a payload", *n.Secret)
				}
			}
			if got := titles(out.KeyUpdate); got != "rt-1b" {
				t.Errorf("onUpdate: %q", got)
			}
			if got := titles(out.KeyDelete); got != "rt-1b" {
				t.Errorf("onDelete: %q", got)
			}
			// Alice's own subscription gets both of her notes; bob, whose
			// owner rule does not cover them, gets nothing.
			if got := titles(out.Alice); got != "rt-1,other" || out.Alice[0].Owner != owner("alice") {
				t.Errorf("alice: %q %+v", got, out.Alice)
			}
			// client.subscriptions: createNote and updateNote results whose
			// title is "rt-1" (the update renamed it away).
			if got := titles(out.Custom); got != "rt-1" {
				t.Errorf("custom subscription: %q", got)
			}
			if len(out.Bob) != 0 {
				t.Errorf("bob received alice's notes: %+v", out.Bob)
			}
			// observeQuery: synced list, then the create, update and delete.
			var states []string
			for _, o := range out.Observed {
				states = append(states, fmt.Sprintf("%v%v", o.IsSynced, o.Titles))
			}
			want := []string{"true[rt-1]", "true[rt-1b]", "true[]"}
			if got := strings.Join(states, " "); !strings.HasSuffix(got, strings.Join(want, " ")) {
				t.Errorf("observeQuery states: %s", got)
			}
		})
	}
}

// TestTwoInstancesThroughNATS runs two sandboxes over one database that
// share change events through a real NATS server: a graphql-ws client
// (the library Apollo and urql use) subscribed on instance B receives a
// note created through instance A.
func TestTwoInstancesThroughNATS(t *testing.T) {
	nodeDir := nodePackages(t, "graphql-ws")
	natsURL := os.Getenv("QUARRY_TEST_NATS")
	if natsURL == "" {
		natsURL = "nats://127.0.0.1:4222"
	}
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(natsURL, "nats://"), 2*time.Second); err != nil {
		testdb.Unreachable(t, "NATS at "+natsURL, err)
	} else {
		c.Close()
	}
	db := testdb.New(t, testdb.Postgres)
	a := startAuthz(t, db)
	urlA, _ := startSandboxWith(t, a.project, func(f *serveFlags) { f.broker = natsURL })
	urlB, key := startSandboxWith(t, a.project, func(f *serveFlags) { f.broker = natsURL })
	if urlA == urlB {
		t.Fatal("one instance")
	}
	cmd := exec.Command("node", filepath.Join(nodeDir, "graphql-ws.mjs"), "ws://"+strings.TrimPrefix(urlB, "http://"), key,
		`subscription { onCreateNote(filter: {title: {beginsWith: "nats"}}) { id title owner } }`, "1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("graphql-ws client: %q %s", lines.Text(), stderr.String())
	}
	// Create on A, as alice, over plain HTTP: her token names A as issuer.
	code, tok, errs := run(t, "", "sandbox", "token", "--project", a.project, "--user", "alice", "--url", urlA)
	if code != 0 {
		t.Fatal(errs)
	}
	a.url, a.tokens["alice"] = urlA, strings.TrimSpace(tok)
	for _, title := range []string{"not this", "nats-1"} {
		if r := a.call(t, "alice", `mutation { createNote(input: {title: "`+title+`"}) { id } }`); len(r.errs) != 0 {
			t.Fatalf("create on A: %+v", r.errs)
		}
	}
	got := make(chan string, 1)
	go func() {
		if lines.Scan() {
			got <- lines.Text()
		}
		close(got)
	}()
	select {
	case line := <-got:
		want := fmt.Sprintf(`"title":"nats-1","owner":"%s"`, owner("alice"))
		if !strings.Contains(line, want) || !strings.Contains(line, `"onCreateNote"`) {
			t.Errorf("B's subscriber got %s", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("B's subscriber got nothing; node said: %s", stderr.String())
	}
}

// wsClient speaks graphql-transport-ws to a sandbox, for tests.
type wsClient struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialTransport(t *testing.T, httpURL string, init map[string]any) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(httpURL, "http://"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	t.Cleanup(func() { ws.CloseNow() })
	c := &wsClient{t: t, ws: ws}
	c.send(map[string]any{"type": "connection_init", "payload": init})
	if m := c.read(); m["type"] != "connection_ack" {
		t.Fatalf("ack: %v", m)
	}
	return c
}

func (c *wsClient) send(v any) {
	raw, _ := json.Marshal(v)
	if err := c.ws.Write(context.Background(), websocket.MessageText, raw); err != nil {
		c.t.Fatal(err)
	}
}

func (c *wsClient) read() map[string]any {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, raw, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

// TestCustomSubscriptions binds subscriptions to mutations with
// @aws_subscribe: a model-typed one filtered by its argument, and one
// bound to a custom SQL mutation; the mutations' callers and the
// subscribers are different identities, each checked by its own rules.
func TestCustomSubscriptions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		a := startAuthz(t, db)
		keySub := dialTransport(t, a.url, map[string]any{"x-api-key": a.key})
		keySub.send(map[string]any{"id": "n", "type": "subscribe", "payload": map[string]any{
			"query": `subscription { onNoteChange(title: "cs-1") { id title secret } }`}})
		carol := dialTransport(t, a.url, map[string]any{"Authorization": a.tokens["carol"]})
		carol.send(map[string]any{"id": "b", "type": "subscribe", "payload": map[string]any{"query": `subscription { onBump }`}})
		// An API key may not listen to onBump (private).
		keySub.send(map[string]any{"id": "x", "type": "subscribe", "payload": map[string]any{"query": `subscription { onBump }`}})
		if m := keySub.read(); m["type"] != "error" || m["id"] != "x" {
			t.Fatalf("key on onBump: %v", m)
		}
		for _, q := range []string{
			`mutation { createNote(input: {title: "cs-2", secret: "s"}) { id } }`,
			`mutation { createNote(input: {title: "cs-1", secret: "s"}) { id } }`,
			`mutation { bumpCount }`,
		} {
			if r := a.call(t, "alice", q); len(r.errs) != 0 {
				t.Fatalf("%s: %+v", q, r.errs)
			}
		}
		m := keySub.read()
		got, _ := json.Marshal(m["payload"])
		if m["type"] != "next" || !strings.Contains(string(got), `"title":"cs-1"`) || !strings.Contains(string(got), `"secret":null`) {
			t.Errorf("onNoteChange: %v %s", m, got)
		}
		m = carol.read()
		if got, _ := json.Marshal(m["payload"]); m["type"] != "next" || string(got) != `{"data":{"onBump":42}}` {
			t.Errorf("onBump: %v %s", m, got)
		}
	})
}
