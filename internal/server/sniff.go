package server

import (
	"bufio"
	"context"
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
// waits for a slow client. The deadlines http.Server sets (its header
// timeout) are recorded and bound the sniffing and the TLS handshake too.
type sniffConn struct {
	net.Conn
	config *tls.Config
	once   sync.Once
	inner  net.Conn // the TLS server conn, or the plain one
	err    error

	mu           sync.Mutex // guards readDeadline and inner's publication
	readDeadline time.Time
}

// sniffTimeout bounds the wait for the first byte and the TLS handshake
// when the server set no earlier deadline.
const sniffTimeout = 10 * time.Second

func (c *sniffConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.readDeadline = t
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *sniffConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.readDeadline = t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

func (c *sniffConn) decide() {
	c.once.Do(func() {
		c.mu.Lock()
		set := c.readDeadline
		c.mu.Unlock()
		limit := time.Now().Add(sniffTimeout)
		if !set.IsZero() && set.Before(limit) {
			limit = set
		}
		br := bufio.NewReader(c.Conn)
		_ = c.Conn.SetReadDeadline(limit)
		first, err := br.Peek(1)
		plain := &prefixConn{Conn: c.Conn, r: br}
		var inner net.Conn = plain
		switch {
		case err != nil:
			c.err = err
		case first[0] == 0x16:
			tc := tls.Server(plain, c.config)
			ctx, cancel := context.WithDeadline(context.Background(), limit)
			c.err = tc.HandshakeContext(ctx)
			cancel()
			inner = tc
		}
		// Close may run at the same time (server shutdown).
		c.mu.Lock()
		c.inner = inner
		c.mu.Unlock()
		// Back to the server's own deadline.
		_ = c.Conn.SetReadDeadline(set)
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
	if c.err != nil {
		return 0, c.err
	}
	return c.inner.Write(p)
}

func (c *sniffConn) Close() error {
	c.mu.Lock()
	inner := c.inner
	c.mu.Unlock()
	if inner != nil {
		return inner.Close()
	}
	return c.Conn.Close()
}

// prefixConn reads through the reader that peeked.
type prefixConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *prefixConn) Read(p []byte) (int, error) { return c.r.Read(p) }
