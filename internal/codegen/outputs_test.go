package codegen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/testdb"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// chinookCatalog is a PostgreSQL catalog shaped like Chinook, with what
// the outputs must handle: serial keys ("artist_id", so a custom primary
// key) and a key named "id" (genre, person, category), foreign keys that
// give belongsTo, hasMany, hasOne (cover) and a self relationship
// (employee), a composite key with one sort field (playlist_track) and
// with two (shift), a named enum and an array, a computed column and a
// generated non-key column, and table names whose plurals need care
// (category, person, media_type).
func chinookCatalog() *introspect.Catalog {
	col := func(name, typ string, nullable bool) introspect.Column {
		return introspect.Column{Name: name, DataType: typ, ColumnType: typ, Nullable: nullable}
	}
	serial := func(name string) introspect.Column {
		c := col(name, "int4", false)
		c.AutoIncrement = true
		d := "nextval('" + name + "_seq'::regclass)"
		c.Default = &d
		return c
	}
	identity := func(name string) introspect.Column {
		c := col(name, "int8", false)
		c.AutoIncrement, c.Identity = true, "ALWAYS"
		return c
	}
	computed := func(name string) introspect.Column {
		c := col(name, "numeric", true)
		c.Generated = true
		return c
	}
	mood := col("mood", "mood", true)
	// "so-so" is not a GraphQL name: the client must see it as so_so.
	mood.EnumType, mood.EnumValues = "mood", []string{"calm", "energetic", "dark", "so-so"}
	tags := col("tags", "text", true)
	tags.ArrayDims, tags.ColumnType = 1, "text[]"
	fk := func(name, column, table, ref string) introspect.ForeignKey {
		return introspect.ForeignKey{Name: name, Columns: []string{column}, RefTable: table, RefColumns: []string{ref}}
	}
	table := func(name string, key []string, cols []introspect.Column, fks ...introspect.ForeignKey) introspect.Table {
		return introspect.Table{Schema: "public", Name: name, Kind: introspect.KindTable, Columns: cols, PrimaryKey: key, ForeignKeys: fks}
	}
	return &introspect.Catalog{
		Engine: introspect.EnginePostgres, Database: "chinook", Schemas: []string{"public"},
		Enums: []introspect.EnumType{{Schema: "public", Name: "mood", Values: []string{"calm", "energetic", "dark", "so-so"}}},
		Tables: []introspect.Table{
			table("artist", []string{"artist_id"}, []introspect.Column{serial("artist_id"), col("name", "text", true)}),
			table("album", []string{"album_id"},
				[]introspect.Column{serial("album_id"), col("title", "text", false), col("artist_id", "int4", false)},
				fk("album_artist_id_fkey", "artist_id", "artist", "artist_id")),
			table("cover", []string{"album_id"},
				[]introspect.Column{col("album_id", "int4", false), col("url", "text", false)},
				fk("cover_album_id_fkey", "album_id", "album", "album_id")),
			table("genre", []string{"id"}, []introspect.Column{col("id", "int4", false), col("name", "text", true)}),
			table("media_type", []string{"media_type_id"}, []introspect.Column{col("media_type_id", "int4", false), col("name", "text", true)}),
			table("track", []string{"track_id"},
				[]introspect.Column{serial("track_id"), col("name", "text", false), col("album_id", "int4", true),
					col("media_type_id", "int4", false), col("genre_id", "int4", true), col("composer", "text", true),
					col("milliseconds", "int4", false), col("bytes", "int8", true), col("unit_price", "numeric", false),
					mood, tags},
				fk("track_album_id_fkey", "album_id", "album", "album_id"),
				fk("track_genre_id_fkey", "genre_id", "genre", "id"),
				fk("track_media_type_id_fkey", "media_type_id", "media_type", "media_type_id")),
			table("employee", []string{"employee_id"},
				[]introspect.Column{col("employee_id", "int4", false), col("last_name", "text", false),
					col("reports_to", "int4", true), col("birth_date", "timestamp", true), col("email", "text", true)},
				fk("employee_reports_to_fkey", "reports_to", "employee", "employee_id")),
			table("customer", []string{"customer_id"},
				[]introspect.Column{serial("customer_id"), col("first_name", "text", false), col("email", "text", false),
					col("support_rep_id", "int4", true), col("owner", "text", true)},
				fk("customer_support_rep_id_fkey", "support_rep_id", "employee", "employee_id")),
			table("invoice", []string{"invoice_id"},
				[]introspect.Column{serial("invoice_id"), col("customer_id", "int4", false),
					col("invoice_date", "timestamptz", false), col("total", "numeric", false), identity("seq")},
				fk("invoice_customer_id_fkey", "customer_id", "customer", "customer_id")),
			table("invoice_line", []string{"invoice_line_id"},
				[]introspect.Column{serial("invoice_line_id"), col("invoice_id", "int4", false), col("track_id", "int4", false),
					col("unit_price", "numeric", false), col("quantity", "int4", false), computed("line_total")},
				fk("invoice_line_invoice_id_fkey", "invoice_id", "invoice", "invoice_id"),
				fk("invoice_line_track_id_fkey", "track_id", "track", "track_id")),
			table("playlist", []string{"playlist_id"}, []introspect.Column{col("playlist_id", "int4", false), col("name", "text", true)}),
			table("playlist_track", []string{"playlist_id", "track_id"},
				[]introspect.Column{col("playlist_id", "int4", false), col("track_id", "int4", false)},
				fk("playlist_track_playlist_id_fkey", "playlist_id", "playlist", "playlist_id"),
				fk("playlist_track_track_id_fkey", "track_id", "track", "track_id")),
			table("shift", []string{"store_id", "day", "slot"},
				[]introspect.Column{col("store_id", "int4", false), col("day", "date", false), col("slot", "int4", false),
					col("note", "text", true), computed("hours")}),
			table("category", []string{"id"}, []introspect.Column{col("id", "uuid", false), col("label", "text", false)}),
			table("person", []string{"id"}, []introspect.Column{col("id", "int4", false), col("name", "text", false)}),
		},
	}
}

