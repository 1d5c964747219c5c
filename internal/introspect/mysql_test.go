package introspect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// readMySQLFixture loads the fixture into a fresh database, with one table,
// invoice, whose foreign key points into a second database, and reads it.
func readMySQLFixture(t *testing.T) (*Catalog, *testdb.DB, *testdb.DB) {
	t.Helper()
	// Made first so that it is dropped last, after the database that
	// references it.
	other := testdb.New(t, testdb.MySQL)
	other.Exec(t, "CREATE TABLE currency (code char(3) NOT NULL PRIMARY KEY)")
	db := testdb.New(t, testdb.MySQL)
	db.LoadFixture(t)
	db.Exec(t, "CREATE TABLE invoice (id int NOT NULL PRIMARY KEY, currency char(3),"+
		" CONSTRAINT fk_invoice_currency FOREIGN KEY (currency) REFERENCES `"+other.Name+"`.currency (code))")
	cat, err := readMySQL(context.Background(), db.SQL, Options{Database: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	return cat, db, other
}

func mysqlStr(s string) *string { return &s }

func TestMySQLCatalog(t *testing.T) {
	cat, db, _ := readMySQLFixture(t)
	if cat.Engine != EngineMySQL || cat.Database != db.Name || cat.Version == "" {
		t.Errorf("catalog header = %q %q %q", cat.Engine, cat.Database, cat.Version)
	}
	wantFlavor := "mysql"
	if strings.Contains(cat.Version, "MariaDB") {
		wantFlavor = "mariadb"
	}
	if cat.Flavor != wantFlavor {
		t.Errorf("flavor = %q for version %q", cat.Flavor, cat.Version)
	}
	var names []string
	for _, tb := range cat.Tables {
		names = append(names, tb.Name)
	}
	want := []string{"Order", "department", "event_log", "every_type", "invoice", "person", "person_names", "注文明細"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("tables = %q, want %q (byte order)", names, want)
	}
}

func TestMySQLColumns(t *testing.T) {
	cat, _, _ := readMySQLFixture(t)
	et := cat.Table("", "every_type")
	if et == nil {
		t.Fatal("every_type not read")
	}
	if et.Comment != "One column per type Quarry maps" {
		t.Errorf("table comment = %q", et.Comment)
	}
	mariaDB := cat.Flavor == "mariadb"
	// columnType is checked only where MySQL 8 and MariaDB agree (MySQL 8
	// drops integer display widths); "" means not checked.
	tests := []struct {
		col        string
		dataType   string
		columnType string
		nullable   bool
		unsigned   bool
		autoInc    bool
		generated  bool
		def        *string
	}{
		{col: "id", dataType: "bigint", unsigned: true, autoInc: true},
		{col: "c_tinyint", dataType: "tinyint", nullable: true},
		{col: "c_tinyint_u", dataType: "tinyint", unsigned: true, def: mysqlStr("7")},
		{col: "c_bool", dataType: "tinyint", columnType: "tinyint(1)", nullable: true, def: mysqlStr("1")},
		{col: "c_smallint", dataType: "smallint", nullable: true},
		{col: "c_mediumint", dataType: "mediumint", nullable: true},
		{col: "c_int", dataType: "int", def: mysqlStr("0")},
		{col: "c_int_u", dataType: "int", columnType: "int(10) unsigned zerofill", nullable: true, unsigned: true},
		{col: "c_bigint", dataType: "bigint", nullable: true, def: mysqlStr("-5")},
		{col: "c_decimal", dataType: "decimal", columnType: "decimal(10,2)", nullable: true, def: mysqlStr("1.50")},
		{col: "c_float", dataType: "float", columnType: "float", nullable: true},
		{col: "c_double", dataType: "double", columnType: "double", nullable: true},
		{col: "c_bit1", dataType: "bit", columnType: "bit(1)", nullable: true},
		{col: "c_bit8", dataType: "bit", columnType: "bit(8)", nullable: true, def: mysqlStr("b'101'")},
		{col: "c_year", dataType: "year", nullable: true, def: mysqlStr("2020")},
		{col: "c_date", dataType: "date", columnType: "date", nullable: true},
		{col: "c_datetime", dataType: "datetime", columnType: "datetime(3)", nullable: true, def: mysqlStr("'2020-01-01 00:00:00.000'")},
		{col: "c_time", dataType: "time", columnType: "time", nullable: true},
		{col: "c_char", dataType: "char", columnType: "char(3)", nullable: true},
		{col: "c_varchar", dataType: "varchar", columnType: "varchar(20)", nullable: true, def: mysqlStr("'it''s'")},
		{col: "c_tinytext", dataType: "tinytext", columnType: "tinytext", nullable: true},
		{col: "c_text", dataType: "text", columnType: "text", nullable: true},
		{col: "c_mediumtext", dataType: "mediumtext", columnType: "mediumtext", nullable: true},
		{col: "c_longtext", dataType: "longtext", columnType: "longtext", nullable: true},
		{col: "c_binary", dataType: "binary", columnType: "binary(4)", nullable: true},
		{col: "c_varbinary", dataType: "varbinary", columnType: "varbinary(16)", nullable: true},
		{col: "c_tinyblob", dataType: "tinyblob", columnType: "tinyblob", nullable: true},
		{col: "c_blob", dataType: "blob", columnType: "blob", nullable: true},
		{col: "c_mediumblob", dataType: "mediumblob", columnType: "mediumblob", nullable: true},
		{col: "c_longblob", dataType: "longblob", columnType: "longblob", nullable: true},
		{col: "c_json", dataType: "json", nullable: true},
		{col: "c_json_nn", dataType: "json", def: mysqlStr("'{}'")},
		// json_valid and more is a rule on a text column, not the JSON type.
		{col: "c_checked", dataType: "longtext", columnType: "longtext", nullable: true},
		{col: "c_enum", dataType: "enum", def: mysqlStr("'small'")},
		{col: "c_set", dataType: "set", columnType: "set('x','y''z','p(q)')", nullable: true},
		{col: "c_geometry", dataType: "geometry", columnType: "geometry", nullable: true},
		{col: "c_point", dataType: "point", columnType: "point", nullable: true},
		{col: "c_linestring", dataType: "linestring", columnType: "linestring", nullable: true},
		{col: "c_polygon", dataType: "polygon", columnType: "polygon", nullable: true},
		{col: "c_virtual", dataType: "int", nullable: true, generated: true},
		{col: "c_stored", dataType: "int", nullable: true, generated: true},
		{col: "c_null_text", dataType: "varchar", nullable: true, def: mysqlStr("'NULL'")},
		{col: "c_null_default", dataType: "varchar", nullable: true},
		{col: "c_empty", dataType: "varchar", def: mysqlStr("''")},
		{col: "c_no_default", dataType: "varchar"},
	}
	for _, tt := range tests {
		t.Run(tt.col, func(t *testing.T) {
			c := et.Column(tt.col)
			if c == nil {
				t.Fatal("not read")
			}
			if c.DataType != tt.dataType || c.Nullable != tt.nullable || c.Unsigned != tt.unsigned ||
				c.AutoIncrement != tt.autoInc || c.Generated != tt.generated {
				t.Errorf("got %+v, want %+v", *c, tt)
			}
			if tt.columnType != "" && c.ColumnType != tt.columnType {
				t.Errorf("column type = %q, want %q", c.ColumnType, tt.columnType)
			}
			if !reflect.DeepEqual(c.Default, tt.def) {
				t.Errorf("default = %s, want %s", mysqlShowPtr(c.Default), mysqlShowPtr(tt.def))
			}
		})
	}

	var order []string
	for _, c := range et.Columns {
		order = append(order, c.Name)
	}
	if len(order) != len(tests)+1 || order[0] != "id" || order[len(order)-1] != "c_no_default" || order[17] != "c_timestamp" {
		t.Errorf("columns out of ORDINAL_POSITION order: %q", order)
	}
	// MariaDB prints current_timestamp(), MySQL CURRENT_TIMESTAMP.
	if d := et.Column("c_timestamp").Default; d == nil || !strings.EqualFold(strings.TrimSuffix(*d, "()"), "current_timestamp") {
		t.Errorf("c_timestamp default = %s", mysqlShowPtr(d))
	}
	if mariaDB {
		if ct := et.Column("c_json").ColumnType; ct != "longtext" {
			t.Errorf("MariaDB JSON column type = %q, want longtext as reported", ct)
		}
	}
	if c := et.Column("c_varchar"); c.Comment != "free text, it's ünïcode" {
		t.Errorf("column comment = %q", c.Comment)
	}
	wantEnum := []string{"small", "it's", "a,b", `back\slash`, "two\nlines", "(x)", ""}
	if got := et.Column("c_enum").EnumValues; !reflect.DeepEqual(got, wantEnum) {
		t.Errorf("enum values = %q, want %q", got, wantEnum)
	}
	if got := et.Column("c_set").EnumValues; !reflect.DeepEqual(got, []string{"x", "y'z", "p(q)"}) {
		t.Errorf("set values = %q", got)
	}
	for _, c := range et.Columns {
		if c.DataType != "enum" && c.DataType != "set" && c.EnumValues != nil {
			t.Errorf("%s has enum values %q", c.Name, c.EnumValues)
		}
	}
}

func mysqlShowPtr(s *string) string {
	if s == nil {
		return "nil"
	}
	return fmt.Sprintf("%q", *s)
}

func TestMySQLRelationsAndKeys(t *testing.T) {
	cat, _, other := readMySQLFixture(t)
	kinds := map[string]string{}
	for _, tb := range cat.Tables {
		kinds[tb.Name] = tb.Kind
		if tb.Schema != "" {
			t.Errorf("%s has schema %q; a MySQL database is the schema", tb.Name, tb.Schema)
		}
	}
	for name, kind := range map[string]string{"person": KindTable, "person_names": KindView, "Order": KindTable, "注文明細": KindTable} {
		if kinds[name] != kind {
			t.Errorf("%s kind = %q, want %q", name, kinds[name], kind)
		}
	}

	view := cat.Table("", "person_names")
	if view.Comment != "" || len(view.PrimaryKey) != 0 || len(view.ForeignKeys) != 0 {
		t.Errorf("view = %+v", *view)
	}
	if c := view.Column("id"); c == nil || c.Default != nil {
		t.Errorf("view column id = %+v, want no default", c)
	}
	if c := view.Column("full_name"); c == nil || !c.Nullable {
		t.Errorf("view column full_name = %+v", c)
	}

	tests := []struct {
		table   string
		pk      []string
		uniques [][]string
		fks     []ForeignKey
	}{
		{table: "department", pk: []string{"code", "region"}, uniques: [][]string{{"name"}}},
		{
			table: "person", pk: []string{"id"},
			// One per column list, in index name order; ix_last_name is not unique.
			uniques: [][]string{{"badge"}, {"last_name", "first_name"}},
			fks: []ForeignKey{
				{Name: "fk_person_department", Columns: []string{"dept_code", "dept_region"}, RefTable: "department", RefColumns: []string{"code", "region"}},
				{Name: "fk_person_manager", Columns: []string{"manager_id"}, RefTable: "person", RefColumns: []string{"id"}},
			},
		},
		{table: "event_log"},
		{table: "Order", pk: []string{"select"}},
		{
			table: "注文明細", pk: []string{"order", "行"},
			fks: []ForeignKey{{Name: "fk_注文", Columns: []string{"order"}, RefTable: "Order", RefColumns: []string{"select"}}},
		},
		{
			table: "invoice", pk: []string{"id"},
			fks: []ForeignKey{{Name: "fk_invoice_currency", Columns: []string{"currency"}, RefSchema: other.Name, RefTable: "currency", RefColumns: []string{"code"}}},
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
				t.Errorf("foreign keys = %+v, want %+v", tb.ForeignKeys, tt.fks)
			}
		})
	}

	order := cat.Table("", "Order")
	if order.Comment != "a reserved word" {
		t.Errorf("Order comment = %q", order.Comment)
	}
	var cols []string
	for _, c := range order.Columns {
		cols = append(cols, c.Name)
	}
	if !reflect.DeepEqual(cols, []string{"select", "Customer Name", "größe", "from"}) {
		t.Errorf("Order columns = %q", cols)
	}
	if c := order.Column("select"); !c.AutoIncrement || c.Nullable {
		t.Errorf("`select` = %+v", *c)
	}
	if c := order.Column("Customer Name"); c.Comment != "who" {
		t.Errorf("`Customer Name` comment = %q", c.Comment)
	}
}

