package bench

// BenchmarkChangesLatency and BenchmarkChangesThroughput measure
// `quarry serve --changes database` on PostgreSQL (logical decoding):
// events of rows written by any program, read from the replication slot.
// Both run Quarry as `quarry serve` subprocesses (built with go build)
// on a PostgreSQL of their own with wal_level=logical (internal/testpg),
// and the subscribers in another process (changes_harness_test.go).

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// BenchmarkChangesLatency: commit → subscriber data frame, at 1, 100,
// 1,000 and 10,000 subscribers, for (a) --changes database with rows
// INSERTed by a plain pgx connection (as psql would) and (b) --changes
// mutations with rows created by createEvent mutations through Quarry.
// The two servers run side by side on one PostgreSQL (a database each,
// same table) and the writes alternate between them. Latency is from
// the moment the writer learns its write is committed: the INSERT's
// reply for (a), the mutation's HTTP response for (b); the *_sent
// figures are from the moment the write was sent.
//
//	go test ./bench -run '^$' -bench 'ChangesLatency/subs=1000' -benchtime 1x
func BenchmarkChangesLatency(b *testing.B) {
	uris := changesPG(b, "app_db", "app_mut")
	bin := buildQuarry(b)
	db := startQuarryServe(b, bin, uris["app_db"], "database")
	mut := startQuarryServe(b, bin, uris["app_mut"], "mutations")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, uris["app_db"])
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	client := &http.Client{}
	insert := func(name string) error {
		_, err := conn.Exec(ctx, `INSERT INTO event (name) VALUES ($1)`, name)
		return err
	}
	mutate := func(name string) error {
		body := fmt.Sprintf(`{"query":"mutation { createEvent(input: {name: \"%s\"}) { id } }"}`, name)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, mut.url+"/graphql", strings.NewReader(body))
		req.Header.Set("x-api-key", benchKey)
		req.Header.Set("content-type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || strings.Contains(string(raw), `"errors"`) {
			return fmt.Errorf("mutation: %d %s", resp.StatusCode, raw)
		}
		return nil
	}
	// Warm both paths (plans, statement caches, the decoder).
	for i := 0; i < 20; i++ {
		if err := insert("warm"); err != nil {
			b.Fatal(err)
		}
		if err := mutate("warm"); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(time.Second) // the warm-up's events are out before anyone subscribes
	const query = `subscription { onCreateEvent { id name } }`
	for _, n := range []int{1, 100, 1000, 10000} {
		b.Run("subs="+strconv.Itoa(n), func(b *testing.B) {
			// gap is the time between two writes to one path (the other
			// path's write is halfway): long enough for one fan-out to
			// end before the next begins (a 10,000-subscriber fan-out
			// takes both cores ~150 ms, bench/README.md).
			events, gap := 20, 100*time.Millisecond
			switch {
			case n >= 10000:
				gap = time.Second
			case n == 1:
				events, gap = 200, 20*time.Millisecond
			case n <= 100:
				events, gap = 50, 40*time.Millisecond
			}
			if v := os.Getenv("QUARRY_BENCH_CHANGES_EVENTS"); v != "" {
				events, _ = strconv.Atoi(v)
			}
			subsA := startSubscribers(b, db.url, n, query, "stamps")
			subsB := startSubscribers(b, mut.url, n, query, "stamps")
			stampsA, stampsB := map[string][2]int64{}, map[string][2]int64{}
			cpuA, cpuB := db.cpu(), mut.cpu()
			b.ResetTimer()
			for i := 0; i < events; i++ {
				name := strconv.Itoa(i)
				sent := time.Now().UnixNano()
				if err := insert(name); err != nil {
					b.Fatal(err)
				}
				stampsA[name] = [2]int64{sent, time.Now().UnixNano()}
				time.Sleep(gap / 2)
				sent = time.Now().UnixNano()
				if err := mutate(name); err != nil {
					b.Fatal(err)
				}
				stampsB[name] = [2]int64{sent, time.Now().UnixNano()}
				time.Sleep(gap / 2)
			}
			want := int64(n * events)
			subsA.waitCount(want, 10*time.Second, time.Minute)
			subsB.waitCount(want, 10*time.Second, time.Minute)
			b.StopTimer()
			cpuA, cpuB = db.cpu()-cpuA, mut.cpu()-cpuB
			a, m := subsA.finish(b, stampsA), subsB.finish(b, stampsB)
			for _, r := range []struct {
				path string
				res  subResult
			}{{"database", a}, {"mutations", m}} {
				if r.res.Delivered != want {
					b.Errorf("--changes %s: %d of %d events delivered (%d subscribers disconnected)", r.path, r.res.Delivered, want, r.res.Disconnected)
				}
			}
			b.ReportMetric(float64(n), "subscribers")
			b.ReportMetric(a.P50, "db_p50_ms")
			b.ReportMetric(a.P99, "db_p99_ms")
			b.ReportMetric(m.P50, "mut_p50_ms")
			b.ReportMetric(m.P99, "mut_p99_ms")
			b.ReportMetric(a.SentP99, "db_p99_sent_ms")
			b.ReportMetric(m.SentP99, "mut_p99_sent_ms")
			b.ReportMetric(a.P99/m.P99, "x_mutations_p99")
			b.ReportMetric(a.SentP99/m.SentP99, "x_mutations_p99_sent")
			// Each server's CPU per event (its fan-out included), /proc's
			// 10 ms ticks: read it at 100+ subscribers.
			b.ReportMetric(float64(cpuA.Milliseconds())/float64(events), "db_server_cpu_ms/event")
			b.ReportMetric(float64(cpuB.Milliseconds())/float64(events), "mut_server_cpu_ms/event")
			b.Logf("subs=%d, %d events a path: database p50 %.2f p99 %.2f max %.2f (from send p50 %.2f p99 %.2f); mutations p50 %.2f p99 %.2f max %.2f (from send p50 %.2f p99 %.2f); x_mutations_p99 %.2f (from send %.2f)",
				n, events, a.P50, a.P99, a.Max, a.SentP50, a.SentP99, m.P50, m.P99, m.Max, m.SentP50, m.SentP99, a.P99/m.P99, a.SentP99/m.SentP99)
			if n == 1000 && (a.P99 >= 100 || a.P99 > 1.2*m.P99) {
				b.Logf("target missed at 1,000 subscribers: p99 %.1f ms (< 100 ms wanted), %.2f× the mutation path (≤ 1.2 wanted)", a.P99, a.P99/m.P99)
			}
		})
	}
}

