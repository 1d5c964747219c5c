package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/coder/websocket"
)

// TestServeCompresses: serve (--compress is on by default) answers a large
// list with brotli or gzip as the client asks, decoding to the JSON an
// uncompressed answer has; a client that asks for neither, and a small
// answer, get plain JSON; subscriptions over a WebSocket still work when
// the upgrade request offers compression.
func TestServeCompresses(t *testing.T) {
	url := startServe(t)
	// Go's transport would ask for gzip and decode it unseen.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	call := func(t *testing.T, acceptEncoding, query string) (*http.Response, []byte) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("content-type", "application/json")
		req.Header.Set("x-api-key", "da2-live")
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if cl := resp.Header.Get("Content-Length"); cl != "" && cl != fmt.Sprint(len(raw)) {
			t.Errorf("Content-Length %s, body %d bytes", cl, len(raw))
		}
		return resp, raw
	}
	// A subscriber on the graphql-transport-ws socket at /graphql, whose
	// upgrade request offers br and gzip: the upgrade must not be wrapped.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(url, "http://"), &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Accept-Encoding": {"br, gzip"}},
	})
	if err != nil {
		t.Fatalf("WebSocket with Accept-Encoding: br, gzip: %v", err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	defer ws.CloseNow()
	sub := &wsClient{t: t, ws: ws}
	sub.send(map[string]any{"type": "connection_init", "payload": map[string]any{"x-api-key": "da2-live"}})
	if m := sub.read(); m["type"] != "connection_ack" {
		t.Fatalf("ack: %v", m)
	}
	sub.send(map[string]any{"id": "s", "type": "subscribe", "payload": map[string]any{"query": `subscription { onCreateEvent { name } }`}})
	// Messages are handled in order: the pong says the subscription is in.
	sub.send(map[string]any{"type": "ping"})
	if m := sub.read(); m["type"] != "pong" {
		t.Fatalf("pong: %v", m)
	}

	// Enough events for a list well over the 1 KB threshold.
	for i := range 40 {
		q := fmt.Sprintf(`mutation { createEvent(input: {venue_id: 1, name: "Compressed night %d with a long enough name", starts_at: "2027-02-%02dT20:00:00Z", is_sold_out: false, price: 12.5}) { id } }`, i, i%28+1)
		resp, raw := call(t, "br, gzip", q)
		if resp.StatusCode != 200 || bytes.Contains(raw, []byte(`"errors"`)) {
			t.Fatalf("createEvent: %d %s", resp.StatusCode, raw)
		}
		if i == 0 {
			if m := sub.read(); m["type"] != "next" || !strings.Contains(fmt.Sprint(m["payload"]), "Compressed night 0") {
				t.Fatalf("subscriber got %v", m)
			}
		}
	}

	const list = `{ listEvents(limit: 100) { items { id name starts_at price is_sold_out venue { name city } } } }`
	plainResp, plain := call(t, "", list)
	if ce := plainResp.Header.Get("Content-Encoding"); ce != "" {
		t.Fatalf("no Accept-Encoding, yet Content-Encoding %q", ce)
	}
	if len(plain) < 4096 {
		t.Fatalf("list is %d bytes; the test needs one well over the threshold", len(plain))
	}
	var want any
	if err := json.Unmarshal(plain, &want); err != nil {
		t.Fatal(err)
	}
	decode := map[string]func([]byte) ([]byte, error){
		"gzip": func(b []byte) ([]byte, error) {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(zr)
		},
		"br": func(b []byte) ([]byte, error) { return io.ReadAll(brotli.NewReader(bytes.NewReader(b))) },
		"":   func(b []byte) ([]byte, error) { return b, nil },
	}
	for _, tc := range []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "gzip"}, // a browser's; gzip on a tie
		{"br;q=0.5, gzip", "gzip"},
		{"gzip;q=0, br;q=0", ""},
		{"identity", ""},
		{"*", "gzip"},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			resp, raw := call(t, tc.accept, list)
			if got := resp.Header.Get("Content-Encoding"); got != tc.want {
				t.Fatalf("Content-Encoding %q, want %q", got, tc.want)
			}
			if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("Vary %q lacks Accept-Encoding", resp.Header.Values("Vary"))
			}
			out, err := decode[tc.want](raw)
			if err != nil {
				t.Fatalf("decode %s: %v", tc.want, err)
			}
			var got any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("decoded body is not JSON: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s answer decodes to other JSON than the plain one", tc.want)
			}
			if tc.want != "" {
				t.Logf("%s: %d bytes → %d (%.1f×)", tc.want, len(plain), len(raw), float64(len(plain))/float64(len(raw)))
			}
		})
	}
	// A small answer stays as it is, with its length.
	resp2, raw := call(t, "br, gzip", `{ __typename }`)
	if ce := resp2.Header.Get("Content-Encoding"); ce != "" || !bytes.Contains(raw, []byte("Query")) {
		t.Errorf("small answer: Content-Encoding %q, body %s", ce, raw)
	}
}

// TestServeCompressOff: --compress=false answers plain whatever the
// client accepts.
func TestServeCompressOff(t *testing.T) {
	url := startServe(t, "--compress=false")
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	for i := range 30 {
		b, _ := json.Marshal(map[string]string{"query": fmt.Sprintf(`mutation { createEvent(input: {venue_id: 2, name: "Plain night %d with a long enough name", starts_at: "2027-04-01T20:00:00Z", is_sold_out: false}) { id } }`, i)})
		q := string(b)
		if code, out := post(t, url, map[string]string{"x-api-key": "da2-live"}, q); code != 200 || strings.Contains(out, `"errors"`) {
			t.Fatalf("createEvent: %d %s", code, out)
		}
	}
	body := `{"query": "{ listEvents(limit: 100) { items { id name starts_at price venue { name city } } } }"}`
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("x-api-key", "da2-live")
	req.Header.Set("Accept-Encoding", "br, gzip")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ce := resp.Header.Get("Content-Encoding"); ce != "" || !json.Valid(raw) || len(raw) < 2048 {
		t.Errorf("--compress=false: Content-Encoding %q, %d bytes, valid JSON %v", ce, len(raw), json.Valid(raw))
	}
}
