package changes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// MySQLReport is what MySQL.Check found that users should know but need
// not fix.
type MySQLReport struct {
	// MariaDB says the server is MariaDB rather than MySQL; Version is
	// its VERSION().
	MariaDB bool
	Version string
	// RowMetadata is binlog_row_metadata (FULL, MINIMAL, NO_LOG), empty
	// on servers without it (before MySQL 8.0.1 and MariaDB 10.5). Unless
	// it is FULL, column names come from information_schema, and rows
	// logged before an ALTER TABLE are read with the table's new columns.
	RowMetadata string
	// GTID says changes carry a GTID state: always on MariaDB, with
	// gtid_mode=ON on MySQL.
	GTID bool
	// NotStreamed are served relations the binary log has no rows of
	// (views): changes to them are not seen.
	NotStreamed []Table
	// File and Position are where the binary log stands now.
	File     string
	Position uint64
}

// Info are lines for the log saying what the report means.
func (r *MySQLReport) Info() []string {
	var out []string
	switch r.RowMetadata {
	case "FULL":
	case "":
		out = append(out, "this server's binary log does not name columns (binlog_row_metadata is MySQL 8.0.1+ and MariaDB 10.5+): "+
			"column names are read from information_schema, so rows logged before an ALTER TABLE of a served table are read with its new columns")
	default:
		out = append(out, fmt.Sprintf("binlog_row_metadata is %s, so the binary log does not name columns: they are read from information_schema, "+
			"and rows logged before an ALTER TABLE of a served table are read with its new columns. "+
			"SET GLOBAL binlog_row_metadata = FULL; (and binlog_row_metadata = FULL in my.cnf) makes this exact", r.RowMetadata))
	}
	return out
}

// binlogOffFix says how to turn the binary log on.
func binlogOffFix(mariaDB bool) string {
	if mariaDB {
		return "add log_bin = mariadb-bin, binlog_format = ROW and server_id = 1 (any id no other server of the topology has) to the [mariadbd] section of the server's my.cnf " +
			"and restart MariaDB: the binary log cannot be turned on while it runs"
	}
	return "remove skip-log-bin or disable-log-bin from the server's my.cnf (MySQL 8 writes a binary log unless told not to), " +
		"or on MySQL 5.7 add log_bin = mysql-bin and server_id = 1 to the [mysqld] section, and restart MySQL: the binary log cannot be turned on while it runs"
}

// Check runs the start-up checks without changing anything. Each
// problem is one line of the returned error saying what to change.
func (m *MySQL) Check(ctx context.Context) (*MySQLReport, error) {
	db, err := m.open()
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rep := &MySQLReport{}
	var logBin bool
	var serverID uint64
	if err := db.QueryRowContext(ctx, "SELECT VERSION(), @@GLOBAL.log_bin, @@GLOBAL.server_id").Scan(&rep.Version, &logBin, &serverID); err != nil {
		return nil, fmt.Errorf("connecting to MySQL: %w", err)
	}
	rep.MariaDB = strings.Contains(strings.ToLower(rep.Version), "mariadb")
	name := "MySQL"
	if rep.MariaDB {
		name = "MariaDB"
	}
	var errs []error
	if !logBin {
		errs = append(errs, fmt.Errorf("%s does not write a binary log (log_bin is OFF), and reading changes made outside Quarry needs one: %s", name, binlogOffFix(rep.MariaDB)))
	}
	if serverID == 0 {
		errs = append(errs, fmt.Errorf("%s's server_id is 0, and a server with id 0 refuses replica connections: set server_id = 1 (any id no other server of the topology has) in my.cnf and restart, "+
			"or run SET GLOBAL server_id = 1;", name))
	}
	format, err := globalVar(ctx, db, "binlog_format")
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(format, "ROW") {
		errs = append(errs, fmt.Errorf("%s's binlog_format is %s; reading changes made outside Quarry needs ROW, so that the binary log holds the rows each statement changed: "+
			"run SET GLOBAL binlog_format = ROW; as an administrator (sessions opened before keep their format until they reconnect) "+
			"and set binlog_format = ROW in my.cnf so that it stays after a restart", name, format))
	}
	image, err := globalVar(ctx, db, "binlog_row_image")
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(image, "FULL") {
		errs = append(errs, fmt.Errorf("%s's binlog_row_image is %s; reading changes made outside Quarry needs FULL, so that updates and deletes carry the whole old and new row: "+
			"run SET GLOBAL binlog_row_image = FULL; as an administrator and set binlog_row_image = FULL in my.cnf so that it stays after a restart", name, image))
	}
	if rep.RowMetadata, err = globalVar(ctx, db, "binlog_row_metadata"); err != nil {
		var me *mysql.MySQLError
		if !errors.As(err, &me) || me.Number != 1193 { // unknown system variable: an older server
			return nil, err
		}
		rep.RowMetadata = ""
	}
	rep.RowMetadata = strings.ToUpper(rep.RowMetadata)
	rep.GTID = rep.MariaDB
	if !rep.MariaDB {
		if mode, err := globalVar(ctx, db, "gtid_mode"); err == nil {
			rep.GTID = strings.EqualFold(mode, "ON")
		}
	}
	if err := m.checkPrivileges(ctx, db, rep); err != nil {
		errs = append(errs, err)
	}
	problems, err := m.checkTables(ctx, db, rep)
	if err != nil {
		return nil, err
	}
	errs = append(errs, problems...)
	if logBin && len(errs) == 0 {
		if rep.File, rep.Position, _, err = binlogStatus(ctx, db, rep.MariaDB); err != nil {
			errs = append(errs, err)
		}
	}
	return rep, errors.Join(errs...)
}

