package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"reflect"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/pipeline"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/server"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/testdb"
)

// clients is how many requests are in flight at once, and the size of
// both connection pools: with as many connections as clients, neither side
// queues for a connection, so the comparison is about the work per request.
const clients = 64

const benchKey = "da2-benchmark"

// workload is one GraphQL request and the hand-written SQL that returns
// the same data.
type workload struct {
	name string
	// query is the GraphQL document; vars gives the variables of the i-th
	// request (nil for none).
	query string
	vars  func(i int) map[string]any
	// direct is one statement building the same JSON the simplest way a
	// person would write it (json_build_object / json_agg, joins for
	// to-one relationships); args gives its arguments for the i-th request
	// (nil for none).
	direct string
	args   func(i int) []any
	// pick takes, from Quarry's "data" object, the value direct returns.
	pick func(data map[string]any) any
}

// albums is how many albums Chinook has: W2 cycles through all of them, so
// it is not one hot row.
const albums = 347

func (w workload) argsOf(i int) []any {
	if w.args == nil {
		return nil
	}
	return w.args(i)
}

// chinookWorkloads lists W1 to W4 (a function, not a package variable, so
// nothing shared between benchmarks can be changed).
func chinookWorkloads() []workload {
	return []workload{
		{
			name:  "W1_list20tracks",
			query: `query { listTracks(limit: 20) { items { track_id name unit_price } } }`,
			direct: `SELECT json_agg(json_build_object('track_id', track_id, 'name', name, 'unit_price', unit_price) ORDER BY track_id)
			FROM (SELECT track_id, name, unit_price FROM track ORDER BY track_id LIMIT 20) t`,
			pick: func(d map[string]any) any { return d["listTracks"].(map[string]any)["items"] },
		},
		{
			name:   "W2_getAlbum",
			query:  `query ($id: Int!) { getAlbum(album_id: $id) { album_id title } }`,
			vars:   func(i int) map[string]any { return map[string]any{"id": i%albums + 1} },
			direct: `SELECT json_build_object('album_id', album_id, 'title', title) FROM album WHERE album_id = $1`,
			args:   func(i int) []any { return []any{i%albums + 1} },
			pick:   func(d map[string]any) any { return d["getAlbum"] },
		},
		{
			name:  "W3_albums_tracks_genre",
			query: `query { listAlbums(limit: 10) { items { title tracks { items { name genre { name } } } } } }`,
			direct: `SELECT json_agg(json_build_object('title', a.title, 'tracks', json_build_object('items',
				(SELECT COALESCE(json_agg(json_build_object('name', t.name, 'genre', json_build_object('name', g.name)) ORDER BY t.track_id), '[]')
				 FROM track t JOIN genre g ON g.genre_id = t.genre_id WHERE t.album_id = a.album_id))) ORDER BY a.album_id)
			FROM (SELECT album_id, title FROM album ORDER BY album_id LIMIT 10) a`,
			pick: func(d map[string]any) any { return d["listAlbums"].(map[string]any)["items"] },
		},
		{
			name: "W4_playlist_tracks_album_artist",
			query: `query { getPlaylist(playlist_id: 1) { name playlist_tracks(limit: 50) { items {
			track { name album { title artist { name } } } } } } }`,
			direct: `SELECT json_build_object('name', p.name, 'playlist_tracks', json_build_object('items',
				(SELECT COALESCE(json_agg(json_build_object('track', json_build_object('name', t.name,
					'album', json_build_object('title', al.title, 'artist', json_build_object('name', ar.name)))) ORDER BY pt.track_id), '[]')
				 FROM (SELECT track_id FROM playlist_track WHERE playlist_id = p.playlist_id ORDER BY track_id LIMIT 50) pt
				 JOIN track t ON t.track_id = pt.track_id
				 JOIN album al ON al.album_id = t.album_id
				 JOIN artist ar ON ar.artist_id = al.artist_id)))
			FROM playlist p WHERE p.playlist_id = $1`,
			args: func(int) []any { return []any{1} },
			pick: func(d map[string]any) any { return d["getPlaylist"] },
		},
	}
}