// chinook is the IR for chinookCatalog plus what the SDL layer adds on
// top of a catalog: auth rules (global, and a model's own with owner,
// groups and an identity pool), disabled operations (some of a group, and
// a whole group), a custom type and custom queries and mutations that
// return scalars, enums, lists, custom types and models.
func chinook(t *testing.T) *schema.Schema {
	t.Helper()
	s, err := schema.FromCatalog(chinookCatalog(), schema.Database{Identifier: "IDchinook", ConnectionURISecret: "CONN"})
	if err != nil {
		t.Fatal(err)
	}
	s.Auth = []schema.AuthRule{{Allow: "public", Provider: "apiKey"}}
	s.Model("customer").Auth = []schema.AuthRule{
		{Allow: "owner"},
		{Allow: "groups", Groups: []string{"Admin", "Support"}, Operations: []string{"read", "update"}},
		{Allow: "private", Provider: "identityPool", Operations: []string{"read"}},
		{Allow: "public", Provider: "apiKey"},
	}
	s.Model("playlist_track").Disabled = []string{"update", "onUpdate"}
	s.Model("category").Disabled = []string{"onCreate", "onUpdate", "onDelete"}
	s.Types = []*schema.CustomType{{Name: "TrackStats", Fields: []*schema.TypeField{
		{Name: "count", Type: schema.TypeRef{Name: schema.Int, Required: true}},
		{Name: "longest", Type: schema.TypeRef{Name: schema.Int}},
		{Name: "moods", Type: schema.TypeRef{Name: "TrackMood", List: true, ElemRequired: true}},
	}}}
	s.Queries = []*schema.Operation{
		{
			Name:    "trackStats",
			Args:    []*schema.TypeField{{Name: "genre_id", Type: schema.TypeRef{Name: schema.Int, Required: true}}},
			Returns: schema.TypeRef{Name: "TrackStats"},
			SQL:     "SELECT count(*) AS count, max(milliseconds) AS longest FROM track WHERE genre_id = :genre_id",
		},
		{
			Name:    "tracksByComposer",
			Args:    []*schema.TypeField{{Name: "composer", Type: schema.TypeRef{Name: schema.String, Required: true}}},
			Returns: schema.TypeRef{Name: "track", List: true},
			SQL:     "SELECT * FROM track WHERE composer = :composer",
		},
		{
			Name: "moodsOf",
			Args: []*schema.TypeField{
				{Name: "ids", Type: schema.TypeRef{Name: schema.Int, List: true, Required: true, ElemRequired: true}},
				{Name: "at_least", Type: schema.TypeRef{Name: "TrackMood"}},
			},
			Returns: schema.TypeRef{Name: "TrackMood", List: true, Required: true},
			SQL:     "SELECT mood FROM track WHERE track_id = ANY(:ids)",
		},
		{Name: "serverTime", Returns: schema.TypeRef{Name: schema.AWSDateTime, Required: true}, SQL: "SELECT now()"},
	}
	s.Mutations = []*schema.Operation{
		{
			Name: "renameArtist",
			Args: []*schema.TypeField{
				{Name: "artist_id", Type: schema.TypeRef{Name: schema.Int, Required: true}},
				{Name: "name", Type: schema.TypeRef{Name: schema.String, Required: true}},
			},
			Returns: schema.TypeRef{Name: schema.AWSJSON},
			SQLFile: "./sql/renameArtist.sql",
		},
		{
			Name: "setMood",
			Args: []*schema.TypeField{
				{Name: "track_id", Type: schema.TypeRef{Name: schema.Int, Required: true}},
				{Name: "mood", Type: schema.TypeRef{Name: "TrackMood", Required: true}},
			},
			Returns: schema.TypeRef{Name: "track"},
			SQL:     "UPDATE track SET mood = :mood WHERE track_id = :track_id RETURNING *",
		},
	}
	return s
}

