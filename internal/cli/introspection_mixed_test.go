package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestIntrospectionBesideDataFields: an operation may ask for __schema,
// __type and __typename beside ordinary root fields, as the GraphQL spec
// allows; one response answers all of them, with the data fields in the
// order the document gives. With introspection off, such an operation is
// refused whole, as one asking for __schema alone is.
func TestIntrospectionBesideDataFields(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, "CREATE TABLE album (id serial PRIMARY KEY, title text NOT NULL); INSERT INTO album (title) VALUES ('a'), ('b')")
	project, _ := generatedProject(t, db)
	url, key := startSandboxWith(t, project, func(f *serveFlags) { f.exposure.introspection = true })
	closedURL, closedKey := startSandboxWith(t, project, func(*serveFlags) {})

	tests := []struct {
		name  string
		query string
		vars  map[string]any
		// keys are data's keys in order; want holds substrings of data.
		keys []string
		want []string
	}{
		{"__schema first", `{ __schema { queryType { name } } listAlbums { items { id } } }`, nil,
			[]string{"__schema", "listAlbums"}, []string{`"__schema":{"queryType":{"name":"Query"}}`, `"items":[{"id":1},{"id":2}]`}},
		{"__schema last", `{ listAlbums(limit: 1) { items { id } } __schema { mutationType { name } } }`, nil,
			[]string{"listAlbums", "__schema"}, []string{`"mutationType":{"name":"Mutation"}`, `"items":[{"id":1}]`}},
		{"__type and aliases", `{ a: getAlbum(id: 2) { title } t: __type(name: "album") { name kind } b: __typename }`, nil,
			[]string{"a", "t", "b"}, []string{`"a":{"title":"b"}`, `"t":{"name":"album","kind":"OBJECT"}`, `"b":"Query"`}},
		{"__typename beside data", `{ __typename listAlbums { items { title } } again: __typename }`, nil,
			[]string{"__typename", "listAlbums", "again"}, []string{`"__typename":"Query"`, `"again":"Query"`, `{"title":"a"}`}},
		{"through a fragment", `query { ...F } fragment F on Query { __type(name: "Query") { name } listAlbums { items { id } } }`, nil,
			[]string{"__type", "listAlbums"}, []string{`"__type":{"name":"Query"}`}},
		{"skipped", `query ($x: Boolean!) { __schema @include(if: $x) { queryType { name } } listAlbums { items { id } } }`, map[string]any{"x": false},
			[]string{"listAlbums"}, nil},
		{"variables in __type", `query ($n: String!) { listAlbums(limit: 1) { items { id } } __type(name: $n) { name } }`, map[string]any{"n": "ModelAlbumConnection"},
			[]string{"listAlbums", "__type"}, []string{`"__type":{"name":"ModelAlbumConnection"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, errs := postRaw(t, url, key, tt.query, tt.vars)
			if errs != "" {
				t.Fatalf("errors: %s", errs)
			}
			if got := objectKeys(t, data); strings.Join(got, ",") != strings.Join(tt.keys, ",") {
				t.Errorf("keys %v, want %v: %s", got, tt.keys, data)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(compact.String(), w) {
					t.Errorf("data lacks %s: %s", w, data)
				}
			}
		})
	}

	t.Run("introspection off", func(t *testing.T) {
		_, errs := postRaw(t, closedURL, closedKey, `{ __schema { queryType { name } } listAlbums { items { id } } }`, nil)
		if !strings.Contains(errs, "introspection is turned off") {
			t.Errorf("errors: %s", errs)
		}
		data, errs := postRaw(t, closedURL, closedKey, `{ __typename listAlbums { items { id } } }`, nil)
		if errs != "" || !strings.Contains(string(data), `"__typename":"Query"`) {
			t.Errorf("__typename stays answered: %s %s", data, errs)
		}
	})
}

// postRaw posts a query and returns data as sent and the errors' JSON
// ("" when there are none).
func postRaw(t *testing.T, url, key, query string, vars map[string]any) (json.RawMessage, string) {
	t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("x-api-key", key)
	req.Header.Set("content-type", "application/json; charset=UTF-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return out.Data, string(out.Errors)
}

// objectKeys lists a JSON object's keys in the order they are written.
func objectKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