// BenchmarkChinook serves Chinook on PostgreSQL through Quarry's whole
// HTTP path (server, pipeline, plan, sqlgen, exec over connect.Open's
// pool, as `quarry serve` does) to 64 concurrent clients, and compares it
// with the same data fetched by the same 64 clients straight from a pgx
// pool with one hand-written statement per request that builds the JSON
// in the database. Both sides only read the JSON bytes; neither decodes
// them. The ratio x_direct is Quarry's time per request over the direct
// one (1.0 = no overhead). Target: at most 1.5.
//
// A third side, the HTTP floor, serves the direct statement from a bare
// net/http handler (read and decode the body, run the statement, write
// its bytes): x_http is Quarry over that floor, the part of the overhead
// that is Quarry's own rather than the price of any HTTP API. Client,
// server and PostgreSQL share the machine, so the HTTP client's own work
// counts against both HTTP sides.
//
// A fourth side, the engine, calls Quarry's pipeline in-process with the
// same request bodies (decode, plan, compile, run, write the response):
// x_engine is direct over that, Quarry's own overhead without HTTP. It is
// an extra figure, not the target's: x_direct is.
//
//	go test ./bench -run '^$' -bench Chinook -benchtime 20000x
func BenchmarkChinook(b *testing.B) { benchWorkloads(b, chinookWorkloads()) }

// BenchmarkChinookAggregates is BenchmarkChinook for issue 14's totals
// and aggregates: a filtered page with totalCount, and a grouped
// aggregate over every track, each against the same numbers from one
// hand-written statement (the floor):
//
//	go test ./bench -run '^$' -bench ChinookAggregates -benchtime 2000x
func BenchmarkChinookAggregates(b *testing.B) { benchWorkloads(b, aggregateWorkloads()) }

// aggregateWorkloads lists the totals and aggregate workloads.
func aggregateWorkloads() []workload {
	return []workload{
		{
			name:  "W5_page_totalCount",
			query: `query ($g: Int!) { listTracks(filter: {genre_id: {eq: $g}}, limit: 20) { items { track_id name } totalCount } }`,
			vars:  func(i int) map[string]any { return map[string]any{"g": i%25 + 1} },
			direct: `SELECT json_build_object('items', (SELECT COALESCE(json_agg(json_build_object('track_id', track_id, 'name', name) ORDER BY track_id), '[]')
				FROM (SELECT track_id, name FROM track WHERE genre_id = $1 ORDER BY track_id LIMIT 20) t),
				'totalCount', (SELECT count(*) FROM track WHERE genre_id = $1))`,
			args: func(i int) []any { return []any{i%25 + 1} },
			pick: func(d map[string]any) any { return d["listTracks"] },
		},
		{
			name:  "W6_grouped_aggregate",
			query: `query { aggregateTrack(groupBy: [genre_id]) { count groups { key { genre_id } count sum { milliseconds } } } }`,
			direct: `SELECT json_build_object('count', (SELECT count(*) FROM track), 'groups',
				(SELECT json_agg(json_build_object('key', json_build_object('genre_id', genre_id), 'count', c, 'sum', json_build_object('milliseconds', s)) ORDER BY genre_id)
				 FROM (SELECT genre_id, count(*) AS c, sum(milliseconds) AS s FROM track GROUP BY genre_id) g))`,
			pick: func(d map[string]any) any { return d["aggregateTrack"] },
		},
	}
}

