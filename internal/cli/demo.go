package cli

import (
	"context"
	"database/sql"
	_ "embed" // the demo database's SQL
	"fmt"
	"os"
	"path/filepath"

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
it and print a query to try. Running it again starts from a fresh database.`,
		Example: "  quarry demo\n  quarry demo --dir /tmp/try-quarry --port 4100\n  quarry demo --generate-only",
		Args:    exactArgs(0, ""),
	}
	f := e.sandboxServeFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := e.demo(cmd.Context(), dir); err != nil || generateOnly {
			return err
		}
		f.dataDir = filepath.Join(e.projectFlag, "amplify", "data")
		return e.runSandbox(cmd.Context(), f, nil)
	}
	cmd.Flags().StringVar(&dir, "dir", dir, "folder to create the demo project in")
	cmd.Flags().BoolVar(&generateOnly, "generate-only", false, "create the database and the schema files, then stop")
	return cmd
}

func (e *env) demo(ctx context.Context, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(abs, "amplify", "data"), 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
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
	fmt.Fprintf(e.stderr, "\nTo use your own database instead:\n"+
		"  quarry sandbox secret set SQL_CONNECTION_STRING\n"+
		"  quarry generate schema-from-database --connection-uri-secret SQL_CONNECTION_STRING --out amplify/data/schema.sql.graphql\n"+
		"  quarry sandbox\n")
	return nil
}
