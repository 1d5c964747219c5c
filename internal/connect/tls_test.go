package connect

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// tlsTarget is one local server the TLS tests run against.
type tlsTarget struct {
	engine string
	base   *url.URL // the test server's URL (testdb's, so QUARRY_TEST_*_URL applies)
	addr   string   // its host:port, which the proxies dial
}

func tlsTargets(t *testing.T) []tlsTarget {
	t.Helper()
	var out []tlsTarget
	for _, e := range []struct{ engine, raw, port string }{
		{Postgres, testdb.PostgresServerURL(), "5432"},
		{MySQL, testdb.MySQLServerURL(), "3306"},
	} {
		u, err := url.Parse(e.raw)
		if err != nil {
			t.Fatalf("test server URL for %s does not parse", e.engine)
		}
		port := u.Port()
		if port == "" {
			port = e.port
		}
		out = append(out, tlsTarget{engine: e.engine, base: u, addr: net.JoinHostPort(u.Hostname(), port)})
	}
	return out
}

// uri is the target's URI with host:port replaced by hostPort and sslmode
// set to mode (any other sslmode/tls parameter dropped).
func (tt tlsTarget) uri(hostPort, mode string) string {
	u := *tt.base
	u.Host = hostPort
	q := u.Query()
	q.Del("tls")
	q.Set("sslmode", mode)
	u.RawQuery = q.Encode()
	return u.String()
}

// requireReachable opens the real server without TLS; it skips the test
// (fails under CI=true) when the server is not there.
func (tt tlsTarget) requireReachable(t *testing.T) {
	t.Helper()
	cfg, err := Parse(tt.uri(tt.addr, SSLDisable))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), cfg, Options{ConnectTimeout: 5 * time.Second})
	if err != nil {
		testdb.Unreachable(t, tt.engine+" at "+tt.addr, err)
	}
	db.Close()
}

// Servers a TLS case connects to.
const (
	srvGood    = "good"    // TLS proxy, certificate for 127.0.0.1/localhost signed by the test CA
	srvOther   = "other"   // TLS proxy, certificate for other.example signed by the test CA
	srvExpired = "expired" // TLS proxy, like good but expired
	srvPlain   = "plain"   // no TLS: PostgreSQL proxy answering 'N'; MariaDB's own port
	srvReal    = "real"    // the real server, directly
)