// TestMySQLCaseDistinctTables checks that `Order` and `order`, two tables on
// a case-sensitive server, stay two tables with their own columns.
func TestMySQLCaseDistinctTables(t *testing.T) {
	db := testdb.New(t, testdb.MySQL)
	var lower int
	if err := db.SQL.QueryRow("SELECT @@lower_case_table_names").Scan(&lower); err != nil {
		t.Fatal(err)
	}
	if lower != 0 {
		t.Skipf("lower_case_table_names = %d: table names are not case-sensitive here", lower)
	}
	db.Exec(t, "CREATE TABLE `order` (a int, b int); CREATE TABLE `Order` (x int PRIMARY KEY); CREATE TABLE `ORDER` (p int, q int, r int)")
	cat, err := readMySQL(context.Background(), db.SQL, Options{Database: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	var names []string
	for _, tb := range cat.Tables {
		got[tb.Name] = len(tb.Columns)
		names = append(names, tb.Name)
	}
	if !reflect.DeepEqual(got, map[string]int{"order": 2, "Order": 1, "ORDER": 3}) || !sort.StringsAreSorted(names) {
		t.Errorf("tables and column counts = %v in order %q", got, names)
	}
	if pk := cat.Table("", "Order").PrimaryKey; !reflect.DeepEqual(pk, []string{"x"}) {
		t.Errorf("Order PK = %q", pk)
	}
}

func TestMySQLChinook(t *testing.T) {
	db := testdb.New(t, testdb.MySQL)
	db.LoadChinook(t, false)
	cat, err := readMySQL(context.Background(), db.SQL, Options{Database: db.Name})
	if err != nil {
		t.Fatal(err)
	}
	assertChinookShape(t, cat)
	if pt := cat.Table("", "PlaylistTrack"); !reflect.DeepEqual(pt.PrimaryKey, []string{"PlaylistId", "TrackId"}) {
		t.Errorf("PlaylistTrack PK = %q", pt.PrimaryKey)
	}
	emp := cat.Table("", "Employee")
	want := []ForeignKey{{Name: "FK_EmployeeReportsTo", Columns: []string{"ReportsTo"}, RefTable: "Employee", RefColumns: []string{"EmployeeId"}}}
	if !reflect.DeepEqual(emp.ForeignKeys, want) {
		t.Errorf("Employee FKs = %+v, want the self-reference on ReportsTo", emp.ForeignKeys)
	}
	if c := cat.Table("", "Album").Column("AlbumId"); c.DataType != "int" || c.Nullable || c.AutoIncrement {
		t.Errorf("Album.AlbumId = %+v", *c)
	}
	if c := cat.Table("", "Track").Column("UnitPrice"); c.DataType != "decimal" || c.ColumnType != "decimal(10,2)" {
		t.Errorf("Track.UnitPrice = %+v", *c)
	}
}

// mysqlManyTables makes n tables that each have a key, a unique index, a
// foreign key to the one before, an enum and a JSON column, so that every
// catalog query returns rows.
func mysqlManyTables(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%02d (id int PRIMARY KEY, code varchar(10) UNIQUE, state enum('a','b'), doc json, prev int", i)
		if i > 0 {
			fmt.Fprintf(&b, ", CONSTRAINT fk_t%02d FOREIGN KEY (prev) REFERENCES t%02d (id)", i, i-1)
		}
		b.WriteString(");\n")
	}
	return b.String()
}

func TestMySQLQueryCountIsConstant(t *testing.T) {
	count := func(n int) (int, *Catalog) {
		t.Helper()
		db := testdb.New(t, testdb.MySQL)
		db.Exec(t, mysqlManyTables(n))
		cq := &countingQuerier{q: db.SQL}
		var progress []string
		cat, err := readMySQL(context.Background(), cq, Options{Database: db.Name, Progress: func(m string) { progress = append(progress, m) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(cat.Tables) != n {
			t.Fatalf("read %d tables, want %d", len(cat.Tables), n)
		}
		nfk := 0
		for _, tb := range cat.Tables {
			nfk += len(tb.ForeignKeys)
			if c := tb.Column("doc"); c.DataType != "json" {
				t.Errorf("%s.doc data type = %q", tb.Name, c.DataType)
			}
		}
		if nfk != n-1 {
			t.Errorf("foreign keys = %d, want %d", nfk, n-1)
		}
		if len(progress) != len(cq.queries) {
			t.Errorf("%d progress lines for %d queries: %q", len(progress), len(cq.queries), progress)
		}
		for i, q := range cq.queries {
			// The database name is bound, never spliced into the SQL.
			if strings.Contains(q, db.Name) {
				t.Errorf("query %d contains the database name:\n%s", i, q)
			}
			for _, a := range cq.args[i] {
				if a != db.Name {
					t.Errorf("query %d binds %v, want only the database name", i, a)
				}
			}
			if len(cq.args[i]) == 0 && !strings.Contains(q, "VERSION()") {
				t.Errorf("query %d binds nothing:\n%s", i, q)
			}
		}
		return len(cq.queries), cat
	}
	few, cat := count(3)
	many, _ := count(30)
	if few != many {
		t.Errorf("3 tables cost %d queries, 30 tables %d", few, many)
	}
	want := 5
	if cat.Flavor == "mariadb" {
		want = 6 // plus CHECK_CONSTRAINTS, for JSON columns
	}
	if few != want {
		t.Errorf("queries = %d, want %d", few, want)
	}
}

func TestMySQLErrorsSayWhichQuery(t *testing.T) {
	db := testdb.New(t, testdb.MySQL)
	db.Exec(t, mysqlManyTables(2))
	var version string
	if err := db.SQL.QueryRow("SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ match, prefix string }{
		{"information_schema.TABLES", "introspect mysql tables: "},
		{"information_schema.COLUMNS", "introspect mysql columns: "},
		{"information_schema.STATISTICS", "introspect mysql keys: "},
		{"information_schema.KEY_COLUMN_USAGE", "introspect mysql foreign keys: "},
	}
	if strings.Contains(version, "MariaDB") {
		tests = append(tests, struct{ match, prefix string }{"information_schema.CHECK_CONSTRAINTS", "introspect mysql json checks: "})
	}
	boom := errors.New("boom")
	for _, tt := range tests {
		t.Run(tt.match, func(t *testing.T) {
			q := failingQuerier{Querier: db.SQL, match: tt.match, err: boom}
			_, err := readMySQL(context.Background(), q, Options{Database: db.Name})
			if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), tt.prefix) {
				t.Errorf("err = %v, want %q wrapping the cause", err, tt.prefix)
			}
		})
	}
}

func TestMySQLParseEnumValues(t *testing.T) {
	tests := []struct {
		columnType string
		want       []string
	}{
		{"enum('a','b')", []string{"a", "b"}},
		{"set('x','y')", []string{"x", "y"}},
		{"enum('it''s','a,b','(c)')", []string{"it's", "a,b", "(c)"}},
		{`enum('back\\slash','two\nlines','nul\0','q\'q')`, []string{`back\slash`, "two\nlines", "nul\x00", "q'q"}},
		{"enum('')", []string{""}},
		{"enum('''')", []string{"'"}},
		{"enum('ü','日本')", []string{"ü", "日本"}},
		{"enum('a') /*M!100301 COMPRESSED*/", []string{"a"}},
		{"varchar(10)", []string{}},
		{"enum", nil},
	}
	for _, tt := range tests {
		if got := parseMySQLEnumValues(tt.columnType); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseMySQLEnumValues(%q) = %q, want %q", tt.columnType, got, tt.want)
		}
	}
}

func TestMySQLDefaultSpelling(t *testing.T) {
	maria := parseMySQLVersion("10.11.6-MariaDB-0+deb12u1")
	oldMaria := parseMySQLVersion("10.1.48-MariaDB")
	mysql8 := parseMySQLVersion("8.0.36")
	null := sql.NullString{}
	v := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	tests := []struct {
		name     string
		srv      mysqlVersion
		dataType string
		extra    string
		def      sql.NullString
		want     *string
	}{
		{"maria no default", maria, "varchar", "", null, nil},
		{"maria DEFAULT NULL", maria, "varchar", "", v("NULL"), nil},
		{"maria string NULL", maria, "varchar", "", v("'NULL'"), mysqlStr("'NULL'")},
		{"maria string", maria, "varchar", "", v("'it''s'"), mysqlStr("'it''s'")},
		{"maria number", maria, "int", "", v("0"), mysqlStr("0")},
		{"maria expression", maria, "timestamp", "on update current_timestamp()", v("current_timestamp()"), mysqlStr("current_timestamp()")},
		{"mysql no default", mysql8, "varchar", "", null, nil},
		{"mysql string NULL", mysql8, "varchar", "", v("NULL"), mysqlStr("'NULL'")},
		{"mysql string", mysql8, "varchar", "", v("it's"), mysqlStr("'it''s'")},
		{"mysql escapes", mysql8, "varchar", "", v("a\\b\nc"), mysqlStr(`'a\\b\nc'`)},
		{"mysql empty", mysql8, "char", "", v(""), mysqlStr("''")},
		{"mysql number", mysql8, "decimal", "", v("1.50"), mysqlStr("1.50")},
		{"mysql year", mysql8, "year", "", v("2020"), mysqlStr("2020")},
		{"mysql enum", mysql8, "enum", "", v("small"), mysqlStr("'small'")},
		{"mysql date", mysql8, "datetime", "", v("2020-01-01 00:00:00"), mysqlStr("'2020-01-01 00:00:00'")},
		{"mysql bit", mysql8, "bit", "", v("b'101'"), mysqlStr("b'101'")},
		{"mysql hex binary", mysql8, "varbinary", "", v("0x6869"), mysqlStr("0x6869")},
		{"mysql 5.7 now", mysql8, "timestamp", "on update CURRENT_TIMESTAMP", v("CURRENT_TIMESTAMP"), mysqlStr("CURRENT_TIMESTAMP")},
		{"mysql 8 expression", mysql8, "varchar", "DEFAULT_GENERATED", v(`concat(_utf8mb4\'a\',_utf8mb4\'b\')`), mysqlStr("concat(_utf8mb4'a',_utf8mb4'b')")},
		{"old maria bare literal", oldMaria, "varchar", "", v("abc"), mysqlStr("'abc'")},
	}
	for _, tt := range tests {
		got := mysqlDefault(tt.srv, tt.dataType, tt.extra, tt.def)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %s, want %s", tt.name, mysqlShowPtr(got), mysqlShowPtr(tt.want))
		}
	}
}

func TestMySQLHelpers(t *testing.T) {
	for extra, want := range map[string]bool{
		"VIRTUAL GENERATED": true, "STORED GENERATED": true, "PERSISTENT": true, "VIRTUAL": true,
		"DEFAULT_GENERATED": false, "DEFAULT_GENERATED on update CURRENT_TIMESTAMP": false,
		"auto_increment": false, "": false, "INVISIBLE": false,
	} {
		if got := mysqlGenerated(extra); got != want {
			t.Errorf("mysqlGenerated(%q) = %v", extra, got)
		}
	}
	for clause, want := range map[string]string{
		"json_valid(`doc`)":      "doc",
		"JSON_VALID(`doc`)":      "doc",
		"json_valid(`we``ird`)":  "we`ird",
		"json_valid(`größe`)":    "größe",
		"json_valid(`a`) and 1":  "",
		"json_valid(`a`) or `b`": "",
		"json_valid(`a`,`b`)":    "",
		"octet_length(`a`) > 2":  "",
	} {
		got, ok := jsonValidColumn(clause)
		if got != want || ok != (want != "") {
			t.Errorf("jsonValidColumn(%q) = %q, %v", clause, got, ok)
		}
	}
	tests := []struct {
		version string
		mariaDB bool
		parts   [3]int
	}{
		{"10.11.6-MariaDB-0+deb12u1", true, [3]int{10, 11, 6}},
		{"5.5.5-10.4.3-MariaDB-log", true, [3]int{10, 4, 3}},
		{"8.0.36", false, [3]int{8, 0, 36}},
		{"8.4.0-log", false, [3]int{8, 4, 0}},
		{"5.7", false, [3]int{5, 7, 0}},
	}
	for _, tt := range tests {
		if got := parseMySQLVersion(tt.version); got.mariaDB != tt.mariaDB || got.parts != tt.parts {
			t.Errorf("parseMySQLVersion(%q) = %+v", tt.version, got)
		}
	}
	if v := parseMySQLVersion("10.2.7-MariaDB"); !v.atLeast(10, 2, 7) || v.atLeast(10, 2, 8) || !v.atLeast(5, 9, 9) || v.atLeast(10, 3, 0) {
		t.Errorf("atLeast is wrong for %+v", v)
	}
}
