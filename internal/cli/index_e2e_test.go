package cli

// Secondary indexes end to end, on every engine, through the sandbox over
// HTTP: an index's query field returns one partition's rows in sort key
// order, both directions, under beginsWith and between conditions and a
// composite condition, and pages with nextToken.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

var indexFixture = map[string]string{
	testdb.Postgres: `CREATE TABLE event (id int PRIMARY KEY, venue_id int NOT NULL, day text, name text NOT NULL);`,
	testdb.MySQL:    `CREATE TABLE event (id INT PRIMARY KEY, venue_id INT NOT NULL, day VARCHAR(20), name VARCHAR(100) NOT NULL);`,
	testdb.SQLite:   `CREATE TABLE event (id INTEGER PRIMARY KEY, venue_id INTEGER NOT NULL, day TEXT, name TEXT NOT NULL);`,
}

// indexEvents are (id, venue, day, name); venue 1's days repeat so that
// the primary key orders ties.
var indexEvents = []struct {
	id, venue int
	day, name string
}{
	{1, 1, "2024-03-02", "a"}, {2, 1, "2024-01-15", "b"}, {3, 2, "2024-03-01", "c"},
	{4, 1, "2024-03-02", "d"}, {5, 1, "2024-02-20", "e"}, {6, 1, "2024-03-10", "a"},
	{7, 2, "2024-01-01", "f"}, {8, 1, "2024-03-02", "b"}, {9, 1, "2024-04-01", "c"},
}

const indexResource = `
extend schema @authorizationModes(
  defaultAuthorizationMode: apiKey,
  apiKeyAuthorizationMode: {expiresInDays: 30},
  lambdaAuthorizationMode: {url: "%s", timeToLiveInSeconds: 0})

extend type event @auth(rules: [{allow: public, provider: apiKey}]) {
  venue_id: Int!
    @index(name: "byVenue", sortKeyFields: ["day"], queryField: "listEventsByVenue")
    @index(name: "byVenueDayName", sortKeyFields: ["day", "name"], queryField: "eventsByVenueDayName")
}
`

// orderedIDs returns a connection's item ids in the order given.
func orderedIDs(v any) []int {
	var out []int
	m, _ := v.(map[string]any)
	items, _ := m["items"].([]any)
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			if n, ok := o["id"].(float64); ok {
				out = append(out, int(n))
			}
		}
	}
	return out
}

func TestSecondaryIndexQueries(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, indexFixture[db.Engine])
		var rows []string
		for _, e := range indexEvents {
			rows = append(rows, fmt.Sprintf("(%d, %d, '%s', '%s')", e.id, e.venue, e.day, e.name))
		}
		db.Exec(t, "INSERT INTO event (id, venue_id, day, name) VALUES "+strings.Join(rows, ", ")+";")
		a := startAuthzWith(t, db, indexResource, nil)

		cases := []struct {
			name, query string
			want        []int
		}{
			{"ascending: day, then id", `{ q: listEventsByVenue(venue_id: 1) { items { id } } }`, []int{2, 5, 1, 4, 8, 6, 9}},
			{"descending", `{ q: listEventsByVenue(venue_id: 1, sortDirection: DESC) { items { id } } }`, []int{9, 6, 8, 4, 1, 5, 2}},
			{"beginsWith", `{ q: listEventsByVenue(venue_id: 1, day: {beginsWith: "2024-03"}) { items { id } } }`, []int{1, 4, 8, 6}},
			{"between, descending", `{ q: listEventsByVenue(venue_id: 1, day: {between: ["2024-02-01", "2024-03-02"]}, sortDirection: DESC) { items { id } } }`, []int{8, 4, 1, 5}},
			{"gt and a filter", `{ q: listEventsByVenue(venue_id: 1, day: {gt: "2024-03-02"}, filter: {name: {ne: "c"}}) { items { id } } }`, []int{6}},
			{"other partition", `{ q: listEventsByVenue(venue_id: 2) { items { id } } }`, []int{7, 3}},
			{"composite: day then name", `{ q: eventsByVenueDayName(venue_id: 1, dayName: {beginsWith: {day: "2024-03-02"}}) { items { id } } }`, []int{1, 8, 4}},
			{"composite ge", `{ q: eventsByVenueDayName(venue_id: 1, dayName: {ge: {day: "2024-03-02", name: "b"}}) { items { id } } }`, []int{8, 4, 6, 9}},
			{"composite between", `{ q: eventsByVenueDayName(venue_id: 1, dayName: {between: [{day: "2024-02-20"}, {day: "2024-03-02", name: "b"}]}, sortDirection: DESC) { items { id } } }`, []int{8, 1, 5}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a.call(t, "key", c.query)
				if len(r.errs) > 0 {
					t.Fatalf("errors: %+v", r.errs)
				}
				if got := orderedIDs(r.data["q"]); !slices.Equal(got, c.want) {
					t.Errorf("ids %v, want %v", got, c.want)
				}
			})
		}

		for _, dir := range []string{"ASC", "DESC"} {
			t.Run("paging "+dir, func(t *testing.T) {
				want := []int{2, 5, 1, 4, 8, 6, 9}
				if dir == "DESC" {
					slices.Reverse(want)
				}
				var got []int
				token := ""
				for page := 0; page < 10; page++ {
					args := "venue_id: 1, sortDirection: " + dir + ", limit: 2"
					if token != "" {
						args += `, nextToken: "` + token + `"`
					}
					r := a.call(t, "key", `{ q: listEventsByVenue(`+args+`) { items { id } nextToken } }`)
					if len(r.errs) > 0 {
						t.Fatalf("page %d: %+v", page, r.errs)
					}
					got = append(got, orderedIDs(r.data["q"])...)
					if token, _ = r.data["q"].(map[string]any)["nextToken"].(string); token == "" {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("pages visit %v, want %v", got, want)
				}
			})
		}

		t.Run("a token belongs to its partition", func(t *testing.T) {
			r := a.call(t, "key", `{ q: listEventsByVenue(venue_id: 1, limit: 2) { nextToken } }`)
			tok, _ := r.data["q"].(map[string]any)["nextToken"].(string)
			r = a.call(t, "key", `{ q: listEventsByVenue(venue_id: 2, limit: 2, nextToken: "`+tok+`") { items { id } } }`)
			if len(r.errs) == 0 || !strings.Contains(r.errs[0].Message, "nextToken") {
				t.Errorf("a token of another partition was accepted: %+v", r)
			}
		})
	})
}
