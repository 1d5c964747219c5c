package realtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/schema"
)

// fixture serves subscriptions for one model without a database: the
// hub is fed events directly, as the broker would.
type fixture struct {
	srv *Server
	url string // ws://host
	hub *Hub
}

func newFixture(t *testing.T, tune func(*Server)) *fixture {
	t.Helper()
	s := &schema.Schema{Models: []*schema.Model{{Name: "Note", Table: schema.TableRef{Name: "note"}, PrimaryKey: []string{"id"},
		Auth: []schema.AuthRule{{Allow: "public"}, {Allow: "owner"}},
		Fields: []*schema.Field{
			{Name: "id", Column: "id", Type: schema.Int, Required: true},
			{Name: "title", Column: "title", Type: schema.String},
			{Name: "owner", Column: "owner", Type: schema.String},
			{Name: "secret", Column: "secret", Type: schema.String, Auth: []schema.AuthRule{{Allow: "owner"}}},
		}}}}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	eng := &pipeline.Engine{API: a, Planner: &plan.Builder{API: a, Tokens: plan.NewTokens([]byte("0123456789abcdef"))}}
	authn, err := auth.New(auth.Config{APIKeys: []auth.APIKey{{ID: "k", Value: "da2-good"}, {ID: "old", Value: "da2-old", Expires: time.Now().Add(-time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Hub: NewHub(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Engine: func() *pipeline.Engine { return eng }, Auth: func() *auth.Authenticator { return authn }}
	if tune != nil {
		tune(srv)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql/realtime", srv.ServeAppSync)
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		if IsTransport(r) {
			srv.ServeTransport(w, r)
			return
		}
		http.NotFound(w, r)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return &fixture{srv: srv, url: "ws" + strings.TrimPrefix(hs.URL, "http"), hub: srv.Hub}
}

func headerProtocol(h map[string]string) string {
	raw, _ := json.Marshal(h)
	return "header-" + base64.RawURLEncoding.EncodeToString(raw)
}

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func (f *fixture) dial(t *testing.T, path string, protocols ...string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, f.url+path, &websocket.DialOptions{Subprotocols: protocols})
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	t.Cleanup(func() { ws.CloseNow() })
	return &client{t: t, ws: ws}
}

func (c *client) send(v any) {
	c.t.Helper()
	raw, _ := json.Marshal(v)
	if err := c.ws.Write(context.Background(), websocket.MessageText, raw); err != nil {
		c.t.Fatal(err)
	}
}

// next reads the next message that is not a keep-alive.
func (c *client) next() map[string]any {
	c.t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, raw, err := c.ws.Read(ctx)
		cancel()
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		if m["type"] != "ka" {
			return m
		}
	}
}

func start(id, query string, vars map[string]any, authz map[string]string) map[string]any {
	data, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return map[string]any{"id": id, "type": "start", "payload": map[string]any{"data": string(data),
		"extensions": map[string]any{"authorization": authz}}}
}

func event(op string, row string) pubsub.Event {
	return pubsub.Event{Model: "Note", Op: op, Row: json.RawMessage(row)}
}

var keyAuth = map[string]string{"host": "x", "x-api-key": "da2-good", "x-amz-date": "20261124T000000Z"}

func TestAppSyncProtocol(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.KeepAlive = 50 * time.Millisecond })
	c := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(keyAuth))
	if c.ws.Subprotocol() != "graphql-ws" {
		t.Fatalf("subprotocol %q", c.ws.Subprotocol())
	}
	c.send(map[string]any{"type": "connection_init"})
	if m := c.next(); m["type"] != "connection_ack" || m["payload"].(map[string]any)["connectionTimeoutMs"] != float64(300000) {
		t.Fatalf("ack: %v", m)
	}
	// Keep-alives keep coming.
	kas := 0
	for kas < 3 {
		_, raw, err := c.ws.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if string(raw) == `{"type":"ka"}` {
			kas++
		}
	}
	q := `subscription ($filter: ModelSubscriptionNoteFilterInput) { onCreateNote(filter: $filter) { id title secret __typename } }`
	c.send(start("s1", q, map[string]any{"filter": map[string]any{"title": map[string]any{"beginsWith": "rt"}}}, keyAuth))
	if m := c.next(); m["type"] != "start_ack" || m["id"] != "s1" {
		t.Fatalf("start: %v", m)
	}
	f.hub.Deliver(event("create", `{"id":1,"title":"other","owner":"a","secret":"s"}`))
	f.hub.Deliver(event("update", `{"id":1,"title":"rt-x","owner":"a","secret":"s"}`))
	f.hub.Deliver(event("create", `{"id":2,"title":"rt-2","owner":"a","secret":"s"}`))
	m := c.next()
	got, _ := json.Marshal(m["payload"])
	if m["type"] != "data" || m["id"] != "s1" || string(got) != `{"data":{"onCreateNote":{"__typename":"Note","id":2,"secret":null,"title":"rt-2"}}}` {
		t.Fatalf("data: %v %s", m, got)
	}
	c.send(map[string]any{"id": "s1", "type": "stop"})
	if m := c.next(); m["type"] != "complete" || m["id"] != "s1" {
		t.Fatalf("stop: %v", m)
	}
	f.hub.Deliver(event("create", `{"id":3,"title":"rt-3"}`))
	if f.hub.Count() != 0 {
		t.Errorf("%d subscriptions left after stop", f.hub.Count())
	}

	// Errors in reply to start.
	for _, tc := range []struct {
		name, query string
		auth        map[string]string
		errorType   string
	}{
		{"expired key", q, map[string]string{"x-api-key": "da2-old"}, "UnauthorizedException"},
		{"bad document", `subscription { onCreateNote { nope } }`, keyAuth, "ValidationError"},
		{"a query", `{ listNotes { items { id } } }`, keyAuth, "ValidationError"},
	} {
		c.send(start("e-"+tc.name, tc.query, nil, tc.auth))
		m := c.next()
		errs, _ := m["payload"].(map[string]any)["errors"].([]any)
		if m["type"] != "error" || m["id"] != "e-"+tc.name || len(errs) != 1 || errs[0].(map[string]any)["errorType"] != tc.errorType {
			t.Errorf("%s: %v", tc.name, m)
		}
	}
}

// An owner's subscription gets its own rows only, with the protected
// field redacted as in the reference.
func TestOwnerSubscription(t *testing.T) {
	f := newFixture(t, nil)
	alice := auth.Identity{Provider: auth.ProviderUserPools, Sub: "s-a", Username: "alice"}
	c := f.dial(t, "/graphql/realtime", "graphql-ws")
	c.send(map[string]any{"type": "connection_init"})
	c.next()
	// Register through the same path a start takes, with alice's identity
	// (token verification is tested in package auth).
	conn := f.firstConn(t)
	if err := conn.start("a", pipeline.Request{Query: `subscription { onCreateNote { id secret } }`}, alice); err != nil {
		t.Fatal(err)
	}
	f.hub.Deliver(event("create", `{"id":1,"owner":"s-b::bob","secret":"b"}`))
	f.hub.Deliver(event("create", `{"id":2,"owner":"s-a::alice","secret":"a"}`))
	m := c.next()
	got, _ := json.Marshal(m["payload"])
	if string(got) != `{"data":{"onCreateNote":{"id":2,"secret":null}}}` {
		t.Errorf("alice got %s", got)
	}
}

// firstConn returns the server side of the only connection.
func (f *fixture) firstConn(t *testing.T) *conn {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		f.srv.connsMu.Lock()
		for c := range f.srv.conns {
			f.srv.connsMu.Unlock()
			return c
		}
		f.srv.connsMu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no connection")
	return nil
}

func TestOlderClientsHeaderQuery(t *testing.T) {
	f := newFixture(t, nil)
	raw, _ := json.Marshal(keyAuth)
	c := f.dial(t, "/graphql/realtime?header="+base64.StdEncoding.EncodeToString(raw)+"&payload=e30=", "graphql-ws")
	c.send(map[string]any{"type": "connection_init"})
	if m := c.next(); m["type"] != "connection_ack" {
		t.Fatalf("ack: %v", m)
	}
}

func TestConnectionRefusedWithBadCredentials(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(map[string]string{"x-api-key": "da2-wrong"}))
	m := c.next()
	errs, _ := m["payload"].(map[string]any)["errors"].([]any)
	if m["type"] != "connection_error" || len(errs) != 1 || errs[0].(map[string]any)["errorCode"] != float64(401) {
		t.Fatalf("got %v", m)
	}
}

