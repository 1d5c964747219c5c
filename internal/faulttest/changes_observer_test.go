package faulttest

// The clients of the --changes database fault tests (changes_test.go):
// subscribers on the AppSync realtime protocol, observers that behave
// like aws-amplify's observeQuery (subscribe, then list every page and
// merge; on a lost connection, do both again), and a writer that inserts
// rows with plain SQL, as any other program would.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// rowID is the id of the writer's i-th row.
func rowID(i int) string { return fmt.Sprintf("r%05d", i) }

// dialRealtime opens an AppSync realtime connection to the quarry at url
// (http://host:port/graphql) with the API key and starts query as
// subscription "1"; it returns once the subscription is acknowledged
// (start_ack), when events published from then on reach it.
func dialRealtime(ctx context.Context, url, key, query string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	hdr := map[string]string{"host": "localhost", "x-api-key": key}
	raw, _ := json.Marshal(hdr)
	ws, resp, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(url, "http://")+"/realtime",
		&websocket.DialOptions{Subprotocols: []string{"graphql-ws", "header-" + base64.RawURLEncoding.EncodeToString(raw)}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	fail := func(err error) (*websocket.Conn, error) {
		ws.CloseNow()
		return nil, err
	}
	write := func(v any) error {
		raw, _ := json.Marshal(v)
		return ws.Write(ctx, websocket.MessageText, raw)
	}
	// await reads until a message of type want, skipping keep-alives.
	await := func(want string) error {
		for {
			_, raw, err := ws.Read(ctx)
			if err != nil {
				return fmt.Errorf("waiting for %s: %w", want, err)
			}
			var m struct{ Type string }
			_ = json.Unmarshal(raw, &m)
			switch m.Type {
			case want:
				return nil
			case "ka":
			default:
				return fmt.Errorf("waiting for %s: %s", want, raw)
			}
		}
	}
	if err := write(map[string]any{"type": "connection_init"}); err != nil {
		return fail(err)
	}
	if err := await("connection_ack"); err != nil {
		return fail(err)
	}
	data, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{}})
	if err := write(map[string]any{"id": "1", "type": "start", "payload": map[string]any{"data": string(data),
		"extensions": map[string]any{"authorization": hdr}}}); err != nil {
		return fail(err)
	}
	if err := await("start_ack"); err != nil {
		return fail(err)
	}
	return ws, nil
}

// readEvents reads onCreateItem events until the connection ends (ctx
// ending closes it), handing each row's id to event. It returns why the
// subscription ended: a read error, or an error or complete message
// (the server ending the subscription, say because events were lost).
func readEvents(ctx context.Context, ws *websocket.Conn, event func(id string, at time.Time)) error {
	for {
		_, raw, err := ws.Read(ctx)
		if err != nil {
			return err
		}
		at := time.Now()
		var m struct {
			Type    string `json:"type"`
			Payload struct {
				Data struct {
					OnCreateItem struct {
						ID string `json:"id"`
					} `json:"onCreateItem"`
				} `json:"data"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("a message that is not JSON: %q", raw)
		}
		switch m.Type {
		case "data":
			event(m.Payload.Data.OnCreateItem.ID, at)
		case "ka":
		case "error", "complete":
			return fmt.Errorf("the subscription ended: %s", raw)
		}
	}
}

// listAll reads every row's id, page by page, as observeQuery does.
func listAll(ctx context.Context, url, key string, add func(ids []string)) error {
	c := httpClient(1)
	defer c.CloseIdleConnections()
	var token any
	for page := 0; page < 1000; page++ {
		r := post(ctx, c, url, key, `query ($t: String) { listItems(limit: 1000, nextToken: $t) { items { id } nextToken } }`,
			map[string]any{"t": token})
		if !r.ok() {
			return fmt.Errorf("listItems: %s %s", r.errType, r.msg)
		}
		var out struct {
			Data struct {
				ListItems struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
					NextToken *string `json:"nextToken"`
				} `json:"listItems"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil {
			return err
		}
		ids := make([]string, len(out.Data.ListItems.Items))
		for i, it := range out.Data.ListItems.Items {
			ids[i] = it.ID
		}
		add(ids)
		if out.Data.ListItems.NextToken == nil {
			return nil
		}
		token = *out.Data.ListItems.NextToken
	}
	return errors.New("listItems: more than 1000 pages")
}

// observer keeps the set of rows the way aws-amplify's observeQuery does:
// it subscribes to onCreateItem, lists every page and merges both; when
// the connection is lost (or the list fails) it does both again.
type observer struct {
	url, key string

	mu sync.Mutex
	// have is the merged set; events counts deliveries per id over the
	// subscription; listed are the ids some list returned.
	have, listed map[string]bool
	events       map[string]int
	// live: subscribed and listed; subAt is when the current
	// subscription was acknowledged.
	live  bool
	subAt time.Time
	// syncs counts completed subscribe+list rounds; ends the reasons
	// subscriptions ended, failures those of rounds that did not
	// complete.
	syncs    int
	ends     map[string]int
	failures map[string]int
	// delivered counts events, for telling when deliveries stopped.
	delivered atomic.Int64
}

func newObserver(url, key string) *observer {
	return &observer{url: url, key: key, have: map[string]bool{}, listed: map[string]bool{}, events: map[string]int{},
		ends: map[string]int{}, failures: map[string]int{}}
}

// run keeps the observer going until ctx ends.
func (o *observer) run(ctx context.Context) {
	for ctx.Err() == nil {
		err := o.round(ctx)
		if ctx.Err() != nil {
			return
		}
		o.mu.Lock()
		o.live = false
		o.failures[errKind(err)]++
		o.mu.Unlock()
		// aws-amplify waits a little, with jitter, before it tries again.
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(50+time.Now().UnixNano()%100) * time.Millisecond):
		}
	}
}

