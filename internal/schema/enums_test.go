package schema

import (
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/introspect"
)

func TestSanitizeEnumValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"PG", "PG"},
		{"PG-13", "PG_13"},
		{"NC-17", "NC_17"},
		{"so-so", "so_so"},
		{"1st", "_1st"},
		{"a--b", "a__b"},
		{"Behind the Scenes", "Behind_the_Scenes"},
		{"größe", "gr__e"},
		{"true", "true_"},
		{"false", "false_"},
		{"null", "null_"},
		{"True", "True"},
		{"__x", "v__x"},
		{"-x", "_x"},
		{"--", "v__"},
		{"", "EMPTY"},
		{"_ok", "_ok"},
	}
	for _, tt := range tests {
		got := SanitizeEnumValue(tt.in)
		if got != tt.want {
			t.Errorf("SanitizeEnumValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !IsGraphQLName(got) || reservedEnumNames[got] || strings.HasPrefix(got, "__") {
			t.Errorf("SanitizeEnumValue(%q) = %q is not a valid enum value name", tt.in, got)
		}
	}
}

func TestEnumNames(t *testing.T) {
	tests := []struct {
		name   string
		stored []string
		want   []string
		notes  int // how many values were renamed for a collision or a reserved word
	}{
		{"all names", []string{"G", "PG", "R"}, []string{"G", "PG", "R"}, 0},
		{"mpaa", []string{"G", "PG", "PG-13", "R", "NC-17"}, []string{"G", "PG", "PG_13", "R", "NC_17"}, 0},
		{"leading digit", []string{"1st", "so-so"}, []string{"_1st", "so_so"}, 0},
		{"valid name keeps it", []string{"a-b", "a_b"}, []string{"a_b_2", "a_b"}, 1},
		{"declared order", []string{"a-b", "a.b", "a_b"}, []string{"a_b_2", "a_b_3", "a_b"}, 2},
		{"no valid one", []string{"a-b", "a.b"}, []string{"a_b", "a_b_2"}, 1},
		{"suffix taken by a value", []string{"a-b", "a_b", "a_b_2"}, []string{"a_b_3", "a_b", "a_b_2"}, 1},
		{"reserved", []string{"true", "false", "maybe"}, []string{"true_", "false_", "maybe"}, 2},
		{"reserved and its suffix", []string{"true", "true_"}, []string{"true__2", "true_"}, 1},
		{"empty", []string{"", "x"}, []string{"EMPTY", "x"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := EnumNames(tt.stored)
			if !slices.Equal(got, tt.want) {
				t.Errorf("EnumNames(%q) = %q, want %q", tt.stored, got, tt.want)
			}
			if len(notes) != tt.notes {
				t.Errorf("notes = %q, want %d", notes, tt.notes)
			}
			seen := map[string]bool{}
			for _, n := range got {
				if seen[n] || !IsGraphQLName(n) || reservedEnumNames[n] {
					t.Errorf("name %q is repeated or invalid", n)
				}
				seen[n] = true
			}
			// The same input gives the same names: Bind relies on it.
			again, _ := EnumNames(tt.stored)
			if !slices.Equal(again, got) {
				t.Errorf("not deterministic: %q then %q", got, again)
			}
		})
	}
}

func TestEnumMapsBothWays(t *testing.T) {
	e, _ := newEnum("Rating", []string{"G", "PG-13", "a_b", "a-b"})
	for _, tt := range []struct{ name, stored string }{{"G", "G"}, {"PG_13", "PG-13"}, {"a_b", "a_b"}, {"a_b_2", "a-b"}} {
		if s, ok := e.StoredText(tt.name); !ok || s != tt.stored {
			t.Errorf("StoredText(%q) = %q, %v; want %q", tt.name, s, ok, tt.stored)
		}
		if n, ok := e.APIName(tt.stored); !ok || n != tt.name {
			t.Errorf("APIName(%q) = %q, %v; want %q", tt.stored, n, ok, tt.name)
		}
	}
	if _, ok := e.StoredText("PG-13"); ok {
		t.Error("the stored text is not a GraphQL name of the enum")
	}
	if _, ok := e.APIName("PG_13"); ok {
		t.Error("a GraphQL name is not a stored value")
	}
	if got := e.Renamed(); len(got) != 2 || got[0] != [2]string{"PG_13", "PG-13"} || got[1] != [2]string{"a_b_2", "a-b"} {
		t.Errorf("Renamed = %q", got)
	}
	plain, _ := newEnum("Mood", []string{"happy", "sad"})
	if plain.Stored != nil || plain.Renamed() != nil {
		t.Errorf("an enum of names has no stored text: %+v", plain)
	}
	if s, ok := plain.StoredText("sad"); !ok || s != "sad" {
		t.Errorf("StoredText = %q, %v", s, ok)
	}
}

