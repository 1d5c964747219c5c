package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/schema"
)

// changeFeed turns the change stream's transactions into change events
// and publishes them.
type changeFeed struct {
	// name is the stream's (the slot's) name, which marks its events in
	// the broker (resume).
	name     string
	log      *slog.Logger
	src      changeStream
	broker   pubsub.Broker
	maxLag   int64
	standby  time.Duration
	lagEvery time.Duration
	hold     <-chan struct{}
	// models is the current schema's mapping; the sandbox swaps it.
	models atomic.Pointer[changeModels]
	// failed holds the error that stopped the stream for good.
	failed *atomic.Pointer[error]

	// The stream delivers at least once: a transaction is delivered
	// again when it was not acknowledged (a retry after the broker
	// failed, a reconnection, a new leader). lastLSN is the transaction
	// handed on last, published how many of its events were, and done
	// whether all of them were: what is at or before it is not published
	// again by this instance. Only the stream's goroutine touches them.
	lastLSN   changes.LSN
	published int
	done      bool
	// truncated holds the tables whose TRUNCATE was already logged.
	truncated map[changes.Table]bool
	mu        sync.Mutex // serialises setup
}

// changeModels maps the stream's tables to the schema's models.
type changeModels struct {
	byTable map[changes.Table][]*schema.Model
	// streamed are the models whose events come from the stream.
	streamed map[string]bool
	api      *api.Schema
	db       *sql.DB
	// keys holds, per model, each field's name as a JSON key followed by
	// ':', in field order: encoded once per schema, not once per event.
	keys map[string][][]byte
}

// setup prepares the stream for b's tables and makes b's models current.
func (fd *changeFeed) setup(ctx context.Context, b *built) error {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	tables := servedTables(b)
	if len(tables) == 0 {
		return fmt.Errorf("the schema serves no table of the database, so there is no change to read")
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rep, err := fd.src.setup(sctx, tables)
	if err != nil {
		return err
	}
	for _, l := range rep.info {
		fd.log.Info("changes: " + l)
	}
	if len(rep.notStreamed) > 0 {
		fd.log.Warn("changes: views (and other relations whose rows the database does not log) are not in the change stream: their subscribers see only changes made through Quarry",
			"relations", joinTables(rep.notStreamed))
	}
	var ruled []string
	for _, model := range b.schema.Models {
		if containsTable(rep.keysOnly, tableOf(model)) && rowRules(model) {
			ruled = append(ruled, model.Name)
		}
	}
	if len(rep.keysOnly) > 0 {
		fd.log.Info("changes: updates and deletes of these tables tell the old row's key only (REPLICA IDENTITY DEFAULT): a delete event's other fields are null",
			"tables", joinTables(rep.keysOnly))
	}
	if len(ruled) > 0 {
		fd.log.Warn("changes: these models have owner or group rules but their tables tell only the old key of a deleted row, so onDelete reaches no subscriber those rules let in "+
			"(only subscribers under a rule that reads no field of the row, such as public or private): run ALTER TABLE ... REPLICA IDENTITY FULL on their tables",
			"models", strings.Join(ruled, ", "))
	}
	m := &changeModels{byTable: map[changes.Table][]*schema.Model{}, streamed: map[string]bool{}, api: b.engine.API, db: b.db.SQL,
		keys: map[string][][]byte{}}
	for _, model := range b.schema.Models {
		t := tableOf(model)
		if model.Managed || containsTable(rep.notStreamed, t) {
			continue
		}
		m.byTable[t] = append(m.byTable[t], model)
		m.streamed[model.Name] = true
		keys := make([][]byte, len(model.Fields))
		for i, f := range model.Fields {
			k, _ := json.Marshal(f.Name)
			keys[i] = append(k, ':')
		}
		m.keys[model.Name] = keys
	}
	fd.models.Store(m)
	return nil
}

// rowRules reports whether a model has rules that read a field of the
// row (owner, groups from a field), which a delete event carrying only
// the key cannot satisfy.
func rowRules(m *schema.Model) bool {
	for _, r := range m.Auth {
		if r.Allow == "owner" || r.GroupsField != "" {
			return true
		}
	}
	return false
}

func joinTables(ts []changes.Table) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

// fromMutation is what a mutation's event becomes: nothing for a model
// whose events come from the stream, except for the custom subscriptions
// bound to the mutation by name (@aws_subscribe), which keep getting the
// mutation's result as the caller received it.
func (fd *changeFeed) fromMutation(ev pubsub.Event) (pubsub.Event, bool) {
	m := fd.models.Load()
	if ev.Op == "" || m == nil || !m.streamed[ev.Model] {
		return ev, true
	}
	if ev.Mutation != "" && len(m.api.Subscribed[ev.Mutation]) > 0 {
		return pubsub.Event{Mutation: ev.Mutation, Row: ev.Row}, true
	}
	return ev, false
}

// storedWait bounds how long the stream waits for the broker to store
// what it was handed: well below PostgreSQL's wal_sender_timeout (60 s),
// during which the stream answers no keepalive.
const storedWait = 30 * time.Second

// durableFor is what a stream calls before it acknowledges a position to
// the database (changes.PostgresOptions.Durable): it returns once the
// broker holds every event handed to it. The in-process broker has
// delivered them when Publish returns; NATS has them once they are
// stored in its stream, not only queued in the outbox, so that an
// instance that dies with events in its outbox has not acknowledged them,
// and the next leader publishes them again. On a clean stop (ctx ended)
// it waits up to 5 s more, so that what was published is acknowledged
// rather than left to the next leader.
func durableFor(broker pubsub.Broker) func(context.Context) error {
	n, ok := broker.(*pubsub.NATS)
	if !ok {
		return nil
	}
	return func(ctx context.Context) error {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storedWait)
		stop := context.AfterFunc(ctx, func() { time.AfterFunc(5*time.Second, cancel) })
		err := n.Stored(wctx)
		stop()
		cancel()
		if err != nil {
			return fmt.Errorf("waiting for the broker to store change events: %w", err)
		}
		return nil
	}
}

