package cli

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/connect"
)

// mysqlChanges is MySQL/MariaDB's change stream: the row-based binary
// log read through changes.MySQL, from the position stored in the served
// database (changes_mysql_position.go), led by a GET_LOCK held by a
// session of its own.
type mysqlChanges struct {
	conn *mysql.Config
	// stream is the stored position's name, quarry_<name>.
	stream string
	log    *slog.Logger
	// durable waits until the broker holds what was handed on
	// (durableFor); nil when handing on is enough. The position is
	// stored only after it returned.
	durable func(context.Context) error
	// db serves the stored position, the lag and the leader lock.
	db *sql.DB
	// every is how often the position is stored while transactions are
	// handed on; idle how often it moves on while only other tables
	// change (so that it stays within the binary log kept, and the lag
	// means what was not read). Zero means 1 s and 1 min.
	every, idle time.Duration

	// mu guards what setup replaces, and lock, the connection that holds
	// (or tries for) the leader lock: the lock lives as long as its
	// session, so a leader that dies (or loses its connection) frees it.
	mu     sync.Mutex
	src    *changes.MySQL
	own    changes.Table                   // the position table, as the stream names it
	toFeed map[changes.Table]changes.Table // the stream's names → the feed's
	// swapped is closed when setup replaced src: follow reads on with
	// the new tables.
	swapped chan struct{}
	lock    *sql.Conn
}

// newMySQLChanges is MySQL/MariaDB's change stream: the row-based binary
// log read through internal/changes.MySQL.
func (e *env) newMySQLChanges(f *serveFlags, b *built) (changeStream, error) {
	mc, err := connect.MySQLConfig(b.db.Config, connect.Options{ConnectTimeout: defaultConnectTimeout})
	if err != nil {
		return nil, err
	}
	return newMyChanges(mc, myStreamName(f.changes.slotName(b.schema)), e.log, durableFor(f.events))
}

// newMyChanges reads the binary log of the server mc reaches, storing
// its position as stream in mc's database.
func newMyChanges(mc *mysql.Config, stream string, log *slog.Logger, durable func(context.Context) error) (*mysqlChanges, error) {
	connector, err := mysql.NewConnector(mc.Clone())
	if err != nil {
		return nil, fmt.Errorf("the MySQL connection settings are not valid: %w", err)
	}
	db := sql.OpenDB(connector)
	// The lock's session, a position write and a lag check at once.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	return &mysqlChanges{conn: mc, stream: stream, log: log, durable: durable, db: db, swapped: make(chan struct{})}, nil
}

func (m *mysqlChanges) setup(ctx context.Context, tables []changes.Table) (changeSetup, error) {
	var database sql.NullString
	if err := m.db.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&database); err != nil {
		return changeSetup{}, fmt.Errorf("connecting to MySQL: %w", err)
	}
	if database.String == "" {
		return changeSetup{}, errors.New("the connection URI names no database, and Quarry stores the change stream's position in the served one: add it to the URI (mysql://…/shop)")
	}
	// A MySQL database is the schema: the feed names tables without one
	// (as "public"), the binary log by their database.
	toFeed := map[changes.Table]changes.Table{}
	served := make([]changes.Table, 0, len(tables))
	for _, t := range tables {
		st := t
		if st.Schema == "" || st.Schema == "public" {
			st.Schema = database.String
		}
		toFeed[st] = t
		served = append(served, st)
	}
	conn, err := m.replicaConn(ctx)
	if err != nil {
		return changeSetup{}, err
	}
	// Check before creating anything: a server that cannot stream keeps
	// its database as it was.
	check, err := changes.NewMySQL(changes.MySQLOptions{Conn: conn, Tables: served, Name: m.stream, Logger: m.log})
	if err != nil {
		return changeSetup{}, err
	}
	rep, err := check.Check(ctx)
	if err != nil {
		return changeSetup{}, err
	}
	if _, err := m.db.ExecContext(ctx, myPositionDDL); err != nil {
		return changeSetup{}, fmt.Errorf("creating table %s, where Quarry stores how far it read the binary log: %w; "+
			"grant this user CREATE, SELECT, INSERT, UPDATE and DELETE on the database, or have an administrator create it:\n%s;", myPositionTable, err, myPositionDDL)
	}
	stored, created, err := m.ensurePosition(ctx)
	if err != nil {
		return changeSetup{}, err
	}
	own := changes.Table{Schema: database.String, Name: myPositionTable}
	// The stream also reads the position table: its own writes there are
	// how the stored position moves on while only other tables change.
	src, err := changes.NewMySQL(changes.MySQLOptions{Conn: conn, Tables: append(served, own), Name: m.stream, Logger: m.log})
	if err != nil {
		return changeSetup{}, err
	}
	m.mu.Lock()
	m.src, m.own, m.toFeed = src, own, toFeed
	close(m.swapped)
	m.swapped = make(chan struct{})
	m.mu.Unlock()

	out := changeSetup{}
	for _, t := range rep.NotStreamed {
		out.notStreamed = append(out.notStreamed, toFeed[t])
	}
	flavor := "MySQL"
	if rep.MariaDB {
		flavor = "MariaDB"
	}
	out.info = append(out.info, fmt.Sprintf("events come from %s's binary log (%d tables); the position read is stored in %s.%s as %s",
		flavor, len(tables)-len(rep.NotStreamed), database.String, myPositionTable, m.stream))
	if created {
		out.info = append(out.info, fmt.Sprintf("no stored position: reading from the binary log's current end (%s); changes committed from now on are delivered, also those made while Quarry is down",
			changes.FormatBinlogLSN(rep.File, stored)))
	}
	out.info = append(out.info, rep.Info()...)
	return out, nil
}

