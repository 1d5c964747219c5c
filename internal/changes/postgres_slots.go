package changes

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Slot is a replication slot of the server, as `quarry changes slots`
// lists it. A slot keeps every WAL segment its reader has not
// acknowledged: one nobody reads any more fills the disk.
type Slot struct {
	Name, Plugin, Database string
	// Type is "logical" or "physical".
	Type string
	// Active says a process reads it now (ActivePID).
	Active    bool
	ActivePID int
	// RestartLSN is the oldest WAL the slot keeps; ConfirmedFlushLSN
	// what its reader acknowledged (0 for a physical slot).
	RestartLSN, ConfirmedFlushLSN LSN
	// LagBytes is the WAL written since ConfirmedFlushLSN: what the
	// reader has yet to take. RetainedBytes is the WAL kept for the slot
	// since RestartLSN.
	LagBytes, RetainedBytes int64
	// WALStatus is PostgreSQL's: reserved, extended, unreserved or lost.
	WALStatus string
}

// ListSlots lists every replication slot of the server.
func ListSlots(ctx context.Context, conn *pgx.Conn) ([]Slot, error) {
	rows, err := conn.Query(ctx, `
SELECT s.slot_name::text, coalesce(s.plugin::text, ''), coalesce(s.database::text, ''), s.slot_type,
       s.active, coalesce(s.active_pid, 0),
       coalesce(s.restart_lsn::text, '0/0'), coalesce(s.confirmed_flush_lsn::text, '0/0'),
       coalesce(pg_catalog.pg_wal_lsn_diff(w.lsn, s.confirmed_flush_lsn), 0)::bigint,
       coalesce(pg_catalog.pg_wal_lsn_diff(w.lsn, s.restart_lsn), 0)::bigint,
       coalesce(to_jsonb(s) ->> 'wal_status', '')
FROM pg_catalog.pg_replication_slots s,
     (SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()
                  ELSE pg_catalog.pg_current_wal_lsn() END AS lsn) w
ORDER BY s.slot_name`)
	if err != nil {
		return nil, fmt.Errorf("listing replication slots: %w", err)
	}
	slots, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Slot, error) {
		var s Slot
		var restart, confirmed string
		if err := r.Scan(&s.Name, &s.Plugin, &s.Database, &s.Type, &s.Active, &s.ActivePID,
			&restart, &confirmed, &s.LagBytes, &s.RetainedBytes, &s.WALStatus); err != nil {
			return s, err
		}
		var err1, err2 error
		s.RestartLSN, err1 = ParseLSN(restart)
		s.ConfirmedFlushLSN, err2 = ParseLSN(confirmed)
		return s, errors.Join(err1, err2)
	})
	if err != nil {
		return nil, fmt.Errorf("listing replication slots: %w", err)
	}
	return slots, nil
}

// DropSlot drops a replication slot that no process reads, and the
// publication of the same name when the slot is Quarry's (quarry_…).
// It refuses a slot in use.
func DropSlot(ctx context.Context, conn *pgx.Conn, name string) error {
	var active bool
	var pid int
	err := conn.QueryRow(ctx, "SELECT active, coalesce(active_pid, 0) FROM pg_catalog.pg_replication_slots WHERE slot_name = $1", name).Scan(&active, &pid)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("there is no replication slot named %q (`quarry changes slots` lists them)", name)
	}
	if err != nil {
		return fmt.Errorf("reading replication slot %s: %w", name, err)
	}
	inUse := fmt.Errorf("replication slot %s is in use by server process %d (a running Quarry, or another replication client): "+
		"stop that reader first; a slot in use cannot be dropped", name, pid)
	if active {
		return inUse
	}
	if _, err := conn.Exec(ctx, "SELECT pg_catalog.pg_drop_replication_slot($1)", name); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55006" { // object_in_use: a reader came since
			return inUse
		}
		return fmt.Errorf("dropping replication slot %s: %w", name, err)
	}
	if !strings.HasPrefix(name, "quarry_") {
		return nil
	}
	var pub bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = $1)", name).Scan(&pub); err != nil {
		return fmt.Errorf("replication slot %s was dropped; reading its publication: %w", name, err)
	}
	if pub {
		if _, err := conn.Exec(ctx, "DROP PUBLICATION "+quoteIdent(name)); err != nil {
			return fmt.Errorf("replication slot %s was dropped, but its publication was not (%w): have its owner run DROP PUBLICATION %s;", name, err, quoteIdent(name))
		}
	}
	return nil
}
