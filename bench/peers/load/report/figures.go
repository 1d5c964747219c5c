package report

import (
	"fmt"
	"time"
)

// Headline is the concurrency of the main tables: the targets are
// stated at 64 connections.
const Headline = 64

// headline is the level the main tables use for workload w: Headline when
// it was measured, else the largest level measured (a run with -c 1,16).
func (s Summary) headline(w string) (int, bool) {
	lv := s.Levels(w)
	if len(lv) == 0 {
		return 0, false
	}
	for _, c := range lv {
		if c == Headline {
			return c, true
		}
	}
	return lv[len(lv)-1], true
}

// quarryFor is the Quarry contestant whose figures stand for Quarry on
// PostgreSQL in workload wi: the owner-rule instance for a Rule workload
// (that is the workload's point), the plain one otherwise.
func quarryFor(wi WorkloadInfo) string {
	if wi.Rule {
		return QuarryRule
	}
	return QuarryPG
}

// get is the cell, if measured.
func (s Summary) get(w, c string, conns int) (Stat, bool) {
	st, ok := s[Key{w, c, conns}]
	return st, ok && st.Requests > 0
}

// ratio is a/b, false when either is missing.
func ratio(a, b float64) (float64, bool) {
	if a <= 0 || b <= 0 {
		return 0, false
	}
	return a / b, true
}

// Target is one of the goals, evaluated on a run.
type Target struct {
	Goal   string
	Figure string // what was measured, e.g. "3.4× … 5.1× (lowest: tracks20)"
	Met    string // "met", "not met" or "not measured"
}

// Targets evaluates issue 15's goals:
//   - ≥3× PostGraphile 5's throughput on every read at 64 connections, with
//     a lower p99;
//   - ≥0.9× the HTTP floor's throughput on every read, p99 ≤1.5× the floor's;
//   - added latency at one connection ≤100 µs p50 for the read by key;
//   - the owner rule costs ≤10 % of throughput;
//   - items10k at ≥0.8× the floor's MB/s.
//
// Reads are the workloads that neither write nor carry the rule, measured
// at 64 connections, on PostgreSQL.
func (r *Results) Targets(s Summary) []Target {
	var reads []WorkloadInfo
	for _, w := range r.Workloads {
		if !w.Write && !w.Rule {
			if _, ok := s.get(w.Name, QuarryPG, Headline); ok {
				reads = append(reads, w)
			}
		}
	}
	return []Target{
		s.peerTarget(reads, PostGraphile5, "≥3× PostGraphile 5 throughput on every read at 64 connections, with a lower p99", 3, 1),
		s.peerTarget(reads, FloorPG, "≥0.9× the HTTP floor's throughput on every read at 64 connections, p99 ≤1.5× the floor's", 0.9, 1.5),
		r.addedLatencyTarget(s),
		r.authTarget(s),
		s.bytesTarget(),
	}
}

// peerTarget checks Quarry's throughput ≥ minRatio × peer's and p99 ≤
// maxP99 × peer's (strictly lower when maxP99 is 1) on every read.
func (s Summary) peerTarget(reads []WorkloadInfo, peer, goal string, minRatio, maxP99 float64) Target {
	t := Target{Goal: goal, Met: "not measured"}
	worstR, worstP := 0.0, 0.0
	worstRW, worstPW := "", ""
	n := 0
	ok := true
	for _, w := range reads {
		q, _ := s.get(w.Name, QuarryPG, Headline)
		p, have := s.get(w.Name, peer, Headline)
		if !have {
			continue
		}
		n++
		rr, _ := ratio(q.ReqPerSec, p.ReqPerSec)
		pr, _ := ratio(float64(q.P99), float64(p.P99))
		if worstRW == "" || rr < worstR {
			worstR, worstRW = rr, w.Name
		}
		if worstPW == "" || pr > worstP {
			worstP, worstPW = pr, w.Name
		}
		if rr < minRatio || pr > maxP99 || (maxP99 == 1 && pr >= 1) {
			ok = false
		}
	}
	if n == 0 {
		return t
	}
	t.Figure = fmt.Sprintf("lowest throughput ratio %s (%s); highest p99 ratio %s (%s); %d reads", fmtRatio(worstR), worstRW, fmtRatio(worstP), worstPW, n)
	t.Met = metText(ok)
	for _, w := range reads {
		t.Figure += s.failures(w.Name, Headline, QuarryPG, peer)
	}
	return t
}

// addedLatencyTarget is Quarry's p50 minus the floor's at one connection
// on the read by key (album_c1, or album at c=1).
func (r *Results) addedLatencyTarget(s Summary) Target {
	t := Target{Goal: "added latency at one connection ≤100 µs p50 (read by key)", Met: "not measured"}
	for _, w := range []string{"album_c1", "album"} {
		q, ok1 := s.get(w, QuarryPG, 1)
		f, ok2 := s.get(w, FloorPG, 1)
		if !ok1 || !ok2 {
			continue
		}
		added := q.P50 - f.P50
		t.Figure = fmt.Sprintf("%s (Quarry %s, floor %s; %s)", fmtMicros(added), fmtMicros(q.P50), fmtMicros(f.P50), w) + s.failures(w, 1, QuarryPG, FloorPG)
		t.Met = metText(added <= 100*time.Microsecond)
		return t
	}
	return t
}

// authTarget compares playlist_owner under the rule with the same query
// on the Quarry without rules.
func (r *Results) authTarget(s Summary) Target {
	t := Target{Goal: "the owner rule costs ≤10 % of throughput (64 connections)", Met: "not measured"}
	for _, w := range r.Workloads {
		if !w.Rule {
			continue
		}
		with, ok1 := s.get(w.Name, QuarryRule, Headline)
		without, ok2 := s.get(w.Name, QuarryPG, Headline)
		if !ok1 || !ok2 {
			continue
		}
		cost := 1 - with.ReqPerSec/without.ReqPerSec
		t.Figure = fmt.Sprintf("%s (%s req/s with the rule, %s without; %s)", fmtPercent(cost), fmtInt(with.ReqPerSec), fmtInt(without.ReqPerSec), w.Name) + s.failures(w.Name, Headline, QuarryRule, QuarryPG)
		t.Met = metText(cost <= 0.10)
		return t
	}
	return t
}

// bytesTarget is items10k's MB/s over the floor's.
func (s Summary) bytesTarget() Target {
	t := Target{Goal: "items10k at ≥0.8× the HTTP floor's MB/s (64 connections)", Met: "not measured"}
	q, ok1 := s.get("items10k", QuarryPG, Headline)
	f, ok2 := s.get("items10k", FloorPG, Headline)
	if !ok1 || !ok2 {
		return t
	}
	rr, _ := ratio(q.BytesPerSec, f.BytesPerSec)
	t.Figure = fmt.Sprintf("%s (Quarry %s MB/s, floor %s MB/s)", fmtRatio(rr), fmtMB(q.BytesPerSec), fmtMB(f.BytesPerSec)) + s.failures("items10k", Headline, QuarryPG, FloorPG)
	t.Met = metText(rr >= 0.8)
	return t
}

// failures warns when a figure a target rests on comes from runs with
// failed requests: the target's verdict is then not to be trusted.
func (s Summary) failures(w string, conns int, contestants ...string) string {
	out := ""
	for _, c := range contestants {
		if st, ok := s[Key{w, c, conns}]; ok && st.Errors > 0 {
			out += fmt.Sprintf("; ⚠ %s on %s had %d failed requests", Label(c), w, st.Errors)
		}
	}
	return out
}

func metText(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}
