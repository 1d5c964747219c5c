package introspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

func readSQLiteFixture(t *testing.T) (*Catalog, []string) {
	t.Helper()
	db := testdb.New(t, testdb.SQLite)
	db.LoadFixture(t)
	// A TEMP table shadows main's table of the same name in unqualified
	// lookups; the reader must still see main's.
	db.Exec(t, "CREATE TEMP TABLE person (shadow INT)")
	var progress []string
	cat, err := readSQLite(context.Background(), db.SQL, Options{Progress: func(m string) { progress = append(progress, m) }})
	if err != nil {
		t.Fatal(err)
	}
	return cat, progress
}

func sqliteStr(s string) *string { return &s }

func sqliteShowPtr(s *string) string {
	if s == nil {
		return "nil"
	}
	return fmt.Sprintf("%q", *s)
}

func TestSQLiteCatalog(t *testing.T) {
	cat, _ := readSQLiteFixture(t)
	if cat.Engine != EngineSQLite || cat.Database != "main" || cat.Version == "" || cat.Flavor != "" || cat.Schemas != nil {
		t.Errorf("catalog header = %q %q %q %q %q", cat.Engine, cat.Database, cat.Version, cat.Flavor, cat.Schemas)
	}
	var names []string
	for _, tb := range cat.Tables {
		names = append(names, tb.Name)
	}
	// Byte order; no sqlite_sequence (from AUTOINCREMENT), no FTS5 shadow
	// tables, no TEMP table; sqlitex is the user's own.
	want := []string{"Order", "assignment", "code_list", "counter", "dangling", "department", "descending",
		"doc_search", "event_log", "every_type", "int_key", "person", "person_names", "sqlitex", "strict_key",
		"text_key", "注文明細"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("tables = %q\nwant     %q", names, want)
	}
}

func TestSQLiteColumns(t *testing.T) {
	cat, _ := readSQLiteFixture(t)
	et := cat.Table("", "every_type")
	if et == nil {
		t.Fatal("every_type not read")
	}
	tests := []struct {
		col        string
		dataType   string
		columnType string
		nullable   bool
		autoInc    bool
		generated  bool
		def        *string
	}{
		{col: "id", dataType: "integer", columnType: "INTEGER", autoInc: true},
		{col: "c_text", dataType: "text", columnType: "TEXT", def: sqliteStr("'it''s'")},
		{col: "c_real", dataType: "real", columnType: "REAL", nullable: true, def: sqliteStr("1.5")},
		{col: "c_numeric", dataType: "numeric", columnType: "NUMERIC", nullable: true},
		{col: "c_blob", dataType: "blob", columnType: "BLOB", nullable: true},
		{col: "c_boolean", dataType: "boolean", columnType: "BOOLEAN", nullable: true, def: sqliteStr("TRUE")},
		{col: "c_date", dataType: "date", columnType: "DATE", nullable: true},
		{col: "c_datetime", dataType: "datetime", columnType: "DATETIME", nullable: true, def: sqliteStr("CURRENT_TIMESTAMP")},
		{col: "c_varchar", dataType: "varchar", columnType: "VARCHAR(20)", nullable: true},
		{col: "c_decimal", dataType: "decimal", columnType: "DECIMAL(10, 2)", nullable: true, def: sqliteStr("0")},
		{col: "c_json", dataType: "json", columnType: "JSON", nullable: true},
		{col: "c_untyped", dataType: "", columnType: "", nullable: true},
		{col: "c_nvarchar", dataType: "nvarchar", columnType: "nvarchar(40)", nullable: true},
		{col: "c_big", dataType: "unsigned big int", columnType: "UNSIGNED  BIG INT", nullable: true},
		{col: "c_null_text", dataType: "text", columnType: "TEXT", nullable: true, def: sqliteStr("'NULL'")},
		{col: "c_null_default", dataType: "text", columnType: "TEXT", nullable: true, def: sqliteStr("NULL")},
		{col: "c_virtual", dataType: "integer", columnType: "INTEGER", nullable: true, generated: true},
		{col: "c_stored", dataType: "text", columnType: "TEXT", generated: true},
	}
	for _, tt := range tests {
		t.Run(tt.col, func(t *testing.T) {
			c := et.Column(tt.col)
			if c == nil {
				t.Fatal("not read")
			}
			if c.DataType != tt.dataType || c.ColumnType != tt.columnType || c.Nullable != tt.nullable ||
				c.AutoIncrement != tt.autoInc || c.Generated != tt.generated {
				t.Errorf("got %+v, want %+v", *c, tt)
			}
			if !reflect.DeepEqual(c.Default, tt.def) {
				t.Errorf("default = %s, want %s", sqliteShowPtr(c.Default), sqliteShowPtr(tt.def))
			}
			if c.Comment != "" || c.Unsigned || c.EnumValues != nil || c.ArrayDims != 0 {
				t.Errorf("SQLite has no comments, unsigned, enums or arrays: %+v", *c)
			}
		})
	}
	var order []string
	for _, c := range et.Columns {
		order = append(order, c.Name)
	}
	var want []string
	for _, tt := range tests {
		want = append(want, tt.col)
	}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("columns = %q, want declaration order %q", order, want)
	}
}

