package changes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Report is what Setup found that users should know but need not fix.
type Report struct {
	// KeysOnly are tables whose updates and deletes carry only the old
	// key (REPLICA IDENTITY DEFAULT or USING INDEX), Full those that
	// carry the whole old row (REPLICA IDENTITY FULL).
	KeysOnly, Full []Table
	// NotPublished are served relations PostgreSQL cannot publish (views,
	// materialized views, foreign tables): changes to them are not seen.
	NotPublished []Table
	// SlotCreated says the slot did not exist before (it starts now: what
	// was committed earlier is not delivered); PublicationChanged that
	// the publication was created or its tables changed.
	SlotCreated, PublicationChanged bool
}

// Check runs the start-up checks without changing anything. Each
// problem is one line of the returned error saying what to change.
func (p *Postgres) Check(ctx context.Context) (*Report, error) {
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rep, _, err := p.check(ctx, conn)
	return rep, err
}

// Setup runs the start-up checks, then makes sure the publication covers
// exactly the served tables (creating or altering it) and that the
// replication slot exists (creating it when it does not: it then starts
// at the current position).
func (p *Postgres) Setup(ctx context.Context) (*Report, error) {
	conn, err := p.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rep, slotExists, err := p.check(ctx, conn)
	if err != nil {
		return rep, err
	}
	if rep.PublicationChanged, err = p.ensurePublication(ctx, conn, published(p.tables, rep.NotPublished)); err != nil {
		return rep, err
	}
	if !slotExists {
		if rep.SlotCreated, err = p.createSlot(ctx); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// check runs every check and joins what failed.
func (p *Postgres) check(ctx context.Context, conn *pgx.Conn) (*Report, bool, error) {
	var errs []error
	var walLevel, versionText string
	var version int
	if err := conn.QueryRow(ctx, "SELECT current_setting('wal_level'), current_setting('server_version_num')::int, current_setting('server_version')").
		Scan(&walLevel, &version, &versionText); err != nil {
		return nil, false, fmt.Errorf("reading wal_level: %w", err)
	}
	if version < 130000 {
		// The publication publishes partitions' changes under their
		// partitioned table's name (publish_via_partition_root), from 13 on.
		return nil, false, fmt.Errorf("reading changes made outside Quarry needs PostgreSQL 13 or later; this server is %s", versionText)
	}
	if walLevel != "logical" {
		errs = append(errs, fmt.Errorf("PostgreSQL's wal_level is %q; reading changes made outside Quarry needs \"logical\": "+
			"run ALTER SYSTEM SET wal_level = logical; as a superuser and restart PostgreSQL "+
			"(on Amazon RDS set rds.logical_replication = 1 in the parameter group; on Cloud SQL the flag cloudsql.logical_decoding = on)", walLevel))
	}
	var role string
	var super, repl bool
	if err := conn.QueryRow(ctx, "SELECT current_user::text, rolsuper, rolreplication FROM pg_catalog.pg_roles WHERE rolname = current_user").
		Scan(&role, &super, &repl); err != nil {
		return nil, false, fmt.Errorf("reading the role's privileges: %w", err)
	}
	if !super && !repl {
		errs = append(errs, fmt.Errorf("role %s may not read the change stream: run ALTER ROLE %s REPLICATION; as a superuser "+
			"(on Amazon RDS: GRANT rds_replication TO %[1]s;)", quoteIdent(role), quoteIdent(role)))
	}
	rep, err := checkTables(ctx, conn, p.tables)
	if err != nil {
		return nil, false, err
	}
	var unpublishable error
	if len(rep.NotPublished) == len(p.tables) {
		unpublishable = errors.New("none of the served tables can be published (views, materialized views and foreign tables cannot): there is nothing to read changes of")
	}
	errs = append(errs, rep.problems...)
	if unpublishable != nil {
		errs = append(errs, unpublishable)
	}
	exists, err := p.checkSlot(ctx, conn)
	if err != nil {
		errs = append(errs, err)
	}
	return &rep.Report, exists, errors.Join(errs...)
}

type tableReport struct {
	Report
	problems []error
}

// checkTables looks up each table's kind and replica identity. A table
// without a replica identity cannot be published: PostgreSQL would then
// refuse every UPDATE and DELETE on it, from every program.
func checkTables(ctx context.Context, conn *pgx.Conn, tables []Table) (*tableReport, error) {
	schemas, names := make([]string, len(tables)), make([]string, len(tables))
	for i, t := range tables {
		schemas[i], names[i] = t.Schema, t.Name
	}
	rows, err := conn.Query(ctx, `
SELECT t.s, t.n, coalesce(c.relkind::text, ''), coalesce(c.relreplident::text, ''),
       coalesce((SELECT bool_or(i.indisprimary) FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid), false)
FROM unnest($1::text[], $2::text[]) AS t(s, n)
LEFT JOIN pg_catalog.pg_namespace ns ON ns.nspname = t.s
LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = ns.oid AND c.relname = t.n`, schemas, names)
	if err != nil {
		return nil, fmt.Errorf("reading the served tables' replica identity: %w", err)
	}
	defer rows.Close()
	rep := &tableReport{}
	for rows.Next() {
		var t Table
		var kind, ident string
		var pk bool
		if err := rows.Scan(&t.Schema, &t.Name, &kind, &ident, &pk); err != nil {
			return nil, fmt.Errorf("reading the served tables' replica identity: %w", err)
		}
		q := quoteTable(t)
		switch {
		case kind == "":
			rep.problems = append(rep.problems, fmt.Errorf("table %s does not exist", q))
		case kind == "v" || kind == "m" || kind == "f":
			rep.NotPublished = append(rep.NotPublished, t)
		case ident == "n":
			rep.problems = append(rep.problems, fmt.Errorf("table %s has REPLICA IDENTITY NOTHING, so PostgreSQL could not tell which rows an UPDATE or DELETE changed "+
				"(and refuses them once the table is published): run ALTER TABLE %s REPLICA IDENTITY FULL; (or add a primary key and use REPLICA IDENTITY DEFAULT)", q, q))
		case ident == "d" && !pk:
			rep.problems = append(rep.problems, fmt.Errorf("table %s has no primary key, so PostgreSQL could not tell which rows an UPDATE or DELETE changed "+
				"(and refuses them once the table is published): add a primary key, or run ALTER TABLE %s REPLICA IDENTITY FULL;", q, q))
		case ident == "f":
			rep.Full = append(rep.Full, t)
		default:
			rep.KeysOnly = append(rep.KeysOnly, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the served tables' replica identity: %w", err)
	}
	return rep, nil
}

// checkSlot reports whether the slot exists and can be used, and, when
// it does not exist, whether there is room for it.
func (p *Postgres) checkSlot(ctx context.Context, conn *pgx.Conn) (bool, error) {
	var slotType, plugin, db, current, walStatus string
	err := conn.QueryRow(ctx, `
SELECT s.slot_type, coalesce(s.plugin::text, ''), coalesce(s.database::text, ''), current_database()::text,
       coalesce(to_jsonb(s) ->> 'wal_status', '')
FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = $1`, p.slot).Scan(&slotType, &plugin, &db, &current, &walStatus)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return false, fmt.Errorf("reading replication slot %s: %w", p.slot, err)
	case slotType != "logical" || plugin != "pgoutput" || db != current:
		return true, fmt.Errorf("replication slot %s exists but is not a pgoutput slot of database %s (it is a %s slot, plugin %q, database %q): "+
			"drop it with `quarry changes drop %[1]s` if it is no longer used, or choose another name", p.slot, current, slotType, plugin, db)
	case walStatus == "lost":
		return true, fmt.Errorf("replication slot %s was invalidated: PostgreSQL removed WAL it still needed (max_slot_wal_keep_size), so changes were lost; "+
			"drop it with `quarry changes drop %[1]s` and start again", p.slot)
	default:
		return true, nil
	}
	var maxSlots, maxSenders int
	var used []string
	if err := conn.QueryRow(ctx, `
SELECT current_setting('max_replication_slots')::int, current_setting('max_wal_senders')::int,
       coalesce((SELECT array_agg(slot_name::text ORDER BY slot_name) FROM pg_catalog.pg_replication_slots), '{}')`).
		Scan(&maxSlots, &maxSenders, &used); err != nil {
		return false, fmt.Errorf("reading max_replication_slots: %w", err)
	}
	switch {
	case maxSenders == 0:
		return false, errors.New("PostgreSQL's max_wal_senders is 0, so no replication connection is possible: " +
			"run ALTER SYSTEM SET max_wal_senders = 10; as a superuser and restart PostgreSQL")
	case maxSlots == 0:
		return false, errors.New("PostgreSQL's max_replication_slots is 0, so there is no room for Quarry's slot: " +
			"run ALTER SYSTEM SET max_replication_slots = 10; as a superuser and restart PostgreSQL")
	case len(used) >= maxSlots:
		return false, fmt.Errorf("all %d replication slots are in use (max_replication_slots = %d): %s. "+
			"Drop one that is no longer used with `quarry changes drop NAME` (`quarry changes slots` shows their lag), "+
			"or raise it: ALTER SYSTEM SET max_replication_slots = %d; and restart PostgreSQL",
			len(used), maxSlots, strings.Join(used, ", "), maxSlots+len(used)/2+1)
	}
	return false, nil
}

// publishOptions are the publication's settings: every kind of change,
// and a partition's changes under its partitioned table's name, which is
// the table Quarry serves.
const publishOptions = "publish = 'insert, update, delete, truncate', publish_via_partition_root = true"

// ensurePublication makes the publication cover exactly tables.
func (p *Postgres) ensurePublication(ctx context.Context, conn *pgx.Conn, tables []Table) (bool, error) {
	list := make([]string, len(tables))
	for i, t := range tables {
		list[i] = quoteTable(t)
	}
	slices.Sort(list)
	pub := quoteIdent(p.slot)
	var all, ins, upd, del, trunc, viaRoot bool
	err := conn.QueryRow(ctx, `SELECT puballtables, pubinsert, pubupdate, pubdelete, pubtruncate, pubviaroot
FROM pg_catalog.pg_publication WHERE pubname = $1`, p.slot).Scan(&all, &ins, &upd, &del, &trunc, &viaRoot)
	var stmts []string
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		stmts = []string{"CREATE PUBLICATION " + pub + " FOR TABLE " + strings.Join(list, ", ") + " WITH (" + publishOptions + ")"}
	case err != nil:
		return false, fmt.Errorf("reading publication %s: %w", p.slot, err)
	case all:
		return false, fmt.Errorf("publication %s publishes all tables; Quarry's publication lists the served tables: drop it (DROP PUBLICATION %s;) and start again", p.slot, pub)
	default:
		have, err := publicationTables(ctx, conn, p.slot)
		if err != nil {
			return false, err
		}
		if !slices.Equal(have, list) {
			stmts = append(stmts, "ALTER PUBLICATION "+pub+" SET TABLE "+strings.Join(list, ", "))
		}
		if !(ins && upd && del && trunc && viaRoot) {
			stmts = append(stmts, "ALTER PUBLICATION "+pub+" SET ("+publishOptions+")")
		}
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "42501" {
				return false, fmt.Errorf("this role may not create or change publication %s (%s): it needs CREATE on the database and to own the tables; "+
					"have their owner run: %s;", p.slot, pe.Message, strings.Join(stmts, "; "))
			}
			return false, fmt.Errorf("setting up publication %s: %w", p.slot, err)
		}
	}
	return len(stmts) > 0, nil
}

// publicationTables lists the tables a publication covers, quoted and sorted.
func publicationTables(ctx context.Context, conn *pgx.Conn, pub string) ([]string, error) {
	rows, err := conn.Query(ctx, "SELECT schemaname::text, tablename::text FROM pg_catalog.pg_publication_tables WHERE pubname = $1", pub)
	if err != nil {
		return nil, fmt.Errorf("reading publication %s: %w", pub, err)
	}
	have, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var t Table
		err := r.Scan(&t.Schema, &t.Name)
		return quoteTable(t), err
	})
	if err != nil {
		return nil, fmt.Errorf("reading publication %s: %w", pub, err)
	}
	slices.Sort(have)
	return have, nil
}

// createSlot creates the durable slot; another instance creating it at
// the same moment is fine.
func (p *Postgres) createSlot(ctx context.Context) (bool, error) {
	conn, err := p.replicationConn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	_, err = pglogrepl.CreateReplicationSlot(ctx, conn, p.slot, "pgoutput",
		pglogrepl.CreateReplicationSlotOptions{Mode: pglogrepl.LogicalReplication, SnapshotAction: "NOEXPORT_SNAPSHOT"})
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "42710": // duplicate_object
		return false, nil
	case errors.As(err, &pe) && pe.Code == "53400": // configuration_limit_exceeded
		return false, fmt.Errorf("creating replication slot %s: %s: drop a slot that is no longer used with `quarry changes drop NAME`, or raise max_replication_slots", p.slot, pe.Message)
	case err != nil:
		return false, fmt.Errorf("creating replication slot %s: %w", p.slot, classify(err))
	}
	return true, nil
}

func published(tables, not []Table) []Table {
	out := make([]Table, 0, len(tables))
	for _, t := range tables {
		if !slices.Contains(not, t) {
			out = append(out, t)
		}
	}
	return out
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }
func quoteTable(t Table) string  { return pgx.Identifier{t.Schema, t.Name}.Sanitize() }
