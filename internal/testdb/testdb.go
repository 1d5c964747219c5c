// Package testdb gives each test a fresh database on every engine Quarry
// supports, and drops it when the test ends. Tests talk to real servers:
// PostgreSQL and MariaDB/MySQL on 127.0.0.1 (override with
// QUARRY_TEST_POSTGRES_URL and QUARRY_TEST_MYSQL_URL) and SQLite in a
// temporary directory.
//
// When a server cannot be reached the test is skipped with a loud message;
// under CI=true it fails instead, so a CI run can never pass by skipping.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

//go:embed fixtures
var fixtures embed.FS

// Default server URLs, as documented in the README.
const (
	DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	DefaultMySQLURL    = "mysql://root@127.0.0.1:3306/"
)

// Engine names, matching the generated schema's engine values.
const (
	Postgres = "postgresql"
	MySQL    = "mysql"
	SQLite   = "sqlite"
)

// Engines lists every engine, in the order Each runs them.
var Engines = []string{Postgres, MySQL, SQLite}

// DB is a fresh, empty database that exists for one test.
type DB struct {
	Engine string
	Name   string
	// URI is the database's connection URI in Quarry's own form
	// (postgres://, mysql://, sqlite:), ready for connect.Parse.
	URI string
	// SQL is an open handle. For MySQL it allows several statements per
	// Exec, so that fixture scripts can be run whole.
	SQL *sql.DB
}

// Each runs body once per engine as a subtest, each with its own fresh
// database.
func Each(t *testing.T, body func(t *testing.T, db *DB)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e, func(t *testing.T) {
			body(t, New(t, e))
		})
	}
}

// New creates a fresh database on the given engine and registers its removal.
func New(t testing.TB, engine string) *DB {
	t.Helper()
	switch engine {
	case Postgres:
		return newPostgres(t)
	case MySQL:
		return newMySQL(t)
	case SQLite:
		return newSQLite(t)
	}
	t.Fatalf("testdb: unknown engine %q", engine)
	return nil
}