// TestSQLiteRowidAndNullability checks the primary keys that SQLite treats
// differently: only a lone INTEGER key of a rowid table is the rowid, and
// only there, in WITHOUT ROWID and STRICT tables is a key column never NULL.
func TestSQLiteRowidAndNullability(t *testing.T) {
	cat, _ := readSQLiteFixture(t)
	tests := []struct {
		table, col string
		autoInc    bool
		nullable   bool
		why        string
	}{
		{"every_type", "id", true, false, "INTEGER PRIMARY KEY is the rowid"},
		{"counter", "id", true, false, "lower-case integer with AUTOINCREMENT is the rowid too"},
		{"Order", "select", true, false, "a reserved word is still the rowid"},
		{"code_list", "id", false, false, "a WITHOUT ROWID table has no rowid; its key is NOT NULL"},
		{"descending", "id", false, true, "INTEGER PRIMARY KEY DESC is not the rowid, and may hold NULL"},
		{"int_key", "id", false, true, "INT is not INTEGER; a rowid table's key may hold NULL"},
		{"text_key", "code", false, true, "a rowid table's key may hold NULL"},
		{"strict_key", "code", false, false, "a STRICT table's key is NOT NULL"},
		{"department", "code", false, false, "declared NOT NULL; part of a composite key"},
		{"注文明細", "order", false, false, "part of a composite key"},
	}
	for _, tt := range tests {
		t.Run(tt.table+"."+tt.col, func(t *testing.T) {
			tb := cat.Table("", tt.table)
			if tb == nil {
				t.Fatal("table not read")
			}
			c := tb.Column(tt.col)
			if c == nil {
				t.Fatal("column not read")
			}
			if c.AutoIncrement != tt.autoInc || c.Nullable != tt.nullable {
				t.Errorf("autoIncrement=%v nullable=%v, want %v %v: %s", c.AutoIncrement, c.Nullable, tt.autoInc, tt.nullable, tt.why)
			}
		})
	}
}

