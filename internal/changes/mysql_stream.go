package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	gomysql "github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
)

// myReader turns one replica connection's binary log events into
// transactions.
type myReader struct {
	m      *MySQL
	db     *sql.DB
	info   *serverInfo
	handle Handler
	dec    *myDecoder

	// file is the binary log file being read.
	file string
	// The GTID state after the last transaction, when it is known:
	// MariaDB's last GTID per domain, or MySQL's executed set.
	gtidKnown bool
	maria     map[uint32]gomysql.MariadbGTID
	mysqlSet  *gomysql.MysqlGTIDSet
	// The open transaction: its GTID (applied to the state at its end),
	// its commit time when the GTID event tells it, and its changes.
	pendMaria  *gomysql.MariadbGTID
	pendMySQL  *replication.GTIDEvent
	pendTag    gomysql.Tag
	pendCommit time.Time
	tx         []Change
}

func newMyReader(m *MySQL, db *sql.DB, info *serverInfo, handle Handler) *myReader {
	return &myReader{m: m, db: db, info: info, handle: handle, dec: newMyDecoder(db, m.tables)}
}

// decodeRows decodes a rows event's rows only if it is of a served table:
// the stream carries every table's writes.
func (r *myReader) decodeRows(e *replication.RowsEvent, data []byte) error {
	pos, err := e.DecodeHeader(data)
	if err != nil {
		return err
	}
	if e.Table == nil || !r.m.tables[Table{Schema: string(e.Table.Schema), Name: string(e.Table.Table)}] {
		return nil
	}
	return e.DecodeData(pos, data)
}

// setGTID sets the GTID state at the start; known false leaves it unknown.
func (r *myReader) setGTID(s string, known bool) {
	r.gtidKnown = known
	if !known {
		return
	}
	if r.info.mariaDB {
		r.maria = map[uint32]gomysql.MariadbGTID{}
		for _, g := range strings.Split(s, ",") {
			if g = strings.TrimSpace(g); g == "" {
				continue
			}
			p, err := gomysql.ParseMariadbGTID(g)
			if err != nil {
				r.gtidKnown = false
				return
			}
			r.maria[p.DomainID] = *p
		}
		return
	}
	set, err := gomysql.ParseMysqlGTIDSet(s)
	if err != nil {
		r.gtidKnown = false
		return
	}
	r.mysqlSet = set.(*gomysql.MysqlGTIDSet)
}

// gtid prints the GTID state: MariaDB's as @@gtid_binlog_pos does
// (domain-server-seq, by domain), MySQL's as @@gtid_executed.
func (r *myReader) gtid() string {
	if !r.gtidKnown {
		return ""
	}
	if r.info.mariaDB {
		domains := make([]uint32, 0, len(r.maria))
		for d := range r.maria {
			domains = append(domains, d)
		}
		slices.Sort(domains)
		parts := make([]string, len(domains))
		for i, d := range domains {
			g := r.maria[d]
			parts[i] = g.String()
		}
		return strings.Join(parts, ",")
	}
	if r.mysqlSet == nil {
		return ""
	}
	return strings.Join(strings.Fields(r.mysqlSet.String()), "")
}

func (r *myReader) run(ctx context.Context, st *replication.BinlogStreamer) error {
	for {
		ev, err := st.GetEvent(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("reading the binary log: %w", classifyMySQL(err))
		}
		if err := r.event(ctx, ev, ev.Header.LogPos); err != nil {
			return err
		}
	}
}

// event handles one event; end is the binary log offset after it (for an
// event inside a compressed transaction payload, after the payload).
func (r *myReader) event(ctx context.Context, ev *replication.BinlogEvent, end uint32) error {
	switch e := ev.Event.(type) {
	case *replication.RotateEvent:
		r.file = string(e.NextLogName)
	case *replication.MariadbGTIDEvent:
		g := e.GTID
		r.begin()
		r.pendMaria = &g
	case *replication.GTIDEvent:
		r.begin()
		r.pendMySQL = e
		if e.ImmediateCommitTimestamp != 0 {
			r.pendCommit = time.UnixMicro(int64(e.ImmediateCommitTimestamp)).UTC()
		}
	case *replication.GtidTaggedLogEvent:
		r.begin()
		r.pendMySQL, r.pendTag = &e.GTIDEvent, e.Tag
	case *replication.TransactionPayloadEvent: // binlog_transaction_compression
		for _, inner := range e.Events {
			if err := r.event(ctx, inner, end); err != nil {
				return err
			}
		}
	case *replication.RowsEvent:
		return r.rows(e)
	case *replication.XIDEvent:
		return r.commit(ctx, ev, end)
	case *replication.QueryEvent:
		q := strings.ToUpper(strings.TrimSpace(string(e.Query)))
		switch {
		case q == "BEGIN" || strings.HasPrefix(q, "XA START") || strings.HasPrefix(q, "XA END"):
		case q == "COMMIT" || q == "ROLLBACK" || strings.HasPrefix(q, "XA COMMIT"):
			// A ROLLBACK in the log ends a transaction whose
			// non-transactional (MyISAM) changes stayed: they happened.
			return r.commit(ctx, ev, end)
		default:
			// DDL (or a statement logged as such): it commits on its own,
			// and may have changed a table's columns.
			r.dec.forget()
			return r.commit(ctx, ev, end)
		}
	}
	return nil
}

