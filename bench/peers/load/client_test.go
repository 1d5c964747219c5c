package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quarrydata/quarry/bench/peers/load/report"
	"github.com/quarrydata/quarry/bench/peers/workload"
)

// echo answers {"data":{"n":<body length>}} the way net/http frames it:
// Content-Length for small answers, chunked for ones it streams.
func echoServer(t *testing.T, chunked bool) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Api-Key") != "k" || r.Method != http.MethodPost || r.URL.Path != "/graphql" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if chunked {
			fmt.Fprintf(w, `{"data":{"n":%d,`, len(b))
			w.(http.Flusher).Flush()
			fmt.Fprint(w, `"pad":"`+strings.Repeat("x", 5000)+`"}}`)
			return
		}
		fmt.Fprintf(w, `{"data":{"n":%d}}`, len(b))
	}))
	t.Cleanup(s.Close)
	return s
}

func TestClientFraming(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			s := echoServer(t, chunked)
			tg, err := newTarget(s.URL+"/graphql", "X-Api-Key: k")
			if err != nil {
				t.Fatal(err)
			}
			c, err := dial(tg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			for i := 0; i < 3; i++ { // the same connection carries every request
				body := []byte(`{"query":"{ a }","pad":"` + strings.Repeat("y", i*100) + `"}`)
				resp, err := c.do(body)
				if err != nil {
					t.Fatal(err)
				}
				ls, err := leavesOf(resp)
				if err != nil {
					t.Fatal(err)
				}
				if ls[0].canon != canonNumber(fmt.Sprint(len(body))) {
					t.Errorf("request %d: server saw %s bytes, sent %d", i, ls[0].raw, len(body))
				}
			}
		})
	}
}

func TestClientReportsStatus(t *testing.T) {
	s := echoServer(t, false)
	tg, _ := newTarget(s.URL+"/graphql", "X-Api-Key: wrong")
	c, err := dial(tg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	resp, err := c.do([]byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || resp == nil {
		t.Errorf("got %q, %v; want an HTTP 400 error with the body", resp, err)
	}
	// The connection is still usable after a non-200 answer.
	if _, err := c.do([]byte(`{}`)); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Errorf("second request: %v", err)
	}
}

// A server that closes after every answer (Connection: close) is
// reconnected to, and its answers count.
func TestMeasureReconnects(t *testing.T) {
	var served atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				req, err := http.ReadRequest(bufio.NewReader(nc))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				served.Add(1)
				body := `{"data":{"ok":true}}`
				fmt.Fprintf(nc, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			}()
		}
	}()
	tg, _ := newTarget("http://" + ln.Addr().String() + "/x")
	run, err := measureHTTP(context.Background(), tg, bodyFunc("{ ok }", nil), 2, 50*time.Millisecond, 200*time.Millisecond, &counter{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Requests == 0 || run.Errors != 0 {
		t.Errorf("requests %d, errors %d (%s); served %d", run.Requests, run.Errors, run.FirstError, served.Load())
	}
	if h := report.FromSparse(run.Latency); h.Count() != run.Requests {
		t.Errorf("histogram holds %d, requests %d", h.Count(), run.Requests)
	}
}

// GraphQL errors in a 200 answer are failures, not throughput.
func TestMeasureCountsGraphQLErrors(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Fprint(w, `{"data":null,"errors":[{"message":"database busy"}]}`)
	}))
	defer s.Close()
	tg, _ := newTarget(s.URL + "/graphql")
	run, err := measureHTTP(context.Background(), tg, bodyFunc("{ a }", nil), 1, 0, 100*time.Millisecond, &counter{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Requests != 0 || run.Errors == 0 || !strings.Contains(run.FirstError, "database busy") {
		t.Errorf("requests %d, errors %d, first %q", run.Requests, run.Errors, run.FirstError)
	}
}

func TestBodies(t *testing.T) {
	var album workload.Workload
	for _, w := range workload.All() {
		if w.Name == "album" {
			album = w
		}
	}
	body := bodyFunc(album.Quarry, album.Vars)
	got := string(body(3))
	want := `{"query":"query ($id: Int!) { getAlbum(album_id: $id) { album_id title } }","variables":{"id":4}}`
	if got != want {
		t.Errorf("body(3) = %s\nwant %s", got, want)
	}
	fixed := bodyFunc("{ a }", nil)
	if string(fixed(1)) != `{"query":"{ a }"}` || &fixed(1)[0] != &fixed(2)[0] {
		t.Errorf("a body without variables should be one fixed slice")
	}
	if q := stripComments("# PostGraphile 5\nquery {\n  # note\n  a\n}\n"); q != "query {\n  a\n}" {
		t.Errorf("stripComments: %q", q)
	}
}

func TestRotate(t *testing.T) {
	es := []entry{{c: &contestant{id: "a"}}, {c: &contestant{id: "b"}}, {c: &contestant{id: "c"}}}
	ids := func(es []entry) string {
		var s []string
		for _, e := range es {
			s = append(s, e.c.id)
		}
		return strings.Join(s, "")
	}
	for k, want := range map[int]string{0: "abc", 1: "bca", 2: "cab", 3: "abc", 7: "bca"} {
		if got := ids(rotate(es, k)); got != want {
			t.Errorf("rotate %d: %s, want %s", k, got, want)
		}
	}
	if ids(es) != "abc" {
		t.Errorf("rotate changed its input")
	}
}
