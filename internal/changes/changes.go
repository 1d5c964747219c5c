package changes

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Operations a Change reports.
const (
	OpCreate = "create"
	OpUpdate = "update"
	OpDelete = "delete"
	// OpTruncate is a TRUNCATE of the table: every row went, and the
	// stream does not say which. New and Old are nil.
	OpTruncate = "truncate"
)

// Change is one row changed by a committed transaction.
type Change struct {
	Schema, Table string
	// Op is OpCreate, OpUpdate, OpDelete or OpTruncate.
	Op string
	// New is the row after a create or update (nil for a delete), column
	// name → value (see the package doc for the Go types).
	New map[string]any
	// Old is the row before an update or delete (nil for a create). When
	// OldKeysOnly, it holds only the columns of the table's replica
	// identity (its primary key under REPLICA IDENTITY DEFAULT); with
	// REPLICA IDENTITY FULL it is the whole old row.
	Old         map[string]any
	OldKeysOnly bool
	// Unchanged names columns of an update whose new value the stream
	// did not carry (unchanged TOASTed values): they are missing from
	// New, not null. Empty unless the table's replica identity is not
	// FULL and a large value was left as it was.
	Unchanged []string
	// LSN is the position of the transaction's commit, the same for every
	// change of the transaction; acknowledging it acknowledges them all.
	LSN LSN
	// Commit is the transaction's commit time as the server recorded it.
	Commit time.Time
	// GTID is, from MySQL and MariaDB, the server's GTID state after the
	// transaction (MariaDB's domain-server-seq per domain, MySQL's
	// executed GTID set when gtid_mode is ON), the same for every change
	// of the transaction; empty when it is not known, and from PostgreSQL.
	GTID string
}

// Handler takes one committed transaction: its changes in the order they
// were made, and the LSN of its commit. Returning nil hands the
// transaction on: the source may then acknowledge lsn to the database,
// which will not send it again. An error stops the stream with that
// error, and the transaction is delivered again next time.
type Handler func(ctx context.Context, tx []Change, lsn LSN) error

// LSN is a position in the database's change stream. For PostgreSQL it
// is a WAL position (printed as 16/B374D848); a transaction's LSN is the
// end of its commit record, the value pg_replication_slots shows as
// confirmed_flush_lsn once it has been acknowledged. For MySQL and
// MariaDB it is a binary log position (see BinlogLSN): the log file's
// sequence number in the high 32 bits, the offset in the low ones.
type LSN uint64

// String prints the LSN as PostgreSQL does.
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint32(l>>32), uint32(l)) }

// ParseLSN reads an LSN printed as PostgreSQL does (16/B374D848).
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("LSN %q is not of the form 16/B374D848", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("LSN %q is not of the form 16/B374D848", s)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("LSN %q is not of the form 16/B374D848", s)
	}
	return LSN(h<<32 | l), nil
}

// Table is a served table by schema and name.
type Table struct{ Schema, Name string }

func (t Table) String() string { return t.Schema + "." + t.Name }