func TestLimits(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.MaxSubscriptions = 2; s.SendBuffer = 4 })
	c := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(keyAuth))
	c.send(map[string]any{"type": "connection_init"})
	c.next()
	q := `subscription { onCreateNote { id } }`
	for i, want := range []string{"start_ack", "start_ack", "error"} {
		c.send(start(string(rune('a'+i)), q, nil, keyAuth))
		if m := c.next(); m["type"] != want {
			t.Fatalf("start %d: %v", i, m)
		}
	}
	// A client that stops reading is disconnected once its buffer is
	// full, and delivery to others goes on without waiting for it.
	other := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(keyAuth))
	other.send(map[string]any{"type": "connection_init"})
	other.next()
	other.send(start("o", q, nil, keyAuth))
	other.next()
	done := make(chan struct{})
	go func() {
		for i := 0; i < 2000; i++ {
			f.hub.Deliver(event("create", `{"id":1}`))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("delivery blocked on a slow subscriber")
	}
	var closed error
	for closed == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _, closed = c.ws.Read(ctx)
		cancel()
	}
	if websocket.CloseStatus(closed) != websocket.StatusPolicyViolation {
		t.Errorf("slow client closed with %v", closed)
	}
}

func TestGraphQLTransportWS(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(t, "/graphql", "graphql-transport-ws")
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": "da2-good"}})
	if m := c.next(); m["type"] != "connection_ack" {
		t.Fatalf("ack: %v", m)
	}
	c.send(map[string]any{"type": "ping"})
	if m := c.next(); m["type"] != "pong" {
		t.Fatalf("ping: %v", m)
	}
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { onDeleteNote(filter: {id: {in: [7, 8]}}) { id title } }`}})
	time.Sleep(100 * time.Millisecond)
	f.hub.Deliver(event("delete", `{"id":6,"title":"no"}`))
	f.hub.Deliver(event("delete", `{"id":8,"title":"yes"}`))
	m := c.next()
	got, _ := json.Marshal(m["payload"])
	if m["type"] != "next" || m["id"] != "1" || string(got) != `{"data":{"onDeleteNote":{"id":8,"title":"yes"}}}` {
		t.Fatalf("next: %v %s", m, got)
	}
	c.send(map[string]any{"id": "1", "type": "complete"})
	// A second subscribe with an id in use closes the connection (4409).
	c.send(map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": `subscription { onCreateNote { id } }`}})
	c.send(map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": `subscription { onCreateNote { id } }`}})
	_, _, err := c.ws.Read(context.Background())
	for err == nil {
		_, _, err = c.ws.Read(context.Background())
	}
	if websocket.CloseStatus(err) != 4409 {
		t.Errorf("duplicate id: %v", err)
	}

	// Without credentials the connection is refused (4403).
	d := f.dial(t, "/graphql", "graphql-transport-ws")
	d.send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	_, _, err = d.ws.Read(context.Background())
	if websocket.CloseStatus(err) != 4403 {
		t.Errorf("no credentials: %v", err)
	}
}

func TestIdleAndExcessConnectionsAreClosed(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.InitTimeout = 500 * time.Millisecond; s.MaxConnections = 1 })
	idle := f.dial(t, "/graphql/realtime", "graphql-ws")
	for deadline := time.Now().Add(2 * time.Second); f.srv.Connections() < 1 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	// Over the limit while the idle one is open.
	extra := f.dial(t, "/graphql/realtime", "graphql-ws")
	if _, _, err := extra.ws.Read(context.Background()); websocket.CloseStatus(err) != websocket.StatusTryAgainLater {
		t.Errorf("over the limit: %v", err)
	}
	// The idle socket (no connection_init) is closed.
	if _, _, err := idle.ws.Read(context.Background()); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("idle: %v", err)
	}
}
