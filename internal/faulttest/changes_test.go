package faulttest

// Fault tests for `quarry serve --changes database` on PostgreSQL:
// subscriptions' events come from logical decoding through a durable
// slot, acknowledged only once handed on. Quarry is killed (SIGKILL) or
// stopped (SIGTERM) while a program of its own inserts rows with plain
// SQL; no row may be lost to the subscribers, and the slot must end up
// acknowledging every write. The clients are in changes_observer_test.go.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// changesSlot is the --changes-slot the tests use: the slot and
// publication are quarry_fault.
const changesSlot = "fault"

// logicalPostgres is a PostgreSQL server of the test's own that can
// decode its WAL, with the item table the project serves.
func logicalPostgres(t *testing.T) *pgServer {
	t.Helper()
	s := startPostgres(t, "wal_level=logical", "max_replication_slots=10", "max_wal_senders=10")
	execAll(t, s.Admin(t), "CREATE TABLE item (id text PRIMARY KEY, n int)")
	return s
}

// changesQuarry is `quarry serve --changes database` on a port of its
// own, which it keeps across restarts, logging to one file.
type changesQuarry struct {
	name, url, logPath string
	port               int
	pr                 *project
	args               []string
	p                  *proc
}

func newChangesQuarry(t *testing.T, name string, pr *project, extra ...string) *changesQuarry {
	t.Helper()
	port := freePort(t)
	q := &changesQuarry{name: name, url: fmt.Sprintf("http://127.0.0.1:%d/graphql", port), port: port, pr: pr,
		logPath: filepath.Join(t.TempDir(), name+".log"),
		args: append([]string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port), "--data", pr.dataDir,
			"--changes", "database", "--changes-slot", changesSlot}, extra...)}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s's log, errors by cause:\n%s\nlog (end):\n%s", name, errorCauses(q.logPath), logTail(q.logPath, 3000))
		}
	})
	return q
}

