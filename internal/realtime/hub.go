// Package realtime serves subscriptions: the AppSync realtime WebSocket
// protocol at /graphql/realtime (what the aws-amplify client speaks) and
// graphql-transport-ws at /graphql (Apollo, urql, graphql-ws). Each
// subscription is planned for its own caller; every change event from the
// broker is matched against each subscription's filter and the caller's
// row rule in Go (pred.Eval), and the payload is built from the event's
// row with the caller's selection, field-protected fields redacted. A slow
// consumer never blocks live delivery to others: its buffer is bounded,
// and it is disconnected when the buffer is full. A backlog (the broker
// catching up after an outage) is paced instead: the broker waits for
// room (Hub.Room) before each event of it.
package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/schema"
)

// DefaultPatience is how long the broker's catch-up waits for a
// connection whose queue stays crowded (over half full, not yet drained to
// a quarter).
const DefaultPatience = 10 * time.Second

// Hub holds the live subscriptions of one server, by model and operation.
type Hub struct {
	mu   sync.RWMutex
	subs map[hubKey]map[*subscription]struct{}

	// Patience is how long Room waits for a connection to drain once it is
	// crowded; zero means DefaultPatience. Past it, the connection no
	// longer holds others back, and is closed if its queue fills up.
	Patience time.Duration

	// crowd holds the connections whose queues are more than half full,
	// with when each became so; room is closed (and replaced) whenever
	// one of them drains.
	roomMu sync.Mutex
	crowd  map[*conn]time.Time
	room   chan struct{}

	// received counts the events Deliver was handed (Stats).
	received atomic.Int64
}

// hubKey indexes model subscriptions by model and operation, and custom
// subscriptions by the mutation they are bound to.
type hubKey struct{ model, op, mutation string }

func keysOf(p *plan.Subscription) []hubKey {
	if p.Mutations == nil {
		return []hubKey{{model: p.Model.Name, op: p.Op}}
	}
	out := make([]hubKey, len(p.Mutations))
	for i, m := range p.Mutations {
		out[i] = hubKey{mutation: m}
	}
	return out
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[hubKey]map[*subscription]struct{}{}, crowd: map[*conn]time.Time{}, room: make(chan struct{})}
}

// crowded and roomy are told by a connection when its queue passes half
// full, and when it is back under (or closed).
func (h *Hub) crowded(c *conn) {
	h.roomMu.Lock()
	defer h.roomMu.Unlock()
	if h.crowd == nil {
		h.crowd, h.room = map[*conn]time.Time{}, make(chan struct{})
	}
	h.crowd[c] = time.Now()
}

func (h *Hub) roomy(c *conn) {
	h.roomMu.Lock()
	defer h.roomMu.Unlock()
	if _, ok := h.crowd[c]; ok {
		delete(h.crowd, c)
		close(h.room)
		h.room = make(chan struct{})
	}
}

