package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const (
	// sqliteBatch is how many logged rows one read takes; a longer
	// backlog is read batch after batch without waiting for the poll.
	sqliteBatch = 500
	// sqliteStoreEvery is how often the leader stores its position and
	// deletes the rows it has handed on: each is a write, which takes
	// the file's one write lock from the application's writers, so they
	// are not done per row. It bounds what a leader that dies hands on
	// again to the next one, as PostgreSQL's status interval does.
	sqliteStoreEvery = time.Second
	// sqliteTrimChunk is how many rows one DELETE removes, so that a
	// large backlog does not hold the write lock long.
	sqliteTrimChunk = 5000
	// sqliteRowOverhead approximates what a logged row takes beside its
	// JSON (id, table and op, b-tree cell): Lag's size is an estimate.
	sqliteRowOverhead = 32
)

// errNotLeader is Stream's error when the lease row names another
// instance: its position must not be overwritten.
var errNotLeader = errors.New("another instance took over the SQLite change log (this one's lease ran out)")

// Stream hands each logged row after from (and after the stored
// position, whichever is later) to handle, in id order, until ctx ends,
// handle fails or the file cannot be read. Every second, and when it
// stops, it stores the position handle reached, only while this instance
// holds the lease (TryLead), and deletes the rows at or below it. Call
// Setup first.
func (s *SQLite) Stream(ctx context.Context, from LSN, handle Handler) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connecting to the SQLite file for the change log: %w", err)
	}
	defer conn.Close()
	var pos int64
	if err := conn.QueryRowContext(ctx, `SELECT position FROM `+quoteLite(sqlitePosition)+` WHERE name = ?`, sqliteStream).Scan(&pos); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return &PermanentError{Err: errors.New("the SQLite change log's position row is gone (quarry changes drop?): restart Quarry to set the log up again")}
		}
		return fmt.Errorf("reading the SQLite change log's position: %w", liteErr(err))
	}
	r := &liteReader{s: s, conn: conn, handle: handle, pos: max(pos, int64(from)), stored: pos, trimmed: -1}
	t := time.NewTicker(s.poll)
	defer t.Stop()
	lastStore := time.Time{}
	version := int64(-1)
	for {
		// data_version first: a commit after it moves it, so the next
		// poll reads what this read misses.
		var v int64
		if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			return r.stop(ctx, fmt.Errorf("polling the SQLite file: %w", liteErr(err)))
		}
		if v != version {
			version = v
			if err := r.readAll(ctx); err != nil {
				return r.stop(ctx, err)
			}
		}
		if time.Since(lastStore) >= sqliteStoreEvery {
			lastStore = time.Now()
			if err := r.store(ctx); err != nil {
				return r.stop(ctx, err)
			}
			if err := r.trim(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("changes: could not delete read rows of the SQLite change log; retrying", "error", err.Error())
			}
		}
		select {
		case <-ctx.Done():
			return r.stop(ctx, ctx.Err())
		case <-t.C:
		}
	}
}

// liteReader is one Stream's state.
type liteReader struct {
	s      *SQLite
	conn   *sql.Conn
	handle Handler
	// pos is the last id handed on, stored the last id written to the
	// position row, trimmed the last id up to which rows were deleted
	// (-1: not yet, leftovers of an earlier reader may wait).
	pos, stored, trimmed int64
}

// readAll reads and hands on batches until the log has no more rows.
func (r *liteReader) readAll(ctx context.Context) error {
	for {
		n, err := r.readBatch(ctx)
		if err != nil {
			return err
		}
		if n < sqliteBatch {
			return nil
		}
	}
}

// logRow is one row of the change log.
type logRow struct {
	id             int64
	table, op      string
	oldRaw, newRaw sql.NullString
}

// readBatch hands on up to sqliteBatch rows after pos. The rows are read
// and closed before any is handed on: an open read would keep writers
// out of a file in rollback-journal mode while the handler works.
func (r *liteReader) readBatch(ctx context.Context) (int, error) {
	rows, err := r.conn.QueryContext(ctx, `SELECT id, tbl, op, old, new FROM `+quoteLite(sqliteLog)+` WHERE id > ? ORDER BY id LIMIT ?`, r.pos, sqliteBatch)
	if err != nil {
		return 0, fmt.Errorf("reading the SQLite change log: %w", liteErr(err))
	}
	var batch []logRow
	for rows.Next() {
		var l logRow
		if err := rows.Scan(&l.id, &l.table, &l.op, &l.oldRaw, &l.newRaw); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reading the SQLite change log: %w", err)
		}
		batch = append(batch, l)
	}
	if err := closeRowsErr(rows); err != nil {
		return 0, fmt.Errorf("reading the SQLite change log: %w", liteErr(err))
	}
	r.s.mu.Lock()
	tables := r.s.tables
	r.s.mu.Unlock()
	for _, l := range batch {
		c, err := decodeLogRow(l, tables)
		if err != nil {
			// A row that cannot be read now never will be: skipping it
			// is better than stopping every later change.
			r.s.log.Warn("changes: a row of the SQLite change log could not be read; subscribers miss it", "id", l.id, "table", l.table, "error", err.Error())
			r.pos = l.id
			continue
		}
		if err := r.handle(ctx, []Change{c}, LSN(l.id)); err != nil {
			return 0, err
		}
		r.pos = l.id
	}
	return len(batch), nil
}

