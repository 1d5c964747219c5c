package sdl

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
)

// TestEverythingWrong reports every mistake of one file at once, each with
// its position, sorted; the report is a golden file.
func TestEverythingWrong(t *testing.T) {
	_, err := chinook(t, "testdata/errors/resource.graphql", readText(t, "testdata/errors/resource.graphql"), nil)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("want Errors, got %v", err)
	}
	golden.Assert(t, "testdata/errors/want.txt", err.Error()+"\n")
	for i := 1; i < len(es); i++ {
		a, b := es[i-1], es[i]
		if a.File > b.File || (a.File == b.File && (a.Line > b.Line || (a.Line == b.Line && a.Col > b.Col))) {
			t.Errorf("not sorted: %v before %v", a, b)
		}
	}
}

// TestErrors checks each error on its own: exactly one error, at the
// position given, containing the text given.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, resource string
		want           string // "line:col: text"
	}{
		{"unknown directive on a model", `extend type album @hidden`, "1:20: unknown directive @hidden on extend type album (allowed here: @auth, @rename, @model)"},
		{"unsupported directive", `extend type album { title: String! @validate(type: minLength, value: "1") }`, "1:37: @validate is not supported yet"},
		{"unknown model", `extend type Albums @rename(to: "X")`, "1:13: extend type Albums: there is no model Albums (did you mean album?)"},
		{"type mismatch", `extend type album { title: String @rename(to: "name") }`, "1:28: field title of album is String! in the generated schema, not String (repeat the field as generated: title: String!)"},
		{"new column", `extend type album { year: Int }`, "1:21: model album has no column year; only relationships can be added"},
		{"rename to a bad name", `extend type album @rename(to: "my-album")`, `1:32: @rename(to: "my-album"): "my-album" is not a GraphQL name`},
		{"rename to a reserved name", `extend type album @rename(to: "__Album")`, `is not a GraphQL name`},
		{"duplicate model after renames", `extend type album @rename(to: "Thing")
extend type artist @rename(to: "Thing")`, "2:21: cannot rename model artist to Thing: the name is taken by model Thing"},
		{"rename to an old name", `extend type album @rename(to: "Album")
extend type artist @rename(to: "album")`, "2:21: cannot rename model artist to album: the name is taken by model Album"},
		{"rename to a scalar", `extend type album @rename(to: "String")`, "the name is taken by the scalar String"},
		{"renamed twice", `extend type album @rename(to: "A")
extend type album @rename(to: "B")`, "2:20: model album is renamed twice"},
		{"field rename collision", `extend type track { name: String! @rename(to: "composer") }`, "1:36: cannot rename field name of track to composer: track already has a field composer"},
		{"reference not a field", `extend type track { al: album @belongsTo(references: ["album"]) }`, "1:21: belongsTo al of track: references names album, which is not a field of track (album is a relationship; references name the columns that hold the key)"},
		{"reference on the wrong side", `extend type album { artist2: artist @hasOne(references: ["title"]) }`, "1:21: hasOne artist2 of album: references names title, which is not a field of artist (references name fields of artist, the model that holds the foreign key)"},
		{"reference count", `extend type track { pt: playlist_track @belongsTo(references: ["track_id"]) }`, "1:21: belongsTo pt of track: 1 reference(s), but the primary key of playlist_track has 2 field(s)"},
		{"reference type", `extend type track { c: artist @belongsTo(references: ["composer"]) }`, "1:21: belongsTo c of track: reference composer is String, but key field artist_id of artist is Int"},
		{"relationship on a column name", `extend type track { composer: artist @belongsTo(references: ["genre_id"]) }`, "1:21: composer is a column of track; a relationship needs a name no field uses"},
		{"relationship declared twice", `extend type track { x: artist @belongsTo(references: ["genre_id"]) }
extend type track { x: artist @belongsTo(references: ["genre_id"]) }`, "2:21: relationship x of track is declared twice (first declared at resource/resource.graphql:1:21)"},
		{"relationship shape", `extend type track { g: [genre] @belongsTo(references: ["genre_id"]) }`, "1:25: a belongsTo field's type is the related model, not [genre]"},
		{"relationship target", `extend type track { g: Genre @belongsTo(references: ["genre_id"]) }`, "1:24: relationship g of track: there is no model Genre (did you mean genre?)"},
		{"relationship without references", `extend type track { g: genre @belongsTo }`, "1:31: @belongsTo needs references"},
		{"auth on a relationship", `extend type track { g: genre @belongsTo(references: ["genre_id"]) @auth(rules: [{allow: private}]) }`, "directive not allowed here: @auth on relationship g of track"},
		{"rename a declared relationship", `extend type track { g: genre @belongsTo(references: ["genre_id"]) }
extend type track { g: genre @rename(to: "h") }`, "2:31: relationship g of track is declared in a customisation file and cannot be renamed"},
		{"unknown rule kind", `extend type album @auth(rules: [{allow: everyone}])`, "1:41: unknown rule kind allow: everyone"},
		{"provider for the kind", `extend type album @auth(rules: [{allow: owner, ownerField: "title", provider: apiKey}])`, "1:79: provider apiKey does not apply to allow: owner (allow: owner takes provider userPools or oidc)"},
		{"unknown rule operation", `extend type album @auth(rules: [{allow: private, operations: [read, remove]}])`, "1:69: unknown operation remove in auth rule"},
		{"key of another kind", `extend type album @auth(rules: [{allow: public, ownerField: "title"}])`, "1:49: ownerField does not apply to allow: public"},
		{"owner field missing", `extend type album @auth(rules: [{allow: owner}])`, "1:33: owner rule: field owner isn't defined in model album"},
		{"owner field type", `extend type album @auth(rules: [{allow: owner, ownerField: "album_id"}])`, "1:33: owner rule: field album_id of album is Int"},
		{"groups field missing", `extend type album { title: String! @auth(rules: [{allow: groups, groupsField: "teams"}]) }`, "1:50: groups rule: field teams isn't defined in model album"},
		{"groups without groups", `extend type album @auth(rules: [{allow: groups}])`, "1:33: allow: groups needs groups or groupsField"},
		{"owner rule on an operation", `type Query { q: Int @sql(statement: "SELECT 1") @auth(rules: [{allow: owner}]) }`, "owner rules need a model row and cannot authorise a custom operation"},
		{"rules twice", `extend type album @auth(rules: [{allow: private}])
extend type album @auth(rules: [{allow: public}])`, "2:20: rules of model album are given twice"},
		{"disable with a name", `extend type album @model(queries: {list: "allAlbums"})`, `1:43: @model(queries: {list: "allAlbums"}) is not supported`},
		{"disable an unknown operation", `extend type album @model(mutations: {upsert: null})`, "1:38: unknown operation upsert in @model(mutations:)"},
		{"placeholder", `type Query { q(id: Int): Int @sql(statement: "SELECT x::int FROM t WHERE a = :id AND b = ':no' AND c = :other") }`, "1:47: placeholder :other in the SQL of custom query q is not an argument (the arguments are id)"},
		{"sql with both", `type Query { q: Int @sql(statement: "SELECT 1", reference: "q.sql") }`, "1:22: @sql takes statement or reference, not both"},
		{"sql with neither", `type Query { q: Int @sql }`, "1:22: @sql needs statement or reference"},
		{"no handler", `type Query { q: Int }`, "1:14: custom query q has no handler"},
		{"missing sql file", `type Mutation { m: Int @sql(reference: "./sql/m.sql") }`, "1:41: @sql(reference:) of custom mutation m: resource/sql/m.sql does not exist (the path is relative to the directory of resource/resource.graphql)"},
		{"unknown return type", `type Query { q: Stat @sql(statement: "SELECT 1") }`, "1:17: custom query q: unknown type Stat"},
		{"model as argument", `type Query { q(a: album): Int @sql(statement: "SELECT 1") }`, "1:19: argument a of custom query q: arguments are scalars or enums; album is model album"},
		{"operation twice", `type Query { q: Int @sql(statement: "SELECT 1") }
extend type Query { q: Int @sql(statement: "SELECT 1") }`, "2:21: custom query q is declared twice"},
		{"type named like a model", `type album { x: Int }`, "1:6: type album: the name is taken by model album (to customise the model write extend type album)"},
		{"enum named like a scalar", `enum AWSJSON { A }`, "1:6: enum AWSJSON: the name is taken by the scalar AWSJSON"},
		{"new SQL model beside a generated schema", `type Thing @model(timestamps: null) { id: Int! @primaryKey }`, "1:6: type Thing @model: new models cannot be declared beside a generated schema"},
		{"input type", `input X { a: Int }`, "1:7: input X: input definitions are not supported"},
		{"subscription without mutations", `type Subscription { s: Int }`, `1:21: custom subscription s names no mutations (add @aws_subscribe(mutations: ["createNote"]))`},
		{"subscription with an empty list", `type Subscription { s: Int @aws_subscribe(mutations: []) }`, "custom subscription s: mutations is empty"},
		{"unknown custom directive definition", `directive @cache on FIELD_DEFINITION`, "custom directive @cache is not supported"},
		{"function handler", `type Query { q: Int @function(name: "fn") }`, "1:22: @function handlers (Lambda) are not supported"},
		{"unknown rule key", `extend type album @auth(rules: [{allow: private, provder: oidc}])`, "1:50: unknown key provder in auth rule (did you mean provider?)"},
		{"unknown argument", `extend type album @rename(to: "A", too: "B")`, "1:36: unknown argument too of @rename (did you mean to?)"},
		{"unknown auth mode", `extend schema @authorizationModes(defaultAuthorizationMode: cognito)`, "1:61: unknown authorization mode cognito"},
		{"default mode not configured", `extend schema @authorizationModes(defaultAuthorizationMode: lambda)`, "1:61: the default mode lambda is not configured"},
		{"issuer without client id", `extend schema @authorizationModes(oidcAuthorizationMode: {issuer: "https://id.example.com"})`, "oidcAuthorizationMode needs clientId (the accepted audience)"},
		{"issuer without issuer", `extend schema @authorizationModes(userPoolAuthorizationMode: {clientId: "x"})`, "userPoolAuthorizationMode needs the issuer's URL (issuer)"},
		{"bad user pool id", `extend schema @authorizationModes(userPoolAuthorizationMode: {userPoolId: "abc", clientId: "x"})`, `userPoolId "abc" does not start with its region`},
		{"key lifetime", `extend schema @authorizationModes(apiKeyAuthorizationMode: {expiresInDays: 0})`, "expiresInDays must be a whole number of days from 1 to 365, not 0"},
		{"lambda without url", `extend schema @authorizationModes(lambdaAuthorizationMode: {timeToLiveInSeconds: 10})`, "lambdaAuthorizationMode needs the url of the authorizer webhook"},
		{"unknown mode field", `extend schema @authorizationModes(oidcAuthorizationMode: {issuer: "https://a", clientId: "x", clientID: "y"})`, "unknown field clientID in oidcAuthorizationMode (did you mean clientId?)"},
		{"modes twice", `extend schema @authorizationModes(apiKeyAuthorizationMode: {})
extend schema @authorizationModes(apiKeyAuthorizationMode: {})`, "2:16: authorization modes are given twice"},
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

// TestSyntaxErrors keeps gqlparser's positions, for every broken file.
func TestSyntaxErrors(t *testing.T) {
	_, err := Parse([]File{
		{Path: "a.graphql", Text: "extend type album {\n  title: String! @rename(to: \"x\"\n}\n"},
		{Path: "b.graphql", Text: "type Query {}"},
		{Path: "c.graphql", Text: "type Ok { a: Int }"},
		{Path: "d.graphql", Text: "extend type album @auth(rules: [{allow: public, provider: apiKey},\n  {allow: private}]\n"},
	})
	want := `a.graphql:3:1: Expected Name, found }
b.graphql:1:13: expected at least one definition, found }
d.graphql:3:1: Expected Name, found <EOF>`
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestLoadProblems(t *testing.T) {
	empty := t.TempDir()
	if _, err := Load(empty); err == nil || !strings.Contains(err.Error(), "no .graphql files in") {
		t.Errorf("empty directory: %v", err)
	}
	if _, err := Load(filepath.Join(empty, "missing")); err == nil {
		t.Error("missing directory: no error")
	}

	two := t.TempDir()
	gen := readText(t, chinookPath)
	for _, name := range []string{"a.graphql", "b.graphql"} {
		if err := os.WriteFile(filepath.Join(two, name), []byte(gen), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Load(two)
	if err == nil || !strings.Contains(err.Error(), "b.graphql:6:16: a second file declares @database (the first is "+filepath.Join(two, "a.graphql")+":6:16") {
		t.Errorf("two generated files: %v", err)
	}
}

func TestGeneratedFileProblems(t *testing.T) {
	head := "extend schema @database(engine: \"oracle\", connectionUriSecret: \"X\")\n"
	tests := []struct{ name, text, want string }{
		{"engine", head, `1:34: unknown engine "oracle"`},
		{"no key", head + "type t @model(timestamps: null) { a: Int }", "2:6: model t has no @primaryKey"},
		{"nullable key", head + "type t @model(timestamps: null) { a: Int @primaryKey }", "2:35: key field a of t must be a non-null scalar"},
		{"sort key", head + "type t @model(timestamps: null) { a: Int! @primaryKey(sortKeyFields: [\"b\"]) }", "2:44: @primaryKey(sortKeyFields:) names b, which is not a field of t"},
		{"custom type", head + "type X { a: Int }", "2:6: the generated file holds models (@model) and enums only, not type X"},
		{"extension", head + "extend type t @auth(rules: [])", "the generated file holds models and enums only, not extend type t"},
		{"unknown field type", head + "type t @model(timestamps: null) { a: Integer! @primaryKey }", "2:38: field a of t: unknown type Integer"},
		{"enum as a key", head + "type t @model(timestamps: null) { a: E! @primaryKey }\nenum E { A }", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]File{{Path: "g.graphql", Text: strings.Replace(tt.text, "oracle", map[bool]string{true: "oracle", false: "sqlite"}[tt.name == "engine"], 1)}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = doc.Base()
			if tt.want == "" {
				if err != nil {
					t.Errorf("unexpected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("want %q, got:\n%v", tt.want, err)
			}
		})
	}
}

// TestGlobalRuleFields checks a global owner rule against every model that
// uses the global rules, and only those.
func TestGlobalRuleFields(t *testing.T) {
	_, err := chinook(t, "resource.graphql", `extend schema @auth(rules: [{allow: owner, ownerField: "name"}])
extend type playlist @auth(rules: [{allow: private}])`, nil)
	// album has title, not name; artist, genre, media_type and
	// track has name; playlist has its own rules; the others have no name.
	want := []string{"album", "customer", "employee", "invoice", "invoice_line", "playlist_track"}
	var es Errors
	if !errors.As(err, &es) || len(es) != len(want) {
		t.Fatalf("want %d errors, got:\n%v", len(want), err)
	}
	for i, e := range es {
		if e.Line != 1 || e.Col != 29 || !strings.Contains(e.Msg, "field name isn't defined in model "+want[i]+" (a global rule, which applies because "+want[i]+" has no rules of its own)") {
			t.Errorf("error %d: %v", i, e)
		}
	}
}
