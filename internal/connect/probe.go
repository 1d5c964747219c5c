package connect

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
)

// probeTimeout bounds each step of asking a port what it speaks.
const probeTimeout = 700 * time.Millisecond

// speaks asks the server at addr which protocol it speaks, for an error
// that would otherwise blame TLS or a garbled message when the URI names
// the wrong port: a MySQL server greets first (protocol version 10), NATS
// sends INFO, SSH its banner; a PostgreSQL server answers an SSLRequest
// with one byte, an HTTP server with a status line. Empty when it cannot
// tell.
func speaks(ctx context.Context, addr string) string {
	d := net.Dialer{Timeout: probeTimeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return ""
	}
	defer c.Close()
	buf := make([]byte, 64)
	_ = c.SetReadDeadline(time.Now().Add(probeTimeout))
	if n, _ := c.Read(buf); n > 0 {
		return greeting(buf[:n])
	}
	// Nothing said first: ask as a PostgreSQL client does before TLS. The
	// blank lines after it end a request line for an HTTP server, which
	// then answers 400; PostgreSQL answers the SSLRequest before reading
	// them.
	_ = c.SetDeadline(time.Now().Add(probeTimeout))
	if _, err := c.Write([]byte{0, 0, 0, 8, 4, 210, 22, 47, '\r', '\n', '\r', '\n'}); err != nil {
		return ""
	}
	n, _ := c.Read(buf)
	switch {
	case n == 1 && (buf[0] == 'S' || buf[0] == 'N'):
		return "PostgreSQL"
	case n >= 5 && bytes.HasPrefix(buf, []byte("HTTP/")):
		return "HTTP"
	}
	return ""
}

// greeting names the protocol of a server that speaks first.
func greeting(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("INFO ")):
		return "NATS"
	case bytes.HasPrefix(b, []byte("SSH-")):
		return "SSH"
	case bytes.HasPrefix(b, []byte("+OK")), bytes.HasPrefix(b, []byte("220 ")):
		return "a mail protocol"
	case len(b) > 5 && b[3] == 0 && b[4] == 10:
		return "MySQL or MariaDB"
	}
	return ""
}

// wrongProtocol returns an Error when the port cfg names speaks another
// protocol than cfg's engine, for a connection failure that does not say
// which part is at fault (no authentication or database error).
func wrongProtocol(ctx context.Context, cfg *Config, err error) error {
	var pg *pgconn.PgError
	var my *mysql.MySQLError
	if cfg.Engine == SQLite || errors.As(err, &pg) || errors.As(err, &my) {
		return nil
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	want := map[string]string{Postgres: "PostgreSQL", MySQL: "MySQL or MariaDB"}[cfg.Engine]
	got := speaks(ctx, addr)
	if got == "" || got == want {
		return nil
	}
	return &Error{Part: PartHost, Err: err,
		Msg:  "the server at " + addr + " speaks " + got + ", not " + want,
		Hint: "check the port in the connection URI (PostgreSQL listens on 5432 and MySQL on 3306 by default) and its scheme (postgres:// or mysql://)"}
}
