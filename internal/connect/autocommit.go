package connect

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Autocommits reports whether Autocommit can run statements on db: a
// PostgreSQL pool, whose connections pgx serves.
func Autocommits(db *sql.DB) bool {
	_, ok := db.Driver().(*stdlib.Driver)
	return ok
}

// Autocommit runs one data-changing statement on PostgreSQL in its own
// implicit transaction (no BEGIN, no COMMIT: the server commits a single
// statement when it completes, or not at all), and returns the one column
// of its first row, nil when it returned none.
//
// Without a transaction of our own, giving up on a statement no longer
// rolls it back: a connection closed under a statement waiting for a lock
// leaves the server to run and commit it later. So when ctx ends, the
// server is asked to cancel the statement (a cancel request), and it
// answers with query_canceled (57014) if it did, or with the row if the
// statement had already finished: either answer is certain. Only when no
// answer comes within grace is the connection closed.
//
// maybeRan reports, with an error, that the server may have committed the
// statement (the answer was lost, the connection dropped, the server shut
// down): the outcome is unknown. A statement the server refused, or that
// failed before it was sent, has maybeRan false.
func Autocommit(ctx context.Context, db *sql.DB, query string, args []any, grace time.Duration) (obj []byte, maybeRan bool, err error) {
	// A connection found broken before anything was sent is tried again
	// on another, as database/sql would.
	for attempt := 0; ; attempt++ {
		obj, maybeRan, err = autocommitOn(ctx, db, query, args, grace)
		if maybeRan || !errors.Is(err, driver.ErrBadConn) || attempt == 2 {
			return obj, maybeRan, err
		}
	}
}

func autocommitOn(ctx context.Context, db *sql.DB, query string, args []any, grace time.Duration) (obj []byte, maybeRan bool, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	defer conn.Close()
	rawErr := conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			err = fmt.Errorf("connect: a pgx pool lent a %T", dc)
			return nil
		}
		pc := sc.Conn()
		if pc.IsClosed() {
			err = driver.ErrBadConn
			return driver.ErrBadConn
		}
		var cancelled bool
		obj, maybeRan, cancelled, err = runAlone(ctx, pc, query, args, grace)
		if cancelled || pc.IsClosed() {
			// Returned from Raw, ErrBadConn makes database/sql close the
			// connection: a cancel request that reaches the server late
			// must not cancel the next statement run on it.
			return driver.ErrBadConn
		}
		return nil
	})
	if err == nil && rawErr != nil && !errors.Is(rawErr, driver.ErrBadConn) {
		err = rawErr
	}
	return obj, maybeRan, err
}

// runAlone runs the statement on pc; cancelled reports that a cancel
// request was sent for it.
func runAlone(ctx context.Context, pc *pgx.Conn, query string, args []any, grace time.Duration) (obj []byte, maybeRan, cancelled bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, false, err
	}
	// The statement runs under a context that ctx's end does not cancel:
	// pgx would close the connection at once, without telling the server.
	qctx, force := context.WithCancel(context.WithoutCancel(ctx))
	defer force()
	sent := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(sent)
		time.AfterFunc(grace, force)
		cctx, cancel := context.WithTimeout(qctx, grace)
		defer cancel()
		_ = pc.PgConn().CancelRequest(cctx)
	})
	defer func() {
		if !stop() {
			// The cancel request uses the connection's address and keys:
			// it is done before the connection is given back (to be
			// closed).
			<-sent
			cancelled = true
		}
	}()
	rows, err := pc.Query(qctx, query, args...)
	// Query returns once the first answer to the statement came: its row,
	// its end (CommandComplete) or an error. With a row or its end read,
	// the columns are known; the server commits only after its end. (With
	// PgBouncer's exec mode the columns come first: its errors stay
	// ambiguous, which errs on the safe side.)
	answered := err == nil && len(rows.FieldDescriptions()) > 0
	if err == nil {
		obj, err = firstColumn(rows)
	}
	if err == nil {
		return obj, false, false, nil
	}
	return nil, mayHaveRun(pc, err, answered), false, err
}

// firstColumn reads the statement's rows to their end (errors at commit,
// such as a deferred constraint, come after the row) and returns the
// first row's one column.
func firstColumn(rows pgx.Rows) ([]byte, error) {
	defer rows.Close()
	var (
		obj  []byte
		read bool
		err  error
	)
	for rows.Next() {
		if read || err != nil {
			continue
		}
		read = true
		fds := rows.FieldDescriptions()
		switch {
		case len(fds) != 1:
			err = fmt.Errorf("connect: a mutation statement returned %d columns, not 1", len(fds))
		case fds[0].Format == pgx.TextFormatCode:
			// The driver reuses its buffer.
			obj = bytes.Clone(rows.RawValues()[0])
		default:
			err = rows.Scan(&obj)
		}
	}
	rows.Close()
	if rerr := rows.Err(); rerr != nil {
		return nil, rerr
	}
	return obj, err
}

// mayHaveRun reports whether the server may have committed a statement
// that failed with err. The server writes its answers in order, and
// commits a statement only after writing its end: an error from the
// server before any row or end of the statement is certain (a connection
// the server ended while it sat in the pool says so first, before our
// statement is read). After them, the server's error is certain unless it
// is one of shutting down or losing the connection, which can come after
// the commit. A failure before the statement was sent, or one pgx raised
// itself without losing the connection (encoding an argument), is
// certain too: pgx closes the connection on every error on the wire.
func mayHaveRun(pc *pgx.Conn, err error, answered bool) bool {
	if pgconn.SafeToRetry(err) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return answered && Unreachable(err)
	}
	return pc.IsClosed()
}