func testOutputs() Outputs {
	return Outputs{
		URL: "https://quarry.example:8443/graphql?stage=test&v=1", Region: "eu-west-1", APIKey: "da2-quarrytest",
		DefaultAuthType: "API_KEY", AuthTypes: []string{"AMAZON_COGNITO_USER_POOLS", "AWS_IAM"},
	}
}

func mustOutputs(t *testing.T, s *schema.Schema, o Outputs) []byte {
	t.Helper()
	out, err := OutputsJSON(s, o)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOutputsGolden(t *testing.T) {
	s := chinook(t)
	if _, err := api.Build(s); err != nil {
		t.Fatalf("the fixture must be a schema Quarry serves: %v", err)
	}
	out := mustOutputs(t, s, testOutputs())
	if !json.Valid(out) {
		t.Fatalf("not JSON:\n%s", out)
	}
	// Same IR, same bytes: nothing may depend on map order.
	for range 5 {
		if again := mustOutputs(t, chinook(t), testOutputs()); !bytes.Equal(again, out) {
			t.Fatal("output differs between runs")
		}
	}
	golden.Assert(t, "testdata/amplify_outputs.json", string(out))
}

// decode returns the output as generic JSON, for assertions by path.
func decode(t *testing.T, out []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// at follows a path of object keys and array indexes ("0").
func at(t *testing.T, v any, path string) any {
	t.Helper()
	for _, k := range strings.Split(path, "/") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("%s: no key %q", path, k)
			}
		case []any:
			i := int(k[0] - '0')
			if len(k) != 1 || i >= len(x) {
				t.Fatalf("%s: bad index %q", path, k)
			}
			v = x[i]
		default:
			t.Fatalf("%s: %q of a %T", path, k, v)
		}
	}
	return v
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOutputsShape(t *testing.T) {
	out := mustOutputs(t, chinook(t), testOutputs())
	// The URL is written as is, without encoding/json's HTML escapes.
	if !bytes.Contains(out, []byte(`"url": "https://quarry.example:8443/graphql?stage=test&v=1"`)) {
		t.Errorf("url not verbatim:\n%s", out[:300])
	}
	v := decode(t, out)
	mi := at(t, v, "data/model_introspection")
	tests := []struct{ path, want string }{
		{"version", `"1.4"`},
		{"data/api_key", `"da2-quarrytest"`},
		{"data/authorization_types", `["AMAZON_COGNITO_USER_POOLS","AWS_IAM"]`},
		// Enums are {"enum": X}, whether the field says IsEnum or not.
		{"data/model_introspection/models/track/fields/mood/type", `{"enum":"TrackMood"}`},
		{"data/model_introspection/enums/TrackMood", `{"name":"TrackMood","values":["calm","energetic","dark","so_so"]}`},
		{"data/model_introspection/models/track/fields/tags", `{"attributes":[],"isArray":true,"isArrayNullable":true,"isRequired":false,"name":"tags","type":"String"}`},
		// Computed and generated non-key columns are read-only; a
		// generated key is not, as update names the row by it.
		{"data/model_introspection/models/invoice_line/fields/line_total/isReadOnly", `true`},
		{"data/model_introspection/models/invoice/fields/seq/isReadOnly", `true`},
		{"data/model_introspection/models/shift/fields/hours/isReadOnly", `true`},
		{"data/model_introspection/models/track/fields/album", `{"association":{"connectionType":"BELONGS_TO","targetNames":["album_id"]},"attributes":[],"isArray":false,"isRequired":false,"name":"album","type":{"model":"album"}}`},
		{"data/model_introspection/models/album/fields/tracks/association", `{"associatedWith":["album_id"],"connectionType":"HAS_MANY"}`},
		{"data/model_introspection/models/album/fields/cover/association", `{"associatedWith":["album_id"],"connectionType":"HAS_ONE"}`},
		{"data/model_introspection/models/album/fields/cover/isArray", `false`},
		{"data/model_introspection/models/genre/primaryKeyInfo", `{"isCustomPrimaryKey":false,"primaryKeyFieldName":"id","sortKeyFieldNames":[]}`},
		{"data/model_introspection/models/album/primaryKeyInfo", `{"isCustomPrimaryKey":true,"primaryKeyFieldName":"album_id","sortKeyFieldNames":[]}`},
		{"data/model_introspection/models/shift/primaryKeyInfo", `{"isCustomPrimaryKey":true,"primaryKeyFieldName":"store_id","sortKeyFieldNames":["day","slot"]}`},
		{"data/model_introspection/models/shift/attributes/1", `{"properties":{"fields":["store_id","day","slot"]},"type":"key"}`},
		{"data/model_introspection/models/playlist_track/attributes/0/properties", `{"mutations":{"update":null},"subscriptions":{"onUpdate":null}}`},
		{"data/model_introspection/models/category/attributes/0/properties", `{"subscriptions":null}`},
		{"data/model_introspection/models/artist/attributes/2/properties/rules", `[{"allow":"public","operations":["create","update","delete","read"],"provider":"apiKey"}]`},
		{"data/model_introspection/models/customer/attributes/2/properties/rules/0", `{"allow":"owner","operations":["create","update","delete","read"],"ownerField":"owner","provider":"userPools"}`},
		{"data/model_introspection/models/customer/attributes/2/properties/rules/1", `{"allow":"groups","groups":["Admin","Support"],"operations":["read","update"],"provider":"userPools"}`},
		{"data/model_introspection/models/customer/attributes/2/properties/rules/2", `{"allow":"private","operations":["read"],"provider":"identityPool"}`},
		{"data/model_introspection/nonModels/TrackStats/fields/moods", `{"attributes":[],"isArray":true,"isArrayNullable":true,"isRequired":true,"name":"moods","type":{"enum":"TrackMood"}}`},
		{"data/model_introspection/queries/trackStats/type", `{"nonModel":"TrackStats"}`},
		{"data/model_introspection/queries/tracksByComposer", `{"arguments":{"composer":{"isArray":false,"isRequired":true,"name":"composer","type":"String"}},"isArray":true,"isArrayNullable":true,"isRequired":false,"name":"tracksByComposer","type":{"model":"track"}}`},
		{"data/model_introspection/queries/moodsOf/arguments/ids", `{"isArray":true,"isArrayNullable":false,"isRequired":true,"name":"ids","type":"Int"}`},
		{"data/model_introspection/queries/moodsOf/arguments/at_least/type", `{"enum":"TrackMood"}`},
		{"data/model_introspection/queries/serverTime", `{"isArray":false,"isRequired":true,"name":"serverTime","type":"AWSDateTime"}`},
		{"data/model_introspection/mutations/setMood/type", `{"model":"track"}`},
	}
	for _, tt := range tests {
		if got := jsonText(t, at(t, v, tt.path)); got != tt.want {
			t.Errorf("%s = %s\nwant %s", tt.path, got, tt.want)
		}
	}
	for _, path := range []string{"models/album/fields/album_id", "models/track/fields/name"} {
		if _, ok := at(t, mi, path).(map[string]any)["isReadOnly"]; ok {
			t.Errorf("%s is read-only", path)
		}
	}

	// Without an API key the key is left out, not written empty.
	o := testOutputs()
	o.APIKey = ""
	if _, ok := at(t, decode(t, mustOutputs(t, chinook(t), o)), "data").(map[string]any)["api_key"]; ok {
		t.Error("api_key written without a key")
	}
}

