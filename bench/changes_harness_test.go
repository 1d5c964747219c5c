package bench

// The harness of changes_test.go: a PostgreSQL with wal_level=logical of
// the benchmark's own (internal/testpg), `quarry serve` built with go
// build and run as a subprocess, and subscriber processes (this test
// binary started again with QUARRY_BENCH_ROLE=changes-subscribers).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/quarrydata/quarry/internal/testpg"
)

// The subscriber process's role runs before TestMain (subscribers_test.go
// owns it): init ends the process when it is one.
func init() {
	if os.Getenv("QUARRY_BENCH_ROLE") == "changes-subscribers" {
		os.Exit(runChangesSubscribers())
	}
}

// changesTable is the table both paths write, in a database each.
const changesTable = `CREATE TABLE event (id bigserial PRIMARY KEY, name text NOT NULL, grp int NOT NULL DEFAULT 0)`

// changesPG starts a logical-decoding PostgreSQL of the benchmark's own
// holding the databases dbs, each with the table event, and returns
// their URIs.
func changesPG(b *testing.B, dbs ...string) map[string]string {
	b.Helper()
	if _, err := os.Stat(filepath.Join(testpg.Bin(), "postgres")); err != nil {
		testpg.Missing(b, "PostgreSQL 15", err)
	}
	srv := testpg.Start(b, "max_replication_slots=10", "max_wal_senders=10", "max_connections=100",
		"shared_buffers=128MB", "max_wal_size=1GB")
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, srv.URI("postgres"))
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	uris := map[string]string{}
	for _, name := range dbs {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			b.Fatal(err)
		}
		uris[name] = srv.DatabaseURI("postgres", name)
		c, err := pgx.Connect(ctx, uris[name])
		if err != nil {
			b.Fatal(err)
		}
		_, err = c.Exec(ctx, changesTable)
		c.Close(ctx)
		if err != nil {
			b.Fatal(err)
		}
	}
	return uris
}

