package introspect

import (
	"context"
	_ "embed" // catalog queries
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

var (
	//go:embed postgres_tables.sql
	pgTablesSQL string
	//go:embed postgres_columns.sql
	pgColumnsSQL string
	//go:embed postgres_constraints.sql
	pgConstraintsSQL string
	//go:embed postgres_enums.sql
	pgEnumsSQL string
)

// readPostgres reads the schemas in opts.Schemas (default public) of the
// database q is connected to, in five queries.
func readPostgres(ctx context.Context, q Querier, opts Options) (*Catalog, error) {
	schemas := opts.Schemas
	if len(schemas) == 0 {
		schemas = []string{"public"}
	}
	cat := &Catalog{Engine: EnginePostgres, Schemas: schemas}
	if err := q.QueryRowContext(ctx, "SELECT current_database(), current_setting('server_version')").Scan(&cat.Database, &cat.Version); err != nil {
		return nil, fmt.Errorf("introspect postgresql version: %w", err)
	}

	index := map[[2]string]int{}
	rows, err := q.QueryContext(ctx, pgTablesSQL, schemas)
	if err != nil {
		return nil, fmt.Errorf("introspect postgresql tables: %w", err)
	}
	for rows.Next() {
		var t Table
		var kind string
		if err := rows.Scan(&t.Schema, &t.Name, &kind, &t.Comment); err != nil {
			rows.Close()
			return nil, fmt.Errorf("introspect postgresql tables: %w", err)
		}
		t.Kind = pgKinds[kind]
		index[[2]string{t.Schema, t.Name}] = len(cat.Tables)
		cat.Tables = append(cat.Tables, t)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("introspect postgresql tables: %w", err)
	}
	opts.progress(fmt.Sprintf("postgresql: %d tables and views in %s", len(cat.Tables), strings.Join(schemas, ", ")))

	enums, err := readPostgresEnums(ctx, q)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	first := schemas[0]

	rows, err = q.QueryContext(ctx, pgColumnsSQL, schemas)
	if err != nil {
		return nil, fmt.Errorf("introspect postgresql columns: %w", err)
	}
	ncols := 0
	for rows.Next() {
		var schema, table, typeKind, typeSchema, identity, generated string
		var c Column
		var pos int
		var def *string
		if err := rows.Scan(&schema, &table, &c.Name, &pos, &c.ColumnType, &c.ArrayDims, &c.DataType,
			&typeKind, &typeSchema, &c.Domain, &c.Nullable, &def, &identity, &generated, &c.Comment); err != nil {
			rows.Close()
			return nil, fmt.Errorf("introspect postgresql columns: %w", err)
		}
		i, ok := index[[2]string{schema, table}]
		if !ok {
			continue
		}
		switch identity {
		case "a":
			c.Identity = "ALWAYS"
		case "d":
			c.Identity = "BY DEFAULT"
		}
		c.Generated = generated == "s"
		if !c.Generated {
			c.Default = def
		}
		c.AutoIncrement = c.Identity != "" || (def != nil && strings.HasPrefix(*def, "nextval("))
		if typeKind == "e" {
			key := typeSchema + "." + c.DataType
			c.EnumValues = enums[key].Values
			c.EnumType = c.DataType
			if typeSchema != first {
				c.EnumType = key
			}
			used[key] = true
		}
		cat.Tables[i].Columns = append(cat.Tables[i].Columns, c)
		ncols++
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("introspect postgresql columns: %w", err)
	}
	opts.progress(fmt.Sprintf("postgresql: %d columns", ncols))

	for key, e := range enums {
		if used[key] || slices.Contains(schemas, e.Schema) {
			cat.Enums = append(cat.Enums, e)
		}
	}
	sort.Slice(cat.Enums, func(i, j int) bool {
		if cat.Enums[i].Schema != cat.Enums[j].Schema {
			return cat.Enums[i].Schema < cat.Enums[j].Schema
		}
		return cat.Enums[i].Name < cat.Enums[j].Name
	})

	if err := readPostgresConstraints(ctx, q, schemas, cat, index); err != nil {
		return nil, err
	}
	opts.progress("postgresql: keys and foreign keys read")
	return cat, nil
}

var pgKinds = map[string]string{"r": KindTable, "p": KindPartitionedTable, "v": KindView, "m": KindMaterializedView}

func readPostgresEnums(ctx context.Context, q Querier) (map[string]EnumType, error) {
	rows, err := q.QueryContext(ctx, pgEnumsSQL)
	if err != nil {
		return nil, fmt.Errorf("introspect postgresql enums: %w", err)
	}
	enums := map[string]EnumType{}
	for rows.Next() {
		var e EnumType
		var labels string
		if err := rows.Scan(&e.Schema, &e.Name, &labels); err != nil {
			rows.Close()
			return nil, fmt.Errorf("introspect postgresql enums: %w", err)
		}
		if err := json.Unmarshal([]byte(labels), &e.Values); err != nil {
			rows.Close()
			return nil, fmt.Errorf("introspect postgresql enum %s: %w", e.Name, err)
		}
		enums[e.Schema+"."+e.Name] = e
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("introspect postgresql enums: %w", err)
	}
	return enums, nil
}

func readPostgresConstraints(ctx context.Context, q Querier, schemas []string, cat *Catalog, index map[[2]string]int) error {
	rows, err := q.QueryContext(ctx, pgConstraintsSQL, schemas)
	if err != nil {
		return fmt.Errorf("introspect postgresql constraints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var schema, table, name, kind, cols, refSchema, refTable, refCols string
		if err := rows.Scan(&schema, &table, &name, &kind, &cols, &refSchema, &refTable, &refCols); err != nil {
			return fmt.Errorf("introspect postgresql constraints: %w", err)
		}
		i, ok := index[[2]string{schema, table}]
		if !ok {
			continue
		}
		t := &cat.Tables[i]
		var columns, refColumns []string
		if err := json.Unmarshal([]byte(cols), &columns); err != nil {
			return fmt.Errorf("introspect postgresql constraint %s: %w", name, err)
		}
		if err := json.Unmarshal([]byte(refCols), &refColumns); err != nil {
			return fmt.Errorf("introspect postgresql constraint %s: %w", name, err)
		}
		switch kind {
		case "p":
			t.PrimaryKey = columns
		case "u", "i":
			t.Uniques = appendUnique(t.Uniques, columns)
		case "f":
			fk := ForeignKey{Name: name, Columns: columns, RefTable: refTable, RefColumns: refColumns}
			if refSchema != schema {
				fk.RefSchema = refSchema
			}
			t.ForeignKeys = append(t.ForeignKeys, fk)
		}
	}
	return closeRows(rows)
}

// appendUnique adds cols unless the same column list is already there (a
// unique constraint and an equal unique index say the same thing).
func appendUnique(list [][]string, cols []string) [][]string {
	for _, u := range list {
		if equalStrings(u, cols) {
			return list
		}
	}
	return append(list, cols)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// closeRows closes rows and returns the first error met while iterating.
func closeRows(rows interface {
	Err() error
	Close() error
}) error {
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}
