// Package pubsub carries change events from the instance that made a
// change to every instance serving subscriptions: in process by default,
// or through NATS when several instances serve one API. It knows nothing
// of GraphQL; an event is a model name, what happened and the row.
package pubsub

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
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
}

// Broker delivers every published event to every subscriber, on this
// instance and (with NATS) on the others. Handlers must not block: they
// are called on the broker's delivery goroutine.
type Broker interface {
	Publish(ctx context.Context, ev Event) error
	Subscribe(handler func(Event)) (cancel func(), err error)
	Close() error
}

// Local is the in-process broker.
type Local struct {
	mu       sync.RWMutex
	next     int
	handlers map[int]func(Event)
}

// NewLocal returns an in-process broker.
func NewLocal() *Local { return &Local{handlers: map[int]func(Event){}} }

// Publish calls every handler with ev.
func (l *Local) Publish(_ context.Context, ev Event) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, h := range l.handlers {
		h(ev)
	}
	return nil
}

// Subscribe adds handler until cancel is called.
func (l *Local) Subscribe(handler func(Event)) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := l.next
	l.next++
	l.handlers[id] = handler
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.handlers, id)
	}, nil
}

// Close drops every handler.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handlers = map[int]func(Event){}
	return nil
}

// NATS shares events between instances through a NATS server. Every
// instance publishes to one subject per API and receives its own events
// back from it, so all instances see events in the server's order. Each
// message is signed with a key the instances share: a message another
// client of the NATS server forged, or one from another deployment of the
// same API with another key, is dropped.
type NATS struct {
	conn    *nats.Conn
	subject string
	key     []byte
	// Dropped, when set, is told of each message dropped as unsigned or
	// badly signed.
	Dropped func(reason string)
}

// signed is an event on the wire: the event's JSON and its HMAC-SHA256.
type signed struct {
	Event json.RawMessage `json:"event"`
	MAC   []byte          `json:"mac"`
}

// DialNATS connects to url (nats://host:4222) for the API named api (the
// schema's database identifier, so APIs sharing a NATS server stay apart),
// signing and checking events with key (at least 16 bytes).
func DialNATS(ctx context.Context, url, api string, key []byte) (*NATS, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("broker: the event signing key is %d bytes; use at least 16", len(key))
	}
	opts := []nats.Option{nats.Name("quarry " + api), nats.MaxReconnects(-1)}
	if d, ok := ctx.Deadline(); ok {
		opts = append(opts, nats.Timeout(timeUntil(d)))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("broker %s: %w (is nats-server running? start it, or leave --broker out to use the in-process broker)", redactURL(url), err)
	}
	return &NATS{conn: nc, subject: "quarry." + subjectToken(api) + ".events", key: key}, nil
}

func (n *NATS) mac(event []byte) []byte {
	h := hmac.New(sha256.New, n.key)
	h.Write([]byte(n.subject))
	h.Write(event)
	return h.Sum(nil)
}

// Publish sends ev, signed, to every instance.
func (n *NATS) Publish(_ context.Context, ev Event) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	msg, err := json.Marshal(signed{Event: raw, MAC: n.mac(raw)})
	if err != nil {
		return err
	}
	if err := n.conn.Publish(n.subject, msg); err != nil {
		return fmt.Errorf("broker publish: %w", err)
	}
	return nil
}

// Subscribe receives every instance's events until cancel is called.
func (n *NATS) Subscribe(handler func(Event)) (func(), error) {
	sub, err := n.conn.Subscribe(n.subject, func(m *nats.Msg) {
		var s signed
		var ev Event
		switch {
		case json.Unmarshal(m.Data, &s) != nil || len(s.MAC) == 0:
			n.drop("unsigned message")
		case !hmac.Equal(s.MAC, n.mac(s.Event)):
			n.drop("bad signature (another deployment's key, or a forged event)")
		case json.Unmarshal(s.Event, &ev) != nil:
			n.drop("not an event")
		default:
			handler(ev)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("broker subscribe: %w", err)
	}
	// Delivery must not stop for a slow handler: buffer generously and
	// let the handler (which only enqueues) keep up.
	_ = sub.SetPendingLimits(1<<20, 256<<20)
	if err := n.conn.Flush(); err != nil {
		return nil, fmt.Errorf("broker subscribe: %w", err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

func (n *NATS) drop(reason string) {
	if n.Dropped != nil {
		n.Dropped(reason)
	}
}

// Close drains and closes the connection.
func (n *NATS) Close() error {
	n.conn.Close()
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

func timeUntil(t time.Time) time.Duration {
	return max(time.Until(t), time.Millisecond)
}