func TestTLSModes(t *testing.T) {
	p := pki(t)
	if len(p.bundlePEM) < 16*1024 {
		t.Fatalf("CA bundle is %d bytes, want well over 4 KB", len(p.bundlePEM))
	}
	const (
		hostName   = "not valid for this host name"
		notTrusted = "authority that is not trusted"
		noTLS      = "does not offer TLS"
		noPEM      = "holds no PEM certificate"
		expired    = "certificate has expired"
	)
	tests := []struct {
		name   string
		mode   string
		host   string // default 127.0.0.1
		ca     []byte
		server string
		// wantTLS: the connection went through a TLS handshake (success cases).
		wantTLS bool
		// part and says describe the expected error; part "" means success.
		part string
		says string
		hint string
		// cause, when set, must be found in the error chain.
		cause func(error) bool
	}{
		{name: "verify-full/right CA", mode: SSLVerifyFull, ca: p.caPEM, server: srvGood, wantTLS: true},
		{name: "verify-full/right CA/localhost", mode: SSLVerifyFull, host: "localhost", ca: p.caPEM, server: srvGood, wantTLS: true},
		{name: "verify-full/CA bundle over 4KB", mode: SSLVerifyFull, ca: p.bundlePEM, server: srvGood, wantTLS: true},
		{name: "verify-full/system roots", mode: SSLVerifyFull, server: srvGood, part: PartTLS, says: notTrusted, hint: "--ssl-cert-secret",
			cause: func(err error) bool { var e x509.UnknownAuthorityError; return errors.As(err, &e) }},
		{name: "verify-full/wrong CA", mode: SSLVerifyFull, ca: p.otherCAPEM, server: srvGood, part: PartTLS, says: notTrusted, hint: "--ssl-cert-secret"},
		{name: "verify-full/other host", mode: SSLVerifyFull, ca: p.caPEM, server: srvOther, part: PartTLS, says: hostName, hint: "verify-ca",
			cause: func(err error) bool { var e x509.HostnameError; return errors.As(err, &e) }},
		{name: "verify-full/expired", mode: SSLVerifyFull, ca: p.caPEM, server: srvExpired, part: PartTLS, says: expired,
			cause: func(err error) bool {
				var e x509.CertificateInvalidError
				return errors.As(err, &e) && e.Reason == x509.Expired
			}},
		// The hint for a server without TLS is not asserted: see the report
		// on tlsHint, which ignores the reason.
		{name: "verify-full/no TLS", mode: SSLVerifyFull, ca: p.caPEM, server: srvPlain, part: PartTLS, says: noTLS},
		{name: "verify-full/DER not PEM", mode: SSLVerifyFull, ca: p.caDER, server: srvGood, part: PartTLS, says: noPEM, hint: "BEGIN CERTIFICATE"},
		{name: "verify-full/text not PEM", mode: SSLVerifyFull, ca: []byte("my-ca-secret"), server: srvGood, part: PartTLS, says: noPEM},
		{name: "verify-ca/right CA/other host", mode: SSLVerifyCA, ca: p.caPEM, server: srvOther, wantTLS: true},
		{name: "verify-ca/bundle/other host", mode: SSLVerifyCA, ca: p.bundlePEM, server: srvOther, wantTLS: true},
		{name: "verify-ca/wrong CA", mode: SSLVerifyCA, ca: p.otherCAPEM, server: srvGood, part: PartTLS, says: notTrusted},
		{name: "verify-ca/system roots", mode: SSLVerifyCA, server: srvGood, part: PartTLS, says: notTrusted, hint: "--ssl-cert-secret"},
		{name: "verify-ca/expired", mode: SSLVerifyCA, ca: p.caPEM, server: srvExpired, part: PartTLS, says: expired},
		{name: "require/no CA", mode: SSLRequire, server: srvGood, wantTLS: true},
		{name: "require/no CA/other host", mode: SSLRequire, server: srvOther, wantTLS: true},
		{name: "require/right CA/other host", mode: SSLRequire, ca: p.caPEM, server: srvOther, wantTLS: true},
		{name: "require/wrong CA", mode: SSLRequire, ca: p.otherCAPEM, server: srvGood, part: PartTLS, says: notTrusted},
		{name: "require/no CA/expired", mode: SSLRequire, server: srvExpired, wantTLS: true},
		{name: "require/right CA/expired", mode: SSLRequire, ca: p.caPEM, server: srvExpired, part: PartTLS, says: expired},
		{name: "require/no TLS", mode: SSLRequire, server: srvPlain, part: PartTLS, says: noTLS},
		{name: "prefer/TLS offered", mode: SSLPrefer, server: srvOther, wantTLS: true},
		{name: "prefer/wrong CA not checked", mode: SSLPrefer, ca: p.otherCAPEM, server: srvGood, wantTLS: true},
		{name: "prefer/no TLS", mode: SSLPrefer, server: srvPlain},
		{name: "disable/real server", mode: SSLDisable, server: srvReal},
		{name: "disable/ignores CA", mode: SSLDisable, ca: p.otherCAPEM, server: srvReal},
	}
	for _, target := range tlsTargets(t) {
		t.Run(target.engine, func(t *testing.T) {
			target.requireReachable(t)
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var proxy *tlsProxy
					addr := target.addr
					switch {
					case tc.server == srvGood:
						proxy = startTLSProxy(t, target.engine, target.addr, &p.good)
					case tc.server == srvOther:
						proxy = startTLSProxy(t, target.engine, target.addr, &p.other)
					case tc.server == srvExpired:
						proxy = startTLSProxy(t, target.engine, target.addr, &p.expired)
					case tc.server == srvPlain && target.engine == Postgres:
						proxy = startTLSProxy(t, target.engine, target.addr, nil)
					}
					if proxy != nil {
						addr = "127.0.0.1:" + strconv.Itoa(proxy.Port())
					}
					if tc.host != "" {
						_, port, _ := net.SplitHostPort(addr)
						addr = net.JoinHostPort(tc.host, port)
					}
					cfg, err := Parse(target.uri(addr, tc.mode))
					if err != nil {
						t.Fatal(err)
					}
					cfg.CACert = tc.ca

					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					start := time.Now()
					db, err := Open(ctx, cfg, Options{ConnectTimeout: 5 * time.Second})
					if took := time.Since(start); took > 4*time.Second {
						t.Errorf("Open took %v; a TLS verdict should not wait for a timeout", took)
					}
					proxyErrs := func() any {
						if proxy == nil {
							return "(no proxy)"
						}
						return proxy.Errors()
					}

					if tc.part != "" {
						if err == nil {
							db.Close()
							t.Fatalf("Open succeeded, want a %s error mentioning %q", tc.part, tc.says)
						}
						var ce *Error
						if !errors.As(err, &ce) {
							t.Fatalf("err = %T %v, want *connect.Error", err, err)
						}
						if ce.Part != tc.part || !strings.Contains(ce.Msg, tc.says) {
							t.Fatalf("err = part %q: %v\nwant part %q mentioning %q\ncause: %v", ce.Part, err, tc.part, tc.says, ce.Err)
						}
						if !strings.Contains(ce.Hint, tc.hint) {
							t.Errorf("hint = %q, want it to mention %q", ce.Hint, tc.hint)
						}
						if tc.cause != nil && !tc.cause(err) {
							t.Errorf("cause %T %v is not the expected x509 error", ce.Err, ce.Err)
						}
						return
					}

					if err != nil {
						t.Fatalf("Open: %v\ncause: %v\nproxy: %v", err, errors.Unwrap(err), proxyErrs())
					}
					defer db.Close()
					var one int
					if err := db.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
						t.Fatalf("SELECT 1 = %d, %v", one, err)
					}
					if proxy == nil {
						if target.engine == Postgres {
							// The real PostgreSQL may have ssl=on (Debian's default);
							// disable must still be plain.
							var ssl bool
							if err := db.SQL.QueryRowContext(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl); err != nil || ssl {
								t.Errorf("pg_stat_ssl.ssl = %v, %v; want plain", ssl, err)
							}
						}
						return
					}
					hs, plain := proxy.handshakes.Load(), proxy.plain.Load()
					if tc.wantTLS && (hs == 0 || plain != 0) {
						t.Errorf("want TLS: proxy saw %d TLS handshakes, %d plain sessions (%v)", hs, plain, proxyErrs())
					}
					if !tc.wantTLS && (hs != 0 || plain == 0) {
						t.Errorf("want plain: proxy saw %d TLS handshakes, %d plain sessions", hs, plain)
					}
				})
			}
		})
	}
}

