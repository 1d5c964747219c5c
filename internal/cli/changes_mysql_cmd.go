package cli

import (
	"context"
	"database/sql"
	"fmt"
	"text/tabwriter"

	"github.com/quarrydata/quarry/internal/connect"
)

// mysqlPositions is `quarry changes slots` on MySQL and MariaDB: the
// stored binary log positions, whether a Quarry reads on from each (holds
// its leader lock), and how much binary log was written after it.
func (e *env) mysqlPositions(ctx context.Context, db *connect.DB) error {
	list, err := readMyPositions(ctx, db.SQL, "")
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(e.stdout, "No stored change stream positions (table %s).\n", myPositionTable)
		return nil
	}
	// Without the privilege to list the binary log, the positions are
	// still worth seeing.
	logs, logsErr := binaryLogs(ctx, db.SQL)
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tPOSITION\tGTID\tUPDATED (UTC)\tACTIVE\tLAG")
	for _, s := range list {
		active, err := myLockHolder(ctx, db.SQL, s.name)
		if err != nil {
			return err
		}
		lag := "?"
		switch {
		case logsErr != nil:
		case !binlogHolds(logs, s.lsn):
			lag = "purged"
		default:
			n, _ := binlogLag(logs, s.lsn)
			lag = byteSize(n)
		}
		gtid := s.gtid
		if gtid == "" {
			gtid = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", s.name, formatMyLSN(logs, s.lsn), gtid, s.updated, active, lag)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if logsErr != nil {
		fmt.Fprintf(e.stderr, "The lag is not known: %v\n", logsErr)
	}
	return nil
}

// myLockHolder says whether a Quarry holds stream's leader lock: "no" or
// "yes (connection N)".
func myLockHolder(ctx context.Context, db *sql.DB, stream string) (string, error) {
	var id sql.NullInt64
	if err := db.QueryRowContext(ctx, "SELECT IS_USED_LOCK(?)", myLockName(stream)).Scan(&id); err != nil {
		return "", fmt.Errorf("reading whether a Quarry reads %s: %w", stream, err)
	}
	if !id.Valid {
		return "no", nil
	}
	return fmt.Sprintf("yes (connection %d)", id.Int64), nil
}

// mysqlDropPosition is `quarry changes drop NAME` on MySQL and MariaDB:
// it deletes a stored position no Quarry reads on from.
func (e *env) mysqlDropPosition(ctx context.Context, db *connect.DB, name string) error {
	active, err := myLockHolder(ctx, db.SQL, name)
	if err != nil {
		return err
	}
	if active != "no" {
		return fmt.Errorf("the stored position %s is in use: a Quarry reads on from it (%s); stop it first", name, active)
	}
	res, err := db.SQL.ExecContext(ctx, "DELETE FROM `"+myPositionTable+"` WHERE name = ?", name)
	if isMyError(err, myErrNoTable) {
		return fmt.Errorf("there is no stored position %s: this database has no table %s", name, myPositionTable)
	}
	if err != nil {
		return fmt.Errorf("deleting the stored position %s: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("deleting the stored position %s: %w", name, err)
	} else if n == 0 {
		return fmt.Errorf("there is no stored position %s (quarry changes slots lists them)", name)
	}
	fmt.Fprintf(e.stdout, "Dropped the stored position %s: a Quarry started with --changes database reads from the binary log's current end.\n", name)
	return nil
}
