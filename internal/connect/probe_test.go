package connect

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// greeter listens on a free port and writes hello to every connection, as
// a server that speaks first does.
func greeter(t *testing.T, hello string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = c.Write([]byte(hello))
				_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
				buf := make([]byte, 512)
				_, _ = c.Read(buf)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestWrongPortSaysWhatItSpeaks: a URI aimed at another server's port is
// told so, instead of a TLS hint or a driver's garbled-message error.
func TestWrongPortSaysWhatItSpeaks(t *testing.T) {
	httpSrv := httptest.NewServer(http.NotFoundHandler())
	defer httpSrv.Close()
	// A MySQL handshake packet: length 3 bytes, sequence 0, protocol 10.
	mysqlAddr := greeter(t, "\x4a\x00\x00\x00\x0a5.5.5-10.11.6-MariaDB\x00")
	natsAddr := greeter(t, "INFO {\"server_id\":\"x\"}\r\n")
	tests := []struct{ uri, want string }{
		{"postgres://u:pw@" + mysqlAddr + "/db", "speaks MySQL or MariaDB, not PostgreSQL"},
		{"postgres://u:pw@" + mysqlAddr + "/db?sslmode=disable", "speaks MySQL or MariaDB, not PostgreSQL"},
		{"postgres://u:pw@" + natsAddr + "/db?sslmode=disable", "speaks NATS, not PostgreSQL"},
		{"postgres://u:pw@" + strings.TrimPrefix(httpSrv.URL, "http://") + "/db?sslmode=disable", "speaks HTTP, not PostgreSQL"},
		{"mysql://u:pw@" + natsAddr + "/db", "speaks NATS, not MySQL or MariaDB"},
	}
	for _, tt := range tests {
		cfg, err := Parse(tt.uri)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open(context.Background(), cfg, Options{ConnectTimeout: 2 * time.Second})
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: %v, want %q", tt.uri, err, tt.want)
		}
	}
}
