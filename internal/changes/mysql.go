package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	gomysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
	"github.com/go-sql-driver/mysql"
)

// MySQL reads committed changes of the served tables from a MySQL or
// MariaDB server's row-based binary log, connecting as a replica does
// (github.com/go-mysql-org/go-mysql's replication package).
//
// The server keeps no state for it, unlike a PostgreSQL slot: the caller
// stores the LSN of the last transaction it took and passes it to Stream
// again. A MySQL LSN is a binary log position, the sequence number of
// the log file in the high 32 bits and the offset just after the
// transaction's last event in the low ones (BinlogLSN), so LSNs grow in
// commit order and one server's positions compare as numbers. Each
// Change also carries the server's GTID state after its transaction,
// which, unlike file positions, means the same on every server of a
// replication topology (MySQLOptions.FromGTID).
//
// Values are decoded as database/sql with github.com/go-sql-driver/mysql
// gives them for a prepared statement's result (Quarry binds every
// value, so its queries use the binary protocol) when a column is
// scanned into *any, with parseTime off and the session time zone UTC,
// as Quarry connects:
//
//	TINYINT…BIGINT, YEAR        int64 (a BIGINT UNSIGNED above 2^63-1: []byte of its digits)
//	FLOAT                       float32
//	DOUBLE                      float64
//	everything else             []byte: DECIMAL as its digits ("12.50"), DATE as
//	                            2024-02-29, DATETIME and TIMESTAMP as 2024-02-29 13:14:15[.ffffff]
//	                            (TIMESTAMP in UTC), TIME as text, ENUM and SET as their labels,
//	                            BIT as its big-endian bytes, JSON as its text, text and binary
//	                            strings as their bytes
type MySQL struct {
	conn     *mysql.Config
	tables   map[Table]bool
	serverID uint32
	name     string
	fromGTID string
	log      *slog.Logger

	// start is where a stream without a from begins: fixed by the first
	// Stream, so that a reconnection before anything was handed on does
	// not skip what was committed in between.
	mu        sync.Mutex
	start     LSN
	startGTID string
}

// MySQLOptions configure a MySQL source.
type MySQLOptions struct {
	// Conn says how to reach the server (a go-sql-driver/mysql config:
	// Net, Addr, User, Passwd, TLS). The database name does not matter.
	Conn *mysql.Config
	// Tables are the served tables, Schema being the database's name.
	// Changes to other tables are not delivered.
	Tables []Table
	// ServerID is the server id the stream presents as a replica. It
	// must differ from the server's own and from every other replica's:
	// the server drops an older connection with the same id. Zero derives
	// one from the host name and Name (a restarted Quarry reuses its id,
	// which ends a stale connection of its own), never the server's own.
	ServerID uint32
	// Name tells deployments on one host apart in the derived server id.
	Name string
	// FromGTID, when set, is where a stream without a from starts: after
	// this GTID state (Change.GTID of the last transaction taken), for
	// resuming on another server of the same replication topology. It is
	// MariaDB's domain-server-seq list or MySQL's executed GTID set.
	FromGTID string
	// Logger may be nil.
	Logger *slog.Logger
}

// NewMySQL checks the options; it does not connect.
func NewMySQL(o MySQLOptions) (*MySQL, error) {
	if o.Conn == nil {
		return nil, errors.New("changes: no connection configuration")
	}
	if len(o.Tables) == 0 {
		return nil, errors.New("changes: no tables to read changes of")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m := &MySQL{conn: o.Conn.Clone(), tables: map[Table]bool{}, serverID: o.ServerID, name: o.Name,
		fromGTID: strings.Join(strings.Fields(o.FromGTID), ""), log: o.Logger}
	for _, t := range o.Tables {
		m.tables[t] = true
	}
	return m, nil
}

// BinlogLSN is the LSN of a position in a binary log file named like
// mysql-bin.000042: the file's sequence number above, the offset below.
func BinlogLSN(file string, pos uint64) (LSN, error) {
	_, seq, _, err := splitBinlogName(file)
	if err != nil {
		return 0, err
	}
	if pos > 0xFFFFFFFF {
		return 0, fmt.Errorf("binary log offset %d does not fit in 32 bits", pos)
	}
	return LSN(seq<<32 | pos), nil
}

// splitBinlogName splits mysql-bin.000042 into mysql-bin, 42 and the
// width of its number.
func splitBinlogName(file string) (base string, seq uint64, width int, err error) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 || i == len(file)-1 {
		return "", 0, 0, fmt.Errorf("binary log file name %q does not end in .NNNNNN", file)
	}
	seq, err = strconv.ParseUint(file[i+1:], 10, 32)
	if err != nil {
		return "", 0, 0, fmt.Errorf("binary log file name %q does not end in .NNNNNN", file)
	}
	return file[:i], seq, len(file) - i - 1, nil
}

// binlogFile names the file of lsn, in the naming of a file of the server.
func binlogFile(like string, lsn LSN) (string, error) {
	base, _, width, err := splitBinlogName(like)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s.%0*d", base, width, uint64(lsn)>>32), nil
}

