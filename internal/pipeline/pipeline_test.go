package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen/postgres"
	"github.com/quarrydata/quarry/internal/testdb"
)

func chinookEngine(t *testing.T) (*Engine, *testdb.DB) {
	t.Helper()
	db := testdb.New(t, testdb.Postgres)
	db.LoadChinook(t, true)
	cat, err := introspect.Read(context.Background(), db.SQL, introspect.EnginePostgres, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return &Engine{
		API: a,
		Planner: &plan.Builder{API: a, Tokens: plan.NewTokens([]byte("k")),
			Now: func() string { return "2026-11-24T12:00:00.000Z" }, NewID: func() string { return "id" }},
		Compiler: postgres.Compiler{},
		Exec:     exec.New(db.SQL, exec.Options{}),
	}, db
}

func serve(t *testing.T, e *Engine, query string, vars string) (map[string]any, []Error) {
	t.Helper()
	resp := e.Serve(context.Background(), Request{Query: query, Variables: json.RawMessage(vars)}, "test", auth.Identity{Provider: auth.ProviderAPIKey})
	var data map[string]any
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatalf("data is not JSON: %v\n%s", err, resp.Data)
	}
	return data, resp.Errors
}

const listAlbums = `query ($filter: ModelAlbumFilterInput, $limit: Int, $nextToken: String) { listAlbums(filter: $filter, limit: $limit, nextToken: $nextToken) { items { album_id title } nextToken __typename } }`

func TestListPagesWithoutGapsOrRepeats(t *testing.T) {
	e, db := chinookEngine(t)
	var want int
	if err := db.SQL.QueryRow("SELECT count(*) FROM album WHERE title LIKE 'The%'").Scan(&want); err != nil {
		t.Fatal(err)
	}
	seen := map[float64]bool{}
	tok := ""
	for i := 0; ; i++ {
		vars, _ := json.Marshal(map[string]any{
			"filter": map[string]any{"title": map[string]any{"beginsWith": "The"}}, "limit": 7, "nextToken": tok,
			// The client sends these even though the document does not declare them.
			"sortDirection": "ASC", "album_id": nil,
		})
		data, errs := serve(t, e, listAlbums, string(vars))
		if errs != nil {
			t.Fatalf("page %d: %+v", i, errs)
		}
		p := data["listAlbums"].(map[string]any)
		if p["__typename"] != "ModelAlbumConnection" {
			t.Errorf("__typename = %v", p["__typename"])
		}
		if i == 3 {
			// A row inserted behind the cursor meanwhile must not shift pages.
			db.Exec(t, "INSERT INTO album (title, artist_id) VALUES ('The Early One', 1)")
		}
		for _, it := range p["items"].([]any) {
			id := it.(map[string]any)["album_id"].(float64)
			if seen[id] {
				t.Fatalf("album %v twice", id)
			}
			seen[id] = true
		}
		if p["nextToken"] == nil {
			break
		}
		tok = p["nextToken"].(string)
	}
	// The new album has the highest id, so it lands on the last page.
	if len(seen) != want+1 {
		t.Errorf("saw %d albums, want %d", len(seen), want+1)
	}
}

// TestResponseCountsRows: the access log's row count is the rows the
// request read.
func TestResponseCountsRows(t *testing.T) {
	e, _ := chinookEngine(t)
	resp := e.Serve(context.Background(), Request{Query: `{ a: listAlbums(limit: 7) { items { title } nextToken } b: listArtists(limit: 3) { items { name } } }`}, "test", auth.Identity{Provider: auth.ProviderAPIKey})
	// A page that selects nextToken reads one row past its limit, to know
	// whether another follows; one that does not reads its page only.
	if len(resp.Errors) > 0 || resp.Rows != 8+3 {
		t.Errorf("rows %d, errors %+v; want 11", resp.Rows, resp.Errors)
	}
}

func TestForgedNextTokenIsRefused(t *testing.T) {
	e, _ := chinookEngine(t)
	_, errs := serve(t, e, listAlbums, `{"limit": 2, "nextToken": "eyJhIjpbMV0sInEiOiJ4In0.AAAAAAAAAAAAAAAAAAAAAA"}`)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "nextToken is not valid") {
		t.Fatalf("errors = %+v", errs)
	}
}

