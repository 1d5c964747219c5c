package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"io"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"
)

// A client that sends part of a request (or of a TLS handshake) and then
// nothing is cut off by the server's header timeout, as without sniffing.
func TestSniffingKeepsTheHeaderTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cert := selfSigned(t)
	hs := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: 300 * time.Millisecond}
	go func() {
		_ = hs.Serve(sniffListener{Listener: ln, config: &tls.Config{Certificates: []tls.Certificate{cert}}})
	}()
	defer hs.Close()
	for name, partial := range map[string][]byte{"http": []byte("GET / HTTP/1.1\r\n"), "tls": {0x16, 0x03, 0x01}} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write(partial)
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		start := time.Now()
		_, _ = io.ReadAll(c)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: a stalled client held the connection for %v", name, took)
		}
		c.Close()
	}
}

// selfSigned makes a throwaway certificate for 127.0.0.1.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
