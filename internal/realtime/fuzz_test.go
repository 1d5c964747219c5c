package realtime

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quarrydata/quarry/internal/qerr"
)

// isCredential reports whether a header name may be passed on to
// authentication: the client also sends host, x-amz-date and its user
// agent, which must not be.
func isCredential(k string) bool {
	switch strings.ToLower(k) {
	case "x-api-key", "authorization":
		return true
	}
	return false
}

// checkFrame fails unless frame is one JSON object with the given type
// and, when id is not empty, that id.
func checkFrame(t *testing.T, frame []byte, typ, id string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(frame, &m); err != nil {
		t.Fatalf("frame is not a JSON object: %v\n%q", err, frame)
	}
	if m["type"] != typ {
		t.Fatalf("frame type %v, want %s: %s", m["type"], typ, frame)
	}
	if got, _ := m["id"].(string); id != "" && got != id {
		t.Fatalf("frame id %q, want %q", got, id)
	}
}

// checkData fails unless a data frame for id and key is valid JSON that
// reads back as the same id, key and object.
func checkData(t *testing.T, frame []byte, id, key string) {
	t.Helper()
	var m struct {
		ID      *string `json:"id"`
		Payload struct {
			Data map[string]json.RawMessage `json:"data"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(frame, &m); err != nil {
		t.Fatalf("data frame is not JSON: %v\n%q", err, frame)
	}
	// encoding/json writes invalid UTF-8 as U+FFFD, so compare with what
	// it makes of the strings.
	if m.ID == nil || *m.ID != strings.ToValidUTF8(id, "\uFFFD") {
		t.Fatalf("id %v, want %q", m.ID, id)
	}
	if _, ok := m.Payload.Data[strings.ToValidUTF8(key, "\uFFFD")]; !ok || len(m.Payload.Data) != 1 {
		t.Fatalf("data keys %v, want %q", m.Payload.Data, key)
	}
}

// FuzzAppSyncMessage decodes client messages of the AppSync realtime
// protocol (/graphql/realtime) and the connection's header subprotocol
// as the server reads them.
func FuzzAppSyncMessage(f *testing.F) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"host":"127.0.0.1:4300","x-api-key":"da2-key"}`))
	for _, s := range []string{
		// As aws-amplify sends them (amplify-client-wire.md §6).
		`{"type":"connection_init"}`,
		`{"id":"9b5c6f2e-2a6c-4a1e-8d3f-1c2b3a4d5e6f","payload":{"data":"{\"query\":\"subscription ($filter: ModelSubscriptionAlbumFilterInput) { onCreateAlbum(filter: $filter) { album_id title } }\",\"variables\":{\"filter\":{\"title\":{\"beginsWith\":\"The\"}}}}","extensions":{"authorization":{"x-api-key":"da2-key","host":"127.0.0.1:4300","x-amz-date":"20261124T161758Z","x-amz-user-agent":"aws-amplify/6"}}},"type":"start"}`,
		`{"id":"1","payload":{"data":"{\"query\":\"subscription { onCreateAlbum { album_id } }\"}","extensions":{"authorization":{"Authorization":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}}},"type":"start"}`,
		`{"id":"1","type":"stop"}`,
		`{"id":"","type":"start","payload":{"data":"{}"}}`,
		`{"id":"\u2028\"\\","type":"start","payload":{"data":"{\"query\":\"  \"}"}}`,
		`{"type":"ka"}`, `{"type":5}`, `[]`, `null`, ``, `{"id":"a","type":"start","payload":{"data":"{\"query\":\"q\"}","extensions":{"authorization":{"x-api-key":5}}}}`,
	} {
		f.Add([]byte(s), header)
	}
	f.Add([]byte(`{"type":"connection_init"}`), "!!not base64")
	f.Add([]byte(`{"type":"connection_init"}`), base64.StdEncoding.EncodeToString([]byte(`["x"]`)))
	f.Add([]byte(`{"type":"connection_init"}`), base64.URLEncoding.EncodeToString([]byte(`{"Authorization":"Bearer x","x-amz-date":"1"}`)))
	f.Fuzz(func(t *testing.T, raw []byte, header string) {
		r := httptest.NewRequest("GET", "/graphql/realtime", nil)
		r.Header.Set("Sec-WebSocket-Protocol", "graphql-ws, header-"+header)
		hdr, err := connectionHeader(r)
		if err != nil {
			if qerr.KindOf(err) != qerr.Unauthorized {
				t.Fatalf("header error of kind %s", qerr.KindOf(err))
			}
		}
		for k := range hdr {
			if !isCredential(k) {
				t.Fatalf("header %q passed as a credential", k)
			}
		}

		m, err := decodeAppSync(raw)
		if err != nil {
			return
		}
		switch m.Type {
		case "start":
			req, creds, bad := readStart(m, hdr)
			if bad != nil {
				checkFrame(t, bad, "error", m.ID)
				return
			}
			if m.ID == "" || strings.TrimSpace(req.Query) == "" {
				t.Fatalf("start accepted without an id or a query: %+v", m)
			}
			for k := range creds {
				if !isCredential(k) {
					t.Fatalf("%q passed as a credential", k)
				}
			}
		case "stop":
			checkFrame(t, frame(map[string]any{"id": m.ID, "type": "complete"}), "complete", m.ID)
		default:
			checkFrame(t, startError(m.ID, "BadRequestException", "unknown message type "+m.Type), "error", m.ID)
		}
		// Ids and keys are written without reflection (appendString).
		checkData(t, appsyncProto{}.data(m.ID, m.Type, json.RawMessage(`{"a":1}`)), m.ID, m.Type)
	})
}

