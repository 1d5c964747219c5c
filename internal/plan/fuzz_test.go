package plan

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sdl"
)

// fuzzFixture is the generated PostgreSQL fixture (one column of every
// type Quarry maps), read from the CLI's golden files so the two cannot
// drift apart.
const fuzzFixture = "../cli/testdata/postgresql_fixture.graphql"

// fuzzRules makes one field readable by a group only, so that filtering on
// it is refused for an API key caller (Builder.readable).
const fuzzRules = `
extend schema @auth(rules: [{allow: public, provider: apiKey}])
extend type every_type {
  c_text: String @auth(rules: [{allow: groups, groups: ["Admin"]}])
}
`

// fuzzBuilder builds a planner over the fixture for an API key caller.
func fuzzBuilder(f *testing.F) *Builder {
	f.Helper()
	gen, err := os.ReadFile(fuzzFixture)
	if err != nil {
		f.Fatal(err)
	}
	s, err := sdl.FromFiles([]sdl.File{{Path: "schema.sql.graphql", Text: string(gen)}, {Path: "resource.graphql", Text: fuzzRules}})
	if err != nil {
		f.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		f.Fatal(err)
	}
	return &Builder{API: a, Tokens: NewTokens([]byte("k")), Policy: authz.New(s), id: auth.Identity{Provider: auth.ProviderAPIKey}}
}

// knownOps are the operators sqlgen can render.
var knownOps = map[pred.Op]bool{
	pred.Eq: true, pred.Ne: true, pred.Lt: true, pred.Le: true, pred.Gt: true, pred.Ge: true,
	pred.Between: true, pred.BeginsWith: true, pred.Contains: true, pred.NotContains: true,
	pred.In: true, pred.NotIn: true, pred.Exists: true,
}

// checkTree fails unless every comparison in e names a column of m (SQL
// identifiers come only from the IR, never from the filter's keys) with an
// operator sqlgen renders and the operands that operator needs.
func checkTree(t *testing.T, m *schema.Model, e pred.Expr) {
	t.Helper()
	switch x := e.(type) {
	case nil, pred.Const:
	case pred.And:
		for _, y := range x {
			checkTree(t, m, y)
		}
	case pred.Or:
		for _, y := range x {
			checkTree(t, m, y)
		}
	case pred.Not:
		if x.X == nil {
			t.Fatal("Not of nothing")
		}
		checkTree(t, m, x.X)
	case pred.Cmp:
		found := false
		for _, f := range m.Fields {
			found = found || f.Column == x.Column
		}
		if !found {
			t.Fatalf("column %q is not a column of %s", x.Column, m.Name)
		}
		// fuzzRules lets only Admin read c_text: comparing it would
		// tell an API key caller what it holds.
		if x.Column == "c_text" {
			t.Fatal("a filter on c_text was planned for a caller who may not read it")
		}
		if !knownOps[x.Op] {
			t.Fatalf("operator %q reached the tree", x.Op)
		}
		if _, ok := x.Value.(bool); x.Op == pred.Exists && !ok {
			t.Fatalf("attributeExists with %T", x.Value)
		}
		if x.Op == pred.Between && len(x.Values) != 2 {
			t.Fatalf("between with %d values", len(x.Values))
		}
	default:
		t.Fatalf("unknown node %T", e)
	}
}

// fuzzRows are rows for pred.Eval: values of every JSON type, missing
// columns and NULLs, under the fixture's column names.
var fuzzRows = []map[string]any{
	{},
	{"id": json.Number("1"), "c_integer": json.Number("9007199254740993"), "c_real": json.Number("1.5"), "c_bool": true,
		"c_varchar": "The ~ %_ 'x'", "c_text": "secret", "c_date": "2026-11-24", "c_timestamptz": "2026-11-24T10:00:00.000Z",
		"c_int_array": []any{json.Number("1"), json.Number("2")}, "c_text_array_nn": []any{"a", "b c"}, "c_json": `{"a":1}`},
	{"id": nil, "c_integer": "12", "c_real": 2.5, "c_bool": false, "c_varchar": nil, "c_int_array": "not a list", "c_status": "open"},
}