// TestOutputsKeyOrder checks the order of the keys the file is read by,
// which map-based encoding would sort.
func TestOutputsKeyOrder(t *testing.T) {
	out := string(mustOutputs(t, chinook(t), testOutputs()))
	order := []string{`"version": "1.4"`, `"data"`, `"url"`, `"aws_region"`, `"api_key"`, `"default_authorization_type"`,
		`"authorization_types"`, `"model_introspection"`, `"version": 1`, `"models"`, `"artist": {`, `"album": {`,
		"\n      \"enums\"", "\n      \"nonModels\"", "\n      \"queries\"", "\n      \"mutations\""}
	last := -1
	for _, k := range order {
		i := strings.Index(out, k)
		if i < last {
			t.Errorf("%s comes before what precedes it", k)
		}
		last = i
	}
	if !strings.HasPrefix(out, "{\n  \"version\": \"1.4\",\n  \"data\": {\n    \"url\"") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("not indented by two spaces:\n%s", out[:200])
	}
}

// TestPluralNameMatchesAPI checks that the list field the client derives
// from name and pluralName ("list" + pluralName with its first letter
// upper-cased, generateGraphQLDocument) is the one api.Build serves, for
// names whose case or plural could make them differ.
func TestPluralNameMatchesAPI(t *testing.T) {
	names := []string{"event", "category", "Person", "media_type", "MediaType", "PlaylistTrack",
		"status", "box", "employees", "data", "_private", "x", "quiz", "Analysis"}
	s := &schema.Schema{Auth: []schema.AuthRule{{Allow: "public"}}}
	for _, n := range names {
		s.Models = append(s.Models, &schema.Model{Name: n, PrimaryKey: []string{"id"},
			Fields: []*schema.Field{{Name: "id", Type: schema.Int, Required: true}}})
	}
	check := func(t *testing.T, s *schema.Schema) {
		t.Helper()
		a, err := api.Build(s)
		if err != nil {
			t.Fatal(err)
		}
		models := at(t, decode(t, mustOutputs(t, s, testOutputs())), "data/model_introspection/models").(map[string]any)
		for _, m := range s.Models {
			plural := at(t, models, m.Name+"/pluralName").(string)
			field := "list" + jsUpperFirst(plural)
			r, ok := a.Query[field]
			if !ok || r.Kind != api.List || r.Model != m {
				t.Errorf("model %s: pluralName %q makes the client query %s, which the API does not serve as its list", m.Name, plural, field)
			}
		}
	}
	check(t, s)
	check(t, chinook(t))
}

