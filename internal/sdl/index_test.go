package sdl

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/schema"
)

// indexText lists every model's indexes, one line each.
func indexText(s *schema.Schema) string {
	var b strings.Builder
	for _, m := range s.Models {
		for _, x := range m.Indexes {
			fmt.Fprintf(&b, "%s name=%s field=%s sort=%v query=%q\n", m.Name, x.Name, x.Field, x.SortKeys, x.QueryField)
		}
	}
	return b.String()
}

// TestIndexes reads @index from the generated file and from `extend type`
// (with a renamed field and model), applies the reference's defaults, and
// prints the indexes back in full: the printed file is a golden file, and
// reading it back gives the same indexes.
func TestIndexes(t *testing.T) {
	generated := strings.Replace(readText(t, chinookPath),
		"  album_id: Int\n  media_type_id: Int!",
		"  album_id: Int @index(name: \"byAlbum\", sortKeyFields: [\"name\"], queryField: \"tracksByAlbum\") @index(queryField: null)\n  media_type_id: Int!", 1)
	resource := `extend type track @rename(to: "Track") {
  composer: String @rename(to: "author") @index(sortKeyFields: ["milliseconds", "name"])
  genre_id: Int @index(name: "byGenre", sortKeyFields: "unit_price", queryField: "tracksByGenre")
}
extend type album { artist_id: Int! @index }
`
	doc, err := Parse([]File{{Path: "schema.sql.graphql", Text: generated}, {Path: "resource.graphql", Text: resource}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := load(doc)
	if err != nil {
		t.Fatal(err)
	}
	got := indexText(s)
	want := `album name=albumsByArtist_id field=artist_id sort=[] query="albumsByArtist_id"
Track name=byAlbum field=album_id sort=[name] query="tracksByAlbum"
Track name=tracksByAlbum_id field=album_id sort=[] query=""
Track name=tracksByAuthorAndMillisecondsAndName field=author sort=[milliseconds name] query="tracksByAuthorAndMillisecondsAndName"
Track name=byGenre field=genre_id sort=[unit_price] query="tracksByGenre"
`
	if got != want {
		t.Errorf("indexes:\n%s\nwant:\n%s", got, want)
	}
	printed := Print(s)
	golden.Assert(t, "testdata/index/want.graphql", printed)
	again, err := FromFiles([]File{{Path: "schema.sql.graphql", Text: printed}})
	if err != nil {
		t.Fatal(err)
	}
	// Print writes them by field, so compare them as sets.
	if !reflect.DeepEqual(sortedLines(indexText(again)), sortedLines(got)) {
		t.Errorf("indexes changed through Print and Load:\n%s", indexText(again))
	}
}

func sortedLines(s string) []string {
	lines := strings.Split(s, "\n")
	slices.Sort(lines)
	return lines
}

// TestIndexErrors checks each mistake on its own, at its position.
func TestIndexErrors(t *testing.T) {
	tests := []struct{ name, resource, want string }{
		{"unknown sort key", `extend type track { album_id: Int @index(sortKeyFields: ["nam"]) }`,
			`1:57: @index "tracksByAlbum_idAndNam" of track: sortKeyFields names nam, which is not a field of track (did you mean name?)`},
		{"sort key is the partition field", `extend type track { album_id: Int @index(sortKeyFields: ["album_id"]) }`, "field album_id cannot reference itself"},
		{"sort key twice", `extend type track { album_id: Int @index(sortKeyFields: ["name", "name"]) }`, "sortKeyFields names name twice"},
		{"duplicate query field", `extend type track { album_id: Int @index(queryField: "q") genre_id: Int @index(queryField: "q") }`,
			`1:74: @index "tracksByGenre_id" of track: query field q is also the query field of @index "tracksByAlbum_id" of track`},
		{"duplicate name", `extend type track { album_id: Int @index(name: "x", queryField: "a") @index(name: "x", queryField: "b") }`, `model track has two indexes named "x"`},
		{"bad query field", `extend type track { album_id: Int @index(queryField: "by-album") }`, `"by-album" is not a GraphQL name`},
		{"unknown argument", `extend type track { album_id: Int @index(sortKey: ["name"]) }`, "1:42: unknown argument sortKey of @index"},
		{"on a relationship", `extend type track { g: genre @belongsTo(references: ["genre_id"]) @index }`, "directive not allowed here: @index on relationship g of track"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := chinook(t, "resource/resource.graphql", tt.resource, map[string]string{})
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("want Errors, got %v", err)
			}
			if len(es) != 1 || !strings.Contains(es[0].Error(), tt.want) {
				t.Errorf("want one error containing\n  %s\ngot:\n%s", tt.want, err)
			}
		})
	}
}
