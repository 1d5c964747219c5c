package introspect

import (
	"context"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

func readPostgresFixture(t *testing.T) *Catalog {
	t.Helper()
	db := testdb.New(t, testdb.Postgres)
	db.LoadFixture(t)
	cat, err := readPostgres(context.Background(), db.SQL, Options{Schemas: []string{"public", "sales"}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestPostgresColumns(t *testing.T) {
	cat := readPostgresFixture(t)
	et := cat.Table("public", "every_type")
	if et == nil {
		t.Fatal("every_type not read")
	}
	if et.Comment != "One column per type Quarry maps" {
		t.Errorf("table comment = %q", et.Comment)
	}
	tests := []struct {
		col       string
		dataType  string
		nullable  bool
		dims      int
		autoInc   bool
		generated bool
		enumType  string
		domain    string
	}{
		{col: "id", dataType: "int8", autoInc: true},
		{col: "c_integer", dataType: "int4"},
		{col: "c_serial", dataType: "int4", autoInc: true},
		{col: "c_smallserial", dataType: "int2", autoInc: true},
		{col: "c_numeric", dataType: "numeric", nullable: true},
		{col: "c_char", dataType: "bpchar", nullable: true},
		{col: "c_timestamptz", dataType: "timestamptz", nullable: true},
		{col: "c_timetz", dataType: "timetz", nullable: true},
		{col: "c_mood", dataType: "mood", nullable: true, enumType: "mood"},
		{col: "c_status", dataType: "status", nullable: true, enumType: "sales.status"},
		{col: "c_int_array", dataType: "int4", nullable: true, dims: 1},
		{col: "c_text_array_nn", dataType: "text", dims: 1},
		{col: "c_matrix", dataType: "int4", nullable: true, dims: 2},
		{col: "c_mood_array", dataType: "mood", nullable: true, dims: 1, enumType: "mood"},
		{col: "c_domain", dataType: "int4", nullable: true, domain: "positive_int"},
		{col: "c_email", dataType: "text", nullable: false, domain: "email_text"},
		{col: "c_generated", dataType: "int4", nullable: true, generated: true},
	}
	for _, tt := range tests {
		c := et.Column(tt.col)
		if c == nil {
			t.Errorf("%s: not read", tt.col)
			continue
		}
		if c.DataType != tt.dataType || c.Nullable != tt.nullable || c.ArrayDims != tt.dims ||
			c.AutoIncrement != tt.autoInc || c.Generated != tt.generated || c.EnumType != tt.enumType || c.Domain != tt.domain {
			t.Errorf("%s = %+v, want %+v", tt.col, *c, tt)
		}
	}
	if got := et.Column("id").Identity; got != "ALWAYS" {
		t.Errorf("id identity = %q, want ALWAYS", got)
	}
	if got := et.Column("c_mood").EnumValues; len(got) != 3 || got[2] != "so-so" {
		t.Errorf("mood values = %q", got)
	}
	if c := et.Column("c_text"); c.Comment != "free text" {
		t.Errorf("column comment = %q", c.Comment)
	}
	if c := et.Column("c_varchar"); c.Default == nil || *c.Default != "'x'::character varying" {
		t.Errorf("c_varchar default = %v", c.Default)
	}
	if c := et.Column("c_generated"); c.Default != nil {
		t.Errorf("generated column reports a default %q", *c.Default)
	}
}

func TestPostgresRelationsAndKeys(t *testing.T) {
	cat := readPostgresFixture(t)
	kinds := map[string]string{}
	for _, tb := range cat.Tables {
		kinds[tb.Schema+"."+tb.Name] = tb.Kind
	}
	want := map[string]string{
		"public.measurement":      KindPartitionedTable,
		"public.person_names":     KindView,
		"public.department_sizes": KindMaterializedView,
		"public.Order":            KindTable,
		"sales.invoice":           KindTable,
	}
	for name, kind := range want {
		if kinds[name] != kind {
			t.Errorf("%s kind = %q, want %q", name, kinds[name], kind)
		}
	}
	if _, ok := kinds["public.measurement_2026"]; ok {
		t.Error("a partition was read as a table of its own")
	}

	dept := cat.Table("public", "department")
	if !equalStrings(dept.PrimaryKey, []string{"region", "code"}) {
		t.Errorf("department PK = %q", dept.PrimaryKey)
	}
	person := cat.Table("public", "person")
	if len(person.Uniques) != 1 || !equalStrings(person.Uniques[0], []string{"badge"}) {
		t.Errorf("person uniques = %q (the unique index on badge)", person.Uniques)
	}
	fks := map[string]ForeignKey{}
	for _, fk := range person.ForeignKeys {
		fks[fk.RefTable+":"+fk.Columns[0]] = fk
	}
	if fk := fks["person:manager_id"]; fk.RefTable != "person" || !equalStrings(fk.RefColumns, []string{"id"}) {
		t.Errorf("self-reference = %+v", fk)
	}
	if fk := fks["department:dept_region"]; !equalStrings(fk.Columns, []string{"dept_region", "dept_code"}) ||
		!equalStrings(fk.RefColumns, []string{"region", "code"}) {
		t.Errorf("composite FK = %+v", fk)
	}
	inv := cat.Table("sales", "invoice")
	if len(inv.ForeignKeys) != 1 || inv.ForeignKeys[0].RefSchema != "public" {
		t.Errorf("cross-schema FK = %+v", inv.ForeignKeys)
	}
	order := cat.Table("public", "Order")
	if order == nil || order.Column("größe") == nil || order.Column("Customer Name") == nil {
		t.Fatalf("awkward identifiers not read verbatim: %+v", order)
	}
	if c := order.Column("select"); c.Identity != "BY DEFAULT" || !c.AutoIncrement {
		t.Errorf(`"select" = %+v`, *c)
	}
	if m := cat.Table("public", "measurement"); !equalStrings(m.PrimaryKey, []string{"city_id", "logdate"}) {
		t.Errorf("partitioned PK = %q", m.PrimaryKey)
	}
	if el := cat.Table("public", "event_log"); len(el.PrimaryKey) != 0 {
		t.Errorf("event_log has a PK %q", el.PrimaryKey)
	}
	var enums []string
	for _, e := range cat.Enums {
		enums = append(enums, e.Schema+"."+e.Name)
	}
	if !equalStrings(enums, []string{"public.mood", "sales.status"}) {
		t.Errorf("enums = %q", enums)
	}
}

func TestPostgresChinook(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.LoadChinook(t, true)
	cat, err := readPostgres(context.Background(), db.SQL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	assertChinookShape(t, cat)
	if pt := cat.Table("public", "playlist_track"); !equalStrings(pt.PrimaryKey, []string{"playlist_id", "track_id"}) {
		t.Errorf("playlist_track PK = %q", pt.PrimaryKey)
	}
	if c := cat.Table("public", "album").Column("album_id"); !c.AutoIncrement {
		t.Errorf("serial album_id not auto-increment: %+v", *c)
	}
}
