package faulttest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// drain is how long `quarry serve` lets requests in flight finish after
// SIGTERM (listenAndServe's drain period).
const drain = 10 * time.Second

// TestSIGTERMUnderLoad sends SIGTERM to quarry while 32 clients have reads
// in flight and a subscriber is connected over graphql-transport-ws. The
// reads are held in flight by a lock on the table, released 1 s after the
// signal. Every request sent before the signal gets its full response,
// the subscriber's socket is closed with 1001 (going away), and quarry
// exits 0 within the drain period.
func TestSIGTERMUnderLoad(t *testing.T) {
	const clients = 32
	s := startPostgres(t)
	admin := s.Admin(t)
	execAll(t, admin, "CREATE TABLE item (id text PRIMARY KEY, n int)",
		"INSERT INTO item SELECT 'row-' || g, g FROM generate_series(1, 20) g")
	pr := newProject(t, s.URI())
	q := startQuarry(t, pr)

	sub := subscribe(t, q.url, pr.key)

	// Hold every read: a transaction of our own locks the table.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lock, err := admin.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback() //nolint:errcheck // committed below when all goes well
	if _, err := lock.ExecContext(ctx, "LOCK TABLE item IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}

	type read struct {
		start, end time.Time
		result
	}
	var (
		wg       sync.WaitGroup
		inFlight atomic.Int64
		stop     = make(chan struct{})
		reads    = make([][]read, clients)
	)
	c := httpClient(clients)
	defer c.CloseIdleConnections()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10_000 {
				select {
				case <-stop:
					return
				default:
				}
				r := read{start: time.Now()}
				inFlight.Add(1)
				r.result = post(context.Background(), c, q.url, pr.key, `{ listItems(limit: 5) { items { id n } } }`, nil)
				inFlight.Add(-1)
				r.end = time.Now()
				reads[i] = append(reads[i], r)
			}
		}()
	}
	stopOnce := sync.OnceFunc(func() { close(stop) })
	defer func() { stopOnce(); _ = lock.Rollback(); wg.Wait() }()

	// Every client has its request out and waiting on the lock.
	for i := 0; inFlight.Load() < clients; i++ {
		if i > 500 {
			t.Fatalf("only %d of %d reads in flight after 5 s", inFlight.Load(), clients)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)

	stopOnce() // no new requests after the signal
	sigAt := time.Now()
	if err := q.p.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := lock.Commit(); err != nil {
		t.Fatal(err)
	}
	exited := q.p.wait(drain + 2*time.Second)
	exitAfter := time.Since(sigAt)
	wg.Wait()
	closeCode, closeErr := sub.closed(5 * time.Second)

	var before, full, failed int
	byType := map[string]int{}
	var sample string
	for _, rs := range reads {
		for _, r := range rs {
			if !r.start.Before(sigAt) {
				continue
			}
			before++
			if r.ok() {
				full++
				continue
			}
			failed++
			byType[r.errType]++
			if sample == "" {
				sample = fmt.Sprintf("%s %q %s", r.errType, r.msg, r.body)
			}
		}
	}
	code := -1
	if exited {
		code = q.exitCode()
	}
	t.Logf("SUMMARY sigterm: inFlightAtSignal=%d fullResponses=%d failed=%d failedByType=%s subscriberClose=%d (%v) exitCode=%d exitMs=%d drainMs=%d",
		before, full, failed, fmtCounts(byType), closeCode, closeErr, code, exitAfter.Milliseconds(), drain.Milliseconds())

	if before < clients {
		t.Errorf("only %d requests were in flight at SIGTERM, want %d", before, clients)
	}
	if failed > 0 {
		t.Errorf("%d of %d requests sent before SIGTERM got no full response, e.g. %s", failed, before, sample)
	}
	if closeCode != websocket.StatusGoingAway {
		t.Errorf("the subscriber's socket closed with %d (%v), want 1001 (going away)", closeCode, closeErr)
	}
	if !exited {
		t.Errorf("quarry still running %s after SIGTERM (drain period %s)", exitAfter, drain)
	} else if code != 0 || exitAfter > drain {
		t.Errorf("quarry exited with %d after %s, want 0 within the drain period (%s)", code, exitAfter, drain)
	}
}

// subscriber is a graphql-transport-ws client with onCreateItem open.
type subscriber struct {
	ws   *websocket.Conn
	msgs chan map[string]any
	done chan struct{}
	err  error // the read error that ended the socket, once done is closed
}

// subscribe opens onCreateItem and makes sure it delivers: it creates
// rows until one arrives.
func subscribe(t *testing.T, url, key string) *subscriber {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(url, "http://"),
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	t.Cleanup(func() { ws.CloseNow() })
	s := &subscriber{ws: ws, msgs: make(chan map[string]any, 64), done: make(chan struct{})}
	// One reader for the socket's whole life (a read whose context ends
	// would close the socket).
	go func() {
		defer close(s.done)
		rctx, rcancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer rcancel()
		for range 100_000 {
			_, raw, err := ws.Read(rctx)
			if err != nil {
				s.err = err
				return
			}
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			select {
			case s.msgs <- m:
			default: // nobody is listening any more
			}
		}
	}()
	send := func(v any) {
		raw, _ := json.Marshal(v)
		if err := ws.Write(ctx, websocket.MessageText, raw); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	next := func(d time.Duration) map[string]any {
		select {
		case m := <-s.msgs:
			return m
		case <-s.done:
			t.Fatalf("the socket closed: %v", s.err)
		case <-time.After(d):
		}
		return nil
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": key}})
	if m := next(5 * time.Second); m["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v", m)
	}
	send(map[string]any{"id": "s1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { onCreateItem { id n } }`}})
	c := httpClient(1)
	defer c.CloseIdleConnections()
	for i := range 20 {
		r := post(ctx, c, url, key, createItem, map[string]any{"input": map[string]any{"id": fmt.Sprintf("sub-%d", i), "n": i}})
		if !r.ok() {
			t.Fatalf("create: %+v", r)
		}
		switch m := next(500 * time.Millisecond); {
		case m == nil:
		case m["type"] == "next":
			return s
		default:
			t.Fatalf("subscription: %v", m)
		}
	}
	t.Fatal("the subscription delivered nothing")
	return nil
}

// closed waits for the socket to end and returns its close code (-1 when
// it was not closed with a close frame).
func (s *subscriber) closed(d time.Duration) (websocket.StatusCode, error) {
	select {
	case <-s.done:
		return websocket.CloseStatus(s.err), s.err
	case <-time.After(d):
		return -1, errors.New("still open")
	}
}
