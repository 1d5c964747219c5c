package connect_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestPgBouncerTransactionMode runs Quarry's kind of statements (JSON built
// by the database, every value a bound parameter, mutations in a
// transaction) from 20 goroutines through a PgBouncer in transaction mode
// that has fewer server connections than the pool has clients, so that
// consecutive statements of one client land on different server
// connections. With pgbouncer=true every statement succeeds; without it,
// pgx's named prepared statements break.
func TestPgBouncerTransactionMode(t *testing.T) {
	bin := pgbouncerBinary(t)
	db := testdb.New(t, testdb.Postgres)
	createItems(t, db)
	server, err := url.Parse(db.URI)
	if err != nil {
		t.Fatal(err)
	}
	addr := startPgBouncer(t, bin, server)

	// The pool's URI: the test database, through PgBouncer.
	through := *server
	through.Host = addr
	open := func(t *testing.T, extra string) *connect.DB {
		t.Helper()
		u := through
		q := u.Query()
		if extra != "" {
			k, v, _ := strings.Cut(extra, "=")
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		cfg, err := connect.Parse(u.String())
		if err != nil {
			t.Fatal(err)
		}
		cdb, err := connect.Open(context.Background(), cfg, connect.Options{ConnectTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cdb.Close() })
		// As exec.New sizes it: more clients than PgBouncer's pool.
		cdb.SQL.SetMaxOpenConns(goroutines)
		cdb.SQL.SetMaxIdleConns(goroutines)
		return cdb
	}

	t.Run("pgbouncer=true", func(t *testing.T) {
		// Opening at all shows the parameter stays with Quarry: PgBouncer
		// refuses unknown startup parameters.
		cdb := open(t, "pgbouncer=true")
		errs := hammer(cdb.SQL)
		for _, err := range errs[:min(len(errs), 5)] {
			t.Error(err)
		}
		if len(errs) > 0 {
			t.Fatalf("%d of %d statements failed through PgBouncer with pgbouncer=true", len(errs), goroutines*rounds*len(statements()))
		}
		// `quarry serve` reads the catalog at start, through the same
		// pool: its queries must survive PgBouncer too.
		cat, err := introspect.Read(context.Background(), cdb.SQL, cdb.Engine, introspect.Options{Database: cdb.Config.Database})
		if err != nil {
			t.Fatalf("introspection through PgBouncer: %v", err)
		}
		if len(cat.Tables) != 1 {
			t.Errorf("introspection through PgBouncer found %d tables, want 1", len(cat.Tables))
		}
	})

	t.Run("default statement cache fails", func(t *testing.T) {
		cdb := open(t, "")
		errs := hammer(cdb.SQL)
		if len(errs) == 0 {
			t.Fatal("pgx's default mode ran every statement through PgBouncer in transaction mode: " +
				"this PgBouncer keeps prepared statements across server connections, so pgbouncer=true is no longer needed with it")
		}
		t.Logf("without pgbouncer=true, %d of %d statements failed, e.g.: %v", len(errs), goroutines*rounds*len(statements()), errs[0])
	})
}

// TestPgBouncerParameter checks pgbouncer= itself: it never reaches
// PostgreSQL (which refuses unknown parameters at login), it must be a
// boolean, and it belongs to PostgreSQL URIs only.
func TestPgBouncerParameter(t *testing.T) {
	for _, tt := range []struct{ uri, want string }{
		{"postgres://u@127.0.0.1:1/db?sslmode=disable&pgbouncer=maybe", `pgbouncer="maybe" is not true or false`},
		{"mysql://u@127.0.0.1:1/db?pgbouncer=true", "pgbouncer= is for PostgreSQL URIs"},
	} {
		cfg, err := connect.Parse(tt.uri)
		if err != nil {
			t.Fatal(err)
		}
		_, err = connect.Open(context.Background(), cfg, connect.Options{ConnectTimeout: time.Second})
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Part != connect.PartURI || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want a URI error containing %q", tt.uri, err, tt.want)
		}
	}

	// Straight to PostgreSQL, pgbouncer=true logs in (the parameter was
	// kept back) and the exec mode runs every statement.
	db := testdb.New(t, testdb.Postgres)
	createItems(t, db)
	cfg, err := connect.Parse(db.URI + "&pgbouncer=true")
	if err != nil {
		t.Fatal(err)
	}
	cdb, err := connect.Open(context.Background(), cfg, connect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cdb.Close()
	if errs := hammer(cdb.SQL); len(errs) > 0 {
		t.Fatalf("%d statements failed, first: %v", len(errs), errs[0])
	}
}

func createItems(t *testing.T, db *testdb.DB) {
	t.Helper()
	db.Exec(t, `CREATE TABLE item (
		id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, active boolean NOT NULL,
		created_at timestamptz NOT NULL, tags text[] NOT NULL DEFAULT '{}');
		INSERT INTO item (name, price, active, created_at, tags)
		SELECT 'item ' || i, i * 1.5, i % 2 = 0, timestamptz '2026-01-01 00:00:00Z' + i * interval '1 hour',
			ARRAY['t' || (i % 5)] FROM generate_series(1, 200) i;`)
}

const (
	goroutines = 20
	rounds     = 25
	// serverConns is PgBouncer's pool: far fewer than goroutines, so a
	// client's statements move between server connections.
	serverConns = 3
)

type statement struct {
	name string
	run  func(ctx context.Context, db *sql.DB, i int) error
}

// statements are shaped as sqlgen's output and bind each kind of value
// the planner produces: int64, string, float64, bool, time.Time and
// string (against an array column), plus a mutation in a transaction.
func statements() []statement {
	one := func(q string, args func(i int) []any) func(context.Context, *sql.DB, int) error {
		return func(ctx context.Context, db *sql.DB, i int) error {
			var obj []byte
			err := db.QueryRowContext(ctx, q, args(i)...).Scan(&obj)
			if err == nil && !bytes.HasPrefix(obj, []byte("{")) {
				err = fmt.Errorf("not a JSON object: %s", obj)
			}
			return err
		}
	}
	list := func(q string, args func(i int) []any) func(context.Context, *sql.DB, int) error {
		return func(ctx context.Context, db *sql.DB, i int) error {
			rows, err := db.QueryContext(ctx, q, args(i)...)
			if err != nil {
				return err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var obj, key []byte
				if err := rows.Scan(&obj, &key); err != nil {
					return err
				}
				n++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n == 0 {
				return errors.New("no rows")
			}
			return nil
		}
	}
	return []statement{
		{"get", one(`SELECT json_build_object('id', t1."id", 'name', t1."name", 'price', t1."price", '__typename', 'item') FROM "item" t1 WHERE t1."id" = $1 LIMIT 1`,
			func(i int) []any { return []any{int64(i%200 + 1)} })},
		{"list", list(`SELECT json_build_object('id', t1."id", 'name', t1."name", 'created_at', to_char(t1."created_at"::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), json_build_array(t1."id") FROM "item" t1 WHERE (t1."name" LIKE $1 ESCAPE '\' AND t1."price" > $2 AND t1."active" = $3 AND t1."created_at" >= $4) AND (t1."id") > ($5) ORDER BY t1."id" LIMIT 5`,
			func(i int) []any {
				return []any{"item %", 1.25, true, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), int64(i % 50)}
			})},
		{"array", list(`SELECT json_build_object('id', t1."id", 'tags', t1."tags"::text[]), json_build_array(t1."id") FROM "item" t1 WHERE $1 = ANY(t1."tags") ORDER BY t1."id" LIMIT 3`,
			func(i int) []any { return []any{"t" + strconv.Itoa(i%5)} })},
		{"update", func(ctx context.Context, db *sql.DB, i int) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
			var obj []byte
			if err := tx.QueryRowContext(ctx, `WITH t1 AS (UPDATE "item" SET "name" = $1 WHERE "id" = $2 RETURNING *) SELECT json_build_object('id', t2."id", 'name', t2."name") FROM t1 t2`,
				"item "+strconv.Itoa(i%200+1), int64(i%200+1)).Scan(&obj); err != nil {
				return err
			}
			return tx.Commit()
		}},
	}
}

