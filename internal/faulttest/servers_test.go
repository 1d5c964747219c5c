package faulttest

// Starting and stopping processes by PID: database servers of the tests'
// own (a data directory under t.TempDir(), a free port on 127.0.0.1) and
// quarry itself. Every process started here is stopped in t.Cleanup, also
// when the test fails.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // registers the "mysql" driver
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/quarrydata/quarry/internal/testpg"
)

// Binaries of the database servers the tests start (PostgreSQL's:
// testpg.Bin).
const (
	mariadbd       = "/usr/sbin/mariadbd"
	mariadbInstall = "/usr/bin/mariadb-install-db"
)

// missing skips the test loudly, or fails it under CI=true, because
// something it needs is not on this machine.
func missing(t testing.TB, what string, err error) {
	t.Helper()
	msg := fmt.Sprintf("\n*** %s is missing: %v\n*** the fault tests need it (install it as scripts/test.sh does).", what, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// need checks that every path exists.
func need(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			missing(t, p, err)
		}
	}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proc is one child process, known by its PID.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // Wait's result, once done is closed
}

// startProc starts cmd in a process group of its own (a signal meant for
// the test run does not reach it), killed if the test binary dies, with
// its output appended to logPath.
func startProc(t testing.TB, name string, cmd *exec.Cmd, logPath string) *proc {
	t.Helper()
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close() // the child has its own copy
	cmd.Stdout, cmd.Stderr = out, out
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the process by its PID.
func (p *proc) signal(sig syscall.Signal) error { return syscall.Kill(p.pid(), sig) }

// signalTree sends sig to the process and then to every process it
// forked, each by its PID (PostgreSQL's backends leave the postmaster's
// process group, so a signal to the group would miss them).
func (p *proc) signalTree(sig syscall.Signal) error {
	if err := p.signal(sig); err != nil {
		return err
	}
	for _, c := range childrenOf(p.pid()) {
		_ = syscall.Kill(c, sig)
	}
	return nil
}

// childrenOf lists the PIDs whose parent is pid, from /proc.
func childrenOf(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		rest := string(raw)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// wait waits at most d for the process to exit.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// stop ends the process with sig, then SIGKILL if it is still there
// after grace; it wakes a frozen process group first.
func (p *proc) stop(sig syscall.Signal, grace time.Duration) {
	if p.exited() {
		return
	}
	_ = p.signalTree(syscall.SIGCONT)
	_ = p.signal(sig)
	if !p.wait(grace) {
		_ = p.signalTree(syscall.SIGKILL)
		p.wait(10 * time.Second)
	}
}

// logTail returns the end of a log file, for failure messages.
func logTail(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(raw) > n {
		raw = raw[len(raw)-n:]
	}
	return string(raw)
}

// traversable lets the database's user reach dir inside the test's
// temporary directories, which are 0700 and owned by the test's user.
func traversable(t testing.TB, dir string) {
	t.Helper()
	tmp := filepath.Clean(os.TempDir())
	for d := filepath.Clean(dir); strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
}

// dbServer is a database server of the test's own that can be stopped and
// started again on the same port and data directory.
type dbServer interface {
	// URI is the connection URI quarry uses (quarry's own form).
	URI() string
	// Stop shuts the server down cleanly and waits until it has exited.
	Stop(t testing.TB)
	// Start starts it again; WaitReady returns once it accepts
	// connections, with the time it first did.
	Start(t testing.TB)
	WaitReady(t testing.TB) time.Time
	// Admin opens a direct connection for setting up and checking.
	Admin(t testing.TB) *sql.DB
	Name() string
}

// waitReady polls open until a connection succeeds, for at most 30 s,
// failing early when the server process has exited.
func waitReady(t testing.TB, p *proc, logPath, driver, dsn string) time.Time {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if p.exited() {
			t.Fatalf("%s exited (%v) before accepting connections:\n%s", p.name, p.err, logTail(logPath, 3000))
		}
		db, err := sql.Open(driver, dsn)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			err = db.PingContext(ctx)
			cancel()
			db.Close()
			if err == nil {
				return time.Now()
			}
		}
		last = err
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s does not accept connections after 30 s: %v\n%s", p.name, last, logTail(logPath, 3000))
	return time.Time{}
}

// pgServer is a PostgreSQL server of the test's own.
type pgServer struct {
	dataDir, logPath string
	port             int
	args             []string
	cred             *syscall.Credential // nil: run as ourselves
	p                *proc
}

// startPostgres initialises a data directory under t.TempDir() and starts
// a postmaster on a free port; extra are more `-c name=value` settings.
func startPostgres(t testing.TB, extra ...string) *pgServer {
	t.Helper()
	need(t, filepath.Join(testpg.Bin(), "initdb"), filepath.Join(testpg.Bin(), "postgres"))
	base := t.TempDir()
	s := &pgServer{dataDir: filepath.Join(base, "pgdata"), logPath: filepath.Join(base, "postgres.log"), port: freePort(t)}
	// initdb and postgres refuse to run as root: run them as postgres.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			missing(t, "the postgres user (PostgreSQL refuses to run as root)", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		traversable(t, base)
		if err := os.Chown(base, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	initdb := exec.Command(filepath.Join(testpg.Bin(), "initdb"), "-D", s.dataDir, "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.args = []string{"-D", s.dataDir, "-p", strconv.Itoa(s.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "fsync=off", "-c", "shared_buffers=16MB", "-c", "max_wal_size=64MB"}
	for _, e := range extra {
		s.args = append(s.args, "-c", e)
	}
	t.Cleanup(func() {
		if s.p != nil {
			s.p.stop(syscall.SIGQUIT, 10*time.Second) // immediate shutdown: the data is thrown away
		}
	})
	s.Start(t)
	s.WaitReady(t)
	return s
}

func (s *pgServer) Name() string { return "postgres" }

func (s *pgServer) Start(t testing.TB) {
	t.Helper()
	if s.p != nil && !s.p.exited() {
		t.Fatal("postgres is already running")
	}
	cmd := exec.Command(filepath.Join(testpg.Bin(), "postgres"), s.args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	s.p = startProc(t, "postgres", cmd, s.logPath)
}

// Stop is a fast shutdown (SIGINT to the postmaster, as pg_ctl stop -m
// fast): sessions are ended, their open transactions rolled back.
func (s *pgServer) Stop(t testing.TB) {
	t.Helper()
	if err := s.p.signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if !s.p.wait(30 * time.Second) {
		t.Fatalf("postgres did not stop within 30 s:\n%s", logTail(s.logPath, 2000))
	}
}

// Freeze stops (SIGSTOP) the postmaster and every backend; Thaw resumes
// them.
func (s *pgServer) Freeze(t testing.TB) {
	t.Helper()
	if err := s.p.signalTree(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
}

func (s *pgServer) Thaw(t testing.TB) {
	t.Helper()
	if err := s.p.signalTree(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

func (s *pgServer) WaitReady(t testing.TB) time.Time {
	t.Helper()
	return waitReady(t, s.p, s.logPath, "pgx", s.dsn("postgres")+"&connect_timeout=1")
}

func (s *pgServer) dsn(role string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", role, s.port)
}

func (s *pgServer) URI() string { return s.dsn("postgres") }

// URIAs is the URI for another role (trust authentication: no password).
func (s *pgServer) URIAs(role string) string { return s.dsn(role) }

func (s *pgServer) Admin(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", s.dsn("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// mariaServer is a MariaDB server of the test's own.
type mariaServer struct {
	dataDir, logPath string
	port             int
	args             []string
	p                *proc
}

// startMariaDB installs a data directory under t.TempDir() (root may log
// in over TCP with an empty password) and starts mariadbd on a free port.
func startMariaDB(t testing.TB) *mariaServer {
	t.Helper()
	need(t, mariadbd, mariadbInstall)
	base := t.TempDir()
	s := &mariaServer{dataDir: filepath.Join(base, "data"), logPath: filepath.Join(base, "mariadb.log"), port: freePort(t)}
	install := []string{"--no-defaults", "--datadir=" + s.dataDir, "--auth-root-authentication-method=normal", "--skip-test-db"}
	s.args = []string{"--no-defaults", "--datadir=" + s.dataDir, "--port=" + strconv.Itoa(s.port),
		"--bind-address=127.0.0.1", "--socket=" + filepath.Join(base, "mysqld.sock"),
		"--pid-file=" + filepath.Join(base, "mysqld.pid"), "--skip-log-bin", "--skip-name-resolve",
		"--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M", "--max-connections=200"}
	if os.Geteuid() == 0 {
		install = append(install, "--user=root")
		s.args = append(s.args, "--user=root")
	}
	if out, err := exec.Command(mariadbInstall, install...).CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if s.p != nil {
			s.p.stop(syscall.SIGKILL, 10*time.Second)
		}
	})
	s.Start(t)
	s.WaitReady(t)
	return s
}

func (s *mariaServer) Name() string { return "mariadb" }

func (s *mariaServer) Start(t testing.TB) {
	t.Helper()
	if s.p != nil && !s.p.exited() {
		t.Fatal("mariadbd is already running")
	}
	s.p = startProc(t, "mariadbd", exec.Command(mariadbd, s.args...), s.logPath)
}

// Stop is SIGTERM: a clean shutdown.
func (s *mariaServer) Stop(t testing.TB) {
	t.Helper()
	if err := s.p.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !s.p.wait(30 * time.Second) {
		t.Fatalf("mariadbd did not stop within 30 s:\n%s", logTail(s.logPath, 2000))
	}
}

func (s *mariaServer) WaitReady(t testing.TB) time.Time {
	t.Helper()
	return waitReady(t, s.p, s.logPath, "mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/?timeout=1s", s.port))
}

func (s *mariaServer) URI() string { return fmt.Sprintf("mysql://root@127.0.0.1:%d/fault", s.port) }

func (s *mariaServer) Admin(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/", s.port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// quarryProc is `quarry serve` running as a child process.
type quarryProc struct {
	url, logPath string
	p            *proc
}

// startQuarry runs `quarry serve` for the project on a free port, with
// its secrets in the environment, and waits until it answers a query.
func startQuarry(t testing.TB, pr *project, args ...string) *quarryProc {
	t.Helper()
	port := freePort(t)
	q := &quarryProc{url: fmt.Sprintf("http://127.0.0.1:%d/graphql", port),
		logPath: filepath.Join(t.TempDir(), "quarry.log")}
	cmd := exec.Command(quarryBin, append([]string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--data", pr.dataDir}, args...)...)
	cmd.Dir = pr.dir
	cmd.Env = pr.env()
	q.p = startProc(t, "quarry", cmd, q.logPath)
	t.Cleanup(func() {
		q.p.stop(syscall.SIGTERM, 15*time.Second)
		if t.Failed() {
			t.Logf("quarry's log, errors by cause:\n%s\nlog (end):\n%s", errorCauses(q.logPath), logTail(q.logPath, 1500))
		}
	})
	c := httpClient(1)
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if q.p.exited() {
			t.Fatalf("quarry serve exited (%v):\n%s", q.p.err, logTail(q.logPath, 4000))
		}
		r := post(context.Background(), c, q.url, pr.key, `{ listItems(limit: 1) { items { id } } }`, nil)
		if r.status == 200 && r.data {
			return q
		}
		if time.Now().After(deadline) {
			t.Fatalf("quarry serve does not answer after 30 s (last: %+v):\n%s", r, logTail(q.logPath, 4000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exitCode is the process's exit code once it has exited.
func (q *quarryProc) exitCode() int {
	var ee *exec.ExitError
	if errors.As(q.p.err, &ee) {
		return ee.ExitCode()
	}
	if q.p.err != nil {
		return -1
	}
	return 0
}

// project is a folder holding amplify/data/schema.sql.graphql, generated
// by `quarry generate schema-from-database` from a live database.
type project struct {
	dir, dataDir string
	uri          string // SQL_CONNECTION_STRING
	key          string // the API key (API_KEYS)
	home         string
}

func (pr *project) env() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + pr.home, "XDG_CONFIG_HOME=" + filepath.Join(pr.home, ".config"),
		"SQL_CONNECTION_STRING=" + pr.uri, "API_KEYS=" + pr.key}
}

// newProject generates the schema of the database at uri.
func newProject(t testing.TB, uri string) *project {
	t.Helper()
	dir := t.TempDir()
	pr := &project{dir: dir, dataDir: filepath.Join(dir, "amplify", "data"), uri: uri,
		key: "da2-faulttest0123456789", home: t.TempDir()}
	if err := os.MkdirAll(pr.dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(quarryBin, "generate", "schema-from-database", "--project", dir,
		"--connection-uri-secret", "SQL_CONNECTION_STRING", "--out", filepath.Join(pr.dataDir, "schema.sql.graphql"))
	cmd.Dir = dir
	cmd.Env = pr.env()
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("quarry generate schema-from-database: %v\n%s", err, out)
	}
	return pr
}

// errorCauses counts the distinct causes of the errors in quarry's log
// (its error= values with ports and ids blurred), for failure messages.
func errorCauses(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	counts := map[string]int{}
	for _, line := range strings.Split(string(raw), "\n") {
		i := strings.Index(line, " kind=")
		if i < 0 {
			continue
		}
		cause := digits.ReplaceAllString(line[i+1:], "N")
		counts[cause]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	var b strings.Builder
	for _, k := range first(keys, 12) {
		fmt.Fprintf(&b, "  %6d × %s\n", counts[k], k)
	}
	return b.String()
}

var digits = regexp.MustCompile(`[0-9]+`)
