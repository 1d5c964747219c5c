package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quarrydata/quarry/bench/peers/load/report"
)

// window is when one measurement loads the contestant: from start, a
// warm-up (answers not recorded: connection set-up, the servers' caches,
// plan caches, JIT), then the measured window [from, to). A request
// counts when it completes inside the window, whenever it started, so
// throughput is completions per second in steady state: counting only
// requests that start and end inside would drop one request per
// connection at each edge, a large bias for slow requests (items10k at
// 256 connections).
type window struct {
	start, from, to time.Time
}

func newWindow(warmup, dur time.Duration) window {
	s := time.Now()
	return window{start: s, from: s.Add(warmup), to: s.Add(warmup + dur)}
}

// counter numbers requests across the whole run: request i gets the
// workload's variables for i, and a write's i (its invoice_line id) is
// never used twice.
type counter struct{ n atomic.Int64 }

func (c *counter) next() int64 { return c.n.Add(1) }

// tally is one connection's share of a measurement.
type tally struct {
	hist     report.Hist
	requests uint64
	errors   uint64
	bytes    uint64
	firstErr string
}

// errorsKey finds a GraphQL error in a 200 answer. The bench's data
// holds no string "errors" in quotes, so a plain search is enough.
var errorsKey = []byte(`"errors"`)

// measureHTTP loads t with conns connections for the warm-up and the
// window and returns the run's figures.
func measureHTTP(ctx context.Context, t target, body func(int64) []byte, conns int, warmup, dur time.Duration, ctr *counter) (report.Run, error) {
	cs := make([]*conn, conns)
	for i := range cs {
		c, err := dial(t)
		if err != nil {
			for _, o := range cs[:i] {
				o.close()
			}
			return report.Run{}, err
		}
		cs[i] = c
	}
	win := newWindow(warmup, dur)
	tallies := make([]*tally, conns)
	var wg sync.WaitGroup
	for i := range cs {
		tallies[i] = &tally{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(ctx, cs[i], body, win, ctr, tallies[i])
		}()
	}
	wg.Wait()

	run := report.Run{Conns: conns, Seconds: dur.Seconds()}
	var h report.Hist
	for _, tl := range tallies {
		h.Merge(&tl.hist)
		run.Requests += tl.requests
		run.Errors += tl.errors
		run.Bytes += tl.bytes
		if run.FirstError == "" {
			run.FirstError = tl.firstErr
		}
	}
	run.Latency = h.Sparse()
	return run, nil
}

// worker sends requests on its connection until the window ends,
// reconnecting when the server closes it.
func worker(ctx context.Context, c *conn, body func(int64) []byte, win window, ctr *counter, tl *tally) {
	defer func() { c.close() }()
	for ctx.Err() == nil {
		b := body(ctr.next())
		t0 := time.Now()
		resp, err := c.do(b)
		t1 := time.Now()
		in := !t1.Before(win.from) && t1.Before(win.to)
		reconnect := false
		switch {
		case errors.Is(err, errClosed):
			reconnect, err = true, nil
		case err != nil:
			reconnect = resp == nil // a transport error, not an HTTP status
		case bytes.Contains(resp, errorsKey):
			err = fmt.Errorf("GraphQL errors: %.300s", resp)
		}
		if in {
			if err != nil {
				tl.errors++
				if tl.firstErr == "" {
					tl.firstErr = err.Error()
				}
			} else {
				tl.hist.Record(t1.Sub(t0))
				tl.requests++
				tl.bytes += uint64(len(resp))
			}
		}
		if !t1.Before(win.to) {
			return
		}
		if reconnect {
			c.close()
			nc, derr := dial(c.t)
			for derr != nil {
				if time.Now().After(win.to) || ctx.Err() != nil {
					return
				}
				time.Sleep(10 * time.Millisecond)
				nc, derr = dial(c.t)
			}
			c = nc
		}
	}
}

// fetchOnce sends one request, for verification.
func fetchOnce(t target, body []byte) ([]byte, error) {
	c, err := dial(t)
	if err != nil {
		return nil, err
	}
	defer c.close()
	resp, err := c.do(body)
	if errors.Is(err, errClosed) {
		err = nil
	}
	// resp is nil after a transport error, the answer's body after an
	// HTTP error status.
	return bytes.Clone(resp), err
}
