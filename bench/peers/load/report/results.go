// Package report holds the peer benchmark's results (results.json), the
// figures derived from them (rounds merged, ratios, the targets)
// and their renderings: the Markdown tables of results.md and the PNG
// charts. It does no I/O beyond encoding, so the tables and charts can be
// rebuilt from a stored results.json (`load report`) and tested from a
// fixture.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// Contestant IDs. The report knows them because its ratios and targets
// compare particular contestants (Quarry over the floor, and so on).
const (
	QuarryPG      = "quarry-pg"
	QuarryRule    = "quarry-rule"
	QuarryMy      = "quarry-mariadb"
	PostGraphile5 = "postgraphile5"
	PostGraphile4 = "postgraphile4"
	FloorPG       = "floor-pg"
	FloorMy       = "floor-mariadb"
	PGBench       = "pgbench"
)

// Labels are the contestants' names in tables and charts.
func Label(id string) string {
	switch id {
	case QuarryPG:
		return "Quarry (PostgreSQL)"
	case QuarryRule:
		return "Quarry + owner rule"
	case QuarryMy:
		return "Quarry (MariaDB)"
	case PostGraphile5:
		return "PostGraphile 5"
	case PostGraphile4:
		return "PostGraphile 4"
	case FloorPG:
		return "HTTP floor (PostgreSQL)"
	case FloorMy:
		return "HTTP floor (MariaDB)"
	case PGBench:
		return "pgbench (raw SQL)"
	}
	return id
}

// Order is the contestants' order in tables and legends.
func Order() []string {
	return []string{QuarryPG, QuarryRule, PostGraphile5, PostGraphile4, FloorPG, PGBench, QuarryMy, FloorMy}
}

// Results is everything one run measured: results.json.
type Results struct {
	Machine  string            `json:"machine"`  // one line: cores, CPU, versions
	Versions map[string]string `json:"versions"` // go, postgres, mariadb, node, ...
	Started  time.Time         `json:"started"`
	Settings Settings          `json:"settings"`
	// Workloads lists the workloads measured, in the report's order.
	Workloads []WorkloadInfo `json:"workloads"`
	// Excluded lists contestants whose answer differed from Quarry's (or
	// failed) at verification: they were not measured on that workload.
	Excluded []Exclusion `json:"excluded,omitempty"`
	// Runs are the measurements, one per round, workload, concurrency and
	// contestant, in the order they ran.
	Runs []Run `json:"runs"`
}

// Settings are the run's parameters.
type Settings struct {
	Duration    Duration `json:"duration"`    // measured time per run
	Warmup      Duration `json:"warmup"`      // load before each measured window, not recorded
	Rounds      int      `json:"rounds"`      // every measurement repeated, contestant order rotated per round
	Concurrency []int    `json:"concurrency"` // the sweep (workloads may fix their own)
	Filter      string   `json:"filter,omitempty"`
}

// WorkloadInfo describes one workload in the results.
type WorkloadInfo struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Write bool   `json:"write,omitempty"`
	Rule  bool   `json:"rule,omitempty"`
	Conc  []int  `json:"concurrency"`
}

// Exclusion is a contestant left out of a workload, and why.
type Exclusion struct {
	Workload   string `json:"workload"`
	Contestant string `json:"contestant"`
	Reason     string `json:"reason"`
}

// Run is one measured window.
type Run struct {
	Round      int    `json:"round"`
	Workload   string `json:"workload"`
	Contestant string `json:"contestant"`
	// Conns is the concurrency asked for; Actual the connections used
	// when a contestant had to run with fewer (pgbench under the
	// server's max_connections).
	Conns    int     `json:"conns"`
	Actual   int     `json:"actual,omitempty"`
	Seconds  float64 `json:"seconds"`
	Requests uint64  `json:"requests"`
	Errors   uint64  `json:"errors"`
	// FirstError is the first failure's text, for the report's notes.
	FirstError string `json:"first_error,omitempty"`
	Bytes      uint64 `json:"bytes"` // response bodies (0 for pgbench)
	Latency    Sparse `json:"latency"`
}

