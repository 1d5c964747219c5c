package changes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// pgReader turns one replication connection's messages into transactions.
type pgReader struct {
	conn     *pgconn.PgConn
	dec      *pgDecoder
	handle   Handler
	from     LSN
	interval time.Duration
	durable  func(context.Context) error
	log      *slog.Logger

	// acked is the position the server may forget: the end of the last
	// transaction handle took (or of one with nothing to hand on), or a
	// keepalive's position when no transaction was open.
	acked LSN
	// sent is the last position reported to the server.
	sent LSN
	// tx collects the open transaction's changes; inTx says one is open.
	tx   []Change
	inTx bool
}

func (r *pgReader) run(ctx context.Context) error {
	// Report what was handed on also when stopping, so that a clean stop
	// does not deliver it again.
	defer func() {
		if r.acked <= r.sent {
			return
		}
		if r.durable != nil && r.durable(ctx) != nil {
			return // not safe elsewhere: the next reader hands it on again
		}
		_ = r.conn.Conn().SetWriteDeadline(time.Now().Add(2 * time.Second))
		_ = r.status(ctx, false) // Durable returns at once now
	}()
	next := time.Now().Add(r.interval)
	for {
		if !time.Now().Before(next) {
			if err := r.status(ctx, false); err != nil {
				return fmt.Errorf("reporting the change stream's position: %w", err)
			}
			next = time.Now().Add(r.interval)
		}
		rctx, cancel := context.WithDeadline(ctx, next)
		msg, err := r.conn.ReceiveMessage(rctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && pgconn.Timeout(err):
			continue // time to report the position
		case err != nil:
			return fmt.Errorf("the change stream's connection was lost: %w", classify(err))
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if err := r.copyData(ctx, m.Data); err != nil {
				return err
			}
		case *pgproto3.ErrorResponse:
			return fmt.Errorf("the change stream stopped: %w", classify(pgconn.ErrorResponseToPgError(m)))
		case *pgproto3.CopyDone:
			return errors.New("the server ended the change stream")
		}
	}
}

// status reports acked as written, flushed and applied: the server keeps
// the WAL after it, and starts there next time. What was handed on is
// made durable first (PostgresOptions.Durable).
func (r *pgReader) status(ctx context.Context, reply bool) error {
	if r.durable != nil && r.acked > r.sent {
		if err := r.durable(ctx); err != nil {
			return fmt.Errorf("waiting for what was handed on to be safe: %w", err)
		}
	}
	err := pglogrepl.SendStandbyStatusUpdate(context.Background(), r.conn, pglogrepl.StandbyStatusUpdate{
		WALWritePosition: pglogrepl.LSN(r.acked), WALFlushPosition: pglogrepl.LSN(r.acked),
		WALApplyPosition: pglogrepl.LSN(r.acked), ReplyRequested: reply,
	})
	if err == nil {
		r.sent = r.acked
	}
	return err
}

func (r *pgReader) copyData(ctx context.Context, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	switch data[0] {
	case pglogrepl.PrimaryKeepaliveMessageByteID:
		k, err := pglogrepl.ParsePrimaryKeepaliveMessage(data[1:])
		if err != nil {
			return fmt.Errorf("reading the change stream: %w", err)
		}
		// Everything before the keepalive was sent before it, and all of
		// it was handed on or had nothing to hand on: without an open
		// transaction the server may forget up to here. Without this a
		// slot whose tables are quiet would hold the WAL of every other
		// table's writes.
		if !r.inTx && LSN(k.ServerWALEnd) > r.acked {
			r.acked = LSN(k.ServerWALEnd)
		}
		if k.ReplyRequested {
			if err := r.status(ctx, false); err != nil {
				return fmt.Errorf("answering the server's keepalive: %w", err)
			}
		}
	case pglogrepl.XLogDataByteID:
		x, err := pglogrepl.ParseXLogData(data[1:])
		if err != nil {
			return fmt.Errorf("reading the change stream: %w", err)
		}
		return r.message(ctx, x.WALData)
	}
	return nil
}

// message decodes one pgoutput message.
func (r *pgReader) message(ctx context.Context, wal []byte) error {
	msg, err := pglogrepl.Parse(wal)
	if err != nil {
		return fmt.Errorf("decoding the change stream: %w", err)
	}
	var c []Change
	switch m := msg.(type) {
	case *pglogrepl.RelationMessage:
		r.dec.relation(m)
		return nil
	case *pglogrepl.BeginMessage:
		r.inTx, r.tx = true, nil
		return nil
	case *pglogrepl.CommitMessage:
		return r.commit(ctx, m)
	case *pglogrepl.InsertMessage:
		c, err = r.dec.insert(m)
	case *pglogrepl.UpdateMessage:
		c, err = r.dec.update(m)
	case *pglogrepl.DeleteMessage:
		c, err = r.dec.delete(m)
	case *pglogrepl.TruncateMessage:
		c, err = r.dec.truncate(m)
	default:
		return nil // Origin, Type: nothing to hand on
	}
	if err != nil {
		return fmt.Errorf("decoding the change stream: %w", err)
	}
	r.tx = append(r.tx, c...)
	return nil
}

// commit hands the transaction on. Its LSN is the end of its commit
// record: acknowledging it makes the server skip the transaction next
// time, while acknowledging the commit record's start would not.
func (r *pgReader) commit(ctx context.Context, m *pglogrepl.CommitMessage) error {
	tx, lsn := r.tx, LSN(m.TransactionEndLSN)
	r.tx, r.inTx = nil, false
	if lsn > r.from && len(tx) > 0 {
		for i := range tx {
			tx[i].LSN, tx[i].Commit = lsn, m.CommitTime
		}
		if err := r.handle(ctx, tx, lsn); err != nil {
			return fmt.Errorf("handing on the transaction at %s: %w", lsn, err)
		}
	}
	r.acked = max(r.acked, lsn)
	return nil
}