// benchWorkloads times each workload through Quarry, the engine, the
// HTTP floor and the direct statement (see BenchmarkChinook).
func benchWorkloads(b *testing.B, workloads []workload) {
	ctx := context.Background()
	db := testdb.New(b, testdb.Postgres)
	db.LoadChinook(b, true)
	// Fresh tables have no statistics; a production database has them
	// (autovacuum), and both sides' plans depend on them.
	db.Exec(b, "ANALYZE")
	url, eng, quarryDB := startQuarry(b, db.URI)
	// The timed loops use loadClient; this standard client fetches the
	// answers checkSameData compares.
	client := &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: clients,
		IdleConnTimeout:     time.Minute,
	}}
	b.Cleanup(client.CloseIdleConnections)

	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) {
			bodies := requestBodies(b, w)
			pool := directPool(b, db.URI)
			defer pool.Close()
			floorURL := startFloor(b, w, pool)
			quarryPath, floorPath := pathOf(b, url), pathOf(b, floorURL)
			quarryLoad, floorLoad := newLoadClient(b, url), newLoadClient(b, floorURL)
			quarry := func(i int) error { return quarryLoad.post(quarryPath, bodies[i%len(bodies)]) }
			engine := func(i int) error { return serveInProcess(ctx, eng, bodies[i%len(bodies)]) }
			direct := func(i int) error {
				var raw []byte
				return pool.QueryRow(ctx, w.direct, w.argsOf(i)...).Scan(&raw)
			}
			floor := func(i int) error {
				return floorLoad.post(floorPath+"?i="+strconv.Itoa(i), bodies[i%len(bodies)])
			}
			checkSameData(b, ctx, client, url, pool, w, bodies)

			// Each side is warmed (every connection opened, parsed
			// documents and prepared statements cached) just before it
			// is timed. Quarry (over HTTP, then in-process) gives its
			// connections back after: its 64 and pgx's 64 would not fit
			// PostgreSQL's default max_connections of 100. Each side's client goroutines carry
			// a profiler label (see startQuarry), so that one -cpuprofile
			// can be split by side with pprof -tagfocus.
			warm := func(side string, f func(int) error) {
				pprof.Do(ctx, pprof.Labels("side", side), func(context.Context) {
					if _, err := concurrently(4*clients, f); err != nil {
						b.Fatal(err)
					}
				})
			}
			timed := func(side string, f func(int) error) (d time.Duration) {
				pprof.Do(ctx, pprof.Labels("side", side), func(context.Context) {
					var err error
					if d, err = concurrently(b.N, f); err != nil {
						b.Fatal(err)
					}
				})
				return d
			}
			warm("quarry client", quarry)
			b.ResetTimer()
			q := timed("quarry client", quarry)
			b.StopTimer()
			warm("quarry engine", engine)
			e := timed("quarry engine", engine)
			quarryDB.SetMaxIdleConns(0) // closes Quarry's idle connections
			quarryDB.SetMaxIdleConns(clients)
			warm("floor client", floor)
			h := timed("floor client", floor)
			warm("direct", direct)
			d := timed("direct", direct)

			qps := float64(b.N) / q.Seconds()
			hps := float64(b.N) / h.Seconds()
			dps := float64(b.N) / d.Seconds()
			eps := float64(b.N) / e.Seconds()
			b.ReportMetric(qps, "req/s_quarry")
			b.ReportMetric(hps, "req/s_http")
			b.ReportMetric(dps, "req/s_direct")
			b.ReportMetric(dps/qps, "x_direct")
			b.ReportMetric(hps/qps, "x_http")
			b.ReportMetric(eps, "req/s_engine")
			b.ReportMetric(dps/eps, "x_engine")
			if dps/qps > 1.5 && b.N >= 1000 {
				b.Logf("%s: Quarry is %.2f× slower than direct SQL, over the 1.5× target", w.name, dps/qps)
			}
		})
	}
}

// startFloor serves w's direct statement behind the least an HTTP API
// does: read the body, decode it as a GraphQL request, run the statement
// (its arguments picked by the request number in ?i=) and write the JSON.
// It returns the URL and stops when the benchmark ends.
func startFloor(b *testing.B, w workload, pool *pgxpool.Pool) string {
	b.Helper()
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var req pipeline.Request
		body, err := io.ReadAll(r.Body)
		if err != nil || json.Unmarshal(body, &req) != nil {
			http.Error(rw, "bad request", http.StatusBadRequest)
			return
		}
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		var raw []byte
		if err := pool.QueryRow(r.Context(), w.direct, w.argsOf(i)...).Scan(&raw); err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
			return
		}
		rw.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = rw.Write(raw)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go pprof.Do(context.Background(), pprof.Labels("side", "floor server"), func(context.Context) { _ = srv.Serve(ln) })
	b.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/graphql"
}

// serveInProcess is the engine side: what Quarry's server does for a
// request once HTTP has delivered its body (decode it, run the pipeline,
// write the response JSON), called in-process. It fails on errors in the
// response, as postGraphQL does.
func serveInProcess(ctx context.Context, eng *pipeline.Engine, body []byte) error {
	var req pipeline.Request
	if err := json.Unmarshal(body, &req); err != nil {
		return err
	}
	resp := eng.Serve(ctx, req, "bench", auth.Identity{Provider: auth.ProviderAPIKey, APIKeyID: "bench"})
	if len(resp.Errors) > 0 {
		return fmt.Errorf("%s", resp.Errors[0].Message)
	}
	var out bytes.Buffer
	return resp.WriteJSON(&out)
}

