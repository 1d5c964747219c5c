package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/codegen"
	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
)

const defaultConnectTimeout = 10 * time.Second

// sourceFlags name the database a command reads.
type sourceFlags struct {
	uriSecret  string
	certSecret string
	schemas    []string
	timeout    time.Duration
	// indexes reads the tables' non-unique indexes, which generate
	// proposes as secondary indexes (--propose-indexes).
	indexes bool
}

func (e *env) addSourceFlags(cmd *cobra.Command, f *sourceFlags) {
	cmd.Flags().StringVar(&f.uriSecret, "connection-uri-secret", "", "name of the secret holding the connection URI (required), e.g. SQL_CONNECTION_STRING")
	cmd.Flags().StringVar(&f.certSecret, "ssl-cert-secret", "", "name of the secret holding a PEM CA certificate (bundle) to trust, for self-signed or private CAs")
	cmd.Flags().StringSliceVar(&f.schemas, "schema", nil, "PostgreSQL schemas to read, in order (default public); tables outside the first keep their schema")
	cmd.Flags().DurationVar(&f.timeout, "connect-timeout", defaultConnectTimeout, "how long to wait for the database to answer")
	cmd.Flags().StringVar(&e.secretsDir, "secrets-dir", "", "directory with one file per secret, read when a secret is not in the sandbox store (as in production)")
}

// open reads the secrets and connects.
func (e *env) open(ctx context.Context, f *sourceFlags, readOnly bool) (*connect.DB, error) {
	if f.uriSecret == "" {
		return nil, usageError{fmt.Errorf("--connection-uri-secret is required: store the URI with `quarry sandbox secret set SQL_CONNECTION_STRING`, then pass --connection-uri-secret SQL_CONNECTION_STRING")}
	}
	uri, err := e.secret(f.uriSecret)
	if err != nil {
		return nil, err
	}
	cfg, err := connect.Parse(uri)
	if err != nil {
		// Unparsable: the whole value is hidden wherever it appears (the
		// error does not repeat it), whatever part is the password.
		e.redact.Add(uri)
		return nil, fmt.Errorf("secret %s: %w", f.uriSecret, err)
	}
	if cfg.Password != "" || len(cfg.Params) > 0 {
		// The URI as written is shown only as cfg.Redacted(); the password
		// is masked in other text only if it is long and random enough
		// not to be an ordinary word or a part of the URI that is shown
		// (secrets.Maskable).
		e.redact.Add(uri)
		e.redact.AddSecret(cfg.Password, cfg.Redacted(), cfg.User, cfg.Host, strconv.Itoa(cfg.Port), cfg.Database)
	}
	if f.certSecret != "" {
		pem, err := e.secret(f.certSecret)
		if err != nil {
			return nil, err
		}
		cfg.CACert = []byte(pem)
	}
	fmt.Fprintf(e.stderr, "Connecting to %s\n", cfg.Redacted())
	return connect.Open(ctx, cfg, connect.Options{ConnectTimeout: f.timeout, ReadOnly: readOnly})
}

func (e *env) readCatalog(ctx context.Context, db *connect.DB, f *sourceFlags) (*introspect.Catalog, error) {
	return introspect.Read(ctx, db.SQL, db.Engine, introspect.Options{
		Database: db.Config.Database,
		Schemas:  f.schemas,
		Indexes:  f.indexes,
		Progress: func(msg string) { fmt.Fprintln(e.stderr, "  "+msg) },
	})
}

func (e *env) generateCommand() *cobra.Command {
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Generate files from the database (the schema) or from the schema (client files)",
	}
	var f sourceFlags
	var out string
	cmd := &cobra.Command{
		Use:   "schema-from-database --connection-uri-secret NAME --out PATH",
		Short: "Write a schema file describing every table of the database",
		Long: `Read the database's catalog and write a schema file that describes it:
one model per table or keyed view, fields with their GraphQL types, primary
keys, enums, and relationships inferred from foreign keys.

The output format follows --out: a .ts file is amplify/data/schema.sql.ts for
@aws-amplify/data-schema (as Amplify's own generator writes it); a .graphql
file is the same schema as SDL in the Amplify directive dialect. The file is
regenerated whole each time: never edit it; put customisations in
resource.ts / resource.graphql beside it.

Tables and views that cannot be served (no key) are listed in one warning
with the reason and the fix.

With --propose-indexes, each non-unique B-tree index of a table (not led by
its primary key; no expression, no partial index) becomes a secondary index:
.secondaryIndexes() in schema.sql.ts, @index in SDL, and a query field
list<Model>By<Column>[And<Column>...] that lists the rows with one value of
the first column ordered by the next ones, as AppSync serves an @index. It is
off by default: every query field it adds is API surface to keep.`,
		Example: `  quarry sandbox secret set SQL_CONNECTION_STRING
  quarry generate schema-from-database --connection-uri-secret SQL_CONNECTION_STRING \
      --out amplify/data/schema.sql.ts
  quarry generate schema-from-database --connection-uri-secret PG --schema public,sales \
      --ssl-cert-secret PG_CA --out amplify/data/schema.sql.graphql`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.generate(cmd.Context(), &f, out)
		},
	}
	e.addSourceFlags(cmd, &f)
	cmd.Flags().StringVar(&out, "out", "amplify/data/schema.sql.ts", "file to write: *.ts (data-schema builder) or *.graphql (SDL)")
	cmd.Flags().BoolVar(&f.indexes, "propose-indexes", false, "declare a secondary index (a list<Model>By<Column> query field) for each non-unique B-tree index of the database that is not led by the primary key")
	gen.AddCommand(cmd, e.generateOutputsCommand(), e.graphqlClientCodeCommand())
	return gen
}