// buildQuarry builds cmd/quarry into a temporary directory, or returns
// QUARRY_BENCH_BIN when set (a binary built beforehand).
func buildQuarry(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv("QUARRY_BENCH_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "quarry")
	cmd := osexec.Command("go", "build", "-o", bin, "github.com/quarrydata/quarry/cmd/quarry")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// quarryProc is a `quarry serve` subprocess.
type quarryProc struct {
	url  string // http://host:port (the API is at /graphql)
	cmd  *osexec.Cmd
	log  *lockedBuffer
	done chan struct{}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

var servingURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/graphql`)

// startQuarry generates the schema of the database at uri and serves it
// with `quarry serve --changes mode` (API key benchKey) until the
// benchmark ends.
func startQuarryServe(b *testing.B, bin, uri, mode string) *quarryProc {
	b.Helper()
	dir := b.TempDir()
	env := append(os.Environ(), "DB_URI="+uri, "API_KEYS="+benchKey)
	sdl := filepath.Join(dir, "schema.sql.graphql")
	gen := osexec.Command(bin, "generate", "schema-from-database", "--connection-uri-secret", "DB_URI", "--out", sdl)
	gen.Env, gen.Dir = env, dir
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("generate: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(sdl)
	m := regexp.MustCompile(`type (\w+)\b[^{]*@model`).FindSubmatch(raw)
	if m == nil {
		b.Fatalf("no model in the generated schema:\n%s", raw)
	}
	rules := fmt.Sprintf("extend type %s @auth(rules: [{allow: public, provider: apiKey}])\n", m[1])
	if err := os.WriteFile(filepath.Join(dir, "resource.graphql"), []byte(rules), 0o644); err != nil {
		b.Fatal(err)
	}
	p := &quarryProc{log: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = osexec.Command(bin, "serve", "--data", dir, "--host", "127.0.0.1", "--port", "0", "--pool", "8", "--changes", mode,
		"--max-conns-per-addr", "-1") // every subscriber comes from 127.0.0.1
	p.cmd.Env, p.cmd.Dir = env, dir
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	b.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	want := "serving"
	if mode == "database" {
		want = "changes: leading"
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		log := p.log.String()
		if u := servingURL.FindString(log); u != "" && strings.Contains(log, want) {
			p.url = strings.TrimSuffix(u, "/graphql")
			return p
		}
		select {
		case <-p.done:
			b.Fatalf("quarry serve --changes %s exited:\n%s", mode, log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.Fatalf("quarry serve --changes %s is not ready after 60 s:\n%s", mode, log)
		}
	}
}

// cpu is the process's CPU time so far (user + system), from /proc.
func (p *quarryProc) cpu() time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (in parentheses): utime and
	// stime are the 12th and 13th.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * time.Second / 100 // USER_HZ
}

// subProc is a subscriber process.
type subProc struct {
	cmd    *osexec.Cmd
	stdin  *bufio.Writer
	in     interface{ Close() error }
	lines  chan string
	stderr *lockedBuffer
	count  atomic.Int64 // frames received, from its progress lines
}

// startSubscribers starts n subscribers to query on server url in a
// process of their own and waits until all are subscribed. mode is
// "stamps" (the event's name is a sequence number; latencies are taken
// against the stamps sent at the end) or "sent" (the name is the send
// time in nanoseconds).
func startSubscribers(b *testing.B, url string, n int, query, mode string) *subProc {
	b.Helper()
	s := &subProc{stderr: &lockedBuffer{}, lines: make(chan string, 16)}
	s.cmd = osexec.Command(os.Args[0], "-test.run", "^$")
	s.cmd.Env = append(os.Environ(), "QUARRY_BENCH_ROLE=changes-subscribers", "QUARRY_BENCH_URL="+url,
		"QUARRY_BENCH_SUBSCRIBERS="+strconv.Itoa(n), "QUARRY_BENCH_QUERY="+query, "QUARRY_BENCH_MODE="+mode)
	s.cmd.Stderr = s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, _ := s.cmd.StdoutPipe()
	in, _ := s.cmd.StdinPipe()
	s.in, s.stdin = in, bufio.NewWriter(in)
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if c, ok := strings.CutPrefix(line, "count "); ok {
				v, _ := strconv.ParseInt(c, 10, 64)
				s.count.Store(v)
				continue
			}
			s.lines <- line
		}
		close(s.lines)
	}()
	select {
	case l := <-s.lines:
		if l != "ready" {
			b.Fatalf("subscribers: %q %s", l, s.stderr.String())
		}
	case <-time.After(5 * time.Minute):
		b.Fatalf("subscribers not ready after 5 min: %s", s.stderr.String())
	}
	return s
}

// subResult is what a subscriber process measured.
type subResult struct {
	Delivered    int64
	Disconnected int
	// Latencies in ms: from the stamp (commit or response), and from
	// the write being sent.
	P50, P99, Max, SentP50, SentP99 float64
}

// finish sends the stamps (mode "stamps": name → [sent ns, acknowledged
// ns]) and stop, and reads the result.
func (s *subProc) finish(b *testing.B, stamps map[string][2]int64) subResult {
	b.Helper()
	raw, _ := json.Marshal(stamps)
	fmt.Fprintf(s.stdin, "%s\n", raw)
	_ = s.stdin.Flush()
	_ = s.in.Close()
	select {
	case l, ok := <-s.lines:
		if !ok {
			b.Fatalf("subscribers ended: %s", s.stderr.String())
		}
		var r subResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			b.Fatalf("%s: %v", l, err)
		}
		return r
	case <-time.After(2 * time.Minute):
		b.Fatalf("subscribers gave no result: %s", s.stderr.String())
	}
	return subResult{}
}

// waitCount waits until the subscribers have received want frames, or
// until the count stops moving for idle.
func (s *subProc) waitCount(want int64, idle, limit time.Duration) int64 {
	last, lastMove := s.count.Load(), time.Now()
	deadline := time.Now().Add(limit)
	for {
		c := s.count.Load()
		if c >= want || time.Since(lastMove) > idle || time.Now().After(deadline) {
			return c
		}
		if c != last {
			last, lastMove = c, time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runChangesSubscribers is the subscriber process: it opens the
// subscriptions (AppSync realtime, as aws-amplify does), prints "ready",
// prints "count N" every 500 ms, and when stdin gives the stamps (one
// JSON line, then end of input), prints the latencies as JSON.
func runChangesSubscribers() int {
	url := strings.Replace(os.Getenv("QUARRY_BENCH_URL"), "http://", "ws://", 1) + "/graphql/realtime"
	n, _ := strconv.Atoi(os.Getenv("QUARRY_BENCH_SUBSCRIBERS"))
	stamped := os.Getenv("QUARRY_BENCH_MODE") == "stamps"
	header, _ := json.Marshal(map[string]string{"host": "bench", "x-api-key": benchKey})
	protocol := "header-" + base64.RawURLEncoding.EncodeToString(header)
	var count atomic.Int64
	var disconnected atomic.Int32
	type frame struct {
		name string
		at   int64
	}
	frames := make([][]frame, n)      // stamps mode
	latencies := make([][]float32, n) // sent mode: ms since the name's time
	var ready sync.WaitGroup
	var failed atomic.Int32
	conns := make([]*websocket.Conn, n)
	mus := make([]sync.Mutex, n) // guard frames[i]/latencies[i] against the final read
	sem := make(chan struct{}, 256)
	ready.Add(n)
	for i := 0; i < n; i++ {
		query := strings.ReplaceAll(os.Getenv("QUARRY_BENCH_QUERY"), "$I", strconv.Itoa(i))
		data, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{}})
		start, _ := json.Marshal(map[string]any{"id": "s", "type": "start", "payload": map[string]any{"data": string(data),
			"extensions": map[string]any{"authorization": map[string]string{"x-api-key": benchKey}}}})
		go func(i int) {
			sem <- struct{}{}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-ws", protocol}})
			cancel()
			if err != nil {
				<-sem
				failed.Add(1)
				ready.Done()
				return
			}
			conns[i] = ws
			ws.SetReadLimit(1 << 20)
			bg := context.Background()
			_ = ws.Write(bg, websocket.MessageText, []byte(`{"type":"connection_init"}`))
			_ = ws.Write(bg, websocket.MessageText, start)
			acked := false
			defer func() {
				if !acked {
					<-sem
					ready.Done()
				}
			}()
			for {
				_, raw, err := ws.Read(bg)
				if err != nil {
					disconnected.Add(1)
					return
				}
				switch {
				case bytes.Contains(raw, []byte(`"type":"data"`)):
					now := time.Now().UnixNano()
					k := bytes.Index(raw, []byte(`"name":"`))
					if k < 0 {
						continue
					}
					rest := raw[k+8:]
					j := bytes.IndexByte(rest, '"')
					if j <= 0 {
						continue
					}
					mus[i].Lock()
					if stamped {
						frames[i] = append(frames[i], frame{string(rest[:j]), now})
					} else {
						sent, _ := strconv.ParseInt(string(rest[:j]), 10, 64)
						latencies[i] = append(latencies[i], float32(float64(now-sent)/1e6))
					}
					mus[i].Unlock()
					count.Add(1)
				case bytes.Contains(raw, []byte(`"start_ack"`)):
					if !acked {
						acked = true
						<-sem
						ready.Done()
					}
				case bytes.Contains(raw, []byte(`"type":"error"`)):
					fmt.Fprintf(os.Stderr, "subscriber %d: %s\n", i, raw)
				}
			}
		}(i)
	}
	ready.Wait()
	if f := failed.Load(); f > 0 {
		fmt.Fprintf(os.Stderr, "%d subscribers could not connect\n", f)
		return 1
	}
	fmt.Println("ready")
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Millisecond):
				fmt.Printf("count %d\n", count.Load())
			}
		}
	}()
	in := bufio.NewReader(os.Stdin)
	line, _ := in.ReadBytes('\n')
	close(stop)
	var stamps map[string][2]int64
	_ = json.Unmarshal(line, &stamps)
	for i := range mus {
		mus[i].Lock()
		defer mus[i].Unlock()
	}
	var lat, sent []float64
	delivered := count.Load()
	if stamped {
		delivered = 0
		for _, fs := range frames {
			for _, f := range fs {
				if st, ok := stamps[f.name]; ok {
					delivered++
					lat = append(lat, float64(f.at-st[1])/1e6)
					sent = append(sent, float64(f.at-st[0])/1e6)
				}
			}
		}
	} else {
		for _, ls := range latencies {
			for _, l := range ls {
				lat = append(lat, float64(l))
			}
		}
		sent = lat
	}
	sort.Float64s(lat)
	sort.Float64s(sent)
	out, _ := json.Marshal(subResult{Delivered: delivered, Disconnected: int(disconnected.Load()),
		P50: pct(lat, 0.50), P99: pct(lat, 0.99), Max: pct(lat, 1), SentP50: pct(sent, 0.50), SentP99: pct(sent, 0.99)})
	fmt.Println(string(out))
	for _, c := range conns {
		if c != nil {
			c.CloseNow()
		}
	}
	return 0
}

// pct is the p quantile of sorted.
func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}