// startQuarry builds the engine as `quarry serve` does (connect.Open,
// introspection, IR, API) with a pool of 64 and serves it on a free port
// of 127.0.0.1. It returns the /graphql URL, the engine (for the
// in-process side) and the pool under it.
func startQuarry(b *testing.B, uri string) (string, *pipeline.Engine, *sql.DB) {
	b.Helper()
	ctx := context.Background()
	cdb, cat := openCatalog(b, uri)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng := benchEngine(b, cat, postgres.Compiler{}, exec.New(cdb.SQL, exec.Options{PoolSize: clients}), log)
	authn := benchAuth(b)
	srv := server.New(eng, authn, log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	// Goroutines inherit profiler labels: every connection goroutine of
	// the server is labelled "quarry server" (pprof -tagfocus).
	go pprof.Do(ctx, pprof.Labels("side", "quarry server"), func(context.Context) {
		done <- srv.Serve(sctx, ln, 5*time.Second)
	})
	b.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			b.Errorf("server: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + "/graphql", eng, cdb.SQL
}

// directPool is the baseline's pool: pgx's own, with its default statement
// cache, sized like Quarry's. It opens connections as they are needed.
func directPool(b *testing.B, uri string) *pgxpool.Pool {
	b.Helper()
	pc, err := pgxpool.ParseConfig(uri)
	if err != nil {
		b.Fatal(err)
	}
	pc.MaxConns = clients
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		b.Fatal(err)
	}
	return pool
}

// requestBodies encodes the workload's requests once, so the clients'
// JSON encoding is not timed: one body per distinct set of variables.
func requestBodies(b *testing.B, w workload) [][]byte {
	b.Helper()
	n := 1
	if w.vars != nil {
		n = albums
	}
	out := make([][]byte, n)
	for i := range out {
		req := pipeline.Request{Query: w.query}
		if w.vars != nil {
			v, err := json.Marshal(w.vars(i))
			if err != nil {
				b.Fatal(err)
			}
			req.Variables = v
		}
		raw, err := json.Marshal(req)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = raw
	}
	return out
}

// fetchGraphQL sends one request through c and reads the whole answer,
// failing on anything but a 200 without errors: a fast error must not pass
// for a fast answer.
func fetchGraphQL(ctx context.Context, c *http.Client, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("x-api-key", benchKey)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors":[`)) {
		return nil, fmt.Errorf("status %d: %.500s", resp.StatusCode, raw)
	}
	return raw, nil
}

// checkSameData compares, for a few requests, Quarry's answer with the
// direct statement's JSON, so the two sides are known to do the same work.
func checkSameData(b *testing.B, ctx context.Context, c *http.Client, url string, pool *pgxpool.Pool, w workload, bodies [][]byte) {
	b.Helper()
	for _, i := range []int{0, 1, albums - 1} {
		raw, err := fetchGraphQL(ctx, c, url, bodies[i%len(bodies)])
		if err != nil {
			b.Fatalf("%s: %v", w.name, err)
		}
		var resp struct{ Data map[string]any }
		if err := json.Unmarshal(raw, &resp); err != nil {
			b.Fatalf("%s: %v", w.name, err)
		}
		var direct []byte
		if err := pool.QueryRow(ctx, w.direct, w.argsOf(i)...).Scan(&direct); err != nil {
			b.Fatalf("%s direct: %v", w.name, err)
		}
		var want any
		if err := json.Unmarshal(direct, &want); err != nil {
			b.Fatalf("%s direct: %v", w.name, err)
		}
		if got := w.pick(resp.Data); !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			b.Fatalf("%s: Quarry and the direct SQL differ\nquarry %.1000s\ndirect %.1000s", w.name, g, direct)
		}
	}
}

// concurrently runs f for i in [0, n) from 64 goroutines and returns the
// wall time, or the first error.
func concurrently(n int, f func(i int) error) (time.Duration, error) {
	return inFlight(clients, n, f)
}

// inFlight runs f for i in [0, n) from conc goroutines (at most n) and
// returns the wall time, or the first error.
func inFlight(conc, n int, f func(i int) error) (time.Duration, error) {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	start := time.Now()
	for range min(conc, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					errOnce.Do(func() { firstErr = err })
					next.Store(int64(n)) // stop the others
					return
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), firstErr
}

func pathOf(b *testing.B, rawURL string) string {
	b.Helper()
	u, err := neturl.Parse(rawURL)
	if err != nil {
		b.Fatal(err)
	}
	return u.RequestURI()
}

