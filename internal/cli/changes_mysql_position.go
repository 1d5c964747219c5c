package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/quarrydata/quarry/internal/changes"
)

// MySQL and MariaDB keep no state for a binary log reader, unlike a
// PostgreSQL slot: Quarry stores how far each change stream read in a
// table of the served database, one row per stream (quarry_<name>). The
// table's name starts with quarry_changes, which introspection never
// serves (introspect.BookkeepingPrefix).

// myPositionTable is the table of stored positions; a constant, quoted
// where it is used.
const myPositionTable = "quarry_changes_position"

// myPositionDDL creates it. lsn is a changes.LSN (the binary log file's
// sequence number above, the offset below), gtid the server's GTID state
// after that transaction (for people: a file position means nothing on
// another server of the topology).
const myPositionDDL = "CREATE TABLE IF NOT EXISTS `" + myPositionTable + "` (\n" +
	"  name VARCHAR(64) NOT NULL PRIMARY KEY,\n" +
	"  lsn BIGINT UNSIGNED NOT NULL,\n" +
	"  gtid TEXT NOT NULL,\n" +
	"  updated_at DATETIME(6) NOT NULL\n" +
	") ENGINE=InnoDB COMMENT='quarry --changes database: how far each change stream read the binary log'"

// myStreamName is the stored position's name for a stream name.
func myStreamName(name string) string { return "quarry_" + name }

// myLockName is the GET_LOCK name that elects the stream's leader. Lock
// names are server-wide and at most 64 characters: a longer one keeps a
// hash of the rest, so that streams still do not meet.
func myLockName(stream string) string {
	n := "quarry_changes_" + strings.TrimPrefix(stream, "quarry_")
	if len(n) <= 64 {
		return n
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(n))
	return fmt.Sprintf("%s_%08x", n[:55], h.Sum32())
}

// myStored is one stored position.
type myStored struct {
	name    string
	lsn     changes.LSN
	gtid    string
	updated string // UTC, as the server prints DATETIME(6)
}

// myErrNoTable is MySQL's ER_NO_SUCH_TABLE.
const myErrNoTable = 1146

func isMyError(err error, number uint16) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == number
}

// readMyPositions reads the stored positions, all of them or the one
// named; none (and no error) when the table does not exist.
func readMyPositions(ctx context.Context, db *sql.DB, name string) ([]myStored, error) {
	q := "SELECT name, lsn, gtid, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') FROM `" + myPositionTable + "`"
	var args []any
	if name != "" {
		q += " WHERE name = ?"
		args = append(args, name)
	}
	rows, err := db.QueryContext(ctx, q+" ORDER BY name", args...)
	if isMyError(err, myErrNoTable) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the stored change stream positions (%s): %w", myPositionTable, err)
	}
	defer rows.Close()
	var out []myStored
	for rows.Next() {
		var s myStored
		var lsn uint64
		if err := rows.Scan(&s.name, &lsn, &s.gtid, &s.updated); err != nil {
			return nil, fmt.Errorf("reading the stored change stream positions: %w", err)
		}
		s.lsn = changes.LSN(lsn)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the stored change stream positions: %w", err)
	}
	return out, nil
}

// storeMyPosition stores lsn (and the GTID state there) as stream's
// position, unless a position further on is stored already: an old
// leader that finishes late never moves it back. updated_at is when a
// reader last stored it, which always changes the row, so that the write
// is in the binary log (myPosition.store relies on reading it back).
func storeMyPosition(ctx context.Context, db *sql.DB, stream string, lsn changes.LSN, gtid string) error {
	// Assignments run left to right: lsn last, so that the conditions
	// before it still see the old value. VALUES() is deprecated on MySQL
	// 8.0.20+ but the only spelling MariaDB also takes.
	_, err := db.ExecContext(ctx, "INSERT INTO `"+myPositionTable+"` (name, lsn, gtid, updated_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6)) "+
		"ON DUPLICATE KEY UPDATE gtid = IF(lsn < VALUES(lsn), VALUES(gtid), gtid), "+
		"updated_at = VALUES(updated_at), lsn = GREATEST(lsn, VALUES(lsn))",
		stream, uint64(lsn), gtid)
	if err != nil {
		return fmt.Errorf("storing the change stream's position in %s: %w", myPositionTable, err)
	}
	return nil
}

