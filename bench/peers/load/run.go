package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/quarrydata/quarry/bench/peers/load/report"
	"github.com/quarrydata/quarry/bench/peers/workload"
)

// runConfig is one `load run`.
type runConfig struct {
	warmup, dur time.Duration
	rounds      int
	levels      []int
	only        map[string]bool // workload names to run; empty: all
	cc          contestantConfig
	tmp         string    // scratch directory (pgbench logs)
	log         io.Writer // progress
}

// entry is one contestant of one workload, ready to run.
type entry struct {
	c *contestant
	r req
	t target // unused for pgbench
}

// workloads is the selected workloads, in the report's order.
func (rc runConfig) workloads() []workload.Workload {
	var out []workload.Workload
	for _, w := range workload.All() {
		if len(rc.only) == 0 || rc.only[w.Name] {
			out = append(out, w)
		}
	}
	return out
}

// levelsOf is the concurrencies workload w runs at.
func (rc runConfig) levelsOf(w workload.Workload) []int {
	if len(w.Concurrency) > 0 {
		return w.Concurrency
	}
	return rc.levels
}

// execute verifies every contestant's answers, then measures: for each
// round, for each workload, for each concurrency, every contestant in an
// order rotated per round (and per workload), so no contestant always
// runs first, on a cold machine, or right after the heaviest one.
func (rc runConfig) execute(ctx context.Context, res *report.Results) error {
	ws := rc.workloads()
	if len(ws) == 0 {
		return fmt.Errorf("no workload selected")
	}
	ctr := &counter{}
	plans := map[string][]entry{}
	for _, w := range ws {
		res.Workloads = append(res.Workloads, report.WorkloadInfo{Name: w.Name, Title: w.Title, Write: w.Write, Rule: w.Rule, Conc: rc.levelsOf(w)})
		var es []entry
		for _, c := range rc.cc.contestants() {
			r, ok, err := c.plan(w)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			e := entry{c: c, r: r}
			if r.pgbenchFile == "" {
				if e.t, err = newTarget(c.url+r.path, c.headers...); err != nil {
					return err
				}
			}
			es = append(es, e)
		}
		kept, excl := rc.verify(w, es, ctr.next())
		res.Excluded = append(res.Excluded, excl...)
		plans[w.Name] = kept
	}

	cells := 0
	for _, w := range ws {
		cells += len(plans[w.Name]) * len(rc.levelsOf(w))
	}
	total := time.Duration(cells*rc.rounds) * (rc.warmup + rc.dur)
	fmt.Fprintf(rc.log, "measuring %d cells × %d round(s), about %s\n", cells, rc.rounds, total.Round(time.Second))

	pgb := &pgbenchRunner{dsn: rc.cc.pgbenchDSN, tmp: rc.tmp}
	for round := 1; round <= rc.rounds; round++ {
		for wi, w := range ws {
			es := plans[w.Name]
			for li, lvl := range rc.levelsOf(w) {
				for _, e := range rotate(es, round+wi+li) {
					if err := ctx.Err(); err != nil {
						return fmt.Errorf("interrupted: %w", err)
					}
					var run report.Run
					var err error
					if e.r.pgbenchFile != "" {
						run, err = pgb.run(ctx, e.r.pgbenchFile, lvl, rc.warmup, rc.dur)
					} else {
						run, err = measureHTTP(ctx, e.t, e.r.body, lvl, rc.warmup, rc.dur, ctr)
					}
					if err != nil {
						// A contestant that cannot be reached at all (it
						// crashed, or pgbench failed) is recorded as a run
						// with an error, and the others go on.
						run = report.Run{Conns: lvl, Seconds: rc.dur.Seconds(), Errors: 1, FirstError: err.Error()}
					}
					run.Round, run.Workload, run.Contestant = round, w.Name, e.c.id
					res.Runs = append(res.Runs, run)
					rc.progress(run)
				}
			}
		}
	}
	return nil
}

// rotate returns es started at position k (mod its length).
func rotate(es []entry, k int) []entry {
	if len(es) == 0 {
		return es
	}
	k %= len(es)
	return append(append([]entry{}, es[k:]...), es[:k]...)
}

// progress prints one line per run.
func (rc runConfig) progress(run report.Run) {
	h := report.FromSparse(run.Latency)
	rate := float64(run.Requests) / run.Seconds
	line := fmt.Sprintf("round %d  %-20s c=%-3d %-15s %9.0f req/s  p50 %8s  p99 %8s  %6.1f MB/s",
		run.Round, run.Workload, run.Conns, run.Contestant, rate,
		h.Quantile(0.5).Round(time.Microsecond), h.Quantile(0.99).Round(time.Microsecond), float64(run.Bytes)/run.Seconds/1e6)
	if run.Actual != 0 {
		line += fmt.Sprintf("  (%d connections)", run.Actual)
	}
	if run.Errors > 0 {
		line += fmt.Sprintf("  %d ERRORS: %s", run.Errors, firstLineOf(run.FirstError))
	}
	fmt.Fprintln(rc.log, line)
}

// verify asks every HTTP contestant request i of w once and compares the
// answer with Quarry's on PostgreSQL (or, without it, the first
// contestant's); a contestant whose answer differs, or fails, is left out
// of w with the diff printed. A write's i is the same for all, which is
// safe because each request deletes what it creates. pgbench is not
// asked: it runs the HTTP floor's statement, which is verified.
func (rc runConfig) verify(w workload.Workload, es []entry, i int64) ([]entry, []report.Exclusion) {
	var refID string
	var ref []leaf
	var kept []entry
	var excl []report.Exclusion
	exclude := func(e entry, reason string) {
		excl = append(excl, report.Exclusion{Workload: w.Name, Contestant: e.c.id, Reason: reason})
		fmt.Fprintf(rc.log, "%s: %s EXCLUDED: %s\n", w.Name, e.c.id, reason)
	}
	order := make([]entry, 0, len(es))
	for _, e := range es { // Quarry on PostgreSQL first: it is the reference
		if e.c.id == report.QuarryPG {
			order = append(order, e)
		}
	}
	for _, e := range es {
		if e.c.id != report.QuarryPG {
			order = append(order, e)
		}
	}
	for _, e := range order {
		if e.r.pgbenchFile != "" {
			kept = append(kept, e)
			continue
		}
		body, err := fetchReady(e.t, e.r.body(i))
		var ls []leaf
		if err == nil {
			ls, err = leavesOf(body)
		}
		if err != nil {
			if ref == nil && e.c.id == report.QuarryPG {
				// Without Quarry's answer nothing can be checked.
				for _, o := range order {
					exclude(o, "Quarry's own answer failed: "+err.Error())
				}
				return nil, excl
			}
			exclude(e, err.Error())
			continue
		}
		if ref == nil {
			refID, ref = e.c.id, ls
			kept = append(kept, e)
			continue
		}
		if d := compareLeaves(ref, ls, refID, e.c.id); d != "" {
			exclude(e, d)
			continue
		}
		kept = append(kept, e)
	}
	fmt.Fprintf(rc.log, "%s: %d contestant(s) verified against %s\n", w.Name, len(kept), refID)
	return kept, excl
}

// fetchReady is fetchOnce, retried for up to 30 s while the contestant
// refuses connections or answers 5xx: a server may listen before it has
// read its schema (PostGraphile introspects the database at start).
func fetchReady(t target, body []byte) ([]byte, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := fetchOnce(t, body)
		retry := err != nil && (resp == nil || strings.Contains(err.Error(), "HTTP 5"))
		if !retry || time.Now().After(deadline) {
			return resp, err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
