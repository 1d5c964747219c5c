package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/mysql"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/sqlgen/sqlite"
	"github.com/quarrydata/quarry/internal/testdb"
)

// chinookNames turns the MySQL/SQLite spelling of Chinook's tables and
// columns (Album.AlbumId) into PostgreSQL's (album.album_id), so one text
// serves every engine. Only whole words change: performersNamed stays.
var chinookNames = map[string]string{
	"AlbumId": "album_id", "ArtistId": "artist_id", "CustomerId": "customer_id", "InvoiceId": "invoice_id",
	"Album": "album", "Artist": "artist", "Invoice": "invoice", "Employee": "employee",
	"Title": "title", "Name": "name",
}

var chinookWord = regexp.MustCompile(`\b[A-Z][A-Za-z]*\b`)

// customResource declares the custom operations under test.
const customResource = `
type Totals {
  albums: Int!
  maxId: Int
  missing: String
}

type Query {
  # A placeholder used twice: both uses must be bound.
  either(id: Int!): [Album] @sql(statement: "SELECT * FROM Album WHERE ArtistId = :id OR AlbumId = :id ORDER BY AlbumId")
  totals(artistId: Int!): Totals @sql(statement: "SELECT count(*) AS albums, max(AlbumId) AS maxId FROM Album WHERE ArtistId = :artistId")
  one(id: Int!): Album @sql(statement: "SELECT * FROM Album WHERE AlbumId = :id")
  howMany: Int @sql(statement: "SELECT count(*) FROM Album")
  firstOne(artistId: Int!): String @sql(statement: "SELECT Title FROM Album WHERE ArtistId = :artistId ORDER BY AlbumId LIMIT 1")
  rows(artistId: Int!): AWSJSON @sql(statement: "SELECT AlbumId, Title FROM Album WHERE ArtistId = :artistId ORDER BY AlbumId")
  # Left out, :artistId binds NULL. PostgreSQL types a parameter at its
  # first use, so the typed use comes first; binding the name once is what
  # lets the second use share that type.
  maybe(artistId: Int): [Album] @sql(statement: "SELECT * FROM Album WHERE ArtistId = :artistId OR (:artistId IS NULL AND AlbumId = 1) ORDER BY AlbumId")
  performersNamed(name: String!): [Artist] @sql(statement: "SELECT * FROM Artist WHERE Name = :name ORDER BY ArtistId")
  echo(s: String!): String @sql(statement: "SELECT :s AS s")
  invoicesOf(customerId: Int!): [Invoice] @sql(statement: "SELECT * FROM Invoice WHERE CustomerId = :customerId ORDER BY InvoiceId")
  staff: [Employee] @sql(statement: "SELECT * FROM Employee")
}

type Mutation {
  retitle(artistId: Int!, suffix: String!): AWSJSON @sql(reference: "sql/retitle.sql")
  addPerformer(id: Int!, name: String!): AWSJSON @sql(statement: "INSERT INTO Artist (ArtistId, Name) VALUES (:id, :name)")
}
`

// retitleSQL is the mutation read from a file; MySQL has no UPDATE ...
// RETURNING (nor || for strings).
var retitleSQL = map[string]string{
	testdb.Postgres: "-- :ignored in a comment\nUPDATE Album SET Title = Title || :suffix WHERE ArtistId = :artistId RETURNING AlbumId, Title;\n",
	testdb.SQLite:   "-- :ignored in a comment\nUPDATE Album SET Title = Title || :suffix WHERE ArtistId = :artistId RETURNING AlbumId, Title;\n",
	testdb.MySQL:    "-- :ignored in a comment\nUPDATE Album SET Title = CONCAT(Title, :suffix) WHERE ArtistId = :artistId;\n",
}

// engineOnly holds operations that only one engine's SQL can express.
var engineOnly = map[string]string{
	testdb.Postgres: `
extend type Query {
  # :: casts and a colon in a literal are not placeholders.
  titleLength(id: Int!): Int @sql(statement: "SELECT length(title::text) FROM album WHERE album_id = :id::int AND 'a:b' <> :id::text")
}
extend type Mutation {
  badRetitle(artistId: Int!): Int @sql(statement: "UPDATE album SET title = 'x' WHERE artist_id = :artistId RETURNING title")
}
`,
	testdb.SQLite: `
extend type Mutation {
  badRetitle(artistId: Int!): Int @sql(statement: "UPDATE Album SET Title = 'x' WHERE ArtistId = :artistId RETURNING Title")
}
`,
}

type customEnv struct {
	e  *Engine
	db *testdb.DB
}