// Duration is a time.Duration written as a Go duration string ("3s").
type Duration time.Duration

// MarshalJSON writes d as "3s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "3s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// Read decodes results.json.
func Read(r io.Reader) (*Results, error) {
	var res Results
	if err := json.NewDecoder(r).Decode(&res); err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	return &res, nil
}

// Write encodes results.json, indented so a diff of two runs is readable.
func (r *Results) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

// Key names one cell of the tables: a workload, a contestant, a
// concurrency.
type Key struct {
	Workload   string
	Contestant string
	Conns      int
}

// Stat is one cell, all rounds merged: throughput is all requests over all
// measured seconds, latencies come from the merged histogram.
type Stat struct {
	Rounds        int
	Actual        int // connections used when fewer than asked (pgbench), else 0
	Requests      uint64
	Errors        uint64
	FirstError    string
	ReqPerSec     float64
	BytesPerSec   float64
	P50, P90, P99 time.Duration
	Max, Mean     time.Duration
}

// Summary is every cell of a run.
type Summary map[Key]Stat

// Summarize merges the rounds of every cell.
func (r *Results) Summarize() Summary {
	type acc struct {
		st    Stat
		secs  float64
		bytes uint64
		hist  Hist
	}
	accs := map[Key]*acc{}
	for _, run := range r.Runs {
		k := Key{run.Workload, run.Contestant, run.Conns}
		a := accs[k]
		if a == nil {
			a = &acc{}
			accs[k] = a
		}
		a.st.Rounds++
		a.st.Requests += run.Requests
		a.st.Errors += run.Errors
		if a.st.FirstError == "" {
			a.st.FirstError = run.FirstError
		}
		if run.Actual != 0 && run.Actual != run.Conns {
			a.st.Actual = run.Actual
		}
		a.secs += run.Seconds
		a.bytes += run.Bytes
		a.hist.Merge(FromSparse(run.Latency))
	}
	out := Summary{}
	for k, a := range accs {
		st := a.st
		if a.secs > 0 {
			st.ReqPerSec = float64(st.Requests) / a.secs
			st.BytesPerSec = float64(a.bytes) / a.secs
		}
		st.P50, st.P90, st.P99 = a.hist.Quantile(0.50), a.hist.Quantile(0.90), a.hist.Quantile(0.99)
		st.Max, st.Mean = a.hist.Max(), a.hist.Mean()
		out[k] = st
	}
	return out
}

// Contestants lists the contestants measured on workload w, in Order.
func (s Summary) Contestants(w string) []string {
	seen := map[string]bool{}
	for k := range s {
		if k.Workload == w {
			seen[k.Contestant] = true
		}
	}
	var out []string
	for _, c := range Order() {
		if seen[c] {
			out = append(out, c)
			delete(seen, c)
		}
	}
	var rest []string
	for c := range seen {
		rest = append(rest, c)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// Levels lists the concurrencies measured on workload w, ascending.
func (s Summary) Levels(w string) []int {
	seen := map[int]bool{}
	var out []int
	for k := range s {
		if k.Workload == w && !seen[k.Conns] {
			seen[k.Conns] = true
			out = append(out, k.Conns)
		}
	}
	sort.Ints(out)
	return out
}

// onlyOne reports whether workload w was measured at one connection only
// (album_c1): it belongs in the added-latency table, not the main ones.
func (s Summary) onlyOne(w string) bool {
	lv := s.Levels(w)
	return len(lv) == 1 && lv[0] == 1
}

func sortInts(xs []int) { sort.Ints(xs) }

// sortedKeys orders the cells by workload, contestant and level, so notes
// come out in the same order every time.
func sortedKeys(s Summary) []Key {
	keys := make([]Key, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Workload != b.Workload {
			return a.Workload < b.Workload
		}
		if a.Contestant != b.Contestant {
			return a.Contestant < b.Contestant
		}
		return a.Conns < b.Conns
	})
	return keys
}
