package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is an open, verified connection pool.
type DB struct {
	Engine string
	// Flavor is "mariadb" or "mysql" for the MySQL engine, empty otherwise.
	Flavor string
	// Version is the server's version string.
	Version string
	SQL     *sql.DB
	Config  *Config
}

// Close closes the pool.
func (db *DB) Close() error { return db.SQL.Close() }

// Options tune Open.
type Options struct {
	// ConnectTimeout bounds reaching the server and logging in; default 10s.
	ConnectTimeout time.Duration
	// ReadOnly opens SQLite files read-only (generation never writes).
	ReadOnly bool
}

// Open connects to the database cfg describes, checks that it answers, and
// returns a pool. Failures are *Error values naming the part at fault.
func Open(ctx context.Context, cfg *Config, opts Options) (*DB, error) {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	var (
		db  *sql.DB
		err error
	)
	switch cfg.Engine {
	case Postgres:
		db, err = openPostgres(cfg, opts)
	case MySQL:
		db, err = openMySQL(cfg, opts)
	case SQLite:
		db, err = openSQLite(cfg, opts)
	default:
		return nil, &Error{Part: PartScheme, Msg: fmt.Sprintf("unsupported engine %q", cfg.Engine)}
	}
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	out := &DB{Engine: cfg.Engine, SQL: db, Config: cfg}
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		if wrong := wrongProtocol(ctx, cfg, err); wrong != nil {
			return nil, wrong
		}
		return nil, classify(cfg, err)
	}
	if err := out.readVersion(pctx); err != nil {
		db.Close()
		return nil, classify(cfg, err)
	}
	return out, nil
}

func (db *DB) readVersion(ctx context.Context) error {
	q := map[string]string{Postgres: "SHOW server_version", MySQL: "SELECT VERSION()", SQLite: "SELECT sqlite_version()"}[db.Engine]
	if err := db.SQL.QueryRowContext(ctx, q).Scan(&db.Version); err != nil {
		return err
	}
	if db.Engine == MySQL {
		db.Flavor = "mysql"
		if strings.Contains(strings.ToLower(db.Version), "mariadb") {
			db.Flavor = "mariadb"
		}
	}
	return nil
}

func openPostgres(cfg *Config, opts Options) (*sql.DB, error) {
	pc, _, err := PostgresConnConfig(cfg, opts)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*pc), nil
}

// PostgresConnConfig is the pgx configuration Quarry's PostgreSQL pool
// connects with (TLS from cfg, sessions in UTC, PgBouncer's exec mode),
// for the few parts that need a connection of their own (the change
// stream, its leader lock). pgbouncer reports the URI's pgbouncer=true:
// such a connection reaches PgBouncer, not PostgreSQL itself.
func PostgresConnConfig(cfg *Config, opts Options) (pc *pgx.ConnConfig, pgbouncer bool, err error) {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	u := url.URL{Scheme: "postgres", Host: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)), Path: "/" + cfg.Database}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	} else {
		u.User = url.User(cfg.User)
	}
	q := url.Values{}
	for k, v := range cfg.Params {
		q[k] = v
	}
	// pgbouncer=true is Quarry's own parameter, not a server setting: it
	// must not reach the server, which would refuse an unknown one.
	if v := q.Get("pgbouncer"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, false, &Error{Part: PartURI, Msg: fmt.Sprintf("pgbouncer=%q is not true or false", v),
				Hint: "add pgbouncer=true when the URI points at PgBouncer in transaction pooling mode"}
		}
		pgbouncer = b
	}
	q.Del("pgbouncer")
	// TLS is configured below from cfg.SSLMode; pgx's own sslmode parsing
	// would read certificate files, and the CA here comes from a secret.
	q.Set("sslmode", "disable")
	// The API formats times in UTC; a session in UTC makes timestamp and
	// timestamptz columns mean the same instant.
	q.Set("timezone", "UTC")
	q.Set("connect_timeout", strconv.Itoa(int(opts.ConnectTimeout.Seconds())))
	u.RawQuery = q.Encode()
	pc, err = pgx.ParseConfig(u.String())
	if err != nil {
		return nil, false, &Error{Part: PartURI, Msg: "the connection URI's parameters are not valid: " + scrub(cfg, err.Error())}
	}
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, false, err
	}
	pc.TLSConfig = tc
	pc.Fallbacks = nil
	if pgbouncer {
		// PgBouncer in transaction mode lends a server connection for one
		// transaction (one statement outside a transaction) and may lend
		// another next time. pgx's default mode prepares named statements
		// on one server connection and runs them later, perhaps on
		// another ("prepared statement stmtcache_… does not exist" or
		// "… already exists"). The exec mode sends Parse, Bind, Describe
		// and Execute of the unnamed statement in one round trip, so each
		// statement lives within one loan. Values stay bound parameters
		// (the simple protocol would splice them into the SQL text); they
		// travel as text of unspecified type, which the server infers
		// from the statement, as it does for sqlgen's "column = $1".
		pc.DefaultQueryExecMode = pgx.QueryExecModeExec
		pc.StatementCacheCapacity = 0
		pc.DescriptionCacheCapacity = 0
	}
	if cfg.SSLMode == SSLPrefer {
		pc.Fallbacks = []*pgconn.FallbackConfig{{Host: pc.Host, Port: pc.Port, TLSConfig: nil}}
	}
	return pc, pgbouncer, nil
}

