package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/bench/peers/load/report"
)

// The window starts a warm-up after the first completion; transactions
// outside it, and failed ones, do not count.
func TestPgbenchLogWindow(t *testing.T) {
	dir := t.TempDir()
	const t0 = int64(1_700_000_000_000_000) // µs
	var a, b strings.Builder
	// One transaction every 10 ms for 3 s, split over two thread logs,
	// each taking 2 ms; one failed transaction in the window.
	for i := 0; i < 300; i++ {
		done := t0 + int64(i)*10_000
		w := &a
		if i%2 == 1 {
			w = &b
		}
		fmt.Fprintf(w, "%d %d 2000 0 %d %d\n", i%2, i, done/1_000_000, done%1_000_000)
	}
	fmt.Fprintf(&b, "1 999 failed 0 %d %d\n", (t0+1_500_000)/1_000_000, (t0+1_500_000)%1_000_000)
	if err := os.WriteFile(filepath.Join(dir, "tx.123"), []byte(a.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tx.123.1"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var run report.Run
	if err := readPgbenchLogs(dir, time.Second, time.Second, &run); err != nil {
		t.Fatal(err)
	}
	// [t0+1 s, t0+2 s): 100 transactions.
	if run.Requests != 100 || run.Seconds != 1 {
		t.Errorf("requests %d over %v s, want 100 over 1 s", run.Requests, run.Seconds)
	}
	if p := report.FromSparse(run.Latency).Quantile(0.5); p < 1970*time.Microsecond || p > 2030*time.Microsecond {
		t.Errorf("p50 %v, want 2 ms", p)
	}

	// pgbench stopped before the window's end: the window shrinks.
	run = report.Run{}
	if err := readPgbenchLogs(dir, 2500*time.Millisecond, 2*time.Second, &run); err != nil {
		t.Fatal(err)
	}
	if run.Requests != 50 || run.Seconds < 0.48 || run.Seconds > 0.5 {
		t.Errorf("short run: %d requests over %v s", run.Requests, run.Seconds)
	}
	if n := failedTransactions("number of failed transactions: 7 (0.1%)\nlatency average = 1 ms\n"); n != 7 {
		t.Errorf("failedTransactions = %d", n)
	}
}
