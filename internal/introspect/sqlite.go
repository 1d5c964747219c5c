package introspect

import (
	"context"
	"database/sql"
	_ "embed" // catalog queries
	"errors"
	"fmt"
	"sort"
	"strings"

	"modernc.org/sqlite"
)

var (
	//go:embed sqlite_tables.sql
	liteTablesSQL string
	//go:embed sqlite_columns.sql
	liteColumnsSQL string
	//go:embed sqlite_table_columns.sql
	liteTableColumnsSQL string
	//go:embed sqlite_indexes.sql
	liteIndexesSQL string
	//go:embed sqlite_foreign_keys.sql
	liteForeignKeysSQL string
)

// readSQLite reads the main database of a SQLite connection with five
// queries, however many tables there are: the table-valued pragma functions
// joined with sqlite_schema return every table's columns, indexes or
// foreign keys at once.
//
// One case costs more: a view over a dropped table, or a virtual table
// whose module this build lacks, makes the query for all columns fail, and
// then each relation is read on its own so that the unreadable ones can be
// skipped (they cannot be queried either) instead of failing the whole run.
func readSQLite(ctx context.Context, q Querier, opts Options) (*Catalog, error) {
	cat := &Catalog{Engine: EngineSQLite, Database: "main"}
	if err := q.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&cat.Version); err != nil {
		return nil, fmt.Errorf("introspect sqlite version: %w", err)
	}
	opts.progress("sqlite: version " + cat.Version)

	if err := readSQLiteTables(ctx, q, opts, cat); err != nil {
		return nil, err
	}
	if err := readSQLiteColumns(ctx, q, opts, cat); err != nil {
		return nil, err
	}
	index := make(map[string]int, len(cat.Tables))
	for i, t := range cat.Tables {
		index[t.Name] = i
	}
	if err := readSQLiteIndexes(ctx, q, opts, cat, index); err != nil {
		return nil, err
	}
	if err := readSQLiteForeignKeys(ctx, q, opts, cat, index); err != nil {
		return nil, err
	}
	return cat, nil
}

func readSQLiteTables(ctx context.Context, q Querier, opts Options, cat *Catalog) error {
	rows, err := q.QueryContext(ctx, liteTablesSQL)
	if err != nil {
		return fmt.Errorf("introspect sqlite tables: %w", err)
	}
	for rows.Next() {
		var t Table
		var typ string
		if err := rows.Scan(&t.Name, &typ); err != nil {
			rows.Close()
			return fmt.Errorf("introspect sqlite tables: %w", err)
		}
		t.Kind = KindTable
		if typ == "view" {
			t.Kind = KindView
		}
		cat.Tables = append(cat.Tables, t)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect sqlite tables: %w", err)
	}
	sort.Slice(cat.Tables, func(i, j int) bool { return cat.Tables[i].Name < cat.Tables[j].Name })
	opts.progress(fmt.Sprintf("sqlite: read %d tables and views", len(cat.Tables)))
	return nil
}

// liteColumn is one row of pragma_table_xinfo, with its table.
type liteColumn struct {
	table   string
	cid     int
	name    string
	typ     string
	notNull bool
	dflt    sql.NullString
	pk      int
	hidden  int
}

