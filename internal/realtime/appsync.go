package realtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/qerr"
)

// appsyncProto frames messages of the AppSync realtime protocol
// (amplify-client-wire.md §6).
type appsyncProto struct{}

func (appsyncProto) id() int { return protoAppSync }

func (appsyncProto) data(id, key string, obj json.RawMessage) []byte {
	return dataFrame(`{"type":"data","id":`, id, key, obj)
}

// ended is the error AppSync ends a subscription with; the client hands it
// to the subscription's observer, which is then done.
func (appsyncProto) ended(id, msg string) []byte {
	return startError(id, qerr.ErrorType(qerr.Unavailable), msg)
}

// dataFrame writes head, the id, then {"payload":{"data":{key: obj}}}
// without reflection: it runs once per subscriber and event.
func dataFrame(head, id, key string, obj json.RawMessage) []byte {
	b := make([]byte, 0, len(head)+len(id)+len(key)+len(obj)+40)
	b = append(b, head...)
	b = appendString(b, id)
	b = append(b, `,"payload":{"data":{`...)
	b = appendString(b, key)
	b = append(b, ':')
	b = append(b, obj...)
	return append(b, "}}}"...)
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			raw, _ := json.Marshal(s)
			return append(b, raw...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func frame(v any) []byte {
	raw, _ := json.Marshal(v)
	return raw
}

type appsyncMessage struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Payload struct {
		Data       string `json:"data"`
		Extensions struct {
			Authorization map[string]any `json:"authorization"`
		} `json:"extensions"`
	} `json:"payload"`
}

// ServeAppSync serves the AppSync realtime protocol (/graphql/realtime).
// It returns once the socket is upgraded, and the connection is read
// from a goroutine of its own (readLoop): a handler that stayed would keep
// net/http's buffers and the stack it grew parsing the request for the
// life of every subscriber.
func (s *Server) ServeAppSync(w http.ResponseWriter, r *http.Request) {
	hdr, herr := connectionHeader(r)
	ws, err := s.accept(w, r, "graphql-ws")
	if err != nil {
		return
	}
	if ws.Subprotocol() != "graphql-ws" {
		go refuse(ws, websocket.CloseProtocolError, "offer the subprotocol graphql-ws")
		return
	}
	if s.full() {
		go refuse(ws, websocket.CloseTryAgainLater, "too many connections")
		return
	}
	c := s.newConn(r.Context(), ws, appsyncProto{})
	c.closeUnlessInitialised(websocket.ClosePolicyViolation, "no connection_init")
	a := &appsyncConn{conn: c, hdr: hdr}
	go c.readLoop(func() bool { return a.open(herr) }, a.handle)
}

// appsyncConn is what an AppSync connection's read loop keeps.
type appsyncConn struct {
	*conn
	// hdr holds the credentials the client sent when connecting.
	hdr map[string]string
}

// open checks the connection's own credentials up front, as AppSync does
// (every start is checked again with its own); herr is why they could
// not be read.
func (c *appsyncConn) open(herr error) bool {
	if herr == nil && c.hdr != nil {
		_, herr = c.srv.authenticate(c.ctx, c.hdr)
	}
	if herr == nil {
		return true
	}
	// Nothing is queued yet, so this goroutine may write itself.
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	_ = c.ws.WriteMessage(websocket.TextMessage, frame(map[string]any{"type": "connection_error", "payload": map[string]any{
		"errors": []map[string]any{{"errorType": "UnauthorizedException", "errorCode": 401, "message": qerr.ClientMessage(herr, false)}}}}))
	c.closeWith(websocket.CloseNormalClosure, "unauthorized")
	return false
}

// handle answers one client message.
func (c *appsyncConn) handle(raw []byte) bool {
	s := c.srv
	m, err := decodeAppSync(raw)
	if err != nil {
		c.send(frame(map[string]any{"type": "error", "payload": map[string]any{"errors": []map[string]any{{"errorType": "BadRequestException", "message": "messages are JSON objects"}}}}))
		return true
	}
	switch m.Type {
	case "connection_init":
		c.initialised()
		c.send(frame(map[string]any{"type": "connection_ack", "payload": map[string]any{
			"connectionTimeoutMs": orDur(s.ConnectionTimeout, DefaultConnectionTimeout).Milliseconds()}}))
		// The client counts time from before the socket opened, so the
		// first keep-alive goes out at once (wire §6.5).
		ka := []byte(`{"type":"ka"}`)
		c.send(ka)
		c.ka.Store(&ka)
	case "start":
		c.send(s.appsyncStart(c.ctx, c.conn, m, c.hdr))
	case "stop":
		c.end(m.ID)
		c.send(frame(map[string]any{"id": m.ID, "type": "complete"}))
	default:
		c.send(startError(m.ID, "BadRequestException", "unknown message type "+m.Type))
	}
	return true
}

// decodeAppSync reads one client message of the AppSync protocol. It is
// apart from the read loop so that it can be fuzzed on its own.
func decodeAppSync(raw []byte) (appsyncMessage, error) {
	var m appsyncMessage
	err := json.Unmarshal(raw, &m)
	return m, err
}

// readStart reads a start message: the request, and the credentials to
// check it with (the message's own, else the connection's, hdr). A start
// that cannot run gives instead the error frame to answer it with.
func readStart(m appsyncMessage, hdr map[string]string) (pipeline.Request, map[string]string, []byte) {
	var req pipeline.Request
	if m.ID == "" {
		return req, nil, startError("", "BadRequestException", "start needs an id")
	}
	if err := json.Unmarshal([]byte(m.Payload.Data), &req); err != nil || strings.TrimSpace(req.Query) == "" {
		return req, nil, startError(m.ID, "BadRequestException", `payload.data must be the JSON text of {"query": "...", "variables": {...}}`)
	}
	creds := hdr
	if a := m.Payload.Extensions.Authorization; len(a) > 0 {
		creds = map[string]string{}
		for k, v := range a {
			if sv, ok := v.(string); ok {
				creds[k] = sv
			}
		}
	}
	return req, credentialsOnly(creds), nil
}

func (s *Server) appsyncStart(ctx context.Context, c *conn, m appsyncMessage, hdr map[string]string) []byte {
	req, creds, bad := readStart(m, hdr)
	if bad != nil {
		return bad
	}
	id, err := s.authenticate(ctx, creds)
	if err != nil {
		return startError(m.ID, "UnauthorizedException", qerr.ClientMessage(err, false))
	}
	if err := c.start(m.ID, req, id); err != nil {
		return startError(m.ID, errorType(err), qerr.ClientMessage(err, false))
	}
	return frame(map[string]any{"id": m.ID, "type": "start_ack"})
}

// credentialsOnly keeps the header names that carry credentials: the
// client also sends host, x-amz-date and its user agent.
func credentialsOnly(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		switch strings.ToLower(k) {
		case "x-api-key", "authorization":
			out[k] = v
		}
	}
	return out
}

