package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept []string
		want   string
	}{
		{nil, ""},
		{[]string{""}, ""},
		{[]string{"gzip"}, "gzip"},
		{[]string{"br"}, "br"},
		{[]string{"gzip, deflate, br, zstd"}, "gzip"},
		{[]string{"gzip;q=1.0, br;q=1.0"}, "gzip"},
		{[]string{"br;q=0.8, gzip;q=0.9"}, "gzip"},
		{[]string{"BR;Q=0.9, GZIP;q=0.8"}, "br"},
		{[]string{"gzip;q=0.5", "br"}, "br"}, // two header lines
		{[]string{"br;q=0, gzip"}, "gzip"},
		{[]string{"br;q=0, gzip;q=0"}, ""},
		{[]string{"*"}, "gzip"},
		{[]string{"*;q=0.5, br;q=0.1"}, "gzip"},
		{[]string{"gzip;q=0, *"}, "br"},
		{[]string{"br;q=high, gzip"}, "gzip"}, // malformed q: not sent
		{[]string{"br;q=2"}, ""},
		{[]string{"identity, deflate"}, ""},
		{[]string{"x-gzip"}, "gzip"},
	}
	for _, tt := range tests {
		if got := negotiate(tt.accept); got != tt.want {
			t.Errorf("negotiate(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

// TestCompressor: what a client sees of a handler behind the compressor.
func TestCompressor(t *testing.T) {
	big := strings.Repeat(`{"id":1,"name":"Late set"},`, 200)
	tests := []struct {
		name    string
		accept  string
		header  http.Header // request headers besides Accept-Encoding
		method  string
		handler http.HandlerFunc
		wantEnc string
		wantCT  string
	}{
		{name: "br", accept: "br", wantEnc: "br", handler: jsonOf(big)},
		{name: "gzip", accept: "gzip", wantEnc: "gzip", handler: jsonOf(big)},
		{name: "none asked", handler: jsonOf(big)},
		{name: "small stays plain (br)", accept: "br", handler: jsonOf(big[:500])},
		{name: "small stays plain (gzip)", accept: "gzip", handler: jsonOf(big[:500])},
		{name: "HEAD", accept: "br", method: http.MethodHead, handler: jsonOf(big)},
		{name: "already encoded", accept: "br", wantEnc: "identity-test", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "identity-test")
			_, _ = io.WriteString(w, big)
		}},
		{name: "compressed type", accept: "br", wantCT: "image/jpeg", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "image/jpeg")
			_, _ = io.WriteString(w, big)
		}},
		{name: "type sniffed", accept: "br", wantEnc: "br", wantCT: "text/plain; charset=utf-8", handler: func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, strings.Repeat("plain text ", 200))
		}},
		{name: "in small writes", accept: "br", wantEnc: "br", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "99999") // wrong once compressed: dropped
			for i := 0; i < len(big); i += 100 {
				_, _ = io.WriteString(w, big[i:min(i+100, len(big))])
			}
		}},
		{name: "flushed early", accept: "br", wantEnc: "br", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "data: 1\n\n")
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, big)
		}},
		{name: "upgrade untouched", accept: "br, gzip", header: http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}}, handler: jsonOf(big)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The handler sets Vary: Origin as cors does; both must stay.
			h := newCompressor(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Add("Vary", "Origin")
				tt.handler(w, r)
			}))
			srv := httptest.NewServer(h)
			defer srv.Close()
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequest(method, srv.URL, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			if tt.accept != "" {
				req.Header.Set("Accept-Encoding", tt.accept)
			}
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEnc {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.wantEnc)
			}
			if tt.wantCT != "" && resp.Header.Get("Content-Type") != tt.wantCT {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tt.wantCT)
			}
			vary := strings.Join(resp.Header.Values("Vary"), ",")
			if !strings.Contains(vary, "Origin") || (tt.header == nil) != strings.Contains(vary, "Accept-Encoding") {
				t.Errorf("Vary %q", vary)
			}
			if cl := resp.Header.Get("Content-Length"); cl != "" && resp.ContentLength != int64(len(raw)) && method != http.MethodHead {
				t.Errorf("Content-Length %s, body %d bytes", cl, len(raw))
			}
			if method == http.MethodHead {
				return
			}
			body := raw
			switch tt.wantEnc {
			case "br":
				body, err = io.ReadAll(brotli.NewReader(bytes.NewReader(raw)))
			case "gzip":
				var zr *gzip.Reader
				if zr, err = gzip.NewReader(bytes.NewReader(raw)); err == nil {
					body, err = io.ReadAll(zr)
				}
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			var want bytes.Buffer
			rec := httptest.NewRecorder()
			tt.handler(rec, req)
			want.Write(rec.Body.Bytes())
			if !bytes.Equal(body, want.Bytes()) {
				t.Errorf("body decodes to %d bytes, want the handler's %d", len(body), want.Len())
			}
			if tt.wantEnc == "br" || tt.wantEnc == "gzip" {
				if len(raw) >= len(body)/2 {
					t.Errorf("%s: %d bytes from %d", tt.wantEnc, len(raw), len(body))
				}
			}
		})
	}
}

func jsonOf(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = io.WriteString(w, body)
	}
}

// TestCompressorNoContent: a 204 (CORS preflight) goes out with no body
// and no Content-Encoding.
func TestCompressorNoContent(t *testing.T) {
	h := newCompressor(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for _, enc := range []string{"br", "gzip"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Accept-Encoding", enc)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent || rec.Header().Get("Content-Encoding") != "" || rec.Body.Len() != 0 {
			t.Errorf("%s: %d %q %d bytes", enc, rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.Len())
		}
	}
}
