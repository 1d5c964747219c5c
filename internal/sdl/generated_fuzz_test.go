package sdl

import (
	"path/filepath"
	"testing"
)

// FuzzGenerated fuzzes the generated file itself (FuzzLoad and FuzzMerge
// fuzz resource.graphql beside a fixed one). What Base accepts, Print must
// write back as a file Base accepts again, and printing that must give
// the same bytes: regenerating from an unchanged database must not churn
// the file, and a schema Quarry wrote must never fail to load.
func FuzzGenerated(f *testing.F) {
	f.Add(fuzzGenerated)
	golden, err := filepath.Glob("../cli/testdata/*.graphql")
	if err != nil || len(golden) == 0 {
		f.Fatalf("no generated schemas to seed from: %v", err)
	}
	for _, path := range golden {
		f.Add(readText(f, path))
	}
	for _, s := range []string{
		`extend schema @database(identifier: "x", engine: "sqlite", connectionUriSecret: "DB", sslCertSecret: "CA")
"A \"quoted\" comment\u2028with a line separator"
type t @model(timestamps: null) @refersTo(name: "T t", schema: "s\\x")
{
  "é\n"
  id: ID! @primaryKey(sortKeyFields: ["b"]) @refersTo(name: "Id\t")
  b: [Int!] @default
  r: t @belongsTo(references: ["id", "b"])
}
enum E { a b }`,
		`extend schema @database(identifier: "", engine: "mysql", connectionUriSecret: "")
type a @model { k: AWSDateTime! @primaryKey  x: [a] @hasMany(references: ["k"]) }`,
		`extend schema @database(engine: "postgresql") type x @model { y: Int }`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 16<<10 {
			return
		}
		s1, err := FromFiles([]File{{Path: "schema.sql.graphql", Text: text}})
		if err != nil {
			return
		}
		doc, err := Parse([]File{{Path: "schema.sql.graphql", Text: text}})
		if err != nil {
			t.Fatalf("FromFiles accepted what Parse refuses: %v", err)
		}
		base, err := doc.Base()
		if err != nil {
			t.Fatalf("FromFiles accepted what Base refuses: %v", err)
		}
		if s1 == nil || base == nil {
			t.Fatal("no schema and no error")
		}
		if doc.Generated == nil {
			return
		}
		printed := Print(base)
		doc2, err := Parse([]File{{Path: "schema.sql.graphql", Text: printed}})
		if err != nil {
			t.Fatalf("Print wrote a file that does not parse: %v\n%s", err, printed)
		}
		base2, err := doc2.Base()
		if err != nil {
			t.Fatalf("Print wrote a file that does not load: %v\n%s", err, printed)
		}
		if again := Print(base2); again != printed {
			t.Fatalf("printing is not stable:\n%s\nthen\n%s", printed, again)
		}
	})
}
