package cli

// Managed models: tables Quarry creates and owns, in a database of their
// own (an embedded SQLite file unless --managed-uri names one), beside the
// user's database.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/managed"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen/mysql"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/sqlgen/sqlite"
)

// openManaged opens the database of managed models (an embedded SQLite
// file, .quarry/managed.db in the project, unless --managed-uri-secret
// names one), brings its tables in line with models, and binds them.
func (e *env) openManaged(ctx context.Context, f *serveFlags, models []*schema.Model) (*connect.DB, error) {
	var db *connect.DB
	if f.managedSecret != "" {
		var err error
		if db, err = e.open(ctx, &sourceFlags{uriSecret: f.managedSecret, timeout: defaultConnectTimeout}, false); err != nil {
			return nil, fmt.Errorf("managed models: %w", err)
		}
	} else {
		dir := filepath.Join(projectRoot(f.dataDir), ".quarry")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("managed models: %w", err)
		}
		path := filepath.Join(dir, "managed.db")
		// connect refuses a missing file (a mistyped path to the user's
		// database); this one is Quarry's to create.
		fh, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, fmt.Errorf("managed models: %w", err)
		}
		fh.Close()
		cfg, err := connect.Parse("sqlite:" + path)
		if err != nil {
			return nil, err
		}
		if db, err = connect.Open(ctx, cfg, connect.Options{ConnectTimeout: defaultConnectTimeout}); err != nil {
			return nil, fmt.Errorf("managed models: %w", err)
		}
	}
	ddl, err := ddlFor(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	read := func() (*introspect.Catalog, error) {
		return introspect.Read(ctx, db.SQL, db.Engine, introspect.Options{Database: db.Config.Database})
	}
	// In a database the user named, only tables Quarry created may be
	// altered; the embedded store is all Quarry's.
	var owned map[string]bool
	if f.managedSecret != "" {
		if _, err = db.SQL.ExecContext(ctx, managed.CreateOwned); err == nil {
			owned, err = managed.Owned(ctx, db.SQL)
		}
	}
	var cat *introspect.Catalog
	if err == nil {
		cat, err = read()
	}
	if err == nil {
		var stmts []managed.Stmt
		var changes []string
		if stmts, changes, err = managed.Plan(models, cat, ddl, owned); err == nil {
			if err = managed.Apply(ctx, db.SQL, stmts); err == nil {
				for _, c := range changes {
					fmt.Fprintln(e.stderr, "Managed models: "+c)
				}
				if cat, err = read(); err == nil {
					err = schema.Bind(&schema.Schema{Models: models}, cat)
				}
			}
		}
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// crossSourceRelationships refuses relationships between a managed model
// and a table of the user's database: they live in two databases, and a
// root field is one statement in one of them.
func crossSourceRelationships(s *schema.Schema) error {
	for _, m := range s.Models {
		for _, r := range m.Relationships {
			if t := s.Model(r.Target); t != nil && t.Managed != m.Managed {
				return fmt.Errorf("relationship %s.%s joins a managed model and a database table, which live in different databases: not supported", m.Name, r.Name)
			}
		}
	}
	return nil
}

// ddlFor picks the dialect that creates managed models' tables.
func ddlFor(db *connect.DB) (managed.DDL, error) {
	switch db.Engine {
	case connect.Postgres:
		return postgres.DDL(), nil
	case connect.MySQL:
		return mysql.DDL{}, nil
	case connect.SQLite:
		return sqlite.DDL(), nil
	}
	return nil, fmt.Errorf("no DDL for engine %q", db.Engine)
}
