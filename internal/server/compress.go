package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzhttp"
)

// Compression of responses (Server.Compress): brotli or gzip, whichever the
// client's Accept-Encoding weighs higher, brotli on a tie. gzip is
// klauspost/compress's gzhttp; it has no brotli, so brotliWriter below
// does the same job with andybalholm/brotli. Either way a response under
// CompressMinSize bytes, one already encoded (promhttp compresses /metrics
// itself) or of a type that is compressed already goes out as it is, and
// every response says Vary: Accept-Encoding.
//
// WebSocket upgrades (subscriptions at /graphql/realtime and
// graphql-transport-ws at /graphql) are never wrapped: the connection is
// hijacked, and a buffering writer in between would break it.

// CompressMinSize is the smallest response body compressed (gzhttp's
// default): below it the framing costs more than it saves.
const CompressMinSize = gzhttp.DefaultMinSize

// brotliLevel trades ratio for CPU. On a 1,000-row Chinook list (148 KB)
// level 4 gives 30.1 KB in 2.7 ms, about gzip's size at three times its
// CPU (gzip: 30.3 KB, 0.93 ms); levels 1 and 3 save little time
// (BenchmarkCompression). A client offering only br still gets a smaller
// answer than plain.
const brotliLevel = 4

// compressor wraps the server's handler.
type compressor struct {
	next   http.Handler
	gzip   http.Handler
	brPool sync.Pool
}

func newCompressor(next http.Handler) http.Handler {
	// Only gzip: brotli is ours, and zstd is left out so that what a
	// client gets is one of the two encodings the README describes.
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(CompressMinSize), gzhttp.EnableZstd(false))
	if err != nil {
		// The options are constants; an error is a programming mistake.
		panic("gzhttp: " + err.Error())
	}
	c := &compressor{next: next, gzip: wrap(next)}
	c.brPool.New = func() any { return brotli.NewWriterLevel(nil, brotliLevel) }
	return c
}

func (c *compressor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isUpgrade(r) {
		c.next.ServeHTTP(w, r)
		return
	}
	enc := ""
	if r.Method != http.MethodHead {
		enc = negotiate(r.Header.Values("Accept-Encoding"))
	}
	switch enc {
	case "gzip":
		// gzhttp reads Accept-Encoding again; give it the decision, so a
		// "*" or a q-value it weighs differently cannot change it.
		r2 := new(http.Request)
		*r2 = *r
		r2.Header = r.Header.Clone()
		r2.Header.Set("Accept-Encoding", "gzip")
		c.gzip.ServeHTTP(w, r2)
	case "br":
		w.Header().Add("Vary", "Accept-Encoding")
		bw := &brotliWriter{ResponseWriter: w, pool: &c.brPool}
		defer bw.close()
		c.next.ServeHTTP(bw, r)
	default:
		w.Header().Add("Vary", "Accept-Encoding")
		c.next.ServeHTTP(w, r)
	}
}

// isUpgrade reports a request to switch protocols (a WebSocket).
func isUpgrade(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return true
	}
	for _, v := range r.Header.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}

// negotiate picks "br", "gzip" or "" (none) from Accept-Encoding values
// (RFC 9110 §12.5.3): the coding with the higher q wins, gzip on a tie
// (browsers offer both equally; pure-Go brotli costs about 3× gzip's CPU
// for 1% fewer bytes on API responses), "*" stands for a coding not named, q=0
// refuses one, and an element with a malformed q counts as not sent.
func negotiate(values []string) string {
	br, gz, star := -1.0, -1.0, -1.0
	for _, v := range values {
		for _, el := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(el, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			ok := true
			for _, p := range strings.Split(params, ";") {
				name, val, found := strings.Cut(strings.TrimSpace(p), "=")
				if !found || !strings.EqualFold(strings.TrimSpace(name), "q") {
					continue
				}
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					ok = false
					break
				}
				q = f
			}
			if !ok {
				continue
			}
			switch coding {
			case "br":
				br = q
			case "gzip", "x-gzip":
				gz = max(gz, q)
			case "*":
				star = q
			}
		}
	}
	if br < 0 {
		br = star
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case br > 0 && br > gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// brotliWriter buffers the first CompressMinSize bytes of a response, then
// decides: brotli when the response is big enough, not encoded yet and of
// a type worth compressing; as it is otherwise.
type brotliWriter struct {
	http.ResponseWriter
	pool *sync.Pool

	status  int
	buf     []byte
	decided bool
	bw      *brotli.Writer
}

// Unwrap lets http.ResponseController reach the connection (the server
// sets read deadlines through it).
func (w *brotliWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *brotliWriter) WriteHeader(code int) {
	if code < 200 {
		// 1xx (103 Early Hints) go out at once and do not end the header.
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.status == 0 {
		w.status = code
	}
}

func (w *brotliWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.decided {
		if w.bw != nil {
			return w.bw.Write(p)
		}
		return w.ResponseWriter.Write(p)
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) >= CompressMinSize {
		if err := w.decide(true); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// decide sends the header, brotli-encoded when big says the body is large
// enough and nothing rules it out, and the bytes buffered so far.
func (w *brotliWriter) decide(big bool) error {
	w.decided = true
	h := w.Header()
	if h.Get("Content-Type") == "" && len(w.buf) > 0 {
		// What net/http would do, done here so the type can be checked.
		h.Set("Content-Type", http.DetectContentType(w.buf))
	}
	compress := big && len(w.buf) > 0 && h.Get("Content-Encoding") == "" &&
		w.status != http.StatusNoContent && w.status != http.StatusNotModified && w.status != http.StatusPartialContent &&
		gzhttp.DefaultContentTypeFilter(h.Get("Content-Type"))
	if compress {
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		h.Set("Content-Encoding", "br")
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et)
		}
		w.bw = w.pool.Get().(*brotli.Writer)
		w.bw.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(w.status)
	if len(w.buf) == 0 {
		return nil
	}
	var err error
	if w.bw != nil {
		_, err = w.bw.Write(w.buf)
	} else {
		_, err = w.ResponseWriter.Write(w.buf)
	}
	w.buf = nil
	return err
}

// Flush sends what is buffered now, compressed when it can be (a handler
// that flushes streams, and must not wait for CompressMinSize bytes).
func (w *brotliWriter) Flush() {
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		_ = w.decide(len(w.buf) > 0)
	}
	if w.bw != nil {
		_ = w.bw.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// close ends the response: a body under CompressMinSize goes out as it is.
func (w *brotliWriter) close() {
	if !w.decided {
		if w.status == 0 {
			// The handler wrote nothing: net/http answers 200.
			return
		}
		_ = w.decide(false)
	}
	if w.bw != nil {
		_ = w.bw.Close()
		w.bw.Reset(nil)
		w.pool.Put(w.bw)
		w.bw = nil
	}
}
