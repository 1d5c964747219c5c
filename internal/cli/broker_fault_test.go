package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quarrydata/quarry/internal/pubsub/natstest"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestBrokerFault runs two instances that share events through a NATS
// server of the test's own, with subscribers on both (one per protocol on
// each), and kills the NATS server in the middle of N mutations, then
// starts it again on the same port and store. Every event must reach
// every subscriber exactly once, in its sender's order; no subscriber may
// be closed; /healthz must say the broker is down during the outage and
// fine after; the log must say so once per transition.
func TestBrokerFault(t *testing.T) {
	const n = 300
	h := newBrokerHarness(t, nil)
	subs := h.subscribeAll(t)
	h.warmUp(t, subs)

	var published int
	var killedAt, restartedAt, lastAt time.Time
	caughtUp := make(chan time.Time, 1)
	for i := 1; i <= n; i++ {
		switch i {
		case n / 3:
			h.nats.Kill()
			killedAt = time.Now()
			h.waitHealth(t, false)
		case 2 * n / 3:
			h.nats.Restart()
			restartedAt = time.Now()
			// Time until every subscriber has every event published so far.
			backlog := i - 1
			go func() {
				caughtUp <- h.waitAll(t, subs, backlog, 30*time.Second)
			}()
		}
		h.create(t, i%2, fmt.Sprintf("ev-%d", i))
		published++
		lastAt = time.Now()
		time.Sleep(5 * time.Millisecond)
	}
	outage := restartedAt.Sub(killedAt)
	backlogDone := <-caughtUp
	allDone := h.waitAll(t, subs, n, 30*time.Second)
	h.waitHealth(t, true)

	for _, s := range subs {
		s.mu.Lock()
		var missing []int
		dups := 0
		for i := 1; i <= n; i++ {
			switch c := s.seen[fmt.Sprintf("ev-%d", i)]; {
			case c == 0:
				missing = append(missing, i)
			case c > 1:
				dups += c - 1
			}
		}
		t.Logf("%s: delivered %d of %d, duplicates %d", s.name, s.delivered, n, dups)
		if len(missing) > 0 || dups > 0 {
			t.Errorf("%s: missing %v, %d duplicates", s.name, missing, dups)
		}
		if len(s.errs) > 0 {
			t.Errorf("%s: errors %v (nothing was lost: the outbox holds %d)", s.name, s.errs, n)
		}
		if s.closedWith != nil {
			t.Errorf("%s: closed by the server: %v", s.name, s.closedWith)
		}
		// Each instance's events arrive in the order it published them.
		last := map[int]int{}
		for _, i := range s.order {
			if i <= last[i%2] {
				t.Errorf("%s: ev-%d after ev-%d", s.name, i, last[i%2])
				break
			}
			last[i%2] = i
		}
		s.mu.Unlock()
	}
	for i, inst := range h.inst {
		logs := inst.log.String()
		down, up := strings.Count(logs, "broker disconnected"), strings.Count(logs, "broker reconnected")
		if down != 1 || up != 1 {
			t.Errorf("instance %d logged %d disconnects and %d reconnects, want 1 and 1:\n%s", i, down, up, logs)
		}
		if !inst.sawDown.Load() {
			t.Errorf("instance %d: /healthz never reported the broker down", i)
		}
		m := h.metrics(t, i)
		t.Logf("instance %d: %s", i, m)
		if !strings.Contains(m, "quarry_broker_connected 1") || !strings.Contains(m, `quarry_broker_events_lost_total{where="stream"} 0`) {
			t.Errorf("instance %d metrics: %s", i, m)
		}
	}
	t.Logf("published %d events (%d per instance); NATS down for %s (%d events published meanwhile); every subscriber had caught up %s after NATS restarted, and had all %d events %s after the last mutation",
		published, published/2, outage.Round(time.Millisecond), n/3, backlogDone.Sub(restartedAt).Round(time.Millisecond),
		n, allDone.Sub(lastAt).Round(time.Millisecond))
}

// TestBrokerFaultLosesEvents overflows an instance's outbox during an
// outage: the events beyond it are lost, and every subscriber, on both
// instances, is told so with an error for its subscription.
func TestBrokerFaultLosesEvents(t *testing.T) {
	h := newBrokerHarness(t, func(f *serveFlags) { f.brokerOutbox = 10 })
	subs := h.subscribeAll(t)
	h.warmUp(t, subs)
	h.nats.Kill()
	h.waitHealth(t, false)
	for i := 1; i <= 30; i++ {
		h.create(t, 0, fmt.Sprintf("ev-%d", i))
	}
	h.nats.Restart()
	deadline := time.Now().Add(20 * time.Second)
	for _, s := range subs {
		for !s.hasError() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		s.mu.Lock()
		t.Logf("%s: delivered %d of 30 before the error %v", s.name, s.delivered, s.errs)
		if len(s.errs) != 1 || !strings.Contains(s.errs[0], "subscribe again") {
			t.Errorf("%s: errors %v", s.name, s.errs)
		}
		if s.closedWith != nil {
			t.Errorf("%s: closed by the server: %v", s.name, s.closedWith)
		}
		s.mu.Unlock()
	}
	if m := h.metrics(t, 0); !strings.Contains(m, `quarry_broker_events_lost_total{where="outbox"} 20`) {
		t.Errorf("metrics: %s", m)
	}
}

