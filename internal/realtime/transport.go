package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/qerr"
)

// transportProto frames messages of graphql-transport-ws (the protocol of
// the graphql-ws library, used by Apollo and urql).
type transportProto struct{}

func (transportProto) id() int { return protoTransport }

func (transportProto) data(id, key string, obj json.RawMessage) []byte {
	return dataFrame(`{"type":"next","id":`, id, key, obj)
}

// ended is an error message, which ends the operation in
// graphql-transport-ws.
func (transportProto) ended(id, msg string) []byte {
	return transportError(id, qerr.ErrorType(qerr.Unavailable), msg)
}

// Close codes graphql-transport-ws defines.
const (
	closeUnauthorized    = 4401
	closeForbidden       = 4403
	closeInitTimeout     = 4408
	closeDuplicateID     = 4409
	closeTooManyInits    = 4429
	closeBadMessage      = 4400
	transportSubprotocol = "graphql-transport-ws"
)

// IsTransport reports whether r opens a graphql-transport-ws connection.
func IsTransport(r *http.Request) bool {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return false
	}
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			if strings.TrimSpace(p) == transportSubprotocol {
				return true
			}
		}
	}
	return false
}

type transportMessage struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// ServeTransport serves graphql-transport-ws on /graphql. Credentials come
// from connection_init's payload (the same names as HTTP headers, flat or
// under "headers"), else from the upgrade request's headers. Like
// ServeAppSync, it returns once the socket is upgraded.
func (s *Server) ServeTransport(w http.ResponseWriter, r *http.Request) {
	upgrade := map[string]string{}
	for _, k := range []string{"X-Api-Key", "Authorization"} {
		if v := r.Header.Get(k); v != "" {
			upgrade[k] = v
		}
	}
	ws, err := s.accept(w, r, transportSubprotocol)
	if err != nil {
		return
	}
	if s.full() {
		go refuse(ws, websocket.CloseTryAgainLater, "too many connections")
		return
	}
	c := s.newConn(r.Context(), ws, transportProto{})
	c.closeUnlessInitialised(closeInitTimeout, "connection initialisation timeout")
	t := &transportConn{conn: c, upgrade: upgrade}
	go c.readLoop(nil, t.handle)
}

// transportConn is what a graphql-transport-ws connection's read loop
// keeps.
type transportConn struct {
	*conn
	// upgrade holds the credentials of the upgrade request.
	upgrade  map[string]string
	identity auth.Identity
	acked    bool
}

// handle answers one client message; false when it closed the connection.
func (c *transportConn) handle(raw []byte) bool {
	s := c.srv
	m, err := decodeTransport(raw)
	if err != nil {
		c.closeWith(closeBadMessage, "messages are JSON objects")
		return false
	}
	switch m.Type {
	case "connection_init":
		if c.acked {
			c.closeWith(closeTooManyInits, "too many initialisation requests")
			return false
		}
		creds := initCredentials(m.Payload)
		if len(creds) == 0 {
			creds = c.upgrade
		}
		id, err := s.authenticate(c.ctx, creds)
		if err != nil {
			c.closeWith(closeForbidden, qerr.ClientMessage(err, false))
			return false
		}
		c.identity, c.acked = id, true
		c.initialised()
		c.send([]byte(`{"type":"connection_ack"}`))
	case "ping":
		c.send([]byte(`{"type":"pong"}`))
	case "pong":
	case "subscribe":
		if !c.acked {
			c.closeWith(closeUnauthorized, "Unauthorized")
			return false
		}
		c.mu.Lock()
		_, dup := c.subs[m.ID]
		c.mu.Unlock()
		if dup {
			c.closeWith(closeDuplicateID, "Subscriber for "+m.ID+" already exists")
			return false
		}
		s.transportSubscribe(c.ctx, c.conn, m, c.identity)
	case "complete":
		c.end(m.ID)
	default:
		c.closeWith(closeBadMessage, "unknown message type "+m.Type)
		return false
	}
	return true
}

// decodeTransport reads one client message of graphql-transport-ws. It is
// apart from the read loop so that it can be fuzzed on its own.
func decodeTransport(raw []byte) (transportMessage, error) {
	var m transportMessage
	err := json.Unmarshal(raw, &m)
	return m, err
}

// readSubscribe reads a subscribe message's request, or gives the error
// frame to answer it with.
func readSubscribe(m transportMessage) (pipeline.Request, []byte) {
	var req pipeline.Request
	if json.Unmarshal(m.Payload, &req) != nil || strings.TrimSpace(req.Query) == "" {
		return req, transportError(m.ID, "BadRequestException", `payload must be {"query": "...", "variables": {...}}`)
	}
	return req, nil
}

func (s *Server) transportSubscribe(ctx context.Context, c *conn, m transportMessage, id auth.Identity) {
	req, bad := readSubscribe(m)
	if bad != nil {
		c.send(bad)
		return
	}
	err := c.start(m.ID, req, id)
	if err == pipeline.ErrNotSubscription {
		// Queries and mutations are answered once, then completed.
		resp := s.Engine().Serve(ctx, req, "ws-"+m.ID, id)
		var b bytes.Buffer
		b.WriteString(`{"id":`)
		writeString(&b, m.ID)
		b.WriteString(`,"type":"next","payload":`)
		_ = resp.WriteJSON(&b)
		b.WriteString("}")
		c.send(b.Bytes())
		c.send(frame(map[string]any{"id": m.ID, "type": "complete"}))
		return
	}
	if err != nil {
		c.send(transportError(m.ID, errorType(err), qerr.ClientMessage(err, false)))
	}
}

func transportError(id, errorType, msg string) []byte {
	return frame(map[string]any{"id": id, "type": "error", "payload": []map[string]any{{"message": msg, "extensions": map[string]any{"errorType": errorType}, "errorType": errorType}}})
}

// initCredentials reads credentials from connection_init's payload.
func initCredentials(raw json.RawMessage) map[string]string {
	var p map[string]any
	if json.Unmarshal(raw, &p) != nil {
		return nil
	}
	if h, ok := p["headers"].(map[string]any); ok {
		p = h
	}
	out := map[string]string{}
	for k, v := range p {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return credentialsOnly(out)
}

// truncate keeps a close reason within the 123 bytes WebSocket allows:
// with a longer one the close frame could not be sent, and the client
// would see the socket drop without the code meant. It cuts at a rune
// boundary, since a reason must be UTF-8 (a client may fail the
// connection on a cut rune).
func truncate(s string) string {
	if len(s) <= 120 {
		return s
	}
	n := 120
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
