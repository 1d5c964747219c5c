package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestGraphiQLAssets: the page names its scripts and styles by content
// hash under /graphiql/, they are served from the binary with their
// types, cached for ever and gzipped when asked, nothing on the page
// points elsewhere, and with GraphiQL off none of it is served.
func TestGraphiQLAssets(t *testing.T) {
	url := startWith(t, testKey, nil)
	get := func(path string, gz bool) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url+path, nil)
		if gz {
			// Set by hand, the transport leaves the body compressed.
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			r = zr
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return resp, raw
	}
	resp, page := get("/", false)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		resp.Header.Get("Cache-Control") != "no-cache" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Fatalf("/: %d %v", resp.StatusCode, resp.Header)
	}
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]`).Find(page); m != nil {
		t.Errorf("the page names another origin (%s):\n%s", m, page)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/graphiql/[^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(refs) != 3 {
		t.Fatalf("want 3 assets on the page, got %v:\n%s", refs, page)
	}
	for _, ref := range refs {
		path := ref[1]
		if !regexp.MustCompile(`^/graphiql/[a-z]+\.[0-9a-f]{12}\.(js|css)$`).MatchString(path) {
			t.Errorf("%s: not a content-hashed path", path)
		}
		want := "text/javascript; charset=utf-8"
		if strings.HasSuffix(path, ".css") {
			want = "text/css; charset=utf-8"
		}
		for _, gz := range []bool{false, true} {
			resp, body := get(path, gz)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != want || len(body) == 0 ||
				resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
				(resp.Header.Get("Content-Encoding") == "gzip") != gz {
				t.Errorf("%s (gzip %v): %d %v, %d bytes", path, gz, resp.StatusCode, resp.Header, len(body))
			}
		}
	}
	if resp, body := get("/graphiql/THIRD_PARTY.txt", false); resp.StatusCode != 200 || !strings.Contains(string(body), "graphiql@") {
		t.Errorf("THIRD_PARTY.txt: %d %.200s", resp.StatusCode, body)
	}
	if resp, _ := get("/graphiql/graphiql.000000000000.js", false); resp.StatusCode != 404 {
		t.Errorf("an unknown asset: %d, want 404", resp.StatusCode)
	}

	off := startWith(t, testKey, func(s *Server) { s.GraphiQL = false })
	for _, ref := range append(refs, []string{"", "/graphiql/THIRD_PARTY.txt"}) {
		resp, err := http.Get(off + ref[1])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s with GraphiQL off: %d, want 404", ref[1], resp.StatusCode)
		}
	}
}

// TestAcceptsGzip reads Accept-Encoding as browsers and proxies send it.
func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"gzip":                    true,
		"gzip, deflate, br, zstd": true,
		"br;q=1.0, GZIP;q=0.5":    true,
		"gzip;q=0":                false,
		"identity":                false,
		"deflate, gzip ; q = 0":   false,
		"x-gzip":                  false,
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Accept-Encoding", header)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", header, got, want)
		}
	}
}
