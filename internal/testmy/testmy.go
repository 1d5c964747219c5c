// Package testmy starts a MariaDB server of a test's own, writing a
// row-based binary log, for tests of the change stream: the shared server
// on 127.0.0.1:3306 runs with log_bin=OFF and binlog_format=MIXED and must
// never be reconfigured or restarted. It installs a data directory under
// t.TempDir(), starts mariadbd on a free port, and kills it by PID when
// the test ends (MariaDB from Debian's packages, as scripts/test.sh
// installs it).
package testmy

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// The server programs (Debian's layout).
const (
	Mariadbd  = "/usr/sbin/mariadbd"
	InstallDB = "/usr/bin/mariadb-install-db"
)

// Missing skips the test loudly, or fails it under CI=true, so that a CI
// run can never pass by skipping.
func Missing(t testing.TB, what string, err error) {
	t.Helper()
	msg := fmt.Sprintf("\n*** %s is missing: %v\n*** tests of the change stream need it (install it as scripts/test.sh does).", what, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Server is a mariadbd of the test's own. Its root user has no password.
type Server struct {
	Port int
	// LogPath is the server's error log.
	LogPath string
	pid     int
}

// Start installs a data directory under t.TempDir() and starts mariadbd
// on a free port with the binary log on (log_bin, binlog_format=ROW,
// binlog_row_image=FULL, server_id=1); extra are more mariadbd options,
// which come last and so win (--skip-log-bin turns the log off).
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	for _, p := range []string{Mariadbd, InstallDB} {
		if _, err := os.Stat(p); err != nil {
			Missing(t, p, err)
		}
	}
	base := t.TempDir()
	data := filepath.Join(base, "data")
	s := &Server{Port: freePort(t), LogPath: filepath.Join(base, "mariadb.log")}
	install := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"}
	args := []string{"--no-defaults", "--datadir=" + data, "--port=" + strconv.Itoa(s.Port),
		"--bind-address=127.0.0.1", "--socket=" + filepath.Join(base, "mysqld.sock"),
		"--pid-file=" + filepath.Join(base, "mysqld.pid"), "--skip-name-resolve",
		"--log-bin=" + filepath.Join(base, "binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
		// Small and unsynced: the data is thrown away, and the machine
		// runs other tests.
		"--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0",
		"--max-connections=100"}
	args = append(args, extra...)
	if os.Geteuid() == 0 { // mariadbd refuses to run as root unless told to
		install = append(install, "--user=root")
		args = append(args, "--user=root")
	}
	if out, err := exec.Command(InstallDB, install...).CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	out, err := os.Create(s.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(Mariadbd, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mariadbd: %v", err)
	}
	s.pid = cmd.Process.Pid
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		// By PID, never by name: other tests run their own servers.
		_ = syscall.Kill(s.pid, syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("mariadbd (pid %d) did not exit", s.pid)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-done:
			t.Fatalf("mariadbd exited before accepting connections:\n%s", s.LogTail())
		default:
		}
		db, _ := sql.Open("mysql", s.DSN("root"))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		db.Close()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("mariadbd does not accept connections after 60 s: %v\n%s", err, s.LogTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// DSN is a go-sql-driver/mysql DSN for user, with no default database,
// in the session time zone Quarry uses (UTC).
func (s *Server) DSN(user string) string { return s.DatabaseDSN(user, "") }

// DatabaseDSN is DSN with db as the default database.
func (s *Server) DatabaseDSN(user, db string) string {
	c := mysql.NewConfig()
	c.User, c.Net, c.Addr, c.DBName = user, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)), db
	c.Params = map[string]string{"time_zone": "'+00:00'"}
	c.Timeout = 5 * time.Second
	return c.FormatDSN()
}

// URI is Quarry's connection URI for user, with no default database.
func (s *Server) URI(user string) string { return s.DatabaseURI(user, "") }

// DatabaseURI is Quarry's connection URI for user and database db.
func (s *Server) DatabaseURI(user, db string) string {
	u := url.URL{Scheme: "mysql", User: url.User(user), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)), Path: "/" + db}
	return u.String()
}

// CreateDatabase creates database name (utf8mb4) as root and returns a
// pool on it that runs several statements per Exec, for fixture scripts.
func (s *Server) CreateDatabase(t testing.TB, name string) *sql.DB {
	t.Helper()
	admin, err := sql.Open("mysql", s.DSN("root"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	c, err := mysql.ParseDSN(s.DatabaseDSN("root", name))
	if err != nil {
		t.Fatal(err)
	}
	c.MultiStatements = true
	db, err := sql.Open("mysql", c.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// LogTail is the end of the server's log, for a failing test's message.
func (s *Server) LogTail() string {
	raw, err := os.ReadFile(s.LogPath)
	if err != nil {
		return err.Error()
	}
	return string(raw[max(0, len(raw)-3000):])
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