// jsUpperFirst is the client's name.charAt(0).toUpperCase() +
// name.slice(1), written independently of the code under test.
func jsUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func TestOutputsErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *schema.Schema, o *Outputs)
		want   string
	}{
		{"no URL", func(_ *schema.Schema, o *Outputs) { o.URL = "" }, "URL"},
		{"no default auth", func(_ *schema.Schema, o *Outputs) { o.DefaultAuthType = "" }, `default authorization type ""`},
		{"NONE", func(_ *schema.Schema, o *Outputs) { o.DefaultAuthType = "NONE" }, `"NONE" is not one of`},
		{"bad auth type", func(_ *schema.Schema, o *Outputs) { o.AuthTypes = []string{"IAM"} }, `"IAM"`},
		{"relationship target", func(s *schema.Schema, _ *Outputs) { s.Model("album").Relationships[0].Target = "nope" }, "no model nope"},
		{"reference field", func(s *schema.Schema, _ *Outputs) { s.Model("album").Relationships[0].References = []string{"x"} }, "album has no field x"},
		{"unknown type", func(s *schema.Schema, _ *Outputs) { s.Queries[0].Returns.Name = "Nope" }, "unknown type Nope"},
		{"object argument", func(s *schema.Schema, _ *Outputs) { s.Queries[0].Args[0].Type.Name = "TrackStats" }, "not an input type"},
		{"enum not defined", func(s *schema.Schema, _ *Outputs) { s.Enums = nil }, "no enum TrackMood"},
		{"owner field missing", func(s *schema.Schema, _ *Outputs) { s.Model("artist").Auth = []schema.AuthRule{{Allow: "owner"}} }, "field owner"},
		{"groups field missing", func(s *schema.Schema, _ *Outputs) {
			s.Model("artist").Auth = []schema.AuthRule{{Allow: "groups", GroupsField: "editors"}}
		}, "field editors"},
		{"unknown rule", func(s *schema.Schema, _ *Outputs) { s.Auth[0] = schema.AuthRule{Allow: "everyone"} }, `"everyone"`},
		{"unknown disabled", func(s *schema.Schema, _ *Outputs) { s.Model("artist").Disabled = []string{"sync"} }, `"sync"`},
		{"no key", func(s *schema.Schema, _ *Outputs) { s.Model("artist").PrimaryKey = nil }, "no primary key"},
		{"name clash", func(s *schema.Schema, _ *Outputs) { s.Model("album").Relationships[0].Name = "title" }, "name of a field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := chinook(t), testOutputs()
			tt.change(s, &o)
			_, err := OutputsJSON(s, o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %s", err, tt.want)
			}
		})
	}
}

