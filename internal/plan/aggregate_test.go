package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/auth"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/qerr"
	"github.com/quarrydata/quarry/internal/sdl"
)

const aggSchema = `
extend schema @database(identifier: "t", engine: "postgresql", connectionUriSecret: "DB_URI")
type item @model(timestamps: null)
{
  id: Int! @primaryKey
  grp: Int!
  score: Int
  secret: Int
  mine: Int
  owner: String
  editor: String
  parts: [part] @hasMany(references: ["item_id"])
}

type part @model(timestamps: null)
{
  id: Int! @primaryKey
  item_id: Int!
  n: Int
}
`

// Items are their owners'; secret is the Admin group's alone; mine is
// readable where the caller is the row's editor (a row-level field rule).
const aggRules = `
extend type item @auth(rules: [{allow: owner}])
extend type part @auth(rules: [{allow: private}])
extend type item {
  secret: Int @auth(rules: [{allow: groups, groups: ["Admin"]}])
  mine: Int @auth(rules: [{allow: owner, ownerField: "editor"}])
}
`

func TestAggregatePlan(t *testing.T) {
	s, err := sdl.FromFiles([]sdl.File{{Path: "schema.sql.graphql", Text: aggSchema}, {Path: "resource.graphql", Text: aggRules}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	b := &Builder{API: a, Tokens: NewTokens([]byte("k")), Policy: authz.New(s)}
	alice := auth.Identity{Provider: auth.ProviderUserPools, Sub: "s-a", Username: "alice"}
	tests := []struct {
		name, query string
		// want is the plan's Where and outputs printed, or the error's
		// kind and a part of its message.
		want    string
		kind    qerr.Kind
		wantErr string
	}{
		{name: "owner rule ANDed into the filter",
			query: `{ aggregateItem(filter: {grp: {eq: 1}}) { count sum { score } max { score } } }`,
			want:  `[{grp eq false 1 [] false} {owner in false <nil> [s-a::alice s-a alice] false}] count sum:score max:score`},
		{name: "groups",
			query: `{ aggregateItem(groupBy: [grp], limit: 5) { groups { key { grp } count avg { score } } } }`,
			want:  `{owner in false <nil> [s-a::alice s-a alice] false} groups(grp limit 5):[key:grp count avg:score]`},
		{name: "a field the caller may not read",
			query: `{ aggregateItem { sum { secret } } }`, kind: qerr.Forbidden, wantErr: "you may not aggregate item.secret"},
		{name: "a field readable on some rows only",
			query: `{ aggregateItem { min { mine } } }`, kind: qerr.Forbidden, wantErr: "you may not aggregate item.mine"},
		{name: "grouping by a field the caller may not read",
			query: `{ aggregateItem(groupBy: [secret]) { count } }`, kind: qerr.Forbidden, wantErr: "item.secret"},
		{name: "filtering on a field the caller may not read",
			query: `{ aggregateItem(filter: {secret: {gt: 1}}) { count } }`, kind: qerr.Forbidden, wantErr: "filter on item.secret"},
		{name: "a group field twice",
			query: `{ aggregateItem(groupBy: [grp, grp]) { count } }`, kind: qerr.Validation, wantErr: "already a group field"},
		{name: "more groups than the list limit",
			query: `{ aggregateItem(groupBy: [grp], limit: 5000) { count } }`, kind: qerr.Validation},
		{name: "nested aggregate",
			query: `{ getItem(id: 1) { parts(filter: {n: {gt: 0}}) { aggregate { count sum { n } } } } }`,
			want:  "parts:[count sum:n]"},
		{name: "nested aggregate of an unreadable field",
			query: `{ listItems { items { id } aggregate { max { secret } } } }`, kind: qerr.Forbidden, wantErr: "item.secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(a.AST, tt.query, nil)
			if errs != nil {
				t.Fatalf("%v", errs)
			}
			roots, err := b.Build(doc.Operations[0], nil, alice)
			if err == nil {
				err = roots[0].Err
			}
			if tt.kind != "" {
				if qerr.KindOf(err) != tt.kind || !strings.Contains(fmt.Sprint(err), tt.wantErr) {
					t.Fatalf("error %v, want %s containing %q", err, tt.kind, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := printAgg(roots[0]); got != tt.want {
				t.Errorf("plan\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// printAgg prints a root aggregate (its Where and outputs) or the
// aggregates of a get's connections.
func printAgg(r Root) string {
	outs := func(os []AggOutput) string {
		var parts []string
		for _, o := range os {
			p := o.What
			for i, f := range o.Fields {
				sep := ","
				if i == 0 {
					sep = ":"
				}
				p += sep + f.Field.Name
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, " ")
	}
	if a := r.Aggregate; a != nil {
		s := fmt.Sprint(a.Where)
		for _, o := range a.Outputs {
			if o.What == AggGroups {
				var g []string
				for _, f := range a.GroupBy {
					g = append(g, f.Name)
				}
				return s + fmt.Sprintf(" groups(%s limit %d):[%s]", strings.Join(g, ","), a.Limit, outs(o.Group))
			}
		}
		return s + " " + outs(a.Outputs)
	}
	var parts []string
	for _, o := range r.Select.Fields {
		for _, k := range o.Connection {
			if k.Aggregate != nil {
				parts = append(parts, o.Key+":["+outs(k.Aggregate.Outputs)+"]")
			}
		}
	}
	return strings.Join(parts, " ")
}