// round is one subscribe+list and the events that follow, until the
// subscription ends. Its error says why.
func (o *observer) round(ctx context.Context) error {
	ws, err := dialRealtime(ctx, o.url, o.key, `subscription { onCreateItem { id } }`)
	if err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	defer ws.CloseNow()
	subAt := time.Now()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ended := make(chan error, 1)
	go func() {
		ended <- readEvents(rctx, ws, func(id string, _ time.Time) {
			o.mu.Lock()
			o.events[id]++
			o.have[id] = true
			o.mu.Unlock()
			o.delivered.Add(1)
		})
	}()
	err = listAll(ctx, o.url, o.key, func(ids []string) {
		o.mu.Lock()
		for _, id := range ids {
			o.have[id], o.listed[id] = true, true
		}
		o.mu.Unlock()
	})
	if err != nil {
		cancel()
		<-ended
		return fmt.Errorf("list: %w", err)
	}
	o.mu.Lock()
	o.live, o.subAt = true, subAt
	o.syncs++
	o.mu.Unlock()
	err = <-ended
	if ctx.Err() == nil {
		o.mu.Lock()
		o.ends[errKind(err)]++
		o.mu.Unlock()
	}
	return err
}

// status is whether the observer is live and how many ids it has.
func (o *observer) status() (live bool, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.live, len(o.have)
}

// errKind is an error with its addresses and numbers blurred, for
// counting kinds.
func errKind(err error) string {
	if err == nil {
		return "nil"
	}
	s := digits.ReplaceAllString(addrs.ReplaceAllString(err.Error(), "ADDR"), "N")
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// collector is a subscriber that records every event's id and arrival.
type collector struct {
	mu     sync.Mutex
	events map[string][]time.Time
	total  atomic.Int64
	ended  chan error
}

// collect subscribes on url and records events until ctx ends or the
// connection is lost.
func collect(ctx context.Context, url, key string) (*collector, error) {
	ws, err := dialRealtime(ctx, url, key, `subscription { onCreateItem { id } }`)
	if err != nil {
		return nil, err
	}
	c := &collector{events: map[string][]time.Time{}, ended: make(chan error, 1)}
	go func() {
		defer ws.CloseNow()
		c.ended <- readEvents(ctx, ws, func(id string, at time.Time) {
			c.mu.Lock()
			c.events[id] = append(c.events[id], at)
			c.mu.Unlock()
			c.total.Add(1)
		})
	}()
	return c, nil
}

// distinct is how many ids arrived at least once.
func (c *collector) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// writer inserts rows r00000, r00001, … into item with plain SQL, each
// in a transaction of its own, and records when each was sent.
type writer struct {
	n      int
	sentAt []time.Time // by row; read once done is closed
	next   atomic.Int64
	done   chan struct{}
	err    error
	end    time.Time // when the last insert returned
}

// startWriter inserts n rows over conns connections, as fast as they go
// (every > 0: one connection, one row every every).
func startWriter(ctx context.Context, db *sql.DB, n, conns int, every time.Duration) *writer {
	w := &writer{n: n, sentAt: make([]time.Time, n), done: make(chan struct{})}
	if every > 0 {
		conns = 1
	}
	var wg sync.WaitGroup
	var errOnce sync.Once
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(w.next.Load())
				if i >= n || ctx.Err() != nil {
					return
				}
				if every > 0 {
					if d := time.Until(start.Add(time.Duration(i) * every)); d > 0 {
						time.Sleep(d) // pacing, not synchronisation
					}
				} else if !w.next.CompareAndSwap(int64(i), int64(i+1)) {
					continue
				}
				w.sentAt[i] = time.Now()
				ictx, cancel := context.WithTimeout(ctx, 20*time.Second)
				_, err := db.ExecContext(ictx, "INSERT INTO item (id, n) VALUES ($1, $2)", rowID(i), i)
				cancel()
				if err != nil {
					errOnce.Do(func() { w.err = fmt.Errorf("inserting %s: %w", rowID(i), err) })
					return
				}
				if every > 0 {
					w.next.Store(int64(i + 1))
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		w.end = time.Now()
		close(w.done)
	}()
	return w
}

// sent is how many inserts were started.
func (w *writer) sent() int { return int(min(w.next.Load(), int64(w.n))) }
