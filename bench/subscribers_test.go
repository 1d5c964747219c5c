package bench

// BenchmarkSubscribers holds N subscribers (QUARRY_BENCH_SUBSCRIBERS,
// default 10,000) on one Quarry instance, fires mutations through its
// HTTP API, and reports how long each event took to reach every
// subscriber (p50, p99) and the server's memory per subscriber.
//
// The subscribers run in a second process (this test binary, started
// again with QUARRY_BENCH_ROLE=subscribers), speaking the AppSync realtime
// protocol as the aws-amplify client does, one WebSocket per subscriber:
// the server's memory is then its own, and each process stays within its
// file-descriptor limit.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	gorilla "github.com/gorilla/websocket"
	_ "modernc.org/sqlite"

	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/pubsub"
	"github.com/quarrydata/quarry/internal/server"
	"github.com/quarrydata/quarry/internal/sqlgen/sqlite"
)

const subscriberEvents = 20

func TestMain(m *testing.M) {
	if os.Getenv("QUARRY_BENCH_ROLE") == "subscribers" {
		os.Exit(runSubscribers())
	}
	os.Exit(m.Run())
}

func BenchmarkSubscribers(b *testing.B) {
	n := 10000
	if v := os.Getenv("QUARRY_BENCH_SUBSCRIBERS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	ctx := context.Background()

	// The floor: a bare WebSocket server (the same library, configured
	// alike) that writes one prepared frame to every connection: the
	// least any WebSocket fan-out costs on this machine.
	floorURL, floorFire, stopFloor := startFloorServer(b)
	floor := measureSubscribers(b, n, floorURL, nil, floorFire)
	stopFloor()

	url, srv, stop := startSubscriberServer(b)
	defer stop()
	client := &http.Client{}
	q := measureSubscribers(b, n, url, srv, func(sent int64) error {
		body := fmt.Sprintf(`{"query":"mutation { createEvent(input: {name: \"%d\"}) { id } }"}`, sent)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/graphql", strings.NewReader(body))
		req.Header.Set("x-api-key", benchKey)
		req.Header.Set("content-type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(raw, []byte(`"errors"`)) {
			return fmt.Errorf("mutation: %s", raw)
		}
		return nil
	})
	b.ReportMetric(float64(n), "subscribers")
	b.ReportMetric(q.P50, "p50_ms")
	b.ReportMetric(q.P99, "p99_ms")
	b.ReportMetric(q.Max, "max_ms")
	b.ReportMetric(q.fireMax, "mutation_max_ms")
	b.ReportMetric(floor.P50, "floor_p50_ms")
	b.ReportMetric(floor.P99, "floor_p99_ms")
	b.ReportMetric(q.P99/floor.P99, "x_floor_p99")
	b.ReportMetric(q.perSub, "server_bytes/subscriber")
	b.ReportMetric(floor.perSub, "floor_bytes/subscriber")
	if q.P99 > 100 {
		b.Logf("p99 %.1f ms is over the 100 ms target (the bare fan-out's p99: %.1f ms)", q.P99, floor.P99)
	}
}

// delivery is what the subscriber process measured.
type delivery struct {
	Delivered, Expected int
	P50, P99, Max       float64 // milliseconds
	perSub              float64 // server bytes per subscriber
	// fireMax is the longest an event took to send (for Quarry, the
	// mutation's round trip, its commit and queueing the deliveries
	// included): a slow commit delays every delivery of its event.
	fireMax float64 // milliseconds
}

// measureSubscribers starts n subscribers on url, fires the events with
// fire (each stamped with its send time), and returns the latencies. srv,
// when set, is Quarry's server, whose subscriptions are counted first. The
// server's memory per subscriber is measured on both sides: the floor's
// is what one WebSocket connection costs with the same library.
func measureSubscribers(b *testing.B, n int, url string, srv *server.Server, fire func(sent int64) error) delivery {
	b.Helper()
	before := serverMemory()
	cmd := osexec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "QUARRY_BENCH_ROLE=subscribers", "QUARRY_BENCH_URL="+url,
		"QUARRY_BENCH_SUBSCRIBERS="+strconv.Itoa(n), "QUARRY_BENCH_EVENTS="+strconv.Itoa(subscriberEvents))
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		b.Fatalf("subscribers: %q %s", lines.Text(), stderr.String())
	}
	var res delivery
	if srv != nil {
		if got := srv.Realtime.Hub.Count(); got != n {
			b.Fatalf("%d subscriptions on the server, want %d", got, n)
		}
		if path := os.Getenv("QUARRY_BENCH_HEAPPROFILE"); path != "" {
			writeHeapProfile(b, path)
		}
	}
	res.perSub = float64(serverMemory()-before) / float64(n)
	for i := 0; i < subscriberEvents; i++ {
		sent := time.Now()
		if err := fire(sent.UnixNano()); err != nil {
			b.Fatal(err)
		}
		res.fireMax = max(res.fireMax, float64(time.Since(sent))/1e6)
		time.Sleep(100 * time.Millisecond)
	}
	if !lines.Scan() {
		b.Fatalf("subscribers ended: %s", stderr.String())
	}
	if err := json.Unmarshal(lines.Bytes(), &res); err != nil {
		b.Fatalf("%s: %v", lines.Text(), err)
	}
	if res.Delivered != res.Expected {
		b.Errorf("%d of %d events delivered", res.Delivered, res.Expected)
	}
	return res
}

