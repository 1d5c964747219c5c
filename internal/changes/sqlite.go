package changes

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// SQLite has no change stream that another process can read: its WAL is
// a page log, not a row log, and the update hooks only see the writes of
// the connection that set them. So the SQLite source keeps a change log
// in the file itself. AFTER INSERT, UPDATE and DELETE triggers on every
// served table append the row (as JSON) to the table quarry_changes; they
// run inside the writer's transaction, whoever the writer is (Quarry, the
// sqlite3 shell, another program), so a change is logged if and only if
// its transaction commits. One Quarry instance at a time (the leader, a
// lease row in quarry_changes_position) reads the log in id order, hands
// each row on, stores how far it got in quarry_changes_position and
// deletes the rows up to there.
//
// SQLite does not tell a trigger which transaction it runs in, so each
// logged row is a transaction of its own for the handler: its LSN is the
// row's id. Ids grow in commit order (SQLite has one writer at a time,
// and AUTOINCREMENT never reuses a committed id), which is all the
// consumer's de-duplication needs.

// Names of what the SQLite source keeps in the served file. They start
// with introspect.BookkeepingPrefix, so they are never served.
const (
	sqliteLog           = "quarry_changes"
	sqlitePosition      = "quarry_changes_position"
	sqliteTriggerPrefix = "quarry_changes_"
	// sqliteStream is the key of the one row of quarry_changes_position:
	// the triggers are the file's, so there is one log and one reader
	// per file.
	sqliteStream = "main"
)

// SQLiteOptions configure a SQLite source.
type SQLiteOptions struct {
	// Path is the database file.
	Path string
	// Poll is how often the reader looks for new rows (PRAGMA
	// data_version, which costs no I/O when nothing changed). Default
	// 50 ms.
	Poll time.Duration
	// Lease is how long the leader's lock lasts without a heartbeat; the
	// leader renews it every Lease/3, and another instance takes over
	// once it has run out. Default 3 s.
	Lease time.Duration
	// Durable, when set, is called before the position is stored, and
	// storing waits until it returns nil (see PostgresOptions.Durable).
	Durable func(context.Context) error
	// Owner names this instance in the lease row; default host:pid:random.
	Owner string
	// Logger may be nil.
	Logger *slog.Logger
}

// SQLite reads committed changes of the served tables of a SQLite file
// from the change log its triggers write.
type SQLite struct {
	db      *sql.DB
	poll    time.Duration
	lease   time.Duration
	durable func(context.Context) error
	owner   string
	log     *slog.Logger

	mu sync.Mutex
	// tables are the served tables by lower-case name (SQLite's names
	// are case-insensitive), with what decoding their rows needs.
	tables map[string]liteTable
}

// liteTable is a served table as the reader decodes its rows.
type liteTable struct {
	table Table
	// times are the columns whose declared type is DATE, DATETIME or
	// TIMESTAMP: modernc.org/sqlite gives their text as time.Time.
	times map[string]bool
}

// NewSQLite checks the options and opens (lazily) a pool of its own on
// the file: the reader needs a connection that is not one of the
// writers', since PRAGMA data_version does not move for a connection's
// own commits.
func NewSQLite(o SQLiteOptions) (*SQLite, error) {
	if o.Path == "" {
		return nil, errors.New("changes: no SQLite file")
	}
	if o.Poll <= 0 {
		o.Poll = 50 * time.Millisecond
	}
	if o.Lease <= 0 {
		o.Lease = 3 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Owner == "" {
		o.Owner = defaultOwner()
	}
	db, err := OpenSQLite(o.Path)
	if err != nil {
		return nil, err
	}
	// The reader's connection, the heartbeat, set-up and the lag check.
	db.SetMaxOpenConns(4)
	return &SQLite{db: db, poll: o.Poll, lease: o.Lease, durable: o.Durable, owner: o.Owner, log: o.Logger}, nil
}

// sqliteDSN opens path as Quarry's pool does: waiting up to 5 s for
// another writer, and taking the write lock at BEGIN so that a
// transaction that writes never fails half-way on a lock upgrade.
func sqliteDSN(path string) string {
	return (&url.URL{Scheme: "file", Path: path, RawQuery: "mode=rw&_pragma=busy_timeout(5000)&_txlock=immediate"}).String()
}

// OpenSQLite opens path for writing as the source does, for the commands
// that read or drop the change log (SQLiteStatus, DropSQLite).
func OpenSQLite(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("opening SQLite file %s: %w", path, err)
	}
	return db, nil
}

