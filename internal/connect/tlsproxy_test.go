package connect

// Test helpers for tls_test.go: certificates made in Go, and TLS-terminating
// proxies that put those certificates in front of the local PostgreSQL and
// MariaDB servers, which themselves speak plain TCP to the proxy.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testPKI holds the certificates the TLS tests use.
type testPKI struct {
	// caPEM is the CA that signed good and other.
	caPEM []byte
	// caDER is the same CA certificate in DER, which is not PEM.
	caDER []byte
	// otherCAPEM is a CA that signed nothing the proxies use.
	otherCAPEM []byte
	// bundlePEM is 49 unrelated CAs followed by caPEM.
	bundlePEM []byte
	// good names 127.0.0.1 and localhost; other names only other.example;
	// expired is like good but expired an hour ago. The test CA signed all
	// three.
	good, other, expired tls.Certificate
}

var sharedPKI = sync.OnceValues(newTestPKI)

// pki returns the test certificates, made once per test binary.
func pki(t testing.TB) *testPKI {
	t.Helper()
	p, err := sharedPKI()
	if err != nil {
		t.Fatalf("making test certificates: %v", err)
	}
	return p
}

func newTestPKI() (*testPKI, error) {
	ca, caKey, err := newCA("Quarry Test CA")
	if err != nil {
		return nil, err
	}
	other, _, err := newCA("Quarry Unrelated Test CA")
	if err != nil {
		return nil, err
	}
	p := &testPKI{caPEM: pemCert(ca.Raw), caDER: ca.Raw, otherCAPEM: pemCert(other.Raw)}
	now := time.Now()
	loopback := []net.IP{net.IPv4(127, 0, 0, 1)}
	if p.good, err = newServerCert(ca, caKey, "127.0.0.1", []string{"localhost"}, loopback, now.Add(24*time.Hour)); err != nil {
		return nil, err
	}
	if p.other, err = newServerCert(ca, caKey, "other.example", []string{"other.example"}, nil, now.Add(24*time.Hour)); err != nil {
		return nil, err
	}
	if p.expired, err = newServerCert(ca, caKey, "127.0.0.1", []string{"localhost"}, loopback, now.Add(-time.Hour)); err != nil {
		return nil, err
	}
	var bundle bytes.Buffer
	for i := range 49 {
		c, _, err := newCA(fmt.Sprintf("Quarry Bundle Filler CA %02d", i))
		if err != nil {
			return nil, err
		}
		bundle.Write(pemCert(c.Raw))
	}
	bundle.Write(p.caPEM)
	p.bundlePEM = bundle.Bytes()
	return p, nil
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
}

func newCA(cn string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Quarry tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(der)
	return c, key, err
}

func newServerCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, dns []string, ips []net.IP, notAfter time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	sn, err := serial()
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notAfter.Add(-48 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// tlsProxy listens on 127.0.0.1 and forwards each connection to a plain
// database server, terminating TLS with its certificate when the client
// asks for it. With no certificate it refuses TLS (PostgreSQL answers 'N'
// to SSLRequest; MySQL passes the server's handshake through untouched).
type tlsProxy struct {
	engine   string // Postgres or MySQL
	upstream string // host:port of the real server
	tlsCfg   *tls.Config
	// greetingPlugin, when set, replaces the default auth plugin a MySQL
	// server names in its greeting, so that the client answers with the
	// wrong plugin and the server asks for an auth switch.
	greetingPlugin string

	ln net.Listener
	wg sync.WaitGroup

	// handshakes counts TLS handshakes completed with a client; plain
	// counts sessions forwarded to the server without TLS.
	handshakes atomic.Int32
	plain      atomic.Int32
	// authSwitches counts MySQL AuthSwitchRequest packets relayed over TLS.
	authSwitches atomic.Int32

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	errs   []error
}

// Handshake-phase deadline; afterwards connections live until closed.
const proxyHandshakeTimeout = 10 * time.Second

// startTLSProxy starts a proxy for engine in front of upstream. cert nil
// means the proxy does not offer TLS. opts adjust the proxy before it
// starts. The proxy and every connection through it are closed when the
// test ends, and Close waits for all its goroutines.
func startTLSProxy(t testing.TB, engine, upstream string, cert *tls.Certificate, opts ...func(*tlsProxy)) *tlsProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &tlsProxy{engine: engine, upstream: upstream, ln: ln, conns: map[net.Conn]struct{}{}}
	if cert != nil {
		p.tlsCfg = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	for _, o := range opts {
		o(p)
	}
	p.wg.Add(1)
	go p.acceptLoop()
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// Port is the proxy's listening port.
func (p *tlsProxy) Port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// Errors returns what went wrong in the proxy's sessions, for test
// failure messages. Clients that reject the certificate show up here too.
func (p *tlsProxy) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// Close stops the listener, closes every open connection and waits for
// the proxy's goroutines to end.
func (p *tlsProxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("tls proxy: goroutines still running 10s after Close")
	}
}

// track registers c to be closed by Close; it reports false (and closes
// c) when the proxy is already closed.
func (p *tlsProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *tlsProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *tlsProxy) record(err error) {
	if err == nil || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) {
		return
	}
	p.mu.Lock()
	p.errs = append(p.errs, err)
	p.mu.Unlock()
}

