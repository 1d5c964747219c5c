package pubsub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// errReset asks the reader to read on through a new consumer.
var errReset = errors.New("reset")

// read delivers the stream to the receivers from the event after last,
// for the life of the broker.
//
// Each instance reads through an ephemeral consumer (in the server's
// memory, acknowledgements off) that starts at the stream sequence after
// the last event it handled, and makes a new one from there whenever
// the old one fails: after a reconnect, a server restart (which forgets
// memory consumers), or a message the client dropped. The position
// lives in this process, not in the server, on purpose: a durable
// consumer per instance would need a stable instance name, would outlive
// instances that are scaled away, and would make a restarted instance
// replay history to subscribers that never saw it; an instance that
// starts reads from the end of the stream (DialNATS), and one that keeps
// running misses nothing, since the stream keeps events for
// Options.RetentionAge.
func (n *NATS) read(last uint64) {
	defer n.wg.Done()
	g := newGuard(time.Now(), n.opts.MaxEventAge, n.opts.ClockSkew)
	var bo backoff
	serial := 0
	// created is when the stream this instance reads was made: a stream
	// made anew (deleted, or lost with the server's store) starts its
	// sequences again, and may already hold more than last.
	var created time.Time
	for n.waitConnected() {
		serial++
		var err error
		last, err = n.consume(g, last, serial, &created)
		if n.ctx.Err() != nil {
			return
		}
		if err == nil || errors.Is(err, errReset) || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
			bo.reset()
			continue
		}
		if n.isConnected() {
			n.warn.warn("read", "broker: reading change events failed; retrying", "broker", n.url, "error", err.Error())
		}
		if !n.sleep(bo.next()) {
			return
		}
	}
}

// consume reads through one consumer until it fails, and returns the
// stream sequence of the last event handled.
func (n *NATS) consume(g *guard, last uint64, serial int, created *time.Time) (uint64, error) {
	ctx, cancel := n.requestCtx(requestTimeout)
	defer cancel()
	s, err := n.js.Stream(ctx, n.stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		// The server came back without its store: nothing to read from,
		// and whatever this instance had not read yet is gone.
		_, err = n.ensureStream(ctx)
		if err == nil {
			s, err = n.js.Stream(ctx, n.stream)
		}
	}
	if err != nil {
		return last, fmt.Errorf("stream %s: %w", n.stream, err)
	}
	info := s.CachedInfo()
	if remade := !created.IsZero() && !info.Created.Equal(*created); remade || info.State.LastSeq < last {
		// The stream was made anew, or purged: its sequences start again,
		// and what this instance had not read is gone.
		n.lose("stream", 0, "the broker's stream was deleted or purged")
		last = 0
	}
	*created = info.Created
	cons, err := n.js.CreateOrUpdateConsumer(ctx, n.stream, jetstream.ConsumerConfig{
		Name:              fmt.Sprintf("quarry_%s_%d", n.sender, serial),
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       last + 1,
		AckPolicy:         jetstream.AckNonePolicy,
		MemoryStorage:     true,
		Replicas:          1,
		InactiveThreshold: time.Minute,
	})
	if err != nil {
		return last, fmt.Errorf("consumer: %w", err)
	}
	name := cons.CachedInfo().Name
	// The client asks for events in batches as the previous one is used
	// up: while the receivers make the reader wait (Room), nothing more
	// is fetched, and a backlog stays in the stream.
	it, err := cons.Messages(jetstream.PullMaxMessages(pullBatch), jetstream.PullHeartbeat(pullHeartbeat),
		jetstream.WithMessagesErrOnMissingHeartbeat(true))
	if err != nil {
		return last, fmt.Errorf("consumer: %w", err)
	}
	n.iterMu.Lock()
	n.iter = it
	n.iterMu.Unlock()
	defer func() {
		n.iterMu.Lock()
		n.iter = nil
		n.iterMu.Unlock()
		it.Stop()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = n.js.DeleteConsumer(ctx, n.stream, name)
		}()
	}()
	// A disconnect between making the consumer and recording the
	// iterator would go unnoticed until the heartbeats stop.
	if !n.isConnected() {
		return last, errReset
	}
	var delivered uint64
	for {
		msg, err := it.Next()
		if err != nil {
			return last, err
		}
		md, err := msg.Metadata()
		if err != nil {
			return last, fmt.Errorf("message metadata: %w", err)
		}
		if md.Sequence.Consumer != delivered+1 {
			// The client dropped a message (its buffer overflowed): read
			// again from the last one handled.
			return last, errReset
		}
		delivered = md.Sequence.Consumer
		if seq := md.Sequence.Stream; seq > last+1 {
			n.lose("stream", seq-last-1, fmt.Sprintf("the broker's stream dropped %d events (retention %s, %d bytes) before this instance read them", seq-last-1, n.opts.RetentionAge, n.opts.RetentionBytes))
		}
		last = md.Sequence.Stream
		// Let the receivers pace a backlog, and a burst: events the
		// client fetched in one batch count as delivered, not pending,
		// and would otherwise reach a subscriber's queue all at once.
		for _, r := range n.rs.snapshot() {
			if err := r.Room(n.ctx); err != nil {
				return last, err
			}
		}
		n.handle(g, msg.Data())
	}
}

// stopReading ends the current consumer's iteration, so that the reader
// makes a new consumer from where it stopped.
func (n *NATS) stopReading() {
	n.iterMu.Lock()
	defer n.iterMu.Unlock()
	if n.iter != nil {
		n.iter.Stop()
	}
}

// handle checks one message and delivers its event.
func (n *NATS) handle(g *guard, raw []byte) {
	e, err := n.sign.open(raw)
	if err != nil {
		n.drop(err.Error(), "", 0)
		return
	}
	reason, missed := g.check(e, time.Now())
	if reason != "" {
		n.drop(reason, e.Sender, e.Seq)
		return
	}
	if missed > 0 {
		n.lose("stream", missed, fmt.Sprintf("%d events of another instance never reached this one (its outbox overflowed, or they expired)", missed))
	}
	if len(e.Event) == 0 {
		return // a marker
	}
	var ev Event
	if err := json.Unmarshal(e.Event, &ev); err != nil {
		n.drop(dropMalformed, e.Sender, e.Seq)
		return
	}
	for _, r := range n.rs.snapshot() {
		r.Deliver(ev)
	}
	n.m.delivered.Inc()
}

func (n *NATS) drop(reason, sender string, seq uint64) {
	n.m.dropped.WithLabelValues(reason).Inc()
	if n.opts.OnDrop != nil {
		n.opts.OnDrop(reason)
	}
	args := []any{"reason", reason}
	if sender != "" {
		args = append(args, "sender", sender, "seq", seq)
	}
	n.warn.warn("drop-"+reason, "broker: dropped a message (a replay, a forgery, another deployment's key, or clocks too far apart)", args...)
}

// lose counts events lost for good (count 0: not known) and tells the
// receivers, whose subscribers must start over.
func (n *NATS) lose(where string, count uint64, why string) {
	if count > 0 {
		n.m.lost.WithLabelValues(where).Add(float64(count))
	}
	n.warn.warn("lost", "broker: change events were lost; subscribers are told to subscribe again", "lost", count, "cause", why)
	for _, r := range n.rs.snapshot() {
		r.Lost(why)
	}
}
