package pubsub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults for Options.
const (
	// DefaultRetentionAge and DefaultRetentionBytes bound the stream of
	// one API: events older, or beyond the size, are dropped oldest first.
	// An instance cut off from the broker for longer than the stream keeps
	// events tells its subscribers to subscribe again.
	DefaultRetentionAge   = time.Hour
	DefaultRetentionBytes = 256 << 20
	// DefaultOutboxSize is how many events an instance keeps while it
	// cannot reach the broker; beyond it they are lost.
	DefaultOutboxSize = 10000
	// DefaultOutboxBytes bounds the same events by size: rows can be
	// large, and an outage must not take the instance's memory.
	DefaultOutboxBytes = 64 << 20
	// DefaultClockSkew is how far instances' clocks may disagree.
	DefaultClockSkew = 30 * time.Second
	// DefaultReconnectWait is the pause between attempts to reconnect.
	DefaultReconnectWait = 500 * time.Millisecond
	publishTimeout       = 5 * time.Second
	requestTimeout       = 5 * time.Second
	pullBatch            = 256
	pullHeartbeat        = 2 * time.Second
)

// ErrOutboxFull is returned by Publish when the outbox is full: the event
// is lost, and every instance's subscribers are told so once the broker
// is back.
var ErrOutboxFull = errors.New("broker outbox full: the event is lost")

// Options tune the NATS broker; zero fields mean the defaults.
type Options struct {
	Log *slog.Logger
	// Metrics receives the broker's metrics (quarry_broker_*); nil means
	// none are registered.
	Metrics prometheus.Registerer
	// RetentionAge and RetentionBytes bound the API's JetStream stream.
	RetentionAge   time.Duration
	RetentionBytes int64
	// OutboxSize is how many events wait for the broker during an
	// outage, OutboxBytes how many bytes of them.
	OutboxSize  int
	OutboxBytes int
	// MaxEventAge is the age past which a received event is dropped as
	// stale (a replay, or an outage too long to matter); default
	// RetentionAge.
	MaxEventAge time.Duration
	// ClockSkew is how far instances' clocks may disagree.
	ClockSkew time.Duration
	// ReconnectWait is the pause between attempts to reconnect.
	ReconnectWait time.Duration
	// OnDrop, when set, is told of each message dropped (tests).
	OnDrop func(reason string)
}

func (o *Options) defaults() {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	o.RetentionAge = orDur(o.RetentionAge, DefaultRetentionAge)
	if o.RetentionBytes <= 0 {
		o.RetentionBytes = DefaultRetentionBytes
	}
	if o.OutboxSize <= 0 {
		o.OutboxSize = DefaultOutboxSize
	}
	if o.OutboxBytes <= 0 {
		o.OutboxBytes = DefaultOutboxBytes
	}
	o.MaxEventAge = orDur(o.MaxEventAge, o.RetentionAge)
	o.ClockSkew = orDur(o.ClockSkew, DefaultClockSkew)
	o.ReconnectWait = orDur(o.ReconnectWait, DefaultReconnectWait)
}

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// NATS shares events between instances through a NATS JetStream stream,
// one per API. Every instance publishes to the stream and reads all of it
// back, its own events included, so every instance delivers events in the
// stream's one order, exactly once.
//
// Nothing is lost to a short broker outage: events published meanwhile
// wait in a bounded outbox and are stored, in order, once the broker is
// back; each instance then reads on from the last event it had read. What
// is lost for good (the outbox overflowed, or the stream dropped events
// before an instance could read them) is noticed, because each sender
// numbers its events, and receivers are told (Receiver.Lost).
//
// Each message is signed with a key the instances share, over its
// sender, sequence and time: a forged message, one from another
// deployment of the API with another key, and a captured message
// published again are all dropped.
type NATS struct {
	opts    Options
	log     *slog.Logger
	url     string
	nc      *nats.Conn
	js      jetstream.JetStream
	subject string
	stream  string
	sign    signer
	sender  string
	m       *metrics
	warn    *warnLimiter
	rs      receivers
	out     outbox

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	stateMu   sync.Mutex
	connected bool
	closing   bool
	since     time.Time     // when the connection state last changed
	changed   chan struct{} // closed and replaced at each change

	iterMu sync.Mutex
	iter   jetstream.MessagesContext
}

