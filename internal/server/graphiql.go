package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// The GraphiQL page and its assets, all served from the binary: the page
// works with no network but the API's own origin. graphiql/graphiql.js and
// graphiql.css are built from npm by scripts/graphiql-assets.sh
// (tools/graphiql pins the versions); THIRD_PARTY.txt has their licences.
var (
	//go:embed graphiql.html
	graphiqlHTML string
	//go:embed graphiql/graphiql.js graphiql/graphiql.css graphiql/page.js graphiql/THIRD_PARTY.txt
	graphiqlFiles embed.FS
)

// graphiqlPrefix is where the assets are served.
const graphiqlPrefix = "/graphiql/"

// graphiqlCSP keeps the page to its own origin: it loads scripts, styles
// and connections from the API alone (fonts and icons are data: URLs
// inside the CSS), so a bundle that tried to reach a CDN would fail at
// once rather than silently depend on one. GraphiQL sets inline styles.
const graphiqlCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// graphiqlAsset is one served file: under a path with its content's hash
// (so it may be cached for ever) unless it is the licence text.
type graphiqlAsset struct {
	contentType string
	body, gz    []byte
	immutable   bool
}

type graphiqlSite struct {
	page   []byte
	assets map[string]*graphiqlAsset
}

// graphiqlBuild is computed once, on first use, from the embedded files;
// it never changes afterwards.
var graphiqlBuild = sync.OnceValues(buildGraphiQL)

func buildGraphiQL() (*graphiqlSite, error) {
	site := &graphiqlSite{assets: map[string]*graphiqlAsset{}}
	urls := map[string]string{}
	for _, f := range []struct{ name, key, contentType string }{
		{"graphiql.js", "JS", "text/javascript; charset=utf-8"},
		{"graphiql.css", "CSS", "text/css; charset=utf-8"},
		{"page.js", "Page", "text/javascript; charset=utf-8"},
		{"THIRD_PARTY.txt", "", "text/plain; charset=utf-8"},
	} {
		body, err := graphiqlFiles.ReadFile("graphiql/" + f.name)
		if err != nil {
			return nil, fmt.Errorf("graphiql asset %s: %w", f.name, err)
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(body)
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress graphiql asset %s: %w", f.name, err)
		}
		a := &graphiqlAsset{contentType: f.contentType, body: body, gz: gz.Bytes()}
		name := f.name
		if f.key != "" {
			sum := sha256.Sum256(body)
			ext := path.Ext(name)
			name = strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
			a.immutable = true
			urls[f.key] = graphiqlPrefix + name
		}
		site.assets[name] = a
	}
	var page bytes.Buffer
	tmpl, err := template.New("graphiql").Parse(graphiqlHTML)
	if err == nil {
		err = tmpl.Execute(&page, urls)
	}
	if err != nil {
		return nil, fmt.Errorf("graphiql page: %w", err)
	}
	site.page = page.Bytes()
	return site, nil
}

// graphiql serves the GraphiQL page, which loads its assets from
// graphiqlAsset.
func (s *Server) graphiql(w http.ResponseWriter, r *http.Request) {
	if !s.GraphiQL {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	site, err := graphiqlBuild()
	if err != nil {
		s.log.Error("graphiql", "error", err.Error())
		http.Error(w, "GraphiQL is not available; POST /graphql works without it", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The page names the current assets: always ask for it afresh.
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", graphiqlCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(site.page)
}

// graphiqlAsset serves the page's scripts, styles and licences, gzipped
// when the client accepts it.
func (s *Server) graphiqlAsset(w http.ResponseWriter, r *http.Request) {
	if !s.GraphiQL {
		http.NotFound(w, r)
		return
	}
	site, err := graphiqlBuild()
	if err != nil {
		s.log.Error("graphiql", "error", err.Error())
		http.Error(w, "GraphiQL is not available", http.StatusInternalServerError)
		return
	}
	a := site.assets[strings.TrimPrefix(r.URL.Path, graphiqlPrefix)]
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept-Encoding")
	if a.immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	body := a.body
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// acceptsGzip reports whether r's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			enc, q, _ := strings.Cut(part, ";")
			if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
				continue
			}
			q = strings.ReplaceAll(q, " ", "")
			if v, err := strconv.ParseFloat(strings.TrimPrefix(q, "q="), 64); q == "" || err == nil && v > 0 {
				return true
			}
		}
	}
	return false
}