// open opens an ordinary connection pool for checks and metadata.
func (m *MySQL) open() (*sql.DB, error) {
	c := m.conn.Clone()
	c.ParseTime = false
	c.MultiStatements = false
	connector, err := mysql.NewConnector(c)
	if err != nil {
		return nil, fmt.Errorf("the MySQL connection settings are not valid: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(2)
	return db, nil
}

// serverInfo is what Stream needs to know about the server.
type serverInfo struct {
	mariaDB  bool
	version  string
	serverID uint32
	file     string // the binary log being written
	pos      uint64
	gtid     string // the GTID state at file:pos; empty if not known
}

func readServerInfo(ctx context.Context, db *sql.DB) (*serverInfo, error) {
	var s serverInfo
	var id uint64
	if err := db.QueryRowContext(ctx, "SELECT VERSION(), @@server_id").Scan(&s.version, &id); err != nil {
		return nil, fmt.Errorf("connecting to MySQL: %w", classifyMySQL(err))
	}
	s.serverID, s.mariaDB = uint32(id), strings.Contains(strings.ToLower(s.version), "mariadb")
	var err error
	s.file, s.pos, s.gtid, err = binlogStatus(ctx, db, s.mariaDB)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// binlogStatus reads the current binary log position (SHOW MASTER
// STATUS, renamed SHOW BINARY LOG STATUS in MySQL 8.2) and the GTID state
// there: MariaDB's from BINLOG_GTID_POS, MySQL's Executed_Gtid_Set.
func binlogStatus(ctx context.Context, db *sql.DB, mariaDB bool) (file string, pos uint64, gtid string, err error) {
	rows, err := db.QueryContext(ctx, "SHOW MASTER STATUS")
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == 1064 { // syntax error: MySQL 8.4 and later
		rows, err = db.QueryContext(ctx, "SHOW BINARY LOG STATUS")
	}
	if err != nil {
		return "", 0, "", fmt.Errorf("reading the binary log position (SHOW MASTER STATUS): %w", classifyMySQL(err))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", 0, "", fmt.Errorf("reading the binary log position: %w", err)
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", 0, "", fmt.Errorf("reading the binary log position: %w", err)
		}
		return "", 0, "", &PermanentError{Err: errors.New("the server writes no binary log (SHOW MASTER STATUS is empty): " + binlogOffFix(mariaDB))}
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", 0, "", fmt.Errorf("reading the binary log position: %w", err)
	}
	for i, c := range cols {
		switch c {
		case "File":
			file = vals[i].String
		case "Position":
			pos, _ = strconv.ParseUint(vals[i].String, 10, 64)
		case "Executed_Gtid_Set":
			gtid = strings.Join(strings.Fields(vals[i].String), "")
		}
	}
	rows.Close()
	if mariaDB {
		gtid, _, err = mariaGTIDAt(ctx, db, file, pos)
	}
	return file, pos, gtid, err
}

// mariaGTIDAt is MariaDB's GTID state at a binary log position.
// It is not known (NULL) for a position that is not in the log.
func mariaGTIDAt(ctx context.Context, db *sql.DB, file string, pos uint64) (string, bool, error) {
	var g sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT BINLOG_GTID_POS(?, ?)", file, pos).Scan(&g); err != nil {
		return "", false, fmt.Errorf("reading the GTID position at %s:%d: %w", file, pos, classifyMySQL(err))
	}
	return g.String, g.Valid, nil
}

// replicaID is the server id the stream presents.
func (m *MySQL) replicaID(own uint32) uint32 {
	id := m.serverID
	if id == 0 {
		host, _ := os.Hostname()
		h := fnv.New32a()
		_, _ = h.Write([]byte("quarry\x00" + host + "\x00" + m.name))
		// Far from the small ids people give their servers by hand.
		id = 1<<30 + h.Sum32()%(1<<30)
	}
	if id == own {
		id++
	}
	return id
}

// Stream reads the binary log after from (an LSN this source handed on;
// 0 for where the log stood when this source first streamed, or after
// MySQLOptions.FromGTID) and hands each committed transaction that
// changed a served table to handle, in commit order, until ctx ends,
// handle fails or the connection is lost. Call Check first.
func (m *MySQL) Stream(ctx context.Context, from LSN, handle Handler) error {
	db, err := m.open()
	if err != nil {
		return &PermanentError{Err: err}
	}
	defer db.Close()
	info, err := readServerInfo(ctx, db)
	if err != nil {
		return err
	}
	if info.file == "" {
		return &PermanentError{Err: errors.New("the server writes no binary log: " + binlogOffFix(info.mariaDB))}
	}
	start, gtid, byGTID, err := m.startAt(info, from)
	if err != nil {
		return err
	}
	r := newMyReader(m, db, info, handle)
	syncer, err := m.syncerFor(info, r)
	if err != nil {
		return err
	}
	defer syncer.Close()
	var st *replication.BinlogStreamer
	if byGTID {
		var set gomysql.GTIDSet
		if set, err = gomysql.ParseGTIDSet(flavor(info), gtid); err != nil {
			return &PermanentError{Err: fmt.Errorf("the GTID state to start from, %q, is not valid: %w", gtid, err)}
		}
		r.setGTID(gtid, true)
		st, err = syncer.StartSyncGTID(set)
	} else {
		if r.file, err = binlogFile(info.file, start); err != nil {
			return &PermanentError{Err: err}
		}
		known := from == 0 // the state at the current end, read with it
		if from != 0 && info.mariaDB {
			// A resumed MariaDB stream learns the state at its start.
			var gerr error
			if gtid, known, gerr = mariaGTIDAt(ctx, db, r.file, uint64(uint32(start))); gerr != nil {
				m.log.Warn("changes: the GTID state at the start is not known; changes carry none", "error", gerr)
			}
		}
		r.setGTID(gtid, known)
		st, err = syncer.StartSync(gomysql.Position{Name: r.file, Pos: uint32(start)})
	}
	if err != nil {
		return fmt.Errorf("starting to read the binary log: %w", classifyMySQL(err))
	}
	return r.run(ctx, st)
}

// startAt picks where the stream starts: from, else this source's first
// start, else FromGTID, else the current end of the binary log.
func (m *MySQL) startAt(info *serverInfo, from LSN) (LSN, string, bool, error) {
	if from != 0 {
		return from, "", false, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.start == 0 && m.startGTID == "" {
		switch {
		case m.fromGTID != "":
			m.startGTID = m.fromGTID
		default:
			lsn, err := BinlogLSN(info.file, info.pos)
			if err != nil {
				return 0, "", false, &PermanentError{Err: err}
			}
			m.start = lsn
			m.startGTID = info.gtid
			m.log.Info("changes: reading the binary log from its current end", "file", info.file, "position", info.pos, "gtid", info.gtid)
			return m.start, m.startGTID, false, nil
		}
	}
	if m.start != 0 {
		return m.start, m.startGTID, false, nil
	}
	return 0, m.startGTID, true, nil
}

func flavor(info *serverInfo) string {
	if info.mariaDB {
		return gomysql.MariaDBFlavor
	}
	return gomysql.MySQLFlavor
}

// syncerFor configures the replica connection. Rows of tables r does not
// serve are not decoded at all.
func (m *MySQL) syncerFor(info *serverInfo, r *myReader) (*replication.BinlogSyncer, error) {
	host, port := "127.0.0.1", uint16(3306)
	network, addr := m.conn.Net, m.conn.Addr
	if network == "" {
		network = "tcp"
	}
	if network == "tcp" {
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, &PermanentError{Err: fmt.Errorf("MySQL address %q is not host:port: %w", addr, err)}
		}
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return nil, &PermanentError{Err: fmt.Errorf("MySQL address %q has no valid port", addr)}
		}
		host, port = h, uint16(n)
	}
	cfg := replication.BinlogSyncerConfig{
		ServerID: m.replicaID(info.serverID), Flavor: flavor(info),
		Host: host, Port: port, User: m.conn.User, Password: m.conn.Passwd, TLSConfig: m.conn.TLS,
		Charset: "utf8mb4",
		// The driver's text for times, in the UTC Quarry's sessions use.
		TimestampStringLocation: time.UTC, RenderJSONAsMySQLText: true,
		HeartbeatPeriod: 5 * time.Second, ReadTimeout: 30 * time.Second,
		// Follow reconnects, from the last position handed on.
		DisableRetrySync: true, DiscardGTIDSet: true,
		FillZeroLogPos: info.mariaDB,
		Logger:         m.libLog(),
		Dialer: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	if r != nil {
		cfg.RowsEventDecodeFunc = r.decodeRows
	}
	return replication.NewBinlogSyncer(cfg), nil
}

// classifyMySQL marks the errors a reconnection does not mend as
// permanent: access denied, a missing privilege, a binary log that is
// gone (purged), a server id in use by the server itself.
func classifyMySQL(err error) error {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1044, 1045, 1142, 1227, 1049:
			return &PermanentError{Err: err}
		}
		return err
	}
	var ge *gomysql.MyError
	if errors.As(err, &ge) {
		switch ge.Code {
		case 1236: // ER_MASTER_FATAL_ERROR_READING_BINLOG: purged, or a bad position
			return &PermanentError{Err: fmt.Errorf("%w: the binary log no longer holds that position (purged by binlog_expire_logs_seconds or PURGE BINARY LOGS, or RESET MASTER); "+
				"changes made since were lost to the stream: start again from the current position", err)}
		case 1045, 1227, 1044:
			return &PermanentError{Err: err}
		}
	}
	return err
}

// libLog is the replication library's logger: its warnings and errors
// only, through the source's logger (it logs each connection at info).
func (m *MySQL) libLog() *slog.Logger {
	return slog.New(levelAtLeast{m.log.Handler(), slog.LevelWarn})
}

type levelAtLeast struct {
	slog.Handler
	min slog.Level
}

func (h levelAtLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
