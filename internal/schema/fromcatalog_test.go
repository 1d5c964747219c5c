package schema

import (
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/introspect"
)

func col(name, typ string, nullable bool) introspect.Column {
	return introspect.Column{Name: name, DataType: typ, ColumnType: typ, Nullable: nullable}
}

func TestFromCatalogKeysEnumsAndSkips(t *testing.T) {
	enumCol := col("mood", "enum", true)
	enumCol.EnumValues = []string{"happy", "sad"}
	badEnum := col("vibe", "enum", false)
	badEnum.EnumValues = []string{"so-so"}
	id := col("id", "int", false)
	id.AutoIncrement = true
	cat := &introspect.Catalog{Engine: introspect.EngineMySQL, Tables: []introspect.Table{
		{Name: "note", Kind: introspect.KindTable, Columns: []introspect.Column{id, enumCol, badEnum, col("tags", "set", false), col("big", "bigint", true)}, PrimaryKey: []string{"id"}},
		{Name: "by_code", Kind: introspect.KindTable, Columns: []introspect.Column{col("code", "varchar", false), col("alt", "varchar", true)},
			Uniques: [][]string{{"alt"}, {"code"}}},
		{Name: "loose", Kind: introspect.KindTable, Columns: []introspect.Column{col("a", "int", true)}, Uniques: [][]string{{"a"}}},
		{Name: "v", Kind: introspect.KindView, Columns: []introspect.Column{col("a", "int", true)}},
	}}
	s, err := FromCatalog(cat, Database{ConnectionURISecret: "X"})
	if err != nil {
		t.Fatal(err)
	}
	note := s.Model("note")
	if note == nil || !note.Field("id").DBGenerated || !note.Field("big").Int64 {
		t.Fatalf("note = %+v", note)
	}
	if f := note.Field("mood"); !f.IsEnum || f.Type != "NoteMood" {
		t.Errorf("mood = %+v", f)
	}
	if f := note.Field("vibe"); !f.IsEnum || f.Type != "NoteVibe" || f.Enum != s.Enum("NoteVibe") {
		t.Errorf("vibe = %+v, want the enum NoteVibe", f)
	}
	if e := s.Enum("NoteVibe"); e == nil || strings.Join(e.Values, ",") != "so_so" || strings.Join(e.Stored, ",") != "so-so" {
		t.Errorf("NoteVibe = %+v, want so_so stored as so-so", e)
	}
	if e := s.Enum("NoteMood"); e == nil || e.Stored != nil {
		t.Errorf("NoteMood = %+v, want no stored text (every value is a name)", e)
	}
	if len(s.Notes) != 0 {
		t.Errorf("notes = %q", s.Notes)
	}
	if f := note.Field("tags"); !f.IsList || f.Type != String {
		t.Errorf("SET = %+v, want [String]", f)
	}
	if m := s.Model("by_code"); m == nil || m.PrimaryKey[0] != "code" {
		t.Errorf("by_code should be keyed by its NOT NULL unique column: %+v", m)
	}
	var skipped []string
	for _, sk := range s.Skipped {
		skipped = append(skipped, sk.Table)
		if sk.Reason == "" || sk.Fix == "" {
			t.Errorf("skip without reason or fix: %+v", sk)
		}
	}
	if strings.Join(skipped, ",") != "loose,v" {
		t.Errorf("skipped = %q", skipped)
	}
}

func TestFromCatalogRelationshipNames(t *testing.T) {
	pk := func(name string) introspect.Column { return col(name, "int", false) }
	cat := &introspect.Catalog{Engine: introspect.EnginePostgres, Schemas: []string{"public"}, Tables: []introspect.Table{
		{Schema: "public", Name: "artist", Kind: introspect.KindTable, Columns: []introspect.Column{pk("id"), col("album", "text", true)}, PrimaryKey: []string{"id"}},
		{Schema: "public", Name: "album", Kind: introspect.KindTable, PrimaryKey: []string{"id"},
			Columns: []introspect.Column{pk("id"), pk("artist_id"), col("producer", "int4", true), col("artist", "text", true)},
			ForeignKeys: []introspect.ForeignKey{
				{Name: "a_fk", Columns: []string{"artist_id"}, RefTable: "artist", RefColumns: []string{"id"}},
				{Name: "b_fk", Columns: []string{"producer"}, RefTable: "artist", RefColumns: []string{"id"}},
			}},
		{Schema: "public", Name: "cover", Kind: introspect.KindTable, PrimaryKey: []string{"album_id"},
			Columns:     []introspect.Column{pk("album_id")},
			ForeignKeys: []introspect.ForeignKey{{Name: "c_fk", Columns: []string{"album_id"}, RefTable: "album", RefColumns: []string{"id"}}}},
	}}
	s, err := FromCatalog(cat, Database{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range s.Models {
		for _, r := range m.Relationships {
			got[m.Name+"."+r.Name] = r.Kind + " " + r.Target + " " + strings.Join(r.References, ",")
		}
	}
	want := map[string]string{
		// "artist" is a column of album, so the belongsTo gets _by_<columns>.
		"album.artist_by_artist_id": "belongsTo artist artist_id",
		"album.producer_artist":     "belongsTo artist producer",
		// Two foreign keys from album to artist: both hasMany names say which.
		"artist.albums_by_artist_id": "hasMany album artist_id",
		"artist.albums_by_producer":  "hasMany album producer",
		// The foreign key is cover's whole primary key: hasOne.
		"album.cover": "hasOne cover album_id",
		"cover.album": "belongsTo album album_id",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("relationships = %v", got)
	}
}