// TestTLSProxyCarriesASession checks that the MySQL proxy's renumbering
// leaves a working session: several commands, and a reconnect through the
// pool, all over TLS.
func TestTLSProxyCarriesASession(t *testing.T) {
	p := pki(t)
	for _, target := range tlsTargets(t) {
		t.Run(target.engine, func(t *testing.T) {
			target.requireReachable(t)
			proxy := startTLSProxy(t, target.engine, target.addr, &p.good)
			cfg, err := Parse(target.uri("127.0.0.1:"+strconv.Itoa(proxy.Port()), SSLVerifyFull))
			if err != nil {
				t.Fatal(err)
			}
			cfg.CACert = p.caPEM
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			db, err := Open(ctx, cfg, Options{ConnectTimeout: 5 * time.Second})
			if err != nil {
				t.Fatalf("Open: %v (proxy: %v)", err, proxy.Errors())
			}
			defer db.Close()
			db.SQL.SetMaxIdleConns(0) // every query below gets a new connection
			for i := range 3 {
				var n int
				if err := db.SQL.QueryRowContext(ctx, "SELECT 40 + 2").Scan(&n); err != nil || n != 42 {
					t.Fatalf("query %d: %d, %v", i, n, err)
				}
			}
			if hs := proxy.handshakes.Load(); hs < 3 {
				t.Errorf("proxy saw %d TLS handshakes, want one per connection (>= 3)", hs)
			}
		})
	}
}

// TestTLSProxyMySQLAuthSwitch makes MariaDB ask for an auth switch during a
// TLS login (the proxy tells the client the server's default plugin is
// caching_sha2_password, which MariaDB does not use for root), so the
// renumbered round trip really happens.
func TestTLSProxyMySQLAuthSwitch(t *testing.T) {
	p := pki(t)
	target := tlsTargets(t)[1] // MySQL
	if target.engine != MySQL {
		t.Fatalf("tlsTargets()[1] is %s", target.engine)
	}
	target.requireReachable(t)
	proxy := startTLSProxy(t, target.engine, target.addr, &p.good, func(p *tlsProxy) {
		p.greetingPlugin = "caching_sha2_password"
	})
	cfg, err := Parse(target.uri("127.0.0.1:"+strconv.Itoa(proxy.Port()), SSLVerifyFull))
	if err != nil {
		t.Fatal(err)
	}
	cfg.CACert = p.caPEM
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := Open(ctx, cfg, Options{ConnectTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("Open: %v (proxy: %v)", err, proxy.Errors())
	}
	defer db.Close()
	var n int
	if err := db.SQL.QueryRowContext(ctx, "SELECT 40 + 2").Scan(&n); err != nil || n != 42 {
		t.Fatalf("SELECT = %d, %v", n, err)
	}
	if sw, hs := proxy.authSwitches.Load(), proxy.handshakes.Load(); sw == 0 || hs == 0 {
		t.Errorf("proxy relayed %d auth switches in %d TLS sessions, want at least one of each", sw, hs)
	}
}