// start runs it (again) and waits until it answers a query.
func (q *changesQuarry) start(t *testing.T) time.Time {
	t.Helper()
	if q.p != nil && !q.p.exited() {
		t.Fatalf("%s is already running", q.name)
	}
	cmd := exec.Command(quarryBin, q.args...)
	cmd.Dir = q.pr.dir
	// --token-secret TOKEN_SECRET: instances sharing a broker sign
	// events (and nextToken values) with one key.
	cmd.Env = append(q.pr.env(), "TOKEN_SECRET=faulttest-token-secret-0123456789")
	p := startProc(t, q.name, cmd, q.logPath)
	q.p = p
	t.Cleanup(func() { p.stop(syscall.SIGTERM, 15*time.Second) })
	c := httpClient(1)
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if p.exited() {
			t.Fatalf("%s exited (%v):\n%s", q.name, p.err, logTail(q.logPath, 4000))
		}
		r := post(context.Background(), c, q.url, q.pr.key, `{ listItems(limit: 1) { items { id } } }`, nil)
		if r.ok() {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not answer after 30 s (last: %+v):\n%s", q.name, r, logTail(q.logPath, 4000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logTime matches the time of a log line of the text format.
var logTime = regexp.MustCompile(`^time=(\S+)`)

// logged returns the time of the first line of the log, from the byte
// offset from on, that contains what (zero when there is none).
func (q *changesQuarry) logged(what string, from int) time.Time {
	raw, err := os.ReadFile(q.logPath)
	if err != nil || from > len(raw) {
		return time.Time{}
	}
	for _, line := range strings.Split(string(raw[from:]), "\n") {
		if !strings.Contains(line, what) {
			continue
		}
		if m := logTime.FindStringSubmatch(line); m != nil {
			if at, err := time.Parse(time.RFC3339Nano, m[1]); err == nil {
				return at
			}
		}
		return time.Now() // no time on the line: now is an upper bound
	}
	return time.Time{}
}

// logSize is the log's length now, to look for what it says later.
func (q *changesQuarry) logSize() int {
	st, err := os.Stat(q.logPath)
	if err != nil {
		return 0
	}
	return int(st.Size())
}

// waitLogged polls the log for what (from the offset from on) for at
// most d.
func (q *changesQuarry) waitLogged(t *testing.T, what string, from int, d time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if at := q.logged(what, from); !at.IsZero() {
			return at
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's log does not say %q after %s:\n%s", q.name, what, d, logTail(q.logPath, 3000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// slotCaughtUp polls the slot until its confirmed_flush_lsn reaches the
// WAL position after the last insert, for at most d; it returns how long
// that took after the call, and the positions.
func slotCaughtUp(t *testing.T, s *pgServer, d time.Duration) (ok bool, took time.Duration, target, confirmed string) {
	t.Helper()
	db := s.Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), d+5*time.Second)
	defer cancel()
	if err := db.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&target); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		var reached bool
		err := db.QueryRowContext(ctx, `SELECT coalesce(confirmed_flush_lsn::text, ''), coalesce(confirmed_flush_lsn >= $1::pg_lsn, false)
FROM pg_replication_slots WHERE slot_name = $2`, target, "quarry_"+changesSlot).Scan(&confirmed, &reached)
		if err != nil {
			t.Fatalf("reading slot quarry_%s: %v", changesSlot, err)
		}
		if reached {
			return true, time.Since(start), target, confirmed
		}
		if time.Since(start) > d {
			return false, time.Since(start), target, confirmed
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitQuiet polls until total stops changing for quiet (at most d), so
// that late or repeated events are counted.
func waitQuiet(total func() int64, quiet, d time.Duration) {
	deadline := time.Now().Add(d)
	last, since := total(), time.Now()
	for time.Now().Before(deadline) && time.Since(since) < quiet {
		time.Sleep(20 * time.Millisecond)
		if n := total(); n != last {
			last, since = n, time.Now()
		}
	}
}

const (
	restartRows      = 10_000
	restartObservers = 20
	restartWriters   = 4
)

// TestChangesRestartQuarry: 20 observers behave like aws-amplify's
// observeQuery on onCreateItem while a program of the test's own inserts
// 10,000 rows with plain SQL, one transaction each; mid-stream quarry is
// killed (SIGKILL) or stopped (SIGTERM) and started again on the same
// port. Every observer ends with exactly the 10,000 rows; every row
// inserted after an observer's last subscription reached it as an event;
// the slot acknowledges the WAL after the last insert.
func TestChangesRestartQuarry(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGKILL: "sigkill", syscall.SIGTERM: "sigterm"}[sig]
		t.Run(name, func(t *testing.T) { restartQuarry(t, name, sig) })
	}
}

func restartQuarry(t *testing.T, name string, sig syscall.Signal) {
	s := logicalPostgres(t)
	pr := newProject(t, s.URI())
	q := newChangesQuarry(t, "quarry", pr)
	q.start(t)
	q.waitLogged(t, "changes: leading", 0, 20*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	obs := make([]*observer, restartObservers)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	for i := range obs {
		obs[i] = newObserver(q.url, pr.key)
		wg.Add(1)
		go func() {
			defer wg.Done()
			obs[i].run(ctx)
		}()
	}
	poll(t, "every observer subscribed and listed", 30*time.Second, func() bool {
		for _, o := range obs {
			if live, _ := o.status(); !live {
				return false
			}
		}
		return true
	})

	w := startWriter(ctx, s.Admin(t), restartRows, restartWriters, 0)
	poll(t, "40% of the rows sent", 60*time.Second, func() bool { return w.sent() >= restartRows*4/10 })
	killAt := time.Now()
	sentAtKill := w.sent()
	if err := q.p.signal(sig); err != nil {
		t.Fatal(err)
	}
	if !q.p.wait(drain + 5*time.Second) {
		t.Fatalf("quarry still running %s after %s", time.Since(killAt), name)
	}
	exitAt := time.Now()
	from := q.logSize()
	readyAt := q.start(t)
	leadAt := q.waitLogged(t, "changes: leading", from, 20*time.Second)

	select {
	case <-w.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("the writer has not finished after 90 s (%d of %d sent)", w.sent(), restartRows)
	}
	if w.err != nil {
		t.Fatal(w.err)
	}
	caught, caughtIn, target, confirmed := slotCaughtUp(t, s, 30*time.Second)
	if !waitFor(60*time.Second, func() bool {
		for _, o := range obs {
			if live, n := o.status(); !live || n < restartRows {
				return false
			}
		}
		return true
	}) {
		t.Errorf("60 s after the writer finished, not every observer is subscribed with every row")
	}
	waitQuiet(func() int64 {
		var n int64
		for _, o := range obs {
			n += o.delivered.Load()
		}
		return n
	}, time.Second, 10*time.Second)
	cancel()
	wg.Wait()

	// The figures, per observer and over all of them.
	sentAfter := func(at time.Time) int {
		n := 0
		for _, s := range w.sentAt {
			if s.After(at) {
				n++
			}
		}
		return n
	}
	viaEvents := map[string]bool{}
	var dupEvents, lost, minEvents, resyncs int
	minEvents, minHave := restartRows, restartRows
	failures := map[string]int{}
	for k, o := range obs {
		o.mu.Lock()
		n := 0
		for id, c := range o.events {
			viaEvents[id] = true
			dupEvents += c - 1
			n++
		}
		minEvents = min(minEvents, n)
		resyncs += o.syncs - 1
		for kind, c := range o.failures {
			failures[kind] += c
		}
		var missing, extra []string
		for i := range restartRows {
			if !o.have[rowID(i)] {
				missing = append(missing, rowID(i))
			}
		}
		for id := range o.have {
			if !strings.HasPrefix(id, "r") || len(id) != 6 {
				extra = append(extra, id)
			}
		}
		lost += len(missing)
		minHave = min(minHave, restartRows-len(missing))
		if len(missing) > 0 || len(extra) > 0 {
			t.Errorf("observer %d ends with %d rows: %d missing (e.g. %v), %d never inserted (e.g. %v)",
				k, len(o.have), len(missing), first(missing, 5), len(extra), first(extra, 5))
		}
		// Rows inserted after its last subscription was acknowledged
		// can only have reached it as events.
		var notEvent []string
		for i, at := range w.sentAt {
			if at.After(o.subAt) && o.events[rowID(i)] == 0 {
				notEvent = append(notEvent, rowID(i))
			}
		}
		if len(notEvent) > 0 {
			t.Errorf("observer %d: %d rows inserted after its subscription (acknowledged %s after the restart) never came as events, e.g. %v",
				k, len(notEvent), o.subAt.Sub(readyAt).Round(time.Millisecond), first(notEvent, 5))
		}
		o.mu.Unlock()
	}
	var phantom []string
	for id := range viaEvents {
		if !strings.HasPrefix(id, "r") || len(id) != 6 {
			phantom = append(phantom, id)
		}
	}
	sort.Strings(phantom)
	if len(phantom) > 0 {
		t.Errorf("%d events for rows never inserted, e.g. %v", len(phantom), first(phantom, 5))
	}
	if !caught {
		t.Errorf("slot quarry_%s: confirmed_flush_lsn %s has not reached %s (the WAL after the last insert) %s after the writer finished",
			changesSlot, confirmed, target, caughtIn.Round(time.Millisecond))
	}
	t.Logf("%s: signalled after %d rows sent; exited %dms after the signal; answering again %dms after it, leading %dms after it; "+
		"%d rows sent while it was down; writer %.0f rows/s; slot caught up %dms after the last insert (%s ≥ %s); "+
		"rows only via a re-list (no observer got their event) %d; fewest rows any observer got as events %d; resubscriptions %d; failed rounds %s",
		name, sentAtKill, exitAt.Sub(killAt).Milliseconds(), readyAt.Sub(killAt).Milliseconds(), leadAt.Sub(killAt).Milliseconds(),
		sentAfter(killAt)-sentAfter(readyAt), float64(restartRows)/w.end.Sub(w.sentAt[0]).Seconds(), caughtIn.Milliseconds(), confirmed, target,
		restartRows-len(viaEvents), minEvents, resyncs, fmtCounts(failures))
	t.Logf("SUMMARY restart-%s: rows=%d observers=%d final=%d/%d lost=%d dup_events=%d via_events=%d min_observer_via_events=%d down_ms=%d",
		name, restartRows, len(obs), minHave, restartRows, lost, dupEvents, len(viaEvents), minEvents, readyAt.Sub(killAt).Milliseconds())
	// A clean stop acknowledges what it handed on: the next start does
	// not publish it again.
	if sig == syscall.SIGTERM && dupEvents > 0 {
		t.Errorf("%d events delivered twice across a clean restart (SIGTERM)", dupEvents)
	}
}

// poll checks cond every 20 ms until it holds, failing the test after d.
func poll(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	if !waitFor(d, cond) {
		t.Fatalf("not after %s: %s", d, what)
	}
}

// waitFor checks cond every 20 ms until it holds (true) or d has passed
// (false).
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
