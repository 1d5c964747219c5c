package connect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quarrydata/quarry/internal/qerr"
)

// TestOutageErrorsAreRetryable: every way a database can go away is
// ServiceUnavailableException with the documented message; a lost commit
// is the distinct ambiguous kind; request mistakes keep their own kinds.
func TestOutageErrorsAreRetryable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name             string
		err              error
		query, commit    qerr.Kind
		queryErrorType   string
		clientSeesReason bool
	}{
		{"connection refused", refused, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"unexpected EOF", io.ErrUnexpectedEOF, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"PostgreSQL admin shutdown", &pgconn.PgError{Code: "57P01"}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"PostgreSQL cannot connect now", &pgconn.PgError{Code: "57P03"}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"PostgreSQL connection failure", &pgconn.PgError{Code: "08006"}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"MySQL server gone away", &mysql.MySQLError{Number: 2006}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"MySQL lost connection", &mysql.MySQLError{Number: 2013}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"MySQL shutdown in progress", &mysql.MySQLError{Number: 1053}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"MySQL cannot connect", &mysql.MySQLError{Number: 2002}, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		{"MySQL invalid connection", mysql.ErrInvalidConn, qerr.Unavailable, qerr.Ambiguous, "ServiceUnavailableException", true},
		// A timeout during COMMIT cuts it after it was sent.
		{"statement timeout", context.DeadlineExceeded, qerr.Timeout, qerr.Ambiguous, "ServiceUnavailableException", true},
		// The server said it rolled back: the outcome is known.
		{"serialization failure", &pgconn.PgError{Code: "40001"}, qerr.Unavailable, qerr.Unavailable, "ServiceUnavailableException", true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, qerr.Conflict, qerr.Conflict, "ConflictException", true},
		{"SQLite busy", errors.New("database is locked (5) (SQLITE_BUSY)"), qerr.Unavailable, qerr.Unavailable, "ServiceUnavailableException", true},
		// An error COMMIT has no reason to give: the answer was lost.
		{"something else", errors.New("boom"), qerr.Internal, qerr.Ambiguous, "InternalFailure", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := QueryError(tt.err)
			if k := qerr.KindOf(q); k != tt.query || qerr.ErrorType(k) != tt.queryErrorType {
				t.Errorf("QueryError kind %s (%s), want %s (%s)", k, qerr.ErrorType(k), tt.query, tt.queryErrorType)
			}
			if got := qerr.ClientMessage(q, false); (got != qerr.GenericMessage) != tt.clientSeesReason {
				t.Errorf("client message %q", got)
			}
			if tt.query == qerr.Unavailable && Unreachable(tt.err) && qerr.ClientMessage(q, false) != qerr.UnreachableMessage {
				t.Errorf("client message %q, want %q", qerr.ClientMessage(q, false), qerr.UnreachableMessage)
			}
			c := CommitError(tt.err)
			if k := qerr.KindOf(c); k != tt.commit {
				t.Errorf("CommitError kind %s, want %s", k, tt.commit)
			}
			if tt.commit == qerr.Ambiguous && (qerr.ErrorType(qerr.Ambiguous) != "AmbiguousWriteException" || qerr.ClientMessage(c, false) != qerr.AmbiguousMessage) {
				t.Errorf("ambiguous commit shown as %s %q", qerr.ErrorType(qerr.Ambiguous), qerr.ClientMessage(c, false))
			}
		})
	}
}

// TestSlowIsNotDown: a timeout on a busy machine must not declare an
// outage (which answers queued requests at once); refusals and resets do.
func TestSlowIsNotDown(t *testing.T) {
	timeout := &net.OpError{Op: "dial", Net: "tcp", Err: &timeoutError{}}
	for err, want := range map[error]bool{
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}: true,
		&pgconn.PgError{Code: "57P01"}:                                  true,
		mysql.ErrInvalidConn:                                            true,
		timeout:                                                         false,
		context.DeadlineExceeded:                                        false,
		&pgconn.PgError{Code: "23505"}:                                  false,
	} {
		if got := Down(err); got != want {
			t.Errorf("Down(%v) = %v, want %v", err, got, want)
		}
	}
}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }

// TestConstraintMessagesNameWhichNotWhat: a broken constraint reaches the
// client as a specific message naming the constraint, key or column, and
// never the value the row held.
func TestConstraintMessagesNameWhichNotWhat(t *testing.T) {
	for _, tt := range []struct {
		err  error
		kind qerr.Kind
		want string
	}{
		{&pgconn.PgError{Code: "23505", ConstraintName: "genre_pkey", Detail: "Key (genre_id)=(secret-value) already exists."}, qerr.Conflict,
			`a row with the same unique value already exists (constraint "genre_pkey")`},
		{&pgconn.PgError{Code: "23503", ConstraintName: "album_artist_fk", Message: `insert or update on table "album" violates foreign key constraint "album_artist_fk"`}, qerr.BadInput,
			`the value does not match a row it refers to (constraint "album_artist_fk")`},
		{&pgconn.PgError{Code: "23503", ConstraintName: "album_artist_fk", Message: `update or delete on table "artist" violates foreign key constraint "album_artist_fk" on table "album"`}, qerr.BadInput,
			`other rows refer to this row (constraint "album_artist_fk")`},
		{&pgconn.PgError{Code: "23502", ColumnName: "title"}, qerr.BadInput, `a required value is missing (column "title")`},
		{&mysql.MySQLError{Number: 1062, Message: "Duplicate entry 'secret-value' for key 'genre.PRIMARY'"}, qerr.Conflict,
			`a row with the same unique value already exists (key "genre.PRIMARY")`},
		{&mysql.MySQLError{Number: 1451, Message: "Cannot delete or update a parent row: a foreign key constraint fails (`db`.`album`, CONSTRAINT `album_artist_fk` FOREIGN KEY (`artist_id`) REFERENCES `artist` (`artist_id`))"}, qerr.BadInput,
			`other rows refer to this row (constraint "album_artist_fk")`},
		{&mysql.MySQLError{Number: 1048, Message: "Column 'title' cannot be null"}, qerr.BadInput, `a required value is missing (column "title")`},
		{errors.New("constraint failed: UNIQUE constraint failed: genre.genre_id (2067)"), qerr.Conflict,
			`a row with the same unique value already exists (columns "genre.genre_id")`},
	} {
		q := QueryError(tt.err)
		if got := qerr.ClientMessage(q, false); qerr.KindOf(q) != tt.kind || got != tt.want {
			t.Errorf("%v: %s %q, want %s %q", tt.err, qerr.KindOf(q), got, tt.kind, tt.want)
		}
		if strings.Contains(qerr.ClientMessage(q, false), "secret-value") {
			t.Errorf("%v: the value reached the client", tt.err)
		}
	}
}
