package pubsub

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// natsURL is the NATS server the tests use (QUARRY_TEST_NATS overrides).
func natsURL() string {
	if u := os.Getenv("QUARRY_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

func TestLocal(t *testing.T) {
	b := NewLocal()
	got := make(chan Event, 2)
	cancel, _ := b.Subscribe(func(ev Event) { got <- ev })
	_ = b.Publish(context.Background(), Event{Model: "Note", Op: "create", Row: json.RawMessage(`{"id":1}`)})
	if ev := <-got; ev.Model != "Note" || string(ev.Row) != `{"id":1}` {
		t.Errorf("got %+v", ev)
	}
	cancel()
	_ = b.Publish(context.Background(), Event{Model: "Note"})
	if len(got) != 0 {
		t.Error("delivered after cancel")
	}
}

// TestNATSAcrossInstances publishes on one connection and receives on
// another, as two Quarry instances do; another API's events stay apart.
func TestNATSAcrossInstances(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a, err := DialNATS(ctx, natsURL(), "api-one")
	if err != nil {
		testdb.Unreachable(t, "NATS at "+natsURL(), err)
	}
	defer a.Close()
	b, err := DialNATS(ctx, natsURL(), "api-one")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other, err := DialNATS(ctx, natsURL(), "api.two")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	got := make(chan Event, 4)
	stray := make(chan Event, 4)
	if _, err := b.Subscribe(func(ev Event) { got <- ev }); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Subscribe(func(ev Event) { stray <- ev }); err != nil {
		t.Fatal(err)
	}
	if err := a.Publish(ctx, Event{Model: "Note", Op: "update", Row: json.RawMessage(`{"id":2,"title":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-got:
		if ev.Op != "update" || string(ev.Row) != `{"id":2,"title":"x"}` {
			t.Errorf("got %+v", ev)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the other instance got nothing")
	}
	select {
	case ev := <-stray:
		t.Errorf("another API received %+v", ev)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestDialError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := DialNATS(ctx, "nats://user:secret@127.0.0.1:1", "x")
	if err == nil {
		t.Fatal("dialled a closed port")
	}
	if msg := err.Error(); !strings.Contains(msg, "nats-server") || strings.Contains(msg, "secret") {
		t.Errorf("message %q: want a hint and no password", msg)
	}
}
