package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/sqlgen/sqlite"
	"github.com/quarrydata/quarry/internal/telemetry"
	"github.com/quarrydata/quarry/internal/testdb"
)

// BenchmarkTelemetry measures what metrics and tracing add to a request
// served in process (getAlbum with its artist, on SQLite Chinook): off
// (no hooks, as before them), metrics (serve's default: the statement
// histogram, tracing off), sampled_out (tracing on, the trace not
// recorded) and traced (every trace recorded and exported to a local
// collector that discards it).
//
//	go test ./bench -run '^$' -bench Telemetry -benchmem
func BenchmarkTelemetry(b *testing.B) {
	ctx := context.Background()
	db := testdb.New(b, testdb.SQLite)
	db.LoadChinook(b, false)
	cdb, cat := openCatalog(b, db.URI)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	b.Cleanup(collector.Close)
	tracing := func(ratio float64) *telemetry.Tracing {
		t, err := telemetry.Setup(ctx, telemetry.Config{Endpoint: collector.URL, SampleRatio: ratio})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = t.Shutdown(ctx) })
		return t
	}
	body := []byte(`{"query": "query ($id: Int!) { getAlbum(AlbumId: $id) { AlbumId Title Artist { Name } } }", "variables": {"id": 7}}`)
	for _, c := range []struct {
		name    string
		tracing *telemetry.Tracing
		metrics bool
	}{
		{name: "off"},
		{name: "metrics", metrics: true},
		{name: "sampled_out", metrics: true, tracing: tracing(0)},
		{name: "traced", metrics: true, tracing: tracing(1)},
	} {
		b.Run(c.name, func(b *testing.B) {
			eng := benchEngine(b, cat, sqlite.Compiler{}, exec.New(cdb.SQL, exec.Options{}), log)
			var tracers telemetry.Tee
			if c.metrics {
				tracers = append(tracers, telemetry.NewStatements())
			}
			if c.tracing != nil {
				tracers = append(tracers, c.tracing.Statements("sqlite"))
				eng.Tracer = c.tracing
			}
			if len(tracers) > 0 {
				eng.Exec.Tracer = tracers
			}
			var handler http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := serveInProcess(r.Context(), eng, body); err != nil {
					b.Fatal(err)
				}
			})
			if c.tracing != nil {
				handler = c.tracing.Middleware(handler)
			}
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			if c.tracing == nil || c.name == "sampled_out" {
				req.Header.Del("traceparent")
			}
			w := httptest.NewRecorder()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				handler.ServeHTTP(w, req)
			}
		})
	}
}

var _ pipeline.Tracer = (*telemetry.Tracing)(nil)
