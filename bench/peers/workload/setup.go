package workload

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/quarrydata/quarry/internal/testdb"
)

// Engine names Setup and the floor accept.
const (
	Postgres = "postgres"
	MySQL    = "mysql"
)

// Default DSNs of the bench databases (the contract's).
const (
	DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/quarry_peers?sslmode=disable"
	DefaultMySQLDSN    = "root@tcp(127.0.0.1:3306)/quarry_peers"
)

// benchTables lists Chinook's tables plus item: the tables ANALYZE covers
// on MariaDB, which has no database-wide ANALYZE.
const benchTables = "album, artist, customer, employee, genre, invoice, invoice_line, media_type, playlist, playlist_track, track, item"

// Setup drops and recreates the bench database named in dsn, loads Chinook
// (the copy the tests use, embedded in internal/testdb, so no path to the
// repository is needed), adds table item with Items rows and
// playlist.owner = Owner, and refreshes the statistics. engine is
// "postgres" or "mysql" (MariaDB); dsn is a postgres:// URL or a
// go-sql-driver DSN ("root@tcp(127.0.0.1:3306)/quarry_peers"). Dropping
// the database ends every session connected to it, so run Setup before
// starting the servers under test.
func Setup(ctx context.Context, engine, dsn string) error {
	switch engine {
	case Postgres, "postgresql":
		return setupPostgres(ctx, dsn)
	case MySQL, "mariadb":
		return setupMySQL(ctx, dsn)
	}
	return fmt.Errorf("setup: unknown engine %q (want postgres or mysql)", engine)
}

func setupPostgres(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("setup: postgres dsn: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return fmt.Errorf("setup: postgres dsn %s names no bench database", u.Redacted())
	}
	admin := *u
	admin.Path = "/postgres"
	if err := withDB(ctx, "pgx", admin.String(), func(db *sql.DB) error {
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("setup: postgres %s: %w", u.Redacted(), err)
	}
	script, err := testdb.ChinookScript(testdb.Postgres, false)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	err = withDB(ctx, "pgx", dsn, func(db *sql.DB) error {
		steps := []string{script,
			`CREATE TABLE item (item_id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, created_at timestamp NOT NULL)`}
		steps = append(steps, itemInserts()...)
		steps = append(steps,
			`ALTER TABLE playlist ADD COLUMN owner text`,
			`UPDATE playlist SET owner = '`+Owner+`'`,
			// Fresh tables have no statistics; a production database has
			// them (autovacuum), and every contestant's plans depend on them.
			`VACUUM ANALYZE`)
		return execAll(ctx, db, steps)
	})
	if err != nil {
		return fmt.Errorf("setup: postgres %s: %w", u.Redacted(), err)
	}
	return nil
}

func setupMySQL(ctx context.Context, dsn string) error {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("setup: mysql dsn: %w", err)
	}
	name := cfg.DBName
	if name == "" || name == "mysql" {
		return fmt.Errorf("setup: mysql dsn names no bench database")
	}
	admin := cfg.Clone()
	admin.DBName = ""
	if err := withDB(ctx, "mysql", admin.FormatDSN(), func(db *sql.DB) error {
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		if _, err := db.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4"); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("setup: mysql %s: %w", cfg.Addr, err)
	}
	script, err := testdb.ChinookScript(testdb.MySQL, false)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	load := cfg.Clone()
	load.MultiStatements = true // the Chinook script is run whole
	err = withDB(ctx, "mysql", load.FormatDSN(), func(db *sql.DB) error {
		// DATETIME, not TIMESTAMP: MariaDB's TIMESTAMP converts time zones
		// and may update itself, neither of which PostgreSQL's does.
		steps := []string{snakeIdentifiers(script),
			`CREATE TABLE item (item_id int PRIMARY KEY, name varchar(100) NOT NULL, price decimal(10,2) NOT NULL, created_at datetime NOT NULL)`}
		steps = append(steps, itemInserts()...)
		steps = append(steps,
			`ALTER TABLE playlist ADD COLUMN owner varchar(64)`,
			`UPDATE playlist SET owner = '`+Owner+`'`,
			`ANALYZE TABLE `+benchTables)
		return execAll(ctx, db, steps)
	})
	if err != nil {
		return fmt.Errorf("setup: mysql %s/%s: %w", cfg.Addr, name, err)
	}
	return nil
}

// withDB opens a one-connection handle, runs f and closes it.
func withDB(ctx context.Context, driver, dsn string, f func(*sql.DB) error) error {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection: the statements depend on each other in order.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		return err
	}
	return f(db)
}

func execAll(ctx context.Context, db *sql.DB, steps []string) error {
	for _, s := range steps {
		// Exec: the pgx driver then sends a script over the simple
		// protocol (several statements at once), and the MySQL driver reads
		// and discards the rows ANALYZE TABLE answers with.
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w\n%s", err, firstLine(s))
		}
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// Item returns item i's name, price and created_at as SQL literals' text;
// the same values on both engines, so both floors and Quarrys return the
// same rows.
func Item(i int) (name, price, createdAt string) {
	cents := (i*7919)%99900 + 100 // 1.00 to 999.99, deterministic
	sec := i * 61
	return fmt.Sprintf("item %05d", i),
		fmt.Sprintf("%d.%02d", cents/100, cents%100),
		fmt.Sprintf("2024-01-%02d %02d:%02d:%02d", 1+sec/86400, sec/3600%24, sec/60%60, sec%60)
}

// itemInserts returns the INSERTs of table item, 1,000 rows per statement.
func itemInserts() []string {
	var out []string
	var b strings.Builder
	for i := 1; i <= Items; i++ {
		if b.Len() == 0 {
			b.WriteString("INSERT INTO item (item_id, name, price, created_at) VALUES ")
		} else {
			b.WriteString(", ")
		}
		name, price, at := Item(i)
		fmt.Fprintf(&b, "(%d, '%s', %s, '%s')", i, name, price, at)
		if i%1000 == 0 || i == Items {
			out = append(out, b.String())
			b.Reset()
		}
	}
	return out
}

// snakeIdentifiers renames the MySQL script's PascalCase tables and
// columns (`PlaylistTrack`, `AlbumId`) to the PostgreSQL script's
// snake_case (playlist_track, album_id), so that one GraphQL document
// serves both engines. Constraint and index names hold an underscore and
// are left alone; the data has no backquotes.
func snakeIdentifiers(script string) string {
	backquoted := regexp.MustCompile("`[A-Za-z]+`")
	return backquoted.ReplaceAllStringFunc(script, func(q string) string {
		var b strings.Builder
		prev := rune(0)
		for _, r := range q {
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prev = r
		}
		return b.String()
	})
}
