package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/quarrydata/quarry/internal/secrets"
)

// Parts of a connection that an Error can blame.
const (
	PartScheme   = "scheme"
	PartURI      = "uri"
	PartHost     = "host"
	PartAuth     = "authentication"
	PartDatabase = "database"
	PartTLS      = "tls"
)

// Error is a connection failure that names the part at fault and how to
// fix it. Its text never contains the password.
type Error struct {
	Part string
	Msg  string
	Hint string
	// Err is the driver's error, kept for errors.Is/As; its text is not
	// part of Error() because drivers may echo connection details.
	Err error
}

func (e *Error) Error() string {
	s := "connect: " + e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// classify turns a driver error from opening a connection into an Error.
func classify(cfg *Config, err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	where := cfg.Host
	if cfg.Port != 0 {
		where = net.JoinHostPort(cfg.Host, itoa(cfg.Port))
	}

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01", "28000":
			return &Error{Part: PartAuth, Err: err, Msg: "authentication failed for user " + quoteName(cfg.User) + " at " + where,
				Hint: "check the user name and password in the connection string secret"}
		case "3D000":
			return &Error{Part: PartDatabase, Err: err, Msg: "database " + quoteName(cfg.Database) + " does not exist at " + where,
				Hint: "create it or fix the database name at the end of the URI"}
		case "53300":
			return &Error{Part: PartHost, Err: err, Msg: "the server at " + where + " has no free connection slots",
				Hint: "lower the pool size or raise max_connections"}
		}
		return &Error{Part: PartHost, Err: err, Msg: "the server at " + where + " refused the connection: " + pgErr.Message + " (SQLSTATE " + pgErr.Code + ")"}
	}
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case 1045:
			return &Error{Part: PartAuth, Err: err, Msg: "authentication failed for user " + quoteName(cfg.User) + " at " + where,
				Hint: "check the user name and password in the connection string secret"}
		case 1049:
			return &Error{Part: PartDatabase, Err: err, Msg: "database " + quoteName(cfg.Database) + " does not exist at " + where,
				Hint: "create it or fix the database name at the end of the URI"}
		case 1044:
			return &Error{Part: PartDatabase, Err: err, Msg: "user " + quoteName(cfg.User) + " may not use database " + quoteName(cfg.Database),
				Hint: "GRANT the user access to it, or connect to a database it can use"}
		case 1040:
			return &Error{Part: PartHost, Err: err, Msg: "the server at " + where + " has too many connections",
				Hint: "lower the pool size or raise max_connections"}
		}
		return &Error{Part: PartHost, Err: err, Msg: "the server at " + where + " refused the connection: " + myErr.Message}
	}
	if isTLSError(err) {
		return &Error{Part: PartTLS, Err: err, Msg: "TLS with " + where + " failed: " + tlsReason(err),
			Hint: tlsHint(cfg, err)}
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return &Error{Part: PartHost, Err: err, Msg: "no answer from " + where + " within the connect timeout",
			Hint: "check the host and port, that the server is running, and that a firewall lets you through"}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Error{Part: PartHost, Err: err, Msg: "host " + quoteName(cfg.Host) + " not found",
			Hint: "check the host name in the connection URI"}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) || strings.Contains(err.Error(), "connection refused") {
		return &Error{Part: PartHost, Err: err, Msg: "cannot reach " + where + ": " + netReason(err),
			Hint: "check the host and port and that the server is running"}
	}
	return &Error{Part: PartHost, Err: err, Msg: "cannot connect to " + where + ": " + scrub(cfg, err.Error())}
}

func isTLSError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		certInvalid x509.CertificateInvalidError
		recErr      tls.RecordHeaderError
		verifyErr   *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &certInvalid) ||
		errors.As(err, &recErr) || errors.As(err, &verifyErr) || errors.Is(err, mysql.ErrNoTLS) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "server refused TLS") || strings.Contains(msg, "tls:") ||
		strings.Contains(msg, "x509:") || strings.Contains(msg, "TLS requested but server does not support TLS")
}

func tlsReason(err error) string {
	var (
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		certInvalid x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &hostErr):
		return "the server's certificate is not valid for this host name"
	case errors.As(err, &unknownAuth):
		return "the server's certificate is signed by an authority that is not trusted"
	case errors.As(err, &certInvalid):
		return "the server's certificate is not valid (" + certInvalid.Error() + ")"
	case noTLS(err):
		return "the server does not offer TLS"
	}
	msg := err.Error()
	if i := strings.Index(msg, "tls: "); i >= 0 {
		return msg[i:]
	}
	if i := strings.Index(msg, "x509: "); i >= 0 {
		return msg[i:]
	}
	return "handshake failed"
}

func tlsHint(cfg *Config, err error) string {
	if noTLS(err) {
		return "the server has TLS turned off: enable it on the server, or choose ?sslmode=prefer (TLS when offered) or ?sslmode=disable"
	}
	var hostErr x509.HostnameError
	if errors.As(err, &hostErr) {
		return "connect with the host name the certificate names, or choose ?sslmode=verify-ca to check the CA without the host name"
	}
	if len(cfg.CACert) == 0 {
		return "for a self-signed or private CA, store its PEM with `quarry sandbox secret set NAME` and pass --ssl-cert-secret NAME; or choose ?sslmode=require (encrypted, not verified) or disable"
	}
	return "check that --ssl-cert-secret holds the CA that signed the server's certificate, and for verify-full that the certificate names this host; ?sslmode=verify-ca skips the host name check"
}

func noTLS(err error) bool {
	msg := err.Error()
	return errors.Is(err, mysql.ErrNoTLS) || strings.Contains(msg, "server refused TLS") || strings.Contains(msg, "does not support TLS")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func netReason(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection refused"):
		return "connection refused"
	case strings.Contains(msg, "no route to host"):
		return "no route to host"
	case strings.Contains(msg, "network is unreachable"):
		return "network is unreachable"
	case strings.Contains(msg, "connection reset"):
		return "the connection was reset"
	}
	return "network error"
}

// scrub removes the password from a driver message, in case a driver
// echoes its DSN. Only a password long and random enough to be told from
// ordinary words is searched for (secrets.Maskable): replacing "connect"
// in "failed to connect" would garble the message and give the password
// away.
func scrub(cfg *Config, msg string) string {
	if secrets.Maskable(cfg.Password) {
		msg = strings.ReplaceAll(msg, cfg.Password, secrets.URIMask)
	}
	return msg
}

func quoteName(s string) string { return "\"" + s + "\"" }