func defaultOwner() string {
	host, _ := os.Hostname()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Owner is this instance's name in the lease row.
func (s *SQLite) Owner() string { return s.owner }

// Close closes the source's pool.
func (s *SQLite) Close() error { return s.db.Close() }

// SQLiteReport is what SQLite.Setup did.
type SQLiteReport struct {
	// NotStreamed are served relations that cannot have triggers (views,
	// virtual tables): changes to them are not seen.
	NotStreamed []Table
	// LogCreated says the change log did not exist before: changes are
	// logged from now on.
	LogCreated bool
	// Created, Replaced and Dropped count triggers: new ones, ones whose
	// table's columns changed, and ones of tables no longer served.
	Created, Replaced, Dropped int
	// Unread is how many logged rows wait to be read (written while no
	// Quarry was reading).
	Unread int64
}

// Setup creates the change log and its position row if they are missing
// and makes the triggers log exactly tables, in one transaction. It may
// run again (the sandbox rebuilds its schema) while a Stream reads.
func (s *SQLite) Setup(ctx context.Context, tables []Table) (SQLiteReport, error) {
	var rep SQLiteReport
	if len(tables) == 0 {
		return rep, errors.New("changes: no tables to read changes of")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("setting up the SQLite change log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var existed int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, sqliteLog).Scan(&existed); err != nil {
		return rep, fmt.Errorf("reading the SQLite schema: %w", err)
	}
	rep.LogCreated = existed == 0
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS ` + quoteLite(sqliteLog) + ` (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, op TEXT NOT NULL, old TEXT, new TEXT)`,
		`CREATE TABLE IF NOT EXISTS ` + quoteLite(sqlitePosition) + ` (name TEXT PRIMARY KEY, position INTEGER NOT NULL DEFAULT 0, owner TEXT, expires_at INTEGER NOT NULL DEFAULT 0)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return rep, fmt.Errorf("creating the SQLite change log: %w", err)
		}
	}
	// A new position starts at the log's end. One larger than the log's
	// last id ever used (the log was dropped and made again) is brought
	// back to it, or the new rows would be taken as read.
	seq := `coalesce((SELECT seq FROM sqlite_sequence WHERE name = '` + sqliteLog + `'), 0)`
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO `+quoteLite(sqlitePosition)+` (name, position) VALUES (?, `+seq+`)`, sqliteStream); err != nil {
		return rep, fmt.Errorf("creating the SQLite change log's position: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+quoteLite(sqlitePosition)+` SET position = `+seq+` WHERE name = ? AND position > `+seq, sqliteStream); err != nil {
		return rep, fmt.Errorf("checking the SQLite change log's position: %w", err)
	}
	served, want, err := s.wantedTriggers(ctx, tx, tables, &rep)
	if err != nil {
		return rep, err
	}
	if err := syncTriggers(ctx, tx, want, &rep); err != nil {
		return rep, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteLite(sqliteLog)+` WHERE id > (SELECT position FROM `+quoteLite(sqlitePosition)+` WHERE name = ?)`,
		sqliteStream).Scan(&rep.Unread); err != nil {
		return rep, fmt.Errorf("counting unread changes: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return rep, fmt.Errorf("setting up the SQLite change log: %w", err)
	}
	s.mu.Lock()
	s.tables = served
	s.mu.Unlock()
	return rep, nil
}

// wantedTriggers reads the served tables' columns and returns them with
// the triggers that log them, by name.
func (s *SQLite) wantedTriggers(ctx context.Context, tx *sql.Tx, tables []Table, rep *SQLiteReport) (map[string]liteTable, map[string]string, error) {
	kinds := map[string]string{}
	rows, err := tx.QueryContext(ctx, `SELECT name, type FROM pragma_table_list WHERE schema = 'main'`)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the SQLite tables: %w", err)
	}
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("listing the SQLite tables: %w", err)
		}
		kinds[strings.ToLower(name)] = kind
	}
	if err := closeRowsErr(rows); err != nil {
		return nil, nil, fmt.Errorf("listing the SQLite tables: %w", err)
	}
	served := map[string]liteTable{}
	want := map[string]string{}
	for _, t := range tables {
		if kinds[strings.ToLower(t.Name)] != "table" {
			rep.NotStreamed = append(rep.NotStreamed, t)
			continue
		}
		cols, err := liteColumns(ctx, tx, t.Name)
		if err != nil {
			return nil, nil, err
		}
		lt := liteTable{table: t, times: map[string]bool{}}
		for _, c := range cols {
			switch strings.ToUpper(c.typ) {
			case "DATE", "DATETIME", "TIMESTAMP":
				lt.times[c.name] = true
			}
		}
		served[strings.ToLower(t.Name)] = lt
		for name, q := range triggersFor(t.Name, cols) {
			want[name] = q
		}
	}
	return served, want, nil
}

type liteCol struct{ name, typ string }

// liteColumns are a table's columns, generated ones included (a trigger
// reads them as any other); hidden columns of virtual tables are not.
func liteColumns(ctx context.Context, tx *sql.Tx, table string) ([]liteCol, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	var cols []liteCol
	for rows.Next() {
		var c liteCol
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
		}
		cols = append(cols, c)
	}
	if err := closeRowsErr(rows); err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s has no columns", table)
	}
	return cols, nil
}

// syncTriggers makes the file's quarry_changes_ triggers exactly want:
// one whose text differs (its table's columns changed) is made again.
func syncTriggers(ctx context.Context, tx *sql.Tx, want map[string]string, rep *SQLiteReport) error {
	have, err := liteTriggers(ctx, tx)
	if err != nil {
		return err
	}
	for name := range have {
		if _, ok := want[name]; ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS `+quoteLite(name)); err != nil {
			return fmt.Errorf("dropping trigger %s: %w", name, err)
		}
		rep.Dropped++
	}
	for name, q := range want {
		old, ok := have[name]
		if ok && old == q {
			continue
		}
		if ok {
			if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+quoteLite(name)); err != nil {
				return fmt.Errorf("replacing trigger %s: %w", name, err)
			}
			rep.Replaced++
		} else {
			rep.Created++
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("creating trigger %s: %w", name, err)
		}
	}
	return nil
}

