package connect

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/quarrydata/quarry/internal/secrets"
)

// Engine names, as the generated schema writes them.
const (
	Postgres = "postgresql"
	MySQL    = "mysql"
	SQLite   = "sqlite"
)

// SSL modes, with PostgreSQL's meaning on every engine.
const (
	SSLDisable    = "disable"     // never TLS
	SSLPrefer     = "prefer"      // TLS when the server offers it, unverified; else plain
	SSLRequire    = "require"     // TLS, certificate not verified (verified against --ssl-cert-secret when given, as libpq does with a root certificate)
	SSLVerifyCA   = "verify-ca"   // TLS, certificate signed by a trusted CA
	SSLVerifyFull = "verify-full" // TLS, trusted CA and the host name matches
)

// Config is a parsed connection URI. Password is never printed: String
// and Redacted mask it.
type Config struct {
	Engine   string
	Host     string
	Port     int
	User     string
	Password string
	Database string
	// Path is the SQLite database file, absolute.
	Path string
	// SSLMode is one of the SSL* constants, after defaults are applied.
	SSLMode string
	// Params holds the remaining query parameters, passed to the driver.
	Params url.Values
	// CACert is a PEM bundle to trust instead of the system roots (from
	// --ssl-cert-secret).
	CACert []byte
}

// Parse reads a connection URI:
//
//	postgres://user:password@host:5432/db?sslmode=verify-full
//	postgresql://...           (same)
//	mysql://user:password@host:3306/db?sslmode=require   (MariaDB too; ?tls= is a synonym)
//	sqlite:./path.db  sqlite:path.db  sqlite:///abs/path.db
//
// User, password and database are percent-decoded. Default ports are 5432
// and 3306. The default sslmode is verify-full, except for loopback hosts,
// where it is prefer. Errors never contain the password.
func Parse(raw string) (*Config, error) {
	raw = strings.TrimSpace(raw)
	scheme, _, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" {
		return nil, &Error{Part: PartURI, Msg: "the connection URI has no scheme",
			Hint: "write it as postgres://user:password@host:5432/db, mysql://user:password@host:3306/db or sqlite:./file.db"}
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return parseServer(raw, Postgres, 5432)
	case "mysql", "mariadb":
		return parseServer(raw, MySQL, 3306)
	case "sqlite", "sqlite3", "file":
		return parseSQLite(raw)
	}
	return nil, &Error{Part: PartScheme, Msg: fmt.Sprintf("unsupported scheme %q", safeScheme(scheme)),
		Hint: "use postgres://, postgresql://, mysql:// (MySQL and MariaDB) or sqlite:"}
}

// safeScheme keeps an error message from echoing a whole URI that was
// pasted without a scheme ("user:password@host").
func safeScheme(s string) string {
	if len(s) > 20 || strings.ContainsAny(s, "@/") {
		return s[:min(len(s), 3)] + "…"
	}
	return s
}

func parseServer(raw, engine string, defaultPort int) (*Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &Error{Part: PartURI, Msg: "the connection URI is malformed: " + describeURLError(err),
			Hint: "percent-encode special characters in the user and password (e.g. @ as %40, / as %2F, # as %23)"}
	}
	if u.Opaque != "" {
		return nil, &Error{Part: PartURI, Msg: "the connection URI has no //host part",
			Hint: fmt.Sprintf("write it as %s://user:password@host:%d/database", u.Scheme, defaultPort)}
	}
	// An unescaped @ or / in the password ends the userinfo early: the
	// rest of the password becomes the path (the database name) or the
	// query, which errors and Redacted would then show. A database name
	// or parameter with a real @ can be written %40.
	if strings.Contains(u.EscapedPath(), "@") || strings.Contains(u.RawQuery, "@") || u.Fragment != "" || strings.HasSuffix(raw, "#") {
		return nil, &Error{Part: PartURI, Msg: "the connection URI has an @ after its host, or a #",
			Hint: "percent-encode special characters in the user and password (e.g. @ as %40, / as %2F, # as %23, ? as %3F)"}
	}
	cfg := &Config{Engine: engine, Port: defaultPort, Params: url.Values{}}
	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return nil, &Error{Part: PartURI, Msg: "the connection URI names no host",
			Hint: fmt.Sprintf("write it as %s://user:password@host:%d/database", u.Scheme, defaultPort)}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			// The port is not shown: in user:123456/x@host, a password
			// with an unescaped / is what net/url reads as the port.
			return nil, &Error{Part: PartURI, Msg: "the port is not a number from 1 to 65535",
				Hint: "percent-encode special characters in the user and password (e.g. / as %2F)"}
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	if cfg.User == "" {
		// The host is not shown either: in user:4242/x@host, net/url
		// reads user:4242 as the host and the password's digits as its
		// port.
		return nil, &Error{Part: PartURI, Msg: "the connection URI names no user",
			Hint: fmt.Sprintf("write it as %s://user:password@host:%d/database, percent-encoding special characters in the password (e.g. / as %%2F)", u.Scheme, defaultPort)}
	}
	cfg.Database = strings.TrimPrefix(u.Path, "/")
	// The message does not show the name: a / in it is most often a
	// password with an unescaped /, and the name would show the rest of it.
	if strings.Contains(cfg.Database, "/") {
		return nil, &Error{Part: PartURI, Msg: "the database name contains a /",
			Hint: "percent-encode it as %2F if the name really has one, and special characters in the password too"}
	}
	q := u.Query()
	mode := q.Get("sslmode")
	if t := q.Get("tls"); mode == "" && t != "" {
		mode = tlsSynonym(t)
	}
	for _, k := range []string{"sslmode", "tls", "ssl"} {
		q.Del(k)
	}
	if mode == "" {
		mode = SSLVerifyFull
		if isLoopback(cfg.Host) {
			mode = SSLPrefer
		}
	}
	switch mode {
	case SSLDisable, SSLPrefer, SSLRequire, SSLVerifyCA, SSLVerifyFull:
	case "allow":
		mode = SSLPrefer
	default:
		return nil, &Error{Part: PartTLS, Msg: fmt.Sprintf("sslmode %q is not known", mode),
			Hint: "use disable, prefer, require, verify-ca or verify-full"}
	}
	cfg.SSLMode = mode
	cfg.Params = q
	return cfg, nil
}

