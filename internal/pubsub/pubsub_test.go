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
	key := []byte("0123456789abcdef-shared")
	a, err := DialNATS(ctx, natsURL(), "api-one", key)
	if err != nil {
		testdb.Unreachable(t, "NATS at "+natsURL(), err)
	}
	defer a.Close()
	b, err := DialNATS(ctx, natsURL(), "api-one", key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other, err := DialNATS(ctx, natsURL(), "api.two", key)
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

	// A deployment with another key, or any client of the NATS server,
	// cannot inject events.
	dropped := make(chan string, 4)
	b.Dropped = func(r string) { dropped <- r }
	intruder, err := DialNATS(ctx, natsURL(), "api-one", []byte("another key, 16 bytes+"))
	if err != nil {
		t.Fatal(err)
	}
	defer intruder.Close()
	_ = intruder.Publish(ctx, Event{Model: "Note", Op: "create", Row: json.RawMessage(`{"id":666}`)})
	_ = intruder.conn.Publish(intruder.subject, []byte(`{"model":"Note","op":"create","row":{"id":667}}`))
	_ = intruder.conn.Flush()
	for i := 0; i < 2; i++ {
		select {
		case ev := <-got:
			t.Errorf("a forged event was delivered: %+v", ev)
		case <-dropped:
		case <-time.After(3 * time.Second):
			t.Fatal("forged events were neither delivered nor dropped")
		}
	}
}

func TestDialError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := DialNATS(ctx, "nats://user:secret@127.0.0.1:1", "x", []byte("0123456789abcdef"))
	if err == nil {
		t.Fatal("dialled a closed port")
	}
	if msg := err.Error(); !strings.Contains(msg, "nats-server") || strings.Contains(msg, "secret") {
		t.Errorf("message %q: want a hint and no password", msg)
	}
}