// DialNATS connects to url (nats://host:4222) for the API named api (the
// schema's database identifier, so APIs sharing a NATS server stay apart),
// signing and checking events with key (at least 16 bytes). The NATS
// server must run JetStream (nats-server -js): without it, DialNATS fails
// rather than share events in a way that loses them during an outage.
func DialNATS(ctx context.Context, url, api string, key []byte, opts Options) (*NATS, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("broker: the event signing key is %d bytes; use at least 16", len(key))
	}
	opts.defaults()
	token := subjectToken(api)
	n := &NATS{opts: opts, log: opts.Log, url: redactURL(url), subject: "quarry." + token + ".events", stream: "QUARRY_" + token,
		sender: newSenderID(), connected: true, since: time.Now(), changed: make(chan struct{})}
	n.sign = signer{key: key, subject: n.subject}
	n.m = newMetrics(n.connectedGauge, func() float64 { return float64(n.out.len()) })
	n.warn = &warnLimiter{log: n.log, interval: 10 * time.Second}
	n.out.init(opts.OutboxSize, opts.OutboxBytes)
	n.ctx, n.cancel = context.WithCancel(context.Background())
	nopts := []nats.Option{nats.Name("quarry " + api), nats.MaxReconnects(-1),
		nats.ReconnectWait(opts.ReconnectWait), nats.ReconnectJitter(opts.ReconnectWait/5, opts.ReconnectWait/5),
		// The outbox is the buffer: a publish while disconnected fails at
		// once instead of waiting in the client, so the outbox knows what
		// was stored.
		nats.ReconnectBufSize(-1),
		// Notice a broker that went silent (no TCP reset) within seconds.
		nats.PingInterval(5 * time.Second), nats.MaxPingsOutstanding(2),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { n.disconnected(err) }),
		nats.ReconnectHandler(func(*nats.Conn) { n.reconnected() }),
	}
	if d, ok := ctx.Deadline(); ok {
		nopts = append(nopts, nats.Timeout(max(time.Until(d), time.Millisecond)))
	}
	nc, err := nats.Connect(url, nopts...)
	if err != nil {
		n.cancel()
		return nil, fmt.Errorf("broker %s: %w (is nats-server running? start it with JetStream, `nats-server -js`, or leave --broker out to use the in-process broker)", n.url, err)
	}
	n.nc = nc
	fail := func(err error) (*NATS, error) {
		n.cancel()
		nc.Close()
		return nil, err
	}
	if n.js, err = jetstream.New(nc); err != nil {
		return fail(fmt.Errorf("broker %s: %w", n.url, err))
	}
	last, err := n.ensureStream(ctx)
	if err != nil {
		return fail(err)
	}
	if err := n.m.register(opts.Metrics); err != nil {
		return fail(err)
	}
	// A new instance reads from the end of the stream: its subscribers
	// are new, and the events before them are history they have read.
	n.wg.Add(2)
	go n.flush()
	go n.read(last)
	return n, nil
}

// ensureStream creates the API's stream, or brings its limits in line
// with ours, and returns its last sequence.
func (n *NATS) ensureStream(ctx context.Context) (uint64, error) {
	cfg := jetstream.StreamConfig{
		Name:        n.stream,
		Description: "Quarry change events (" + n.subject + ")",
		Subjects:    []string{n.subject},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      n.opts.RetentionAge,
		MaxBytes:    n.opts.RetentionBytes,
		// Within the window, a publish retried after a lost ack is stored
		// once (receivers would drop the copy anyway).
		Duplicates: 2 * time.Minute,
		Replicas:   1,
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, requestTimeout)
		defer cancel()
	}
	s, err := n.js.Stream(ctx, n.stream)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		s, err = n.js.CreateStream(ctx, cfg)
	case err == nil:
		if old := s.CachedInfo().Config; old.MaxAge != cfg.MaxAge || old.MaxBytes != cfg.MaxBytes || old.Duplicates != cfg.Duplicates {
			n.log.Info("broker: changing the stream's retention", "stream", n.stream,
				"max_age", cfg.MaxAge, "max_bytes", cfg.MaxBytes, "was_max_age", old.MaxAge, "was_max_bytes", old.MaxBytes)
			s, err = n.js.UpdateStream(ctx, cfg)
		}
	}
	if err != nil {
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) || errors.Is(err, nats.ErrNoResponders) {
			return 0, fmt.Errorf("broker %s: JetStream is not enabled on the NATS server (%w): Quarry keeps change events in a JetStream stream so that subscribers miss nothing while the broker restarts; start the server with `nats-server -js` (or jetstream {} in its configuration)", n.url, err)
		}
		return 0, fmt.Errorf("broker %s: stream %s: %w", n.url, n.stream, err)
	}
	return s.CachedInfo().State.LastSeq, nil
}

// Subscribe receives every instance's events until cancel is called.
func (n *NATS) Subscribe(handler func(Event)) (func(), error) { return n.Attach(Func(handler)) }