func TestGetWithNestedRelationships(t *testing.T) {
	e, _ := chinookEngine(t)
	data, errs := serve(t, e, `query ($album_id: Int!) { getAlbum(album_id: $album_id) { title artist { name } tracks(limit: 2) { items { name genre { name } } } } }`, `{"album_id": 1}`)
	if errs != nil {
		t.Fatalf("%+v", errs)
	}
	got, _ := json.Marshal(data)
	want := `{"getAlbum":{"artist":{"name":"AC/DC"},"title":"For Those About To Rock We Salute You","tracks":{"items":[{"genre":{"name":"Rock"},"name":"For Those About To Rock (We Salute You)"},{"genre":{"name":"Rock"},"name":"Put The Finger On You"}]}}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMutations(t *testing.T) {
	e, _ := chinookEngine(t)
	data, errs := serve(t, e, `mutation ($input: CreateArtistInput!) { createArtist(input: $input) { artist_id name } }`, `{"input": {"name": "Quarry Quartet"}}`)
	if errs != nil {
		t.Fatalf("create: %+v", errs)
	}
	created := data["createArtist"].(map[string]any)
	if created["artist_id"].(float64) != 276 {
		t.Fatalf("created %v, want the generated id 276", created)
	}
	_, errs = serve(t, e, `mutation ($input: UpdateArtistInput!, $condition: ModelArtistConditionInput) { updateArtist(input: $input, condition: $condition) { name } }`,
		`{"input": {"artist_id": 276, "name": "X"}, "condition": {"name": {"eq": "someone else"}}}`)
	if len(errs) != 1 || errs[0].ErrorType != "ConditionalCheckFailedException" {
		t.Fatalf("update with a false condition: %+v", errs)
	}
	data, errs = serve(t, e, `mutation ($input: DeleteArtistInput!) { deleteArtist(input: $input) { artist_id name } }`, `{"input": {"artist_id": 276}}`)
	if errs != nil || data["deleteArtist"].(map[string]any)["name"] != "Quarry Quartet" {
		t.Fatalf("delete: %v %+v", data, errs)
	}
	_, errs = serve(t, e, `mutation ($input: DeleteArtistInput!) { deleteArtist(input: $input) { artist_id } }`, `{"input": {"artist_id": 276}}`)
	if len(errs) != 1 || errs[0].Message != qerr.GenericMessage && !strings.Contains(errs[0].Message, "conditional") {
		t.Fatalf("deleting a missing row: %+v", errs)
	}
}

func TestValidationErrorsAndIntrospection(t *testing.T) {
	e, _ := chinookEngine(t)
	_, errs := serve(t, e, `{ listAlbums { items { nope } } }`, `{}`)
	if len(errs) != 1 || len(errs[0].Locations) == 0 || !strings.Contains(errs[0].Message, "nope") {
		t.Fatalf("errors = %+v", errs)
	}
	data, errs := serve(t, e, `{ __schema { queryType { name } types { name kind } } __type(name: "album") { fields { name type { kind name ofType { name } } } } }`, `{}`)
	if errs != nil {
		t.Fatalf("%+v", errs)
	}
	if data["__schema"].(map[string]any)["queryType"].(map[string]any)["name"] != "Query" {
		t.Errorf("queryType = %v", data["__schema"])
	}
	fields := data["__type"].(map[string]any)["fields"].([]any)
	if len(fields) < 3 {
		t.Errorf("album fields = %v", fields)
	}
}

// TestNotKeepsRowsWithoutAValue: like ne, not keeps rows whose column is
// NULL (AppSync's semantics), where SQL's NOT would drop them.
func TestNotKeepsRowsWithoutAValue(t *testing.T) {
	e, db := chinookEngine(t)
	var want int
	if err := db.SQL.QueryRow("SELECT count(*) FROM track WHERE album_id = 23 AND composer IS DISTINCT FROM 'Chico Buarque'").Scan(&want); err != nil {
		t.Fatal(err)
	}
	for _, filter := range []string{
		`{"album_id": {"eq": 23}, "not": {"composer": {"eq": "Chico Buarque"}}}`,
		`{"album_id": {"eq": 23}, "composer": {"ne": "Chico Buarque"}}`,
	} {
		data, errs := serve(t, e, `query ($filter: ModelTrackFilterInput) { listTracks(filter: $filter) { items { track_id } } }`, `{"filter": `+filter+`}`)
		if errs != nil {
			t.Fatalf("%s: %+v", filter, errs)
		}
		if got := len(data["listTracks"].(map[string]any)["items"].([]any)); got != want {
			t.Errorf("%s: %d rows, want %d", filter, got, want)
		}
	}
}

// TestFragmentBombIsRefused: each fragment level doubles the selection; a
// 2 KB document must be refused quickly, not planned into gigabytes of SQL.
func TestFragmentBombIsRefused(t *testing.T) {
	e, _ := chinookEngine(t)
	var doc strings.Builder
	doc.WriteString("query { getArtist(artist_id: 1) { ...F16 } }\n")
	doc.WriteString("fragment F0 on artist { name }\n")
	for k := 1; k <= 16; k++ {
		fmt.Fprintf(&doc, "fragment F%d on artist { a: albums { items { artist { ...F%d } } } b: albums { items { artist { ...F%d } } } }\n", k, k-1, k-1)
	}
	start := time.Now()
	_, errs := serve(t, e, doc.String(), `{}`)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "more than") {
		t.Fatalf("errors = %+v", errs)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing took %v", d)
	}
}
