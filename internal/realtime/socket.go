package realtime

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gorilla/websocket"
)

// The socket's life: upgrade, the read loop, closing. An idle subscriber
// is mostly what its socket holds, so what it holds is kept small: a
// small read buffer, a write buffer only while a message is written, one
// goroutine (the read loop) at its starting stack size, and nothing of
// net/http's once the socket is upgraded.

const (
	// closeWait is how long the server waits for the client to answer
	// its close frame before it drops the socket.
	closeWait = 5 * time.Second
	// readBuffer is the size of the bufio reader each socket keeps for
	// its life. Clients send little (an init, a start or two, the odd
	// ping), and a message longer than the buffer is read around it,
	// straight into the message: a small buffer costs no extra reads,
	// and gorilla's default (4,096 bytes) would cost every idle
	// subscriber 4 KB more.
	readBuffer = 256
)

// closeUnlessInitialised closes c with code and reason unless it sends
// connection_init (initialised) within InitTimeout: an idle socket must
// not cost the server forever. A timer rather than a goroutine waits, so
// nothing of it stays once the client is initialised.
func (c *conn) closeUnlessInitialised(code int, reason string) {
	c.initTimer = time.AfterFunc(orDur(c.srv.InitTimeout, DefaultInitTimeout), func() { c.closeWith(code, reason) })
}

// initialised stops the timer closeUnlessInitialised started. Only the
// read loop's handlers call it, one at a time.
func (c *conn) initialised() {
	if c.initTimer != nil {
		c.initTimer.Stop()
		c.initTimer = nil
	}
}

// accept upgrades r, offering subprotocol (negotiated only if the client
// offers it too), with the least memory an idle socket can hold: a small
// read buffer and a write buffer only while a message is written.
// Compression stays off: each subscriber's copy of an event would be
// compressed on its own, CPU per subscriber for a few hundred bytes.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, subprotocol string) (*websocket.Conn, error) {
	u := websocket.Upgrader{
		ReadBufferSize:  readBuffer,
		WriteBufferPool: &s.writeBufs,
		Subprotocols:    []string{subprotocol},
		// Credentials travel inside the protocol (each start carries its
		// own), never as cookies, so a page from another origin gains
		// nothing a direct client would not have: any origin may connect,
		// as with AppSync.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	return u.Upgrade(w, r, nil)
}

// refuse closes a socket that never became a connection with code and
// reason, waiting closeWait at most for the client's answer.
func refuse(ws *websocket.Conn, code int, reason string) {
	defer func() { _ = ws.Close() }()
	msg := websocket.FormatCloseMessage(code, truncate(reason))
	if ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeTimeout)) != nil {
		return
	}
	_ = ws.NetConn().SetReadDeadline(time.Now().Add(closeWait))
	for {
		if _, _, err := ws.NextReader(); err != nil {
			return
		}
	}
}

// stop ends the connection at once: its context (queries still running
// for it) and its socket, which unblocks the read loop and a write in
// progress. The socket is closed here rather than by a context.AfterFunc,
// which would cost every connection a callback and its parent's map entry.
func (c *conn) stop() {
	c.cancel()
	_ = c.ws.Close()
}

// closeWith starts the closing handshake: it drops what is queued, sends
// the close frame and gives the client closeWait to answer it, after
// which the read loop ends (close). Only the first call has an effect.
func (c *conn) closeWith(code int, reason string) {
	if !c.closing.CompareAndSwap(false, true) {
		return
	}
	c.shut()
	msg := websocket.FormatCloseMessage(code, truncate(reason))
	if c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeTimeout)) != nil {
		c.stop()
		return
	}
	// The read deadline of the socket itself, which may be set from any
	// goroutine: the read loop is blocked in a read.
	_ = c.ws.NetConn().SetReadDeadline(time.Now().Add(closeWait))
}

// readLoop reads the client's messages until the connection ends, then
// ends it (close). open, when set, runs first, and handle takes each
// message; either ends the connection by returning false.
//
// Both run on a goroutine of their own while the loop waits: decoding,
// authenticating and planning grow a stack to tens of kilobytes, which
// the loop, blocked in a read for the rest of the connection's life,
// would keep, since the runtime shrinks a stack only while it uses less
// than a quarter of it. The loop's own stack stays at its starting size.
func (c *conn) readLoop(open func() bool, handle func(raw []byte) bool) {
	defer c.close()
	if open != nil && !apart(open) {
		return
	}
	for {
		raw, err := c.read()
		if err != nil {
			if !isClosed(err) {
				c.srv.Log.Debug("realtime: connection ended", "error", err.Error())
			}
			return
		}
		if !apart(func() bool { return handle(raw) }) {
			return
		}
	}
}

// apart runs f on a new goroutine and waits for its answer.
func apart(f func() bool) bool {
	done := make(chan bool, 1)
	go func() { done <- f() }()
	return <-done
}

// read returns the client's next message. Once the server sent its close
// frame it skips messages until the client's close frame (or closeWait)
// ends the connection.
func (c *conn) read() ([]byte, error) {
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return nil, err
		}
		if !c.closing.Load() {
			return io.ReadAll(r)
		}
	}
}

// isClosed reports errors that only mean the peer went away, or that the
// server closed the socket itself.
func isClosed(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