// FuzzFilter turns arbitrary JSON into a ModelXFilterInput value and plans
// it as a filter and as a sort-key condition: errors must be the client's
// (never Internal), trees must only name the model's columns, and Eval
// must take any row.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		`{"c_varchar": {"beginsWith": "The"}, "or": [{"id": {"eq": 1}}, {"c_real": {"between": [1, 2.5]}}]}`,
		`{"not": {"c_varchar": {"eq": "x"}}, "and": [{"c_bool": {"ne": true}}, {"c_varchar": {"attributeExists": false}}]}`,
		`{"c_int_array": {"contains": 2}, "c_text_array_nn": {"notContains": "a"}, "c_integer": {"in": [1, "9007199254740993"]}}`,
		`{"c_varchar": {"size": {"between": [1, 3], "ne": 2}}, "c_json": {"attributeType": "map"}, "c_uuid": {"attributeType": "_null"}}`,
		`{"c_date": {"gt": "2026-01-01Z"}, "c_time": {"le": "12:30:00.5+01:00"}, "c_timestamptz": {"ge": "2026-01-02T15:04:05.000+02:00"}}`,
		`{"c_inet": {"eq": "10.0.0.0/8"}, "c_email": {"eq": "a@b.c"}, "c_status": {"eq": "open"}, "c_bigint": {"lt": 1e400}}`,
		`{"c_text": {"eq": "forbidden"}}`,
		`{"nope": {"eq": 1}}`, `{"id": {"regex": ".*"}}`, `{"and": {"id": {"eq": 1}}}`, `{"or": [null, {}]}`, `{"not": null}`,
		`[]`, `null`, `"x"`, `{"id": {"between": [1]}}`, `{"id": {"size": {"eq": 1.5}}}`, `{"c_real": {"eq": 9.223372036854775807e18}}`,
		`{"logdate": {"between": ["2026-01-01", "2026-02-30"]}}`, `{"eq": "2026-01-01", "beginsWith": "2026"}`,
	} {
		f.Add(s, true)
	}
	b := fuzzBuilder(f)
	every := b.API.IR.Model("every_type")
	// measurement has a single sort key field, a date.
	meas := b.API.IR.Model("measurement")
	if every == nil || meas == nil {
		f.Fatal("fixture models are missing")
	}
	f.Fuzz(func(t *testing.T, input string, useNumber bool) {
		if len(input) > 8<<10 {
			return
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(input))
		// Variables arrive with UseNumber; values written in the document
		// arrive as float64 and int64 from gqlparser: try both.
		if useNumber {
			dec.UseNumber()
		}
		if dec.Decode(&v) != nil {
			return
		}
		check := func(m *schema.Model, e pred.Expr, err error) {
			if err != nil {
				switch k := qerr.KindOf(err); k {
				case qerr.Validation, qerr.Forbidden, qerr.Unsupported:
				default:
					t.Fatalf("error of kind %s: %v", k, err)
				}
				if qerr.ClientMessage(err, false) == "" {
					t.Fatal("empty message")
				}
				return
			}
			checkTree(t, m, e)
			for _, row := range fuzzRows {
				get := func(c string) (any, bool) { x, ok := row[c]; return x, ok }
				// The same tree negated must give the opposite answer:
				// Eval is a function of the row alone.
				if pred.Eval(e, get) == pred.Eval(pred.Not{X: e}, get) && e != nil {
					t.Fatalf("Eval(e) == Eval(not e) for %#v", e)
				}
			}
		}
		e, err := b.filter(every, v, "filter")
		check(every, e, err)
		if cond, ok := v.(map[string]any); ok {
			e, err := b.keyCondition(meas, cond)
			check(meas, e, err)
		}
	})
}

const badTokenMessage = "nextToken is not valid for this query: pass the nextToken of the previous page of the same query unchanged"

// FuzzTokensRead feeds arbitrary nextToken text to Tokens.Read: it must
// refuse everything it did not mint with a Validation error, and accept
// exactly what it minted.
func FuzzTokensRead(f *testing.F) {
	tk := NewTokens([]byte("fuzz key"))
	const query = "listTracks|filter-hash|ASC"
	for _, after := range []string{`[42, "a'b"]`, `[9007199254740993]`, `["2026-11-24", 3, null, true, 1.5e300]`} {
		tok, err := tk.Mint(json.RawMessage(after), query)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok, query)
		body, sig, _ := strings.Cut(tok, ".")
		f.Add(body+"."+sig[:len(sig)-1], query)
		f.Add(tok, "listTracks|other|ASC")
	}
	for _, s := range []string{"", ".", "abc", "eyJhIjpbMV0sInEiOiJ4In0.AAAAAAAAAAAAAAAAAAAAAA", "a.b.c", "====.====", strings.Repeat("A", 5000) + ".x"} {
		f.Add(s, query)
	}
	f.Fuzz(func(t *testing.T, token, q string) {
		after, err := tk.Read(token, q)
		if err != nil {
			if qerr.KindOf(err) != qerr.Validation {
				t.Fatalf("kind %s: %v", qerr.KindOf(err), err)
			}
			// The message is fixed: nothing of the token is echoed.
			if msg := qerr.ClientMessage(err, true); msg != badTokenMessage {
				t.Fatalf("message %q", msg)
			}
			return
		}
		if len(after) == 0 {
			t.Fatal("a token with no key values was accepted")
		}
		// An accepted token is one this key minted for q: minting its
		// values again for q gives a token Read accepts with equal values.
		raw, err := json.Marshal(after)
		if err != nil {
			t.Fatal(err)
		}
		again, err := tk.Mint(raw, q)
		if err != nil {
			t.Fatal(err)
		}
		after2, err := tk.Read(again, q)
		if err != nil {
			t.Fatalf("re-minted token refused: %v", err)
		}
		raw2, _ := json.Marshal(after2)
		if string(raw) != string(raw2) {
			t.Fatalf("values changed: %s then %s", raw, raw2)
		}
	})
}
