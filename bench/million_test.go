package bench

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"runtime/pprof"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// aggClients is how many grouped aggregates are in flight at once in W8.
// Each reads the million rows (~0.3–0.7 s of CPU, with up to two parallel
// workers), so 4 keep both cores busy; at 64, each would wait ~20 s on
// this machine and Quarry's 10 s statement timeout would end it. Both
// sides run at the same concurrency.
const aggClients = 4

// latencySamples is how many requests of each kind W7 sends one at a time
// for its latency figures (interleaved, so that outside load falls on both
// alike).
const latencySamples = 301

// deepPage is the page W9 follows nextToken to.
const deepPage = 5000

// millionEnv is what BenchmarkMillion's workloads share: the database,
// one Quarry serving it, and what W9's walk found (kept so that the
// sub-benchmark, run again with a larger b.N, does not walk again).
type millionEnv struct {
	uri      string
	url      string
	quarryDB *sql.DB
	admin    *pgx.Conn // watches the database's connections (settle)
	client   *http.Client
	walk     *deepWalk
	// explained names the workloads whose statements were explained.
	explained map[string]bool
}

// BenchmarkMillion is issue 14's benchmark over a generated table of a
// million rows on PostgreSQL (database quarry_bench_million, created on
// the first run and kept; see millionSetup), each figure beside a
// baseline measured in the same run:
//
//   - W7: a filtered 20-row page (sensor cycled; the index on (sensor_id, id)
//     serves the filter) with totalCount, against the same page without
//     it (x_totalCount, 64 clients; x_totalCount_c1, one client, median
//     latency; target ≤ 1.3), and against the hand-written statement from
//     a pgx pool (x_direct) and behind a bare net/http handler (x_http),
//     64 clients (target: Quarry's throughput ≥ 0.7× the floor's).
//   - W8: aggregateReading grouped by kind over the million rows, against
//     the hand-written GROUP BY (x_direct, x_http; 4 clients, see
//     aggClients; same target).
//   - W9: listReadings sorted by taken_at (indexed, not the key), one
//     client: page 1 against page 5,000 reached by following nextToken
//     (x_page5000, medians; target ~1.0: keyset paging does not slow
//     down with depth).
//
// Each workload's answers are first checked equal to the hand-written
// SQL's. Run W7 and W8 with a -benchtime of their own (W8's requests take
// ~0.1–1 s each); W9 fetches each page b.N times:
//
//	go test ./bench -run '^$' -bench 'Million/W7' -benchtime 4000x
//	go test ./bench -run '^$' -bench 'Million/W8' -benchtime 20x
//	go test ./bench -run '^$' -bench 'Million/W9' -benchtime 200x
func BenchmarkMillion(b *testing.B) {
	uri := millionDB(b)
	url, _, quarryDB := startQuarry(b, uri)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute}}
	b.Cleanup(client.CloseIdleConnections)
	admin, err := pgx.Connect(context.Background(), uri)
	if err != nil {
		b.Fatalf("million: %v", err)
	}
	b.Cleanup(func() { _ = admin.Close(context.Background()) })
	env := &millionEnv{uri: uri, url: url, quarryDB: quarryDB, admin: admin, client: client, explained: map[string]bool{}}
	b.Run("W7_page_totalCount", env.pageWithCount)
	b.Run("W8_grouped_aggregate", env.groupedAggregate)
	b.Run("W9_sortBy_deep_page", env.deepSorted)
}

// sensorOf is the sensor of W7's i-th request: requestBodies makes one
// body per album number (347), so 347 of the 1,000 sensors take turns.
func sensorOf(i int) int { return i%albums + 1 }

// pageWorkloads is W7 with totalCount and without it.
func pageWorkloads() (with, without workload) {
	vars := func(i int) map[string]any { return map[string]any{"s": sensorOf(i)} }
	args := func(i int) []any { return []any{sensorOf(i)} }
	pick := func(d map[string]any) any { return d["listReadings"] }
	items := `(SELECT COALESCE(json_agg(json_build_object('id', id, 'value', value) ORDER BY id), '[]')
		FROM (SELECT id, value FROM reading WHERE sensor_id = $1 ORDER BY id LIMIT 20) t)`
	with = workload{
		name:   "W7_page_totalCount",
		query:  `query ($s: Int!) { listReadings(filter: {sensor_id: {eq: $s}}, limit: 20) { items { id value } totalCount } }`,
		vars:   vars,
		direct: `SELECT json_build_object('items', ` + items + `, 'totalCount', (SELECT count(*) FROM reading WHERE sensor_id = $1))`,
		args:   args,
		pick:   pick,
	}
	without = workload{
		name:   "W7_page",
		query:  `query ($s: Int!) { listReadings(filter: {sensor_id: {eq: $s}}, limit: 20) { items { id value } } }`,
		vars:   vars,
		direct: `SELECT json_build_object('items', ` + items + `)`,
		args:   args,
		pick:   pick,
	}
	return with, without
}