// clientCall is one request the client made, as outputs-check.mjs
// records it.
type clientCall struct {
	URL       string         `json:"url"`
	APIKey    string         `json:"apiKey"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
	Error     string         `json:"error"`
}

type clientReport struct {
	Models map[string]struct {
		Functions []string              `json:"functions"`
		Calls     map[string]clientCall `json:"calls"`
	} `json:"models"`
	Queries   map[string]clientCall `json:"queries"`
	Mutations map[string]clientCall `json:"mutations"`
	Enums     map[string][]string   `json:"enums"`
}

// TestOutputsWithRealClient feeds the file to aws-amplify 6.22.1
// (Amplify.configure, generateClient from aws-amplify/data) through
// tests/node/outputs-check.mjs, and checks that every model gets its
// operations (less the disabled ones), that every request goes to the
// URL with the API key, and that every document the client writes, and
// the variables it sends, validate against the schema api.Build serves,
// with the root field api.Build maps back to the right model.
func TestOutputsWithRealClient(t *testing.T) {
	nodeDir := filepath.Join(repoRoot(t), "tests", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "aws-amplify")); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		testdb.Unreachable(t, "node", err)
	}
	s := chinook(t)
	served, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	o := testOutputs()
	file := filepath.Join(t.TempDir(), "amplify_outputs.json")
	if err := os.WriteFile(file, mustOutputs(t, s, o), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(nodeDir, "outputs-check.mjs"), file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s\n%s", err, out, stderr.String())
	}
	var report clientReport
	if err := json.Unmarshal([]byte(lastLine(out)), &report); err != nil {
		t.Fatalf("node printed %q: %v\nstderr: %s", out, err, stderr.String())
	}

	checkCall := func(t *testing.T, c clientCall, op ast.Operation, want func(api.Root) bool) {
		t.Helper()
		if c.Error != "" {
			t.Fatalf("client error: %s", c.Error)
		}
		if c.URL != o.URL || c.APIKey != o.APIKey {
			t.Errorf("sent to %s with key %q, want %s with %q", c.URL, c.APIKey, o.URL, o.APIKey)
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: c.Query})
		if err != nil {
			t.Fatalf("%v\n%s", err, c.Query)
		}
		if errs := validator.ValidateWithRules(served.AST, doc, nil); len(errs) > 0 {
			t.Fatalf("document does not validate: %v\n%s", errs, c.Query)
		}
		def := doc.Operations[0]
		if def.Operation != op {
			t.Errorf("a %s, want a %s:\n%s", def.Operation, op, c.Query)
		}
		field := def.SelectionSet[0].(*ast.Field).Name
		if r, ok := served.Root(def.Operation, field); !ok || !want(r) {
			t.Errorf("root field %s is %+v", field, r)
		}
		if _, err := validator.VariableValues(served.AST, def, c.Variables); err != nil {
			t.Errorf("variables %v: %v\n%s", c.Variables, err, c.Query)
		}
	}

	kinds := map[string]api.Kind{"list": api.List, "get": api.Get, "create": api.Create, "update": api.Update, "delete": api.Delete}
	opTypes := map[string]ast.Operation{"list": ast.Query, "get": ast.Query, "create": ast.Mutation, "update": ast.Mutation, "delete": ast.Mutation}
	for _, m := range s.Models {
		t.Run(m.Name, func(t *testing.T) {
			got, ok := report.Models[m.Name]
			if !ok || len(got.Functions) == 0 {
				t.Fatalf("client.models.%s missing", m.Name)
			}
			var want []string
			for _, op := range []string{"create", "delete", "get", "list", "observeQuery", "onCreate", "onDelete", "onUpdate", "update"} {
				if !slices.Contains(m.Disabled, op) {
					want = append(want, op)
				}
			}
			if !slices.Equal(got.Functions, want) {
				t.Errorf("client.models.%s has %v, want %v", m.Name, got.Functions, want)
			}
			for op, kind := range kinds {
				c, called := got.Calls[op]
				if slices.Contains(m.Disabled, op) {
					if called {
						t.Errorf("%s is disabled but was called", op)
					}
					continue
				}
				if !called {
					t.Errorf("%s was not called", op)
					continue
				}
				t.Run(op, func(t *testing.T) {
					checkCall(t, c, opTypes[op], func(r api.Root) bool { return r.Kind == kind && r.Model == m })
				})
			}
			// The client must drop read-only fields from updates itself.
			if c, ok := got.Calls["update"]; ok {
				input, _ := c.Variables["input"].(map[string]any)
				for _, f := range m.Fields {
					_, sent := input[f.Name]
					if ro := f.ReadOnly || (f.DBGenerated && !slices.Contains(m.PrimaryKey, f.Name)); ro == sent {
						t.Errorf("update input has %s: %v; read-only: %v", f.Name, sent, ro)
					}
				}
			}
		})
	}
	for _, g := range []struct {
		op    ast.Operation
		ops   []*schema.Operation
		calls map[string]clientCall
	}{{ast.Query, s.Queries, report.Queries}, {ast.Mutation, s.Mutations, report.Mutations}} {
		for _, op := range g.ops {
			t.Run(op.Name, func(t *testing.T) {
				c, ok := g.calls[op.Name]
				if !ok {
					t.Fatal("not called")
				}
				checkCall(t, c, g.op, func(r api.Root) bool { return r.Operation == op })
			})
		}
	}
	for _, e := range s.Enums {
		if got := report.Enums[e.Name]; !slices.Equal(got, e.Values) {
			t.Errorf("client.enums.%s.values() = %v, want %v", e.Name, got, e.Values)
		}
	}
}

func lastLine(out []byte) string {
	var last string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			last = sc.Text()
		}
	}
	return last
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("go.mod not found")
		}
		dir = filepath.Dir(dir)
	}
}
