package cli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/server"
)

// This file wires internal/changes into sandbox and serve: with
// --changes database, subscriptions' events come from the database's own
// change stream (every committed write, whoever made it) instead of from
// Quarry's mutations. One instance at a time reads the stream (the
// leader, changeStream.tryLead) and publishes through the same broker as
// mutations do, so every instance's subscribers get the events and each
// subscriber's rules and filter apply as before.

// Values of --changes.
const (
	changesMutations = "mutations"
	changesDatabase  = "database"
)

// changesFlags configure where change events come from.
type changesFlags struct {
	mode   string
	slot   string
	maxLag string
	// poll is how often SQLite's change log is looked at (--changes-poll).
	poll time.Duration
	// feed is the running change feed, when --changes database took.
	feed *changeFeed
	// standby and lagEvery pace the leader election and the lag check;
	// no flag sets them (tests shorten them). Zero means 2 s and 1 min.
	standby, lagEvery time.Duration
	// hold, when set, keeps the feed from trying to lead until it is
	// closed (tests subscribe first).
	hold <-chan struct{}
}

func addChangesFlags(fs *pflag.FlagSet, f *changesFlags) {
	fs.StringVar(&f.mode, "changes", changesMutations, "where subscriptions' change events come from: mutations (Quarry's own mutations) or database (every committed change, from any program, read from the database's change stream: PostgreSQL with wal_level=logical, or MySQL/MariaDB with log_bin on, binlog_format=ROW, binlog_row_image=FULL and a user with REPLICATION SLAVE and REPLICATION CLIENT (BINLOG MONITOR on MariaDB), or SQLite through triggers Quarry adds)")
	fs.StringVar(&f.slot, "changes-slot", "", "with --changes database: the stream's name, quarry_<name>: PostgreSQL's replication slot and publication, the stored position on MySQL/MariaDB (default from the schema's database identifier); every deployment reading one database needs its own")
	fs.StringVar(&f.maxLag, "changes-max-lag", "1GB", "with --changes database: warn when the stream is further behind than this: WAL a PostgreSQL slot keeps (a slot nobody reads fills the disk), binary log after the stored position on MySQL/MariaDB, unread log rows on SQLite")
	fs.DurationVar(&f.poll, "changes-poll", 50*time.Millisecond, "with --changes database on SQLite: how often to look for changes")
}

// maxLagBytes reads --changes-max-lag: a number with an optional unit
// (B, KB, MB, GB, TB, powers of 1024).
func (f *changesFlags) maxLagBytes() (int64, error) {
	s := strings.ToUpper(strings.TrimSpace(f.maxLag))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, usageError{fmt.Errorf("--changes-max-lag %q: give a size such as 512MB or 1GB", f.maxLag)}
	}
	return int64(n * float64(mult)), nil
}

var notSlotChar = regexp.MustCompile(`[^a-z0-9_]+`)

// slotName is the stream's name (the slot is quarry_<name>): --changes-slot
// (with or without its quarry_ prefix), else the schema's database
// identifier, lower-cased, with what a slot name cannot hold made _.
func (f *changesFlags) slotName(s *schema.Schema) string {
	name := strings.TrimPrefix(f.slot, "quarry_")
	if name == "" {
		name = strings.Trim(notSlotChar.ReplaceAllString(strings.ToLower(s.Database.Identifier), "_"), "_")
		if len(name) > 56 {
			name = name[:56]
		}
		if name == "" {
			name = "main"
		}
	}
	return name
}

