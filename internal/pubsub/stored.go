package pubsub

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Stored waits until every event this instance published before the call
// is stored in the JetStream stream (acknowledged by the server), or ctx
// ends. Publish only queues an event in the outbox; a caller that must
// not forget an event until the broker holds it (the change stream, which
// acknowledges its position to the database) waits here.
func (n *NATS) Stored(ctx context.Context) error {
	o := &n.out
	o.mu.Lock()
	target := o.seq
	o.mu.Unlock()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		if n.storedUpTo(target) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-n.ctx.Done():
			return n.ctx.Err()
		case <-t.C:
		}
	}
}

// storedUpTo reports whether the outbox holds no event numbered target
// or lower.
func (n *NATS) storedUpTo(target uint64) bool {
	o := &n.out
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.head == len(o.queue) {
		return true
	}
	// The message id is <sender>-<seq> (message).
	id := o.queue[o.head].Header.Get(jetstream.MsgIDHeader)
	seq, err := strconv.ParseUint(id[strings.LastIndexByte(id, '-')+1:], 10, 64)
	return err == nil && seq > target
}