// Attach delivers every instance's events to r until cancel is called.
func (n *NATS) Attach(r Receiver) (func(), error) { return n.rs.add(r), nil }

// Status reports whether the broker is usable now, and in what state.
func (n *NATS) Status() (connected bool, detail string) {
	n.stateMu.Lock()
	ok, since := n.connected, n.since
	n.stateMu.Unlock()
	waiting, lastErr := n.out.state()
	if !ok {
		return false, fmt.Sprintf("disconnected from %s for %s; %d events waiting to be published", n.url, time.Since(since).Round(time.Millisecond), waiting)
	}
	if lastErr != nil && waiting > 0 {
		return false, fmt.Sprintf("connected to %s, but JetStream does not store events (%v); %d events waiting to be published", n.url, lastErr, waiting)
	}
	return true, fmt.Sprintf("connected to %s (stream %s), %d events waiting to be published", n.url, n.stream, waiting)
}

// Check is nil while the broker is usable, else an error saying why: for
// a health check.
func (n *NATS) Check(context.Context) error {
	if ok, detail := n.Status(); !ok {
		return errors.New(detail)
	}
	return nil
}

func (n *NATS) connectedGauge() float64 {
	n.stateMu.Lock()
	defer n.stateMu.Unlock()
	if n.connected {
		return 1
	}
	return 0
}

// disconnected and reconnected run on the NATS client's callback
// goroutine, once per transition.
func (n *NATS) disconnected(err error) {
	n.stateMu.Lock()
	if !n.connected || n.closing {
		n.stateMu.Unlock()
		return
	}
	n.connected, n.since = false, time.Now()
	close(n.changed)
	n.changed = make(chan struct{})
	n.stateMu.Unlock()
	n.m.disconnects.Inc()
	args := []any{"broker", n.url, "outbox", n.out.len()}
	if err != nil {
		args = append(args, "error", err.Error())
	}
	n.log.Warn("broker disconnected: change events wait in the outbox until it is back", args...)
	go n.stopReading()
}

func (n *NATS) reconnected() {
	n.stateMu.Lock()
	if n.connected || n.closing {
		n.stateMu.Unlock()
		return
	}
	outage := time.Since(n.since)
	n.connected, n.since = true, time.Now()
	close(n.changed)
	n.changed = make(chan struct{})
	n.stateMu.Unlock()
	n.log.Info("broker reconnected", "broker", n.url, "outage", outage.Round(time.Millisecond), "outbox", n.out.len())
	// The server may have restarted and lost this instance's consumer:
	// read on from the last event read, through a new one.
	go n.stopReading()
	n.out.poke()
}

// waitConnected blocks until the connection is up; false when closing.
func (n *NATS) waitConnected() bool {
	for {
		n.stateMu.Lock()
		ok, ch := n.connected, n.changed
		n.stateMu.Unlock()
		if ok {
			return n.ctx.Err() == nil
		}
		select {
		case <-ch:
		case <-n.ctx.Done():
			return false
		}
	}
}

// requestCtx bounds one request to the server by d, and ends it early
// when the connection drops or comes back: an answer to a request sent
// before then would never come.
func (n *NATS) requestCtx(d time.Duration) (context.Context, context.CancelFunc) {
	n.stateMu.Lock()
	changed := n.changed
	n.stateMu.Unlock()
	ctx, cancel := context.WithTimeout(n.ctx, d)
	go func() {
		select {
		case <-changed:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func (n *NATS) isConnected() bool {
	n.stateMu.Lock()
	defer n.stateMu.Unlock()
	return n.connected
}

// sleep waits d unless the broker closes first; false when closing.
func (n *NATS) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-n.ctx.Done():
		return false
	}
}

// Close gives events still in the outbox a moment to reach the broker,
// then closes the connection. Events still waiting then are lost.
func (n *NATS) Close() error {
	for deadline := time.Now().Add(2 * time.Second); n.out.len() > 0 && n.isConnected() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	n.out.mu.Lock()
	n.out.closed = true
	n.out.mu.Unlock()
	n.stateMu.Lock()
	n.closing = true
	n.stateMu.Unlock()
	n.cancel()
	n.stopReading()
	n.nc.Close()
	n.wg.Wait()
	n.rs.clear()
	if left := n.out.len(); left > 0 {
		n.log.Warn("broker closed with change events never published", "events", left)
	}
	return nil
}

// backoff doubles a pause from 100ms up to 2s.
type backoff struct{ d time.Duration }

func (b *backoff) next() time.Duration {
	b.d = min(max(b.d*2, 100*time.Millisecond), 2*time.Second)
	return b.d
}

func (b *backoff) reset() { b.d = 0 }