// startChanges starts reading the database's change stream when
// --changes database asks for it, and stops mutations of the tables it
// covers from publishing (they arrive through the stream). serve refuses
// to start when the database is not set up for it; the sandbox says so
// and carries on with mutation events, so that a project whose local
// database lacks wal_level=logical can still be tried. It returns what
// stops the feed.
func (e *env) startChanges(ctx context.Context, f *serveFlags, b *built, srv *server.Server) (func(), error) {
	switch f.changes.mode {
	case "", changesMutations:
		return func() {}, nil
	case changesDatabase:
	default:
		return nil, usageError{fmt.Errorf("--changes %q: use mutations (events from Quarry's own mutations) or database (every committed change, from the database's change stream)", f.changes.mode)}
	}
	maxLag, err := f.changes.maxLagBytes()
	if err != nil {
		return nil, err
	}
	fail := func(err error) (func(), error) {
		if f.dev {
			e.log.Error("changes: --changes database is not possible on this database; the sandbox carries on with --changes mutations "+
				"(subscriptions see only changes made through Quarry). Fix the following and restart the sandbox", "problem", e.redact.Redact(err.Error()))
			return func() {}, nil
		}
		return nil, fmt.Errorf("--changes database: %w", err)
	}
	src, err := e.changeStreamFor(f, b)
	if err != nil {
		return fail(err)
	}
	fd := &changeFeed{name: f.changes.slotName(b.schema), log: e.log, src: src, broker: f.events, maxLag: maxLag,
		standby: f.changes.standby, lagEvery: f.changes.lagEvery, hold: f.changes.hold, failed: &atomic.Pointer[error]{}}
	if err := fd.setup(ctx, b); err != nil {
		src.close()
		return fail(err)
	}
	// Mutations of streamed tables publish nothing of their own: their
	// events come through the stream, once.
	publish := f.publish
	f.publish = func(ctx context.Context, ev pubsub.Event) {
		if ev, ok := fd.fromMutation(ev); ok {
			publish(ctx, ev)
		}
	}
	b.engine.Publish = f.publish
	srv.Checks["changes"] = fd.check
	f.changes.feed = fd
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fd.run(fctx)
	}()
	return func() {
		cancel()
		<-done
		src.close()
	}, nil
}

// changesRebuilt points the running feed (if any) at a schema the
// sandbox rebuilt: the publication follows the served tables.
func (e *env) changesRebuilt(ctx context.Context, f *serveFlags, b *built) {
	if fd := f.changes.feed; fd != nil {
		if err := fd.setup(ctx, b); err != nil {
			e.log.Error("changes: the change stream was not updated for the new schema; it still reads the tables it read", "error", e.redact.Redact(err.Error()))
		}
	}
}

// changeStream is one engine's change stream as the feed drives it.
// PostgreSQL's is pgChanges (changes_postgres.go); MySQL's binlog slots
// in beside it.
type changeStream interface {
	// setup checks the database and prepares the stream to read tables.
	setup(ctx context.Context, tables []changes.Table) (changeSetup, error)
	// tryLead makes this instance the stream's only reader if no other
	// instance is; lost is closed when it stops being it (its lock's
	// session ended), release gives the leadership up.
	tryLead(ctx context.Context) (lost <-chan struct{}, release func(), ok bool, err error)
	// follow reads the stream, from what was acknowledged, until ctx ends
	// or a failure no retry mends (*changes.PermanentError).
	follow(ctx context.Context, handle changes.Handler) error
	// lag is how far the stream's acknowledged position is behind the
	// database's, in bytes.
	lag(ctx context.Context) (int64, error)
	close()
}

// changeSetup is what setting the stream up found.
type changeSetup struct {
	// notStreamed are served tables whose changes the stream cannot see
	// (views): their mutations keep publishing events.
	notStreamed []changes.Table
	// keysOnly are tables whose updates and deletes carry only the old
	// row's key.
	keysOnly []changes.Table
	// info are lines for the log.
	info []string
}

// changeStreamFor picks the engine's change stream.
func (e *env) changeStreamFor(f *serveFlags, b *built) (changeStream, error) {
	switch b.db.Engine {
	case connect.Postgres:
		pc, pgbouncer, err := connect.PostgresConnConfig(b.db.Config, connect.Options{ConnectTimeout: defaultConnectTimeout})
		if err != nil {
			return nil, err
		}
		if pgbouncer {
			return nil, errors.New("the connection URI has pgbouncer=true, and PgBouncer does not pass replication connections on: " +
				"give Quarry a URI that reaches PostgreSQL itself (without pgbouncer=true), or use --changes mutations")
		}
		return newPGChanges(pc, f.changes.slotName(b.schema), e.log, durableFor(f.events))
	case connect.MySQL:
		return e.newMySQLChanges(f, b)
	case connect.SQLite:
		return e.newSQLiteChanges(f, b)
	}
	return nil, fmt.Errorf("reading the database's change stream is not supported on %s: use --changes mutations", b.db.Engine)
}