func TestSQLiteRelationsAndKeys(t *testing.T) {
	cat, progress := readSQLiteFixture(t)
	kinds := map[string]string{}
	for _, tb := range cat.Tables {
		kinds[tb.Name] = tb.Kind
		if tb.Schema != "" || tb.Comment != "" {
			t.Errorf("%s has schema %q, comment %q", tb.Name, tb.Schema, tb.Comment)
		}
	}
	for name, kind := range map[string]string{"person": KindTable, "person_names": KindView, "doc_search": KindTable, "Order": KindTable} {
		if kinds[name] != kind {
			t.Errorf("%s kind = %q, want %q", name, kinds[name], kind)
		}
	}

	view := cat.Table("", "person_names")
	if len(view.PrimaryKey) != 0 || len(view.Uniques) != 0 || len(view.ForeignKeys) != 0 {
		t.Errorf("view = %+v", *view)
	}
	if c := view.Column("id"); c == nil || c.AutoIncrement || c.DataType != "integer" {
		t.Errorf("view column id = %+v", c)
	}
	if c := view.Column("full_name"); c == nil || !c.Nullable || c.DataType != "" {
		t.Errorf("view column full_name = %+v", c)
	}

	// The TEMP person table has one column; main's has eight.
	if n := len(cat.Table("", "person").Columns); n != 8 {
		t.Errorf("person has %d columns, want main's 8", n)
	}

	// FTS5's hidden columns (doc_search, rank) are left out, as SELECT * does.
	var ftsCols []string
	for _, c := range cat.Table("", "doc_search").Columns {
		ftsCols = append(ftsCols, c.Name)
	}
	if !reflect.DeepEqual(ftsCols, []string{"title", "body"}) {
		t.Errorf("doc_search columns = %q", ftsCols)
	}

	personPK := ForeignKey{RefTable: "person", RefColumns: []string{"id"}}
	tests := []struct {
		table   string
		pk      []string
		uniques [][]string
		fks     []ForeignKey
	}{
		{table: "department", pk: []string{"code", "region"}, uniques: [][]string{{"name"}}},
		{
			table: "person", pk: []string{"id"},
			// In index name order, sqlite_autoindex_person_1 (the UNIQUE
			// column) first; ux_badge_again repeats badge, ix_last_name is
			// not unique, ux_badge_lower is on an expression, ux_first_name
			// is partial.
			uniques: [][]string{{"badge"}, {"last_name", "first_name"}},
			// SQLite numbers foreign keys from the last declared.
			fks: []ForeignKey{
				{Name: "fk_person_0", Columns: []string{"dept_code", "dept_region"}, RefTable: "department", RefColumns: []string{"code", "region"}},
				// REFERENCES Person, no columns: person's primary key, by its declared name.
				{Name: "fk_person_1", Columns: []string{"buddy_id"}, RefTable: personPK.RefTable, RefColumns: personPK.RefColumns},
				{Name: "fk_person_2", Columns: []string{"manager_id"}, RefTable: personPK.RefTable, RefColumns: personPK.RefColumns},
			},
		},
		{
			table: "assignment",
			fks: []ForeignKey{
				// A composite key that names no parent columns: department's (code, region).
				{Name: "fk_assignment_0", Columns: []string{"dept_code", "dept_region"}, RefTable: "department", RefColumns: []string{"code", "region"}},
				// REFERENCES PERSON (ID): spelled as declared.
				{Name: "fk_assignment_1", Columns: []string{"person_id"}, RefTable: personPK.RefTable, RefColumns: personPK.RefColumns},
			},
		},
		{table: "event_log"},
		{table: "code_list", pk: []string{"id"}},
		{table: "Order", pk: []string{"select"}},
		{
			table: "注文明細", pk: []string{"order", "行"},
			fks: []ForeignKey{{Name: "fk_注文明細_0", Columns: []string{"order"}, RefTable: "Order", RefColumns: []string{"select"}}},
		},
		{
			// x and w name no columns of a parent with no primary key to
			// stand for them; y's parent is missing, but says which column.
			table: "dangling",
			fks:   []ForeignKey{{Name: "fk_dangling_1", Columns: []string{"y"}, RefTable: "nowhere", RefColumns: []string{"z"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			tb := cat.Table("", tt.table)
			if tb == nil {
				t.Fatal("not read")
			}
			if !reflect.DeepEqual(tb.PrimaryKey, tt.pk) {
				t.Errorf("PK = %q, want %q", tb.PrimaryKey, tt.pk)
			}
			if !reflect.DeepEqual(tb.Uniques, tt.uniques) {
				t.Errorf("uniques = %q, want %q", tb.Uniques, tt.uniques)
			}
			if !reflect.DeepEqual(tb.ForeignKeys, tt.fks) {
				t.Errorf("foreign keys = %+v\nwant %+v", tb.ForeignKeys, tt.fks)
			}
		})
	}

	var skipped []string
	for _, p := range progress {
		if strings.Contains(p, "skipped foreign key") {
			skipped = append(skipped, p)
		}
	}
	if len(skipped) != 2 || !strings.Contains(skipped[0], "fk_dangling_0") || !strings.Contains(skipped[1], "fk_dangling_2") {
		t.Errorf("progress should report the two unresolvable foreign keys: %q", skipped)
	}

	order := cat.Table("", "Order")
	var cols []string
	for _, c := range order.Columns {
		cols = append(cols, c.Name)
	}
	if !reflect.DeepEqual(cols, []string{"select", "Customer Name", "größe", "from"}) {
		t.Errorf("Order columns = %q", cols)
	}
	if c := order.Column("größe"); c.DataType != "int" || c.AutoIncrement {
		t.Errorf("größe = %+v", *c)
	}
}

// TestSQLiteUnreadableRelations checks that a view over a dropped table,
// which SQLite lets exist but cannot query, is left out with a progress line
// rather than failing the whole catalog.
func TestSQLiteUnreadableRelations(t *testing.T) {
	db := testdb.New(t, testdb.SQLite)
	db.Exec(t, `CREATE TABLE keep (id INTEGER PRIMARY KEY, name TEXT UNIQUE, parent INTEGER REFERENCES keep);
CREATE TABLE gone (x);
CREATE VIEW broken AS SELECT x FROM gone;
CREATE VIEW fine AS SELECT id, name FROM keep;
DROP TABLE gone;`)
	var progress []string
	cat, err := readSQLite(context.Background(), db.SQL, Options{Progress: func(m string) { progress = append(progress, m) }})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range cat.Tables {
		names = append(names, tb.Name)
	}
	if !reflect.DeepEqual(names, []string{"fine", "keep"}) {
		t.Errorf("tables = %q, want the broken view left out", names)
	}
	keep := cat.Table("", "keep")
	if len(keep.Columns) != 3 || !reflect.DeepEqual(keep.Uniques, [][]string{{"name"}}) || len(keep.ForeignKeys) != 1 {
		t.Errorf("keep = %+v", *keep)
	}
	if len(cat.Table("", "fine").Columns) != 2 {
		t.Errorf("fine = %+v", *cat.Table("", "fine"))
	}
	if !strings.Contains(strings.Join(progress, "\n"), "skipped view broken") {
		t.Errorf("progress does not name the skipped view: %q", progress)
	}
}

// TestSQLiteMissingModule checks that a virtual table whose module this
// build lacks is left out, as a broken view is.
func TestSQLiteMissingModule(t *testing.T) {
	db := testdb.New(t, testdb.SQLite)
	db.Exec(t, `CREATE TABLE keep (id INTEGER PRIMARY KEY);
PRAGMA writable_schema = ON;
INSERT INTO sqlite_schema (type, name, tbl_name, rootpage, sql)
  VALUES ('table', 'vt', 'vt', 0, 'CREATE VIRTUAL TABLE vt USING no_such_module(a, b)');
PRAGMA writable_schema = OFF;`)
	// A fresh connection, so that SQLite parses the schema with vt in it.
	path := strings.TrimPrefix(db.URI, "sqlite://")
	conn, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var progress []string
	cat, err := readSQLite(context.Background(), conn, Options{Progress: func(m string) { progress = append(progress, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Tables) != 1 || cat.Tables[0].Name != "keep" || !cat.Tables[0].Columns[0].AutoIncrement {
		t.Errorf("tables = %+v, want keep alone", cat.Tables)
	}
	if !strings.Contains(strings.Join(progress, "\n"), "skipped table vt") {
		t.Errorf("progress does not name the skipped table: %q", progress)
	}
}

func TestSQLiteChinook(t *testing.T) {
	db := testdb.New(t, testdb.SQLite)
	db.LoadChinook(t, false)
	cat, err := readSQLite(context.Background(), db.SQL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	assertChinookShape(t, cat)
	pt := cat.Table("", "PlaylistTrack")
	if !reflect.DeepEqual(pt.PrimaryKey, []string{"PlaylistId", "TrackId"}) {
		t.Errorf("PlaylistTrack PK = %q", pt.PrimaryKey)
	}
	for _, c := range pt.Columns {
		if c.AutoIncrement || c.Nullable {
			t.Errorf("PlaylistTrack.%s = %+v; a composite key is not the rowid", c.Name, c)
		}
	}
	emp := cat.Table("", "Employee")
	want := []ForeignKey{{Name: "fk_Employee_0", Columns: []string{"ReportsTo"}, RefTable: "Employee", RefColumns: []string{"EmployeeId"}}}
	if !reflect.DeepEqual(emp.ForeignKeys, want) {
		t.Errorf("Employee FKs = %+v, want the self-reference on ReportsTo", emp.ForeignKeys)
	}
	// A table-level PRIMARY KEY on one INTEGER column is the rowid too.
	if c := cat.Table("", "Album").Column("AlbumId"); c.DataType != "integer" || c.Nullable || !c.AutoIncrement {
		t.Errorf("Album.AlbumId = %+v", *c)
	}
	if c := cat.Table("", "Track").Column("UnitPrice"); c.DataType != "numeric" || c.ColumnType != "NUMERIC(10,2)" || c.Nullable {
		t.Errorf("Track.UnitPrice = %+v", *c)
	}
	if c := cat.Table("", "Customer").Column("Company"); c.DataType != "nvarchar" || c.ColumnType != "NVARCHAR(80)" || !c.Nullable {
		t.Errorf("Customer.Company = %+v", *c)
	}
}

// sqliteManyTables makes n tables that each have a key, a unique index and
// a foreign key to the one before, and a view over each, so that every
// catalog query returns rows.
func sqliteManyTables(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%02d (id INTEGER PRIMARY KEY, code TEXT UNIQUE, prev INTEGER", i)
		if i > 0 {
			fmt.Fprintf(&b, " REFERENCES t%02d (id)", i-1)
		}
		fmt.Fprintf(&b, ");\nCREATE VIEW v%02d AS SELECT id, code FROM t%02d;\n", i, i)
	}
	return b.String()
}

func TestSQLiteQueryCountIsConstant(t *testing.T) {
	count := func(n int) int {
		t.Helper()
		db := testdb.New(t, testdb.SQLite)
		db.Exec(t, sqliteManyTables(n))
		cq := &countingQuerier{q: db.SQL}
		var progress []string
		cat, err := readSQLite(context.Background(), cq, Options{Progress: func(m string) { progress = append(progress, m) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(cat.Tables) != 2*n {
			t.Fatalf("read %d tables and views, want %d", len(cat.Tables), 2*n)
		}
		nfk, nuq := 0, 0
		for _, tb := range cat.Tables {
			nfk += len(tb.ForeignKeys)
			nuq += len(tb.Uniques)
		}
		if nfk != n-1 || nuq != n {
			t.Errorf("foreign keys = %d, uniques = %d, want %d and %d", nfk, nuq, n-1, n)
		}
		if len(progress) != len(cq.queries) {
			t.Errorf("%d progress lines for %d queries: %q", len(progress), len(cq.queries), progress)
		}
		return len(cq.queries)
	}
	few := count(3)
	many := count(30)
	if few != many {
		t.Errorf("3 tables cost %d queries, 30 tables %d", few, many)
	}
	if few != 5 {
		t.Errorf("queries = %d, want 5", few)
	}
}

func TestSQLiteErrorsSayWhichQuery(t *testing.T) {
	db := testdb.New(t, testdb.SQLite)
	db.Exec(t, sqliteManyTables(2))
	tests := []struct{ match, prefix string }{
		{"pragma_table_list", "introspect sqlite tables: "},
		{"pragma_table_xinfo", "introspect sqlite columns: "},
		{"pragma_index_list", "introspect sqlite indexes: "},
		{"pragma_foreign_key_list", "introspect sqlite foreign keys: "},
	}
	boom := errors.New("boom")
	for _, tt := range tests {
		t.Run(tt.match, func(t *testing.T) {
			q := failingQuerier{Querier: db.SQL, match: tt.match, err: boom}
			_, err := readSQLite(context.Background(), q, Options{})
			if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), tt.prefix) {
				t.Errorf("err = %v, want %q wrapping the cause", err, tt.prefix)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readSQLite(ctx, db.SQL, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: err = %v", err)
	}
}

func TestSQLiteDataType(t *testing.T) {
	tests := []struct{ declared, want string }{
		{"INTEGER", "integer"},
		{"NVARCHAR(160)", "nvarchar"},
		{"NUMERIC(10,2)", "numeric"},
		{"DECIMAL( 10 , 2 )", "decimal"},
		{"VARCHAR (20)", "varchar"},
		{"DateTime", "datetime"},
		{"UNSIGNED  BIG INT", "unsigned big int"},
		{"double precision", "double precision"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sqliteDataType(tt.declared); got != tt.want {
			t.Errorf("sqliteDataType(%q) = %q, want %q", tt.declared, got, tt.want)
		}
	}
}

func TestSQLiteFoldIdent(t *testing.T) {
	if foldIdent("Order") != foldIdent("ORDER") || foldIdent("Größe") != "größe" || foldIdent("É") == foldIdent("é") {
		t.Errorf("foldIdent must fold ASCII letters only, as SQLite does")
	}
}
