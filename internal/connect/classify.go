package connect

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quarrydata/quarry/internal/qerr"
)

// QueryError classifies an error from running a statement, per engine:
// unique violations are conflicts, foreign key, NOT NULL, CHECK and data
// errors are bad input, lock waits and connection limits make the
// database unavailable, cancelled statements are timeouts. The returned
// error keeps the driver's error as its cause, for the log and debug mode.
func QueryError(err error) error {
	if err == nil {
		return nil
	}
	var qe *qerr.Error
	if errors.As(err, &qe) {
		return err
	}
	if Unreachable(err) {
		return qerr.Wrap(qerr.Unavailable, qerr.UnreachableMessage, err)
	}
	kind, msg := queryKind(err)
	return qerr.Wrap(kind, msg, err)
}

// CommitError classifies an error from COMMIT. Unless the server itself
// answered that it rolled back (a serialization failure, a deferred
// constraint), the commit was sent and its answer lost — the connection
// dropped, or the statement timeout cut it — so the server may have
// committed: the outcome is unknown and the caller must be told so, not
// asked to retry. The caller checks its context before committing, so a
// commit that was never sent is not reported here.
func CommitError(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	var my *mysql.MySQLError
	if (errors.As(err, &pg) || errors.As(err, &my)) && !Unreachable(err) {
		return QueryError(err)
	}
	// SQLite answers in-process: its busy and constraint errors are
	// certain too.
	if k, _ := queryKind(err); !Unreachable(err) && k != qerr.Internal && k != qerr.Timeout && !errors.Is(err, context.Canceled) {
		return QueryError(err)
	}
	return qerr.Wrap(qerr.Ambiguous, qerr.AmbiguousMessage, err)
}

// Down reports whether err shows the database gone (refused, reset, shut
// down) rather than slow: a timeout on a busy machine is not an outage.
func Down(err error) bool {
	if !Unreachable(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Timeout()
}

// Unreachable reports whether err means the database could not be reached
// or went away: a refused or reset connection, a server shutting down or
// failing over. Such errors end with the outage, so clients should retry.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
		// now (starting up, or a standby being promoted), 08 connection
		// exceptions.
		return pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || strings.HasPrefix(pg.Code, "08")
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		// 1053 server shutdown in progress, 1927 connection killed
		// (MariaDB), 2002/2003 cannot connect, 2006 server gone away,
		// 2013 lost connection during a query.
		switch my.Number {
		case 1053, 1927, 2002, 2003, 2006, 2013:
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var opErr *net.OpError
	switch {
	case errors.As(err, &connectErr), errors.As(err, &opErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	var connErr *Error
	if errors.As(err, &connErr) && connErr.Part == PartHost {
		return true
	}
	// pgx reports a connection it closed after a failure this way, without
	// a typed error.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection reset") ||
		strings.Contains(msg, "connection refused") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "unexpected EOF")
}

func queryKind(err error) (qerr.Kind, string) {
	if errors.Is(err, context.DeadlineExceeded) {
		return qerr.Timeout, "the statement took too long"
	}
	if errors.Is(err, context.Canceled) {
		return qerr.Unavailable, "the request was cancelled"
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505":
			return qerr.Conflict, "a row with the same unique value already exists" + named("constraint", pg.ConstraintName)
		case pg.Code == "23503" && strings.HasPrefix(pg.Message, "update or delete on table"):
			return qerr.BadInput, "other rows refer to this row" + named("constraint", pg.ConstraintName)
		case pg.Code == "23503":
			return qerr.BadInput, "the value does not match a row it refers to" + named("constraint", pg.ConstraintName)
		case pg.Code == "23502":
			return qerr.BadInput, "a required value is missing" + named("column", pg.ColumnName)
		case pg.Code == "23514", strings.HasPrefix(pg.Code, "22"):
			return qerr.BadInput, "a value is not valid for its column" + named("constraint", pg.ConstraintName) + named("column", pg.ColumnName)
		case pg.Code == "57014":
			return qerr.Timeout, "the statement took too long"
		case pg.Code == "53300", pg.Code == "40001", pg.Code == "40P01":
			return qerr.Unavailable, "the database is busy"
		}
		return qerr.Internal, "the database reported an error"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		switch my.Number {
		case 1062:
			return qerr.Conflict, "a row with the same unique value already exists" + named("key", submatch(myKey, my.Message))
		case 1451, 1217:
			return qerr.BadInput, "other rows refer to this row" + named("constraint", submatch(myConstraint, my.Message))
		case 1452, 1216:
			return qerr.BadInput, "the value does not match a row it refers to" + named("constraint", submatch(myConstraint, my.Message))
		case 1048, 1364:
			return qerr.BadInput, "a required value is missing" + named("column", submatch(myColumn, my.Message))
		case 1264, 1265, 1292, 1366, 1406, 3819, 4025, 1411:
			return qerr.BadInput, "a value is not valid for its column" + named("column", submatch(myColumn, my.Message))
		case 3024, 1969:
			return qerr.Timeout, "the statement took too long"
		case 1040, 1205, 1213:
			return qerr.Unavailable, "the database is busy"
		}
		return qerr.Internal, "the database reported an error"
	}
	// modernc.org/sqlite reports extended result codes in its message text.
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"), strings.Contains(msg, "(2067)"), strings.Contains(msg, "(1555)"):
		return qerr.Conflict, "a row with the same unique value already exists" + named("columns", submatch(sqliteColumns, msg))
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return qerr.BadInput, "the value does not match a row it refers to, or other rows refer to this row"
	case strings.Contains(msg, "NOT NULL constraint failed"):
		return qerr.BadInput, "a required value is missing" + named("column", submatch(sqliteColumns, msg))
	case strings.Contains(msg, "CHECK constraint failed"), strings.Contains(msg, "datatype mismatch"):
		return qerr.BadInput, "a value is not valid for its column"
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"):
		return qerr.Unavailable, "the database is busy"
	}
	return qerr.Internal, "the database reported an error"
}

// The names a database's constraint errors carry, which clients may see:
// which constraint, key or column, never the values.
var (
	myKey         = regexp.MustCompile(`for key '([^']+)'`)
	myConstraint  = regexp.MustCompile("CONSTRAINT `([^`]+)`")
	myColumn      = regexp.MustCompile(`[Cc]olumn '([^']+)'`)
	sqliteColumns = regexp.MustCompile(`(?:UNIQUE|NOT NULL) constraint failed: ([\w.,"]+(?:, [\w.,"]+)*)`)
)

func submatch(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// named is " (what \"name\")", or nothing without a name.
func named(what, name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(" (%s %q)", what, name)
}
