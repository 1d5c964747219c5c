package sdl

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/schema"
)

var storedAsComment = regexp.MustCompile(`(?m) # stored as ".*"$`)

// TestRoundTrip loads each generated golden file of the CLI, prints the
// IR back and loads that again: the text must come back byte for byte and
// the IR must be equal, so Print and Load agree on everything Print writes.
func TestRoundTrip(t *testing.T) {
	paths, err := filepath.Glob("../cli/testdata/*.graphql")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no generated schemas in ../cli/testdata: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			text := readText(t, path)
			doc, err := Parse([]File{{Path: path, Text: text}})
			if err != nil {
				t.Fatal(err)
			}
			first, err := load(doc)
			if err != nil {
				t.Fatal(err)
			}
			printed := Print(first)
			// An enum value's "# stored as" comment is not read back: the
			// stored text comes from the catalog (schema.Bind), not the file.
			if text := storedAsComment.ReplaceAllString(text, ""); printed != text {
				t.Fatalf("Print(Load(file)) differs from the file:\n%s", printed)
			}
			// Load itself, from a directory as the CLI will call it.
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "schema.sql.graphql"), []byte(printed), 0o644); err != nil {
				t.Fatal(err)
			}
			second, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, second) {
				t.Errorf("the IR changed through Print and Load:\nfirst:\n%s\nsecond:\n%s", dump(first), dump(second))
			}
			for _, m := range second.Models {
				for _, r := range m.Relationships {
					if !r.Inferred {
						t.Errorf("%s.%s: relationships of the generated file are inferred", m.Name, r.Name)
					}
				}
			}
		})
	}
}

