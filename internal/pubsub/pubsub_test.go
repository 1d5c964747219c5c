package pubsub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/quarrydata/quarry/internal/pubsub/natstest"
)

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

var testKey = []byte("0123456789abcdef-shared")

// recorder is a Receiver that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	events []Event
	lost   []string
	poke   chan struct{}
}

func newRecorder() *recorder { return &recorder{poke: make(chan struct{}, 1)} }

func (r *recorder) Deliver(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	r.wake()
}

func (r *recorder) Lost(reason string) {
	r.mu.Lock()
	r.lost = append(r.lost, reason)
	r.mu.Unlock()
	r.wake()
}

func (r *recorder) Room(context.Context) error { return nil }

func (r *recorder) wake() {
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

func (r *recorder) counts() (events, lost int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events), len(r.lost)
}

// waitFor waits until cond holds on the recorder's figures.
func (r *recorder) waitFor(t *testing.T, what string, d time.Duration, cond func(events, lost int) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		if cond(r.counts()) {
			return
		}
		select {
		case <-r.poke:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			e, l := r.counts()
			t.Fatalf("%s: after %s, %d events and %d losses", what, d, e, l)
		}
	}
}

// ids are the ids of the recorded rows, in order.
func (r *recorder) ids() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]int, len(r.events))
	for i, ev := range r.events {
		var row struct{ ID int }
		_ = json.Unmarshal(ev.Row, &row)
		out[i] = row.ID
	}
	return out
}