// brokerHarness is a NATS server, a database and two instances.
type brokerHarness struct {
	nats *natstest.Server
	key  string
	inst [2]*brokerInstance
}

type brokerInstance struct {
	url     string // http://host:port/graphql
	log     *syncBuffer
	sawDown atomic.Bool
}

func newBrokerHarness(t *testing.T, tune func(*serveFlags)) *brokerHarness {
	t.Helper()
	h := &brokerHarness{nats: natstest.Start(t, true)}
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, `CREATE TABLE item (id serial PRIMARY KEY, title text NOT NULL)`)
	project, _ := generatedProject(t, db)
	for i := range h.inst {
		h.inst[i] = startBrokerInstance(t, project, func(f *serveFlags) {
			f.broker = h.nats.URL()
			if tune != nil {
				tune(f)
			}
		}, &h.key)
	}
	return h
}

// startBrokerInstance is startSandboxWith, keeping the instance's log.
func startBrokerInstance(t *testing.T, project string, tune func(*serveFlags), key *string) *brokerInstance {
	t.Helper()
	inst := &brokerInstance{log: &syncBuffer{}}
	e := newEnv(strings.NewReader(""), io.Discard, inst.log)
	e.projectFlag = project
	ctx, cancel := context.WithCancel(context.Background())
	f := &serveFlags{dev: true, host: "127.0.0.1", port: 0, dataDir: filepath.Join(project, "amplify", "data"), pool: 8,
		queueWait: 5 * time.Second, stmtTime: 10 * time.Second}
	tune(f)
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- e.runSandbox(ctx, f, func(url, k string) { inst.url, *key = url, k; close(ready) })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sandbox: %v", err)
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
	go inst.watchHealth(ctx)
	return inst
}