// binlogFile is one file of SHOW BINARY LOGS.
type binlogFile struct {
	name string
	seq  uint64 // its sequence number, the LSN's high half
	size int64
}

// binaryLogs lists the server's binary log files, oldest first.
func binaryLogs(ctx context.Context, db *sql.DB) ([]binlogFile, error) {
	rows, err := db.QueryContext(ctx, "SHOW BINARY LOGS")
	if err != nil {
		return nil, fmt.Errorf("listing the binary log files (SHOW BINARY LOGS): %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("listing the binary log files: %w", err)
	}
	var out []binlogFile
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("listing the binary log files: %w", err)
		}
		var f binlogFile
		for i, c := range cols {
			switch c {
			case "Log_name":
				f.name = vals[i].String
			case "File_size":
				f.size, _ = strconv.ParseInt(vals[i].String, 10, 64)
			}
		}
		lsn, err := changes.BinlogLSN(f.name, 0)
		if err != nil {
			return nil, fmt.Errorf("listing the binary log files: %w", err)
		}
		f.seq = uint64(lsn) >> 32
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing the binary log files: %w", err)
	}
	return out, nil
}

// binlogHolds reports whether logs still hold lsn's file.
func binlogHolds(logs []binlogFile, lsn changes.LSN) bool {
	for _, f := range logs {
		if f.seq == uint64(lsn)>>32 {
			return true
		}
	}
	return false
}

// binlogLag is how many bytes of binary log were written after lsn (the
// size of the last file is where it is being written).
func binlogLag(logs []binlogFile, lsn changes.LSN) (int64, error) {
	if !binlogHolds(logs, lsn) {
		return 0, fmt.Errorf("the binary log no longer holds the stored position %s (its file was purged)", formatMyLSN(logs, lsn))
	}
	seq, off := uint64(lsn)>>32, int64(uint32(lsn))
	var n int64
	for _, f := range logs {
		if f.seq >= seq {
			n += f.size
		}
	}
	return max(0, n-off), nil
}

// formatMyLSN prints lsn as file:offset in the naming of the server's
// files.
func formatMyLSN(logs []binlogFile, lsn changes.LSN) string {
	like := "binlog.000001"
	if len(logs) > 0 {
		like = logs[0].name
	}
	return changes.FormatBinlogLSN(like, lsn)
}

// binlogEnd is where the server writes its binary log now, and the GTID
// state there (MariaDB's gtid_binlog_pos, MySQL's gtid_executed; empty
// when neither is readable).
func binlogEnd(ctx context.Context, db *sql.DB) (changes.LSN, string, error) {
	rows, err := db.QueryContext(ctx, "SHOW MASTER STATUS")
	if isMyError(err, 1064) { // MySQL 8.4 and later only know the new name
		rows, err = db.QueryContext(ctx, "SHOW BINARY LOG STATUS")
	}
	if err != nil {
		return 0, "", fmt.Errorf("reading the binary log's position (SHOW MASTER STATUS): %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, "", fmt.Errorf("reading the binary log's position: %w", err)
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, "", fmt.Errorf("reading the binary log's position: %w", err)
		}
		return 0, "", &changes.PermanentError{Err: errors.New("the server writes no binary log (SHOW MASTER STATUS is empty)")}
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return 0, "", fmt.Errorf("reading the binary log's position: %w", err)
	}
	var file string
	var pos uint64
	for i, c := range cols {
		switch c {
		case "File":
			file = vals[i].String
		case "Position":
			pos, _ = strconv.ParseUint(vals[i].String, 10, 64)
		}
	}
	rows.Close()
	lsn, err := changes.BinlogLSN(file, pos)
	if err != nil {
		return 0, "", &changes.PermanentError{Err: err}
	}
	var gtid sql.NullString
	if db.QueryRowContext(ctx, "SELECT @@GLOBAL.gtid_binlog_pos").Scan(&gtid) != nil {
		gtid = sql.NullString{}
		_ = db.QueryRowContext(ctx, "SELECT @@GLOBAL.gtid_executed").Scan(&gtid)
	}
	return lsn, strings.Join(strings.Fields(gtid.String), ""), nil
}
