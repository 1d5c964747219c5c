package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/auth"
)

var testKey = []auth.APIKey{{ID: "k", Value: "k"}}

// answeredMeanwhile checks that a normal request is answered within d
// while an attack runs.
func answeredMeanwhile(t *testing.T, url string, d time.Duration) {
	t.Helper()
	// A client of its own, on a new connection, as a different user's.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(`{"query": "{ __typename }"}`))
	req.Header.Set("x-api-key", "k")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("normal request: %v", err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(raw), `"__typename":"Query"`) {
		t.Errorf("normal request: %d %s", resp.StatusCode, raw)
	}
	if took := time.Since(start); took > d {
		t.Errorf("a normal request took %v during the attack", took)
	}
}

// TestSlowBodiesAreCutOff: a body sent a byte at a time is answered 408
// after --body-timeout and its connection freed; others are served
// meanwhile. (The seed held three such connections for over 150 s.)
func TestSlowBodiesAreCutOff(t *testing.T) {
	url := startWith(t, testKey, func(s *Server) { s.BodyTimeout = 500 * time.Millisecond })
	addr := strings.TrimPrefix(url, "http://")
	var wg sync.WaitGroup
	results := make([]string, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				results[i] = err.Error()
				return
			}
			defer c.Close()
			fmt.Fprintf(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
			done := make(chan struct{})
			go func() {
				defer close(done)
				for range 40 {
					if _, err := c.Write([]byte(" ")); err != nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			}()
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				results[i] = "no answer: " + err.Error()
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			results[i] = fmt.Sprintf("%d %s", resp.StatusCode, raw)
			c.Close()
			<-done
		}()
	}
	time.Sleep(100 * time.Millisecond)
	answeredMeanwhile(t, url, time.Second)
	wg.Wait()
	for i, r := range results {
		if !strings.HasPrefix(r, "408 ") || !strings.Contains(r, "--body-timeout") {
			t.Errorf("slow client %d: %s", i, r)
		}
	}
}

// TestConnectionsPerAddressAreBounded: past --max-conns-per-addr a
// client's new connections are closed at once; closing one frees a slot.
func TestConnectionsPerAddressAreBounded(t *testing.T) {
	url := startWith(t, testKey, func(s *Server) { s.MaxConnsPerAddr = 3 })
	addr := strings.TrimPrefix(url, "http://")
	var held []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// Accept runs asynchronously: give the server a moment to count them.
	time.Sleep(100 * time.Millisecond)
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = extra.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := extra.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("a fourth connection was not closed: %v", err)
	}
	extra.Close()
	held[0].Close()
	// The server sees the close when its read ends: wait until a new
	// connection is kept rather than sleep a guessed time.
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, err = c.Read(make([]byte, 1))
		c.Close()
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			break // kept open: the slot is free
		}
		if time.Now().After(deadline) {
			t.Fatal("closing a connection did not free its slot")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// And a request is served on the freed slot (once the probe's own
	// connection is counted out).
	for deadline := time.Now().Add(5 * time.Second); ; {
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(`{"query": "{ __typename }"}`))
		req.Header.Set("x-api-key", "k")
		resp, err := client.Do(req)
		if err == nil {
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(raw), `"Query"`) {
				t.Errorf("normal request: %d %s", resp.StatusCode, raw)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no request served on the freed slot: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range held[1:] {
		c.Close()
	}
}

// TestAliasBombsDoNotStarveOthers: requests that cost minutes on the seed
// (20,000 copies of one alias, 180 KB) are refused at once, naming the
// limit, while a normal request is answered.
func TestAliasBombsDoNotStarveOthers(t *testing.T) {
	url := start(t, testKey)
	bomb := `{"query": "{ listEvents(limit: 1) { items { ` + strings.Repeat("t: id ", 20000) + ` } } }"}`
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := post(t, url, "k", bomb)
			errs, _ := body["errors"].([]any)
			if resp.StatusCode != 200 || len(errs) != 1 || !strings.Contains(fmt.Sprint(errs[0]), "--max-") ||
				!strings.Contains(fmt.Sprint(errs[0]), "PayloadTooLargeException") {
				t.Errorf("bomb: %d %.300v", resp.StatusCode, body)
			}
		}()
	}
	answeredMeanwhile(t, url, time.Second)
	wg.Wait()
	// Connections the client dialled and never used would hold the
	// server's shutdown for 5 s.
	http.DefaultClient.CloseIdleConnections()
}