// n spells Chinook names as db's engine does.
func (c *customEnv) n(s string) string {
	if c.db.Engine != testdb.Postgres {
		return s
	}
	return chinookWord.ReplaceAllStringFunc(s, func(w string) string {
		if pg, ok := chinookNames[w]; ok {
			return pg
		}
		return w
	})
}

// loadChinookAPI writes the schema generated from db's catalog beside
// files into a schema folder, loads it with sdl.Load, binds it and builds
// the API, and opens a pool over db as the server opens one.
func loadChinookAPI(tb testing.TB, db *testdb.DB, files map[string]string) (*api.Schema, *connect.DB) {
	tb.Helper()
	ctx := context.Background()
	cat, err := introspect.Read(ctx, db.SQL, db.Engine, introspect.Options{Database: db.Name})
	if err != nil {
		tb.Fatal(err)
	}
	gen, err := schema.FromCatalog(cat, schema.Database{Identifier: "chinook", ConnectionURISecret: "DB_URI"})
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	files["schema.sql.graphql"] = sdl.Print(gen)
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	s, err := sdl.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if err := schema.Bind(s, cat); err != nil {
		tb.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := connect.Parse(db.URI)
	if err != nil {
		tb.Fatal(err)
	}
	conn, err := connect.Open(ctx, cfg, connect.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return a, conn
}

// customChinook loads Chinook into db, writes the generated schema and
// customResource into a schema folder, loads it with sdl.Load and builds
// an engine over a pool opened as the server opens one.
func customChinook(t *testing.T, db *testdb.DB) *customEnv {
	t.Helper()
	db.LoadChinook(t, false)
	c := &customEnv{db: db}
	a, conn := loadChinookAPI(t, db, map[string]string{
		"resource.graphql": c.n(customResource) + engineOnly[db.Engine],
		"sql/retitle.sql":  c.n(retitleSQL[db.Engine]),
	})
	var compiler sqlgen.Compiler
	switch db.Engine {
	case testdb.Postgres:
		compiler = postgres.Compiler{}
	case testdb.MySQL:
		compiler = mysql.Compiler{Flavor: conn.Flavor}
	case testdb.SQLite:
		compiler = sqlite.Compiler{}
	}
	c.e = &Engine{
		API: a,
		Planner: &plan.Builder{API: a, Tokens: plan.NewTokens([]byte("k")),
			Now: func() string { return "2026-11-24T12:00:00.000Z" }, NewID: func() string { return "id" }},
		Compiler: compiler,
		Exec:     exec.New(conn.SQL, exec.Options{}),
		Debug:    true,
	}
	return c
}

// ok serves a request that must succeed and returns its data as JSON text.
func (c *customEnv) ok(t *testing.T, query, vars string) map[string]any {
	t.Helper()
	data, errs := serve(t, c.e, c.n(query), vars)
	if errs != nil {
		t.Fatalf("%s\nerrors: %+v", query, errs)
	}
	return data
}

// ints reads one integer column of a direct query, to compare with.
func (c *customEnv) ints(t *testing.T, query string) []float64 {
	t.Helper()
	rows, err := c.db.SQL.Query(c.n(query))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var n float64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestCustomQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		c := customChinook(t, db)

		t.Run("list of a model, placeholder used twice", func(t *testing.T) {
			data := c.ok(t, `{ either(id: 8) { id: AlbumId Title __typename } }`, "")
			var got []float64
			for _, it := range data["either"].([]any) {
				o := it.(map[string]any)
				if o["__typename"] != c.n("Album") || o["Title"] == nil && o["title"] == nil {
					t.Errorf("item %v", o)
				}
				if len(o) != 3 {
					t.Errorf("item %v has keys the query did not select", o)
				}
				got = append(got, o["id"].(float64))
			}
			want := c.ints(t, "SELECT AlbumId FROM Album WHERE ArtistId = 8 OR AlbumId = 8 ORDER BY AlbumId")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ids %v, want %v", got, want)
			}
			// Both uses matter: album 8 is not by artist 8, the others are.
			byArtist := c.ints(t, "SELECT count(*) FROM Album WHERE ArtistId = 8 AND AlbumId <> 8")
			if len(got) < 2 || byArtist[0] != float64(len(got)-1) {
				t.Errorf("ids %v do not come from both uses of :id", got)
			}
		})

		t.Run("custom type", func(t *testing.T) {
			data := c.ok(t, `{ totals(artistId: 22) { albums maxId n: albums missing __typename } }`, "")
			want := c.ints(t, "SELECT count(*) FROM Album WHERE ArtistId = 22 UNION ALL SELECT max(AlbumId) FROM Album WHERE ArtistId = 22")
			got := data["totals"].(map[string]any)
			if got["albums"] != want[0] || got["n"] != want[0] || got["maxId"] != want[1] || got["missing"] != nil || got["__typename"] != "Totals" {
				t.Errorf("totals = %v, want albums %v, maxId %v", got, want[0], want[1])
			}
			if keys := jsonText(t, got); !strings.Contains(keys, `"missing":null`) {
				t.Errorf("a nullable field the SQL does not return must be null: %s", keys)
			}
		})

		t.Run("single model", func(t *testing.T) {
			data := c.ok(t, `{ one(id: 1) { Title ArtistId } none: one(id: -1) { Title } }`, "")
			want := c.n(`{"none":null,"one":{"ArtistId":1,"Title":"For Those About To Rock We Salute You"}}`)
			if got := jsonText(t, data); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})

		t.Run("scalars", func(t *testing.T) {
			data := c.ok(t, `{ howMany firstOne(artistId: 1) noTitle: firstOne(artistId: -1) }`, "")
			want := `{"firstOne":"For Those About To Rock We Salute You","howMany":347,"noTitle":null}`
			if got := jsonText(t, data); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})

		t.Run("AWSJSON is the rows", func(t *testing.T) {
			data := c.ok(t, `{ rows(artistId: 1) none: rows(artistId: -1) }`, "")
			want := c.n(`[{"AlbumId":1,"Title":"For Those About To Rock We Salute You"},{"AlbumId":4,"Title":"Let There Be Rock"}]`)
			if data["rows"] != want || data["none"] != "[]" {
				t.Errorf("rows = %v, none = %v\nwant %s and []", data["rows"], data["none"], want)
			}
		})

		t.Run("no rows", func(t *testing.T) {
			data := c.ok(t, `{ either(id: -1) { Title } one(id: -1) { Title } firstOne(artistId: -1) }`, "")
			want := c.n(`{"either":[],"firstOne":null,"one":null}`)
			if got := jsonText(t, data); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})

		t.Run("an argument left out binds NULL", func(t *testing.T) {
			data := c.ok(t, `query ($a: Int) { none: maybe { AlbumId } one: maybe(artistId: $a) { AlbumId } some: maybe(artistId: 1) { AlbumId } }`, `{"a": null}`)
			want := c.n(`{"none":[{"AlbumId":1}],"one":[{"AlbumId":1}],"some":[{"AlbumId":1},{"AlbumId":4}]}`)
			if got := jsonText(t, data); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})

		t.Run("values formatted as the model queries format them", func(t *testing.T) {
			for _, tc := range []struct{ model, custom, list, filter string }{
				{"Invoice", `invoicesOf(customerId: 2)`, "listInvoices", `(filter: {CustomerId: {eq: 2}}, limit: 1000)`},
				{"Employee", `staff`, "listEmployees", `(limit: 1000)`},
			} {
				m := c.e.API.IR.Model(c.n(tc.model))
				var sel []string
				for _, f := range m.Fields {
					sel = append(sel, f.Name)
				}
				fields := strings.Join(sel, " ")
				custom := c.ok(t, "{ x: "+tc.custom+" { "+fields+" } }", "")
				listed := c.ok(t, "{ x: "+tc.list+tc.filter+" { items { "+fields+" } } }", "")
				got, want := sortByKey(custom["x"].([]any), m), sortByKey(listed["x"].(map[string]any)["items"].([]any), m)
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Errorf("%s from custom SQL:\n%s\nfrom %s:\n%s", tc.model, jsonText(t, got), tc.list, jsonText(t, want))
				}
			}
		})

		t.Run("relationships of a custom result are refused", func(t *testing.T) {
			_, errs := serve(t, c.e, c.n(`{ one(id: 1) { Title Artist { Name } } }`), "")
			if len(errs) != 1 || errs[0].ErrorType != "ValidationError" || !strings.Contains(errs[0].Message, "cannot be selected from a custom operation's result") {
				t.Errorf("errors = %+v", errs)
			}
		})

		if db.Engine == testdb.Postgres {
			t.Run("casts are not placeholders", func(t *testing.T) {
				data := c.ok(t, `{ titleLength(id: 1) }`, "")
				if data["titleLength"] != float64(len("For Those About To Rock We Salute You")) {
					t.Errorf("titleLength = %v", data["titleLength"])
				}
			})
		}
	})
}