func (r *myReader) begin() {
	r.pendMaria, r.pendMySQL, r.pendTag, r.pendCommit, r.tx = nil, nil, gomysql.Tag{}, time.Time{}, nil
}

// rows decodes a rows event of a served table into changes.
func (r *myReader) rows(e *replication.RowsEvent) error {
	if e.Table == nil {
		return nil
	}
	t := Table{Schema: string(e.Table.Schema), Name: string(e.Table.Table)}
	if !r.m.tables[t] {
		return nil
	}
	l, err := r.dec.layout(t, e.Table)
	if err != nil {
		return err
	}
	row := func(i int) (map[string]any, []string) {
		var skipped []int
		if i < len(e.SkippedColumns) {
			skipped = e.SkippedColumns[i]
		}
		return l.row(e.Table, e.Rows[i], skipped)
	}
	switch e.Type() {
	case replication.EnumRowsEventTypeInsert:
		for i := range e.Rows {
			c := Change{Schema: t.Schema, Table: t.Name, Op: OpCreate}
			c.New, c.Unchanged = row(i)
			r.tx = append(r.tx, c)
		}
	case replication.EnumRowsEventTypeUpdate:
		for i := 0; i+1 < len(e.Rows); i += 2 {
			c := Change{Schema: t.Schema, Table: t.Name, Op: OpUpdate}
			var missing []string
			c.Old, missing = row(i)
			c.OldKeysOnly = len(missing) > 0 // binlog_row_image is not FULL
			c.New, c.Unchanged = row(i + 1)
			r.tx = append(r.tx, c)
		}
	case replication.EnumRowsEventTypeDelete:
		for i := range e.Rows {
			c := Change{Schema: t.Schema, Table: t.Name, Op: OpDelete}
			var missing []string
			c.Old, missing = row(i)
			c.OldKeysOnly = len(missing) > 0
			r.tx = append(r.tx, c)
		}
	}
	return nil
}

// commit ends the open transaction at offset end of the current file and
// hands it on if it changed a served table.
func (r *myReader) commit(ctx context.Context, ev *replication.BinlogEvent, end uint32) error {
	r.applyGTID()
	tx := r.tx
	commit := r.pendCommit
	r.begin()
	if len(tx) == 0 {
		return nil
	}
	if end == 0 {
		return &PermanentError{Err: errors.New("the server sent a transaction's end without its binary log position")}
	}
	lsn, err := BinlogLSN(r.file, uint64(end))
	if err != nil {
		return &PermanentError{Err: err}
	}
	if commit.IsZero() {
		commit = time.Unix(int64(ev.Header.Timestamp), 0).UTC()
	}
	gtid := r.gtid()
	for i := range tx {
		tx[i].LSN, tx[i].Commit, tx[i].GTID = lsn, commit, gtid
	}
	if err := r.handle(ctx, tx, lsn); err != nil {
		return fmt.Errorf("handing on the transaction at %s:%d: %w", r.file, end, err)
	}
	return nil
}

// applyGTID adds the open transaction's GTID to the state.
func (r *myReader) applyGTID() {
	if !r.gtidKnown {
		return
	}
	switch {
	case r.pendMaria != nil:
		r.maria[r.pendMaria.DomainID] = *r.pendMaria
	case r.pendMySQL != nil && r.pendMySQL.GNO > 0:
		u, err := uuid.FromBytes(r.pendMySQL.SID)
		if err != nil || u == uuid.Nil { // an anonymous transaction: gtid_mode is OFF
			return
		}
		if r.mysqlSet == nil {
			s := gomysql.NewMysqlGTIDSet()
			r.mysqlSet = &s
		}
		if r.pendTag != (gomysql.Tag{}) {
			r.mysqlSet.AddGTIDWithTag(u, r.pendTag, r.pendMySQL.GNO)
		} else {
			r.mysqlSet.AddGTID(u, r.pendMySQL.GNO)
		}
	}
}

// FormatBinlogLSN prints a MySQL LSN as file:offset, in the naming of a
// file of the server (like is any of its binary log file names).
func FormatBinlogLSN(like string, lsn LSN) string {
	f, err := binlogFile(like, lsn)
	if err != nil {
		return lsn.String()
	}
	return f + ":" + strconv.FormatUint(uint64(uint32(lsn)), 10)
}
