package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// SQLite has no session-scoped lock another process can see go away (an
// advisory lock on the file would be SQLite's own), so the leader holds a
// lease: the position row names its owner and when the lease runs out.
// The leader renews it every Lease/3; another instance takes the row over
// once the lease has run out, which bounds the time without a reader
// after a leader dies to about Lease plus the standby's retry interval.
// The lease compares wall clocks of the processes sharing the file, which
// SQLite's locking already requires to be on one machine.

// TryLead makes this instance the change log's reader if no other
// instance holds a live lease. lost is closed when the lease could not be
// renewed before it ran out (another instance may take over from then
// on); release gives the lease up at once. Call Setup first.
func (s *SQLite) TryLead(ctx context.Context) (lost <-chan struct{}, release func(), ok bool, err error) {
	now := time.Now()
	res, err := s.db.ExecContext(ctx, `UPDATE `+quoteLite(sqlitePosition)+` SET owner = ?, expires_at = ? WHERE name = ? AND (owner IS NULL OR owner = ? OR expires_at < ?)`,
		s.owner, now.Add(s.lease).UnixMilli(), sqliteStream, s.owner, now.UnixMilli())
	if err != nil {
		return nil, nil, false, fmt.Errorf("taking the SQLite change log's lease: %w", liteErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, nil, false, nil
	}
	expires := now.Add(s.lease)
	lostc, stop := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			renewed, mine, err := s.renew(ctx)
			switch {
			case err == nil && mine:
				expires = renewed
				continue
			case err == nil:
				s.log.Warn("changes: another instance took the SQLite change log's lease over")
			case time.Until(expires) > s.lease/3:
				continue // a busy file: the next tick may get through in time
			default:
				s.log.Warn("changes: could not renew the SQLite change log's lease before it ran out", "error", err.Error())
			}
			close(lostc)
			return
		}
	}()
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(stop)
			wg.Wait()
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if _, err := s.db.ExecContext(rctx, `UPDATE `+quoteLite(sqlitePosition)+` SET owner = NULL, expires_at = 0 WHERE name = ? AND owner = ?`,
				sqliteStream, s.owner); err != nil {
				s.log.Warn("changes: could not give the SQLite change log's lease up; another instance takes over once it runs out", "error", err.Error())
			}
		})
	}
	return lostc, release, true, nil
}

// renew extends the lease; mine is false when another instance holds it.
func (s *SQLite) renew(ctx context.Context) (expires time.Time, mine bool, err error) {
	rctx, cancel := context.WithTimeout(ctx, s.lease/3)
	defer cancel()
	expires = time.Now().Add(s.lease)
	res, err := s.db.ExecContext(rctx, `UPDATE `+quoteLite(sqlitePosition)+` SET expires_at = ? WHERE name = ? AND owner = ?`,
		expires.UnixMilli(), sqliteStream, s.owner)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("renewing the SQLite change log's lease: %w", err)
	}
	n, _ := res.RowsAffected()
	return expires, n == 1, nil
}

// SQLiteState is the change log of a SQLite file as SQLiteStatus reads it.
type SQLiteState struct {
	// Installed says the file has the change log.
	Installed bool
	// Triggers are the names of the triggers that write it.
	Triggers []string
	// Position is the last row id handed on; Unread and UnreadBytes what
	// is logged after it.
	Position            int64
	Unread, UnreadBytes int64
	// Owner is the instance holding the lease, if it is live, and
	// Expires when it runs out.
	Owner   string
	Expires time.Time
}

// SQLiteStatus reads the change log's state from a SQLite file (for
// `quarry changes`).
func SQLiteStatus(ctx context.Context, db *sql.DB) (SQLiteState, error) {
	return liteStatus(ctx, db)
}

// liteQuerier is a *sql.DB or *sql.Tx.
type liteQuerier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

func liteStatus(ctx context.Context, db liteQuerier) (SQLiteState, error) {
	var st SQLiteState
	trig, err := liteTriggers(ctx, db)
	if err != nil {
		return st, err
	}
	for name := range trig {
		st.Triggers = append(st.Triggers, name)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (?, ?)`, sqliteLog, sqlitePosition).Scan(&n); err != nil {
		return st, fmt.Errorf("reading the SQLite schema: %w", err)
	}
	if n < 2 {
		return st, nil
	}
	st.Installed = true
	var owner sql.NullString
	var expires int64
	err = db.QueryRowContext(ctx, `SELECT position, owner, expires_at FROM `+quoteLite(sqlitePosition)+` WHERE name = ?`, sqliteStream).Scan(&st.Position, &owner, &expires)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("reading the SQLite change log's position: %w", err)
	}
	if owner.Valid && time.UnixMilli(expires).After(time.Now()) {
		st.Owner, st.Expires = owner.String, time.UnixMilli(expires)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(old)), 0) + coalesce(sum(length(new)), 0) FROM `+quoteLite(sqliteLog)+` WHERE id > ?`,
		st.Position).Scan(&st.Unread, &st.UnreadBytes); err != nil {
		return st, fmt.Errorf("counting unread changes: %w", err)
	}
	st.UnreadBytes += st.Unread * sqliteRowOverhead
	return st, nil
}

// ErrSQLiteInUse is DropSQLite's error while a Quarry reads the log.
var ErrSQLiteInUse = errors.New("the SQLite change log is in use")

// DropSQLite removes the change log from a SQLite file: its triggers
// first (a write to a served table would fail once the log is gone), then
// its tables. It refuses while an instance holds a live lease. Changes
// logged but not yet read are lost; a Quarry started again with
// --changes database sets the log up anew, from then on.
func DropSQLite(ctx context.Context, db *sql.DB) (SQLiteState, error) {
	// One transaction: the lease cannot be taken between the check and
	// the drop, and a writer never sees the triggers without the log.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return SQLiteState{}, fmt.Errorf("dropping the SQLite change log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	st, err := liteStatus(ctx, tx)
	if err != nil {
		return st, err
	}
	if st.Owner != "" {
		return st, fmt.Errorf("%w by %s (its lease runs until %s): stop the Quarry that reads it first", ErrSQLiteInUse, st.Owner, st.Expires.Format(time.RFC3339))
	}
	for _, name := range st.Triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS `+quoteLite(name)); err != nil {
			return st, fmt.Errorf("dropping trigger %s: %w", name, err)
		}
	}
	for _, t := range []string{sqliteLog, sqlitePosition} {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+quoteLite(t)); err != nil {
			return st, fmt.Errorf("dropping table %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return st, fmt.Errorf("dropping the SQLite change log: %w", err)
	}
	return st, nil
}