// sortByKey orders a list of objects by the model's primary key, which
// both queries promise, whatever the engine's default order.
func sortByKey(items []any, m *schema.Model) []any {
	key := m.PrimaryKey[0]
	sort.Slice(items, func(i, j int) bool {
		return items[i].(map[string]any)[key].(float64) < items[j].(map[string]any)[key].(float64)
	})
	return items
}

func TestCustomMutations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		c := customChinook(t, db)

		t.Run("from a .sql file, returning AWSJSON", func(t *testing.T) {
			data := c.ok(t, `mutation ($a: Int!, $s: String!) { retitle(artistId: $a, suffix: $s) }`, `{"a": 1, "s": " (live)"}`)
			var rows []map[string]any
			if err := json.Unmarshal([]byte(data["retitle"].(string)), &rows); err != nil {
				t.Fatalf("retitle = %v: %v", data["retitle"], err)
			}
			if db.Engine == testdb.MySQL {
				if len(rows) != 0 {
					t.Errorf("an UPDATE without RETURNING returns no rows, got %v", rows)
				}
			} else {
				got := jsonText(t, sortByKeyName(rows, c.n("AlbumId")))
				want := c.n(`[{"AlbumId":1,"Title":"For Those About To Rock We Salute You (live)"},{"AlbumId":4,"Title":"Let There Be Rock (live)"}]`)
				if got != want {
					t.Errorf("got  %s\nwant %s", got, want)
				}
			}
			data = c.ok(t, `{ rows(artistId: 1) }`, "")
			if !strings.Contains(data["rows"].(string), "Let There Be Rock (live)") {
				t.Errorf("the update did not happen: %v", data["rows"])
			}
		})

		if db.Engine != testdb.MySQL {
			t.Run("a result that does not fit rolls the mutation back", func(t *testing.T) {
				_, errs := serve(t, c.e, `mutation { badRetitle(artistId: 2) }`, "")
				if len(errs) != 1 || !strings.Contains(errs[0].Message, "does not fit the return type Int") {
					t.Fatalf("errors = %+v", errs)
				}
				data := c.ok(t, `{ firstOne(artistId: 2) }`, "")
				if data["firstOne"] == "x" {
					t.Errorf("the failed mutation's update was committed")
				}
			})
		}
	})
}

