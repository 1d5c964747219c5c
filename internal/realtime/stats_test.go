package realtime

import (
	"context"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// waitStats polls the server's figures until ok holds (connections end
// asynchronously), failing after 5s.
func waitStats(t *testing.T, s *Server, what string, ok func(Stats) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok(s.Stats()) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: stats %+v", what, s.Stats())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stats counts sockets and subscriptions by protocol as they come and
// go, the events the hub received and delivered, and the slow consumers
// it closed.
func TestStats(t *testing.T) {
	f := newFixture(t, func(s *Server) { s.SendBuffer = 4 })
	as := f.dial(t, "/graphql/realtime", "graphql-ws", headerProtocol(keyAuth))
	as.send(map[string]any{"type": "connection_init"})
	as.next()
	as.send(start("a", `subscription { onCreateNote { id } }`, nil, keyAuth))
	as.next()
	ws := f.dial(t, "/graphql", "graphql-transport-ws")
	ws.send(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": "da2-good"}})
	ws.next()
	for _, id := range []string{"1", "2"} {
		ws.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": `subscription { onCreateNote { id } }`}})
	}
	waitStats(t, f.srv, "subscribed", func(s Stats) bool {
		return s.Sockets == [protoCount]int64{1, 1} && s.Subscriptions == [protoCount]int64{1, 2}
	})

	f.hub.Deliver(event("create", `{"id":1}`))
	as.next()
	ws.next()
	ws.next()
	if s := f.srv.Stats(); s.Received != 1 || s.Delivered != [protoCount]int64{1, 2} {
		t.Errorf("after one event: received %d, delivered %v; want 1, [1 2]", s.Received, s.Delivered)
	}

	ws.send(map[string]any{"id": "1", "type": "complete"})
	waitStats(t, f.srv, "one completed", func(s Stats) bool { return s.Subscriptions[protoTransport] == 1 })
	_ = ws.ws.Close(websocket.StatusNormalClosure, "")
	waitStats(t, f.srv, "socket closed", func(s Stats) bool {
		return s.Sockets[protoTransport] == 0 && s.Subscriptions[protoTransport] == 0
	})

	// The AppSync client stops reading: its queue of 4 fills, and it is
	// closed as too slow, once.
	for range 2000 {
		f.hub.Deliver(event("create", `{"id":2}`))
	}
	var err error
	for err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _, err = as.ws.Read(ctx)
		cancel()
	}
	waitStats(t, f.srv, "slow consumer closed", func(s Stats) bool {
		return s.QueueFull == [protoCount]int64{1, 0} && s.Sockets == [protoCount]int64{} && s.Subscriptions == [protoCount]int64{}
	})
	if s := f.srv.Stats(); s.Received != 2001 {
		t.Errorf("received %d events, want 2001", s.Received)
	}
}