// Room blocks until no connection is crowded, so that a backlog of events
// goes out at the pace subscribers read it rather than overflowing their
// queues. A connection crowded for longer than Patience (its queue did not
// drain to a quarter) is not waited for: it reads too slowly, or not at
// all, and must not hold back the others.
func (h *Hub) Room(ctx context.Context) error {
	patience := h.Patience
	if patience <= 0 {
		patience = DefaultPatience
	}
	for {
		h.roomMu.Lock()
		now := time.Now()
		wait := time.Duration(-1)
		for _, since := range h.crowd {
			// Patience runs from when the connection became crowded, not
			// from its last write: a connection that writes now and then
			// but does not drain to a quarter within Patience is too slow
			// to set everyone's pace.
			if d := patience - now.Sub(since); d > 0 && (wait < 0 || d < wait) {
				wait = d
			}
		}
		room := h.room
		h.roomMu.Unlock()
		if wait < 0 {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-room:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
}

// Lost ends every subscription with an error saying why: events they
// should have received were lost (a broker outage longer than it keeps
// events), so their clients must subscribe again and re-read what they
// show (observeQuery does both). The broker logs the reason; clients learn
// only what to do.
func (h *Hub) Lost(string) {
	h.mu.Lock()
	var all []*subscription
	seen := map[*subscription]bool{}
	for _, set := range h.subs {
		for s := range set {
			if !seen[s] {
				seen[s] = true
				all = append(all, s)
			}
		}
	}
	h.subs = map[hubKey]map[*subscription]struct{}{}
	h.mu.Unlock()
	msg := "events for this subscription were lost while the server could not reach its event broker; subscribe again and re-read the data"
	for _, s := range all {
		s.conn.interrupt(s, msg)
	}
}

// subscription is one started subscription of a connection.
type subscription struct {
	id   string
	plan *plan.Subscription
	conn *conn
	// shape identifies what the payload is made of (the selection and its
	// redactions): subscriptions of the same shape get the same bytes for
	// an event, built once.
	shape string
}

// shapeOf describes a selection exactly enough that two selections with
// the same description write the same payload from the same row.
func shapeOf(p *plan.Subscription) string {
	var b strings.Builder
	b.WriteString(p.Key)
	for _, o := range p.Fields {
		b.WriteByte('|')
		b.WriteString(o.Key)
		switch {
		case o.Typename != "":
			b.WriteString("=t:" + o.Typename)
		case o.Field != nil && o.Guard == nil:
			b.WriteString("=f:" + o.Field.Name)
		case o.Connection != nil:
			b.WriteString("=c")
			for _, k := range o.Connection {
				b.WriteString("," + k.Key + ":" + k.What + ":" + k.Typename)
			}
		default:
			b.WriteString("=null")
		}
	}
	return b.String()
}

func (h *Hub) add(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range keysOf(s.plan) {
		set := h.subs[k]
		if set == nil {
			set = map[*subscription]struct{}{}
			h.subs[k] = set
		}
		set[s] = struct{}{}
	}
}

func (h *Hub) remove(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range keysOf(s.plan) {
		delete(h.subs[k], s)
		if len(h.subs[k]) == 0 {
			delete(h.subs, k)
		}
	}
}

// Count is the number of live subscriptions.
func (h *Hub) Count() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, set := range h.subs {
		n += len(set)
	}
	return n
}

// Deliver sends ev to every subscription it matches. It never blocks on a
// subscriber: messages go to each connection's bounded queue.
func (h *Hub) Deliver(ev pubsub.Event) {
	h.received.Add(1)
	h.mu.RLock()
	var targets []*subscription
	if ev.Op != "" {
		for s := range h.subs[hubKey{model: ev.Model, op: ev.Op}] {
			targets = append(targets, s)
		}
	}
	if ev.Mutation != "" {
		for s := range h.subs[hubKey{mutation: ev.Mutation}] {
			targets = append(targets, s)
		}
	}
	h.mu.RUnlock()
	if len(targets) == 0 {
		return
	}
	var r *row
	// Subscribers of the same shape share the payload's bytes; only the
	// frame around them (the subscription id) differs.
	built := map[string]json.RawMessage{}
	for _, s := range targets {
		if s.plan.Mutations != nil {
			if obj, ok := customPayload(s.plan, ev.Row); ok {
				s.conn.deliver(s.conn.proto.data(s.id, s.plan.Key, obj))
			}
			continue
		}
		if r == nil {
			var err error
			if r, err = decodeRow(ev.Row); err != nil {
				return
			}
		}
		if s.plan.Where != nil && !pred.Eval(s.plan.Where, r.byColumn(s.plan.Model)) {
			continue
		}
		obj, ok := built[s.shape]
		if !ok {
			obj = payload(s.plan.Fields, r)
			built[s.shape] = obj
		}
		s.conn.deliver(s.conn.proto.data(s.id, s.plan.Key, obj))
	}
}

// customPayload is what a custom subscription receives of a mutation's
// result, and whether it receives anything: an object that passes the
// filter, each passing element of a list, or a scalar result as it is.
func customPayload(p *plan.Subscription, result json.RawMessage) (json.RawMessage, bool) {
	trimmed := bytes.TrimSpace(result)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, false
	}
	one := func(raw json.RawMessage) (json.RawMessage, bool) {
		r, err := decodeRow(raw)
		if err != nil {
			return nil, false
		}
		get := r.byName
		if p.Model != nil {
			get = r.byColumn(p.Model)
		}
		if !pred.Eval(p.Where, get) {
			return nil, false
		}
		return payload(p.Fields, r), true
	}
	switch {
	case p.Fields == nil:
		return result, p.Where == nil
	case trimmed[0] == '[':
		var items []json.RawMessage
		if json.Unmarshal(trimmed, &items) != nil {
			return nil, false
		}
		var b bytes.Buffer
		b.WriteByte('[')
		n := 0
		for _, it := range items {
			if obj, ok := one(it); ok {
				if n > 0 {
					b.WriteByte(',')
				}
				b.Write(obj)
				n++
			}
		}
		b.WriteByte(']')
		return b.Bytes(), n > 0
	}
	return one(trimmed)
}

// row is an event's row, decoded once for all subscriptions.
type row struct {
	raw    map[string]json.RawMessage // by field name, as the API writes it
	values map[string]any             // the same, decoded
}

func decodeRow(raw json.RawMessage) (*row, error) {
	r := &row{}
	if err := json.Unmarshal(raw, &r.raw); err != nil {
		return nil, err
	}
	r.values = make(map[string]any, len(r.raw))
	for k, v := range r.raw {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			return nil, err
		}
		r.values[k] = x
	}
	return r, nil
}

// byName reads the row by field name (custom types have no columns).
func (r *row) byName(name string) (any, bool) {
	v, ok := r.values[name]
	return v, ok
}

// byColumn reads the row by database column, as predicates name them.
func (r *row) byColumn(m *schema.Model) pred.Row {
	return func(column string) (any, bool) {
		for _, f := range m.Fields {
			if f.Column == column {
				v, ok := r.values[f.Name]
				return v, ok
			}
		}
		return nil, false
	}
}

// payload writes the object a subscription selects from the event's row.
func payload(fields []plan.Output, r *row) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, o := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(&b, o.Key)
		b.WriteByte(':')
		switch {
		case o.Typename != "":
			writeString(&b, o.Typename)
		case o.Field != nil && o.Guard == nil:
			if v, ok := r.raw[o.Field.Name]; ok {
				b.Write(v)
			} else {
				b.WriteString("null")
			}
		case o.Connection != nil:
			// Relationships are not part of a change event: as in the
			// reference, a hasMany is an empty page.
			b.WriteByte('{')
			for j, k := range o.Connection {
				if j > 0 {
					b.WriteByte(',')
				}
				writeString(&b, k.Key)
				b.WriteByte(':')
				switch k.What {
				case "items":
					b.WriteString("[]")
				case "__typename":
					writeString(&b, k.Typename)
				default:
					b.WriteString("null")
				}
			}
			b.WriteByte('}')
		default:
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

func writeString(b *bytes.Buffer, s string) {
	raw, _ := json.Marshal(s)
	b.Write(raw)
}
