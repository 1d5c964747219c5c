package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/api"
	"github.com/quarrydata/quarry/internal/authz"
	"github.com/quarrydata/quarry/internal/sdl"
)

const indexSchema = `
extend schema @database(identifier: "t", engine: "postgresql", connectionUriSecret: "DB_URI")
type event @model(timestamps: null)
{
  id: Int! @primaryKey
  venue: Int! @index(name: "byVenue", sortKeyFields: ["day"], queryField: "byVenue") @index(name: "byVenueDayName", sortKeyFields: ["day", "name"], queryField: "byVenueDayName")
  day: String
  name: String!
}
`

func indexBuilder(t *testing.T) *Builder {
	t.Helper()
	s, err := sdl.FromFiles([]sdl.File{{Path: "schema.sql.graphql", Text: indexSchema},
		{Path: "resource.graphql", Text: `extend schema @auth(rules: [{allow: public, provider: apiKey}])`}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return &Builder{API: a, Tokens: NewTokens([]byte("k")), Policy: authz.New(s)}
}

// An index query is a list of the partition's rows, with the sort key
// condition, ordered by the sort keys in the query's direction and then
// by the primary key.
func TestIndexQueryPlan(t *testing.T) {
	b := indexBuilder(t)
	tests := []struct {
		name, query string
		where       string // the predicate, as fmt's %v prints it
		keys        string
	}{
		{"partition only", `{ byVenue(venue: 3) { items { id } } }`, "{venue eq false 3 [] false}", "day id"},
		{"descending with a condition", `{ byVenue(venue: 3, day: {beginsWith: "2024"}, sortDirection: DESC) { items { id } } }`,
			"[{venue eq false 3 [] false} {day beginsWith false 2024 [] false}]", "day- id-"},
		{"composite ge", `{ byVenueDayName(venue: 3, dayName: {ge: {day: "2024", name: "b"}}) { items { id } } }`,
			// (day > 2024) or (day = 2024 and name >= b)
			"[{venue eq false 3 [] false} [{day gt false 2024 [] false} [{day eq false 2024 [] false} {name ge false b [] false}]]]", "day name id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := planList(t, b, tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != api.List || r.Select == nil {
				t.Fatalf("root %+v", r)
			}
			if w := fmt.Sprintf("%v", r.Select.Where); w != tt.where {
				t.Errorf("where %s, want %s", w, tt.where)
			}
			var keys []string
			for _, k := range r.Select.Keys() {
				s := k.Field.Name
				if k.Desc {
					s += "-"
				}
				keys = append(keys, s)
			}
			if got := strings.Join(keys, " "); got != tt.keys {
				t.Errorf("keys %s, want %s", got, tt.keys)
			}
		})
	}
}

// A token is bound to the query field and its partition.
func TestIndexQueryTokens(t *testing.T) {
	b := indexBuilder(t)
	r1, _ := planList(t, b, `{ byVenue(venue: 1) { items { id } nextToken } }`)
	r2, _ := planList(t, b, `{ byVenue(venue: 2) { items { id } nextToken } }`)
	r3, _ := planList(t, b, `{ byVenueDayName(venue: 1) { items { id } nextToken } }`)
	if r1.Fingerprint == r2.Fingerprint || r1.Fingerprint == r3.Fingerprint {
		t.Errorf("fingerprints %s %s %s", r1.Fingerprint, r2.Fingerprint, r3.Fingerprint)
	}
}
