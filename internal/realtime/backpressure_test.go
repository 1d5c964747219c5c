package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// A backlog delivered the way the broker catches up after an outage
// (Room before each event) reaches a subscriber that reads at its own
// pace, all of it, in order, with a queue far smaller than the backlog.
func TestCatchUpIsPaced(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.SendBuffer = 8 })
	c := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(keyAuth))
	c.send(map[string]any{"type": "connection_init"})
	c.next()
	c.send(start("s", `subscription { onCreateNote { id } }`, nil, keyAuth))
	if m := c.next(); m["type"] != "start_ack" {
		t.Fatalf("start: %v", m)
	}
	const n = 500
	go func() {
		for i := 1; i <= n; i++ {
			if err := f.hub.Room(context.Background()); err != nil {
				return
			}
			f.hub.Deliver(event("create", fmt.Sprintf(`{"id":%d}`, i)))
		}
	}()
	for i := 1; i <= n; i++ {
		m := c.next()
		if m["type"] != "data" {
			t.Fatalf("event %d: %v", i, m)
		}
		got, _ := json.Marshal(m["payload"])
		if want := fmt.Sprintf(`{"data":{"onCreateNote":{"id":%d}}}`, i); string(got) != want {
			t.Fatalf("event %d: %s", i, got)
		}
		if i%50 == 0 {
			time.Sleep(20 * time.Millisecond) // a reader busy with something else now and then
		}
	}
}

// A subscriber that stops reading, or reads too slowly to drain its queue
// to a quarter, holds the catch-up back for Patience at most (it is closed
// later, when its queue fills); one that drains releases it at once.
func TestRoomDoesNotWaitForADeadSubscriber(t *testing.T) {
	f := newFixture(t, nil)
	f.hub.Patience = 300 * time.Millisecond
	// A connection that is only what the hub knows of it: no socket and
	// no writer, so nothing but the test marks it crowded or roomy (a
	// real one's writer raced the test on a loaded machine).
	c := &conn{}
	// Crowded, and never drained (a peer whose socket buffer is full, or
	// one that reads a frame every few seconds).
	c.qmu.Lock()
	c.over = true
	f.hub.crowded(c)
	c.qmu.Unlock()
	start := time.Now()
	if err := f.hub.Room(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 2*time.Second {
		t.Errorf("Room waited %s for a dead subscriber, want about its patience", d)
	}
	if err := f.hub.Room(context.Background()); err != nil || time.Since(start) > 2*time.Second {
		t.Errorf("Room waited again: %v", err)
	}

	// Crowded again, and drained soon after: Room returns then.
	f.hub.Patience = time.Minute
	c.qmu.Lock()
	f.hub.crowded(c)
	c.qmu.Unlock()
	go func() {
		time.Sleep(100 * time.Millisecond)
		c.qmu.Lock()
		c.over = false
		f.hub.roomy(c)
		c.qmu.Unlock()
	}()
	start = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.hub.Room(ctx); err != nil || time.Since(start) > 2*time.Second {
		t.Errorf("Room: %v after %s", err, time.Since(start))
	}
}

// Lost ends every subscription with an error, on both protocols; the
// connections stay open for the clients to subscribe again.
func TestLostEndsSubscriptions(t *testing.T) {
	f := newFixture(t, nil)
	a := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(keyAuth))
	a.send(map[string]any{"type": "connection_init"})
	a.next()
	a.send(start("s1", `subscription { onCreateNote { id } }`, nil, keyAuth))
	a.next()
	g := f.dial(t, "/graphql", "graphql-transport-ws")
	g.send(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": "da2-good"}})
	g.next()
	g.send(map[string]any{"id": "g1", "type": "subscribe", "payload": map[string]any{"query": `subscription { onUpdateNote { id } }`}})
	for deadline := time.Now().Add(2 * time.Second); f.hub.Count() < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	f.hub.Lost("test")
	m := a.next()
	errs, _ := m["payload"].(map[string]any)["errors"].([]any)
	if m["type"] != "error" || m["id"] != "s1" || len(errs) != 1 || errs[0].(map[string]any)["errorType"] != "ServiceUnavailableException" {
		t.Errorf("appsync: %v", m)
	}
	m = g.next()
	if m["type"] != "error" || m["id"] != "g1" {
		t.Errorf("graphql-transport-ws: %v", m)
	}
	if n := f.hub.Count(); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
	// The same ids can subscribe again on the same connections.
	a.send(start("s1", `subscription { onCreateNote { id } }`, nil, keyAuth))
	if m := a.next(); m["type"] != "start_ack" {
		t.Errorf("again: %v", m)
	}
	g.send(map[string]any{"id": "g1", "type": "subscribe", "payload": map[string]any{"query": `subscription { onUpdateNote { id } }`}})
	time.Sleep(50 * time.Millisecond)
	f.hub.Deliver(event("update", `{"id":5}`))
	if m := g.next(); m["type"] != "next" {
		t.Errorf("after subscribing again: %v", m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := a.ws.Read(ctx); websocket.CloseStatus(err) != -1 {
		t.Errorf("connection closed: %v", err)
	}
}