// replicaConn is the configuration the binary log is read with. Under
// sslmode=prefer the driver falls back to plain text when the server
// offers no TLS, but the replication protocol's client does not: it
// gets TLS only when an ordinary session got it too.
func (m *mysqlChanges) replicaConn(ctx context.Context) (*mysql.Config, error) {
	c := m.conn.Clone()
	if c.TLS == nil || !c.AllowFallbackToPlaintext {
		return c, nil
	}
	var name, cipher sql.NullString
	err := m.db.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE 'Ssl_cipher'").Scan(&name, &cipher)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("reading whether the connection uses TLS: %w", err)
	}
	if cipher.String == "" {
		c.TLS = nil
	}
	return c, nil
}

// ensurePosition stores the binary log's current end as the stream's
// position unless one is stored: from then on, what is committed is
// delivered, whenever Quarry reads it.
func (m *mysqlChanges) ensurePosition(ctx context.Context) (changes.LSN, bool, error) {
	end, gtid, err := binlogEnd(ctx, m.db)
	if err != nil {
		return 0, false, err
	}
	res, err := m.db.ExecContext(ctx, "INSERT IGNORE INTO `"+myPositionTable+"` (name, lsn, gtid, updated_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))",
		m.stream, uint64(end), gtid)
	if err != nil {
		return 0, false, fmt.Errorf("storing the change stream's first position in %s: %w", myPositionTable, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, false, fmt.Errorf("storing the change stream's first position: %w", err)
	}
	return end, n > 0, nil
}

func (m *mysqlChanges) tryLead(ctx context.Context) (<-chan struct{}, func(), bool, error) {
	name := myLockName(m.stream)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lock == nil {
		cctx, cancel := context.WithTimeout(ctx, defaultConnectTimeout)
		c, err := m.db.Conn(cctx)
		cancel()
		if err != nil {
			return nil, nil, false, fmt.Errorf("connecting for the change stream's leader lock: %w", err)
		}
		m.lock = c
	}
	var got sql.NullInt64
	if err := m.lock.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", name).Scan(&got); err != nil || !got.Valid {
		m.closeLock()
		if err == nil {
			err = errors.New("GET_LOCK returned NULL")
		}
		return nil, nil, false, fmt.Errorf("taking the change stream's leader lock %s: %w", name, err)
	}
	if got.Int64 != 1 {
		return nil, nil, false, nil
	}
	held := func() bool {
		// Still this session's lock, not only a live session: an
		// administrator's KILL or RELEASE_ALL_LOCKS ends it too.
		m.mu.Lock()
		defer m.mu.Unlock()
		var mine sql.NullBool
		err := errors.New("no connection")
		if m.lock != nil {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = m.lock.QueryRowContext(pctx, "SELECT IS_USED_LOCK(?) = CONNECTION_ID()", name).Scan(&mine)
			cancel()
		}
		ok := err == nil && mine.Valid && mine.Bool
		if !ok {
			m.closeLock()
		}
		return ok
	}
	unlock := func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.lock != nil {
			uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := m.lock.ExecContext(uctx, "DO RELEASE_LOCK(?)", name); err != nil {
				m.closeLock() // ending the session frees the lock
			}
		}
	}
	lost, release := watchLock(held, unlock)
	return lost, release, true, nil
}

