package faulttest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// mentionsSlots returns the words of a database server refusing a
// connection for lack of slots that s holds, if any.
func mentionsSlots(s string) string {
	s = strings.ToLower(s)
	for _, m := range []string{"too many connections", "too many clients", "remaining connection slots", "no free connection slots"} {
		if strings.Contains(s, m) {
			return m
		}
	}
	return ""
}

// TestThousandClientsAgainstTwentyConnections sends 1,000 concurrent
// listItems to `quarry serve --pool 8` over a PostgreSQL server with
// max_connections=20 (3 reserved for superusers, quarry connects as an
// ordinary role), then 1,000 split over two instances at once, each
// client from a loopback address of its own. No response may carry the
// server's "too many connections" (quarry runs with --debug, so it would
// show); every response is data or ServiceUnavailableException; most
// succeed, and the app role never holds more connections than the server
// allows it. Once quarry has --pool-max-idle and --pool-idle-timeout,
// they are used, idle connections must shrink to --pool-max-idle after
// the burst, and --pool above the server's limit must be warned about.
func TestThousandClientsAgainstTwentyConnections(t *testing.T) {
	const maxConns, reserved, pool, maxIdle, clients = 20, 3, 8, 2, 1000
	s := startPostgres(t, fmt.Sprintf("max_connections=%d", maxConns), fmt.Sprintf("superuser_reserved_connections=%d", reserved))
	admin := s.Admin(t)
	admin.SetMaxOpenConns(1) // one superuser slot, for setting up and watching
	execAll(t, admin, "CREATE ROLE app LOGIN",
		"CREATE TABLE item (id text PRIMARY KEY, n int)",
		"GRANT SELECT, INSERT, UPDATE, DELETE ON item TO app",
		"INSERT INTO item SELECT 'row-' || g, g FROM generate_series(1, 50) g")
	pr := newProject(t, s.URIAs("app"))

	// The flags that bound idle connections, once quarry has them.
	help, _ := exec.Command(quarryBin, "serve", "--help").CombinedOutput()
	hasIdleFlags := strings.Contains(string(help), "--pool-max-idle") && strings.Contains(string(help), "--pool-idle-timeout")
	args := []string{"--pool", fmt.Sprint(pool), "--debug"}
	if hasIdleFlags {
		args = append(args, "--pool-max-idle", fmt.Sprint(maxIdle), "--pool-idle-timeout", "2s")
	} else {
		t.Logf("quarry serve has no --pool-max-idle/--pool-idle-timeout yet: running without them")
	}

	overall := watchConns(admin)
	defer func() {
		if overall != nil {
			overall.end()
		}
	}()
	q1 := startQuarry(t, pr, args...)
	one := burst(t, admin, []string{q1.url}, pr.key, clients)
	one.check(t, "one instance", maxConns-reserved)

	q2 := startQuarry(t, pr, args...)
	two := burst(t, admin, []string{q1.url, q2.url}, pr.key, clients/2)
	two.check(t, "two instances", maxConns-reserved)

	// The watchers share one connection: take the highest any saw.
	peakOverall := max(overall.end(), one.peakConns, two.peakConns)
	overall = nil
	if peakOverall > maxConns-reserved {
		t.Errorf("the app role held %d connections at one time (starts included), the server allows it %d", peakOverall, maxConns-reserved)
	}

	// With the idle flags, connections beyond --pool-max-idle are closed
	// once the burst is over.
	idleAfter := int64(-1)
	if hasIdleFlags {
		for i := 0; i < 100; i++ {
			if idleAfter = appConns(admin); idleAfter >= 0 && idleAfter <= 2*maxIdle {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if idleAfter > 2*maxIdle {
			t.Errorf("5 s after the burst the two instances still hold %d connections, want at most %d (--pool-max-idle %d each)", idleAfter, 2*maxIdle, maxIdle)
		}
	}

	for i, q := range []*quarryProc{q1, q2} {
		q.p.stop(syscall.SIGTERM, 15*time.Second)
		if m := mentionsSlots(logTail(q.logPath, 1<<20)); m != "" {
			t.Errorf("instance %d logged %q: it overran the server's connections", i+1, m)
		}
	}

	// A pool larger than the server's connections for ordinary roles is
	// warned about at start (checked once quarry has the idle flags,
	// which come with the warning).
	warned := "n/a"
	if hasIdleFlags {
		q3 := startQuarry(t, pr, "--pool", fmt.Sprint(maxConns))
		time.Sleep(200 * time.Millisecond)
		log := logTail(q3.logPath, 1<<16)
		warned = fmt.Sprint(strings.Contains(log, "max_connections"))
		if !strings.Contains(log, "max_connections") {
			t.Errorf("quarry serve --pool %d against max_connections=%d (%d reserved) did not warn at start:\n%s", maxConns, maxConns, reserved, log)
		}
		q3.p.stop(syscall.SIGTERM, 15*time.Second)
	}
	t.Logf("SUMMARY connlimit: one instance: %s; two instances: %s; peakAppConnsOverall=%d idleFlags=%v connsAfterBurst=%d warnedAtStart=%s",
		one.summary(), two.summary(), peakOverall, hasIdleFlags, idleAfter, warned)
}

// clientFrom is client number i of many: one connection, not kept
// alive, from a loopback address of its own (127.0.x.y, all routed to
// the loopback interface), as clients on different machines would be; a
// thousand connections from one address would meet quarry's limit per
// client address instead of its database pool.
func clientFrom(i int) *http.Client {
	d := &net.Dialer{Timeout: 30 * time.Second,
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+i/250), byte(1+i%250))}}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, DisableKeepAlives: true,
	}}
}