// aggregateWorkload is W8. The hand-written statement groups once and
// adds the groups' counts for the total, as a person would write it.
func aggregateWorkload() workload {
	return workload{
		name:  "W8_grouped_aggregate",
		query: `query { aggregateReading(groupBy: [kind]) { count groups { key { kind } count avg { value } } } }`,
		direct: `SELECT json_build_object('count', sum(c), 'groups',
			json_agg(json_build_object('key', json_build_object('kind', kind), 'count', c, 'avg', json_build_object('value', a)) ORDER BY kind))
			FROM (SELECT kind, count(*) AS c, avg(value) AS a FROM reading GROUP BY kind) g`,
		pick: func(d map[string]any) any { return d["aggregateReading"] },
	}
}

// pageWithCount is W7.
func (e *millionEnv) pageWithCount(b *testing.B) {
	// Quarry's connections go back when done: the server may be shared,
	// and the next workload opens what it needs.
	defer e.releaseQuarry()
	ctx := context.Background()
	with, without := pageWorkloads()
	bodiesWith, bodiesWithout := requestBodies(b, with), requestBodies(b, without)
	pool := directPool(b, e.uri)
	defer pool.Close()
	checkSameData(b, ctx, e.client, e.url, pool, with, bodiesWith)
	checkSameData(b, ctx, e.client, e.url, pool, without, bodiesWithout)
	e.explain(b, pool, with, bodiesWith[:1])
	e.explain(b, pool, without, bodiesWithout[:1])

	path := pathOf(b, e.url)
	load := newLoadClient(b, e.url)
	quarryWith := func(i int) error { return load.post(path, bodiesWith[i%len(bodiesWith)]) }
	quarryWithout := func(i int) error { return load.post(path, bodiesWithout[i%len(bodiesWithout)]) }
	floorURL := startFloor(b, with, pool)
	floorPath, floorLoad := pathOf(b, floorURL), newLoadClient(b, floorURL)
	floor := func(i int) error {
		return floorLoad.post(floorPath+"?i="+strconv.Itoa(i), bodiesWith[i%len(bodiesWith)])
	}
	directWith, directWithout := directSide(pool, with), directSide(pool, without)

	// One client: each request's latency, with and without in turn.
	c1With, c1Without := latencies(b, quarryWith, quarryWithout)

	// 64 clients. Only the runs with totalCount count towards ns/op.
	d := e.abba(b, pool, 4*clients, b.N, []side{
		{label: "quarry client", conc: clients, f: quarryWith, quarry: true, main: true},
		{label: "quarry client", conc: clients, f: quarryWithout, quarry: true},
		{label: "floor client", conc: clients, f: floor},
		{label: "direct", conc: clients, f: directWith},
		{label: "direct", conc: clients, f: directWithout},
	})
	qw, qo, h, dw, do := d[0].Seconds(), d[1].Seconds(), d[2].Seconds(), d[3].Seconds(), d[4].Seconds()
	n := float64(b.N)
	b.ReportMetric(n/qw, "req/s_quarry")
	b.ReportMetric(n/qo, "req/s_quarry_nocount")
	b.ReportMetric(n/h, "req/s_http")
	b.ReportMetric(n/dw, "req/s_direct")
	b.ReportMetric(qw/h, "x_http")
	b.ReportMetric(qw/dw, "x_direct")
	b.ReportMetric(qw/qo, "x_totalCount")
	b.ReportMetric(dw/do, "x_totalCount_direct")
	b.ReportMetric(ms(median(c1With)), "ms_c1")
	b.ReportMetric(ms(median(c1Without)), "ms_c1_nocount")
	b.ReportMetric(median(c1With).Seconds()/median(c1Without).Seconds(), "x_totalCount_c1")
}

// groupedAggregate is W8.
func (e *millionEnv) groupedAggregate(b *testing.B) {
	// Quarry's connections go back when done: the server may be shared,
	// and the next workload opens what it needs.
	defer e.releaseQuarry()
	ctx := context.Background()
	w := aggregateWorkload()
	bodies := requestBodies(b, w)
	pool := directPool(b, e.uri)
	defer pool.Close()
	checkSameData(b, ctx, e.client, e.url, pool, w, bodies)
	e.explain(b, pool, w, bodies)

	path := pathOf(b, e.url)
	load := newLoadClient(b, e.url)
	quarry := func(int) error { return load.post(path, bodies[0]) }
	floorURL := startFloor(b, w, pool)
	floorPath, floorLoad := pathOf(b, floorURL), newLoadClient(b, floorURL)
	floor := func(int) error { return floorLoad.post(floorPath, bodies[0]) }

	// Warming opens each side's connections and prepares its statement:
	// one request per client, since each is a full scan.
	d := e.abba(b, pool, aggClients, b.N, []side{
		{label: "quarry client", conc: aggClients, f: quarry, quarry: true, main: true},
		{label: "floor client", conc: aggClients, f: floor},
		{label: "direct", conc: aggClients, f: directSide(pool, w)},
	})
	q, h, dd := d[0].Seconds(), d[1].Seconds(), d[2].Seconds()
	n := float64(b.N)
	b.ReportMetric(n/q, "req/s_quarry")
	b.ReportMetric(n/h, "req/s_http")
	b.ReportMetric(n/dd, "req/s_direct")
	b.ReportMetric(q/h, "x_http")
	b.ReportMetric(q/dd, "x_direct")
}