// closeLock ends the lock's session; m.mu is held. The connection is
// thrown away rather than returned to the pool, so that a lock it might
// still hold goes with it.
func (m *mysqlChanges) closeLock() {
	if m.lock != nil {
		_ = m.lock.Raw(func(any) error { return driver.ErrBadConn })
		_ = m.lock.Close()
		m.lock = nil
	}
}

// current is what setup set up last.
func (m *mysqlChanges) current() (*changes.MySQL, changes.Table, map[changes.Table]changes.Table, <-chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.src, m.own, m.toFeed, m.swapped
}

func (m *mysqlChanges) follow(ctx context.Context, handle changes.Handler) error {
	// Like changes.Follow, return only when ctx ends or nothing mends
	// the failure: the leader election tries again at once otherwise.
	var from changes.LSN
	for wait := 200 * time.Millisecond; ; wait = min(2*wait, 30*time.Second) {
		lsn, err := m.resumeAt(ctx)
		if err == nil {
			from = lsn
			break
		}
		if pe := (*changes.PermanentError)(nil); errors.As(err, &pe) {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		m.log.Warn("changes: could not read the stored position; retrying", "error", err.Error(), "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
	p := &myPosition{m: m, stored: from, taken: from}
	fctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.storeEvery(fctx)
	}()
	defer func() {
		cancel()
		wg.Wait()
		// What was handed on is stored before the leadership is given up
		// (run releases it after follow returns), so that the next leader
		// starts after it rather than publishing it again.
		if err := p.store(ctx, true); err != nil {
			m.log.Warn("changes: the position read could not be stored on stopping; the next reader hands on again what came after the last one stored", "error", err.Error())
		}
	}()
	for {
		src, own, toFeed, swapped := m.current()
		ictx, icancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-swapped:
				icancel()
			case <-ictx.Done():
			}
		}()
		err := changes.Follow(ictx, src, p.last(), p.handler(handle, own, toFeed), changes.Backoff{}, m.log)
		icancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return m.explain(ctx, err)
		}
		// setup changed the tables: read on with the new ones, from what
		// was handed on.
	}
}

// resumeAt is the stored position, checked to be still in the binary
// log. A stored position that is gone (dropped while this instance stood
// by) starts again from the current end.
func (m *mysqlChanges) resumeAt(ctx context.Context) (changes.LSN, error) {
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	stored, err := readMyPositions(rctx, m.db, m.stream)
	if err != nil {
		return 0, err
	}
	if len(stored) == 0 {
		end, _, err := m.ensurePosition(rctx)
		if err != nil {
			return 0, err
		}
		m.log.Info("changes: no stored position: reading from the binary log's current end", "position", end.String())
		return end, nil
	}
	logs, err := binaryLogs(rctx, m.db)
	if err != nil {
		return 0, err
	}
	if !binlogHolds(logs, stored[0].lsn) {
		return 0, m.purged(logs, stored[0])
	}
	return stored[0].lsn, nil
}

// explain turns the stream's "the log no longer holds that position"
// into what happened and what to do.
func (m *mysqlChanges) explain(ctx context.Context, err error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	stored, serr := readMyPositions(rctx, m.db, m.stream)
	logs, lerr := binaryLogs(rctx, m.db)
	if serr == nil && lerr == nil && len(stored) == 1 && !binlogHolds(logs, stored[0].lsn) {
		return m.purged(logs, stored[0])
	}
	return err
}

// purged is the error of a stored position whose binary log file is gone.
func (m *mysqlChanges) purged(logs []binlogFile, s myStored) error {
	oldest := "none"
	if len(logs) > 0 {
		oldest = logs[0].name
	}
	return &changes.PermanentError{Err: fmt.Errorf("the binary log no longer holds the stored position %s of %s (stored at %s UTC; the oldest file kept is %s): "+
		"it was purged (binlog_expire_logs_seconds or expire_logs_days, PURGE BINARY LOGS, or RESET MASTER), so changes committed between then and now were lost to subscriptions. "+
		"To read on from the binary log's current end, stop Quarry, run `quarry changes drop %s --connection-uri-secret …` and start it again; "+
		"keep the binary log longer than Quarry may be stopped", formatMyLSN(logs, s.lsn), s.name, s.updated, oldest, s.name)}
}