// hammer runs every statement rounds times from each of 20 goroutines and
// returns the errors.
func hammer(db *sql.DB) []error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for _, st := range statements() {
					if err := st.run(ctx, db, g*rounds+r); err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("%s: %w", st.name, err))
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

// pgbouncerBinary finds PgBouncer on the PATH or where Debian installs it
// (/usr/sbin, often not on a user's PATH), or skips (fails under CI).
func pgbouncerBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err == nil {
		return bin
	}
	if _, serr := os.Stat("/usr/sbin/pgbouncer"); serr == nil {
		return "/usr/sbin/pgbouncer"
	}
	testdb.Unreachable(t, "pgbouncer (Debian package pgbouncer; scripts/test.sh installs it)", err)
	return ""
}

// startPgBouncer runs PgBouncer in transaction mode on a free port of
// 127.0.0.1, in front of the PostgreSQL server of u, and returns its
// host:port. PgBouncer refuses to run as root: then it is asked to switch
// to the postgres user (-u), after reading its files as root.
func startPgBouncer(t *testing.T, bin string, u *url.URL) string {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	host, serverPort := u.Hostname(), u.Port()
	if serverPort == "" {
		serverPort = "5432"
	}
	name := u.User.Username()
	password, _ := u.User.Password()
	// The wildcard database forwards every database name to the server,
	// logging in as the client's user; the password, if the test server
	// wants one, is PgBouncer's to send.
	conn := fmt.Sprintf("host=%s port=%s", host, serverPort)
	if password != "" {
		conn += fmt.Sprintf(" user=%s password='%s'", name, strings.ReplaceAll(password, "'", `\'`))
	}
	// auth_type=trust still requires the user to be listed in auth_file.
	users := fmt.Sprintf("%q \"\"\n", name)
	ini := fmt.Sprintf(`[databases]
* = %s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
max_client_conn = 200
logfile =
pidfile =
`, conn, port, filepath.Join(dir, "users.txt"), serverConns)
	if err := os.WriteFile(filepath.Join(dir, "users.txt"), []byte(users), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pgbouncer.ini"), []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join(dir, "pgbouncer.ini")}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Skip("running as root and there is no postgres user for PgBouncer to switch to")
		}
		args = append([]string{"-u", "postgres"}, args...)
	}
	// PgBouncer logs to stderr; a file, not a buffer, so reading it while
	// the process runs is no data race.
	logPath := filepath.Join(dir, "pgbouncer.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the child has its own copy
	log := func() string { raw, _ := os.ReadFile(logPath); return string(raw) }
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM is PgBouncer's immediate shutdown; the test's pools
		// are closed by then (cleanups run last registered first).
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr
		}
		select {
		case err := <-exited:
			t.Fatalf("pgbouncer exited (%v):\n%s", err, log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgbouncer did not listen on %s within 10s:\n%s", addr, log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort asks the kernel for a port that is free now. Another process
// could take it before PgBouncer binds it; then PgBouncer exits and the
// test says so.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