// FuzzTransportMessage decodes client messages of graphql-transport-ws
// as the server reads them.
func FuzzTransportMessage(f *testing.F) {
	for _, s := range []string{
		// As graphql-ws (Apollo, urql) sends them.
		`{"type":"connection_init","payload":{"x-api-key":"da2-key"}}`,
		`{"type":"connection_init","payload":{"headers":{"Authorization":"Bearer x","host":"h"}}}`,
		`{"type":"connection_init"}`,
		`{"id":"01HZ","type":"subscribe","payload":{"query":"subscription { onCreateAlbum { album_id } }","variables":{},"operationName":null,"extensions":{}}}`,
		`{"id":"2","type":"subscribe","payload":{"query":"query { listAlbums { items { title } } }"}}`,
		`{"id":"3","type":"subscribe","payload":"query"}`,
		`{"id":"3","type":"complete"}`, `{"type":"ping","payload":{}}`, `{"type":"pong"}`,
		`{"id":"` + strings.Repeat("é", 70) + `","type":"subscribe","payload":{"query":" "}}`,
		`{"type":"` + strings.Repeat("x", 200) + `"}`, `{"payload":[1]}`, `"x"`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := decodeTransport(raw)
		if err != nil {
			return
		}
		switch m.Type {
		case "connection_init":
			for k := range initCredentials(m.Payload) {
				if !isCredential(k) {
					t.Fatalf("%q passed as a credential", k)
				}
			}
		case "subscribe":
			req, bad := readSubscribe(m)
			if bad != nil {
				var f map[string]any
				if err := json.Unmarshal(bad, &f); err != nil || f["type"] != "error" {
					t.Fatalf("bad error frame %q", bad)
				}
			} else if strings.TrimSpace(req.Query) == "" {
				t.Fatal("subscribe accepted without a query")
			}
		}
		// Close reasons built from the message must fit a close frame and
		// stay UTF-8, or the library sends 1011 instead of the code meant.
		for _, reason := range []string{truncate("Subscriber for " + m.ID + " already exists"), truncate("unknown message type " + m.Type)} {
			if len(reason) > 123 {
				t.Fatalf("close reason of %d bytes", len(reason))
			}
			if utf8.ValidString(m.ID+m.Type) && !utf8.ValidString(reason) {
				t.Fatalf("close reason %q is not UTF-8", reason)
			}
		}
		checkData(t, transportProto{}.data(m.ID, m.Type, json.RawMessage(`null`)), m.ID, m.Type)
	})
}
