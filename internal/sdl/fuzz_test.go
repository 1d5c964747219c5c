package sdl

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzGenerated is a small generated schema with a composite key, an enum
// and relationships both ways, for the fuzzer's customisations to act on.
const fuzzGenerated = `extend schema @database(identifier: "ID1", engine: "postgresql", connectionUriSecret: "DB")

type album @model(timestamps: null)
{
  album_id: Int! @primaryKey @default
  title: String!
  mood: AlbumMood
  tracks: [track] @hasMany(references: ["album_id"])
}

type track @model(timestamps: null) @refersTo(name: "track", schema: "music")
{
  album_id: Int! @primaryKey(sortKeyFields: ["n"])
  n: Int!
  name: String @refersTo(name: "Name")
  album: album @belongsTo(references: ["album_id"])
}

enum AlbumMood {
  happy
  sad
}
`

// FuzzLoad feeds arbitrary text as resource.graphql beside a generated
// file: Load may reject it, but must never panic.
func FuzzLoad(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, resource string) {
		dir := t.TempDir()
		for name, text := range map[string]string{"schema.sql.graphql": fuzzGenerated, "resource.graphql": resource} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		s, err := Load(dir)
		if err == nil && s == nil {
			t.Fatal("no schema and no error")
		}
	})
}

// FuzzMerge is FuzzLoad without the disk, so it runs many times faster;
// referenced SQL files are served from memory.
func FuzzMerge(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, resource string) {
		doc, err := Parse([]File{{Path: "d/schema.sql.graphql", Text: fuzzGenerated}, {Path: "d/resource.graphql", Text: resource}})
		if err != nil {
			return
		}
		doc.ReadFile = func(name string) ([]byte, error) {
			if name == "d/sql/q.sql" {
				return []byte("SELECT :a, ':b' FROM t WHERE c = :c"), nil
			}
			return nil, os.ErrNotExist
		}
		s, err := load(doc)
		if err == nil && s == nil {
			t.Fatal("no schema and no error")
		}
		if err != nil {
			_ = err.Error()
		}
	})
}

func addSeeds(f *testing.F) {
	for _, path := range []string{"testdata/chinook/resource.graphql", "testdata/errors/resource.graphql", "testdata/transform/resource.graphql"} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	for _, seed := range []string{
		"",
		`extend type album @rename(to: "Album") { title: String! @rename(to: "name") tracks: [track] @rename(to: "songs") }`,
		`extend type track { album_id: Int! @rename(to: "a") album: Album @belongsTo(references: ["a", "n"]) }`,
		`extend type Album @auth(rules: [{allow: owner, ownerField: "title"}, {allow: groups, groupsField: "name"}])`,
		`type Query { q(a: Int): [Album!]! @sql(statement: "SELECT :a::int, ':b', $$ :c $$") @sql(reference: "../x") }`,
		`type X @model { id: ID! @primaryKey } type X { a: X } enum X { true }`,
		`extend schema @auth(rules: {allow: groups}) @database(engine: 1)`,
		`extend type album @model(queries: {get: null}, mutations: [create], subscriptions: null, timestamps: {})`,
		`type Query { q(a: Int, c: String): Int @sql(reference: "sql/q.sql") }`,
	} {
		f.Add(seed)
	}
}