// TestRoundTripFromIR starts from an IR (the shape FromCatalog builds) and
// checks that Load(Print(ir)) gives it back, for the fields Print writes.
func TestRoundTripFromIR(t *testing.T) {
	ir := &schema.Schema{
		Database: schema.Database{Identifier: "IDx", Engine: "postgresql", ConnectionURISecret: "PG", SSLCertSecret: "PG_CA"},
		Models: []*schema.Model{{
			Name: "Order", Table: schema.TableRef{Schema: "sales", Name: "order"}, Comment: "an \"order\"\nline two",
			PrimaryKey: []string{"b", "a"},
			Fields: []*schema.Field{
				{Name: "a", Column: "a col", Type: schema.Int, Required: true},
				{Name: "b", Column: "b", Type: schema.String, Required: true, DBGenerated: true},
				{Name: "tags", Column: "tags", Type: schema.String, IsList: true, Required: true},
				{Name: "mood", Column: "mood", Type: "OrderMood", IsEnum: true, Comment: "ünïcode"},
				{Name: "parent_b", Column: "parent_b", Type: schema.String},
				{Name: "parent_a", Column: "parent_a", Type: schema.Int},
			},
			Relationships: []*schema.Relationship{
				{Name: "parent", Kind: schema.BelongsTo, Target: "Order", References: []string{"parent_b", "parent_a"}, Inferred: true},
				{Name: "children", Kind: schema.HasMany, Target: "Order", References: []string{"parent_b", "parent_a"}, Inferred: true},
			},
		}},
		Enums: []*schema.Enum{{Name: "OrderMood", Values: []string{"happy", "SAD"}}},
	}
	doc, err := Parse([]File{{Path: "schema.sql.graphql", Text: Print(ir)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := load(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ir) {
		t.Errorf("Load(Print(ir)) differs:\nwant:\n%s\ngot:\n%s", dump(ir), dump(got))
	}
}

// TestChinookCustomised applies one file with every kind of customisation
// to the Chinook schema; the merged IR is a golden file.
func TestChinookCustomised(t *testing.T) {
	s, err := chinook(t, "testdata/chinook/resource.graphql", readText(t, "testdata/chinook/resource.graphql"), nil)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/chinook/want.txt", dump(s))

	// The same through Load, from a directory holding both files.
	dir := t.TempDir()
	for name, text := range map[string]string{
		"schema.sql.graphql":      readText(t, chinookPath),
		"resource.graphql":        readText(t, "testdata/chinook/resource.graphql"),
		"sql/albumsByTitle.sql":   readText(t, "testdata/chinook/sql/albumsByTitle.sql"),
		"sql/renameAlbum.sql":     readText(t, "testdata/chinook/sql/renameAlbum.sql"),
		"notes.txt":               "not a schema file",
		"sub/ignored.graphql.bak": "type {",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded, s) {
		t.Errorf("Load(dir) differs from Parse+Base+Merge:\n%s", dump(loaded))
	}
}

// TestCustomisations checks each kind of customisation on its own.
func TestCustomisations(t *testing.T) {
	tests := []struct {
		name     string
		resource string
		sql      map[string]string
		check    func(t *testing.T, s *schema.Schema)
	}{{
		name:     "a managed model: implicit id, timestamps and owner",
		resource: `type Todo @model @auth(rules: [{allow: owner}]) { content: String done: Boolean }`,
		check: func(t *testing.T, s *schema.Schema) {
			m := s.Model("Todo")
			if m == nil || !m.Managed || m.Table.Name != "Todo" || strings.Join(m.PrimaryKey, ",") != "id" {
				t.Fatalf("Todo: %+v", m)
			}
			var names []string
			for _, f := range m.Fields {
				names = append(names, f.Name+":"+f.Type)
			}
			if got := strings.Join(names, " "); got != "id:ID content:String done:Boolean createdAt:AWSDateTime updatedAt:AWSDateTime owner:String" {
				t.Errorf("fields %s", got)
			}
			if s.Model("album").Managed {
				t.Error("a generated model is managed")
			}
		},
	}, {
		name: "a managed model gets the owner field of rules given elsewhere",
		resource: `type Todo @model { content: String note: String @auth(rules: [{allow: owner, ownerField: "author"}]) }
extend type Todo @auth(rules: [{allow: owner, ownerField: "keeper"}])`,
		check: func(t *testing.T, s *schema.Schema) {
			m := s.Model("Todo")
			if m.Field("keeper") == nil || m.Field("author") == nil {
				t.Errorf("fields of Todo: %v", memberNames(m))
			}
		},
	}, {
		name: "authorization modes",
		resource: `extend schema @authorizationModes(defaultAuthorizationMode: userPool,
  apiKeyAuthorizationMode: {expiresInDays: 30},
  userPoolAuthorizationMode: {userPoolId: "eu-west-1_AbC", clientId: ["a", "b"]},
  oidcAuthorizationMode: {oidcProviderName: "Auth0", oidcIssuerUrl: "https://x.auth0.com/", clientId: "c", groupsClaim: "roles"},
  lambdaAuthorizationMode: {url: "https://auth.example.com/hook", timeToLiveInSeconds: 60},
  identityPoolAuthorizationMode: {})`,
		check: func(t *testing.T, s *schema.Schema) {
			m := s.Modes
			if m == nil || m.Default != "userPool" || !m.APIKey || m.APIKeyExpiresInDays != 30 || !m.IdentityPool {
				t.Fatalf("modes %+v", m)
			}
			if m.UserPool.Issuer != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC" || strings.Join(m.UserPool.ClientIDs, ",") != "a,b" {
				t.Errorf("user pool %+v", m.UserPool)
			}
			if m.OIDC.Issuer != "https://x.auth0.com/" || m.OIDC.Name != "Auth0" || m.OIDC.GroupsClaim != "roles" || m.OIDC.ClientIDs[0] != "c" {
				t.Errorf("oidc %+v", m.OIDC)
			}
			if m.Lambda.URL != "https://auth.example.com/hook" || *m.Lambda.TTLSeconds != 60 {
				t.Errorf("lambda %+v", m.Lambda)
			}
		},
	}, {
		name:     "rename a model: the table stays, every reference follows",
		resource: `extend type album @rename(to: "Album")`,
		check: func(t *testing.T, s *schema.Schema) {
			m := s.Model("Album")
			if m == nil || s.Model("album") != nil {
				t.Fatalf("models: %v", modelNames(s))
			}
			if m.Table != (schema.TableRef{Name: "album"}) {
				t.Errorf("table %+v", m.Table)
			}
			if r := s.Model("track").Relationship("album"); r.Target != "Album" {
				t.Errorf("track.album targets %s", r.Target)
			}
			if r := s.Model("artist").Relationship("albums"); r.Target != "Album" {
				t.Errorf("artist.albums targets %s", r.Target)
			}
		},
	}, {
		name: "rename fields: columns stay, keys and references follow",
		resource: `extend type album { album_id: Int! @rename(to: "id") artist_id: Int! @rename(to: "artistId") }
extend type track { album_id: Int @rename(to: "albumId") }`,
		check: func(t *testing.T, s *schema.Schema) {
			album := s.Model("album")
			if f := album.Field("id"); f == nil || f.Column != "album_id" || !f.DBGenerated {
				t.Errorf("album.id: %+v", f)
			}
			if !slices.Equal(album.PrimaryKey, []string{"id"}) {
				t.Errorf("key %v", album.PrimaryKey)
			}
			wantRefs(t, album.Relationship("artist"), "artistId")
			wantRefs(t, s.Model("artist").Relationship("albums"), "artistId")
			wantRefs(t, album.Relationship("tracks"), "albumId")
			wantRefs(t, s.Model("track").Relationship("album"), "albumId")
		},
	}, {
		name: "rename an inferred relationship",
		resource: `extend type employee { employees: [employee] @rename(to: "reports") }
extend type employee { reports_to_employee: employee @rename(to: "manager") }`,
		check: func(t *testing.T, s *schema.Schema) {
			e := s.Model("employee")
			if e.Relationship("reports") == nil || e.Relationship("manager") == nil || e.Relationship("employees") != nil {
				t.Errorf("relationships: %v", relNames(e))
			}
		},
	}, {
		name:     "a composite reference",
		resource: `extend type invoice_line { entry: playlist_track @belongsTo(references: ["invoice_id", "track_id"]) }`,
		check: func(t *testing.T, s *schema.Schema) {
			r := s.Model("invoice_line").Relationship("entry")
			wantRefs(t, r, "invoice_id", "track_id")
			if r.Inferred || r.Kind != schema.BelongsTo || r.Target != "playlist_track" {
				t.Errorf("%+v", r)
			}
		},
	}, {
		name: "two relationships between the same models",
		resource: `extend type invoice { billed_to: customer @belongsTo(references: ["customer_id"]) }
extend type customer { billed: [invoice] @hasMany(references: ["customer_id"]) }`,
		check: func(t *testing.T, s *schema.Schema) {
			inv, cust := s.Model("invoice"), s.Model("customer")
			if inv.Relationship("customer") == nil || inv.Relationship("billed_to") == nil {
				t.Errorf("invoice: %v", relNames(inv))
			}
			if cust.Relationship("invoices") == nil || cust.Relationship("billed") == nil {
				t.Errorf("customer: %v", relNames(cust))
			}
		},
	}, {
		name:     "replace an inferred relationship, in place",
		resource: `extend type track { album: album @hasOne(references: ["album_id"]) }`,
		check: func(t *testing.T, s *schema.Schema) {
			tr := s.Model("track")
			if got := relNames(tr); !slices.Equal(got, []string{"invoice_lines", "playlist_tracks", "album", "genre", "media_type"}) {
				t.Errorf("relationships: %v", got)
			}
			if r := tr.Relationship("album"); r.Inferred || r.Kind != schema.HasOne {
				t.Errorf("%+v", r)
			}
		},
	}, {
		name: "old and new names everywhere",
		resource: `extend type album @rename(to: "Album") { title: String! @rename(to: "name") }
extend type Album @auth(rules: [{allow: owner, ownerField: "title"}])
extend type artist { first_album: Album @hasOne(references: ["artist_id"]) }
extend type track { album: Album @belongsTo(references: ["album_id"]) }
type Query { byTitle(t: String!): [album] @sql(statement: "SELECT * FROM album WHERE title = :t") }`,
		check: func(t *testing.T, s *schema.Schema) {
			if got := s.Model("Album").Auth[0].OwnerField; got != "name" {
				t.Errorf("ownerField %q, want the new name", got)
			}
			if r := s.Model("artist").Relationship("first_album"); r.Target != "Album" {
				t.Errorf("first_album targets %s", r.Target)
			}
			if got := s.Queries[0].Returns.String(); got != "[Album]" {
				t.Errorf("byTitle returns %s", got)
			}
		},
	}, {
		name: "custom type, enum, query and mutation with both handlers",
		resource: `enum Mood { HAPPY SAD }
type Stats { n: Int! mood: Mood tracks: [track!] }
type Query { stats(genre: Int, mood: Mood): Stats @sql(statement: "SELECT count(*) AS n FROM track WHERE genre_id = :genre AND x::text = :mood") }
extend type Mutation { touch(id: Int!): AWSJSON @sql(reference: "../sql/touch.sql") }`,
		sql: map[string]string{"sql/touch.sql": "UPDATE track SET name = name WHERE track_id = :id"},
		check: func(t *testing.T, s *schema.Schema) {
			if e := s.Enum("Mood"); e == nil || !slices.Equal(e.Values, []string{"HAPPY", "SAD"}) {
				t.Errorf("enum %+v", e)
			}
			ct := s.Type("Stats")
			if ct == nil || len(ct.Fields) != 3 || ct.Fields[2].Type.String() != "[track!]" {
				t.Fatalf("type %+v", ct)
			}
			q := s.Queries[0]
			if q.Name != "stats" || len(q.Args) != 2 || q.Args[1].Type.Name != "Mood" || q.Returns.Name != "Stats" || q.SQLFile != "" {
				t.Errorf("query %+v", q)
			}
			mu := s.Mutations[0]
			if mu.SQLFile != "../sql/touch.sql" || !strings.Contains(mu.SQL, ":id") || mu.Returns.String() != "AWSJSON" {
				t.Errorf("mutation %+v", mu)
			}
		},
	}, {
		name: "global, model and field rules",
		resource: `extend schema @auth(rules: [{allow: public, provider: apiKey, operations: [read]}])
extend type customer @auth(rules: [{allow: owner, ownerField: "email", identityClaim: "email", operations: [read, update]}, {allow: groups, groups: ["Admin", "Support"]}]) {
  phone: String @auth(rules: [{allow: groups, groupsField: "company", groupClaim: "groups"}])
}
type Query { n: Int @sql(statement: "SELECT 1") @auth(rules: [{allow: custom, provider: function}]) }`,
		check: func(t *testing.T, s *schema.Schema) {
			want := []schema.AuthRule{{Allow: "public", Provider: "apiKey", Operations: []string{"read"}}}
			if !reflect.DeepEqual(s.Auth, want) {
				t.Errorf("global %+v", s.Auth)
			}
			c := s.Model("customer")
			want = []schema.AuthRule{
				{Allow: "owner", OwnerField: "email", IdentityClaim: "email", Operations: []string{"read", "update"}},
				{Allow: "groups", Groups: []string{"Admin", "Support"}},
			}
			if !reflect.DeepEqual(c.Auth, want) {
				t.Errorf("model %+v", c.Auth)
			}
			want = []schema.AuthRule{{Allow: "groups", GroupsField: "company", GroupClaim: "groups"}}
			if got := c.Field("phone").Auth; !reflect.DeepEqual(got, want) {
				t.Errorf("field %+v", got)
			}
			if got := s.Queries[0].Auth; len(got) != 1 || got[0].Provider != "function" {
				t.Errorf("operation %+v", got)
			}
		},
	}, {
		name: "turn operations off",
		resource: `extend type genre @model(timestamps: null, mutations: null, subscriptions: {onDelete: null})
extend type artist @model(queries: {list: null})
extend type artist @model(mutations: {delete: null, create: null})`,
		check: func(t *testing.T, s *schema.Schema) {
			if got := s.Model("genre").Disabled; !slices.Equal(got, []string{"create", "update", "delete", "onDelete"}) {
				t.Errorf("genre %v", got)
			}
			if got := s.Model("artist").Disabled; !slices.Equal(got, []string{"list", "create", "delete"}) {
				t.Errorf("artist %v", got)
			}
		},
	}, {
		name:     "a field repeated with its generated type and nothing else is accepted",
		resource: `extend type playlist_track { playlist_id: Int! track_id: Int! }`,
		check:    func(t *testing.T, s *schema.Schema) {},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := chinook(t, "resource/resource.graphql", tt.resource, tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
}

// TestTransformOutput loads what transform() writes for a TypeScript
// schema (amplify-client-wire.md §9.1, line break inside @auth included)
// as the only file: models are declared in full, without a generated file.
func TestTransformOutput(t *testing.T) {
	s, err := Load("testdata/transform")
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/transform/want.txt", dump(s))
	ev := s.Model("Event")
	if ev == nil || ev.Table.Name != "events" || s.Model("Venue").Table.Name != "venues" {
		t.Fatalf("models %v", modelNames(s))
	}
	if r := ev.Relationship("venue"); r == nil || r.Inferred {
		t.Errorf("venue: %+v", r)
	}
	mu := s.Mutations[0]
	if mu.SQLFile != "./sql/renameEvent.sql" || !strings.HasPrefix(mu.SQL, "UPDATE events") || len(mu.Auth) != 2 {
		t.Errorf("renameEvent: %+v", mu)
	}
}

// TestMergeKeepsBase checks that Merge works on a copy.
func TestMergeKeepsBase(t *testing.T) {
	doc, err := Parse([]File{
		{Path: "schema.sql.graphql", Text: readText(t, chinookPath)},
		{Path: "resource.graphql", Text: `extend type album @rename(to: "Album") { title: String! @rename(to: "name") artist: artist @hasOne(references: ["artist_id"]) }`},
	})
	if err != nil {
		t.Fatal(err)
	}
	base, err := doc.Base()
	if err != nil {
		t.Fatal(err)
	}
	before := dump(base)
	if _, err := Merge(base, doc); err != nil {
		t.Fatal(err)
	}
	if after := dump(base); after != before {
		t.Errorf("Merge changed its base")
	}
}

func wantRefs(t *testing.T, r *schema.Relationship, refs ...string) {
	t.Helper()
	if r == nil {
		t.Errorf("no relationship")
		return
	}
	if !slices.Equal(r.References, refs) {
		t.Errorf("%s references %v, want %v", r.Name, r.References, refs)
	}
}

func modelNames(s *schema.Schema) []string {
	var names []string
	for _, m := range s.Models {
		names = append(names, m.Name)
	}
	return names
}

func relNames(m *schema.Model) []string {
	var names []string
	for _, r := range m.Relationships {
		names = append(names, r.Name)
	}
	return names
}