func (m *mysqlChanges) lag(ctx context.Context) (int64, error) {
	stored, err := readMyPositions(ctx, m.db, m.stream)
	if err != nil {
		return 0, err
	}
	if len(stored) == 0 {
		return 0, fmt.Errorf("the stored position %s is gone", m.stream)
	}
	logs, err := binaryLogs(ctx, m.db)
	if err != nil {
		return 0, err
	}
	return binlogLag(logs, stored[0].lsn)
}

func (m *mysqlChanges) close() {
	m.mu.Lock()
	m.closeLock()
	m.mu.Unlock()
	_ = m.db.Close()
}

// myPosition is one leadership's position: what was handed on, and what
// is stored.
type myPosition struct {
	m  *mysqlChanges
	mu sync.Mutex
	// taken is the last transaction handed on (or of the position table
	// only), gtid the GTID state after it; served the last one that
	// changed a served table; stored what the table holds.
	taken, served, stored changes.LSN
	gtid                  string
	wrote                 time.Time
}

func (p *myPosition) last() changes.LSN {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.taken
}

// handler hands the served tables' changes of each transaction on under
// the feed's names, and notes how far it got. A transaction of the
// position table only (this stream's own writes) is not handed on: it is
// how far the stream read.
func (p *myPosition) handler(handle changes.Handler, own changes.Table, toFeed map[changes.Table]changes.Table) changes.Handler {
	return func(ctx context.Context, tx []changes.Change, lsn changes.LSN) error {
		out := make([]changes.Change, 0, len(tx))
		for _, c := range tx {
			t := changes.Table{Schema: c.Schema, Name: c.Table}
			if t == own {
				continue
			}
			if ft, ok := toFeed[t]; ok {
				c.Schema, c.Table = ft.Schema, ft.Name
			}
			out = append(out, c)
		}
		if len(out) > 0 {
			if err := handle(ctx, out, lsn); err != nil {
				return err
			}
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if lsn > p.taken {
			p.taken = lsn
			if len(tx) > 0 {
				p.gtid = tx[0].GTID
			}
		}
		if len(out) > 0 && lsn > p.served {
			p.served = lsn
		}
		return nil
	}
}

// storeEvery stores the position every second while transactions are
// handed on: one write per second, not per transaction.
func (p *myPosition) storeEvery(ctx context.Context) {
	every := p.m.every
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := p.store(ctx, false); err != nil && ctx.Err() == nil {
			p.m.log.Warn("changes: the position read could not be stored; retrying", "error", err.Error())
		}
	}
}

// store writes the position handed on: at once when a served table's
// transaction was handed on since the last write; on stopping when it
// moved at all; and otherwise once every idle period. That last write is
// of the position table, which the stream reads back and takes as how
// far it got: the stored position keeps up with the binary log while
// only other tables change (which the stream does not hand on), so that
// it is not purged from under Quarry nor reported as lag. The write it
// reads back moves the position on again, hence at most once a period.
func (p *myPosition) store(ctx context.Context, final bool) error {
	idle := p.m.idle
	if idle <= 0 {
		idle = time.Minute
	}
	p.mu.Lock()
	lsn, gtid, stored := p.taken, p.gtid, p.stored
	dirty := p.served > p.stored
	due := time.Since(p.wrote) >= idle
	p.mu.Unlock()
	switch {
	case dirty:
	case final:
		if lsn <= stored {
			return nil
		}
	case !due:
		return nil
	}
	if dirty && p.m.durable != nil {
		// Every event of what is stored must be safe in the broker first;
		// on a clean stop (ctx ended) durable waits a little more.
		if err := p.m.durable(ctx); err != nil {
			return err
		}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := storeMyPosition(wctx, p.m.db, p.m.stream, lsn, gtid); err != nil {
		return err
	}
	p.mu.Lock()
	p.stored = max(p.stored, lsn)
	p.wrote = time.Now()
	p.mu.Unlock()
	return nil
}
