package exec

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// outage tracks whether the database is reachable, so that an outage is
// logged once (not once per request) and requests waiting for a slot are
// answered at once instead of when their queue wait runs out.
type outage struct {
	log  *slog.Logger
	down atomic.Bool // read on every statement without the lock

	mu    sync.Mutex
	since time.Time
	// wake is closed when an outage begins, waking queued requests; a
	// new one is made when it ends.
	wake chan struct{}
}

// started returns a channel closed when an outage begins, or nil when the
// database is already unreachable.
func (o *outage) started() <-chan struct{} {
	if o.down.Load() {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since != (time.Time{}) {
		return nil
	}
	if o.wake == nil {
		o.wake = make(chan struct{})
	}
	return o.wake
}

func (o *outage) isDown() bool { return o.down.Load() }

// begin notes that a statement found the database unreachable.
func (o *outage) begin(cause error) {
	if o.down.Load() {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since != (time.Time{}) {
		return
	}
	o.since = time.Now()
	o.down.Store(true)
	if o.wake != nil {
		close(o.wake)
		o.wake = nil
	}
	if o.log != nil {
		o.log.Error("database unreachable: requests fail with ServiceUnavailableException until it answers again", "error", cause.Error())
	}
}

// end notes that a statement succeeded.
func (o *outage) end() {
	if !o.down.Load() {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since == (time.Time{}) {
		return
	}
	d := time.Since(o.since)
	o.since = time.Time{}
	o.down.Store(false)
	if o.log != nil {
		o.log.Info("database reachable again", "outage", d.Round(time.Millisecond).String())
	}
}