func errorType(err error) string {
	switch qerr.KindOf(err) {
	case qerr.Forbidden:
		return "Unauthorized"
	case qerr.Unauthorized:
		return "UnauthorizedException"
	}
	return qerr.ErrorType(qerr.KindOf(err))
}

func startError(id, errorType, msg string) []byte {
	m := map[string]any{"type": "error", "payload": map[string]any{"errors": []map[string]any{{"errorType": errorType, "message": msg}}}}
	if id != "" {
		m["id"] = id
	}
	return frame(m)
}

// connectionHeader reads the credentials a client sent when connecting:
// the header-<base64url JSON> subprotocol of current clients, or the
// ?header=<base64 JSON> of older ones. nil when there are none.
func connectionHeader(r *http.Request) (map[string]string, error) {
	var encoded string
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			if h, ok := strings.CutPrefix(strings.TrimSpace(p), "header-"); ok {
				encoded = h
			}
		}
	}
	if encoded == "" {
		encoded = r.URL.Query().Get("header")
	}
	if encoded == "" {
		return nil, nil
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if raw, err = enc.DecodeString(encoded); err == nil {
			break
		}
	}
	if err != nil {
		return nil, qerr.New(qerr.Unauthorized, "the connection's header is not base64")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, qerr.New(qerr.Unauthorized, "the connection's header is not a JSON object")
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return credentialsOnly(out), nil
}
