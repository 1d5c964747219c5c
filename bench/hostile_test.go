package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/testdb"
)

// hostileDocuments are the requests that stopped the seed's server (18.9 s
// to 58 s of CPU each), at the largest size the default limits let
// through the parser, beside the normal read they are measured against.
func hostileDocuments() []struct{ name, query string } {
	rep := func(s string, n int) string { return strings.Repeat(s+" ", n) }
	num := func(format string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, format+" ", i)
		}
		return b.String()
	}
	chain := func(n int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "query { getArtist(artist_id: 1) { ...F%d } }\n", n)
		b.WriteString("fragment F0 on artist { name }\n")
		for k := 1; k <= n; k++ {
			fmt.Fprintf(&b, "fragment F%d on artist { a: albums { items { artist { ...F%d } } } b: albums { items { artist { ...F%d } } } }\n", k, k-1, k-1)
		}
		return b.String()
	}
	return []struct{ name, query string }{
		{"normal", `{ listAlbums(limit: 10) { items { album_id title } nextToken } }`},
		{"alias_x20000", `{ listAlbums(limit: 1) { items { ` + rep("t: title", 20000) + ` } } }`},
		{"alias_x6600", `{ listAlbums(limit: 1) { items { ` + rep("t: title", 6600) + ` } } }`},
		{"field_x19990", `{ listAlbums(limit: 1) { items { ` + rep("title", 19990) + ` } } }`},
		{"inline_x3300", `{ listAlbums(limit: 1) { items { ` + rep("... on album { title }", 3300) + ` } } }`},
		{"spread_x19990", `query { listAlbums(limit: 1) { items { ` + rep("...F", 19990) + ` } } } fragment F on album { title album_id }`},
		{"root_alias_x20000", `{ ` + num("a%d: getAlbum(album_id: 1) { title }", 20000) + ` }`},
		{"root_alias_x99", `{ ` + num("a%d: getAlbum(album_id: 1) { title }", 99) + ` }`},
		{"typename_x6600", `{ ` + num("a%d: __typename", 6600) + ` }`},
		{"operations_x4900", num("query q%d { __typename }", 4900)},
		{"fragment_chain_20", chain(20)},
		{"spread_chain_12x9000", strings.Replace(chain(12), "fragment F0 on artist { name }", "fragment G on artist { name }\nfragment F0 on artist { "+rep("...G", 9000)+" }", 1)},
		{"nested_x50_lists", `{ ` + num("a%d: listAlbums(limit: 1000) { items { title tracks(limit: 1000) { items { name composer } } } }", 50) + ` }`},
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHostileDocuments: the CPU one hostile request costs, from
// parse to the answer or refusal, with the default limits (target: 100 ms
// of CPU or less for any request under the body limit). x_normal is the
// ratio to a normal small list in the same run.
func BenchmarkHostileDocuments(b *testing.B) {
	db := testdb.New(b, testdb.Postgres)
	db.LoadChinook(b, true)
	cat, err := introspect.Read(context.Background(), db.SQL, introspect.EnginePostgres, introspect.Options{})
	if err != nil {
		b.Fatal(err)
	}
	eng := benchEngine(b, cat, postgres.Compiler{}, exec.New(db.SQL, exec.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
	id := auth.Identity{Provider: auth.ProviderAPIKey}
	var normal time.Duration
	for _, d := range hostileDocuments() {
		b.Run(d.name, func(b *testing.B) {
			var resp pipeline.Response
			cpu0 := processCPU()
			for b.Loop() {
				resp = eng.Serve(context.Background(), pipeline.Request{Query: d.query}, "bench", id)
			}
			per := b.Elapsed() / time.Duration(b.N)
			// Quarry's own CPU (this process; the database's is apart),
			// the figure the 100 ms target is about.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu_ms/request")
			if d.name == "normal" {
				normal = per
			} else if normal > 0 {
				b.ReportMetric(float64(per)/float64(normal), "x_normal")
			}
			b.ReportMetric(float64(per)/1e6, "ms/request")
			b.ReportMetric(float64(len(d.query)), "request_bytes")
			outcome := "answered"
			if len(resp.Errors) > 0 {
				outcome = resp.Errors[0].ErrorType + ": " + resp.Errors[0].Message
			}
			b.Logf("%s (%d bytes): %s", d.name, len(d.query), outcome)
		})
	}
}
