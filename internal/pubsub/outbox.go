package pubsub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// outbox holds an instance's events until the stream has stored them, in
// the order they were published. It is bounded: during a long outage the
// newest events are dropped, and their sequence numbers are skipped, so
// every receiver notices the hole.
type outbox struct {
	mu       sync.Mutex
	max      int
	maxBytes int
	bytes    int // of the events waiting
	seq      uint64
	queue    []*nats.Msg
	head     int
	closed   bool
	// gap is set when events were dropped since the outbox last emptied:
	// once it empties, a marker carries the sequence past the hole so
	// that receivers learn of it even if no event follows.
	gap bool
	// lastErr is why the last attempt to store an event failed; nil after
	// a success.
	lastErr error
	wake    chan struct{}
}

func (o *outbox) init(max, maxBytes int) {
	o.max, o.maxBytes = max, maxBytes
	o.wake = make(chan struct{}, 1)
}

func (o *outbox) len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue) - o.head
}

func (o *outbox) state() (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue) - o.head, o.lastErr
}

func (o *outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Publish queues ev to be stored in the stream, after every event this
// instance published before it. It does not wait for the broker: a
// mutation must not fail, nor stall, because subscribers will hear of it
// later. It fails only when the outbox is full (ErrOutboxFull).
func (n *NATS) Publish(_ context.Context, ev Event) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("broker: encoding an event: %w", err)
	}
	o := &n.out
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return errors.New("broker: closed")
	}
	o.seq++
	msg, err := n.message(o.seq, raw)
	if err != nil {
		o.mu.Unlock()
		return err
	}
	if len(o.queue)-o.head >= o.max || o.bytes+len(msg.Data) > o.maxBytes {
		first := !o.gap
		o.gap = true
		o.mu.Unlock()
		n.m.lost.WithLabelValues("outbox").Inc()
		if first {
			n.log.Error("broker outbox full: change events are being lost; every instance's subscribers will be told to subscribe again once the broker is back",
				"broker", n.url, "outbox", o.max, "outbox_bytes", o.maxBytes)
		}
		return ErrOutboxFull
	}
	if o.head > 0 && len(o.queue) == cap(o.queue) {
		k := copy(o.queue, o.queue[o.head:])
		clear(o.queue[k:])
		o.queue, o.head = o.queue[:k], 0
	}
	o.queue = append(o.queue, msg)
	o.bytes += len(msg.Data)
	o.mu.Unlock()
	o.poke()
	return nil
}

// message signs the event numbered seq (raw nil: a marker).
func (n *NATS) message(seq uint64, raw json.RawMessage) (*nats.Msg, error) {
	data, err := n.sign.seal(envelope{Sender: n.sender, Seq: seq, Time: time.Now().UnixNano(), Event: raw})
	if err != nil {
		return nil, err
	}
	msg := nats.NewMsg(n.subject)
	msg.Data = data
	// The stream stores a retried publish once, and only this API's
	// stream may store it.
	msg.Header.Set(jetstream.MsgIDHeader, n.sender+"-"+strconv.FormatUint(seq, 10))
	msg.Header.Set(jetstream.ExpectedStreamHeader, n.stream)
	return msg, nil
}

// next returns up to max of the oldest events not yet stored, in order,
// after putting a marker in an empty outbox that dropped events. They
// stay in the outbox until done removes them.
func (o *outbox) next(n *NATS, max int) []*nats.Msg {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.head == len(o.queue) && o.gap && !o.closed {
		o.seq++
		if msg, err := n.message(o.seq, nil); err == nil {
			o.queue = append(o.queue, msg)
			o.bytes += len(msg.Data)
			o.gap = false
		}
	}
	end := min(len(o.queue), o.head+max)
	return append([]*nats.Msg(nil), o.queue[o.head:end]...)
}

// done removes msg, stored, from the outbox.
func (o *outbox) done(msg *nats.Msg) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lastErr = nil
	if o.head < len(o.queue) && o.queue[o.head] == msg {
		o.bytes -= len(msg.Data)
		o.queue[o.head] = nil
		o.head++
		if o.head == len(o.queue) {
			o.queue, o.head = o.queue[:0], 0
		}
	}
}

func (o *outbox) failed(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lastErr = err
}

// publishWindow is how many events flush has in flight at once.
const publishWindow = 256

// flush stores the outbox's events in the stream, in order. It sends a
// window of them without waiting between them (one connection keeps
// their order, and the server stores them as they arrive) and then takes
// the acknowledgements in order: waiting for each before sending the
// next capped the change stream at one round trip per event. When one
// fails, flush sends again from it: those after it that were stored are
// recognised by their message id and stored once. Only a server that
// refuses one event and stores the next (not a lost connection, which
// loses both) can put a later event first; receivers then see a hole in
// the sequence and tell their subscribers to subscribe again, as for any
// lost event.
func (n *NATS) flush() {
	defer n.wg.Done()
	var bo backoff
	for {
		msgs := n.out.next(n, publishWindow)
		if len(msgs) == 0 {
			select {
			case <-n.out.wake:
				continue
			case <-n.ctx.Done():
				return
			}
		}
		if !n.waitConnected() {
			return
		}
		err := n.store(msgs)
		if err == nil {
			bo.reset()
			continue
		}
		if n.ctx.Err() != nil {
			return
		}
		if !n.isConnected() || errors.Is(err, context.Canceled) {
			// The connection dropped (or came back) under the publish:
			// nothing to report, the event is sent again once connected.
			continue
		}
		n.out.failed(err)
		if errors.Is(err, jetstream.ErrNoStreamResponse) {
			// Connected, yet no stream answers: the server restarted
			// without its store. Create the stream again.
			sctx, cancel := n.requestCtx(requestTimeout)
			if _, serr := n.ensureStream(sctx); serr != nil {
				err = serr
			}
			cancel()
		}
		n.warn.warn("publish", "broker: storing a change event failed; retrying", "broker", n.url, "error", err.Error(), "outbox", n.out.len())
		if !n.sleep(bo.next()) {
			return
		}
	}
}

// store sends msgs and removes from the outbox, in order, each
// one the stream acknowledged, up to the first that failed: its error is
// returned.
func (n *NATS) store(msgs []*nats.Msg) error {
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	var sendErr error
	for _, msg := range msgs {
		f, err := n.js.PublishMsgAsync(msg)
		if err != nil {
			sendErr = err
			break
		}
		futures = append(futures, f)
	}
	timeout := time.NewTimer(publishTimeout)
	defer timeout.Stop()
	for i, f := range futures {
		select {
		case <-f.Ok():
			n.out.done(msgs[i])
			n.m.published.Inc()
		case err := <-f.Err():
			return err
		case <-timeout.C:
			return context.DeadlineExceeded
		case <-n.ctx.Done():
			return n.ctx.Err()
		}
	}
	return sendErr
}
