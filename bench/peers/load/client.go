package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// The load generator's HTTP/1.1 client. On a 2-core machine the client's
// CPU is taken from the servers it measures, so it must cost as little as
// possible per request: net/http's Transport hands every request to two
// goroutines over channels and allocates a request, headers and a body
// reader each time (~25 µs of CPU per request, as much as a bare server;
// see loadClient in bench/chinook_test.go, which this follows). Here one
// goroutine owns one keep-alive connection, writes each request from a
// reused buffer in one write, and parses the status line and the few
// headers that frame the body by hand into a reused buffer. Every
// contestant gets byte-for-byte the same kind of request; none is asked
// for compression (no Accept-Encoding), so all send plain JSON.

// target is one contestant's endpoint for one workload.
type target struct {
	addr string // host:port
	head []byte // request line and headers, up to "Content-Length: "
}

// newTarget prepares the request head for POSTs to rawURL with extra
// header lines (each "Name: value").
func newTarget(rawURL string, headers ...string) (target, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return target{}, fmt.Errorf("contestant URL %q: not an absolute URL", rawURL)
	}
	if u.Scheme != "http" {
		return target{}, fmt.Errorf("contestant URL %q: only http:// is supported", rawURL)
	}
	var h bytes.Buffer
	fmt.Fprintf(&h, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n", u.RequestURI(), u.Host)
	for _, x := range headers {
		h.WriteString(x + "\r\n")
	}
	h.WriteString("Content-Length: ")
	return target{addr: u.Host, head: h.Bytes()}, nil
}

// conn is one keep-alive connection and its buffers.
type conn struct {
	t    target
	nc   net.Conn
	br   *bufio.Reader
	req  []byte
	body []byte
}

func dial(t target) (*conn, error) {
	nc, err := net.DialTimeout("tcp", t.addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", t.addr, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	return &conn{t: t, nc: nc, br: bufio.NewReaderSize(nc, 64<<10)}, nil
}

func (c *conn) close() { _ = c.nc.Close() }

// errClosed says the server closed the connection after its answer: the
// answer is good, the next request needs a new connection.
var errClosed = errors.New("connection closed by server")

// do sends one request and reads the answer's body into c.body (valid
// until the next call). A non-200 answer is an error carrying its body.
func (c *conn) do(body []byte) (resp []byte, err error) {
	c.req = append(c.req[:0], c.t.head...)
	c.req = strconv.AppendInt(c.req, int64(len(body)), 10)
	c.req = append(c.req, "\r\n\r\n"...)
	c.req = append(c.req, body...)
	if _, err := c.nc.Write(c.req); err != nil {
		return nil, fmt.Errorf("writing request: %w", err)
	}
	status, length, chunked, closing, err := c.readHead()
	if err != nil {
		return nil, err
	}
	switch {
	case chunked:
		err = c.readChunked()
	case length >= 0:
		c.body = grow(c.body, length)
		_, err = io.ReadFull(c.br, c.body)
	default: // no framing: the body runs to the end of the connection
		var b bytes.Buffer
		_, err = b.ReadFrom(c.br)
		c.body, closing = b.Bytes(), true
	}
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if status != 200 {
		return c.body, fmt.Errorf("HTTP %d: %.300s", status, c.body)
	}
	if closing {
		return c.body, errClosed
	}
	return c.body, nil
}

// readHead parses the status line and headers. length is -1 when the
// answer has no Content-Length.
func (c *conn) readHead() (status, length int, chunked, closing bool, err error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, false, fmt.Errorf("reading status line: %w", err)
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, false, fmt.Errorf("bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, 0, false, false, fmt.Errorf("bad status line %q", line)
	}
	closing = line[7] == '0' // HTTP/1.0 closes unless told otherwise
	length = -1
	for {
		line, err = c.br.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, false, fmt.Errorf("reading headers: %w", err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			return status, length, chunked, closing, nil
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, 0, false, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case asciiEqualFold(name, "transfer-encoding"):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case asciiEqualFold(name, "connection"):
			v := bytes.ToLower(value)
			closing = bytes.Contains(v, []byte("close")) || closing && !bytes.Contains(v, []byte("keep-alive"))
		}
	}
}

// readChunked reads a chunked body into c.body.
func (c *conn) readChunked() error {
	c.body = c.body[:0]
	for {
		line, err := c.br.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("reading chunk size: %w", err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 32)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			// Trailers, then the empty line.
			for {
				t, err := c.br.ReadSlice('\n')
				if err != nil {
					return fmt.Errorf("reading trailers: %w", err)
				}
				if len(bytes.TrimRight(t, "\r\n")) == 0 {
					return nil
				}
			}
		}
		at := len(c.body)
		c.body = grow(c.body, at+int(n))
		if _, err := io.ReadFull(c.br, c.body[at:]); err != nil {
			return fmt.Errorf("reading chunk: %w", err)
		}
		if _, err := c.br.Discard(2); err != nil { // the chunk's CRLF
			return fmt.Errorf("reading chunk end: %w", err)
		}
	}
}

// grow returns b resized to n bytes, keeping its contents and reusing its
// array when large enough.
func grow(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x := b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != s[i] {
			return false
		}
	}
	return true
}