// renderer picks the output format from the file name.
func renderer(out string) (func(*schema.Schema) string, error) {
	switch {
	case strings.HasSuffix(out, ".ts"):
		return codegen.SchemaTS, nil
	case strings.HasSuffix(out, ".graphql"):
		return sdl.Print, nil
	}
	return nil, usageError{fmt.Errorf("--out %s: the file name must end in .ts (schema.sql.ts) or .graphql (schema.sql.graphql)", out)}
}

// generate reads the database once and writes each of outs.
func (e *env) generate(ctx context.Context, f *sourceFlags, outs ...string) error {
	for _, out := range outs {
		if _, err := renderer(out); err != nil {
			return err
		}
	}
	start := time.Now()
	db, err := e.open(ctx, f, true)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := e.readCatalog(ctx, db, f)
	if err != nil {
		return err
	}
	cfg := db.Config
	dbName := cfg.Database
	if cfg.Engine == connect.SQLite {
		dbName = cfg.Path
	}
	s, err := schema.FromCatalog(cat, schema.Database{
		Identifier:          schema.Identifier(cfg.Host, cfg.Engine, dbName, cfg.Port),
		ConnectionURISecret: f.uriSecret,
		SSLCertSecret:       f.certSecret,
	})
	if err != nil {
		return err
	}
	if len(s.Models) == 0 {
		return fmt.Errorf("no table with a key found in %s: nothing to serve (%d relations read, all skipped)%s",
			cfg.Redacted(), len(cat.Tables), skippedText(s))
	}
	if len(s.Skipped) > 0 {
		fmt.Fprint(e.stderr, "Warning: not served"+skippedText(s)+"\n")
	}
	for _, n := range s.Notes {
		fmt.Fprintln(e.stderr, "Note: "+n)
	}
	rels := 0
	for _, m := range s.Models {
		rels += len(m.Relationships)
	}
	for _, out := range outs {
		render, _ := renderer(out)
		if err := writeFileAtomic(out, []byte(render(s))); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Wrote %s: %d models, %d enums, %d relationships from %s in %s\n",
			out, len(s.Models), len(s.Enums), rels, cat.Engine, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func skippedText(s *schema.Schema) string {
	if len(s.Skipped) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, " (%d):", len(s.Skipped))
	for _, sk := range s.Skipped {
		fmt.Fprintf(&b, "\n  - %s %s: %s; %s", sk.Kind, sk.Table, sk.Reason, sk.Fix)
	}
	return b.String()
}

func (e *env) introspectCommand() *cobra.Command {
	var f sourceFlags
	var dump bool
	cmd := &cobra.Command{
		Use:   "introspect --connection-uri-secret NAME --dump",
		Short: "Print the database catalog Quarry reads, as JSON",
		Long: `Print the raw catalog (tables, columns with their native types, keys, foreign
keys, enums, comments) that generate works from, as JSON on stdout. Useful to
see why a column got the type it did.`,
		Example: "  quarry introspect --connection-uri-secret SQL_CONNECTION_STRING --dump > catalog.json",
		Args:    exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !dump {
				return usageError{fmt.Errorf("introspect prints the catalog only with --dump")}
			}
			db, err := e.open(cmd.Context(), &f, true)
			if err != nil {
				return err
			}
			defer db.Close()
			cat, err := e.readCatalog(cmd.Context(), db, &f)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(cat)
		},
	}
	e.addSourceFlags(cmd, &f)
	cmd.Flags().BoolVar(&dump, "dump", false, "print the catalog as JSON")
	return cmd
}

// writeFileAtomic writes data next to path and renames it into place, so a
// failed run never leaves a half-written schema.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