// handle publishes one committed transaction's events. It returns once
// the broker took them, which for NATS means queued: the stream
// acknowledges the transaction to the database only after durableFor's
// wait, once per status report instead of once per transaction.
func (fd *changeFeed) handle(ctx context.Context, tx []changes.Change, lsn changes.LSN) error {
	if lsn < fd.lastLSN || lsn == fd.lastLSN && fd.done {
		return nil
	}
	if lsn != fd.lastLSN {
		fd.lastLSN, fd.published, fd.done = lsn, 0, false
	}
	evs := fd.events(ctx, tx)
	for i := range evs {
		evs[i].Mark = fd.name + "@" + strconv.FormatUint(uint64(lsn), 10) + "#" + strconv.Itoa(i)
	}
	if p, ok := fd.broker.(interface{ Room(context.Context) error }); ok && len(evs) > 0 {
		// The in-process broker delivers while Publish runs: wait until
		// subscribers have room, so that the stream goes at their pace
		// (the database keeps what was not read yet).
		if err := p.Room(ctx); err != nil {
			return err
		}
	}
	for _, ev := range evs[min(fd.published, len(evs)):] {
		if err := fd.broker.Publish(ctx, ev); err != nil {
			return fmt.Errorf("publishing a change event: %w", err)
		}
		fd.published++
	}
	fd.done = true
	return nil
}

// resume, when this instance starts leading, skips what an earlier
// leader already stored in the broker: the database delivers again what
// that leader had not acknowledged, and the broker's last marked event
// says how far it got. Without a broker that keeps events (the in-process
// one) there is no earlier leader to learn from.
func (fd *changeFeed) resume(ctx context.Context) {
	n, ok := fd.broker.(*pubsub.NATS)
	if !ok {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The last leader published up to the moment it stopped; its last
	// event is among the newest few thousand messages unless mutations
	// of other models crowded in after it.
	mark, err := n.LastMark(rctx, fd.name+"@", 5000)
	if err != nil {
		fd.log.Warn("changes: could not read where the last leader stopped; events it published but did not acknowledge may reach subscribers twice", "error", err.Error())
		return
	}
	var lsn uint64
	var i int
	if _, err := fmt.Sscanf(strings.TrimPrefix(mark, fd.name+"@"), "%d#%d", &lsn, &i); err != nil || mark == "" {
		return
	}
	if changes.LSN(lsn) > fd.lastLSN || changes.LSN(lsn) == fd.lastLSN && !fd.done && i+1 > fd.published {
		fd.lastLSN, fd.published, fd.done = changes.LSN(lsn), i+1, false
		fd.log.Info("changes: resuming after the last event the previous leader stored", "lsn", changes.LSN(lsn).String(), "events_of_that_transaction", i+1)
	}
}

// events are a transaction's change events, in order, for every model of
// each changed table.
func (fd *changeFeed) events(ctx context.Context, tx []changes.Change) []pubsub.Event {
	m := fd.models.Load()
	var out []pubsub.Event
	for _, c := range tx {
		t := changes.Table{Schema: c.Schema, Name: c.Table}
		models := m.byTable[t]
		if c.Op == changes.OpTruncate {
			if len(models) > 0 && !fd.truncated[t] {
				if fd.truncated == nil {
					fd.truncated = map[changes.Table]bool{}
				}
				fd.truncated[t] = true
				fd.log.Warn("changes: a TRUNCATE emptied a served table; subscribers are not told (the database does not say which rows went): refetch to see it. Logged once per table",
					"table", t.String())
			}
			continue
		}
		for _, model := range models {
			ev, err := fd.event(ctx, m, model, c)
			if err != nil {
				fd.log.Warn("changes: a change could not be made an event; subscribers miss it", "model", model.Name, "op", c.Op, "lsn", c.LSN.String(), "error", err.Error())
				continue
			}
			out = append(out, ev)
		}
	}
	return out
}

// event is c as model's change event: the row keyed by field name,
// formatted as the API returns it, as the mutation path publishes it.
// A delete carries the old row: under REPLICA IDENTITY DEFAULT only its
// key (the other fields are absent, which subscribers see as null).
// Values an update did not carry (unchanged large values) are read again
// by key.
func (fd *changeFeed) event(ctx context.Context, m *changeModels, model *schema.Model, c changes.Change) (pubsub.Event, error) {
	vals := c.New
	if c.Op == changes.OpDelete {
		vals = c.Old
	}
	if c.Op == changes.OpUpdate && len(c.Unchanged) > 0 {
		more, err := reread(ctx, m.db, model, c)
		if err != nil {
			fd.log.Warn("changes: reading unchanged values again failed; the event leaves them out", "model", model.Name, "error", err.Error())
		} else {
			merged := make(map[string]any, len(vals)+len(more))
			for k, v := range vals {
				merged[k] = v
			}
			for k, v := range more {
				merged[k] = v
			}
			vals = merged
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	keys := m.keys[model.Name]
	for i, f := range model.Fields {
		v, ok := vals[f.Column]
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		b.Write(keys[i])
		if err := exec.WriteField(&b, f, v); err != nil {
			return pubsub.Event{}, fmt.Errorf("field %s: %w", f.Name, err)
		}
	}
	b.WriteByte('}')
	return pubsub.Event{Model: model.Name, Op: c.Op, Row: b.Bytes()}, nil
}
