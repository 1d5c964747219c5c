package faulttest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// quarryBin is the quarry binary TestMain builds once for every test.
var quarryBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// QUARRY_FAULTTEST_BIN runs the tests against a binary built
	// elsewhere (say, of another commit) instead of building this tree's.
	if bin := os.Getenv("QUARRY_FAULTTEST_BIN"); bin != "" {
		quarryBin = bin
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "quarry-faulttest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faulttest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "quarry")
	build := exec.Command("go", "build", "-o", bin, "github.com/quarrydata/quarry/cmd/quarry")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "faulttest: building quarry:", err)
		return 1
	}
	quarryBin = bin
	return m.Run()
}

// Error types the tests tell apart.
const (
	unavailable = "ServiceUnavailableException"
	// ambiguous is the error kind for a write whose outcome is unknown
	// (the connection was lost after COMMIT was sent).
	ambiguous = "AmbiguousWriteException"
)

// httpClient is a client for n concurrent requests to one quarry.
func httpClient(n int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: n, MaxIdleConnsPerHost: n, IdleConnTimeout: 30 * time.Second,
	}}
}

// result is one GraphQL request's outcome.
type result struct {
	status int
	// data: the response has data for its root field and no errors.
	data bool
	// errType is the first error's errorType; "transport: ..." when no
	// full response came, "http <status>" for a non-JSON answer.
	errType string
	msg     string
	body    string
}

func (r result) ok() bool { return r.status == 200 && r.data }

