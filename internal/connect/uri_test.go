package connect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

func TestParse(t *testing.T) {
	tests := []struct {
		uri                          string
		engine, host, user, pass, db string
		port                         int
		sslmode                      string
	}{
		{"postgres://u:p@db.example.com/app", Postgres, "db.example.com", "u", "p", "app", 5432, SSLVerifyFull},
		{"postgresql://u@127.0.0.1:6543/app?sslmode=require", Postgres, "127.0.0.1", "u", "", "app", 6543, SSLRequire},
		{"postgres://u:p@localhost/app", Postgres, "localhost", "u", "p", "app", 5432, SSLPrefer},
		{"postgres://u%40corp:p%2Fw%23rd%3F@[::1]:5433/my%20db", Postgres, "::1", "u@corp", "p/w#rd?", "my db", 5433, SSLPrefer},
		{"mysql://root@127.0.0.1:3306/", MySQL, "127.0.0.1", "root", "", "", 3306, SSLPrefer},
		{"mysql://a:b@mysql.internal/shop", MySQL, "mysql.internal", "a", "b", "shop", 3306, SSLVerifyFull},
		{"mysql://a:b@mysql.internal/shop?tls=skip-verify", MySQL, "mysql.internal", "a", "b", "shop", 3306, SSLRequire},
		{"mysql://a:b@mysql.internal/shop?tls=false", MySQL, "mysql.internal", "a", "b", "shop", 3306, SSLDisable},
		{"mysql://a:b@h/shop?sslmode=verify-ca", MySQL, "h", "a", "b", "shop", 3306, SSLVerifyCA},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			c, err := Parse(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{c.Engine, c.Host, c.User, c.Password, c.Database, c.Port, c.SSLMode}
			want := []any{tt.engine, tt.host, tt.user, tt.pass, tt.db, tt.port, tt.sslmode}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("field %d = %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestParseSQLite(t *testing.T) {
	for _, uri := range []string{"sqlite:./demo.db", "sqlite:demo.db", "sqlite:///tmp/x/demo.db"} {
		c, err := Parse(uri)
		if err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
		if c.Engine != SQLite || !strings.HasSuffix(c.Path, "demo.db") || !strings.HasPrefix(c.Path, "/") {
			t.Errorf("%s: %+v", uri, c)
		}
	}
	if c, _ := Parse("sqlite:///tmp/x/demo.db"); c.Path != "/tmp/x/demo.db" {
		t.Errorf("absolute path = %q", c.Path)
	}
}

func TestParseErrorsNameThePartAndHideThePassword(t *testing.T) {
	const secret = "S3cr3t-pw"
	tests := []struct {
		uri  string
		part string
		says string
	}{
		{"oracle://u:" + secret + "@h/db", PartScheme, "unsupported scheme"},
		{"u:" + secret + "@h/db", PartScheme, "unsupported scheme"},
		{"no scheme at all", PartURI, "no scheme"},
		{"postgres://u:" + secret + "@h:99999/db", PartURI, "port"},
		{"postgres://:" + secret + "@h/db", PartURI, "no user"},
		{"postgres://u:" + secret + "@/db", PartURI, "no host"},
		{"postgres://u:" + secret + "%zz@h/db", PartURI, "malformed"},
		{"mysql:u:" + secret + "@h/db", PartURI, "no //host"},
		{"postgres://u:" + secret + "@h/db?sslmode=maybe", PartTLS, "sslmode"},
		{"sqlite://relative.db", PartURI, "ambiguous"},
	}
	for _, tt := range tests {
		t.Run(tt.says, func(t *testing.T) {
			_, err := Parse(tt.uri)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if ce.Part != tt.part || !strings.Contains(ce.Error(), tt.says) {
				t.Errorf("got part %q %q, want part %q mentioning %q", ce.Part, ce.Error(), tt.part, tt.says)
			}
			if strings.Contains(ce.Error(), secret) {
				t.Errorf("error shows the password: %s", ce.Error())
			}
		})
	}
}

func TestRedactedHidesPassword(t *testing.T) {
	c, err := Parse("postgres://u:hunter2-long@h/db?application_name=x")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.Redacted(), c.String()} {
		if strings.Contains(s, "hunter2") || !strings.Contains(s, "xxxxx") || !strings.Contains(s, "application_name=x") {
			t.Errorf("redacted = %s", s)
		}
	}
}

// TestOpenErrors runs the failures a user meets against real servers.
func TestOpenErrors(t *testing.T) {
	const secret = "Wr0ng-Passw0rd"
	pg := serverURI(t, testdb.Postgres)
	my := serverURI(t, testdb.MySQL)
	tests := []struct {
		name string
		uri  string
		part string
		says string
	}{
		{"pg wrong password", strings.Replace(pg, "postgres@", "quarry_nobody:"+secret+"@", 1), PartAuth, "authentication failed"},
		{"pg missing database", strings.Replace(pg, "/postgres?", "/quarry_no_such_db?", 1), PartDatabase, "does not exist"},
		{"pg nothing listening", "postgres://u:" + secret + "@127.0.0.1:1/db?sslmode=disable", PartHost, "connection refused"},
		{"mysql wrong password", strings.Replace(my, "root@", "root:"+secret+"@", 1), PartAuth, "authentication failed"},
		{"mysql missing database", my + "quarry_no_such_db", PartDatabase, "does not exist"},
		{"host not found", "mysql://u:" + secret + "@no-such-host.invalid/db", PartHost, "not found"},
		{"sqlite missing file", "sqlite:./does-not-exist.db", PartDatabase, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			db, err := Open(ctx, cfg, Options{ConnectTimeout: 5 * time.Second})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Part != tt.part || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want part %s mentioning %q", err, tt.part, tt.says)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestOpenReportsFlavorAndVersion(t *testing.T) {
	for _, e := range []string{testdb.Postgres, testdb.MySQL} {
		cfg, err := Parse(serverURI(t, e))
		if err != nil {
			t.Fatal(err)
		}
		db, err := Open(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if db.Version == "" || (e == testdb.MySQL && db.Flavor == "") {
			t.Errorf("%s: version %q flavor %q", e, db.Version, db.Flavor)
		}
		db.Close()
	}
}

// serverURI returns the test server's URL after checking it answers.
func serverURI(t *testing.T, engine string) string {
	t.Helper()
	db := testdb.New(t, engine) // skips or fails when unreachable
	_ = db
	if engine == testdb.Postgres {
		return testdb.PostgresServerURL()
	}
	return testdb.MySQLServerURL()
}

// TestOpenTimesOutOnASilentServer: a server that accepts the connection
// but never answers must fail within the connect timeout, as a host error.
func TestOpenTimesOutOnASilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, uri := range []string{
		fmt.Sprintf("postgres://u:pw-secret@127.0.0.1:%d/db?sslmode=disable", port),
		fmt.Sprintf("mysql://u:pw-secret@127.0.0.1:%d/db?sslmode=disable", port),
	} {
		cfg, err := Parse(uri)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = Open(context.Background(), cfg, Options{ConnectTimeout: time.Second})
		var ce *Error
		if !errors.As(err, &ce) || ce.Part != PartHost {
			t.Errorf("%s: err = %v, want a host error", cfg.Engine, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v with a 1s timeout", cfg.Engine, d)
		}
		if err != nil && strings.Contains(err.Error(), "pw-secret") {
			t.Errorf("password in %v", err)
		}
	}
}