// servedTables are the tables of the user's database that b serves
// (managed models live in Quarry's own database, outside the stream).
func servedTables(b *built) []changes.Table {
	var out []changes.Table
	for _, m := range b.schema.Models {
		if m.Managed {
			continue
		}
		t := tableOf(m)
		if !containsTable(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// tableOf is a model's table as the stream names it (schema-qualified).
func tableOf(m *schema.Model) changes.Table {
	s := m.Table.Schema
	if s == "" {
		s = "public"
	}
	return changes.Table{Schema: s, Name: m.Table.Name}
}

func containsTable(ts []changes.Table, t changes.Table) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// lagWatch warns, while this instance leads, when the stream falls
// further behind than --changes-max-lag: a reader that cannot keep up, or
// a slot that keeps WAL for nothing.
func (fd *changeFeed) lagWatch(ctx context.Context) {
	every := fd.lagEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := fd.src.lag(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				fd.log.Warn("changes: could not read how far the change stream is behind", "error", err.Error())
			}
		case n > fd.maxLag:
			fd.log.Warn("changes: the change stream is further behind than --changes-max-lag (the database keeps what was not read: PostgreSQL's WAL, MySQL's binary log, SQLite's log rows)",
				"lag_bytes", n, "max_lag_bytes", fd.maxLag)
			warned = true
		case warned:
			fd.log.Info("changes: the change stream caught up", "lag_bytes", n)
			warned = false
		}
	}
}

// run is the leader election: try to lead every few seconds; while
// leading, read the stream.
func (fd *changeFeed) run(ctx context.Context) {
	every := fd.standby
	if every <= 0 {
		every = 2 * time.Second
	}
	if fd.hold != nil {
		select {
		case <-fd.hold:
		case <-ctx.Done():
			return
		}
	}
	standing := false
	wait := func() bool {
		t := time.NewTimer(every)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for ctx.Err() == nil {
		lost, release, ok, err := fd.src.tryLead(ctx)
		if err != nil {
			if ctx.Err() == nil {
				fd.log.Warn("changes: could not try to lead the change stream; retrying", "error", err.Error())
			}
			if !wait() {
				return
			}
			continue
		}
		if !ok {
			if !standing {
				fd.log.Info("changes: standing by (another instance reads the change stream)")
				standing = true
			}
			if !wait() {
				return
			}
			continue
		}
		standing = false
		fd.log.Info("changes: leading (this instance reads the change stream)")
		fd.resume(ctx)
		lctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			select {
			case <-lost:
				if lctx.Err() == nil {
					fd.log.Warn("changes: lost the leadership (its lock's session or lease ended); standing by")
				}
				cancel()
			case <-lctx.Done():
			}
		}()
		go func() {
			defer wg.Done()
			fd.lagWatch(lctx)
		}()
		err = fd.src.follow(lctx, fd.handle)
		cancel()
		wg.Wait()
		release()
		if pe := (*changes.PermanentError)(nil); errors.As(err, &pe) {
			fd.log.Error("changes: the change stream stopped for good; subscriptions no longer see changes made outside Quarry until this is fixed and Quarry restarted",
				"error", pe.Error())
			fd.failed.Store(&err)
			return
		}
	}
}

// check is /healthz's view of the feed.
func (fd *changeFeed) check(context.Context) error {
	if err := fd.failed.Load(); err != nil {
		return fmt.Errorf("the change stream stopped: %w", *err)
	}
	return nil
}

// watchLock checks every 2 s, with held, that this instance still holds
// the stream's leader lock; lost is closed the first time it does not.
// release stops the checks and then gives the lock up with unlock.
func watchLock(held func() bool, unlock func()) (lost <-chan struct{}, release func()) {
	gone, stop := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if !held() {
				close(gone)
				return
			}
		}
	}()
	return gone, func() {
		close(stop)
		wg.Wait()
		unlock()
	}
}
