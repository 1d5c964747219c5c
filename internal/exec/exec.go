// Package exec runs compiled statements against a pool: a bounded number of
// requests use the database at once, the rest queue with a deadline and get
// "database busy" instead of the server's "too many connections"; every
// statement runs under a timeout; a mutation's steps run in one
// transaction. Driver errors come back as qerr errors. It is the one stage
// of the request path that does I/O.
package exec

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Options size the pool. Zero values take the defaults.
type Options struct {
	// PoolSize is how many statements run at once (default 16), and the
	// pool's maximum number of open connections.
	PoolSize int
	// QueueWait is how long a request waits for a connection before it
	// fails as busy (default 5s).
	QueueWait time.Duration
	// StatementTimeout bounds one statement or one mutation's transaction
	// (default 10s).
	StatementTimeout time.Duration
	// MaxIdle is how many unused connections stay open (default PoolSize:
	// a busy server reuses them rather than reconnecting). IdleTimeout
	// closes a connection unused that long (default 30s), so instances
	// that were busy once do not keep the database's connection slots;
	// MaxLifetime replaces connections that old (default 30m), so a
	// failover or a load balancer in front of replicas is followed.
	MaxIdle     int
	IdleTimeout time.Duration
	MaxLifetime time.Duration
	// Log receives "database unreachable" once when an outage starts and
	// "database reachable again" when it ends.
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.PoolSize <= 0 {
		o.PoolSize = 16
	}
	if o.QueueWait <= 0 {
		o.QueueWait = 5 * time.Second
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 10 * time.Second
	}
	if o.MaxIdle <= 0 || o.MaxIdle > o.PoolSize {
		o.MaxIdle = o.PoolSize
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Second
	}
	if o.MaxLifetime <= 0 {
		o.MaxLifetime = 30 * time.Minute
	}
	return o
}

// Executor runs statements on one database.
type Executor struct {
	db   *sql.DB
	opts Options
	// slots bounds concurrent use; a request holds one for its statement.
	slots chan struct{}
	// outage knows whether the database is reachable.
	outage outage
	// waiting counts requests queued for a slot now; waits and waitedNs
	// count those that queued, and for how long in all (metrics).
	waiting, waits, waitedNs atomic.Int64
	// Observe, when set, receives the SQL text of every statement sent to
	// the database, once per statement, just before it runs. It lets a test
	// count what one request costs (the N+1 guard). It is called from
	// concurrent requests, so it must be safe for concurrent use, and it
	// must be set before the executor serves.
	Observe func(sql string)
	// Tracer, when set, is told about every statement (metrics, traces).
	// Like Observe, it must be set before the executor serves.
	Tracer Tracer
}

// New returns an Executor over db, sizing its pool.
func New(db *sql.DB, opts Options) *Executor {
	opts = opts.withDefaults()
	db.SetMaxOpenConns(opts.PoolSize)
	db.SetMaxIdleConns(opts.MaxIdle)
	db.SetConnMaxIdleTime(opts.IdleTimeout)
	db.SetConnMaxLifetime(opts.MaxLifetime)
	x := &Executor{db: db, opts: opts, slots: make(chan struct{}, opts.PoolSize)}
	x.outage.log = opts.Log
	return x
}

// Reachable reports whether the last statement found the database
// reachable, for /healthz and metrics.
func (x *Executor) Reachable() bool { return !x.outage.isDown() }

// InUse reports how many slots are taken, for metrics.
func (x *Executor) InUse() int { return len(x.slots) }

// Waiting reports how many requests are queued for a slot now, and since
// the executor started how many queued and for how long in all.
func (x *Executor) Waiting() (now int, waits int64, waited time.Duration) {
	return int(x.waiting.Load()), x.waits.Load(), time.Duration(x.waitedNs.Load())
}

// acquire takes a slot or fails as busy after QueueWait.
func (x *Executor) acquire(ctx context.Context) (release func(), err error) {
	// A free slot needs no timer: most requests find one.
	select {
	case x.slots <- struct{}{}:
		return x.release, nil
	default:
	}
	// While the database is unreachable, waiting in the queue would only
	// make the client wait for the same answer: the requests that hold the
	// slots are finding out whether it is back.
	down := x.outage.started()
	if down == nil {
		return nil, qerr.New(qerr.Unavailable, qerr.UnreachableMessage)
	}
	t := time.NewTimer(x.opts.QueueWait)
	defer t.Stop()
	start := time.Now()
	x.waiting.Add(1)
	defer func() {
		x.waiting.Add(-1)
		x.waits.Add(1)
		x.waitedNs.Add(int64(time.Since(start)))
	}()
	select {
	case x.slots <- struct{}{}:
		return x.release, nil
	case <-t.C:
		return nil, qerr.New(qerr.Unavailable, fmt.Sprintf("database busy: no connection free within %s", x.opts.QueueWait))
	case <-down:
		return nil, qerr.New(qerr.Unavailable, qerr.UnreachableMessage)
	case <-ctx.Done():
		return nil, qerr.Wrap(qerr.Unavailable, "the request ended while waiting for a connection", ctx.Err())
	}
}

