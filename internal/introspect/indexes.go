package introspect

import (
	"context"
	"database/sql"
	_ "embed" // catalog queries
	"encoding/json"
	"fmt"
)

var (
	//go:embed postgres_indexes.sql
	pgIndexesSQL string
	//go:embed mysql_indexes.sql
	myIndexesSQL string
	//go:embed sqlite_secondary_indexes.sql
	liteSecondaryIndexesSQL string
)

// Index is a non-unique index on plain columns, which can find a value of
// its first column and order by the next ones: a secondary index.
type Index struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
}

// readIndexes fills each table's Indexes (Options.Indexes), in one query.
// An index with an expression or a column prefix is left out: it cannot
// order by the column.
func readIndexes(ctx context.Context, q Querier, engine string, opts Options, cat *Catalog) error {
	byTable := map[[2]string]*Table{}
	for i := range cat.Tables {
		t := &cat.Tables[i]
		byTable[[2]string{t.Schema, t.Name}] = t
	}
	var rows *sql.Rows
	var err error
	switch engine {
	case EnginePostgres:
		rows, err = q.QueryContext(ctx, pgIndexesSQL, cat.Schemas)
	case EngineMySQL:
		rows, err = q.QueryContext(ctx, myIndexesSQL, opts.Database)
	case EngineSQLite:
		rows, err = q.QueryContext(ctx, liteSecondaryIndexesSQL)
	default:
		return fmt.Errorf("introspect: unknown engine %q", engine)
	}
	if err != nil {
		return fmt.Errorf("introspect %s indexes: %w", engine, err)
	}
	type key struct{ table, index string }
	var order []key
	parts := map[key][]string{}
	skip := map[key]bool{}
	tableOf := map[key]*Table{}
	n := 0
	for rows.Next() {
		var schema, table, index string
		var col sql.NullString
		var sub sql.NullInt64
		var cols string
		switch engine {
		case EnginePostgres:
			err = rows.Scan(&schema, &table, &index, &cols)
		case EngineMySQL:
			err = rows.Scan(&table, &index, &col, &sub)
		default:
			err = rows.Scan(&table, &index, &col)
		}
		if err != nil {
			rows.Close()
			return fmt.Errorf("introspect %s indexes: %w", engine, err)
		}
		t := byTable[[2]string{schema, table}]
		if t == nil {
			continue
		}
		k := key{table: schema + "." + table, index: index}
		if _, seen := tableOf[k]; !seen {
			tableOf[k] = t
			order = append(order, k)
		}
		switch {
		case engine == EnginePostgres:
			var list []string
			if err := json.Unmarshal([]byte(cols), &list); err != nil {
				rows.Close()
				return fmt.Errorf("introspect postgresql index %s: %w", index, err)
			}
			parts[k] = list
		case !col.Valid || sub.Valid:
			skip[k] = true
		default:
			parts[k] = append(parts[k], col.String)
		}
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect %s indexes: %w", engine, err)
	}
	for _, k := range order {
		if skip[k] || len(parts[k]) == 0 {
			continue
		}
		t := tableOf[k]
		t.Indexes = append(t.Indexes, Index{Name: k.index, Columns: parts[k]})
		n++
	}
	opts.progress(fmt.Sprintf("%s: read %d secondary indexes", engine, n))
	return nil
}