// startFloorServer serves the floor: it answers the subscribers' protocol
// just enough (start_ack) and writes each event's frame to every socket.
// It holds its sockets as Quarry does (internal/realtime): the same
// library and Upgrader settings, the handler returning once the socket is
// upgraded, one reader goroutine per socket and a writer only while there
// is something to write, so that its memory is what a socket costs and
// its latency what the fan-out costs.
func startFloorServer(b *testing.B) (string, func(sent int64) error, func()) {
	type floorConn struct {
		ws *gorilla.Conn
		mu sync.Mutex // one writer at a time
	}
	write := func(c *floorConn, msg []byte) {
		c.mu.Lock()
		defer c.mu.Unlock()
		_ = c.ws.WriteMessage(gorilla.TextMessage, msg)
	}
	var mu sync.Mutex
	conns := map[*floorConn]bool{} // true once subscribed
	var readers sync.WaitGroup
	var writeBufs sync.Pool
	upgrader := gorilla.Upgrader{ReadBufferSize: 256, WriteBufferPool: &writeBufs,
		Subprotocols: []string{"graphql-ws"}, CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql/realtime", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &floorConn{ws: ws}
		mu.Lock()
		conns[c] = false
		mu.Unlock()
		readers.Add(1)
		go func() {
			defer readers.Done()
			defer func() { _ = ws.Close() }()
			for {
				_, raw, err := ws.ReadMessage()
				if err != nil {
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
					return
				}
				if bytes.Contains(raw, []byte(`"start"`)) {
					mu.Lock()
					conns[c] = true
					mu.Unlock()
					write(c, []byte(`{"id":"s","type":"start_ack"}`))
				}
			}
		}()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: mux}
	go func() { _ = hs.Serve(ln) }()
	fire := func(sent int64) error {
		frame := []byte(fmt.Sprintf(`{"type":"data","id":"s","payload":{"data":{"onCreateEvent":{"id":1,"name":"%d"}}}}`, sent))
		mu.Lock()
		defer mu.Unlock()
		for c, subscribed := range conns {
			if subscribed {
				go write(c, frame)
			}
		}
		return nil
	}
	return "http://" + ln.Addr().String(), fire, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		// Hijacked sockets are not the HTTP server's to close; Quarry's
		// figures are measured next, without the floor's leftovers.
		mu.Lock()
		for c := range conns {
			_ = c.ws.Close()
		}
		mu.Unlock()
		readers.Wait()
	}
}

// writeHeapProfile writes the heap in use while every subscriber is
// connected (QUARRY_BENCH_HEAPPROFILE=file), to see what a subscriber
// costs with go tool pprof -sample_index=inuse_space.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// serverMemory is this process's heap and stacks in use, after a GC.
func serverMemory() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// startSubscriberServer serves a one-table SQLite API as `quarry serve`
// builds it, with the in-process broker.
func startSubscriberServer(b *testing.B) (string, *server.Server, func()) {
	dir := b.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "bench.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE event (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	cat, err := introspect.Read(ctx, db, introspect.EngineSQLite, introspect.Options{})
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	broker := pubsub.NewLocal()
	eng := benchEngine(b, cat, sqlite.Compiler{}, exec.New(db, exec.Options{PoolSize: 4}), log)
	eng.Publish = func(ctx context.Context, ev pubsub.Event) { _ = broker.Publish(ctx, ev) }
	authn := benchAuth(b)
	srv := server.New(eng, authn, log)
	// Every subscriber comes from 127.0.0.1: lift the per-address cap
	// that protects a real server from one client's flood.
	srv.MaxConnsPerAddr = -1
	unsubscribe, _ := broker.Subscribe(srv.Realtime.Hub.Deliver)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln, time.Second) }()
	return "http://" + ln.Addr().String(), srv, func() {
		unsubscribe()
		cancel()
		<-done
		db.Close()
	}
}

