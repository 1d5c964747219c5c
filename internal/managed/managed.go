// Package managed keeps the tables of managed models (models that are not
// tables of the user's database) in step with the schema: it creates
// missing tables and adds missing columns, and refuses, with the reason,
// any change that could lose data. It never drops or rewrites anything.
package managed

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
)

// DDL writes one engine's statements (sqlgen/<engine>).
type DDL interface {
	ColumnType(f *schema.Field) (string, error)
	// Matches reports whether a stored column already holds f's type.
	Matches(c *introspect.Column, f *schema.Field) bool
	CreateTable(m *schema.Model) (string, error)
	AddColumn(m *schema.Model, f *schema.Field) (string, error)
}

// Plan compares models with the tables in cat and returns the statements
// that bring the tables in line, with a line saying what each does. A
// change it will not make (a field whose stored type changed) is an error
// listing every such field.
func Plan(models []*schema.Model, cat *introspect.Catalog, ddl DDL) (stmts, changes []string, err error) {
	var refused []string
	schemaName := ""
	if len(cat.Schemas) > 0 {
		schemaName = cat.Schemas[0]
	}
	for _, m := range models {
		t := cat.Table(schemaName, m.Table.Name)
		if t == nil {
			st, err := ddl.CreateTable(m)
			if err != nil {
				return nil, nil, err
			}
			stmts = append(stmts, st)
			changes = append(changes, "created the table of "+m.Name)
			continue
		}
		for _, f := range m.Fields {
			want, err := ddl.ColumnType(f)
			if err != nil {
				return nil, nil, fmt.Errorf("model %s: %w", m.Name, err)
			}
			c := t.Column(f.Column)
			if c == nil {
				st, err := ddl.AddColumn(m, f)
				if err != nil {
					return nil, nil, err
				}
				stmts = append(stmts, st)
				changes = append(changes, fmt.Sprintf("added %s.%s", m.Name, f.Name))
				continue
			}
			if !ddl.Matches(c, f) {
				refused = append(refused, fmt.Sprintf("%s.%s is stored as %s, and the schema now makes it %s (stored as %s)", m.Name, f.Name, c.ColumnType, f.Type, want))
			}
		}
	}
	if len(refused) > 0 {
		return nil, nil, fmt.Errorf("managed models: changing the type of stored fields could lose data, so Quarry does not do it:\n  %s\nKeep the old type, or add a field under a new name and copy the data yourself", strings.Join(refused, "\n  "))
	}
	return stmts, changes, nil
}

// Apply runs stmts in one transaction. SQLite and PostgreSQL roll DDL
// back, so a failure leaves the tables as they were; MySQL commits each
// DDL statement on its own, so a failure there leaves the statements
// before it applied, which the next Plan then no longer repeats (it only
// adds what is missing).
func Apply(ctx context.Context, db *sql.DB, stmts []string) error {
	if len(stmts) == 0 {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("managed models: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("managed models: %s: %w", st, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("managed models: %w", err)
	}
	return nil
}
