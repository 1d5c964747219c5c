package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/changes"
	"github.com/quarrydata/quarry/internal/connect"
)

// changesCommand is `quarry changes slots|drop`: a replication slot
// keeps every WAL segment its reader has not taken, so one left behind
// by a retired deployment fills the disk. On MySQL and MariaDB the same
// commands list and drop the stored binary log positions
// (changes_mysql_cmd.go), on SQLite the change log the triggers fill
// (changes_sqlite.go).
func (e *env) changesCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "changes",
		Short: "List and drop the change streams' replication slots, stored positions or change log (--changes database)",
		Long: `With --changes database, Quarry reads PostgreSQL's change stream through a
replication slot and a publication, both named quarry_<name>. A slot keeps the
WAL its reader has not taken: that is what lets Quarry catch up after a
restart, and also why a slot nobody reads any more fills the disk. List the
slots, and drop the one a retired deployment left behind.

On MySQL and MariaDB, Quarry reads the binary log and stores how far it read
in the table quarry_changes_position of the served database, one row named
quarry_<name> per stream. The server keeps its binary log for
binlog_expire_logs_seconds whoever reads it: a position older than that
cannot be read on from. List the stored positions and how far behind they
are, and drop one to make Quarry start again from the binary log's current
end.

On SQLite, Quarry keeps the change log in the file itself: the table
quarry_changes, filled by triggers on the served tables, and its reader's
position. List it, and drop it (triggers and tables) to alter a served table's
columns or to stop using --changes database on the file.`,
		Example: `  quarry changes slots --connection-uri-secret SQL_CONNECTION_STRING
  quarry changes drop quarry_main --connection-uri-secret SQL_CONNECTION_STRING`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var f sourceFlags
	addFlags := func(c *cobra.Command) {
		c.Flags().StringVar(&f.uriSecret, "connection-uri-secret", "", "name of the secret holding the connection URI (required), e.g. SQL_CONNECTION_STRING")
		c.Flags().StringVar(&f.certSecret, "ssl-cert-secret", "", "name of the secret holding a PEM CA certificate (bundle) to trust, for self-signed or private CAs")
		c.Flags().DurationVar(&f.timeout, "connect-timeout", defaultConnectTimeout, "how long to wait for the database to answer")
		c.Flags().StringVar(&e.secretsDir, "secrets-dir", "", "directory with one file per secret, read when a secret is not in the sandbox store (as in production)")
	}
	slots := &cobra.Command{
		Use:   "slots",
		Short: "List the replication slots (PostgreSQL), stored binary log positions (MySQL, MariaDB) or change log (SQLite), whether a reader is active, and the lag",
		Args:  exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withSlotConn(cmd.Context(), &f, slotOps{mysql: e.mysqlPositions, sqlite: e.sqliteChangeLog, postgres: func(ctx context.Context, c *pgx.Conn) error {
				list, err := changes.ListSlots(ctx, c)
				if err != nil {
					return err
				}
				if len(list) == 0 {
					fmt.Fprintln(e.stdout, "No replication slots.")
					return nil
				}
				w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "NAME\tPLUGIN\tACTIVE\tLAG\tWAL KEPT\tSTATUS")
				for _, s := range list {
					active := "no"
					if s.Active {
						active = fmt.Sprintf("yes (pid %d)", s.ActivePID)
					}
					plugin := s.Plugin
					if plugin == "" {
						plugin = "(" + s.Type + ")"
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, plugin, active, byteSize(s.LagBytes), byteSize(s.RetainedBytes), s.WALStatus)
				}
				return w.Flush()
			}})
		},
	}
	drop := &cobra.Command{
		Use:   "drop NAME",
		Short: "Drop a replication slot (PostgreSQL), stored binary log position (MySQL, MariaDB) or change log (SQLite) no reader uses",
		Long: `PostgreSQL: drop a replication slot that no process reads, and the publication
of the same name when the slot is Quarry's (quarry_<name>). A slot in use is
refused: stop the Quarry that reads it first. Changes committed since its
reader last read are lost to it; a Quarry started again with --changes
database creates a new slot that starts from then on.

MySQL and MariaDB: delete the stored binary log position quarry_<name> from
the table quarry_changes_position. A position whose reader runs is refused:
stop that Quarry first. A Quarry started again with --changes database
reads from the binary log's current end; what was committed in between is
lost to it. This is how to start again after the binary log that held the
position was purged.

SQLite: drop the change log quarry_changes: its triggers and both tables (the
served tables stay as they are). Refused while a Quarry reads it.`,
		Args: exactArgs(1, "the slot's or stored position's name (quarry changes slots lists them)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withSlotConn(cmd.Context(), &f, slotOps{
				mysql:  func(ctx context.Context, db *connect.DB) error { return e.mysqlDropPosition(ctx, db, args[0]) },
				sqlite: func(ctx context.Context, db *connect.DB) error { return e.sqliteDropChangeLog(ctx, db, args[0]) },
				postgres: func(ctx context.Context, c *pgx.Conn) error {
					if err := changes.DropSlot(ctx, c, args[0]); err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "Dropped replication slot %s.\n", args[0])
					return nil
				}})
		},
	}
	addFlags(slots)
	addFlags(drop)
	cmd.AddCommand(slots, drop)
	return cmd
}

// slotOps is what a changes subcommand does on each engine: on
// PostgreSQL with one ordinary connection, elsewhere with the database.
type slotOps struct {
	postgres      func(context.Context, *pgx.Conn) error
	mysql, sqlite func(context.Context, *connect.DB) error
}

// withSlotConn opens the database f names and runs the engine's op.
func (e *env) withSlotConn(ctx context.Context, f *sourceFlags, ops slotOps) error {
	if f.timeout <= 0 {
		f.timeout = defaultConnectTimeout
	}
	db, err := e.open(ctx, f, true)
	if err != nil {
		return err
	}
	defer db.Close()
	switch db.Engine {
	case connect.Postgres:
	case connect.MySQL:
		return ops.mysql(ctx, db)
	case connect.SQLite:
		return ops.sqlite(ctx, db)
	default:
		return fmt.Errorf("this database is %s, whose change stream is not supported", db.Engine)
	}
	pc, _, err := connect.PostgresConnConfig(db.Config, connect.Options{ConnectTimeout: f.timeout})
	if err != nil {
		return err
	}
	c, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer c.Close(context.Background())
	return ops.postgres(ctx, c)
}

// byteSize prints n bytes as a person reads them.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTPE"[exp])
}
