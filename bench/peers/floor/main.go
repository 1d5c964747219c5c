// Command floor is the peer benchmark's HTTP floor (issue 15): for each
// workload one hand-written SQL statement that builds the response JSON in
// the database, behind a bare net/http handler that reads the body,
// decodes the variables, runs the statement and writes {"data": <bytes>}.
// It is what any HTTP API over the same database must at least cost, so
// a contestant's figure over the floor's is that contestant's own work.
//
//	floor -addr 127.0.0.1:8091 -engine postgres -dsn 'postgres://postgres@127.0.0.1:5432/quarry_peers?sslmode=disable' -pool 16
//	floor -addr 127.0.0.1:8092 -engine mysql -dsn 'root@tcp(127.0.0.1:3306)/quarry_peers' -pool 16
//	floor -setup -engine postgres -dsn ...   # (re)create and load the bench database, then exit
//
// POST /<workload name> with Quarry's request body; "ready" is printed on
// stdout once the pool answers and the port listens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/quarrydata/quarry/bench/peers/workload"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8091", "address to listen on")
	engine := flag.String("engine", workload.Postgres, "postgres or mysql (MariaDB 10.5+)")
	dsn := flag.String("dsn", "", "database DSN: a postgres:// URL, or a go-sql-driver/mysql DSN such as root@tcp(127.0.0.1:3306)/quarry_peers")
	pool := flag.Int("pool", 16, "connection pool size")
	setup := flag.Bool("setup", false, "drop, create and load the bench database named in -dsn, then exit")
	flag.Parse()
	if *dsn == "" {
		*dsn = map[string]string{workload.Postgres: workload.DefaultPostgresDSN, workload.MySQL: workload.DefaultMySQLDSN}[*engine]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *setup {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		return workload.Setup(ctx, *engine, *dsn)
	}
	if *pool < 1 {
		return errors.New("-pool must be at least 1")
	}

	var db backend
	var err error
	switch *engine {
	case workload.Postgres:
		db, err = openPostgres(ctx, *dsn, *pool)
	case workload.MySQL:
		db, err = openMySQL(ctx, *dsn, *pool)
	default:
		return fmt.Errorf("unknown -engine %q (want postgres or mysql)", *engine)
	}
	if err != nil {
		return err
	}
	defer db.close()

	mux := http.NewServeMux()
	for _, w := range workload.All() {
		h, err := handlerFor(db, w)
		if err != nil {
			return err
		}
		mux.Handle("POST /"+w.Name, h)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Println("ready")
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
