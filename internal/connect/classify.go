package connect

import (
	"context"
	"errors"
	"strings"

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
	kind, msg := queryKind(err)
	return qerr.Wrap(kind, msg, err)
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
			return qerr.Conflict, "a row with the same unique value already exists"
		case pg.Code == "23503":
			return qerr.BadInput, "the value does not match a row it refers to"
		case pg.Code == "23502":
			return qerr.BadInput, "a required value is missing"
		case pg.Code == "23514", strings.HasPrefix(pg.Code, "22"):
			return qerr.BadInput, "a value is not valid for its column"
		case pg.Code == "57014":
			return qerr.Timeout, "the statement took too long"
		case pg.Code == "53300", pg.Code == "40001", pg.Code == "40P01", strings.HasPrefix(pg.Code, "08"):
			return qerr.Unavailable, "the database is busy"
		}
		return qerr.Internal, "the database reported an error"
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		switch my.Number {
		case 1062:
			return qerr.Conflict, "a row with the same unique value already exists"
		case 1451, 1452, 1216, 1217:
			return qerr.BadInput, "the value does not match a row it refers to"
		case 1048, 1364:
			return qerr.BadInput, "a required value is missing"
		case 1264, 1265, 1292, 1366, 1406, 3819, 4025, 1411:
			return qerr.BadInput, "a value is not valid for its column"
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
		return qerr.Conflict, "a row with the same unique value already exists"
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return qerr.BadInput, "the value does not match a row it refers to"
	case strings.Contains(msg, "NOT NULL constraint failed"):
		return qerr.BadInput, "a required value is missing"
	case strings.Contains(msg, "CHECK constraint failed"), strings.Contains(msg, "datatype mismatch"):
		return qerr.BadInput, "a value is not valid for its column"
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"):
		return qerr.Unavailable, "the database is busy"
	}
	return qerr.Internal, "the database reported an error"
}
