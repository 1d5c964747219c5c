package cli

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/connect"
)

// liteChanges is SQLite's change stream: a change log in the file itself,
// written by triggers on the served tables and read by one instance at a
// time (internal/changes.SQLite). The triggers run in every writer's
// transaction, whichever program writes, so the log sees what the file's
// other users commit, as PostgreSQL's and MySQL's streams do.
type liteChanges struct {
	src *changes.SQLite
	log *slog.Logger
}

// newSQLiteChanges is SQLite's change stream.
func (e *env) newSQLiteChanges(f *serveFlags, b *built) (changeStream, error) {
	if b.db.Config == nil || b.db.Config.Path == "" {
		return nil, fmt.Errorf("the SQLite database has no file to keep a change log in: use --changes mutations")
	}
	src, err := changes.NewSQLite(changes.SQLiteOptions{Path: b.db.Config.Path, Poll: f.changes.poll, Durable: durableFor(f.events), Logger: e.log})
	if err != nil {
		return nil, err
	}
	return &liteChanges{src: src, log: e.log}, nil
}

func (l *liteChanges) setup(ctx context.Context, tables []changes.Table) (changeSetup, error) {
	rep, err := l.src.Setup(ctx, tables)
	if err != nil {
		return changeSetup{}, fmt.Errorf("setting up SQLite's change log (triggers on the served tables writing to quarry_changes): %w", err)
	}
	out := changeSetup{notStreamed: rep.NotStreamed}
	out.info = append(out.info, fmt.Sprintf("events come from the SQLite file's change log (table quarry_changes, written by triggers on %d tables, in every writer's transaction)",
		len(tables)-len(rep.NotStreamed)))
	if rep.LogCreated {
		out.info = append(out.info, "created the change log: changes committed from now on are delivered, also those made while Quarry is down")
	}
	if rep.Created+rep.Replaced+rep.Dropped > 0 {
		out.info = append(out.info, fmt.Sprintf("change log triggers: %d created, %d made again for changed columns, %d dropped for tables no longer served",
			rep.Created, rep.Replaced, rep.Dropped))
	}
	if rep.Unread > 0 {
		out.info = append(out.info, fmt.Sprintf("%d changes were logged while no Quarry read them; they are delivered now", rep.Unread))
	}
	return out, nil
}

func (l *liteChanges) tryLead(ctx context.Context) (<-chan struct{}, func(), bool, error) {
	return l.src.TryLead(ctx)
}

func (l *liteChanges) follow(ctx context.Context, handle changes.Handler) error {
	// From 0: the position row's, which is the durable one.
	return changes.Follow(ctx, l.src, 0, handle, changes.Backoff{}, l.log)
}

// lag is the approximate size of the rows logged and not yet read (their
// JSON plus a fixed overhead each), which --changes-max-lag is compared
// with: what the file keeps for a reader that does not keep up.
func (l *liteChanges) lag(ctx context.Context) (int64, error) {
	_, bytes, err := l.src.Lag(ctx)
	return bytes, err
}

func (l *liteChanges) close() {
	if err := l.src.Close(); err != nil {
		l.log.Warn("changes: closing the SQLite change log's connections", "error", err.Error())
	}
}

// sqliteChangeLogName is what `quarry changes slots` calls SQLite's
// change log, and what `quarry changes drop` takes to drop it.
const sqliteChangeLogName = "quarry_changes"

// sqliteChangeLog is `quarry changes slots` on SQLite: the file's change
// log, how much of it waits to be read, and whether a Quarry reads it.
func (e *env) sqliteChangeLog(ctx context.Context, db *connect.DB) error {
	w, err := changes.OpenSQLite(db.Config.Path)
	if err != nil {
		return err
	}
	defer w.Close()
	st, err := changes.SQLiteStatus(ctx, w)
	if err != nil {
		return err
	}
	if !st.Installed && len(st.Triggers) == 0 {
		fmt.Fprintln(e.stdout, "No change log (--changes database has not run on this file).")
		return nil
	}
	reader := "no"
	if st.Owner != "" {
		reader = fmt.Sprintf("yes (%s, lease until %s)", st.Owner, st.Expires.UTC().Format(time.RFC3339))
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTRIGGERS\tREAD UP TO\tUNREAD\tACTIVE")
	fmt.Fprintf(tw, "%s\t%d\t%d\t%d rows (%s)\t%s\n", sqliteChangeLogName, len(st.Triggers), st.Position, st.Unread, byteSize(st.UnreadBytes), reader)
	return tw.Flush()
}

// sqliteDropChangeLog is `quarry changes drop quarry_changes` on SQLite:
// it removes the triggers and the log's tables, refusing while a Quarry
// reads them.
func (e *env) sqliteDropChangeLog(ctx context.Context, db *connect.DB, name string) error {
	if name != sqliteChangeLogName {
		return usageError{fmt.Errorf("a SQLite file has one change log, %s: `quarry changes drop %s`", sqliteChangeLogName, sqliteChangeLogName)}
	}
	w, err := changes.OpenSQLite(db.Config.Path)
	if err != nil {
		return err
	}
	defer w.Close()
	st, err := changes.DropSQLite(ctx, w)
	if err != nil {
		return fmt.Errorf("dropping the change log of %s: %w", db.Config.Path, err)
	}
	fmt.Fprintf(e.stdout, "Dropped the change log %s (%d triggers, %d unread changes).\n", sqliteChangeLogName, len(st.Triggers), st.Unread)
	return nil
}