// runSubscribers is the subscriber process: it opens the subscriptions,
// prints "ready", then waits for every event on every subscription and
// prints the latencies.
func runSubscribers() int {
	if path := os.Getenv("QUARRY_BENCH_CLIENT_PROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	url := strings.Replace(os.Getenv("QUARRY_BENCH_URL"), "http://", "ws://", 1) + "/graphql/realtime"
	n, _ := strconv.Atoi(os.Getenv("QUARRY_BENCH_SUBSCRIBERS"))
	events, _ := strconv.Atoi(os.Getenv("QUARRY_BENCH_EVENTS"))
	header, _ := json.Marshal(map[string]string{"host": "bench", "x-api-key": benchKey})
	protocol := "header-" + base64.RawURLEncoding.EncodeToString(header)
	data, _ := json.Marshal(map[string]any{"query": "subscription { onCreateEvent { id name } }", "variables": map[string]any{}})
	start, _ := json.Marshal(map[string]any{"id": "s", "type": "start", "payload": map[string]any{"data": string(data),
		"extensions": map[string]any{"authorization": map[string]string{"x-api-key": benchKey}}}})

	latencies := make([][]float64, n)
	var ready, done sync.WaitGroup
	var failed atomic.Int32
	var firstErr atomic.Pointer[error]
	sem := make(chan struct{}, 256) // connections opening at once
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer done.Done()
			sem <- struct{}{}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-ws", protocol}})
			cancel()
			if err != nil {
				<-sem
				firstErr.CompareAndSwap(nil, &err)
				failed.Add(1)
				ready.Done()
				return
			}
			defer ws.CloseNow()
			ws.SetReadLimit(1 << 20)
			bg := context.Background()
			_ = ws.Write(bg, websocket.MessageText, []byte(`{"type":"connection_init"}`))
			_ = ws.Write(bg, websocket.MessageText, start)
			acked := false
			got := make([]float64, 0, events)
			// No deadline on reads (a deadline costs timers per message on
			// the CPU the server shares); the benchmark ends this process
			// if events stop coming.
			for len(got) < events {
				_, raw, err := ws.Read(bg)
				if err != nil {
					break
				}
				switch {
				case bytes.Contains(raw, []byte(`"start_ack"`)):
					if !acked {
						acked = true
						<-sem
						ready.Done()
					}
				case bytes.Contains(raw, []byte(`"type":"data"`)):
					// The send time is the event's name; read it without a
					// JSON decoder, so the measuring costs little of the
					// CPU the server shares.
					now := time.Now().UnixNano()
					if i := bytes.Index(raw, []byte(`"name":"`)); i >= 0 {
						rest := raw[i+8:]
						if j := bytes.IndexByte(rest, '"'); j > 0 {
							sent, _ := strconv.ParseInt(string(rest[:j]), 10, 64)
							got = append(got, float64(now-sent)/1e6)
						}
					}
				}
			}
			if !acked {
				<-sem
				ready.Done()
			}
			latencies[i] = got
		}(i)
	}
	ready.Wait()
	if f := failed.Load(); f > 0 {
		fmt.Fprintf(os.Stderr, "%d subscribers could not connect, the first with: %v\n", f, *firstErr.Load())
		return 1
	}
	fmt.Println("ready")
	done.Wait()
	var all []float64
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Float64s(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	pprof.StopCPUProfile() // before the parent, having read the line, kills this process
	out, _ := json.Marshal(map[string]any{"Delivered": len(all), "Expected": n * events,
		"P50": pct(0.50), "P99": pct(0.99), "Max": pct(1)})
	fmt.Println(string(out))
	return 0
}
