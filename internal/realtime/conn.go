package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/qerr"
)

// Defaults for Server's limits.
const (
	DefaultKeepAlive         = 60 * time.Second
	DefaultConnectionTimeout = 300 * time.Second // what AppSync announces
	DefaultMaxSubscriptions  = 100
	DefaultMaxMessage        = 64 << 10
	DefaultSendBuffer        = 64
	DefaultMaxConnections    = 50000
	DefaultInitTimeout       = 10 * time.Second
	writeTimeout             = 10 * time.Second
)

// Server accepts subscription connections.
type Server struct {
	Hub *Hub
	// Engine returns the engine serving now (the sandbox swaps engines).
	Engine func() *pipeline.Engine
	// Auth returns the authenticator in force now.
	Auth func() *auth.Authenticator
	Log  *slog.Logger

	// KeepAlive is how often "ka" (or a ping) is sent; ConnectionTimeout is
	// what connection_ack announces; zero means the defaults.
	KeepAlive         time.Duration
	ConnectionTimeout time.Duration
	// MaxSubscriptions per connection, MaxMessage bytes per client
	// message, SendBuffer messages queued per connection before it is
	// dropped as too slow; zero means the defaults.
	MaxSubscriptions int
	MaxMessage       int64
	SendBuffer       int
	// MaxConnections bounds open sockets, and InitTimeout how long one may
	// stay open without connection_init; zero means the defaults.
	MaxConnections int
	InitTimeout    time.Duration

	connsMu sync.Mutex
	conns   map[*conn]struct{}
	// One ticker sends every connection's keep-alives, rather than a
	// goroutine per connection.
	kaOnce sync.Once
	// stats are the figures Stats reads.
	stats counters
	// writeBufs lends sockets a write buffer for one message at a time,
	// so that an idle one holds none.
	writeBufs sync.Pool
}

// keepAlives sends each acknowledged connection its keep-alive message
// every KeepAlive, for the life of the process.
func (s *Server) keepAlives() {
	t := time.NewTicker(s.keepAlive())
	defer t.Stop()
	for now := range t.C {
		s.connsMu.Lock()
		for c := range s.conns {
			c.checkStalled(now)
			if ka := c.ka.Load(); ka != nil {
				c.send(*ka)
			}
		}
		s.connsMu.Unlock()
	}
}

// Shutdown closes every connection with 1001 (going away), which clients
// answer by reconnecting, to another instance or to this one restarted.
func (s *Server) Shutdown() {
	s.connsMu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.connsMu.Unlock()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func(c *conn) {
			defer wg.Done()
			c.closeWith(websocket.CloseGoingAway, "server shutting down")
			<-c.ctx.Done()
		}(c)
	}
	wg.Wait()
}

// Connections is the number of open connections.
func (s *Server) Connections() int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	return len(s.conns)
}