// BenchmarkChangesThroughput: an external writer makes paced single-row
// INSERT transactions (QUARRY_BENCH_CHANGES_RATE a second, default
// 5,000, on 4 connections) for QUARRY_BENCH_CHANGES_SECONDS (default 60)
// with 100 subscribers under --changes database: every subscriber gets
// every event (all), or each one's filter matches 1 row in 100
// (filtered). It reports the insert rate achieved, the events delivered a
// second, the delay from an INSERT being sent to a subscriber's frame,
// and the replication slot's lag (pg_current_wal_lsn() -
// confirmed_flush_lsn) sampled every 5 s.
//
//	QUARRY_BENCH_CHANGES_SECONDS=15 go test ./bench -run '^$' -bench ChangesThroughput -benchtime 1x
func BenchmarkChangesThroughput(b *testing.B) {
	rate, seconds := 5000, 60
	if v := os.Getenv("QUARRY_BENCH_CHANGES_RATE"); v != "" {
		rate, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("QUARRY_BENCH_CHANGES_SECONDS"); v != "" {
		seconds, _ = strconv.Atoi(v)
	}
	const subscribers, writers = 100, 4
	uris := changesPG(b, "app_db")
	bin := buildQuarry(b)
	srv := startQuarryServe(b, bin, uris["app_db"], "database")
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, uris["app_db"])
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	lag := func() int64 {
		var v int64
		if err := admin.QueryRow(ctx, `SELECT coalesce(max(pg_current_wal_lsn() - confirmed_flush_lsn), 0)::int8
FROM pg_replication_slots WHERE slot_name LIKE 'quarry_%'`).Scan(&v); err != nil {
			b.Fatal(err)
		}
		return v
	}
	for _, variant := range []string{"all", "filtered"} {
		b.Run(variant, func(b *testing.B) {
			// Filtered: subscriber i's filter matches grp = i, and row k has
			// grp = k % 100: each subscriber gets 1 row in 100, each row
			// goes to one subscriber.
			query := `subscription { onCreateEvent { id name grp } }`
			if variant == "filtered" {
				query = `subscription { onCreateEvent(filter: {grp: {eq: $I}}) { id name grp } }`
			}
			subs := startSubscribers(b, srv.url, subscribers, query, "sent")
			conns := make([]*pgx.Conn, writers)
			for i := range conns {
				if conns[i], err = pgx.Connect(ctx, uris["app_db"]); err != nil {
					b.Fatal(err)
				}
				defer conns[i].Close(ctx)
			}
			type sample struct {
				at        time.Duration
				lag       int64
				inserted  int64
				delivered int64
			}
			var inserted atomic.Int64
			var samples []sample
			start := time.Now()
			total := rate * seconds
			interval := time.Duration(float64(time.Second) * writers / float64(rate))
			var wg sync.WaitGroup
			var werr atomic.Pointer[error]
			b.ResetTimer()
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					next := start.Add(time.Duration(w) * interval / writers)
					for k := w; k < total; k += writers {
						if d := time.Until(next); d > 0 {
							time.Sleep(d)
						}
						next = next.Add(interval)
						grp := k % subscribers
						if _, err := conns[w].Exec(ctx, `INSERT INTO event (name, grp) VALUES ($1, $2)`,
							strconv.FormatInt(time.Now().UnixNano(), 10), grp); err != nil {
							werr.Store(&err)
							return
						}
						inserted.Add(1)
					}
				}(w)
			}
			writing := make(chan struct{})
			go func() { wg.Wait(); close(writing) }()
			tick := time.NewTicker(5 * time.Second)
			sampleNow := func() {
				samples = append(samples, sample{time.Since(start), lag(), inserted.Load(), subs.count.Load()})
			}
			sampleNow()
		loop:
			for {
				select {
				case <-writing:
					break loop
				case <-tick.C:
					sampleNow()
				}
			}
			wrote := time.Since(start)
			sampleNow()
			if p := werr.Load(); p != nil {
				b.Fatal(*p)
			}
			n := inserted.Load()
			want := n // filtered: each row to one subscriber
			if variant == "all" {
				want = n * subscribers
			}
			// Drain: until every event is delivered or none arrives for 10 s.
			subs.waitCount(want, 10*time.Second, 6*time.Minute)
			drained := time.Since(start)
			sampleNow()
			tick.Stop()
			b.StopTimer()
			res := subs.finish(b, nil)
			if res.Delivered != want {
				b.Errorf("%d of %d events delivered (%d subscribers disconnected)", res.Delivered, want, res.Disconnected)
			}
			// Per-5s table of lag.
			var tbl strings.Builder
			fmt.Fprintf(&tbl, "\n%8s %12s %10s %12s %14s\n", "t", "slot lag", "inserted", "delivered", "delivered/s")
			var lags []int64
			for i, s := range samples {
				dps := 0.0
				if i > 0 {
					dps = float64(s.delivered-samples[i-1].delivered) / (s.at - samples[i-1].at).Seconds()
				}
				fmt.Fprintf(&tbl, "%7.1fs %12s %10d %12d %14.0f\n", s.at.Seconds(), bytesStr(s.lag), s.inserted, s.delivered, dps)
				if s.at <= wrote {
					lags = append(lags, s.lag)
				}
			}
			// To stdout: a benchmark's log is cut after 10 lines.
			fmt.Printf("BenchmarkChangesThroughput/%s: slot lag every 5 s%s", variant, tbl.String())
			first, last := lags[0], lags[len(lags)-1]
			if len(lags) > 1 {
				first = lags[1] // the first sample under load
			}
			maxLag := first
			for _, l := range lags {
				maxLag = max(maxLag, l)
			}
			// Keeping up: the lag at the end of the writes is not above
			// 1.5× what it was a quarter into the run (+1 MB): a lag that
			// grows all along does not.
			keepsUp := last <= lags[len(lags)/4]*3/2+1<<20
			b.ReportMetric(float64(n)/wrote.Seconds(), "inserts/s")
			b.ReportMetric(float64(res.Delivered)/drained.Seconds(), "delivered/s")
			b.ReportMetric(float64(want)/wrote.Seconds(), "wanted_delivered/s")
			b.ReportMetric(res.P50, "delay_p50_ms")
			b.ReportMetric(res.P99, "delay_p99_ms")
			b.ReportMetric(res.Max, "delay_max_ms")
			b.ReportMetric(float64(first), "lag_first_B")
			b.ReportMetric(float64(maxLag), "lag_max_B")
			b.ReportMetric(float64(last), "lag_last_B")
			b.ReportMetric((drained - wrote).Seconds(), "drain_s")
			b.ReportMetric(boolMetric(keepsUp), "keeps_up")
			b.Logf("%s: %d inserts in %.1f s (%.0f/s, %d wanted); %d of %d events delivered, %.1f s after the writes stopped; delay p50 %.1f ms p99 %.1f ms max %.1f ms; slot lag first %s max %s last %s; keeps up: %v",
				variant, n, wrote.Seconds(), float64(n)/wrote.Seconds(), rate, res.Delivered, want, (drained - wrote).Seconds(),
				res.P50, res.P99, res.Max, bytesStr(first), bytesStr(maxLag), bytesStr(last), keepsUp)
		})
	}
}

func boolMetric(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

func bytesStr(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
