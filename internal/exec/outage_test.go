package exec

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/testdb"
)

// proxy forwards TCP connections to a database server; cut drops every
// connection and stops listening, as a database that went away does, and
// resume listens again on the same port.
type proxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) resume() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}

// TestOutageIsRetryableFastAndLoggedOnce: while the database cannot be
// reached every request gets ServiceUnavailableException with the
// documented message, queued requests do not wait out --queue-wait, the
// log says "database unreachable" once, and service resumes by itself.
func TestOutageIsRetryableFastAndLoggedOnce(t *testing.T) {
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			u, err := url.Parse(db.URI)
			if err != nil {
				t.Fatal(err)
			}
			p := newProxy(t, u.Host)
			u.Host = p.addr
			q := u.Query()
			q.Set("sslmode", "disable")
			u.RawQuery = q.Encode()
			cfg, err := connect.Parse(u.String())
			if err != nil {
				t.Fatal(err)
			}
			cdb, err := connect.Open(context.Background(), cfg, connect.Options{ConnectTimeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer cdb.Close()
			var logs syncBuffer
			x := New(cdb.SQL, Options{PoolSize: 2, QueueWait: 5 * time.Second, Log: slog.New(slog.NewTextHandler(&logs, nil))})
			ok := sqlgen.Statement{SQL: "SELECT '{}'"}
			if _, err := x.One(context.Background(), ok); err != nil {
				t.Fatal(err)
			}

			p.cut()
			start := time.Now()
			var wg sync.WaitGroup
			errs := make([]error, 20)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = x.One(context.Background(), ok)
				}()
			}
			wg.Wait()
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("20 requests during the outage took %v: queued ones waited instead of failing fast", d)
			}
			for i, err := range errs {
				if qerr.KindOf(err) != qerr.Unavailable || qerr.ErrorType(qerr.KindOf(err)) != "ServiceUnavailableException" ||
					qerr.ClientMessage(err, false) != qerr.UnreachableMessage {
					t.Errorf("request %d: %v (%s), want %q", i, err, qerr.ErrorType(qerr.KindOf(err)), qerr.UnreachableMessage)
				}
			}
			if x.Reachable() {
				t.Error("Reachable() during the outage")
			}
			if n := strings.Count(logs.String(), "database unreachable"); n != 1 {
				t.Errorf("logged \"database unreachable\" %d times, want once:\n%s", n, logs.String())
			}

			p.resume()
			deadline := time.Now().Add(5 * time.Second)
			for {
				if _, err := x.One(context.Background(), ok); err == nil {
					break
				} else if time.Now().After(deadline) {
					t.Fatalf("not back 5s after the database returned: %v", err)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if !x.Reachable() || !strings.Contains(logs.String(), "database reachable again") {
				t.Errorf("recovery not noted:\n%s", logs.String())
			}
		})
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