func (s *Server) keepAlive() time.Duration { return orDur(s.KeepAlive, DefaultKeepAlive) }

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func orInt(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// protocol is what differs between the two wire protocols.
type protocol interface {
	// data frames one event's payload for subscription id.
	data(id, key string, obj json.RawMessage) []byte
	// ended frames the end of subscription id by the server, for the
	// reason msg, after which the client subscribes again.
	ended(id, msg string) []byte
	// id is the protocol's index in Protocols (Stats).
	id() int
}

// conn is one WebSocket connection and its subscriptions.
//
// The library allows one writer and one reader at a time, besides
// WriteControl and Close from any goroutine. Only the writer goroutine
// calls WriteMessage (and the read loop's open, before anything is
// queued), only the read loop reads, and closeWith (WriteControl) and
// stop (Close) may run anywhere.
type conn struct {
	srv    *Server
	ws     *websocket.Conn
	proto  protocol
	ctx    context.Context
	cancel context.CancelFunc

	// ka is the keep-alive message, set once the connection is
	// acknowledged.
	ka atomic.Pointer[[]byte]
	// writing holds when the write in progress started (UnixNano), 0
	// when none is.
	writing atomic.Int64

	// The queue of messages to write: grown on demand (most connections
	// hold a message or two, and a channel would allocate its whole
	// bound for each), at most limit long.
	qmu   sync.Mutex
	queue [][]byte
	head  int
	limit int
	// over is set while the queue is more than half full: the hub knows
	// the connection as crowded then.
	over   bool
	closed bool
	// writerOn is set while a writer goroutine runs: one runs only while
	// the queue holds messages, so an idle subscriber (most of them) costs
	// no goroutine stack beyond its reader's.
	writerOn bool

	mu   sync.Mutex
	subs map[string]*subscription
	// dropped is set once the connection was found too slow.
	dropped bool
	// closing is set once the server sent its close frame: nothing may
	// follow it, and what the client still sends is not acted on.
	closing atomic.Bool
	// initTimer closes the connection unless the client initialises it
	// in time; nil once it did.
	initTimer *time.Timer
}

// full reports whether the server holds MaxConnections sockets.
func (s *Server) full() bool {
	return s.Connections() >= orInt(s.MaxConnections, DefaultMaxConnections)
}

// newConn starts a connection upgraded from a request with context
// parent: the connection keeps parent's values (the trace the upgrade
// belongs to), not its end, since net/http is done with the request once
// the socket is hijacked.
func (s *Server) newConn(parent context.Context, ws *websocket.Conn, p protocol) *conn {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	ws.SetReadLimit(int64(orInt(int(s.MaxMessage), DefaultMaxMessage)))
	c := &conn{srv: s, ws: ws, proto: p, limit: orInt(s.SendBuffer, DefaultSendBuffer),
		ctx: ctx, cancel: cancel, subs: map[string]*subscription{}}
	s.connsMu.Lock()
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[c] = struct{}{}
	s.connsMu.Unlock()
	s.stats.sockets[p.id()].Add(1)
	s.kaOnce.Do(func() { go s.keepAlives() })
	return c
}

// deliver queues an event's data message, counting it (Stats).
func (c *conn) deliver(msg []byte) {
	if c.send(msg) {
		c.srv.stats.delivered[c.proto.id()].Add(1)
	}
}

// send queues msg and reports whether it did. A connection whose queue
// is full is closed with an error rather than let it slow down the
// broker and other subscribers; the broker's catch-up after an outage
// waits for room (Hub.Room), so only a connection that stopped reading
// gets there.
func (c *conn) send(msg []byte) bool {
	c.qmu.Lock()
	if c.closed {
		c.qmu.Unlock()
		return false
	}
	n := len(c.queue) - c.head
	if n >= c.limit {
		c.qmu.Unlock()
		c.tooSlow()
		return false
	}
	if c.head > 0 && len(c.queue) == cap(c.queue) {
		k := copy(c.queue, c.queue[c.head:])
		clear(c.queue[k:])
		c.queue, c.head = c.queue[:k], 0
	}
	c.queue = append(c.queue, msg)
	if n+1 > c.soft() && !c.over {
		c.over = true
		c.srv.Hub.crowded(c)
	}
	start := !c.writerOn
	c.writerOn = true
	c.qmu.Unlock()
	if start {
		go c.writer()
	}
	return true
}

// soft is how full the queue may be before the broker's catch-up waits
// for this connection: half of it, so that one event for several of its
// subscriptions still fits.
func (c *conn) soft() int { return max(c.limit/2, 1) }

// low is how far a crowded queue must drain before the connection counts
// as roomy again: a quarter. Without the gap, a client reading one frame
// every few seconds would go roomy and crowded on every event, each time
// with its patience renewed, and pace the whole instance to its speed.
func (c *conn) low() int { return c.limit / 4 }

// pop takes the oldest queued message; nil when there is none, and
// then the writer that called it is done (send starts another).
func (c *conn) pop() []byte {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.head == len(c.queue) {
		c.writerOn = false
		return nil
	}
	msg := c.queue[c.head]
	c.queue[c.head] = nil
	c.head++
	if c.head == len(c.queue) {
		c.queue, c.head = c.queue[:0], 0
	}
	if c.over && len(c.queue)-c.head <= c.low() {
		c.over = false
		c.srv.Hub.roomy(c)
	}
	return msg
}

func (c *conn) tooSlow() {
	c.mu.Lock()
	already := c.dropped
	c.dropped = true
	c.mu.Unlock()
	if !already {
		c.srv.stats.queueFull[c.proto.id()].Add(1)
		c.srv.Log.Warn("realtime: subscriber too slow, closing its connection", "queued", c.limit)
		// Apart, since the close frame may wait behind a write in progress.
		go c.closeWith(websocket.ClosePolicyViolation, "subscriber too slow: messages were not read in time")
	}
}

// writer sends queued messages until the queue is empty or the
// connection ends. A write that
// hangs (a peer that stopped reading with its socket buffer full) is
// ended by the keep-alive ticker (checkStalled), not by a timer per
// message: at ten thousand subscribers, timers per write cost more than
// the payloads.
func (c *conn) writer() {
	for {
		msg := c.pop()
		if msg == nil {
			return
		}
		c.writing.Store(time.Now().UnixNano())
		err := c.ws.WriteMessage(websocket.TextMessage, msg)
		c.writing.Store(0)
		if err != nil {
			// Once the close frame is out, writes fail until the client
			// answers it: the handshake ends the connection, not this.
			if !c.closing.Load() {
				c.stop()
			}
			return
		}
	}
}

// checkStalled closes the connection when a write has been blocked for
// longer than writeTimeout.
func (c *conn) checkStalled(now time.Time) {
	if started := c.writing.Load(); started != 0 && now.Sub(time.Unix(0, started)) > writeTimeout {
		c.mu.Lock()
		already := c.dropped
		c.dropped = true
		c.mu.Unlock()
		if !already {
			c.srv.stats.stalled[c.proto.id()].Add(1)
		}
		c.srv.Log.Warn("realtime: a write to a subscriber hung, closing its connection")
		c.stop()
	}
}

// start registers a planned subscription under id, replacing one with the
// same id (a client that reconnects sends its ids again).
func (c *conn) start(id string, req pipeline.Request, identity auth.Identity) error {
	eng := c.srv.Engine()
	p, err := eng.Subscribe(req, identity)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.subs[id]; ok {
		c.srv.Hub.remove(old)
	} else if len(c.subs) >= orInt(c.srv.MaxSubscriptions, DefaultMaxSubscriptions) {
		return qerr.New(qerr.TooLarge, fmt.Sprintf("a connection may hold at most %d subscriptions", orInt(c.srv.MaxSubscriptions, DefaultMaxSubscriptions)))
	}
	s := &subscription{id: id, plan: p, conn: c, shape: shapeOf(p)}
	if _, ok := c.subs[id]; !ok {
		c.srv.stats.subscriptions[c.proto.id()].Add(1)
	}
	c.subs[id] = s
	c.srv.Hub.add(s)
	return nil
}

// end removes subscription id; it reports whether there was one.
func (c *conn) end(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.subs[id]
	if ok {
		delete(c.subs, id)
		c.srv.Hub.remove(s)
		c.srv.stats.subscriptions[c.proto.id()].Add(-1)
	}
	return ok
}

// interrupt ends subscription s, if it is still the one under its id,
// telling the client why (events it should have had were lost).
func (c *conn) interrupt(s *subscription, msg string) {
	c.mu.Lock()
	cur, ok := c.subs[s.id]
	if ok && cur == s {
		delete(c.subs, s.id)
		c.srv.stats.subscriptions[c.proto.id()].Add(-1)
	}
	c.mu.Unlock()
	if ok && cur == s {
		c.send(c.proto.ended(s.id, msg))
	}
}

// shut makes the queue drop what it holds and refuse more.
func (c *conn) shut() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.closed = true
	c.queue, c.head = nil, 0
	if c.over {
		c.over = false
		c.srv.Hub.roomy(c)
	}
}

// close ends the connection when its read loop ends: it waits out a
// closing handshake the read loop began (closeWith, then return), closes
// the socket (hijacked from net/http, which will not close it) and ends
// every subscription.
func (c *conn) close() {
	if c.closing.Load() {
		_, _ = c.read()
	}
	c.stop()
	c.initialised()
	c.srv.connsMu.Lock()
	delete(c.srv.conns, c)
	c.srv.connsMu.Unlock()
	c.srv.stats.sockets[c.proto.id()].Add(-1)
	c.shut()
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range c.subs {
		c.srv.Hub.remove(s)
		delete(c.subs, id)
		c.srv.stats.subscriptions[c.proto.id()].Add(-1)
	}
}

// authenticate checks a map of header names to values.
func (s *Server) authenticate(ctx context.Context, h map[string]string) (auth.Identity, error) {
	return s.Auth().AuthenticateExtensions(ctx, h)
}
