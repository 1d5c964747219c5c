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
	// Placeholder is the dialect's n-th (from 1) bound parameter.
	Placeholder(n int) string
}

// Stmt is one statement and its bound values.
type Stmt struct {
	SQL  string
	Args []any
}

// OwnedTable records, in the database that holds managed models, which
// tables Quarry created there: a table of the same name that it did not
// create (the user's own, in a database they named) is never altered.
const OwnedTable = "quarry_managed_tables"

// CreateOwned creates OwnedTable when it is missing; portable SQL.
const CreateOwned = "CREATE TABLE IF NOT EXISTS " + OwnedTable + " (table_name VARCHAR(255) NOT NULL PRIMARY KEY)"

// Owned reads the tables Quarry created.
func Owned(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT table_name FROM "+OwnedTable)
	if err != nil {
		return nil, fmt.Errorf("managed models: %w", err)
	}
	defer rows.Close()
	owned := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("managed models: %w", err)
		}
		owned[name] = true
	}
	return owned, rows.Err()
}

// Plan compares models with the tables in cat and returns the statements
// that bring the tables in line, with a line saying what each does. A
// change it will not make (a field whose stored type changed, a table it
// did not create) is an error listing every such problem. owned lists the
// tables Quarry created; nil means every table of the database is
// Quarry's (its embedded store).
func Plan(models []*schema.Model, cat *introspect.Catalog, ddl DDL, owned map[string]bool) (stmts []Stmt, changes []string, err error) {
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
			stmts = append(stmts, Stmt{SQL: st})
			if owned != nil {
				stmts = append(stmts, Stmt{SQL: "INSERT INTO " + OwnedTable + " (table_name) VALUES (" + ddl.Placeholder(1) + ")", Args: []any{m.Table.Name}})
			}
			changes = append(changes, "created the table of "+m.Name)
			continue
		}
		if owned != nil && !owned[m.Table.Name] {
			refused = append(refused, fmt.Sprintf("table %s is already in that database and Quarry did not create it: it is not altered (name the model otherwise, or use another database)", m.Table.Name))
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
				stmts = append(stmts, Stmt{SQL: st})
				changes = append(changes, fmt.Sprintf("added %s.%s", m.Name, f.Name))
				continue
			}
			if !ddl.Matches(c, f) {
				refused = append(refused, fmt.Sprintf("%s.%s is stored as %s, and the schema now makes it %s (stored as %s)", m.Name, f.Name, c.ColumnType, f.Type, want))
			}
		}
	}
	if len(refused) > 0 {
		return nil, nil, fmt.Errorf("managed models: these changes could lose data, so Quarry does not make them:\n  %s\nKeep the old type, or add a field under a new name and copy the data yourself", strings.Join(refused, "\n  "))
	}
	return stmts, changes, nil
}

// Apply runs stmts in one transaction. SQLite and PostgreSQL roll DDL
// back, so a failure leaves the tables as they were; MySQL commits each
// DDL statement on its own, so a failure there leaves the statements
// before it applied, which the next Plan then no longer repeats (it only
// adds what is missing).
func Apply(ctx context.Context, db *sql.DB, stmts []Stmt) error {
	if len(stmts) == 0 {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("managed models: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.SQL, st.Args...); err != nil {
			return fmt.Errorf("managed models: %s: %w", st.SQL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("managed models: %w", err)
	}
	return nil
}