func TestFromCatalogNotesCollisions(t *testing.T) {
	c := col("grade", "enum", true)
	c.EnumValues = []string{"a-b", "a_b"}
	id := col("id", "int", false)
	cat := &introspect.Catalog{Engine: introspect.EngineMySQL, Tables: []introspect.Table{
		{Name: "t", Kind: introspect.KindTable, Columns: []introspect.Column{id, c}, PrimaryKey: []string{"id"}},
	}}
	s, err := FromCatalog(cat, Database{})
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Enum("TGrade"); e == nil || !slices.Equal(e.Values, []string{"a_b_2", "a_b"}) || !slices.Equal(e.Stored, []string{"a-b", "a_b"}) {
		t.Fatalf("TGrade = %+v", e)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], `t.grade: enum value "a-b" is served as a_b_2`) {
		t.Errorf("notes = %q", s.Notes)
	}
}

// Bind recovers the stored text from the catalog for an enum read from a
// schema file (which holds only names), and refuses two columns that
// share an enum but store its values differently.
func TestBindRecoversEnumStoredText(t *testing.T) {
	pg := col("rating", "mpaa_rating", true)
	pg.EnumType, pg.EnumValues = "mpaa_rating", []string{"G", "PG-13", "NC-17"}
	other := col("old_rating", "other_rating", true)
	other.EnumType, other.EnumValues = "other_rating", []string{"G", "PG 13", "NC-17"}
	plain := col("note", "text", true)
	cat := &introspect.Catalog{Engine: introspect.EnginePostgres, Schemas: []string{"public"}, Tables: []introspect.Table{
		{Schema: "public", Name: "film", Kind: introspect.KindTable, Columns: []introspect.Column{col("id", "int4", false), pg, other, plain}, PrimaryKey: []string{"id"}},
	}}
	newSchema := func(oldRatingEnum, noteEnum string) *Schema {
		rating := &Enum{Name: "FilmRating", Values: []string{"G", "PG_13", "NC_17"}}
		mood := &Enum{Name: "Mood", Values: []string{"a", "b"}}
		return &Schema{Enums: []*Enum{rating, mood}, Models: []*Model{{Name: "film", Table: TableRef{Name: "film"}, PrimaryKey: []string{"id"}, Fields: []*Field{
			{Name: "id", Column: "id", Type: Int},
			{Name: "rating", Column: "rating", Type: "FilmRating", IsEnum: true},
			{Name: "old_rating", Column: "old_rating", Type: oldRatingEnum, IsEnum: true},
			{Name: "note", Column: "note", Type: noteEnum, IsEnum: true},
		}}}}
	}
	s := newSchema("Mood", "FilmRating")
	if err := Bind(s, cat); err == nil || !strings.Contains(err.Error(), "enum FilmRating is shared with column film.rating") {
		t.Fatalf("a text column shares the enum of a column that renames values: %v", err)
	}
	s = newSchema("FilmRating", "Mood")
	if err := Bind(s, cat); err == nil || !strings.Contains(err.Error(), "enum FilmRating is shared with column film.rating") {
		t.Fatalf("Bind = %v, want the shared enum refused", err)
	}
	cat.Tables[0].Columns[2].EnumValues = []string{"G", "PG-13", "NC-17"}
	s = newSchema("FilmRating", "Mood")
	if err := Bind(s, cat); err != nil {
		t.Fatal(err)
	}
	e := s.Enum("FilmRating")
	if !slices.Equal(e.Stored, []string{"G", "PG-13", "NC-17"}) {
		t.Errorf("stored = %q", e.Stored)
	}
	f := s.Models[0].Field("rating")
	if f.Enum != e {
		t.Error("the field is not linked to its enum")
	}
	if m := s.Enum("Mood"); m.Stored != nil || s.Models[0].Field("note").Enum != m {
		t.Errorf("an enum over a text column maps nothing: %+v", m)
	}
}
