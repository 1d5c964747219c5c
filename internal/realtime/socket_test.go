package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// An idle subscriber costs the server one goroutine, its reader, and no
// net/http connection goroutine, whose buffers and stack (grown parsing
// the request) would stay for the life of the socket: at a hundred
// thousand subscribers, each kilobyte is a hundred megabytes.
//
// The clients are gorilla's, which run no goroutine of their own, so
// that every goroutine counted is the server's.
func TestIdleConnectionHoldsOneGoroutine(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.KeepAlive = time.Hour })
	// The first connection starts the keep-alive ticker: open one before
	// counting.
	subscribeIdle(t, f, "/graphql/realtime", 0)
	base := runtime.NumGoroutine()

	const n = 20
	for i := range n {
		path := "/graphql/realtime"
		if i%2 == 1 {
			path = "/graphql"
		}
		subscribeIdle(t, f, path, i)
	}
	if got := f.hub.Count(); got != n+1 {
		t.Fatalf("%d subscriptions, want %d", got, n+1)
	}
	// The goroutines that wait for connection_init end once it came; wait
	// for them, without a bound on how long the machine takes.
	var extra, serving int
	for deadline := time.Now().Add(10 * time.Second); ; {
		extra, serving = runtime.NumGoroutine()-base, httpConnGoroutines()
		if extra <= n && serving == 0 {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d idle connections hold %d goroutines (want at most %d), %d of them net/http's", n, extra, n, serving)
}

// subscribeIdle opens a connection on path, subscribes and returns once
// the server acknowledged the subscription, leaving the socket idle.
func subscribeIdle(t *testing.T, f *fixture, path string, i int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q := `subscription { onCreateNote { id } }`
	var msgs []any
	var ack string
	protocols := []string{"graphql-ws", headerProtocol(keyAuth)}
	if path == "/graphql" {
		protocols = []string{transportSubprotocol}
		msgs = []any{map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": "da2-good"}},
			map[string]any{"id": "s", "type": "subscribe", "payload": map[string]any{"query": q}}}
		// graphql-transport-ws acknowledges no subscribe: a ping after it
		// is answered once the subscribe was handled.
		msgs = append(msgs, map[string]any{"type": "ping"})
		ack = `"pong"`
	} else {
		msgs = []any{map[string]any{"type": "connection_init"}, start("s", q, nil, keyAuth)}
		ack = `"start_ack"`
	}
	d := websocket.Dialer{Subprotocols: protocols, ReadBufferSize: 256, WriteBufferSize: 256}
	ws, resp, err := d.DialContext(ctx, f.url+path, http.Header{})
	if err != nil {
		t.Fatalf("dial %d: %v", i, err)
	}
	resp.Body.Close()
	t.Cleanup(func() { ws.Close() })
	for _, m := range msgs {
		raw, _ := json.Marshal(m)
		if err := ws.WriteMessage(websocket.TextMessage, raw); err != nil {
			t.Fatal(err)
		}
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if bytes.Contains(raw, []byte(ack)) {
			break
		}
	}
	_ = ws.SetReadDeadline(time.Time{})
}

// httpConnGoroutines counts the goroutines serving a net/http connection.
func httpConnGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return bytes.Count(buf[:n], []byte("net/http.(*conn).serve("))
		}
		buf = make([]byte, 2*len(buf))
	}
}

// dialGorilla opens a graphql-transport-ws connection and initialises it.
func dialGorilla(t *testing.T, f *fixture) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{transportSubprotocol}}
	ws, resp, err := d.Dial(f.url+"/graphql", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	t.Cleanup(func() { ws.Close() })
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"connection_init","payload":{"x-api-key":"da2-good"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, raw, err := ws.ReadMessage(); err != nil || !bytes.Contains(raw, []byte(`"connection_ack"`)) {
		t.Fatalf("ack: %s %v", raw, err)
	}
	return ws
}

// A WebSocket ping is answered with a pong carrying its payload, before
// anything the client sends after it is handled.
func TestPingIsAnswered(t *testing.T) {
	f := newFixture(t, nil)
	ws := dialGorilla(t, f)
	pongs := make(chan string, 1)
	ws.SetPongHandler(func(data string) error { pongs <- data; return nil })
	if err := ws.WriteControl(websocket.PingMessage, []byte("p1"), time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if _, raw, err := ws.ReadMessage(); err != nil || !bytes.Contains(raw, []byte(`"pong"`)) {
		t.Fatalf("protocol pong: %s %v", raw, err)
	}
	select {
	case got := <-pongs:
		if got != "p1" {
			t.Errorf("pong %q, want p1", got)
		}
	default:
		t.Error("no pong before the protocol's")
	}
}

// A message over MaxMessage closes the connection with 1009 (message too
// big); the server reads no further.
func TestReadLimit(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.MaxMessage = 1 << 10 })
	ws := dialGorilla(t, f)
	big := `{"type":"ping","payload":{"pad":"` + strings.Repeat("x", 2<<10) + `"}}`
	if err := ws.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
		t.Fatal(err)
	}
	_, _, err := ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("got %v, want close 1009", err)
	}
}
