package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql" // registers "mysql"
	"github.com/jackc/pgx/v5"
)

// machine describes where the run happened: the line under the report's
// title, so a figure is never quoted without the machine it came from.
// extra holds versions the caller knows (Node, PostGraphile), name=value.
func machine(ctx context.Context, pgDSN, myDSN string, extra map[string]string) (string, map[string]string) {
	v := map[string]string{"go": runtime.Version()}
	for k, x := range extra {
		v[k] = x
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if pgDSN != "" {
		if c, err := pgx.Connect(ctx, pgDSN); err == nil {
			var s string
			if c.QueryRow(ctx, "SHOW server_version").Scan(&s) == nil {
				v["postgres"], _, _ = strings.Cut(s, " ")
			}
			_ = c.Close(ctx)
		}
	}
	if myDSN != "" {
		if db, err := sql.Open("mysql", myDSN); err == nil {
			var s string
			if db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&s) == nil {
				v["mariadb"], _, _ = strings.Cut(s, "-")
			}
			_ = db.Close()
		}
	}
	parts := []string{fmt.Sprintf("%d cores", runtime.NumCPU()), cpuModel(), runtime.GOOS + "/" + runtime.GOARCH}
	names := []string{"go", "postgres", "mariadb", "node", "postgraphile5", "postgraphile4"}
	label := map[string]string{"go": "Go", "postgres": "PostgreSQL", "mariadb": "MariaDB", "node": "Node",
		"postgraphile5": "PostGraphile", "postgraphile4": "PostGraphile"}
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
		if x := v[n]; x != "" {
			parts = append(parts, label[n]+" "+x)
		}
	}
	var rest []string
	for n := range v {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		parts = append(parts, n+" "+v[n])
	}
	return "Machine: " + strings.Join(parts, ", ") + ".", v
}

// cpuModel is /proc/cpuinfo's model name (Linux), else the architecture.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "CPU " + runtime.GOARCH
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, val, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(val)
		}
	}
	return "CPU " + runtime.GOARCH
}
