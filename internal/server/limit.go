package server

import (
	"net"
	"sync"
)

// addrLimitListener refuses a client address's connections beyond max open
// at once, so that one client holding connections open (a body sent a
// byte at a time, idle sockets) cannot take them all. Refused connections
// are closed at once, before anything is read.
type addrLimitListener struct {
	net.Listener
	max     int
	refused func(host string)

	mu   sync.Mutex
	open map[string]int
}

func newAddrLimitListener(ln net.Listener, max int, refused func(host string)) *addrLimitListener {
	return &addrLimitListener{Listener: ln, max: max, refused: refused, open: map[string]int{}}
}

func (l *addrLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := hostOf(c.RemoteAddr())
		l.mu.Lock()
		ok := l.open[host] < l.max
		if ok {
			l.open[host]++
		}
		l.mu.Unlock()
		if ok {
			return &countedConn{Conn: c, release: func() { l.release(host) }}, nil
		}
		_ = c.Close()
		if l.refused != nil {
			l.refused(host)
		}
	}
}

func (l *addrLimitListener) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
}

// hostOf is the client address connections are counted by: the IP, or
// for IPv6 its /64, since one client holds a whole /64.
func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		if ta.IP.To4() == nil && len(ta.IP) == net.IPv6len {
			return ta.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
		}
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// countedConn gives its address's slot back once, on the first Close.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