// connWatch records the most connections the app role held at once.
type connWatch struct {
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func watchConns(admin *sql.DB) *connWatch {
	w := &connWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for i := 0; i < 100_000; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			if c := appConns(admin); c > w.peak.Load() {
				w.peak.Store(c)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return w
}

// end stops watching and returns the peak.
func (w *connWatch) end() int64 {
	close(w.stop)
	<-w.done
	return w.peak.Load()
}

// appConns counts the app role's connections (-1 when the count fails).
func appConns(admin *sql.DB) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var c int64
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'app'").Scan(&c); err != nil {
		return -1
	}
	return c
}

// burstReport is the outcome of one burst of concurrent reads.
type burstReport struct {
	total, ok    int
	byType       map[string]int
	sample       map[string]string
	slotMentions []string
	peakConns    int64
	took         time.Duration
}

// burst sends n concurrent listItems to each url at once, while watching
// how many connections the app role holds.
func burst(t *testing.T, admin *sql.DB, urls []string, key string, n int) *burstReport {
	t.Helper()
	watch := watchConns(admin)
	results := make([]result, n*len(urls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for u, url := range urls {
		for i := range n {
			c := clientFrom(u*n + i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.CloseIdleConnections()
				<-start
				results[u*n+i] = post(context.Background(), c, url, key, `{ listItems(limit: 20) { items { id n } } }`, nil)
			}()
		}
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	r := &burstReport{total: len(results), byType: map[string]int{}, sample: map[string]string{}, peakConns: watch.end(), took: took}
	for _, res := range results {
		if m := mentionsSlots(res.body + res.msg); m != "" {
			r.slotMentions = append(r.slotMentions, res.msg)
		}
		if res.ok() {
			r.ok++
			continue
		}
		r.byType[res.errType]++
		if _, ok := r.sample[res.errType]; !ok {
			r.sample[res.errType] = res.msg
		}
	}
	return r
}

func (r *burstReport) summary() string {
	return fmt.Sprintf("requests=%d ok=%d okRatio=%.3f failedByType=%s peakAppConns=%d tookMs=%d",
		r.total, r.ok, float64(r.ok)/float64(r.total), fmtCounts(r.byType), r.peakConns, r.took.Milliseconds())
}

func (r *burstReport) check(t *testing.T, what string, allowed int) {
	t.Helper()
	if len(r.slotMentions) > 0 {
		t.Errorf("%s: %d responses mention the server's connection limit, e.g. %q", what, len(r.slotMentions), r.slotMentions[0])
	}
	for typ, n := range r.byType {
		if typ != unavailable {
			t.Errorf("%s: %d responses failed with %q (want data or %s), e.g. %q", what, n, typ, unavailable, r.sample[typ])
		}
	}
	if r.ok*2 < r.total {
		t.Errorf("%s: only %d of %d requests succeeded", what, r.ok, r.total)
	}
	if r.peakConns > int64(allowed) {
		t.Errorf("%s: the app role held %d connections, the server allows it %d", what, r.peakConns, allowed)
	}
}
