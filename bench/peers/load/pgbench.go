package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quarrydata/quarry/bench/peers/load/report"
)

// pgbench is the raw-SQL floor: the HTTP floor's statement (the same SQL
// that builds the answer's JSON in PostgreSQL), sent by pgbench over the
// wire protocol as a prepared statement, with no HTTP and no JSON
// handling in any program. It shows what the database itself costs per
// request. It runs once for warm-up plus window; every transaction's
// completion time and latency come from its per-transaction log (-l), and
// only those completing inside the window count, as on the HTTP side.
//
// pgbench opens one database connection per client, where the HTTP
// contestants share a pool of 16: at 256 clients it would pass the
// server's max_connections, so it runs with as many as the server has
// free (noted in the report).

// pgbenchRunner runs pgbench against one database.
type pgbenchRunner struct {
	dsn string
	tmp string // directory for the transaction logs
}

// freeConnections is how many more connections the server accepts now,
// keeping a margin for the contestants' pools growing and for superusers.
func (p *pgbenchRunner) freeConnections(ctx context.Context) (int, error) {
	c, err := pgx.Connect(ctx, p.dsn)
	if err != nil {
		return 0, fmt.Errorf("pgbench: connecting to count connections: %w", err)
	}
	defer func() { _ = c.Close(ctx) }()
	var maxConns, reserved, used int
	err = c.QueryRow(ctx, `SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')`).Scan(&maxConns, &reserved, &used)
	if err != nil {
		return 0, fmt.Errorf("pgbench: counting connections: %w", err)
	}
	return maxConns - reserved - used - 4, nil
}

// run measures script with clients connections.
func (p *pgbenchRunner) run(ctx context.Context, script string, clients int, warmup, dur time.Duration) (report.Run, error) {
	run := report.Run{Conns: clients, Seconds: dur.Seconds()}
	free, err := p.freeConnections(ctx)
	if err != nil {
		return run, err
	}
	actual := clients
	if actual > free {
		actual = max(free, 1)
	}
	if actual != clients {
		run.Actual = actual
	}
	dir, err := os.MkdirTemp(p.tmp, "pgbench-")
	if err != nil {
		return run, fmt.Errorf("pgbench: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	// -T takes whole seconds, and counts from after the connections are
	// made, which takes a while for many clients on a busy server; the
	// window is placed from the first transaction's completion, and two
	// spare seconds keep it covered.
	secs := int(math.Ceil((warmup + dur).Seconds())) + 2
	threads := min(2, actual)
	prefix := filepath.Join(dir, "tx")
	args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(actual), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(secs), "-f", script, "-l", "--log-prefix=" + prefix, p.dsn}
	cmd := exec.CommandContext(ctx, "pgbench", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return run, fmt.Errorf("pgbench %s: %w: %s", strings.Join(args[:len(args)-1], " "), err, strings.Join(strings.Fields(string(out)), " "))
	}
	if err := readPgbenchLogs(dir, warmup, dur, &run); err != nil {
		return run, err
	}
	if n := failedTransactions(string(out)); n > 0 {
		run.Errors = n
		run.FirstError = "pgbench reported failed transactions"
	}
	return run, nil
}

// txDone is one logged transaction: when it completed (µs since the
// epoch) and how long it took (µs).
type txDone struct{ done, lat int64 }

// readPgbenchLogs reads every thread's log: lines of "client tx latency_us
// script epoch_s us", the last two being when the transaction completed.
// The window starts warmup after the first completion and lasts dur, or
// until the last completion if pgbench stopped sooner.
func readPgbenchLogs(dir string, warmup, dur time.Duration, run *report.Run) error {
	files, err := filepath.Glob(filepath.Join(dir, "tx.*"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("pgbench wrote no transaction log in %s", dir)
	}
	var txs []txDone
	for _, f := range files {
		if txs, err = readPgbenchLog(f, txs); err != nil {
			return err
		}
	}
	if len(txs) == 0 {
		return nil
	}
	first, last := txs[0].done, txs[0].done
	for _, t := range txs {
		first, last = min(first, t.done), max(last, t.done)
	}
	from := first + warmup.Microseconds()
	to := min(from+dur.Microseconds(), last+1)
	if to <= from {
		return fmt.Errorf("pgbench ran %s, shorter than the warm-up", time.Duration(last-first)*time.Microsecond)
	}
	run.Seconds = float64(to-from) / 1e6
	var h report.Hist
	for _, t := range txs {
		if t.done >= from && t.done < to {
			h.Record(time.Duration(t.lat) * time.Microsecond)
			run.Requests++
		}
	}
	run.Latency = h.Sparse()
	return nil
}

func readPgbenchLog(path string, txs []txDone) ([]txDone, error) {
	f, err := os.Open(path)
	if err != nil {
		return txs, fmt.Errorf("pgbench log: %w", err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			continue
		}
		lat, err1 := strconv.ParseInt(fields[2], 10, 64)
		sec, err2 := strconv.ParseInt(fields[4], 10, 64)
		us, err3 := strconv.ParseInt(fields[5], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			// "failed" or "skipped" in the latency column: counted from
			// the summary instead.
			continue
		}
		txs = append(txs, txDone{done: sec*1_000_000 + us, lat: lat})
	}
	if err := sc.Err(); err != nil {
		return txs, fmt.Errorf("pgbench log %s: %w", path, err)
	}
	return txs, nil
}

// failedTransactions reads "number of failed transactions: N" from
// pgbench's summary.
func failedTransactions(out string) uint64 {
	const key = "number of failed transactions: "
	i := strings.Index(out, key)
	if i < 0 {
		return 0
	}
	rest := out[i+len(key):]
	j := strings.IndexAny(rest, " \n")
	if j < 0 {
		j = len(rest)
	}
	n, _ := strconv.ParseUint(rest[:j], 10, 64)
	return n
}
