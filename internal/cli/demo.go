package cli

import (
	"context"
	"database/sql"
	_ "embed" // the demo database's SQL
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	_ "modernc.org/sqlite" // the demo is a SQLite file
)

//go:embed demo.sql
var demoSQL string

func (e *env) demoCommand() *cobra.Command {
	dir := "quarry-demo"
	generateOnly := false
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Create a small SQLite database, generate its schema and serve it: Quarry with no setup",
		Long: `Create a demo project folder with a small SQLite database (venues, events,
tickets), store its connection URI as the project's sandbox secret
SQL_CONNECTION_STRING, run generate schema-from-database on it (writing
amplify/data/schema.sql.graphql and schema.sql.ts), then start the sandbox on
it and print a query to try. Running it again starts from a fresh database.

It serves on port 4000, or on the next free port when 4000 is taken (it says
which); a --port that is taken stops it before it creates anything. The folder
gets a .gitignore that keeps all of it out of git.`,
		Example: "  quarry demo\n  quarry demo --dir /tmp/try-quarry --port 4100\n  quarry demo --generate-only",
		Args:    exactArgs(0, ""),
	}
	f := e.sandboxServeFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if generateOnly {
			return e.demo(cmd.Context(), dir, quarryCommand()+" sandbox")
		}
		// The port is checked before anything is generated, and held
		// while the demo generates, so a taken port fails (or moves) at
		// once rather than after the work.
		explicit := cmd.Flags().Changed("port") || os.Getenv("QUARRY_PORT") != ""
		hold, err := e.demoListener(f, explicit)
		if err != nil {
			return err
		}
		sandboxCmd := quarryCommand() + " sandbox"
		if f.port != 4000 {
			sandboxCmd += " --port " + strconv.Itoa(f.port)
		}
		err = e.demo(cmd.Context(), dir, sandboxCmd)
		hold.Close()
		if err != nil {
			return err
		}
		f.dataDir = filepath.Join(e.projectFlag, "amplify", "data")
		return e.runSandbox(cmd.Context(), f, nil)
	}
	cmd.Flags().StringVar(&dir, "dir", dir, "folder to create the demo project in")
	cmd.Flags().BoolVar(&generateOnly, "generate-only", false, "create the database and the schema files, then stop")
	return cmd
}

// demoListener listens where the demo is to serve, before it generates
// anything. A --port (or QUARRY_PORT) that is taken fails; the default
// port, when taken, gives way to the next free one, which f then names.
// The caller closes the listener just before the sandbox listens.
func (e *env) demoListener(f *serveFlags, explicit bool) (net.Listener, error) {
	addr := net.JoinHostPort(f.host, strconv.Itoa(f.port))
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	if explicit {
		return nil, fmt.Errorf("cannot serve the demo on %s: %w: stop what is using port %d, or choose another with --port (nothing was created)", addr, err, f.port)
	}
	for p := f.port + 1; p <= f.port+100 && p <= 65535; p++ {
		if ln, perr := net.Listen("tcp", net.JoinHostPort(f.host, strconv.Itoa(p))); perr == nil {
			return e.movePort(f, ln), nil
		}
	}
	if ln, perr := net.Listen("tcp", net.JoinHostPort(f.host, "0")); perr == nil {
		return e.movePort(f, ln), nil
	}
	return nil, fmt.Errorf("cannot serve the demo on %s: %w: choose a free port with --port (nothing was created)", addr, err)
}

// movePort points f at ln's port and says so.
func (e *env) movePort(f *serveFlags, ln net.Listener) net.Listener {
	port := ln.Addr().(*net.TCPAddr).Port
	fmt.Fprintf(e.stderr, "port %d is in use; serving on %d\n", f.port, port)
	f.port = port
	return ln
}

// demoGitignore keeps the demo folder out of the git checkout it may be
// created in: the whole folder is ignored, this file included.
const demoGitignore = "# Written by quarry demo: nothing in this folder belongs in git.\n*\n"

// demo creates the demo project in dir and generates its schema files;
// sandboxCmd is the command its hint gives for serving one's own database.
func (e *env) demo(ctx context.Context, dir, sandboxCmd string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	// The .gitignore goes only into a folder the demo creates, or one an
	// earlier demo made: never into a folder of the user's own given as --dir.
	_, statErr := os.Stat(abs)
	_, dbErr := os.Stat(filepath.Join(abs, "demo.db"))
	ownFolder := os.IsNotExist(statErr) || dbErr == nil
	if err := os.MkdirAll(filepath.Join(abs, "amplify", "data"), 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ignore := filepath.Join(abs, ".gitignore")
	if _, err := os.Stat(ignore); ownFolder && os.IsNotExist(err) {
		if err := os.WriteFile(ignore, []byte(demoGitignore), 0o644); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	dbPath := filepath.Join(abs, "demo.db")
	if err := os.Remove(dbPath); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("demo: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	_, err = db.ExecContext(ctx, demoSQL)
	db.Close()
	if err != nil {
		return fmt.Errorf("demo: create database: %w", err)
	}
	fmt.Fprintf(e.stderr, "Created %s\n", dbPath)

	e.projectFlag = abs
	store, err := e.sandboxStore()
	if err != nil {
		return err
	}
	if err := store.Set("SQL_CONNECTION_STRING", "sqlite://"+dbPath); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "Stored secret SQL_CONNECTION_STRING for project %s\n", abs)

	f := sourceFlags{uriSecret: "SQL_CONNECTION_STRING", timeout: defaultConnectTimeout}
	sdlPath := filepath.Join(abs, "amplify", "data", "schema.sql.graphql")
	if err := e.generate(ctx, &f, sdlPath, filepath.Join(abs, "amplify", "data", "schema.sql.ts")); err != nil {
		return err
	}
	raw, err := os.ReadFile(sdlPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n", raw)
	q := quarryCommand()
	fmt.Fprintf(e.stderr, "\nTo use your own database instead:\n"+
		"  %s sandbox secret set SQL_CONNECTION_STRING\n"+
		"  %s generate schema-from-database --connection-uri-secret SQL_CONNECTION_STRING --out amplify/data/schema.sql.graphql\n"+
		"  %s\n", q, q, sandboxCmd)
	return nil
}
