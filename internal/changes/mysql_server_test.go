package changes

// A MariaDB server of the test's own, writing a row-based binary log:
// the shared server on 3306 runs with log_bin=OFF and binlog_format=MIXED
// and must not be reconfigured. This is the minimum of
// internal/faulttest's starter.

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // registers the "mysql" driver
)

const (
	mariadbd       = "/usr/sbin/mariadbd"
	mariadbInstall = "/usr/bin/mariadb-install-db"
)

type mariaServer struct {
	port int
	log  string
}

// startMariaDB installs a data directory under t.TempDir() and starts
// mariadbd on a free port with the binary log on, in ROW format; extra
// are more mariadbd options. It is killed by its PID when the test ends.
func startMariaDB(t testing.TB, extra ...string) *mariaServer {
	t.Helper()
	for _, p := range []string{mariadbd, mariadbInstall} {
		if _, err := os.Stat(p); err != nil {
			missing(t, p, err)
		}
	}
	base := t.TempDir()
	data := filepath.Join(base, "data")
	s := &mariaServer{port: freePort(t), log: filepath.Join(base, "mariadb.log")}
	install := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"}
	args := []string{"--no-defaults", "--datadir=" + data, "--port=" + strconv.Itoa(s.port),
		"--bind-address=127.0.0.1", "--socket=" + filepath.Join(base, "mysqld.sock"),
		"--pid-file=" + filepath.Join(base, "mysqld.pid"), "--skip-name-resolve",
		"--log-bin=" + filepath.Join(base, "binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=1",
		"--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0",
		"--max-connections=100"}
	args = append(args, extra...)
	if os.Geteuid() == 0 {
		install = append(install, "--user=root")
		args = append(args, "--user=root")
	}
	if out, err := exec.Command(mariadbInstall, install...).CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	out, err := os.Create(s.log)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(mariadbd, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mariadbd: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("mariadbd (pid %d) did not exit", cmd.Process.Pid)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-done:
			raw, _ := os.ReadFile(s.log)
			t.Fatalf("mariadbd exited before accepting connections:\n%s", raw)
		default:
		}
		db, _ := sql.Open("mysql", s.dsn("root"))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		db.Close()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("mariadbd does not accept connections after 60 s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dsn is a go-sql-driver DSN with Quarry's session settings.
func (s *mariaServer) dsn(user string) string {
	return fmt.Sprintf("%s@tcp(127.0.0.1:%d)/?time_zone=%%27%%2B00%%3A00%%27", user, s.port)
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
