package server

import (
	"bufio"
	"crypto/tls"
	"net"
	"sync"
	"time"
)

// sniffListener serves TLS and plain HTTP on one port, telling them apart
// by the first byte a client sends (0x16 opens a TLS handshake). The real
// client derives wss://<host:port>/graphql/realtime even from an http://
// URL (amplify-client-wire.md §6.1), so subscriptions need TLS on the very
// port queries use in plain HTTP.
type sniffListener struct {
	net.Listener
	config *tls.Config
}

func (l sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &sniffConn{Conn: c, config: l.config}, nil
}

// sniffConn decides on its first Read whether it is TLS, so Accept never
// waits for a slow client.
type sniffConn struct {
	net.Conn
	config *tls.Config
	once   sync.Once
	inner  net.Conn // the TLS server conn, or the plain one
	err    error
}

// peekTimeout bounds the wait for the first byte (http.Server's
// ReadHeaderTimeout applies only after it).
const peekTimeout = 10 * time.Second

func (c *sniffConn) decide() {
	c.once.Do(func() {
		br := bufio.NewReader(c.Conn)
		_ = c.Conn.SetReadDeadline(time.Now().Add(peekTimeout))
		first, err := br.Peek(1)
		_ = c.Conn.SetReadDeadline(time.Time{})
		plain := &prefixConn{Conn: c.Conn, r: br}
		switch {
		case err != nil:
			c.inner, c.err = plain, err
		case first[0] == 0x16:
			c.inner = tls.Server(plain, c.config)
		default:
			c.inner = plain
		}
	})
}

func (c *sniffConn) Read(p []byte) (int, error) {
	c.decide()
	if c.err != nil {
		return 0, c.err
	}
	return c.inner.Read(p)
}

func (c *sniffConn) Write(p []byte) (int, error) {
	c.decide()
	return c.inner.Write(p)
}

func (c *sniffConn) Close() error {
	if c.inner != nil {
		return c.inner.Close()
	}
	return c.Conn.Close()
}

// prefixConn reads through the reader that peeked.
type prefixConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *prefixConn) Read(p []byte) (int, error) { return c.r.Read(p) }