// liteTriggers are the file's quarry_changes_ triggers and their text.
func liteTriggers(ctx context.Context, q liteQuerier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'quarry\_changes\_%' ESCAPE '\'`)
	if err != nil {
		return nil, fmt.Errorf("listing the change log's triggers: %w", err)
	}
	have := map[string]string{}
	for rows.Next() {
		var name string
		var text sql.NullString
		if err := rows.Scan(&name, &text); err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing the change log's triggers: %w", err)
		}
		have[name] = text.String
	}
	if err := closeRowsErr(rows); err != nil {
		return nil, fmt.Errorf("listing the change log's triggers: %w", err)
	}
	return have, nil
}

// jsonArgsPerCall bounds the columns one json_object call takes: writers
// built with SQLite's old default SQLITE_MAX_FUNCTION_ARG of 127 (before
// 3.48, such as many distributions' sqlite3 shell) could not even parse a
// longer call, and every write to the table would fail.
const jsonArgsPerCall = 60

// triggersFor are the three triggers logging table's rows, by name.
func triggersFor(table string, cols []liteCol) map[string]string {
	out := map[string]string{}
	for _, op := range []struct{ event, op, old, new string }{
		{"INSERT", OpCreate, "NULL", rowJSON("NEW", cols)},
		{"UPDATE", OpUpdate, rowJSON("OLD", cols), rowJSON("NEW", cols)},
		{"DELETE", OpDelete, rowJSON("OLD", cols), "NULL"},
	} {
		name := sqliteTriggerPrefix + table + "_" + strings.ToLower(op.event)
		out[name] = "CREATE TRIGGER " + quoteLite(name) + " AFTER " + op.event + " ON " + quoteLite(table) + " FOR EACH ROW BEGIN " +
			"INSERT INTO " + quoteLite(sqliteLog) + " (tbl, op, old, new) VALUES (" + literalLite(table) + ", " + literalLite(op.op) + ", " + op.old + ", " + op.new + "); END"
	}
	return out
}

// rowJSON is the expression writing row (NEW or OLD) as a JSON object of
// every column, or an array of such objects when there are more columns
// than one json_object call may take. The writer's SQLite runs the
// trigger, whatever its version, so values are written in forms every
// version writes alike:
//
//   - a blob (in any column, whatever its declared type, as SQLite lets
//     any column hold one; JSON cannot hold it) as ["b", hex];
//   - a real as ["r", 17 significant digits]: before 3.43 json_object
//     wrote 15 (0.30000000000000004 became 0.3), and wrote infinities as
//     Inf, which is not JSON;
//   - integers, text and null as themselves.
//
// No other value is written as an array.
func rowJSON(row string, cols []liteCol) string {
	var parts []string
	for i := 0; i < len(cols); i += jsonArgsPerCall {
		var args []string
		for _, c := range cols[i:min(i+jsonArgsPerCall, len(cols))] {
			ref := row + "." + quoteLite(c.name)
			args = append(args, literalLite(c.name), "CASE typeof("+ref+") WHEN 'blob' THEN json_array('b', hex("+ref+")) "+
				"WHEN 'real' THEN json_array('r', printf('%!.17g', "+ref+")) ELSE "+ref+" END")
		}
		parts = append(parts, "json_object("+strings.Join(args, ", ")+")")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "json_array(" + strings.Join(parts, ", ") + ")"
}

// quoteLite quotes an identifier for SQLite.
func quoteLite(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// literalLite is s as an SQL string literal: trigger bodies cannot take
// bound values.
func literalLite(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func closeRowsErr(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}
