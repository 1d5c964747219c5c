package bench

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/server"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/testdb"
)

// BenchmarkCompression prices --compress on a 1,000-row Chinook list
// (listTracks, six fields a row) through the server's handler, one request
// at a time in this process, side by side: plain, gzip and brotli
// (Accept-Encoding picks). "request" runs the whole request (PostgreSQL
// included); "encode" writes the same captured response body through the
// same handler chain without the database, so its time is the
// compression's CPU alone. Reported: wire bytes per response and the
// ratio to the plain body (x_smaller).
//
//	go test ./bench -run '^$' -bench Compression -benchtime 200x
func BenchmarkCompression(b *testing.B) {
	db := testdb.New(b, testdb.Postgres)
	db.LoadChinook(b, true)
	db.Exec(b, "ANALYZE")
	cdb, cat := openCatalog(b, db.URI)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng := benchEngine(b, cat, postgres.Compiler{}, exec.New(cdb.SQL, exec.Options{PoolSize: 4}), log)
	srv := server.New(eng, benchAuth(b), log)
	srv.Compress = true
	body := []byte(`{"query": "{ listTracks(limit: 1000) { items { track_id name composer milliseconds bytes unit_price } } }"}`)
	// The captured answer, served again without the database.
	var captured []byte
	srv.Mount("/captured", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = w.Write(captured)
	}))
	h := srv.Handler()
	do := func(path, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("x-api-key", benchKey)
		req.Header.Set("Content-Type", "application/json")
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.Bytes()[:min(200, rec.Body.Len())])
		}
		return rec
	}
	captured = do("/graphql", "").Body.Bytes()
	if bytes.Contains(captured, []byte(`"errors"`)) || bytes.Count(captured, []byte(`"track_id"`)) != 1000 {
		b.Fatalf("want 1,000 tracks and no errors: %.300s", captured)
	}
	for _, part := range []struct{ name, path string }{{"request", "/graphql"}, {"encode", "/captured"}} {
		for _, side := range []struct{ name, accept, want string }{{"plain", "", ""}, {"gzip", "gzip", "gzip"}, {"br", "br", "br"}} {
			b.Run(part.name+"/"+side.name, func(b *testing.B) {
				var wire int
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					rec := do(part.path, side.accept)
					if got := rec.Header().Get("Content-Encoding"); got != side.want {
						b.Fatalf("Content-Encoding %q, want %q", got, side.want)
					}
					wire = rec.Body.Len()
				}
				b.ReportMetric(float64(wire), "wire_bytes")
				b.ReportMetric(float64(len(captured))/float64(wire), "x_smaller")
			})
		}
	}
}
