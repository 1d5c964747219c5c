package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/exec"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqlite"
	"github.com/quarrydata/quarry/internal/testdb"
)

// fuzzMarker is planted in the seeds' string values. '~' is not a
// GraphQL punctuator and cannot be part of a name, so in a document that
// parses it can only sit inside a string (or a comment); in variables it
// can only be a value or a key no input type declares. SQL text that
// contains it was built from request data instead of binding it.
const fuzzMarker = "~qz~"

// maxFuzzInput bounds the document and the variables. gqlparser's
// validation is quadratic in repeated aliases (20,000 copies of `t: title`
// take 19 s) until the pipeline bounds documents before validating them;
// without the cap the fuzzer spends its time on those inputs.
const maxFuzzInput = 4 << 10

// fuzzResource declares custom operations, so that the custom SQL path
// (placeholders bound as arguments) is fuzzed too.
const fuzzResource = `
type Query {
  echo(s: String!): String @sql(statement: "SELECT :s AS s")
  either(id: Int!): [Album] @sql(statement: "SELECT * FROM Album WHERE ArtistId = :id OR AlbumId = :id ORDER BY AlbumId")
  rows(artistId: Int!): AWSJSON @sql(statement: "SELECT AlbumId, Title FROM Album WHERE ArtistId = :artistId ORDER BY AlbumId")
}
type Mutation {
  addPerformer(id: Int!, name: String!): AWSJSON @sql(statement: "INSERT INTO Artist (ArtistId, Name) VALUES (:id, :name)")
}
`

// sqlRecorder compiles with the SQLite dialect and keeps every SQL text
// it produced since the last take, for the fuzz body to inspect.
type sqlRecorder struct {
	sqlite.Compiler
	mu   sync.Mutex
	sqls []string
}

func (r *sqlRecorder) keep(sts ...sqlgen.Statement) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range sts {
		r.sqls = append(r.sqls, st.SQL)
	}
}

func (r *sqlRecorder) keepMutation(m sqlgen.Mutation) {
	for _, s := range m.Steps {
		r.keep(s.Statement)
	}
}

func (r *sqlRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sqls
	r.sqls = nil
	return out
}

func (r *sqlRecorder) Select(s *plan.Select) (sqlgen.Statement, error) {
	st, err := r.Compiler.Select(s)
	r.keep(st)
	return st, err
}

func (r *sqlRecorder) Insert(s *plan.Insert) (sqlgen.Mutation, error) {
	m, err := r.Compiler.Insert(s)
	r.keepMutation(m)
	return m, err
}

func (r *sqlRecorder) Update(s *plan.Update) (sqlgen.Mutation, error) {
	m, err := r.Compiler.Update(s)
	r.keepMutation(m)
	return m, err
}

func (r *sqlRecorder) Delete(s *plan.Delete) (sqlgen.Mutation, error) {
	m, err := r.Compiler.Delete(s)
	r.keepMutation(m)
	return m, err
}

func (r *sqlRecorder) Custom(c *plan.Custom) (sqlgen.Statement, error) {
	st, err := r.Compiler.Custom(c)
	r.keep(st)
	return st, err
}

// fuzzEngine builds an engine over a fresh SQLite Chinook once per fuzz
// worker, the way the server builds one (sdl.Load, Bind, connect.Open).
func fuzzEngine(f *testing.F) (*Engine, *sqlRecorder) {
	f.Helper()
	db := testdb.New(f, testdb.SQLite)
	db.LoadChinook(f, false)
	a, conn := loadChinookAPI(f, db, map[string]string{"resource.graphql": fuzzResource})
	rec := &sqlRecorder{}
	return &Engine{
		API: a,
		Planner: &plan.Builder{API: a, Tokens: plan.NewTokens([]byte("k")),
			Now: func() string { return "2026-11-24T12:00:00.000Z" }, NewID: func() string { return "id" }},
		Compiler: rec,
		Exec:     exec.New(conn.SQL, exec.Options{StatementTimeout: 2 * time.Second, QueueWait: time.Second}),
	}, rec
}

