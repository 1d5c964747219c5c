package connect

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FullScan is a table a statement's plan reads whole, as EXPLAIN (never
// ANALYZE: nothing runs) estimates it.
type FullScan struct {
	// Table is the table's name as the plan gives it (PostgreSQL), or ""
	// where the plan names it by the statement's alias (MySQL).
	Table string
	// Rows is the estimated number of rows in the table (PostgreSQL: the
	// planner's statistics, as ANALYZE or autovacuum left them) or read
	// (MySQL: the rows estimate of the scan).
	Rows float64
}

// Explains reports whether FullScans can tell anything on this engine
// (SQLite's query plans carry no row estimates).
func (db *DB) Explains() bool { return db.Engine == Postgres || db.Engine == MySQL }

// FullScans explains query (with args) and returns the full table scans
// in its plan: PostgreSQL's Seq Scan nodes, MySQL's and MariaDB's access
// type ALL. SQLite estimates no row counts, so it reports none.
func (db *DB) FullScans(ctx context.Context, query string, args ...any) ([]FullScan, error) {
	switch db.Engine {
	case Postgres:
		return pgFullScans(ctx, db.SQL, query, args)
	case MySQL:
		return myFullScans(ctx, db.SQL, query, args)
	}
	return nil, nil
}

func pgFullScans(ctx context.Context, q *sql.DB, query string, args []any) ([]FullScan, error) {
	var raw string
	if err := q.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON, VERBOSE) "+query, args...).Scan(&raw); err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	var plans []struct {
		Plan pgNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(raw), &plans); err != nil {
		return nil, fmt.Errorf("explain: read the plan: %w", err)
	}
	var scans []FullScan
	var walk func(n pgNode) error
	walk = func(n pgNode) error {
		if n.NodeType == "Seq Scan" {
			// The node's own estimate counts the rows its filter keeps;
			// the table's size is what a scan costs.
			var tuples float64
			err := q.QueryRowContext(ctx, `SELECT c.reltuples::float8 FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, n.Schema, n.Relation).Scan(&tuples)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("explain: table size: %w", err)
			}
			scans = append(scans, FullScan{Table: n.Relation, Rows: max(tuples, n.Rows)})
		}
		for _, ch := range n.Plans {
			if err := walk(ch); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range plans {
		if err := walk(p.Plan); err != nil {
			return nil, err
		}
	}
	return scans, nil
}

// pgNode is the part of a node of PostgreSQL's JSON plan that FullScans
// reads.
type pgNode struct {
	NodeType string   `json:"Node Type"`
	Relation string   `json:"Relation Name"`
	Schema   string   `json:"Schema"`
	Rows     float64  `json:"Plan Rows"`
	Plans    []pgNode `json:"Plans"`
}

func myFullScans(ctx context.Context, q *sql.DB, query string, args []any) ([]FullScan, error) {
	rows, err := q.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	at := map[string]int{}
	for i, c := range cols {
		at[strings.ToLower(c)] = i
	}
	var scans []FullScan
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
		get := func(name string) string {
			if i, ok := at[name]; ok {
				return vals[i].String
			}
			return ""
		}
		// <derived2>, <subquery3>, <union1,2>: the statement's own
		// intermediate results, not tables.
		if get("type") != "ALL" || strings.HasPrefix(get("table"), "<") {
			continue
		}
		n, _ := strconv.ParseFloat(get("rows"), 64)
		scans = append(scans, FullScan{Rows: n})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	return scans, nil
}

// CreateIndexSQL writes the CREATE INDEX statement for an index on
// columns of table (in schema, when not empty), quoted for the engine.
func (db *DB) CreateIndexSQL(schema, table, name string, columns []string) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	if db.Engine == MySQL {
		quote = func(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }
	}
	t := quote(table)
	if schema != "" {
		t = quote(schema) + "." + t
	}
	q := make([]string, len(columns))
	for i, c := range columns {
		q[i] = quote(c)
	}
	return fmt.Sprintf("CREATE INDEX %s ON %s (%s)", quote(name), t, strings.Join(q, ", "))
}