func dial(t *testing.T, url, api string, key []byte, opts Options) *NATS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if opts.ReconnectWait == 0 {
		opts.ReconnectWait = 50 * time.Millisecond
	}
	n, err := DialNATS(ctx, url, api, key, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// signedSize is the size of row(id) as n's outbox holds it.
func signedSize(t *testing.T, n *NATS, id int) int {
	t.Helper()
	raw, _ := json.Marshal(row(id))
	msg, err := n.message(1, raw)
	if err != nil {
		t.Fatal(err)
	}
	return len(msg.Data)
}

func row(id int) Event {
	return Event{Model: "Note", Op: "create", Row: json.RawMessage(fmt.Sprintf(`{"id":%d}`, id))}
}

// TestNATSAcrossInstances publishes on one connection and receives on
// another, as two Quarry instances do; another API's events stay apart,
// and nobody without the key can inject events.
func TestNATSAcrossInstances(t *testing.T) {
	srv := natstest.Start(t, true)
	ctx := context.Background()
	a := dial(t, srv.URL(), "api-one", testKey, Options{})
	drops := make(chan string, 4)
	b := dial(t, srv.URL(), "api-one", testKey, Options{OnDrop: func(r string) { drops <- r }})
	other := dial(t, srv.URL(), "api.two", testKey, Options{})
	got, stray := newRecorder(), newRecorder()
	if _, err := b.Attach(got); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Attach(stray); err != nil {
		t.Fatal(err)
	}
	// Characters JSON encoders like to escape survive the signature.
	const wantRow = `{"id":2,"title":"x \u003c\u0026\u003e \u2028 é"}`
	if err := a.Publish(ctx, Event{Model: "Note", Op: "update", Row: json.RawMessage(`{"id":2, "title":"x <&> \u2028 é"}`)}); err != nil {
		t.Fatal(err)
	}
	got.waitFor(t, "the other instance", 5*time.Second, func(e, _ int) bool { return e == 1 })
	got.mu.Lock()
	ev := got.events[0]
	got.mu.Unlock()
	if ev.Op != "update" || string(ev.Row) != wantRow {
		t.Errorf("got %+v", ev)
	}
	time.Sleep(100 * time.Millisecond)
	if e, _ := stray.counts(); e != 0 {
		t.Errorf("another API received %d events", e)
	}

	// A deployment with another key, or any client of the NATS server,
	// cannot inject events.
	intruder := dial(t, srv.URL(), "api-one", []byte("another key, 16 bytes+"), Options{})
	_ = intruder.Publish(ctx, row(666))
	_ = intruder.nc.Publish(intruder.subject, []byte(`{"model":"Note","op":"create","row":{"id":667}}`))
	reasons := map[string]bool{}
	for range 2 {
		select {
		case r := <-drops:
			reasons[r] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("forged events were neither delivered nor dropped")
		}
	}
	if !reasons[dropBadSignature] || !reasons[dropUnsigned] {
		t.Errorf("dropped as %v, want bad_signature and unsigned", reasons)
	}
	if e, _ := got.counts(); e != 1 {
		t.Errorf("a forged event was delivered: %v", got.ids())
	}
}

// capture returns the raw messages published on subject while fn runs.
func capture(t *testing.T, url, subject string, want int, fn func()) [][]byte {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ch := make(chan *nats.Msg, 64)
	sub, err := nc.ChanSubscribe(subject, ch)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	_ = nc.Flush()
	fn()
	var out [][]byte
	for len(out) < want {
		select {
		case m := <-ch:
			out = append(out, m.Data)
		case <-time.After(5 * time.Second):
			t.Fatalf("captured %d of %d messages", len(out), want)
		}
	}
	return out
}

// TestReplayDropped publishes a captured message again, as anyone with
// access to the NATS server could: a running instance has seen its
// sender and sequence, and one started since finds it older than itself.
func TestReplayDropped(t *testing.T) {
	srv := natstest.Start(t, true)
	ctx := context.Background()
	a := dial(t, srv.URL(), "replay", testKey, Options{})
	drops := make(chan string, 8)
	b := dial(t, srv.URL(), "replay", testKey, Options{OnDrop: func(r string) { drops <- r }})
	got := newRecorder()
	_, _ = b.Attach(got)
	raw := capture(t, srv.URL(), a.subject, 2, func() {
		_ = a.Publish(ctx, row(1))
		_ = a.Publish(ctx, row(2))
	})
	got.waitFor(t, "the events", 5*time.Second, func(e, _ int) bool { return e == 2 })

	// One started after the capture, with clocks in perfect agreement.
	time.Sleep(5 * time.Millisecond)
	lateDrops := make(chan string, 8)
	late := dial(t, srv.URL(), "replay", testKey, Options{ClockSkew: time.Nanosecond, OnDrop: func(r string) { lateDrops <- r }})
	lateGot := newRecorder()
	_, _ = late.Attach(lateGot)

	pub, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	for _, m := range raw {
		if err := pub.Publish(a.subject, m); err != nil {
			t.Fatal(err)
		}
	}
	_ = pub.Flush()
	for i := 0; i < 2; i++ {
		for _, c := range []chan string{drops, lateDrops} {
			select {
			case r := <-c:
				if want := map[bool]string{true: dropReplay, false: dropStale}[c == drops]; r != want {
					t.Errorf("dropped as %s, want %s", r, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("a replayed message was not dropped")
			}
		}
	}
	// A new event from the same sender still goes through, to both.
	_ = a.Publish(ctx, row(3))
	got.waitFor(t, "the next event", 5*time.Second, func(e, _ int) bool { return e == 3 })
	lateGot.waitFor(t, "the next event (late)", 5*time.Second, func(e, _ int) bool { return e == 1 })
	if ids := got.ids(); fmt.Sprint(ids) != "[1 2 3]" {
		t.Errorf("delivered %v", ids)
	}
	if _, l := got.counts(); l != 0 {
		t.Errorf("losses reported: %v", got.lost)
	}
}

// TestTamperedDropped changes a signed message's parts: each change is
// caught by the signature.
func TestTamperedDropped(t *testing.T) {
	srv := natstest.Start(t, true)
	a := dial(t, srv.URL(), "tamper", testKey, Options{})
	drops := make(chan string, 8)
	b := dial(t, srv.URL(), "tamper", testKey, Options{OnDrop: func(r string) { drops <- r }})
	got := newRecorder()
	_, _ = b.Attach(got)
	raw := capture(t, srv.URL(), a.subject, 1, func() { _ = a.Publish(context.Background(), row(1)) })
	got.waitFor(t, "the event", 5*time.Second, func(e, _ int) bool { return e == 1 })
	pub, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	edits := []func(e map[string]any){
		func(e map[string]any) {
			e["event"] = map[string]any{"model": "Note", "op": "create", "row": map[string]any{"id": 99}}
		},
		func(e map[string]any) { e["seq"] = 1000 },
		func(e map[string]any) { e["ts"] = time.Now().UnixNano() },
		func(e map[string]any) { e["sender"] = "someone-else" },
	}
	for _, edit := range edits {
		var e map[string]any
		if err := json.Unmarshal(raw[0], &e); err != nil {
			t.Fatal(err)
		}
		edit(e)
		m, _ := json.Marshal(e)
		_ = pub.Publish(a.subject, m)
	}
	_ = pub.Flush()
	for range edits {
		select {
		case r := <-drops:
			if r != dropBadSignature {
				t.Errorf("dropped as %s", r)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a tampered message was not dropped")
		}
	}
	if e, _ := got.counts(); e != 1 {
		t.Errorf("delivered %v", got.ids())
	}
}

// TestOutboxFlushAfterReconnect stops the NATS server while events are
// published: they wait in the outbox, and reach every instance in order,
// once, when it is back; the broker reports the outage meanwhile.
func TestOutboxFlushAfterReconnect(t *testing.T) {
	srv := natstest.Start(t, true)
	ctx := context.Background()
	a := dial(t, srv.URL(), "outbox", testKey, Options{})
	b := dial(t, srv.URL(), "outbox", testKey, Options{})
	gotA, gotB := newRecorder(), newRecorder()
	_, _ = a.Attach(gotA)
	_, _ = b.Attach(gotB)
	for i := 1; i <= 10; i++ {
		_ = a.Publish(ctx, row(i))
	}
	gotB.waitFor(t, "before the outage", 5*time.Second, func(e, _ int) bool { return e == 10 })

	srv.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for a.Check(ctx) == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.Check(ctx); err == nil || !strings.Contains(err.Error(), "disconnected") {
		t.Fatalf("during the outage: %v", err)
	}
	for i := 11; i <= 60; i++ {
		if err := a.Publish(ctx, row(i)); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			_ = b.Publish(ctx, row(1000+i))
		}
	}
	if ok, detail := a.Status(); ok || !strings.Contains(detail, "50 events waiting") {
		t.Errorf("status: %v %s", ok, detail)
	}
	srv.Restart()
	for _, r := range []*recorder{gotA, gotB} {
		r.waitFor(t, "after the outage", 15*time.Second, func(e, _ int) bool { return e >= 85 })
	}
	time.Sleep(200 * time.Millisecond)
	for name, r := range map[string]*recorder{"a": gotA, "b": gotB} {
		ids := r.ids()
		var fromA, fromB []int
		for _, id := range ids {
			if id >= 1000 {
				fromB = append(fromB, id)
			} else {
				fromA = append(fromA, id)
			}
		}
		if len(ids) != 85 {
			t.Errorf("%s got %d events: %v", name, len(ids), ids)
		}
		for i, id := range fromA {
			if id != i+1 {
				t.Fatalf("%s: a's events out of order or repeated: %v", name, fromA)
			}
		}
		for i, id := range fromB {
			if id != 1012+2*i {
				t.Fatalf("%s: b's events out of order or repeated: %v", name, fromB)
			}
		}
		if _, l := r.counts(); l != 0 {
			t.Errorf("%s: losses reported: %v", name, r.lost)
		}
	}
	if err := a.Check(ctx); err != nil {
		t.Errorf("after the outage: %v", err)
	}
}

// TestOutboxOverflow fills the outbox during an outage: events beyond it
// are lost, and every instance's receivers are told once it is back.
// TestOutboxOverflow: past its size in events, or in bytes, the outbox
// refuses events, and receivers are told of the loss once NATS is back.
func TestOutboxOverflow(t *testing.T) {
	for _, tt := range []struct {
		name string
		// opts is given the size of one signed event.
		opts func(size int) Options
	}{
		{"events", func(int) Options { return Options{OutboxSize: 5} }},
		{"bytes", func(size int) Options { return Options{OutboxBytes: 5*size + size/2} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := natstest.Start(t, true)
			ctx := context.Background()
			probe := dial(t, srv.URL(), "overflow", testKey, Options{})
			a := dial(t, srv.URL(), "overflow", testKey, tt.opts(signedSize(t, probe, 1)))
			b := dial(t, srv.URL(), "overflow", testKey, Options{})
			got := newRecorder()
			_, _ = b.Attach(got)
			srv.Kill()
			for a.Check(ctx) == nil {
				time.Sleep(10 * time.Millisecond)
			}
			full := 0
			for i := 1; i <= 8; i++ {
				if err := a.Publish(ctx, row(i)); errors.Is(err, ErrOutboxFull) {
					full++
				}
			}
			if full != 3 {
				t.Errorf("%d publishes refused, want 3", full)
			}
			srv.Restart()
			got.waitFor(t, "after the outage", 10*time.Second, func(e, l int) bool { return e == 5 && l == 1 })
			if ids := got.ids(); fmt.Sprint(ids) != "[1 2 3 4 5]" {
				t.Errorf("delivered %v", ids)
			}
		})
	}
}

// TestStreamGap makes a reader fall behind a stream that keeps only a
// few kilobytes: the events it could not read in time are reported lost.
func TestStreamGap(t *testing.T) {
	srv := natstest.Start(t, true)
	ctx := context.Background()
	a := dial(t, srv.URL(), "gap", testKey, Options{RetentionBytes: 4 << 10})
	b := dial(t, srv.URL(), "gap", testKey, Options{RetentionBytes: 4 << 10})
	got := newRecorder()
	release := make(chan struct{})
	var once sync.Once
	_, _ = b.Attach(Func(func(ev Event) {
		once.Do(func() { <-release })
		got.Deliver(ev)
	}))
	_, _ = b.Attach(lostOnly{got})
	for i := 1; i <= 400; i++ {
		_ = a.Publish(ctx, row(i))
	}
	for a.out.len() > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	got.waitFor(t, "the reader", 10*time.Second, func(e, l int) bool { return l >= 1 && got.last() == 400 })
	if e, _ := got.counts(); e >= 400 {
		t.Errorf("all %d events delivered: the stream kept more than it should", e)
	}
}

// lostOnly passes on losses only.
type lostOnly struct{ r *recorder }

func (l lostOnly) Deliver(Event)              {}
func (l lostOnly) Lost(reason string)         { l.r.Lost(reason) }
func (l lostOnly) Room(context.Context) error { return nil }

func (r *recorder) last() int {
	ids := r.ids()
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}

func TestWithoutJetStream(t *testing.T) {
	srv := natstest.Start(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := DialNATS(ctx, srv.URL(), "x", testKey, Options{})
	if err == nil || !strings.Contains(err.Error(), "nats-server -js") {
		t.Fatalf("got %v, want an error naming nats-server -js", err)
	}
}

func TestDialError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := DialNATS(ctx, "nats://user:secret@127.0.0.1:1", "x", []byte("0123456789abcdef"), Options{})
	if err == nil {
		t.Fatal("dialled a closed port")
	}
	if msg := err.Error(); !strings.Contains(msg, "nats-server") || strings.Contains(msg, "secret") {
		t.Errorf("message %q: want a hint and no password", msg)
	}
}

func TestGuard(t *testing.T) {
	now := time.Now()
	g := newGuard(now, time.Hour, time.Second)
	ev := func(sender string, seq uint64, at time.Time) *envelope {
		return &envelope{Sender: sender, Seq: seq, Time: at.UnixNano()}
	}
	for _, tc := range []struct {
		e      *envelope
		reason string
		missed uint64
	}{
		{ev("a", 7, now), "", 0},                           // first from a sender: any sequence
		{ev("a", 8, now), "", 0},                           // the next
		{ev("a", 8, now), dropReplay, 0},                   // again
		{ev("a", 3, now), dropReplay, 0},                   // an older one
		{ev("a", 11, now), "", 2},                          // 9 and 10 never came
		{ev("b", 1, now.Add(-time.Minute)), dropStale, 0},  // from before this receiver, from a sender it never heard
		{ev("a", 12, now.Add(-2*time.Hour)), dropStale, 0}, // too old
		{ev("a", 13, now), "", 1},                          // 12 was dropped: lost
	} {
		reason, missed := g.check(tc.e, now)
		if reason != tc.reason || missed != tc.missed {
			t.Errorf("%s#%d: %q %d, want %q %d", tc.e.Sender, tc.e.Seq, reason, missed, tc.reason, tc.missed)
		}
	}
}