// fuzzServeSeeds are documents shaped as aws-amplify sends them (see
// internal/api/client_test.go) for Chinook's SQLite names, with variables
// that carry the marker in their string values.
var fuzzServeSeeds = []struct{ query, vars string }{
	{"query($AlbumId: Int,$sortDirection: ModelSortDirection,$filter: ModelAlbumFilterInput,$limit: Int,$nextToken: String) { listAlbums(AlbumId: $AlbumId,sortDirection: $sortDirection,filter: $filter,limit: $limit,nextToken: $nextToken) { items { AlbumId Title ArtistId } nextToken __typename } }",
		`{"filter": {"Title": {"beginsWith": "The ` + fuzzMarker + `"}, "or": [{"ArtistId": {"eq": 1}}, {"Title": {"contains": "'` + fuzzMarker + `"}}]}, "limit": 3, "sortDirection": "DESC"}`},
	{"query($AlbumId: Int!) { getAlbum(AlbumId: $AlbumId) { AlbumId Title } }", `{"AlbumId": 1}`},
	{"mutation($input: CreateArtistInput!) { createArtist(input: $input) { ArtistId Name } }", `{"input": {"Name": "Quarry ` + fuzzMarker + `"}}`},
	{"mutation($input: UpdateArtistInput!, $condition: ModelArtistConditionInput) { updateArtist(input: $input, condition: $condition) { ArtistId Name } }",
		`{"input": {"ArtistId": 1, "Name": "x` + fuzzMarker + `"}, "condition": {"Name": {"ne": "` + fuzzMarker + `"}}}`},
	{"mutation($input: DeleteArtistInput!, $condition: ModelArtistConditionInput) { deleteArtist(input: $input, condition: $condition) { ArtistId Name } }",
		`{"input": {"ArtistId": 100000}, "condition": {"not": {"Name": {"attributeExists": true}}}}`},
	{`{ listTracks(filter: {Name: {contains: "` + fuzzMarker + `"}, Milliseconds: {between: [1, 300000]}, Composer: {attributeType: _null}}, limit: 2) { items { TrackId Name Album { Title Artist { Name } } Genre { Name } } nextToken } }`, `{}`},
	{`query ($filter: ModelArtistFilterInput) { listArtists(filter: $filter, limit: 2) { items { ArtistId Name Albums(limit: 1) { items { AlbumId Title Tracks(limit: 2) { items { Name } nextToken } } nextToken } } nextToken __typename } }`,
		`{"filter": {"or": [{"Name": {"eq": "AC/DC"}}, {"Name": {"eq": "` + fuzzMarker + `"}}], "Name": {"size": {"gt": 1}}}}`},
	{`query ($EmployeeId: Int!) { getEmployee(EmployeeId: $EmployeeId) { EmployeeId LastName HireDate Employees(limit: 5) { items { EmployeeId } nextToken } } }`, `{"EmployeeId": 1}`},
	{`{ echo(s: "` + fuzzMarker + `'); DROP TABLE Album; --") either(id: 1) { AlbumId Title } rows(artistId: 1) }`, `{}`},
	{`mutation { addPerformer(id: 9999, name: "` + fuzzMarker + `") }`, `{}`},
	{`query { a: listInvoices(limit: 1, filter: {InvoiceDate: {gt: "2021-01-01T00:00:00Z"}, Total: {ge: 1.5}}) { items { InvoiceId InvoiceDate Total } } b: __typename }`, `{}`},
	{`{ __schema { queryType { name } } __type(name: "Album") { fields { name } } }`, `{}`},
	{`subscription { onCreateAlbum { AlbumId } }`, `{}`},
	{`query A { getAlbum(AlbumId: 1) { Title } } query B { getArtist(ArtistId: 1) { Name } }`, `{}`},
	{`query ($t: String) { listAlbums(limit: 1, nextToken: $t) { items { Title @include(if: true) ... on Album { AlbumId } } } }`, `{"t": "eyJhIjpbMV0sInEiOiJ4In0.AAAAAAAAAAAAAAAAAAAAAA"}`},
	{"{", `[`},
}

// FuzzServe runs documents and variables through Engine.Serve against
// SQLite Chinook: parse, validate, plan, compile and run.
func FuzzServe(f *testing.F) {
	for _, s := range fuzzServeSeeds {
		f.Add(s.query, s.vars)
	}
	e, rec := fuzzEngine(f)
	id := auth.Identity{Provider: auth.ProviderAPIKey}
	f.Fuzz(func(t *testing.T, query, vars string) {
		if len(query) > maxFuzzInput || len(vars) > maxFuzzInput {
			return
		}
		rec.take()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp := e.Serve(ctx, Request{Query: query, Variables: json.RawMessage(vars)}, "fuzz", id)
		var b bytes.Buffer
		if err := resp.WriteJSON(&b); err != nil {
			t.Fatalf("response cannot be encoded: %v", err)
		}
		if !json.Valid(b.Bytes()) {
			t.Fatalf("response is not JSON: %q", b.String())
		}
		for _, err := range resp.Errors {
			if err.ErrorType == "" {
				t.Fatalf("error without errorType: %+v", err)
			}
		}
		for _, sql := range rec.take() {
			if strings.Contains(sql, fuzzMarker) {
				t.Fatalf("request data in SQL text:\n%s", sql)
			}
		}
	})
}