func globalVar(ctx context.Context, db *sql.DB, name string) (string, error) {
	var v sql.NullString
	// name is one of this file's constants, never input.
	if err := db.QueryRowContext(ctx, "SELECT @@GLOBAL."+name).Scan(&v); err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	return v.String, nil
}

// checkPrivileges looks for the global privileges a replica needs:
// REPLICATION SLAVE to read the binary log, and REPLICATION CLIENT
// (called BINLOG MONITOR from MariaDB 10.5.2 on) to ask where it stands.
func (m *MySQL) checkPrivileges(ctx context.Context, db *sql.DB, rep *MySQLReport) error {
	var user string
	if err := db.QueryRowContext(ctx, "SELECT CURRENT_USER()").Scan(&user); err != nil {
		return fmt.Errorf("reading the user's privileges: %w", err)
	}
	u, host, _ := strings.Cut(user, "@")
	grantee := "'" + u + "'@'" + host + "'"
	rows, err := db.QueryContext(ctx, "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?", grantee)
	if err != nil {
		return fmt.Errorf("reading the user's privileges: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return fmt.Errorf("reading the user's privileges: %w", err)
		}
		have[strings.ToUpper(p)] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading the user's privileges: %w", err)
	}
	monitor := "REPLICATION CLIENT"
	if rep.MariaDB && mariaAtLeast(rep.Version, 10, 5, 2) {
		monitor = "BINLOG MONITOR"
	}
	var missing []string
	if !have["REPLICATION SLAVE"] && !have["REPLICATION REPLICA"] {
		missing = append(missing, "REPLICATION SLAVE")
	}
	if !have[monitor] && !have["REPLICATION CLIENT"] && !have["SUPER"] {
		missing = append(missing, monitor)
	}
	if len(missing) == 0 {
		return nil
	}
	quoted := "'" + strings.ReplaceAll(u, "'", "''") + "'@'" + strings.ReplaceAll(host, "'", "''") + "'"
	return fmt.Errorf("user %s may not read the binary log (it lacks %s): have an administrator run GRANT REPLICATION SLAVE, %s ON *.* TO %s;",
		quoted, strings.Join(missing, " and "), monitor, quoted)
}

// mariaAtLeast compares a MariaDB VERSION() such as 10.11.6-MariaDB-log.
func mariaAtLeast(version string, want ...int) bool {
	var got [3]int
	_, _ = fmt.Sscanf(version, "%d.%d.%d", &got[0], &got[1], &got[2])
	for i, w := range want {
		if got[i] != w {
			return got[i] > w
		}
	}
	return true
}

// checkTables reports served tables that do not exist, and views.
func (m *MySQL) checkTables(ctx context.Context, db *sql.DB, rep *MySQLReport) ([]error, error) {
	tables := make([]Table, 0, len(m.tables))
	for t := range m.tables {
		tables = append(tables, t)
	}
	slices.SortFunc(tables, func(a, b Table) int { return strings.Compare(a.String(), b.String()) })
	var problems []error
	for _, t := range tables {
		var kind string
		err := db.QueryRowContext(ctx, "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", t.Schema, t.Name).Scan(&kind)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			problems = append(problems, fmt.Errorf("table `%s`.`%s` does not exist (or this user may not see it)", t.Schema, t.Name))
		case err != nil:
			return nil, fmt.Errorf("reading the served tables: %w", err)
		case kind == "VIEW" || kind == "SYSTEM VIEW":
			rep.NotStreamed = append(rep.NotStreamed, t)
		}
	}
	if len(rep.NotStreamed) == len(tables) && len(tables) > 0 {
		problems = append(problems, errors.New("every served relation is a view, and the binary log has rows of tables only: there is nothing to read changes of"))
	}
	return problems, nil
}