// Unreachable skips the test, or fails it under CI=true, because a server
// the test needs is not there.
func Unreachable(t testing.TB, what string, err error) {
	t.Helper()
	msg := fmt.Sprintf("\n*** %s is not reachable: %v\n*** start it (see README: the test command does) or set its QUARRY_TEST_*_URL.", what, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func uniqueName() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return "quarry_test_" + hex.EncodeToString(b[:])
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// PostgresServerURL is the URL of the PostgreSQL server tests use.
func PostgresServerURL() string { return envOr("QUARRY_TEST_POSTGRES_URL", DefaultPostgresURL) }

// MySQLServerURL is the URL of the MySQL/MariaDB server tests use.
func MySQLServerURL() string { return envOr("QUARRY_TEST_MYSQL_URL", DefaultMySQLURL) }

func newPostgres(t testing.TB) *DB {
	t.Helper()
	base := PostgresServerURL()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	c, cancel := ctx()
	defer cancel()
	if err := admin.PingContext(c); err != nil {
		Unreachable(t, "PostgreSQL at "+redact(base), err)
	}
	name := uniqueName()
	if _, err := admin.ExecContext(c, `CREATE DATABASE "`+name+`"`); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	u.Path = "/" + name
	uri := u.String()
	db, err := sql.Open("pgx", uri)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		c, cancel := ctx()
		defer cancel()
		if _, err := a.ExecContext(c, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return &DB{Engine: Postgres, Name: name, URI: uri, SQL: db}
}

// mysqlDSN turns a mysql:// URL into a go-sql-driver DSN for database name.
func mysqlDSN(raw, name string, multi bool) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	cfg.Addr = host
	cfg.DBName = name
	cfg.MultiStatements = multi
	cfg.Timeout = 5 * time.Second
	return cfg.FormatDSN(), nil
}

func newMySQL(t testing.TB) *DB {
	t.Helper()
	base := MySQLServerURL()
	dsn, err := mysqlDSN(base, "", false)
	if err != nil {
		t.Fatalf("testdb: %s: %v", redact(base), err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	c, cancel := ctx()
	defer cancel()
	if err := admin.PingContext(c); err != nil {
		Unreachable(t, "MySQL/MariaDB at "+redact(base), err)
	}
	name := uniqueName()
	if _, err := admin.ExecContext(c, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	dsn, _ = mysqlDSN(base, name, true)
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	t.Cleanup(func() {
		db.Close()
		dsn, _ := mysqlDSN(base, "", false)
		a, err := sql.Open("mysql", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		c, cancel := ctx()
		defer cancel()
		if _, err := a.ExecContext(c, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return &DB{Engine: MySQL, Name: name, URI: u.String(), SQL: db}
}

func newSQLite(t testing.TB) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	// One connection: an in-process SQLite database is one file, and a single
	// connection keeps PRAGMAs and temp state consistent across Exec calls.
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &DB{Engine: SQLite, Name: "test", URI: "sqlite://" + path, SQL: db}
}

// Exec runs a script of one or more statements, failing the test on error.
func (d *DB) Exec(t testing.TB, script string) {
	t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := d.SQL.ExecContext(c, script); err != nil {
		t.Fatalf("testdb: exec on %s: %v\n%s", d.Engine, err, firstLines(script, 5))
	}
}

// chinookFiles is the Chinook sample database (a copy of the team's
// shared/datasets/chinook, with its licence), kept in the repository so
// the tests run wherever it is checked out.
//
//go:embed chinook/*.sql
var chinookFiles embed.FS

// LoadChinook loads the Chinook sample database into d. serial picks the
// PostgreSQL variant with SERIAL keys.
func (d *DB) LoadChinook(t testing.TB, serial bool) {
	t.Helper()
	script, err := ChinookScript(d.Engine, serial)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	d.Exec(t, script)
}

// ChinookScript returns the Chinook script for engine without its own
// DROP/CREATE DATABASE and USE, ready to run whole in the current database
// (on MySQL the connection must allow several statements per Exec). It
// needs no *testing.T, so programs (the peer benchmark's setup) can load
// Chinook too. serial picks the PostgreSQL variant with SERIAL keys.
func ChinookScript(engine string, serial bool) (string, error) {
	file := map[string]string{Postgres: "Chinook_PostgreSql.sql", MySQL: "Chinook_MySql.sql", SQLite: "Chinook_Sqlite.sql"}[engine]
	if file == "" {
		return "", fmt.Errorf("chinook: unknown engine %q", engine)
	}
	if serial && engine == Postgres {
		file = "Chinook_PostgreSql_SerialPKs.sql"
	}
	raw, err := chinookFiles.ReadFile("chinook/" + file)
	if err != nil {
		return "", fmt.Errorf("chinook: %w", err)
	}
	return stripDatabaseSwitch(string(raw)), nil
}

// stripDatabaseSwitch removes the script's own DROP/CREATE DATABASE and its
// switch to that database, so the script fills the test's database instead.
func stripDatabaseSwitch(script string) string {
	var out strings.Builder
	for _, line := range strings.SplitAfter(script, "\n") {
		l := strings.ToUpper(strings.TrimSpace(line))
		if strings.HasPrefix(l, "DROP DATABASE") || strings.HasPrefix(l, "CREATE DATABASE") ||
			strings.HasPrefix(l, "USE ") || strings.HasPrefix(l, `\C `) {
			continue
		}
		out.WriteString(line)
	}
	return out.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// LoadFixture runs fixtures/<engine>.sql, Quarry's own fixture with every type
// of the mapping tables, into d.
func (d *DB) LoadFixture(t testing.TB) {
	t.Helper()
	raw, err := fixtures.ReadFile("fixtures/" + d.Engine + ".sql")
	if err != nil {
		t.Fatalf("testdb: fixture: %v", err)
	}
	d.Exec(t, string(raw))
}