func (p *tlsProxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // listener closed
		}
		if !p.track(c) {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(c)
			var err error
			if p.engine == Postgres {
				err = p.servePostgres(c)
			} else {
				err = p.serveMySQL(c)
			}
			p.record(err)
		}()
	}
}

// dialUpstream connects to the real server and registers the connection.
func (p *tlsProxy) dialUpstream() (net.Conn, error) {
	s, err := net.DialTimeout("tcp", p.upstream, proxyHandshakeTimeout)
	if err != nil {
		return nil, fmt.Errorf("dial upstream %s: %w", p.upstream, err)
	}
	if !p.track(s) {
		return nil, net.ErrClosed
	}
	return s, nil
}

// tlsHandshake upgrades c (whose deadline is already set) to TLS.
func (p *tlsProxy) tlsHandshake(c net.Conn) (*tls.Conn, error) {
	tc := tls.Server(c, p.tlsCfg)
	if err := tc.Handshake(); err != nil {
		return nil, fmt.Errorf("tls handshake with client: %w", err)
	}
	p.handshakes.Add(1)
	return tc, nil
}

const (
	pgSSLRequestCode    = 80877103
	pgGSSENCRequestCode = 80877104
)

// servePostgres answers SSLRequest ('S' and a TLS handshake, or 'N'),
// then forwards the rest of the session to the server.
func (p *tlsProxy) servePostgres(c net.Conn) error {
	_ = c.SetDeadline(time.Now().Add(proxyHandshakeTimeout))
	var client net.Conn = c
	var first [8]byte
	for {
		if _, err := io.ReadFull(client, first[:]); err != nil {
			return err // includes a client that gives up after 'N'
		}
		n, code := binary.BigEndian.Uint32(first[:4]), binary.BigEndian.Uint32(first[4:])
		if n != 8 || (code != pgSSLRequestCode && code != pgGSSENCRequestCode) || client != c {
			break // a startup (or cancel) message: the session proper
		}
		if code == pgSSLRequestCode && p.tlsCfg != nil {
			if _, err := c.Write([]byte{'S'}); err != nil {
				return err
			}
			tc, err := p.tlsHandshake(c)
			if err != nil {
				return err
			}
			client = tc
			continue
		}
		if _, err := c.Write([]byte{'N'}); err != nil {
			return err
		}
	}
	if client == c {
		p.plain.Add(1)
	}
	s, err := p.dialUpstream()
	if err != nil {
		return err
	}
	defer p.untrack(s)
	if _, err := s.Write(first[:]); err != nil {
		return err
	}
	_ = c.SetDeadline(time.Time{})
	return relay(client, s, copyRaw, copyRaw)
}

// MySQL protocol constants.
const (
	myClientSSL = 0x0800
	myMaxHeader = 4
)