// failed classifies a statement's error and notes an outage it reveals.
func (x *Executor) failed(err error) error {
	if connect.Down(err) {
		x.outage.begin(err)
	}
	return connect.QueryError(err)
}

// commit commits tx and classifies its error: a commit that was sent and
// not answered is ambiguous (connect.CommitError).
func (x *Executor) commit(ctx context.Context, tx *sql.Tx) error {
	// Past its deadline, database/sql rolls back without sending COMMIT:
	// that failure is certain, and is not ambiguous.
	if err := ctx.Err(); err != nil {
		return connect.QueryError(err)
	}
	if err := tx.Commit(); err != nil {
		if connect.Down(err) {
			x.outage.begin(err)
		}
		return connect.CommitError(err)
	}
	x.outage.end()
	return nil
}

func (x *Executor) release() { <-x.slots }

func (x *Executor) observe(sql string) {
	if x.Observe != nil {
		x.Observe(sql)
	}
}

// slot takes a pool slot, puts the statement deadline on ctx and starts
// the statement sql for the Tracer; done, given the statement's error,
// ends it and gives both back.
func (x *Executor) slot(ctx context.Context, sql string) (context.Context, func(error), error) {
	release, err := x.acquire(ctx)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, x.opts.StatementTimeout)
	ctx, end := x.trace(ctx, sql)
	return ctx, func(err error) { end(err); cancel(); release() }, nil
}

// One runs a single-object statement; a nil result means no row.
func (x *Executor) One(ctx context.Context, st sqlgen.Statement) (_ json.RawMessage, err error) {
	ctx, done, err := x.slot(ctx, st.SQL)
	if err != nil {
		return nil, err
	}
	defer func() { done(err) }()
	x.observe(st.SQL)
	var obj json.RawMessage
	err = connect.ReadBytes(ctx, x.db, st.SQL, st.Args, func(cols [][]byte) error {
		if len(cols) != 1 {
			return fmt.Errorf("exec: a single-object statement returned %d columns, not 1", len(cols))
		}
		if obj == nil {
			if err := charge(ctx, 0, len(cols[0])); err != nil {
				return err
			}
			// A NULL object (not something compiled statements return)
			// reads as no row, as scanning into []byte did.
			obj = bytes.Clone(cols[0])
		}
		return nil
	})
	if err != nil {
		return nil, x.failed(err)
	}
	x.outage.end()
	return obj, nil
}

func (x *Executor) scanOne(row *sql.Row) (json.RawMessage, error) {
	var obj []byte
	if err := row.Scan(&obj); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, x.failed(err)
	}
	return obj, nil
}

// Mutate runs a mutation's steps in one transaction and returns the row
// the Returns step produced. A nil result with a nil error means the row
// was missing or the condition did not hold; nothing was changed. A
// single statement on PostgreSQL is its own transaction (mutateAlone).
func (x *Executor) Mutate(ctx context.Context, m sqlgen.Mutation) (_ json.RawMessage, err error) {
	ctx, done, err := x.slot(ctx, x.mutationSQL(m))
	if err != nil {
		return nil, err
	}
	defer func() { done(err) }()
	if len(m.Steps) == 1 && m.Steps[0].Returns && connect.Autocommits(x.db) {
		return x.mutateAlone(ctx, m.Steps[0])
	}
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, x.failed(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	var result json.RawMessage
	for _, step := range m.Steps {
		x.observe(step.SQL)
		if step.Returns {
			obj, err := x.scanOne(tx.QueryRowContext(ctx, step.SQL, step.Args...))
			if err != nil {
				return nil, err
			}
			if obj == nil {
				return nil, nil
			}
			result = obj
			continue
		}
		res, err := tx.ExecContext(ctx, step.SQL, step.Args...)
		if err != nil {
			return nil, x.failed(err)
		}
		if step.MustAffect {
			n, err := res.RowsAffected()
			if err != nil {
				return nil, x.failed(err)
			}
			if n == 0 {
				return nil, nil
			}
		}
	}
	if err := x.commit(ctx, tx); err != nil {
		return nil, err
	}
	return result, nil
}
