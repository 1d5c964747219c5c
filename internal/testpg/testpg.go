// Package testpg starts a PostgreSQL server of a test's own, with
// wal_level=logical, for tests of the change stream: the shared server on
// 127.0.0.1:5432 runs with wal_level=replica and must not be
// reconfigured. It runs initdb into a temporary directory and the server
// on a free port, and stops it by PID when the test ends (PostgreSQL 15
// from Debian's packages, as scripts/test.sh installs it).
package testpg

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bin is where the PostgreSQL server programs are: Debian's layout,
// /usr/lib/postgresql/<major>/bin, the newest installed (15 on bookworm,
// 17 on trixie), or QUARRY_TEST_PG_BIN.
func Bin() string {
	if dir := os.Getenv("QUARRY_TEST_PG_BIN"); dir != "" {
		return dir
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestMajor := "/usr/lib/postgresql/15/bin", 0
	for _, d := range dirs {
		major, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err == nil && major > bestMajor {
			best, bestMajor = d, major
		}
	}
	return best
}

// Missing skips the test loudly, or fails it under CI=true.
func Missing(t testing.TB, what string, err error) {
	t.Helper()
	msg := fmt.Sprintf("\n*** %s is missing: %v\n*** tests of the change stream need it (install it as scripts/test.sh does).", what, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
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

// Server is a postmaster of the test's own.
type Server struct {
	Port int
	// LogPath is the server's log file.
	LogPath string
	cmd     *exec.Cmd
	done    chan struct{}
}

// Start initialises a data directory under t.TempDir() and starts
// PostgreSQL with wal_level=logical; extra are more name=value settings.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	for _, b := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(Bin(), b)); err != nil {
			Missing(t, filepath.Join(Bin(), b), err)
		}
	}
	base := t.TempDir()
	s := &Server{Port: freePort(t), LogPath: filepath.Join(base, "postgres.log"), done: make(chan struct{})}
	var cred *syscall.Credential
	if os.Geteuid() == 0 { // initdb and postgres refuse to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			Missing(t, "the postgres user (PostgreSQL refuses to run as root)", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		tmp := filepath.Clean(os.TempDir())
		for d := filepath.Clean(base); strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(base, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(base, "pgdata")
	initdb := exec.Command(filepath.Join(Bin(), "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	args := []string{"-D", data, "-p", strconv.Itoa(s.Port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "fsync=off", "-c", "shared_buffers=16MB", "-c", "max_wal_size=64MB", "-c", "wal_level=logical"}
	for _, e := range extra {
		args = append(args, "-c", e)
	}
	out, err := os.OpenFile(s.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	s.cmd = exec.Command(filepath.Join(Bin(), "postgres"), args...)
	s.cmd.Stdout, s.cmd.Stderr = out, out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		// Immediate shutdown by PID: the data is thrown away.
		_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGQUIT)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-s.done:
			t.Fatalf("postgres exited before accepting connections:\n%s", logTail(s.LogPath))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := pgx.Connect(ctx, s.URI("postgres"))
		cancel()
		if err == nil {
			c.Close(context.Background())
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("postgres does not accept connections after 30 s: %v\n%s", err, logTail(s.LogPath))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// URI connects as role to the database postgres.
func (s *Server) URI(role string) string { return s.DatabaseURI(role, "postgres") }

// DatabaseURI connects as role to database db.
func (s *Server) DatabaseURI(role, db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", role, s.Port, db)
}

// LogTail is the end of the server's log, for a failing test's message.
func (s *Server) LogTail() string { return logTail(s.LogPath) }

func logTail(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(raw[max(0, len(raw)-3000):])
}