// loadClient is the load generator's HTTP/1.1 client for both HTTP sides:
// real requests over TCP with keep-alive, each answer read whole by
// net/http's own parser (http.ReadResponse) and checked. It replaces
// http.Client in the timed loops because, on a 2-core machine, the
// client's CPU is taken from the server it measures: http.Transport hands
// every request to two goroutines per connection over channels and
// allocates a request, headers and a body reader each time (~25 µs of CPU
// per request in the profiles, as much as a bare server). This client
// writes the request from a reused buffer in one write and reads the
// answer into a reused buffer. It does nothing a server could tell from a
// browser's or SDK's request; checkSameData still goes through
// http.Client.
type loadClient struct {
	host  string
	conns chan *loadConn // idle connections, at most clients
}

type loadConn struct {
	c    net.Conn
	br   *bufio.Reader
	req  []byte
	body bytes.Buffer
}

func newLoadClient(b *testing.B, rawURL string) *loadClient {
	b.Helper()
	u, err := neturl.Parse(rawURL)
	if err != nil {
		b.Fatal(err)
	}
	lc := &loadClient{host: u.Host, conns: make(chan *loadConn, clients)}
	b.Cleanup(func() {
		for {
			select {
			case c := <-lc.conns:
				_ = c.c.Close()
			default:
				return
			}
		}
	})
	return lc
}

// post sends body to path (with its query string) and reads the whole
// answer, failing on anything but a 200 without errors, as postGraphQL.
func (lc *loadClient) post(path string, body []byte) error {
	var c *loadConn
	select {
	case c = <-lc.conns:
	default:
		nc, err := net.Dial("tcp", lc.host)
		if err != nil {
			return err
		}
		c = &loadConn{c: nc, br: bufio.NewReaderSize(nc, 64<<10)}
	}
	keep, err := c.roundTrip(lc.host, path, body)
	if err != nil || !keep {
		_ = c.c.Close()
		return err
	}
	select {
	case lc.conns <- c:
	default:
		_ = c.c.Close()
	}
	return nil
}

// roundTrip writes one request and reads its answer; keep reports whether
// the connection can carry the next one.
func (c *loadConn) roundTrip(host, path string, body []byte) (keep bool, err error) {
	c.req = append(c.req[:0], "POST "...)
	c.req = append(c.req, path...)
	c.req = append(c.req, " HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, host...)
	c.req = append(c.req, "\r\nContent-Type: application/json; charset=UTF-8\r\nX-Api-Key: "+benchKey+"\r\nContent-Length: "...)
	c.req = strconv.AppendInt(c.req, int64(len(body)), 10)
	c.req = append(c.req, "\r\n\r\n"...)
	c.req = append(c.req, body...)
	if _, err := c.c.Write(c.req); err != nil {
		return false, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return false, err
	}
	c.body.Reset()
	_, err = c.body.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return false, err
	}
	raw := c.body.Bytes()
	if resp.StatusCode != http.StatusOK || bytes.Contains(raw, []byte(`"errors":[`)) {
		return false, fmt.Errorf("status %d: %.500s", resp.StatusCode, raw)
	}
	return !resp.Close, nil
}

// benchEngine builds the API and engine `quarry serve` builds for cat.
func benchEngine(b *testing.B, cat *introspect.Catalog, compiler sqlgen.Compiler, x *exec.Executor, log *slog.Logger) *pipeline.Engine {
	b.Helper()
	s, err := schema.FromCatalog(cat, schema.Database{Engine: cat.Engine})
	if err != nil {
		b.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		b.Fatal(err)
	}
	return &pipeline.Engine{
		API: a,
		Planner: &plan.Builder{API: a, Tokens: plan.NewTokens([]byte("benchmark token key")), Policy: authz.New(s),
			Now:   func() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") },
			NewID: uuid.NewString},
		Compiler: compiler,
		Exec:     x,
		Log:      log,
	}
}

// benchAuth accepts the benchmark's API key.
func benchAuth(b *testing.B) *auth.Authenticator {
	b.Helper()
	authn, err := auth.New(auth.Config{APIKeys: []auth.APIKey{{ID: "bench", Value: benchKey}}})
	if err != nil {
		b.Fatal(err)
	}
	return authn
}

// openCatalog opens the database at uri for the benchmark's length and
// reads its catalog.
func openCatalog(b *testing.B, uri string) (*connect.DB, *introspect.Catalog) {
	b.Helper()
	ctx := context.Background()
	cfg, err := connect.Parse(uri)
	if err != nil {
		b.Fatal(err)
	}
	cdb, err := connect.Open(ctx, cfg, connect.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cdb.Close() })
	cat, err := introspect.Read(ctx, cdb.SQL, cdb.Engine, introspect.Options{Database: cfg.Database})
	if err != nil {
		b.Fatal(err)
	}
	return cdb, cat
}
