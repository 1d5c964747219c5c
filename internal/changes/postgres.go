package changes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/jackc/pglogrepl"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Postgres reads committed changes of the served tables from a
// PostgreSQL database through a logical replication slot and a
// publication, both named quarry_<name>.
type Postgres struct {
	conn     *pgx.ConnConfig
	slot     string // also the publication's name
	tables   []Table
	interval time.Duration
	durable  func(context.Context) error
	log      *slog.Logger
}

// PostgresOptions configure a Postgres source.
type PostgresOptions struct {
	// Conn says how to reach the database (from pgx.ParseConfig). The
	// stream uses a copy of it with replication=database, so it must
	// reach PostgreSQL itself: PgBouncer does not pass replication on.
	Conn *pgx.ConnConfig
	// Name names the slot and the publication, quarry_<Name>: lower-case
	// letters, digits and underscores. Each Quarry deployment reading
	// the same database needs its own.
	Name string
	// Tables are the served tables; the publication covers exactly these.
	Tables []Table
	// StatusInterval is how often the stream reports its position to the
	// server when nothing else does; it must stay well below the
	// server's wal_sender_timeout (60 s by default). Default 10 s.
	StatusInterval time.Duration
	// Durable, when set, is called before the stream reports a position
	// to the server, and the report waits until it returns nil: a
	// handler may then return as soon as it has queued what it took (for
	// a broker, say), and the server still forgets nothing that is not
	// safe elsewhere. Waiting once per report instead of once per
	// transaction is what lets the stream keep up with thousands of
	// transactions a second.
	Durable func(context.Context) error
	// Logger may be nil.
	Logger *slog.Logger
}

// slotName is what PostgreSQL accepts as a replication slot's name.
var slotName = regexp.MustCompile(`^[a-z0-9_]{1,56}$`)

// NewPostgres checks the options; it does not connect.
func NewPostgres(o PostgresOptions) (*Postgres, error) {
	if o.Conn == nil {
		return nil, errors.New("changes: no connection configuration")
	}
	if !slotName.MatchString(o.Name) {
		return nil, fmt.Errorf("change stream name %q must be 1 to 56 lower-case letters, digits or underscores: it names a PostgreSQL replication slot (quarry_<name>)", o.Name)
	}
	if len(o.Tables) == 0 {
		return nil, errors.New("changes: no tables to read changes of")
	}
	if o.StatusInterval <= 0 {
		o.StatusInterval = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Postgres{conn: o.Conn, slot: "quarry_" + o.Name, tables: o.Tables, interval: o.StatusInterval, durable: o.Durable, log: o.Logger}, nil
}

// Slot is the name of the replication slot, which is also the
// publication's.
func (p *Postgres) Slot() string { return p.slot }

// connect opens an ordinary connection, for checks and set-up.
func (p *Postgres) connect(ctx context.Context) (*pgx.Conn, error) {
	c, err := pgx.ConnectConfig(ctx, p.conn.Copy())
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	return c, nil
}

// replicationConn opens a walsender connection for logical replication.
// pgoutput writes values with the walsender's settings, so they are the
// ones Quarry's sessions use: times in UTC, ISO dates, bytea in hex.
func (p *Postgres) replicationConn(ctx context.Context) (*pgconn.PgConn, error) {
	c := p.conn.Config.Copy()
	for k, v := range map[string]string{"replication": "database", "timezone": "UTC", "datestyle": "ISO, MDY",
		"intervalstyle": "postgres", "bytea_output": "hex", "extra_float_digits": "1"} {
		c.RuntimeParams[k] = v
	}
	if c.RuntimeParams["application_name"] == "" {
		c.RuntimeParams["application_name"] = "quarry changes"
	}
	conn, err := pgconn.ConnectConfig(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("opening a replication connection to PostgreSQL: %w", classify(err))
	}
	return conn, nil
}

// Stream reads the slot from from (or from what was acknowledged before,
// whichever is later) and hands each committed transaction to handle, in
// commit order, until ctx ends, handle fails or the connection is lost.
// It acknowledges a transaction to the server only after handle returned
// nil for it. Transactions at or before from are not handed on again.
// Call Setup first.
func (p *Postgres) Stream(ctx context.Context, from LSN, handle Handler) error {
	conn, err := p.replicationConn(ctx)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	domains, err := readDomains(ctx, conn)
	if err != nil {
		return err
	}
	// The slot and the publication have names matching slotName, so
	// they need no quoting in the replication command.
	err = pglogrepl.StartReplication(ctx, conn, p.slot, pglogrepl.LSN(from), pglogrepl.StartReplicationOptions{
		Mode:       pglogrepl.LogicalReplication,
		PluginArgs: []string{"proto_version '1'", "publication_names '" + p.slot + "'"},
	})
	if err != nil {
		return fmt.Errorf("starting to read replication slot %s: %w", p.slot, classify(err))
	}
	r := &pgReader{conn: conn, dec: newDecoder(domains), handle: handle, from: from, acked: from,
		interval: p.interval, durable: p.durable, log: p.log}
	return r.run(ctx)
}

// classify marks the errors a reconnection does not mend as permanent.
func classify(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "42704", // undefined_object: the slot or the publication is gone
		"42501",          // insufficient_privilege
		"28000", "28P01", // authentication
		"55000", // object_not_in_prerequisite_state: wal_level, an invalidated slot
		"3D000": // the database is gone
		return &PermanentError{Err: err}
	}
	return err
}