func sortByKeyName(rows []map[string]any, key string) []map[string]any {
	sort.Slice(rows, func(i, j int) bool { return rows[i][key].(float64) < rows[j][key].(float64) })
	return rows
}

// TestCustomSQLInjection sends hostile text through arguments: it must be
// stored and matched as data, and the table must survive.
func TestCustomSQLInjection(t *testing.T) {
	corpus := []string{
		`'`, `''`, `"`, "`",
		`'; DROP TABLE Artist; --`,
		`"; DROP TABLE Artist; --`,
		"`; DROP TABLE Artist; --",
		`Robert'); DROP TABLE Artist;--`,
		`' OR '1'='1`,
		`' OR 1=1 --`,
		`/* comment */`, `*/ DROP TABLE Artist; /*`,
		`-- comment`, `# comment`,
		`\`, `\'`, `\\'; DROP TABLE Artist; --`, `\"`, `\n\t\0`,
		`%`, `_`, `a%b_c`, `[a-z]*?`,
		`:name`, `:s`, `$1`, `?`, `?1`, `$$ :name $$`,
		"line\nbreak; DROP TABLE Artist;",
		`ünïcödé ☃`, // (Chinook's MySQL NVARCHAR is utf8mb3: no emoji)
	}
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		c := customChinook(t, db)
		before := c.ints(t, "SELECT count(*) FROM Artist")[0]
		for i, s := range corpus {
			id := 10000 + i
			vars := jsonText(t, map[string]any{"id": id, "name": s})
			if data := c.ok(t, `mutation ($id: Int!, $name: String!) { addPerformer(id: $id, name: $name) }`, vars); data["addPerformer"] != "[]" {
				t.Errorf("%q: addPerformer = %v", s, data["addPerformer"])
			}
			data := c.ok(t, `query ($name: String!) { performersNamed(name: $name) { ArtistId Name } echo(s: $name) }`, jsonText(t, map[string]any{"name": s}))
			want := jsonText(t, map[string]any{"echo": s, "performersNamed": []any{map[string]any{c.n("ArtistId"): id, c.n("Name"): s}}})
			if got := jsonText(t, data); got != want {
				t.Errorf("%q:\ngot  %s\nwant %s", s, got, want)
			}
		}
		after := c.ints(t, "SELECT count(*) FROM Artist")[0]
		if after != before+float64(len(corpus)) {
			t.Errorf("Artist has %v rows, want %v + %d", after, before, len(corpus))
		}
	})
}