// tlsSynonym maps go-sql-driver's ?tls= values to an sslmode.
func tlsSynonym(v string) string {
	switch strings.ToLower(v) {
	case "true":
		return SSLVerifyFull
	case "false":
		return SSLDisable
	case "skip-verify":
		return SSLRequire
	case "preferred":
		return SSLPrefer
	}
	return v
}

func parseSQLite(raw string) (*Config, error) {
	_, rest, _ := strings.Cut(raw, ":")
	path := rest
	if strings.HasPrefix(rest, "//") {
		// sqlite:///abs/path.db has an empty host; sqlite://rel.db is a
		// common slip for a relative path.
		path = strings.TrimPrefix(rest, "//")
		if !strings.HasPrefix(path, "/") {
			return nil, &Error{Part: PartURI, Msg: "sqlite://" + path + " is ambiguous",
				Hint: "write sqlite:./" + path + " for a relative path or sqlite:///absolute/path.db"}
		}
	}
	path, query, _ := strings.Cut(path, "?")
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	if path == "" {
		return nil, &Error{Part: PartURI, Msg: "the sqlite: URI names no file", Hint: "write sqlite:./app.db"}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{Part: PartURI, Msg: "cannot resolve " + path, Err: err}
	}
	params, _ := url.ParseQuery(query)
	return &Config{Engine: SQLite, Path: abs, Database: "main", SSLMode: SSLDisable, Params: params}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// describeURLError names what net/url disliked without repeating the URI,
// which holds the password.
func describeURLError(err error) string {
	var ue *url.Error
	if e, ok := err.(*url.Error); ok {
		ue = e
	}
	if ue != nil {
		err = ue.Err
	}
	msg := err.Error()
	// net/url quotes the offending fragment, which may be the password.
	if i := strings.Index(msg, " \""); i > 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ": "); i > 0 && strings.Contains(msg[i:], "%") {
		msg = msg[:i]
	}
	return msg
}

// Redacted is the URI printed structurally, as url.URL.Redacted does: the
// user, host, port, database and parameters are shown, the password is
// xxxxx (secrets.URIMask) whatever it is, and so is the value of every
// parameter that names a secret (?password=, ?sslpassword=; see
// secrets.SecretKey). It is the only form in which Quarry prints a
// connection URI; the password is never searched for in it, so a password
// equal to the user name, the port or the database name leaves them shown.
func (c *Config) Redacted() string {
	if c.Engine == SQLite {
		return "sqlite://" + c.Path
	}
	u := url.URL{Scheme: c.Engine, Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), Path: "/" + c.Database}
	if c.Engine == Postgres {
		u.Scheme = "postgres"
	}
	if c.Password != "" {
		u.User = url.UserPassword(c.User, secrets.URIMask)
	} else {
		u.User = url.User(c.User)
	}
	q := url.Values{}
	for k, v := range c.Params {
		if secrets.SecretKey(k) || c.holdsPassword(v) {
			v = []string{secrets.URIMask}
		}
		q[k] = v
	}
	q.Set("sslmode", c.SSLMode)
	u.RawQuery = q.Encode()
	return u.String()
}

// holdsPassword reports whether a parameter's values include the password,
// or hold it and it is long and random enough for that to be no accident
// (secrets.Maskable): such a parameter is masked too.
func (c *Config) holdsPassword(values []string) bool {
	if c.Password == "" {
		return false
	}
	for _, v := range values {
		if v == c.Password || secrets.Maskable(c.Password) && strings.Contains(v, c.Password) {
			return true
		}
	}
	return false
}

// String is Redacted, so a Config printed by mistake shows no password.
func (c *Config) String() string { return c.Redacted() }