func readMyPacket(r io.Reader) (seq byte, payload []byte, err error) {
	var h [myMaxHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return h[3], payload, nil
}

func writeMyPacket(w io.Writer, seq byte, payload []byte) error {
	n := len(payload)
	buf := make([]byte, 0, myMaxHeader+n)
	buf = append(buf, byte(n), byte(n>>8), byte(n>>16), seq)
	buf = append(buf, payload...)
	_, err := w.Write(buf)
	return err
}

// serveMySQL adds TLS to a MySQL/MariaDB server that has none: it
// advertises CLIENT_SSL in the server's greeting, terminates TLS after the
// client's SSLRequest, and renumbers the packets of the login exchange,
// since the server never saw the SSLRequest (packet 1).
func (p *tlsProxy) serveMySQL(c net.Conn) error {
	s, err := p.dialUpstream()
	if err != nil {
		return err
	}
	defer p.untrack(s)
	deadline := time.Now().Add(proxyHandshakeTimeout)
	_ = c.SetDeadline(deadline)
	_ = s.SetDeadline(deadline)

	seq, greeting, err := readMyPacket(s)
	if err != nil {
		return fmt.Errorf("read server greeting: %w", err)
	}
	if p.tlsCfg != nil && len(greeting) > 0 && greeting[0] == 10 {
		// protocol version, server version\0, thread id (4),
		// auth-plugin-data-part-1 (8), filler (1), capabilities (2, LE).
		end := bytes.IndexByte(greeting[1:], 0)
		pos := 1 + end + 1 + 4 + 8 + 1
		if end < 0 || pos+2 > len(greeting) {
			return errors.New("server greeting too short")
		}
		caps := binary.LittleEndian.Uint16(greeting[pos:])
		binary.LittleEndian.PutUint16(greeting[pos:], caps|myClientSSL)
	}
	if p.greetingPlugin != "" {
		// The default plugin's name ends the greeting, NUL-terminated.
		body := bytes.TrimSuffix(greeting, []byte{0})
		i := bytes.LastIndexByte(body, 0)
		if i < 0 {
			return errors.New("server greeting names no auth plugin")
		}
		greeting = append(append(body[:i+1:i+1], p.greetingPlugin...), 0)
	}
	if err := writeMyPacket(c, seq, greeting); err != nil {
		return err
	}

	seq, resp, err := readMyPacket(c)
	if err != nil {
		return fmt.Errorf("read client's first packet: %w", err)
	}
	if len(resp) < 4 || binary.LittleEndian.Uint32(resp)&myClientSSL == 0 {
		// No TLS wanted: the packet is the HandshakeResponse itself.
		p.plain.Add(1)
		if err := writeMyPacket(s, seq, resp); err != nil {
			return err
		}
		_ = c.SetDeadline(time.Time{})
		_ = s.SetDeadline(time.Time{})
		return relay(c, s, copyRaw, copyRaw)
	}
	if p.tlsCfg == nil {
		return errors.New("client asked for TLS, which this proxy does not offer")
	}
	tc, err := p.tlsHandshake(c)
	if err != nil {
		return err
	}
	seq, resp, err = readMyPacket(tc)
	if err != nil {
		return fmt.Errorf("read HandshakeResponse over TLS: %w", err)
	}
	if len(resp) < 4 || seq != 2 {
		return fmt.Errorf("unexpected HandshakeResponse: seq %d, %d bytes", seq, len(resp))
	}
	binary.LittleEndian.PutUint32(resp, binary.LittleEndian.Uint32(resp)&^myClientSSL)
	if err := writeMyPacket(s, seq-1, resp); err != nil {
		return err
	}
	_ = c.SetDeadline(time.Time{})
	_ = s.SetDeadline(time.Time{})

	// Login continues (auth switch, more data) until the server sends OK
	// or ERR: server packets go to the client one number later, client
	// packets to the server one number earlier. Commands restart at 0,
	// after which both directions are copied as they are.
	toClient := func(dst io.Writer, src io.Reader) error {
		for {
			seq, pkt, err := readMyPacket(src)
			if err != nil {
				return err
			}
			if len(pkt) > 0 && pkt[0] == 0xfe {
				p.authSwitches.Add(1)
			}
			if err := writeMyPacket(dst, seq+1, pkt); err != nil {
				return err
			}
			if len(pkt) > 0 && (pkt[0] == 0x00 || pkt[0] == 0xff) {
				return copyRaw(dst, src)
			}
		}
	}
	toServer := func(dst io.Writer, src io.Reader) error {
		for {
			seq, pkt, err := readMyPacket(src)
			if err != nil {
				return err
			}
			if seq == 0 {
				if err := writeMyPacket(dst, 0, pkt); err != nil {
					return err
				}
				return copyRaw(dst, src)
			}
			if err := writeMyPacket(dst, seq-1, pkt); err != nil {
				return err
			}
		}
	}
	return relay(tc, s, toServer, toClient)
}

func copyRaw(dst io.Writer, src io.Reader) error {
	_, err := io.Copy(dst, src)
	return err
}

// relay runs c2s (client to server) and s2c until either ends, then
// closes both connections so the other ends too, and returns the first
// error that is not a mere close.
func relay(client, server net.Conn, c2s, s2c func(dst io.Writer, src io.Reader) error) error {
	errc := make(chan error, 2)
	go func() { errc <- c2s(server, client) }()
	go func() { errc <- s2c(client, server) }()
	err := <-errc
	client.Close()
	server.Close()
	err2 := <-errc
	if err == nil || errors.Is(err, net.ErrClosed) {
		err = err2
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