func openMySQL(cfg *Config, opts Options) (*sql.DB, error) {
	mc, err := MySQLConfig(cfg, opts)
	if err != nil {
		return nil, err
	}
	conn, err := mysql.NewConnector(mc)
	if err != nil {
		return nil, &Error{Part: PartURI, Msg: "the connection URI is not valid for MySQL: " + scrub(cfg, err.Error())}
	}
	return sql.OpenDB(conn), nil
}

// MySQLConfig is the go-sql-driver/mysql configuration Quarry's MySQL
// pool connects with (TLS from cfg, sessions in UTC, one statement per
// query), for the few parts that need connections of their own (the
// change stream, its leader lock and stored position).
func MySQLConfig(cfg *Config, opts Options) (*mysql.Config, error) {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	mc := mysql.NewConfig()
	mc.User = cfg.User
	mc.Passwd = cfg.Password
	mc.Net = "tcp"
	mc.Addr = net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	mc.DBName = cfg.Database
	mc.Timeout = opts.ConnectTimeout
	mc.ParseTime = false
	// Never let one request smuggle several statements.
	mc.MultiStatements = false
	// An UPDATE that matches a row but changes nothing still counts as
	// found: Quarry reads "0 rows" as "missing or condition failed".
	mc.ClientFoundRows = true
	mc.Params = map[string]string{"time_zone": "'+00:00'"}
	// Other query parameters are session variables (SET k=v on connect),
	// except the character set, which the driver negotiates.
	for k, v := range cfg.Params {
		switch {
		case len(v) == 0:
		case k == "charset":
			_ = mc.Apply(mysql.Charset(v[0], "")) // Charset never fails
		case k == "collation":
			mc.Collation = v[0]
		case k == "pgbouncer":
			return nil, &Error{Part: PartURI, Msg: "pgbouncer= is for PostgreSQL URIs; MySQL and MariaDB do not take it"}
		default:
			mc.Params[k] = v[0]
		}
	}
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	mc.TLS = tc
	mc.AllowFallbackToPlaintext = cfg.SSLMode == SSLPrefer
	// With a BeforeConnect hook the driver copies the config for each new
	// connection; without it, one plain-text fallback under prefer clears
	// the shared TLS setting for every later connection of the pool.
	_ = mc.Apply(mysql.BeforeConnect(func(context.Context, *mysql.Config) error { return nil }))
	return mc, nil
}

func openSQLite(cfg *Config, opts Options) (*sql.DB, error) {
	if _, err := os.Stat(cfg.Path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{Part: PartDatabase, Err: err, Msg: "SQLite file " + cfg.Path + " does not exist",
				Hint: "check the path after sqlite:"}
		}
		return nil, &Error{Part: PartDatabase, Err: err, Msg: "cannot open SQLite file " + cfg.Path + ": " + err.Error()}
	}
	mode := "rw"
	if opts.ReadOnly {
		mode = "ro"
	}
	dsn := (&url.URL{Scheme: "file", Path: cfg.Path, RawQuery: "mode=" + mode +
		"&_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)&_txlock=immediate"}).String()
	return sql.Open("sqlite", dsn)
}

// tlsConfig builds the client TLS settings for cfg.SSLMode, or nil for
// disable.
func tlsConfig(cfg *Config) (*tls.Config, error) {
	if cfg.SSLMode == SSLDisable {
		return nil, nil
	}
	var roots *x509.CertPool
	if len(cfg.CACert) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(cfg.CACert) {
			return nil, &Error{Part: PartTLS, Msg: "the --ssl-cert-secret value holds no PEM certificate",
				Hint: "store the CA certificate file's whole text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----"}
		}
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	switch cfg.SSLMode {
	case SSLVerifyFull:
		tc.RootCAs = roots
	case SSLVerifyCA:
		tc.InsecureSkipVerify = true // the chain is checked below, without the host name
		tc.VerifyConnection = verifyChain(roots)
	case SSLRequire:
		tc.InsecureSkipVerify = true
		// As libpq does when a root certificate is present, require then
		// checks the chain.
		if roots != nil {
			tc.VerifyConnection = verifyChain(roots)
		}
	case SSLPrefer:
		tc.InsecureSkipVerify = true
	}
	return tc, nil
}

func verifyChain(roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: the server sent no certificate")
		}
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
		return err
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
