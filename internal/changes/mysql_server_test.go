package changes

// A MariaDB server of the test's own, writing a row-based binary log:
// the shared server on 3306 runs with log_bin=OFF and binlog_format=MIXED
// and must not be reconfigured. internal/testmy starts it; internal/cli's
// tests use the same starter.

import (
	"testing"

	_ "github.com/go-sql-driver/mysql" // registers the "mysql" driver

	"github.com/quarrydata/quarry/internal/testmy"
)

// mariaServer is a mariadbd of the test's own.
type mariaServer struct{ *testmy.Server }

// startMariaDB starts MariaDB with the binary log on, in ROW format;
// extra are more mariadbd options.
func startMariaDB(t testing.TB, extra ...string) *mariaServer {
	t.Helper()
	return &mariaServer{testmy.Start(t, extra...)}
}

// dsn is a go-sql-driver DSN with Quarry's session settings.
func (s *mariaServer) dsn(user string) string { return s.DSN(user) }
