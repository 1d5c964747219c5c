package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Markdown writes results.md: the tables the README quotes.
func (r *Results) Markdown(w io.Writer) error {
	s := r.Summarize()
	var b strings.Builder
	b.WriteString("# Quarry peer benchmark\n\n")
	fmt.Fprintf(&b, "%s\n\n", r.Machine)
	st := r.Settings
	fmt.Fprintf(&b, "Run %s: %d round(s) of %s measured after %s of warm-up per cell, concurrency %s, contestants in an order rotated every round; HTTP/1.1 keep-alive, one connection per client, uncompressed answers.\n\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), st.Rounds, time.Duration(st.Duration), time.Duration(st.Warmup), joinInts(st.Concurrency, "/"))

	r.pgTables(&b, s)
	r.mariaTable(&b, s)
	r.addedLatency(&b, s)
	r.authCost(&b, s)
	r.bytesTable(&b, s)

	b.WriteString("## Targets (issue 15)\n\n| target | measured | |\n|---|---|---|\n")
	for _, t := range r.Targets(s) {
		fig := t.Figure
		if fig == "" {
			fig = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | **%s** |\n", t.Goal, fig, t.Met)
	}
	b.WriteString("\n")

	r.sweepTable(&b, s)
	r.notes(&b, s)
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("writing markdown: %w", err)
	}
	return nil
}

// pgPeers are the PostgreSQL table's columns after Quarry.
var pgPeers = []string{PostGraphile5, PostGraphile4, FloorPG, PGBench}

// pgTables writes throughput, then latency, at the headline level.
func (r *Results) pgTables(b *strings.Builder, s Summary) {
	fmt.Fprintf(b, "## PostgreSQL, %d connections: requests per second\n\n", Headline)
	b.WriteString("| workload | Quarry | PostGraphile 5 | PostGraphile 4 | HTTP floor | pgbench | Quarry ÷ PG 5 | ÷ PG 4 | ÷ floor | ÷ pgbench |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, w := range r.Workloads {
		c, ok := s.headline(w.Name)
		if !ok || s.onlyOne(w.Name) {
			continue // album_c1: the added-latency table
		}
		q := quarryFor(w)
		qs, qok := s.get(w.Name, q, c)
		fmt.Fprintf(b, "| %s | %s", r.rowName(w, c), r.cell(s, w.Name, q, c, fmtThroughput))
		for _, p := range pgPeers {
			fmt.Fprintf(b, " | %s", r.cell(s, w.Name, p, c, fmtThroughput))
		}
		for _, p := range pgPeers {
			ps, pok := s.get(w.Name, p, c)
			rr, rok := ratio(qs.ReqPerSec, ps.ReqPerSec)
			if !qok || !pok || !rok {
				b.WriteString(" | —")
				continue
			}
			fmt.Fprintf(b, " | %s", fmtRatio(rr))
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")

	fmt.Fprintf(b, "## PostgreSQL, %d connections: latency p50 / p99 (ms)\n\n", Headline)
	b.WriteString("| workload | Quarry | PostGraphile 5 | PostGraphile 4 | HTTP floor | pgbench | p99 Quarry ÷ PG 5 | ÷ PG 4 | ÷ floor |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, w := range r.Workloads {
		c, ok := s.headline(w.Name)
		if !ok || s.onlyOne(w.Name) {
			continue
		}
		q := quarryFor(w)
		qs, qok := s.get(w.Name, q, c)
		fmt.Fprintf(b, "| %s | %s", r.rowName(w, c), r.cell(s, w.Name, q, c, fmtLatency))
		for _, p := range pgPeers {
			fmt.Fprintf(b, " | %s", r.cell(s, w.Name, p, c, fmtLatency))
		}
		for _, p := range pgPeers[:3] {
			ps, pok := s.get(w.Name, p, c)
			rr, rok := ratio(float64(qs.P99), float64(ps.P99))
			if !qok || !pok || !rok {
				b.WriteString(" | —")
				continue
			}
			fmt.Fprintf(b, " | %s", fmtRatio(rr))
		}
		b.WriteString(" |\n")
	}
	b.WriteString("\n")
}

// mariaTable is Quarry on MariaDB against the floor on MariaDB.
func (r *Results) mariaTable(b *strings.Builder, s Summary) {
	var rows []string
	for _, w := range r.Workloads {
		c, ok := s.headline(w.Name)
		if !ok {
			continue
		}
		_, q := s.get(w.Name, QuarryMy, c)
		_, f := s.get(w.Name, FloorMy, c)
		if !q && !f && !r.excluded(w.Name, QuarryMy) {
			continue
		}
		qs, _ := s.get(w.Name, QuarryMy, c)
		fs, _ := s.get(w.Name, FloorMy, c)
		rr := "—"
		if x, ok := ratio(qs.ReqPerSec, fs.ReqPerSec); ok {
			rr = fmtRatio(x)
		}
		pr := "—"
		if x, ok := ratio(float64(qs.P99), float64(fs.P99)); ok {
			pr = fmtRatio(x)
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n", r.rowName(w, c),
			r.cell(s, w.Name, QuarryMy, c, fmtThroughput), r.cell(s, w.Name, FloorMy, c, fmtThroughput), rr,
			r.cell(s, w.Name, QuarryMy, c, fmtLatency), r.cell(s, w.Name, FloorMy, c, fmtLatency), pr))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "## MariaDB, %d connections\n\n", Headline)
	b.WriteString("| workload | Quarry req/s | HTTP floor req/s | Quarry ÷ floor | Quarry p50 / p99 (ms) | floor p50 / p99 (ms) | p99 ÷ floor |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, row := range rows {
		b.WriteString(row)
	}
	b.WriteString("\n")
}

// addedLatency is Quarry's p50 over the floor's at one connection: what
// Quarry adds to one request when nothing queues.
func (r *Results) addedLatency(b *strings.Builder, s Summary) {
	var rows []string
	for _, w := range r.Workloads {
		if w.Write {
			continue
		}
		for _, pair := range [][3]string{{"PostgreSQL", quarryFor(w), FloorPG}, {"MariaDB", QuarryMy, FloorMy}} {
			q, ok1 := s.get(w.Name, pair[1], 1)
			f, ok2 := s.get(w.Name, pair[2], 1)
			if !ok1 || !ok2 {
				continue
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | **%s** | %s | %s |\n", w.Name, pair[0],
				fmtMicros(q.P50), fmtMicros(f.P50), fmtMicros(q.P50-f.P50), fmtMicros(q.P99), fmtMicros(f.P99)))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("## Added latency at one connection (Quarry p50 − HTTP floor p50)\n\n")
	b.WriteString("| workload | engine | Quarry p50 | floor p50 | added | Quarry p99 | floor p99 |\n|---|---|--:|--:|--:|--:|--:|\n")
	for _, row := range rows {
		b.WriteString(row)
	}
	b.WriteString("\n")
}

// authCost compares the Rule workload with and without the owner rule.
func (r *Results) authCost(b *strings.Builder, s Summary) {
	for _, w := range r.Workloads {
		if !w.Rule {
			continue
		}
		c, ok := s.headline(w.Name)
		if !ok {
			continue
		}
		with, ok1 := s.get(w.Name, QuarryRule, c)
		without, ok2 := s.get(w.Name, QuarryPG, c)
		fmt.Fprintf(b, "## Authorization cost (%s, %d connections)\n\n", w.Name, c)
		b.WriteString("| Quarry | req/s | p50 / p99 (ms) |\n|---|--:|--:|\n")
		fmt.Fprintf(b, "| API key, no rule | %s | %s |\n", r.cell(s, w.Name, QuarryPG, c, fmtThroughput), r.cell(s, w.Name, QuarryPG, c, fmtLatency))
		fmt.Fprintf(b, "| JWT, owner rule on playlist | %s | %s |\n\n", r.cell(s, w.Name, QuarryRule, c, fmtThroughput), r.cell(s, w.Name, QuarryRule, c, fmtLatency))
		if ok1 && ok2 {
			fmt.Fprintf(b, "The rule (token verification and the owner predicate) costs **%s** of throughput.\n\n", fmtPercent(1-with.ReqPerSec/without.ReqPerSec))
		}
	}
}

// bytesTable is the large list's transfer rate.
func (r *Results) bytesTable(b *strings.Builder, s Summary) {
	const w = "items10k"
	c, ok := s.headline(w)
	if !ok {
		return
	}
	fmt.Fprintf(b, "## items10k: response bytes per second (%d connections)\n\n", c)
	b.WriteString("| contestant | req/s | MB/s | ÷ HTTP floor |\n|---|--:|--:|--:|\n")
	for _, ct := range s.Contestants(w) {
		st, ok := s.get(w, ct, c)
		if !ok || st.BytesPerSec == 0 {
			continue
		}
		floor := FloorPG
		if ct == QuarryMy || ct == FloorMy {
			floor = FloorMy
		}
		fs, _ := s.get(w, floor, c)
		rr := "—"
		if x, ok := ratio(st.BytesPerSec, fs.BytesPerSec); ok {
			rr = fmtRatio(x)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", Label(ct), fmtInt(st.ReqPerSec), fmtMB(st.BytesPerSec), rr)
	}
	b.WriteString("\n")
}

// sweepTable is every contestant's throughput at every level.
func (r *Results) sweepTable(b *strings.Builder, s Summary) {
	levels := map[int]bool{}
	for k := range s {
		levels[k.Conns] = true
	}
	var lv []int
	for c := range levels {
		lv = append(lv, c)
	}
	sortInts(lv)
	if len(lv) == 0 {
		return
	}
	b.WriteString("## Throughput by concurrency (req/s; p99 ms in brackets)\n\n| workload | contestant |")
	for _, c := range lv {
		fmt.Fprintf(b, " %d |", c)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("--:|", len(lv)) + "\n")
	for _, w := range r.Workloads {
		for _, ct := range s.Contestants(w.Name) {
			fmt.Fprintf(b, "| %s | %s |", w.Name, Label(ct))
			for _, c := range lv {
				st, ok := s.get(w.Name, ct, c)
				if !ok {
					b.WriteString(" |")
					continue
				}
				fmt.Fprintf(b, " %s (%s) |", fmtInt(st.ReqPerSec), fmtMillis(st.P99))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
}

// notes lists exclusions, errors and capped connection counts.
func (r *Results) notes(b *strings.Builder, s Summary) {
	var lines []string
	for _, e := range r.Excluded {
		lines = append(lines, fmt.Sprintf("- **%s excluded from %s**: %s", Label(e.Contestant), e.Workload, diffSummary(e.Reason)))
	}
	for _, k := range sortedKeys(s) {
		st := s[k]
		if st.Requests == 0 && st.Errors == 0 {
			lines = append(lines, fmt.Sprintf("- %s, %s, %d connections: no request completed within the measured window (requests slower than the window, or the contestant hung)", k.Workload, Label(k.Contestant), k.Conns))
		}
		if st.Errors > 0 {
			lines = append(lines, fmt.Sprintf("- %s, %s, %d connections: %d failed requests (first: %s)", k.Workload, Label(k.Contestant), k.Conns, st.Errors, firstLine(st.FirstError)))
		}
		if st.Actual != 0 {
			lines = append(lines, fmt.Sprintf("- %s, %s: ran with %d connections instead of %d (the server's max_connections)", k.Workload, Label(k.Contestant), st.Actual, k.Conns))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("## Notes\n\n" + strings.Join(lines, "\n") + "\n")
}

// rowName is the workload's name, with its level when not the headline.
func (r *Results) rowName(w WorkloadInfo, c int) string {
	if c != Headline {
		return fmt.Sprintf("%s (c=%d)", w.Name, c)
	}
	return w.Name
}

// excluded reports whether the contestant failed verification on w.
func (r *Results) excluded(w, c string) bool {
	for _, e := range r.Excluded {
		if e.Workload == w && e.Contestant == c {
			return true
		}
	}
	return false
}

// cell renders one measurement with f, or why it is missing: "excluded"
// (failed verification), "—" (not a contestant of that workload). A cell
// whose run had failed requests is marked with "!" (see the notes).
func (r *Results) cell(s Summary, w, c string, conns int, f func(Stat) string) string {
	if r.excluded(w, c) {
		return "excluded"
	}
	st, measured := s[Key{w, c, conns}]
	if !measured {
		return "—"
	}
	if st.Requests == 0 {
		return "0 !" // nothing completed in the window: see the notes
	}
	out := f(st)
	if st.Errors > 0 {
		out += " !"
	}
	if st.Actual != 0 {
		out += fmt.Sprintf(" (c=%d)", st.Actual)
	}
	return out
}

func fmtThroughput(st Stat) string { return fmtInt(st.ReqPerSec) }

func fmtLatency(st Stat) string { return fmtMillis(st.P50) + " / " + fmtMillis(st.P99) }

// fmtInt writes a rate with thousands separators: 12,345.
func fmtInt(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// fmtMillis writes a latency in ms with three significant digits.
func fmtMillis(d time.Duration) string {
	ms := float64(d) / 1e6
	switch {
	case ms >= 100:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	}
	return strconv.FormatFloat(ms, 'f', 3, 64)
}

// fmtMicros writes a (possibly negative) latency in whole µs, or in ms
// from 10 ms on.
func fmtMicros(d time.Duration) string {
	if d >= 10*time.Millisecond || d <= -10*time.Millisecond {
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms"
	}
	return strconv.FormatInt(int64(math.Round(float64(d)/1e3)), 10) + " µs"
}

func fmtRatio(x float64) string {
	if x >= 10 {
		return strconv.FormatFloat(x, 'f', 1, 64) + "×"
	}
	return strconv.FormatFloat(x, 'f', 2, 64) + "×"
}

func fmtPercent(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + " %" }

func fmtMB(bps float64) string { return strconv.FormatFloat(bps/1e6, 'f', 1, 64) }

func joinInts(xs []int, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, sep)
}

// diffSummary is a verification diff on one line: its first line and the
// differing leaves (the lines marked ">>").
func diffSummary(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := []string{strings.TrimSuffix(lines[0], ":")}
	for _, l := range lines[1:] {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, ">>") {
			out = append(out, "`"+strings.TrimSpace(strings.TrimPrefix(t, ">>"))+"`")
		}
	}
	return firstLine(strings.Join(out, "; "))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
