// Command load is the peer benchmark's driver (issue 15): it verifies that
// every contestant answers each workload exactly as Quarry does, loads
// each with N keep-alive HTTP/1.1 connections for a fixed time after a
// warm-up, and writes the results (results.json), the tables
// (results.md, also printed) and two charts (throughput.png,
// latency.png). bench/peers.sh starts the contestants and runs it; see
// `bench/peers.sh --help`.
//
//	load setup  -pg DSN -mariadb DSN            # (re)create the bench databases
//	load issuer -addr 127.0.0.1:18190 -key F    # the JWT issuer of the owner-rule instance
//	load token  -issuer URL -key F              # print the owner's token (for curl)
//	load run    -quarry-pg URL ... -out DIR     # verify, measure, report
//	load report -in results.json -out DIR       # redraw tables and charts
//
// The contestants: Quarry on PostgreSQL and on MariaDB (API key), Quarry
// with an owner rule on playlist (JWT), PostGraphile 5 and 4, the HTTP
// floor on each engine (bench/peers/floor: hand-written SQL behind a bare
// net/http handler) and pgbench (the floor's SQL with no HTTP at all).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/quarrydata/quarry/bench/peers/load/report"
	"github.com/quarrydata/quarry/bench/peers/workload"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load setup|issuer|token|run|report [flags] (-h for each)")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "setup":
		err = cmdSetup(os.Args[2:])
	case "issuer":
		err = cmdIssuer(os.Args[2:])
	case "token":
		err = cmdToken(os.Args[2:])
	case "run":
		err = cmdRun(os.Args[2:])
	case "report":
		err = cmdReport(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want setup, issuer, token, run or report", os.Args[1])
	}
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// cmdSetup creates the bench databases (workload.Setup drops them first).
func cmdSetup(args []string) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	pg := fs.String("pg", workload.DefaultPostgresDSN, "PostgreSQL bench database URL; empty: skip")
	my := fs.String("mariadb", workload.DefaultMySQLDSN, "MariaDB bench database DSN (go-sql-driver form); empty: skip")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for _, x := range []struct{ engine, dsn string }{{workload.Postgres, *pg}, {workload.MySQL, *my}} {
		if x.dsn == "" {
			continue
		}
		t := time.Now()
		if err := workload.Setup(ctx, x.engine, x.dsn); err != nil {
			return fmt.Errorf("setting up %s: %w", x.engine, err)
		}
		fmt.Fprintf(os.Stderr, "load: %s bench database ready in %s\n", x.engine, time.Since(t).Round(time.Millisecond))
	}
	return nil
}

// listFlag collects a repeated name=value flag.
type listFlag map[string]string

func (l listFlag) String() string { return fmt.Sprint(map[string]string(l)) }

func (l listFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	l[k] = v
	return nil
}

func cmdRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var cc contestantConfig
	fs.StringVar(&cc.quarryPG, "quarry-pg", "", "Quarry on PostgreSQL, base URL (http://127.0.0.1:PORT); empty: not run")
	fs.StringVar(&cc.quarryRule, "quarry-rule", "", "Quarry with the owner rule on playlist (JWT), base URL")
	fs.StringVar(&cc.quarryMy, "quarry-mariadb", "", "Quarry on MariaDB, base URL")
	fs.StringVar(&cc.pg5, "postgraphile5", "", "PostGraphile 5, base URL")
	fs.StringVar(&cc.pg4, "postgraphile4", "", "PostGraphile 4, base URL")
	fs.StringVar(&cc.floorPG, "floor-pg", "", "HTTP floor on PostgreSQL, base URL")
	fs.StringVar(&cc.floorMy, "floor-mariadb", "", "HTTP floor on MariaDB, base URL")
	fs.StringVar(&cc.pgbenchDSN, "pgbench", "", "PostgreSQL URL for pgbench (the raw-SQL floor); empty: not run")
	fs.StringVar(&cc.apiKey, "api-key", "da2-quarry-peers", "Quarry's API key (x-api-key)")
	issuer := fs.String("issuer", "http://127.0.0.1:18190", "JWT issuer URL of -quarry-rule (load issuer)")
	issuerKey := fs.String("issuer-key", "", "the issuer's key file, to sign the owner's token")
	fs.StringVar(&cc.postgraphileDir, "postgraphile-dir", "bench/peers/postgraphile", "PostGraphile query files (<workload>.graphql, <workload>.v4.graphql)")
	fs.StringVar(&cc.pgbenchDir, "pgbench-dir", "bench/peers/pgbench", "pgbench scripts (<workload>.sql)")
	dur := fs.Duration("d", 3*time.Second, "measured time per run")
	warmup := fs.Duration("warmup", time.Second, "load before each measured window (not recorded)")
	rounds := fs.Int("rounds", 2, "rounds; each repeats every measurement, contestants in rotated order")
	conc := fs.String("c", "1,16,64,256", "concurrency sweep: connections per run (workloads may fix their own)")
	only := fs.String("workloads", "", "comma-separated workload names to run; empty: all ("+strings.Join(workloadNames(), ",")+")")
	out := fs.String("out", "bench/peers-results", "directory for results.json, results.md, throughput.png, latency.png")
	pgDSN := fs.String("pg-dsn", workload.DefaultPostgresDSN, "PostgreSQL bench database, for the server's version")
	myDSN := fs.String("mariadb-dsn", workload.DefaultMySQLDSN, "MariaDB bench database, for the server's version")
	versions := listFlag{}
	fs.Var(versions, "version", "name=version for the machine line (node=v22.1.0, postgraphile5=5.0.0); repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	levels, err := parseLevels(*conc)
	if err != nil {
		return err
	}
	if *rounds < 1 || *dur <= 0 || *warmup < 0 {
		return errors.New("-rounds must be ≥1, -d > 0 and -warmup ≥ 0")
	}
	rc := runConfig{warmup: *warmup, dur: *dur, rounds: *rounds, levels: levels, only: map[string]bool{}, log: os.Stderr}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			if !contains(workloadNames(), n) {
				return fmt.Errorf("unknown workload %q (have %s)", n, strings.Join(workloadNames(), ", "))
			}
			rc.only[n] = true
		}
	}
	if cc.quarryRule != "" {
		if *issuerKey == "" {
			return errors.New("-quarry-rule needs -issuer-key")
		}
		if cc.token, err = ownerToken(*issuer, *issuerKey); err != nil {
			return err
		}
	}
	rc.cc = cc
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if rc.tmp, err = os.MkdirTemp("", "quarry-peers-load-"); err != nil {
		return fmt.Errorf("scratch directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(rc.tmp) }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res := &report.Results{Started: time.Now().UTC(), Settings: report.Settings{
		Duration: report.Duration(*dur), Warmup: report.Duration(*warmup), Rounds: *rounds, Concurrency: levels, Filter: *only}}
	res.Machine, res.Versions = machine(ctx, *pgDSN, *myDSN, versions)
	fmt.Fprintln(os.Stderr, res.Machine)
	runErr := rc.execute(ctx, res)
	// Whatever was measured is written, even when interrupted.
	if err := writeOutputs(res, *out, true); err != nil {
		return err
	}
	return runErr
}

// cmdReport redraws results.md and the charts from a results.json.
func cmdReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	in := fs.String("in", "bench/peers-results/results.json", "results file")
	out := fs.String("out", "", "output directory; default: the results file's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer func() { _ = f.Close() }()
	res, err := report.Read(f)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Dir(*in)
	}
	return writeOutputs(res, *out, false)
}

// writeOutputs writes the report's files and prints the tables.
func writeOutputs(res *report.Results, dir string, withJSON bool) error {
	write := func(name string, f func(*os.File) error) error {
		p := filepath.Join(dir, name)
		fh, err := os.Create(p)
		if err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		if err := f(fh); err != nil {
			_ = fh.Close()
			return err
		}
		if err := fh.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		return nil
	}
	if withJSON {
		if err := write("results.json", func(f *os.File) error { return res.Write(f) }); err != nil {
			return err
		}
	}
	steps := []struct {
		name string
		f    func(*os.File) error
	}{
		{"results.md", func(f *os.File) error { return res.Markdown(f) }},
		{"throughput.png", func(f *os.File) error { return res.ThroughputPNG(f) }},
		{"latency.png", func(f *os.File) error { return res.LatencyPNG(f) }},
	}
	for _, s := range steps {
		if err := write(s.name, s.f); err != nil {
			return err
		}
	}
	if err := res.Markdown(os.Stdout); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "load: wrote %s/{results.json,results.md,throughput.png,latency.png}\n", dir)
	return nil
}

func parseLevels(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-c: %q is not a connection count", p)
		}
		out = append(out, n)
	}
	return out, nil
}

func workloadNames() []string {
	var out []string
	for _, w := range workload.All() {
		out = append(out, w.Name)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
