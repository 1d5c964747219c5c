package workload

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/quarrydata/quarry/internal/testdb"
)

// testDSNs returns the DSNs of the test's own databases (not quarry_peers,
// which a benchmark may be using), on the servers the other tests use.
func testDSNs(t *testing.T) (pg, my string) {
	t.Helper()
	u, err := url.Parse(testdb.PostgresServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/quarry_peers_test"
	m, err := url.Parse(testdb.MySQLServerURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := mysql.NewConfig()
	cfg.User = m.User.Username()
	cfg.Passwd, _ = m.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = m.Host
	if m.Port() == "" {
		cfg.Addr += ":3306"
	}
	cfg.DBName = "quarry_peers_test"
	return u.String(), cfg.FormatDSN()
}

// TestSetup runs Setup twice on each engine (it must be idempotent) and
// checks what the workloads rely on.
func TestSetup(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Chinook twice per engine")
	}
	pg, my := testDSNs(t)
	for _, c := range []struct{ engine, driver, dsn, what string }{
		{Postgres, "pgx", pg, "PostgreSQL"},
		{MySQL, "mysql", my, "MySQL/MariaDB"},
	} {
		t.Run(c.engine, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			for range 2 {
				if err := Setup(ctx, c.engine, c.dsn); err != nil {
					if isUnreachable(ctx, c.driver, c.dsn) {
						testdb.Unreachable(t, c.what, err)
					}
					t.Fatal(err)
				}
			}
			db, err := sql.Open(c.driver, c.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			t.Cleanup(func() { dropTestDB(t, c.engine, c.dsn) })
			for q, want := range map[string]int{
				"SELECT count(*) FROM track":                                3503,
				"SELECT count(*) FROM album":                                Albums,
				"SELECT count(*) FROM item":                                 Items,
				"SELECT count(*) FROM playlist WHERE owner = 'user-1'":      18,
				"SELECT count(*) FROM playlist_track WHERE playlist_id = 1": 3290,
				"SELECT max(invoice_line_id) FROM invoice_line":             2240,
			} {
				var got int
				if err := db.QueryRowContext(ctx, q).Scan(&got); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if got != want {
					t.Errorf("%s = %d, want %d", q, got, want)
				}
			}
			var price, at string
			if err := db.QueryRowContext(ctx, "SELECT CONCAT(price, ''), CONCAT(created_at, '') FROM item WHERE item_id = 10000").Scan(&price, &at); err != nil {
				t.Fatal(err)
			}
			_, wantPrice, wantAt := Item(10000)
			if price != wantPrice || at != wantAt {
				t.Errorf("item 10000 = %s, %s; want %s, %s", price, at, wantPrice, wantAt)
			}
		})
	}
}

// isUnreachable tells a server that is not there from a failing Setup.
func isUnreachable(ctx context.Context, driver, dsn string) bool {
	if driver == "mysql" {
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return false
		}
		cfg.DBName = ""
		dsn = cfg.FormatDSN()
	} else {
		u, err := url.Parse(dsn)
		if err != nil {
			return false
		}
		u.Path = "/postgres"
		dsn = u.String()
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return true
	}
	defer db.Close()
	return db.PingContext(ctx) != nil
}

func dropTestDB(t *testing.T, engine, dsn string) {
	if os.Getenv("QUARRY_PEERS_KEEP") != "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var driver, admin, stmt string
	if engine == MySQL {
		cfg, _ := mysql.ParseDSN(dsn)
		cfg.DBName = ""
		driver, admin, stmt = "mysql", cfg.FormatDSN(), "DROP DATABASE IF EXISTS quarry_peers_test"
	} else {
		u, _ := url.Parse(dsn)
		u.Path = "/postgres"
		driver, admin, stmt = "pgx", u.String(), "DROP DATABASE IF EXISTS quarry_peers_test WITH (FORCE)"
	}
	db, err := sql.Open(driver, admin)
	if err != nil {
		t.Error(err)
		return
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		t.Errorf("drop test database: %v", err)
	}
}
