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
	var scans []FullScan
	err := myExplain(ctx, q, query, args, func(get func(string) string) {
		// <derived2>, <subquery3>, <union1,2>: the statement's own
		// intermediate results, not tables.
		if get("type") != "ALL" || strings.HasPrefix(get("table"), "<") {
			return
		}
		n, _ := strconv.ParseFloat(get("rows"), 64)
		scans = append(scans, FullScan{Rows: n})
	})
	return scans, err
}

// myExplain runs MySQL's EXPLAIN of query and calls row for each line of
// the plan, with the value of a (lower case) column.
func myExplain(ctx context.Context, q *sql.DB, query string, args []any, row func(get func(string) string)) error {
	rows, err := q.QueryContext(ctx, "EXPLAIN "+query, args...)
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	at := map[string]int{}
	for i, c := range cols {
		at[strings.ToLower(c)] = i
	}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		row(func(name string) string {
			if i, ok := at[name]; ok {
				return vals[i].String
			}
			return ""
		})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	return nil
}

// TableRows estimates the rows of table (in schema, when not empty) as
// EXPLAIN of a plain SELECT of it does: from the statistics the planner
// keeps (PostgreSQL scales them to the table's current size and sums a
// partitioned table's partitions), never a count, so it costs the same
// however large the table is. It is 0 where the engine estimates nothing
// (SQLite; see Explains). The estimate is the plan's whatever access it
// picks: a table whose indexes cover every column is read through one
// (MySQL's access type index), which FullScans does not count.
func (db *DB) TableRows(ctx context.Context, schema, table string) (float64, error) {
	query := "SELECT * FROM " + db.quoteTable(schema, table)
	switch db.Engine {
	case Postgres:
		var raw string
		if err := db.SQL.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query).Scan(&raw); err != nil {
			return 0, fmt.Errorf("table %s: explain: %w", table, err)
		}
		var plans []struct {
			Plan pgNode `json:"Plan"`
		}
		if err := json.Unmarshal([]byte(raw), &plans); err != nil {
			return 0, fmt.Errorf("table %s: explain: read the plan: %w", table, err)
		}
		if len(plans) == 0 {
			return 0, fmt.Errorf("table %s: explain: no plan", table)
		}
		return plans[0].Plan.Rows, nil
	case MySQL:
		var rows float64
		err := myExplain(ctx, db.SQL, query, nil, func(get func(string) string) {
			n, _ := strconv.ParseFloat(get("rows"), 64)
			rows += n
		})
		if err != nil {
			return 0, fmt.Errorf("table %s: %w", table, err)
		}
		return rows, nil
	}
	return 0, nil
}

// CreateIndexSQL writes the CREATE INDEX statement for an index on
// columns of table (in schema, when not empty), quoted for the engine.
func (db *DB) CreateIndexSQL(schema, table, name string, columns []string) string {
	q := make([]string, len(columns))
	for i, c := range columns {
		q[i] = db.quote(c)
	}
	return fmt.Sprintf("CREATE INDEX %s ON %s (%s)", db.quote(name), db.quoteTable(schema, table), strings.Join(q, ", "))
}

// quote quotes an identifier for the engine.
func (db *DB) quote(s string) string {
	if db.Engine == MySQL {
		return "`" + strings.ReplaceAll(s, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteTable quotes table, qualified by schema when that is not empty.
func (db *DB) quoteTable(schema, table string) string {
	if schema == "" {
		return db.quote(table)
	}
	return db.quote(schema) + "." + db.quote(table)
}
