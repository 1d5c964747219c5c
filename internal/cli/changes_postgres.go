package cli

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/schema"
)

// pgChanges is PostgreSQL's change stream: logical decoding through a
// slot and publication named quarry_<name>, led by a session-level
// advisory lock.
type pgChanges struct {
	conn *pgx.ConnConfig
	name string
	log  *slog.Logger
	// durable waits until the broker holds what was handed on
	// (durableFor); nil when handing on is enough.
	durable func(context.Context) error
	src     *changes.Postgres
	// key is the advisory lock's key, derived from the slot's name, so
	// that instances of one deployment (one slot) elect one leader, and
	// deployments with their own slots do not meet.
	key int64

	// mu guards lock, the ordinary connection that holds (or tries for)
	// the advisory lock; the lock lives as long as its session, so a
	// leader that dies (or loses its connection) frees it.
	mu   sync.Mutex
	lock *pgx.Conn
}

// statusInterval is how often the stream tells PostgreSQL what was
// handed on. It bounds what a leader that dies without a clean stop
// leaves unacknowledged, which the next leader publishes again (with the
// in-process broker, subscribers then get those events twice). A report
// is one small message, and with NATS one wait for the outbox: four a
// second cost nothing next to the events.
const statusInterval = 250 * time.Millisecond

func newPGChanges(conn *pgx.ConnConfig, name string, log *slog.Logger, durable func(context.Context) error) (*pgChanges, error) {
	h := fnv.New64a()
	h.Write([]byte("quarry changes leader " + "quarry_" + name))
	// The leader's lock lives as long as its session, and the slot stays
	// taken while its reading session lives: when the leader's host dies
	// without closing them (power, network), PostgreSQL would notice only
	// after the kernel's TCP keepalive (two hours by default). These
	// per-session settings make it notice within about half a minute, so
	// that a standby takes over.
	conn = conn.Copy()
	if conn.RuntimeParams == nil {
		conn.RuntimeParams = map[string]string{}
	}
	for k, v := range map[string]string{"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"} {
		if _, set := conn.RuntimeParams[k]; !set {
			conn.RuntimeParams[k] = v
		}
	}
	return &pgChanges{conn: conn, name: name, log: log, durable: durable, key: int64(h.Sum64())}, nil
}

func (p *pgChanges) setup(ctx context.Context, tables []changes.Table) (changeSetup, error) {
	src, err := changes.NewPostgres(changes.PostgresOptions{Conn: p.conn, Name: p.name, Tables: tables, StatusInterval: statusInterval, Durable: p.durable, Logger: p.log})
	if err != nil {
		return changeSetup{}, err
	}
	rep, err := src.Setup(ctx)
	if err != nil {
		return changeSetup{}, err
	}
	p.mu.Lock()
	p.src = src
	p.mu.Unlock()
	out := changeSetup{notStreamed: rep.NotPublished, keysOnly: rep.KeysOnly}
	out.info = append(out.info, fmt.Sprintf("events come from the database's change stream (replication slot and publication %s, %d tables)", src.Slot(), len(tables)-len(rep.NotPublished)))
	if rep.SlotCreated {
		out.info = append(out.info, "created replication slot "+src.Slot()+": changes committed from now on are delivered, also those made while Quarry is down")
	}
	if rep.PublicationChanged {
		out.info = append(out.info, "publication "+src.Slot()+" now lists the served tables")
	}
	return out, nil
}

func (p *pgChanges) tryLead(ctx context.Context) (<-chan struct{}, func(), bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lock == nil || p.lock.IsClosed() {
		cctx, cancel := context.WithTimeout(ctx, defaultConnectTimeout)
		c, err := pgx.ConnectConfig(cctx, p.conn.Copy())
		cancel()
		if err != nil {
			return nil, nil, false, fmt.Errorf("connecting for the change stream's leader lock: %w", err)
		}
		p.lock = c
	}
	var got bool
	if err := p.lock.QueryRow(ctx, "SELECT pg_catalog.pg_try_advisory_lock($1)", p.key).Scan(&got); err != nil {
		p.closeLock()
		return nil, nil, false, fmt.Errorf("taking the change stream's leader lock: %w", err)
	}
	if !got {
		return nil, nil, false, nil
	}
	held := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := p.lock.Ping(pctx)
		cancel()
		if err != nil {
			p.closeLock()
		}
		return err == nil
	}
	unlock := func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.lock != nil && !p.lock.IsClosed() {
			uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := p.lock.Exec(uctx, "SELECT pg_catalog.pg_advisory_unlock($1)", p.key); err != nil {
				p.closeLock() // ending the session frees the lock
			}
		}
	}
	lost, release := watchLock(held, unlock)
	return lost, release, true, nil
}

// closeLock ends the lock's session; p.mu is held.
func (p *pgChanges) closeLock() {
	if p.lock != nil {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = p.lock.Close(cctx)
		cancel()
		p.lock = nil
	}
}

func (p *pgChanges) follow(ctx context.Context, handle changes.Handler) error {
	p.mu.Lock()
	src := p.src
	p.mu.Unlock()
	// From 0: the slot's confirmed position, which is the durable one.
	return changes.Follow(ctx, src, 0, handle, changes.Backoff{}, p.log)
}

func (p *pgChanges) lag(ctx context.Context) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lock == nil {
		return 0, fmt.Errorf("no connection")
	}
	slots, err := changes.ListSlots(ctx, p.lock)
	if err != nil {
		return 0, err
	}
	for _, s := range slots {
		if s.Name == p.src.Slot() {
			return s.LagBytes, nil
		}
	}
	return 0, fmt.Errorf("replication slot %s is gone", p.src.Slot())
}

func (p *pgChanges) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closeLock()
}

// reread reads an updated row's unchanged large values by its key (only
// PostgreSQL's stream leaves values out: Change.Unchanged).
// PostgreSQL leaves an unchanged TOASTed value out of the change under
// REPLICA IDENTITY DEFAULT; publishing it as null would be wrong. What it
// reads is the row as it is now, which a later change may have moved on
// from; that change's own event follows.
func reread(ctx context.Context, db *sql.DB, model *schema.Model, c changes.Change) (map[string]any, error) {
	cols := make([]string, len(c.Unchanged))
	for i, col := range c.Unchanged {
		cols[i] = pgx.Identifier{col}.Sanitize()
	}
	var where []string
	var args []any
	for _, name := range model.PrimaryKey {
		f := model.Field(name)
		if f == nil {
			return nil, fmt.Errorf("no key field %s", name)
		}
		v, ok := c.New[f.Column]
		if !ok {
			return nil, fmt.Errorf("the change does not carry key column %s", f.Column)
		}
		args = append(args, v)
		where = append(where, fmt.Sprintf("%s = $%d", pgx.Identifier{f.Column}.Sanitize(), len(args)))
	}
	if len(where) == 0 {
		return nil, fmt.Errorf("model %s has no primary key to read the row by", model.Name)
	}
	t := tableOf(model)
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + pgx.Identifier{t.Schema, t.Name}.Sanitize() + " WHERE " + strings.Join(where, " AND ")
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.QueryRowContext(rctx, q, args...).Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(cols))
	for i, col := range c.Unchanged {
		out[col] = vals[i]
	}
	return out, nil
}
