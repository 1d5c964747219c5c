// Package pubsub carries change events from the instance that made a
// change to every instance serving subscriptions: in process by default,
// or through NATS JetStream when several instances serve one API. It
// knows nothing of GraphQL; an event is a model name, what happened and
// the row.
package pubsub

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
)

// Event is one change to a model's row.
type Event struct {
	Model string `json:"model"`
	// Op is "create", "update" or "delete"; empty for a custom mutation.
	Op string `json:"op,omitempty"`
	// Mutation is the mutation's root field name (createNote, or a custom
	// mutation's), for custom subscriptions bound to it.
	Mutation string `json:"mutation,omitempty"`
	// Row is the row as a JSON object keyed by field name, with values as
	// the API returns them: after a create or update, before a delete (for
	// a custom mutation, its result as the caller received it). It
	// holds every field, protected ones included, so each subscriber can be
	// checked against its own rules; it is never sent to clients as is.
	Row json.RawMessage `json:"row"`
	// Mark is the change stream's position of the event, when it came
	// from one; subscribers never see it. A new leader of the stream
	// reads the last one back from the broker (NATS.LastMark).
	Mark string `json:"mark,omitempty"`
}

// Receiver takes what a broker delivers, in the broker's order, on the
// broker's delivery goroutine.
type Receiver interface {
	// Deliver hands over one event. It must not block: a receiver queues.
	Deliver(ev Event)
	// Lost says that events were lost for good (a broker outage longer
	// than the broker keeps events, or more events than the outbox holds):
	// whoever relied on seeing every event must start over, as a
	// subscriber that subscribes again and re-reads does.
	Lost(reason string)
	// Room blocks until the receiver can take a burst without dropping
	// anyone who reads at a normal pace. The NATS broker calls it before
	// each event it reads, so that a backlog, or a burst (a change stream
	// hands on thousands of events a second), is paced by its consumers
	// instead of flooding their queues; it returns at once while no
	// consumer is crowded.
	Room(ctx context.Context) error
}

// Func adapts a plain handler to a Receiver that is never told of losses
// and never slows the broker down.
type Func func(Event)

// Deliver calls f.
func (f Func) Deliver(ev Event) { f(ev) }

// Lost does nothing: a plain handler has no way to start over.
func (Func) Lost(string) {}

// Room never waits.
func (Func) Room(context.Context) error { return nil }

// Broker delivers every published event to every subscriber, on this
// instance and (with NATS) on the others.
type Broker interface {
	Publish(ctx context.Context, ev Event) error
	// Subscribe is Attach for a plain handler.
	Subscribe(handler func(Event)) (cancel func(), err error)
	// Attach delivers events to r until cancel is called.
	Attach(r Receiver) (cancel func(), err error)
	Close() error
}

// receivers is the set of receivers a broker delivers to.
type receivers struct {
	mu   sync.RWMutex
	next int
	set  map[int]Receiver
}

func (rs *receivers) add(r Receiver) func() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.set == nil {
		rs.set = map[int]Receiver{}
	}
	id := rs.next
	rs.next++
	rs.set[id] = r
	return func() {
		rs.mu.Lock()
		defer rs.mu.Unlock()
		delete(rs.set, id)
	}
}

func (rs *receivers) snapshot() []Receiver {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	out := make([]Receiver, 0, len(rs.set))
	for _, r := range rs.set {
		out = append(out, r)
	}
	return out
}

func (rs *receivers) clear() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.set = nil
}

// Local is the in-process broker: Publish hands the event to every
// receiver before it returns, so nothing is ever lost or late.
type Local struct {
	rs receivers
}

// NewLocal returns an in-process broker.
func NewLocal() *Local { return &Local{} }

// Publish calls every receiver with ev.
func (l *Local) Publish(_ context.Context, ev Event) error {
	l.rs.mu.RLock()
	defer l.rs.mu.RUnlock()
	for _, r := range l.rs.set {
		r.Deliver(ev)
	}
	return nil
}

// Room blocks until every receiver has room for a burst (Receiver.Room).
// A publisher that can wait, as the change stream can (the database keeps
// what it has not read), calls it before publishing, so that its pace is
// its subscribers'; a mutation publishes without waiting.
func (l *Local) Room(ctx context.Context) error {
	for _, r := range l.rs.snapshot() {
		if err := r.Room(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Subscribe adds handler until cancel is called.
func (l *Local) Subscribe(handler func(Event)) (func(), error) { return l.Attach(Func(handler)) }

// Attach adds r until cancel is called.
func (l *Local) Attach(r Receiver) (func(), error) { return l.rs.add(r), nil }

// Close drops every receiver.
func (l *Local) Close() error {
	l.rs.clear()
	return nil
}

// subjectToken keeps a NATS subject token to letters, digits, - and _.
func subjectToken(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "default"
	}
	return b.String()
}

// redactURL drops credentials from a broker URL for messages.
func redactURL(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + "…@" + u[i+1:]
		}
	}
	return u
}