// decodeLogRow is a logged row as a Change of its table.
func decodeLogRow(l logRow, tables map[string]liteTable) (Change, error) {
	lt, ok := tables[strings.ToLower(l.table)]
	if !ok {
		// No longer served: the consumer has no model for it either.
		lt = liteTable{table: Table{Name: l.table}}
	}
	c := Change{Schema: lt.table.Schema, Table: lt.table.Name, Op: l.op, LSN: LSN(l.id)}
	switch l.op {
	case OpCreate, OpUpdate, OpDelete:
	default:
		return c, fmt.Errorf("unknown operation %q", l.op)
	}
	var err error
	if l.newRaw.Valid {
		if c.New, err = decodeLiteRow(l.newRaw.String, lt.times); err != nil {
			return c, fmt.Errorf("new row: %w", err)
		}
	}
	if l.oldRaw.Valid {
		if c.Old, err = decodeLiteRow(l.oldRaw.String, lt.times); err != nil {
			return c, fmt.Errorf("old row: %w", err)
		}
	}
	return c, nil
}

// store writes pos to the position row once what was handed on is safe
// (Durable), only while this instance holds the lease: a leader that
// lost it must not move the new leader's position back.
func (r *liteReader) store(ctx context.Context) error {
	if r.pos == r.stored {
		return nil
	}
	if r.s.durable != nil {
		if err := r.s.durable(ctx); err != nil {
			return err
		}
	}
	res, err := r.conn.ExecContext(ctx, `UPDATE `+quoteLite(sqlitePosition)+` SET position = ? WHERE name = ? AND owner = ? AND position < ?`,
		r.pos, sqliteStream, r.s.owner, r.pos)
	if err != nil {
		return fmt.Errorf("storing the SQLite change log's position: %w", liteErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var owner sql.NullString
		if err := r.conn.QueryRowContext(ctx, `SELECT owner FROM `+quoteLite(sqlitePosition)+` WHERE name = ?`, sqliteStream).Scan(&owner); err != nil {
			return fmt.Errorf("storing the SQLite change log's position: %w", liteErr(err))
		}
		if owner.String != r.s.owner {
			return errNotLeader
		}
	}
	r.stored = r.pos
	return nil
}

// stop stores what was handed on before Stream returns err; on a clean
// stop (ctx ended) it still tries for a few seconds, so that the next
// leader does not hand it on again.
func (r *liteReader) stop(ctx context.Context, err error) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if serr := r.store(sctx); serr != nil && !errors.Is(err, context.Canceled) {
		r.s.log.Warn("changes: could not store the SQLite change log's position; the rows after it are handed on again", "error", serr.Error())
	}
	return err
}

// trim deletes the log's rows at or below the stored position.
func (r *liteReader) trim(ctx context.Context) error {
	if r.trimmed == r.stored {
		return nil
	}
	for {
		res, err := r.conn.ExecContext(ctx, `DELETE FROM `+quoteLite(sqliteLog)+` WHERE id <= min(?, (SELECT min(id) FROM `+quoteLite(sqliteLog)+`) + ?)`,
			r.stored, sqliteTrimChunk-1)
		if err != nil {
			return fmt.Errorf("deleting read rows of the SQLite change log: %w", liteErr(err))
		}
		if n, _ := res.RowsAffected(); n < sqliteTrimChunk {
			r.trimmed = r.stored
			return nil
		}
	}
}

// Lag is how many logged rows wait to be handed on and about how many
// bytes they take in the file (their JSON and a fixed overhead per row).
func (s *SQLite) Lag(ctx context.Context) (rows, bytes int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(old)), 0) + coalesce(sum(length(new)), 0) FROM `+quoteLite(sqliteLog)+
		` WHERE id > (SELECT position FROM `+quoteLite(sqlitePosition)+` WHERE name = ?)`, sqliteStream).Scan(&rows, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("measuring the SQLite change log's lag: %w", liteErr(err))
	}
	return rows, bytes + rows*sqliteRowOverhead, nil
}

// liteErr marks the errors that retrying does not mend: the log or its
// position table is gone (quarry changes drop while Quarry runs), or the
// file became read-only.
func liteErr(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "no such table: "+sqliteLog):
		return &PermanentError{Err: fmt.Errorf("%w (quarry changes drop removed the change log? restart Quarry to set it up again)", err)}
	case strings.Contains(msg, "readonly database"), strings.Contains(msg, "SQLITE_READONLY"):
		return &PermanentError{Err: fmt.Errorf("%w (the SQLite file or its directory is not writable)", err)}
	}
	return err
}