// post sends one GraphQL request with the API key and reads the whole
// response.
func post(ctx context.Context, c *http.Client, url, key, query string, vars map[string]any) result {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return result{errType: "transport: " + err.Error()}
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("x-api-key", key)
	resp, err := c.Do(req)
	if err != nil {
		return result{errType: "transport: " + addrs.ReplaceAllString(err.Error(), "ADDR"), msg: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{status: resp.StatusCode, errType: "transport: reading the body: " + err.Error()}
	}
	r := result{status: resp.StatusCode, body: string(raw)}
	var out struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message   string `json:"message"`
			ErrorType string `json:"errorType"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		r.errType = fmt.Sprintf("http %d", resp.StatusCode)
		r.msg = string(raw)
		return r
	}
	if len(out.Errors) > 0 {
		r.errType, r.msg = out.Errors[0].ErrorType, out.Errors[0].Message
		if r.errType == "" {
			r.errType = "(no errorType)"
		}
		return r
	}
	if len(out.Data) == 0 {
		r.errType = fmt.Sprintf("http %d without data", resp.StatusCode)
		return r
	}
	for _, v := range out.Data {
		if len(v) == 0 || string(v) == "null" {
			r.errType = "null data"
			return r
		}
	}
	r.data = true
	return r
}

// addrs matches the addresses in a transport error, so that errors
// differing only in them count as one kind.
var addrs = regexp.MustCompile(`[0-9]+(\.[0-9]+){3}:[0-9]+`)

const createItem = `mutation ($input: CreateItemInput!) { createItem(input: $input) { id n } }`

// attempt is one create a write client sent.
type attempt struct {
	id         string
	start, end time.Time
	result
}

// writeLoad runs clients that each send creates with ids of their own
// choosing, one after the other, until stop is closed. acks counts the
// acknowledged ones as they come.
type writeLoad struct {
	wg       sync.WaitGroup
	stop     chan struct{}
	stopOnce sync.Once
	acks     atomic.Int64
	perCli   [][]attempt
	started  time.Time
}

func startWriteLoad(url, key string, clients int) *writeLoad {
	w := &writeLoad{stop: make(chan struct{}), perCli: make([][]attempt, clients), started: time.Now()}
	c := httpClient(clients)
	for i := range clients {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			defer c.CloseIdleConnections()
			for seq := 0; seq < 1_000_000; seq++ {
				select {
				case <-w.stop:
					return
				default:
				}
				a := attempt{id: fmt.Sprintf("c%02d-%06d", i, seq), start: time.Now()}
				a.result = post(context.Background(), c, url, key, createItem,
					map[string]any{"input": map[string]any{"id": a.id, "n": seq}})
				a.end = time.Now()
				w.perCli[i] = append(w.perCli[i], a)
				if a.ok() {
					w.acks.Add(1)
				} else {
					// A client backs off a little after a failure.
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	return w
}

// finish stops the clients and returns every attempt.
func (w *writeLoad) finish() []attempt {
	w.stopOnce.Do(func() { close(w.stop) })
	w.wg.Wait()
	var all []attempt
	for _, a := range w.perCli {
		all = append(all, a...)
	}
	return all
}

// runUntil keeps the load going until at least minTotal after it started
// and until a write was acknowledged after since (at most maxAfter
// past since).
func (w *writeLoad) runUntil(since time.Time, minTotal, maxAfter time.Duration) {
	acksAt := w.acks.Load()
	limit := since.Add(maxAfter)
	for time.Now().Before(limit) {
		if w.acks.Load() > acksAt && time.Since(w.started) >= minTotal {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeReport is what became of the writes of one fault test.
type writeReport struct {
	acked, failed   int
	failedByType    map[string]int
	stored          int
	lostAcked       []string // acknowledged but not in the table
	storedFailed    []attempt
	phantom         []string // in the table but never sent
	firstAckAfter   time.Duration
	recovered       bool
	sampleByType    map[string]string
	storedFailedTyp map[string]int
	maxLatency      time.Duration
}

// analyse compares the attempts with the ids stored in the table. The
// database was started again (or resumed) at restartAt and the test's own
// poll found it accepting connections at readyAt: recovery is the time
// from then to the first write acknowledged after restartAt (0 when quarry
// got one through before the poll noticed).
func analyse(attempts []attempt, stored map[string]bool, restartAt, readyAt time.Time) *writeReport {
	r := &writeReport{failedByType: map[string]int{}, sampleByType: map[string]string{}, storedFailedTyp: map[string]int{},
		stored: len(stored)}
	sent := map[string]bool{}
	first := time.Time{}
	for _, a := range attempts {
		sent[a.id] = true
		r.maxLatency = max(r.maxLatency, a.end.Sub(a.start))
		if a.ok() {
			r.acked++
			if !stored[a.id] {
				r.lostAcked = append(r.lostAcked, a.id)
			}
			if a.end.After(restartAt) && (first.IsZero() || a.end.Before(first)) {
				first = a.end
			}
			continue
		}
		r.failed++
		r.failedByType[a.errType]++
		if _, ok := r.sampleByType[a.errType]; !ok {
			r.sampleByType[a.errType] = a.msg
		}
		if stored[a.id] {
			r.storedFailed = append(r.storedFailed, a)
			r.storedFailedTyp[a.errType]++
		}
	}
	for id := range stored {
		if !sent[id] {
			r.phantom = append(r.phantom, id)
		}
	}
	if !first.IsZero() {
		r.recovered = true
		r.firstAckAfter = max(0, first.Sub(readyAt))
	}
	sort.Strings(r.lostAcked)
	sort.Strings(r.phantom)
	return r
}

// summary is the one line of figures a test logs.
func (r *writeReport) summary() string {
	rec := "never"
	if r.recovered {
		rec = fmt.Sprintf("%d", r.firstAckAfter.Milliseconds())
	}
	return fmt.Sprintf("acked=%d stored=%d failed=%d failedByType=%s storedButFailed=%d storedButFailedByType=%s lostAcked=%d recoveryMs=%s maxLatencyMs=%d",
		r.acked, r.stored, r.failed, fmtCounts(r.failedByType), len(r.storedFailed), fmtCounts(r.storedFailedTyp), len(r.lostAcked), rec,
		r.maxLatency.Milliseconds())
}

// check makes the assertions every write fault test shares.
func (r *writeReport) check(t *testing.T, maxRecovery time.Duration) {
	t.Helper()
	if len(r.lostAcked) > 0 {
		t.Errorf("%d acknowledged writes are not in the table (lost), e.g. %v", len(r.lostAcked), first(r.lostAcked, 5))
	}
	if len(r.phantom) > 0 {
		t.Errorf("%d rows in the table were never sent: %v", len(r.phantom), first(r.phantom, 5))
	}
	if r.acked == 0 {
		t.Errorf("no write was acknowledged at all")
	}
	// During the outage a client is told the service is unavailable (or,
	// for a commit whose outcome is unknown, that the write is ambiguous),
	// never InternalFailure and never a broken response.
	for typ, n := range r.failedByType {
		if typ != unavailable && typ != ambiguous {
			t.Errorf("%d writes failed with errorType %q (want %s or %s), e.g. %q", n, typ, unavailable, ambiguous, r.sampleByType[typ])
		}
	}
	// A failed write that was stored must have said its outcome was
	// unknown: anything else tells the client a stored row was not.
	for _, a := range r.storedFailed {
		if a.errType != ambiguous {
			t.Errorf("write %s failed with errorType %q (%q) but its row was stored: want %s (\"the write may have been applied\")",
				a.id, a.errType, a.msg, ambiguous)
		} else if !strings.Contains(a.msg, "may have been applied") {
			t.Errorf("write %s: %s message %q does not say the write may have been applied", a.id, ambiguous, a.msg)
		}
	}
	if !r.recovered {
		t.Errorf("no write was acknowledged after the database came back")
	} else if r.firstAckAfter > maxRecovery {
		t.Errorf("first acknowledged write %s after the database accepted connections again, want < %s", r.firstAckAfter, maxRecovery)
	}
}

func fmtCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func first[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// storedIDs reads every id in the item table.
func storedIDs(t *testing.T, s dbServer, table string) map[string]bool {
	t.Helper()
	db := s.Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT id FROM "+table)
	if err != nil {
		t.Fatalf("reading the stored rows: %v", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// execAll runs setup statements on db.
func execAll(t testing.TB, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, st := range stmts {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := db.ExecContext(ctx, st)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}
