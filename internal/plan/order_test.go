package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sdl"
)

const orderSchema = `
extend schema @database(identifier: "t", engine: "postgresql", connectionUriSecret: "DB_URI")
type item @model(timestamps: null)
{
  id: Int! @primaryKey
  grp: Int!
  score: Int
  secret: String
  parts: [part] @hasMany(references: ["item_id"])
}

type part @model(timestamps: null)
{
  id: Int! @primaryKey
  item_id: Int!
  n: Int
}
`

const orderRules = `
extend schema @auth(rules: [{allow: public, provider: apiKey}])
extend type item {
  secret: String @auth(rules: [{allow: groups, groups: ["Admin"]}])
}
`

// orderBuilder plans against orderSchema for an API key caller, who may
// not read item.secret.
func orderBuilder(t *testing.T) *Builder {
	t.Helper()
	s, err := sdl.FromFiles([]sdl.File{{Path: "schema.sql.graphql", Text: orderSchema}, {Path: "resource.graphql", Text: orderRules}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return &Builder{API: a, Tokens: NewTokens([]byte("k")), Policy: authz.New(s)}
}

// planList plans one root list field of query.
func planList(t *testing.T, b *Builder, query string) (Root, error) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(b.API.AST, query, nil)
	if errs != nil {
		t.Fatalf("%s: %v", query, errs)
	}
	roots, err := b.Build(doc.Operations[0], nil, auth.Identity{Provider: auth.ProviderAPIKey})
	if err != nil {
		return Root{}, err
	}
	if len(roots) != 1 {
		t.Fatalf("%d roots", len(roots))
	}
	return roots[0], roots[0].Err
}

// A hasMany takes sortBy as a list does.
func TestNestedSortBy(t *testing.T) {
	b := orderBuilder(t)
	r, err := planList(t, b, `{ getItem(id: 1) { parts(sortBy: [{field: n, direction: DESC}]) { items { id } totalCount } } }`)
	if err != nil {
		t.Fatal(err)
	}
	o := r.Select.Fields[0]
	if keys := o.Nested.Keys(); len(keys) != 2 || keys[0].Field.Name != "n" || !keys[0].Desc || keys[1].Field.Name != "id" || !keys[1].Desc {
		t.Errorf("keys = %+v", keys)
	}
	if len(o.Connection) != 2 || o.Connection[1].What != "totalCount" {
		t.Errorf("connection = %+v", o.Connection)
	}
	_, err = planList(t, b, `{ getItem(id: 1) { parts(sortBy: [{field: n}], sortDirection: DESC) { items { id } } } }`)
	if qerr.KindOf(err) != qerr.Validation || !strings.Contains(err.Error(), "give the direction inside sortBy") {
		t.Errorf("sortBy beside sortDirection: %v", err)
	}
}

func TestSortByAndTotalCount(t *testing.T) {
	b := orderBuilder(t)
	tests := []struct {
		name, args, sel string
		keys            string // Keys as "field dir, ..."
		count           bool
		kind            qerr.Kind
		msg             string
	}{
		{"no sortBy: the key, as before", ``, `items { id }`, "id ASC", false, "", ""},
		{"sortDirection alone", `sortDirection: DESC`, `items { id }`, "id DESC", false, "", ""},
		{"nullable DESC, key ties in its direction", `sortBy: [{field: score, direction: DESC}]`, `items { id }`, "score DESC, id DESC", false, "", ""},
		{"direction defaults to ASC", `sortBy: [{field: grp}]`, `items { id }`, "grp ASC, id ASC", false, "", ""},
		{"mixed, key last", `sortBy: [{field: grp}, {field: score, direction: DESC}]`, `items { id }`, "grp ASC, score DESC, id DESC", false, "", ""},
		{"the key itself sorted", `sortBy: [{field: id, direction: DESC}, {field: grp}]`, `items { id }`, "id DESC, grp ASC", false, "", ""},
		{"totalCount asked", ``, `totalCount`, "id ASC", true, "", ""},
		{"both directions", `sortBy: [{field: grp}], sortDirection: DESC`, `items { id }`, "", false, qerr.Validation, "give the direction inside sortBy"},
		{"a field twice", `sortBy: [{field: grp}, {field: grp, direction: DESC}]`, `items { id }`, "", false, qerr.Validation, "already a sort key"},
		{"a field the caller may not read", `sortBy: [{field: secret}]`, `items { id }`, "", false, qerr.Forbidden, "item.secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := ""
			if tt.args != "" {
				args = "(" + tt.args + ")"
			}
			r, err := planList(t, b, "{ listItems"+args+" { "+tt.sel+" } }")
			if tt.kind != "" {
				if qerr.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("err = %v (%s), want %s naming %q", err, qerr.KindOf(err), tt.kind, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, k := range r.Select.Keys() {
				dir := "ASC"
				if k.Desc {
					dir = "DESC"
				}
				keys = append(keys, k.Field.Name+" "+dir)
			}
			if got := strings.Join(keys, ", "); got != tt.keys {
				t.Errorf("keys = %s, want %s", got, tt.keys)
			}
			if r.Select.Count != tt.count {
				t.Errorf("Count = %v, want %v", r.Select.Count, tt.count)
			}
		})
	}
}

// A token holds the values of the order's keys and is tied to that order:
// another sortBy, or none, refuses it.
func TestSortByTokens(t *testing.T) {
	b := orderBuilder(t)
	const desc = `sortBy: [{field: score, direction: DESC}]`
	r, err := planList(t, b, "{ listItems("+desc+") { items { id } nextToken } }")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := b.Tokens.Mint(json.RawMessage(`[null, 7]`), r.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	r, err = planList(t, b, `{ listItems(`+desc+`, nextToken: "`+tok+`") { items { id } } }`)
	if err != nil {
		t.Fatal(err)
	}
	if a := r.Select.After; len(a) != 2 || a[0] != nil || a[1] != int64(7) {
		t.Errorf("After = %#v, want [nil 7]", a)
	}
	for _, other := range []string{
		`sortBy: [{field: score}]`,
		`sortBy: [{field: score, direction: DESC}, {field: grp}]`,
		`sortDirection: DESC`,
		`filter: {grp: {eq: 1}}, ` + desc,
	} {
		_, err := planList(t, b, `{ listItems(`+other+`, nextToken: "`+tok+`") { items { id } } }`)
		if qerr.KindOf(err) != qerr.Validation || !strings.Contains(err.Error(), "nextToken") {
			t.Errorf("%s: a token of another query was not refused: %v", other, err)
		}
	}
	// A list without sortBy keeps its fingerprint: tokens minted before
	// sortBy existed still page.
	r, err = planList(t, b, `{ listItems(sortDirection: DESC) { items { id } nextToken } }`)
	if err != nil {
		t.Fatal(err)
	}
	if want := fingerprint("listItems", nil, nil, true, nil); r.Fingerprint != want {
		t.Errorf("fingerprint without sortBy changed: %s, want %s", r.Fingerprint, want)
	}
}