// watchHealth polls /healthz, noting whether it ever said the broker was
// down.
func (b *brokerInstance) watchHealth(ctx context.Context) {
	for ctx.Err() == nil {
		if ok, _ := b.health(); !ok {
			b.sawDown.Store(true)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// health reports /healthz's word on the broker.
func (b *brokerInstance) health() (ok bool, detail string) {
	resp, err := http.Get(strings.TrimSuffix(b.url, "/graphql") + "/healthz")
	if err != nil {
		return true, err.Error() // the instance is stopping
	}
	defer resp.Body.Close()
	var report map[string]string
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &report)
	return report["broker"] == "ok" && report["status"] == "ok", string(raw)
}

// waitHealth waits until both instances' /healthz report the broker up
// (or down).
func (h *brokerHarness) waitHealth(t *testing.T, up bool) {
	t.Helper()
	for i, inst := range h.inst {
		var detail string
		deadline := time.Now().Add(10 * time.Second)
		for {
			var ok bool
			if ok, detail = inst.health(); ok == up {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("instance %d: /healthz says %s, want the broker up=%v", i, detail, up)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("instance %d /healthz: %s", i, detail)
	}
}

var brokerMetric = regexp.MustCompile(`(?m)^quarry_broker_\S+ \S+$`)

func (h *brokerHarness) metrics(t *testing.T, i int) string {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(h.inst[i].url, "/graphql") + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return strings.Join(brokerMetric.FindAllString(string(raw), -1), "; ")
}

func (h *brokerHarness) create(t *testing.T, on int, title string) {
	t.Helper()
	out := gql(t, h.inst[on].url, h.key, `mutation { createItem(input: {title: "`+title+`"}) { id } }`)
	if out["errors"] != nil {
		t.Fatalf("create %s on %d: %v", title, on, out["errors"])
	}
}

// subscribeAll opens, on each instance, one subscriber per protocol.
func (h *brokerHarness) subscribeAll(t *testing.T) []*faultSub {
	var subs []*faultSub
	for i, inst := range h.inst {
		subs = append(subs, dialFaultSub(t, fmt.Sprintf("instance %d graphql-transport-ws", i), inst.url, h.key, false, 0),
			dialFaultSub(t, fmt.Sprintf("instance %d appsync", i), inst.url, h.key, true, 0))
	}
	// A subscriber that reads at a steady pace, slower than a burst
	// arrives (2ms per message: a busy UI thread): the catch-up must wait
	// for it rather than close it for being "too slow".
	for i, inst := range h.inst {
		subs = append(subs, dialFaultSub(t, fmt.Sprintf("instance %d appsync, reading at 500 messages/s", i), inst.url, h.key, true, 2*time.Millisecond))
	}
	return subs
}

// warmUp creates an item on each instance until every subscriber has had
// one: subscriptions are registered by then.
func (h *brokerHarness) warmUp(t *testing.T, subs []*faultSub) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for k := 0; ; k++ {
		h.create(t, k%2, "warm-up")
		time.Sleep(50 * time.Millisecond)
		all := true
		for _, s := range subs {
			s.mu.Lock()
			all = all && s.seen["warm-up"] > 0
			s.mu.Unlock()
		}
		if all {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("subscribers got no warm-up event")
		}
	}
}

// waitAll waits until every subscriber has had ev-1 … ev-n, or an error.
func (h *brokerHarness) waitAll(t *testing.T, subs []*faultSub, n int, d time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(d)
	for _, s := range subs {
		for {
			s.mu.Lock()
			have := 0
			for i := 1; i <= n; i++ {
				if s.seen[fmt.Sprintf("ev-%d", i)] > 0 {
					have++
				}
			}
			done := have == n || len(s.errs) > 0 || s.closedWith != nil
			s.mu.Unlock()
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s has %d of %d events after %s", s.name, have, n, d)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return time.Now()
}

// faultSub is a subscriber to onCreateItem that records what it gets.
type faultSub struct {
	name string
	ws   *websocket.Conn
	pace time.Duration // how long it takes over each message

	mu         sync.Mutex
	seen       map[string]int
	order      []int // the numbers of ev-<n> titles, in arrival order
	delivered  int
	errs       []string
	closedWith error
}

func (s *faultSub) hasError() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.errs) > 0
}

func dialFaultSub(t *testing.T, name, httpURL, key string, appsync bool, pace time.Duration) *faultSub {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	base := "ws://" + strings.TrimPrefix(httpURL, "http://")
	protocols := []string{"graphql-transport-ws"}
	if appsync {
		hdr, _ := json.Marshal(map[string]string{"host": "localhost", "x-api-key": key})
		base += "/realtime"
		protocols = []string{"graphql-ws", "header-" + base64.RawURLEncoding.EncodeToString(hdr)}
	}
	ws, resp, err := websocket.Dial(ctx, base, &websocket.DialOptions{Subprotocols: protocols})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	s := &faultSub{name: name, ws: ws, seen: map[string]int{}, pace: pace}
	write := func(v any) {
		raw, _ := json.Marshal(v)
		if err := ws.Write(ctx, websocket.MessageText, raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	read := func(want string) {
		for {
			_, raw, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("%s: waiting for %s: %v", name, want, err)
			}
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			if m["type"] == want {
				return
			}
			if m["type"] != "ka" {
				t.Fatalf("%s: waiting for %s: %s", name, want, raw)
			}
		}
	}
	query := `subscription { onCreateItem { id title } }`
	if appsync {
		write(map[string]any{"type": "connection_init"})
		read("connection_ack")
		data, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{}})
		write(map[string]any{"id": "s", "type": "start", "payload": map[string]any{"data": string(data),
			"extensions": map[string]any{"authorization": map[string]string{"host": "localhost", "x-api-key": key}}}})
		read("start_ack")
	} else {
		write(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": key}})
		read("connection_ack")
		write(map[string]any{"id": "s", "type": "subscribe", "payload": map[string]any{"query": query}})
	}
	var stopping atomic.Bool
	stopped := make(chan struct{})
	go s.readLoop(&stopping, stopped)
	t.Cleanup(func() {
		stopping.Store(true)
		ws.CloseNow()
		<-stopped
	})
	return s
}

func (s *faultSub) readLoop(stopping *atomic.Bool, stopped chan struct{}) {
	defer close(stopped)
	for {
		_, raw, err := s.ws.Read(context.Background())
		time.Sleep(s.pace)
		if err != nil {
			if !stopping.Load() {
				s.mu.Lock()
				s.closedWith = err
				s.mu.Unlock()
			}
			return
		}
		var m struct {
			Type    string          `json:"type"`
			ID      string          `json:"id"`
			Payload json.RawMessage `json:"payload"`
		}
		_ = json.Unmarshal(raw, &m)
		s.mu.Lock()
		switch m.Type {
		case "data", "next":
			var p struct {
				Data struct {
					OnCreateItem struct{ Title string } `json:"onCreateItem"`
				} `json:"data"`
			}
			_ = json.Unmarshal(m.Payload, &p)
			title := p.Data.OnCreateItem.Title
			s.seen[title]++
			if k, ok := strings.CutPrefix(title, "ev-"); ok {
				i, _ := strconv.Atoi(k)
				s.order = append(s.order, i)
				s.delivered++
			}
		case "error", "complete":
			s.errs = append(s.errs, m.Type+" "+m.ID+": "+string(m.Payload))
		}
		s.mu.Unlock()
	}
}