// side is one way of answering a workload's requests.
type side struct {
	label string // the clients' profiler label (pprof -tagfocus side=...)
	conc  int    // requests in flight
	f     func(i int) error
	// quarry: served from Quarry's pool, else from the direct pool (the
	// floor's and the direct side's).
	quarry bool
	// main: its time is the benchmark's ns/op.
	main bool
}

// abba times each side over n requests, in two halves: every side in
// turn, then again in reverse order (A B C C B A), so that a change in
// the shared machine's load during the run falls on all sides about
// equally. Each half is warmed with warmN requests (every connection
// opened, statements prepared). Before a side runs, the other pool's
// idle connections are closed: Quarry's 64 and the direct pool's 64
// would not fit in PostgreSQL's default max_connections of 100.
func (e *millionEnv) abba(b *testing.B, pool *pgxpool.Pool, warmN, n int, sides []side) []time.Duration {
	b.Helper()
	order := make([]int, 0, 2*len(sides))
	for i := range sides {
		order = append(order, i)
	}
	for i := len(sides) - 1; i >= 0; i-- {
		order = append(order, i)
	}
	out := make([]time.Duration, len(sides))
	b.ResetTimer()
	b.StopTimer()
	for k, i := range order {
		s := sides[i]
		if s.quarry {
			pool.Reset()
			e.settle(b, e.quarryDB.Stats().OpenConnections, s.conc)
		} else {
			e.releaseQuarry()
			e.settle(b, int(pool.Stat().TotalConns()), s.conc)
		}
		count := n / 2
		if k >= len(sides) {
			count = n - n/2
		}
		timed(b, s.label, s.conc, warmN, s.f)
		if s.main {
			b.StartTimer()
		}
		out[i] += timed(b, s.label, s.conc, count, s.f)
		if s.main {
			b.StopTimer()
		}
	}
	return out
}

// releaseQuarry closes Quarry's idle connections; Quarry opens them
// again when it next needs them.
func (e *millionEnv) releaseQuarry() {
	e.quarryDB.SetMaxIdleConns(0)
	e.quarryDB.SetMaxIdleConns(clients)
}

// settle waits until the database has no more client backends than
// held (the connections the next side keeps) and a few more (the
// benchmark's own: this query's, the catalog's), and until the server
// has room for the need connections the next side will have open. A
// closed connection's backend exits a moment after the client has gone,
// and until it has, it still counts towards max_connections; and other
// benchmarks may share the server: rather than fail with "too many
// clients", the side waits for them (up to two minutes).
func (e *millionEnv) settle(b *testing.B, held, need int) {
	b.Helper()
	ctx := context.Background()
	var ours, free int
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if err := e.admin.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE datname = current_database() AND pid <> pg_backend_pid()),
			current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - count(*)
			FROM pg_stat_activity WHERE backend_type = 'client backend'`).Scan(&ours, &free); err != nil {
			b.Fatalf("million: %v", err)
		}
		if ours <= held+4 && free >= need-held {
			return
		}
	}
	b.Fatalf("million: PostgreSQL has %d free connections and the next side needs %d more: another benchmark holds them", free, need-held)
}

// directSide runs w's hand-written statement from the pgx pool and reads
// its JSON bytes, as BenchmarkChinook's direct side does.
func directSide(pool *pgxpool.Pool, w workload) func(i int) error {
	return func(i int) error {
		var raw []byte
		return pool.QueryRow(context.Background(), w.direct, w.argsOf(i)...).Scan(&raw)
	}
}

// timed sends n requests, conc at a time, and returns the wall time. The
// clients carry a profiler label, as in BenchmarkChinook, so one
// -cpuprofile splits by side (pprof -tagfocus side=...).
func timed(b *testing.B, side string, conc, n int, f func(int) error) (d time.Duration) {
	b.Helper()
	var err error
	pprof.Do(context.Background(), pprof.Labels("side", side), func(context.Context) {
		d, err = inFlight(conc, n, f)
	})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// latencies times latencySamples requests of a and of b, one at a time,
// alternating.
func latencies(tb *testing.B, a, b func(int) error) (la, lb []time.Duration) {
	tb.Helper()
	for i := range latencySamples + 10 {
		for _, side := range []struct {
			f   func(int) error
			out *[]time.Duration
		}{{a, &la}, {b, &lb}} {
			start := time.Now()
			if err := side.f(i); err != nil {
				tb.Fatal(err)
			}
			if i >= 10 { // the first ten warm the connection and caches
				*side.out = append(*side.out, time.Since(start))
			}
		}
	}
	return la, lb
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