func queryLiteColumns(ctx context.Context, q Querier, query string, args ...any) ([]liteColumn, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var cols []liteColumn
	for rows.Next() {
		var c liteColumn
		if err := rows.Scan(&c.table, &c.cid, &c.name, &c.typ, &c.notNull, &c.dflt, &c.pk, &c.hidden); err != nil {
			rows.Close()
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, closeRows(rows)
}

// isSQLiteError reports whether err is SQLite's generic SQLITE_ERROR ("no
// such table", "no such module"), the error of a relation that cannot be
// read, as opposed to a busy, corrupt or closed database.
func isSQLiteError(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 1
}

func readSQLiteColumns(ctx context.Context, q Querier, opts Options, cat *Catalog) error {
	cols, err := queryLiteColumns(ctx, q, liteColumnsSQL)
	if err != nil {
		if !isSQLiteError(err) {
			return fmt.Errorf("introspect sqlite columns: %w", err)
		}
		opts.progress(fmt.Sprintf("sqlite: %v; reading each table and view on its own", err))
		if cols, err = readSQLiteColumnsOneByOne(ctx, q, opts, cat); err != nil {
			return err
		}
	}

	index := make(map[string]int, len(cat.Tables))
	for i, t := range cat.Tables {
		index[t.Name] = i
	}
	pkPos := make(map[int][]int) // table → pk ordinal of each PK column, parallel to PrimaryKey
	n := 0
	for _, lc := range cols {
		i, ok := index[lc.table]
		if !ok || lc.hidden == 1 {
			// A shadow table, or a virtual table's hidden column (FTS5's
			// rank and the column named after the table) that SELECT *
			// leaves out.
			continue
		}
		t := &cat.Tables[i]
		c := Column{
			Name:       lc.name,
			DataType:   sqliteDataType(lc.typ),
			ColumnType: lc.typ,
			Nullable:   !lc.notNull,
			Generated:  lc.hidden == 2 || lc.hidden == 3,
		}
		if lc.dflt.Valid {
			d := lc.dflt.String
			c.Default = &d
		}
		t.Columns = append(t.Columns, c)
		if lc.pk > 0 {
			t.PrimaryKey = append(t.PrimaryKey, lc.name)
			pkPos[i] = append(pkPos[i], lc.pk)
		}
		n++
	}
	// Columns came in cid order; the key goes in its declared order.
	for i, pos := range pkPos {
		pk := cat.Tables[i].PrimaryKey
		sort.Sort(byOrdinal{pos, pk})
	}
	opts.progress(fmt.Sprintf("sqlite: read %d columns", n))
	return nil
}

// readSQLiteColumnsOneByOne reads each relation's columns with its own
// query and drops the relations SQLite cannot read.
func readSQLiteColumnsOneByOne(ctx context.Context, q Querier, opts Options, cat *Catalog) ([]liteColumn, error) {
	var all []liteColumn
	kept := cat.Tables[:0]
	for _, t := range cat.Tables {
		cols, err := queryLiteColumns(ctx, q, liteTableColumnsSQL, t.Name)
		if err != nil {
			if !isSQLiteError(err) {
				return nil, fmt.Errorf("introspect sqlite columns of %s: %w", t.Name, err)
			}
			opts.progress(fmt.Sprintf("sqlite: skipped %s %s: %v", t.Kind, t.Name, err))
			continue
		}
		all = append(all, cols...)
		kept = append(kept, t)
	}
	cat.Tables = kept
	return all, nil
}

// byOrdinal sorts key column names by their pk ordinal.
type byOrdinal struct {
	pos  []int
	cols []string
}

func (b byOrdinal) Len() int           { return len(b.pos) }
func (b byOrdinal) Less(i, j int) bool { return b.pos[i] < b.pos[j] }
func (b byOrdinal) Swap(i, j int) {
	b.pos[i], b.pos[j] = b.pos[j], b.pos[i]
	b.cols[i], b.cols[j] = b.cols[j], b.cols[i]
}

// sqliteDataType is the declared type without its "(n,m)" modifiers, lower
// case and with single spaces: "VARCHAR(20)" → "varchar", "UNSIGNED  BIG
// INT" → "unsigned big int", no type → "".
func sqliteDataType(declared string) string {
	if i := strings.IndexByte(declared, '('); i >= 0 {
		declared = declared[:i]
	}
	return strings.ToLower(strings.Join(strings.Fields(declared), " "))
}

func readSQLiteIndexes(ctx context.Context, q Querier, opts Options, cat *Catalog, index map[string]int) error {
	rows, err := q.QueryContext(ctx, liteIndexesSQL)
	if err != nil {
		return fmt.Errorf("introspect sqlite indexes: %w", err)
	}
	type key struct {
		table int
		cols  []string
		expr  bool
	}
	var keys []*key
	byName := map[[2]string]*key{}
	hasPKIndex := map[int]bool{}
	nparts := 0
	for rows.Next() {
		var table, name, origin string
		var seq int
		var col sql.NullString
		if err := rows.Scan(&table, &name, &origin, &seq, &col); err != nil {
			rows.Close()
			return fmt.Errorf("introspect sqlite indexes: %w", err)
		}
		i, ok := index[table]
		if !ok {
			continue
		}
		nparts++
		if origin == "pk" {
			hasPKIndex[i] = true
			continue
		}
		k := byName[[2]string{table, name}]
		if k == nil {
			k = &key{table: i}
			byName[[2]string{table, name}] = k
			keys = append(keys, k)
		}
		if !col.Valid {
			k.expr = true
		}
		k.cols = append(k.cols, col.String)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect sqlite indexes: %w", err)
	}
	// Rows came ordered by table and index name, so keys are in index
	// name order within each table.
	for _, k := range keys {
		if !k.expr {
			t := &cat.Tables[k.table]
			t.Uniques = appendUnique(t.Uniques, k.cols)
		}
	}

	for i := range cat.Tables {
		t := &cat.Tables[i]
		// SQLite stores a single-column INTEGER primary key as the rowid
		// and builds no index for it; every other primary key, including
		// INTEGER PRIMARY KEY DESC and any key of a WITHOUT ROWID table,
		// gets an index of origin 'pk'. The index is SQLite's own verdict,
		// where reading "WITHOUT ROWID" out of the CREATE text would miss
		// the DESC quirk. The rowid is never NULL, whatever notnull says.
		if t.Kind != KindTable || len(t.PrimaryKey) != 1 || hasPKIndex[i] {
			continue
		}
		c := t.Column(t.PrimaryKey[0])
		if c != nil && strings.EqualFold(c.ColumnType, "INTEGER") {
			c.AutoIncrement = true
			c.Nullable = false
		}
	}
	opts.progress(fmt.Sprintf("sqlite: read %d unique index columns", nparts))
	return nil
}

// foldIdent folds ASCII letters only, as SQLite compares identifiers:
// "Order" and "ORDER" are one name, "É" and "é" are two.
func foldIdent(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func readSQLiteForeignKeys(ctx context.Context, q Querier, opts Options, cat *Catalog, index map[string]int) error {
	rows, err := q.QueryContext(ctx, liteForeignKeysSQL)
	if err != nil {
		return fmt.Errorf("introspect sqlite foreign keys: %w", err)
	}
	type fkey struct {
		table    int
		id       int
		refTable string
		cols     []string
		refCols  []sql.NullString
	}
	var fks []*fkey
	byID := map[string]map[int]*fkey{}
	for rows.Next() {
		var table, refTable, from string
		var id, seq int
		var to sql.NullString
		if err := rows.Scan(&table, &id, &seq, &refTable, &from, &to); err != nil {
			rows.Close()
			return fmt.Errorf("introspect sqlite foreign keys: %w", err)
		}
		i, ok := index[table]
		if !ok {
			continue
		}
		if byID[table] == nil {
			byID[table] = map[int]*fkey{}
		}
		fk := byID[table][id]
		if fk == nil {
			fk = &fkey{table: i, id: id, refTable: refTable}
			byID[table][id] = fk
			fks = append(fks, fk)
		}
		fk.cols = append(fk.cols, from)
		fk.refCols = append(fk.refCols, to)
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("introspect sqlite foreign keys: %w", err)
	}

	folded := make(map[string]int, len(cat.Tables))
	for i, t := range cat.Tables {
		folded[foldIdent(t.Name)] = i
	}
	n := 0
	for _, fk := range fks {
		t := &cat.Tables[fk.table]
		out := ForeignKey{Name: fmt.Sprintf("fk_%s_%d", t.Name, fk.id), Columns: fk.cols, RefTable: fk.refTable}
		// REFERENCES may spell the parent and its columns in another case
		// than their declarations; the catalog uses the declared names so
		// that the schema package can match them exactly.
		var parent *Table
		if p, ok := folded[foldIdent(fk.refTable)]; ok {
			parent = &cat.Tables[p]
			out.RefTable = parent.Name
		}
		if !fk.refCols[0].Valid {
			// No column list: the parent's primary key, which SQLite checks
			// only when a row is written.
			if parent == nil || len(parent.PrimaryKey) != len(fk.cols) {
				opts.progress(fmt.Sprintf("sqlite: skipped foreign key %s of %s: it names no columns and %s has no primary key of %d columns",
					out.Name, t.Name, fk.refTable, len(fk.cols)))
				continue
			}
			out.RefColumns = append([]string(nil), parent.PrimaryKey...)
		} else {
			for _, rc := range fk.refCols {
				name := rc.String
				if parent != nil {
					for _, c := range parent.Columns {
						if foldIdent(c.Name) == foldIdent(name) {
							name = c.Name
							break
						}
					}
				}
				out.RefColumns = append(out.RefColumns, name)
			}
		}
		// Rows came ordered by table and id, so each table's keys are in id
		// order: the numbers in their names, SQLite's own order.
		t.ForeignKeys = append(t.ForeignKeys, out)
		n++
	}
	opts.progress(fmt.Sprintf("sqlite: read %d foreign keys", n))
	return nil
}
