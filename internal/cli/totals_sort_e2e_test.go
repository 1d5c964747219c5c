package cli

// totalCount and sortBy end to end, on every engine, through the sandbox
// over HTTP: counts under a filter and under an owner rule, a nested
// count, an empty page's count, and paging by a nullable, repeating
// column in descending order, which must visit every row once, in the
// engine's order (NULLs first on PostgreSQL, last on MySQL and SQLite).

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

var totalsFixture = map[string]string{
	testdb.Postgres: `
CREATE TABLE note (id int PRIMARY KEY, owner text, score int, title text NOT NULL, done boolean NOT NULL);
CREATE TABLE tag (id int PRIMARY KEY, note_id int NOT NULL REFERENCES note(id), name text NOT NULL);`,
	testdb.MySQL: `
CREATE TABLE note (id INT PRIMARY KEY, owner VARCHAR(200), score INT, title VARCHAR(100) NOT NULL, done BOOLEAN NOT NULL);
CREATE TABLE tag (id INT PRIMARY KEY, note_id INT NOT NULL, name VARCHAR(100) NOT NULL, FOREIGN KEY (note_id) REFERENCES note(id));`,
	testdb.SQLite: `
CREATE TABLE note (id INTEGER PRIMARY KEY, owner TEXT, score INTEGER, title TEXT NOT NULL, done BOOLEAN NOT NULL);
CREATE TABLE tag (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES note(id), name TEXT NOT NULL);`,
}

// totalsRules: owners do everything with their notes, API keys read all.
const totalsRules = `
extend schema @authorizationModes(
  defaultAuthorizationMode: apiKey,
  apiKeyAuthorizationMode: {expiresInDays: 30},
  lambdaAuthorizationMode: {url: "%s", timeToLiveInSeconds: 0})

extend type note @auth(rules: [{allow: owner}, {allow: public, provider: apiKey, operations: [read]}])
extend type tag @auth(rules: [{allow: public, provider: apiKey, operations: [read]}])
`

// totalsScores are the notes' scores by id (1..10); 0 is NULL. Odd ids
// and 8 and 10 are alice's, the rest bob's.
var totalsScores = []int{3, 0, 1, 3, 0, 2, 3, 0, 1, 2}

func TestTotalCountAndSortBy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, totalsFixture[db.Engine])
		var rows []string
		for i, s := range totalsScores {
			id, who, score := i+1, "bob", "NULL"
			if id%2 == 1 || id == 8 || id == 10 {
				who = "alice"
			}
			if s != 0 {
				score = fmt.Sprint(s)
			}
			rows = append(rows, fmt.Sprintf("(%d, '%s', %s, 'n%d', %s)", id, owner(who), score, id, []string{"false", "true"}[id%3/2]))
		}
		db.Exec(t, "INSERT INTO note (id, owner, score, title, done) VALUES "+strings.Join(rows, ", ")+";\n"+
			"INSERT INTO tag (id, note_id, name) VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 1, 'c'), (4, 3, 'd'), (5, 1, 'a'), (6, 1, 'b');")
		a := startAuthzWith(t, db, totalsRules, map[string][]string{"alice": {"--user", "alice"}, "bob": {"--user", "bob"}})

		count := func(v any) any { m, _ := v.(map[string]any); return m["totalCount"] }
		cases := []struct {
			name, who, query string
			ids              []int // sorted
			total            float64
		}{
			{"filter: every match counted, one on the page", "key",
				`{ listNotes(filter: {score: {eq: 3}}, limit: 1) { items { id } totalCount } }`, []int{1}, 3},
			{"owner rule: alice's notes only", "alice",
				`{ listNotes(limit: 2) { items { id } totalCount } }`, []int{1, 3}, 7},
			{"owner rule and filter", "bob",
				`{ listNotes(filter: {score: {attributeExists: false}}) { items { id } totalCount } }`, []int{2}, 1},
			{"empty page", "key",
				`{ listNotes(filter: {id: {gt: 100}}) { items { id } totalCount } }`, nil, 0},
			{"count alone", "key", `{ listNotes { totalCount } }`, nil, 10},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a.call(t, c.who, c.query)
				if len(r.errs) > 0 {
					t.Fatalf("errors: %+v", r.errs)
				}
				if got := ids(r.data["listNotes"]); !slices.Equal(got, c.ids) || count(r.data["listNotes"]) != c.total {
					t.Errorf("ids %v, totalCount %v; want %v, %v", got, count(r.data["listNotes"]), c.ids, c.total)
				}
			})
		}

		t.Run("nested", func(t *testing.T) {
			r := a.call(t, "key", `{ getNote(id: 1) { tags(limit: 1) { items { id } totalCount } }
  listNotes(filter: {id: {le: 3}}) { items { id tags { items { id } totalCount } } totalCount } }`)
			if len(r.errs) > 0 {
				t.Fatalf("errors: %+v", r.errs)
			}
			note, _ := r.data["getNote"].(map[string]any)
			if got := ids(note["tags"]); !slices.Equal(got, []int{1}) || count(note["tags"]) != 5.0 {
				t.Errorf("getNote tags: %v", note["tags"])
			}
			var totals []any
			for _, it := range r.data["listNotes"].(map[string]any)["items"].([]any) {
				totals = append(totals, count(it.(map[string]any)["tags"]))
			}
			if !slices.Equal(totals, []any{5.0, 0.0, 1.0}) {
				t.Errorf("nested totals of notes 1..3: %v", totals)
			}
			// Counted beside aggregated items (MariaDB's SET STATEMENT
			// then prefixes the union).
			if n := count(r.data["listNotes"]); n != 3.0 {
				t.Errorf("listNotes totalCount %v, want 3", n)
			}
		})

		// byScoreDesc orders ids by score descending, NULL where the
		// engine puts it, then by id descending.
		nullsFirst := db.Engine == testdb.Postgres
		byScoreDesc := func(x, y int) int {
			sx, sy := totalsScores[x-1], totalsScores[y-1]
			switch {
			case sx == sy:
				return y - x
			case sx == 0 || sy == 0:
				if (sx == 0) == nullsFirst {
					return -1
				}
				return 1
			}
			return sy - sx
		}
		pages := []struct {
			name, sortBy string
			limit        int
			order        func(x, y int) int
		}{
			{"nullable score descending", `[{field: score, direction: DESC}]`, 2, byScoreDesc},
			// done is true for ids 2, 5, 8 (id%3 == 2); a Boolean key in
			// a token is 1 or 0 on MySQL and SQLite.
			{"done then score descending", `[{field: done}, {field: score, direction: DESC}]`, 3, func(x, y int) int {
				if dx, dy := x%3/2, y%3/2; dx != dy {
					return dx - dy
				}
				return byScoreDesc(x, y)
			}},
		}
		for _, p := range pages {
			t.Run("paging by "+p.name, func(t *testing.T) {
				want := make([]int, len(totalsScores))
				for i := range want {
					want[i] = i + 1
				}
				slices.SortFunc(want, p.order)
				var got []int
				token := ""
				for page := 0; page < 10; page++ {
					args := fmt.Sprintf("sortBy: %s, limit: %d", p.sortBy, p.limit)
					if token != "" {
						args += `, nextToken: "` + token + `"`
					}
					r := a.call(t, "key", `{ listNotes(`+args+`) { items { id } nextToken totalCount } }`)
					if len(r.errs) > 0 {
						t.Fatalf("page %d: %+v", page, r.errs)
					}
					conn := r.data["listNotes"].(map[string]any)
					if conn["totalCount"] != 10.0 {
						t.Errorf("page %d: totalCount %v, want 10 on every page", page, conn["totalCount"])
					}
					for _, it := range conn["items"].([]any) {
						got = append(got, int(it.(map[string]any)["id"].(float64)))
					}
					token, _ = conn["nextToken"].(string)
					if token == "" {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("pages visit %v, want %v", got, want)
				}
			})
		}

		// A nested list sorted by name descending, paged on the object of
		// a get: c (3), b (6, 2), a (5, 1), the key descending in ties.
		t.Run("nested paging by name", func(t *testing.T) {
			var got []int
			token := ""
			for page := 0; page < 6; page++ {
				args := `sortBy: [{field: name, direction: DESC}], limit: 2`
				if token != "" {
					args += `, nextToken: "` + token + `"`
				}
				r := a.call(t, "key", `{ getNote(id: 1) { tags(`+args+`) { items { id } nextToken totalCount } } }`)
				if len(r.errs) > 0 {
					t.Fatalf("page %d: %+v", page, r.errs)
				}
				conn := r.data["getNote"].(map[string]any)["tags"].(map[string]any)
				if conn["totalCount"] != 5.0 {
					t.Errorf("page %d: totalCount %v, want 5", page, conn["totalCount"])
				}
				for _, it := range conn["items"].([]any) {
					got = append(got, int(it.(map[string]any)["id"].(float64)))
				}
				if token, _ = conn["nextToken"].(string); token == "" {
					break
				}
			}
			if want := []int{3, 6, 2, 5, 1}; !slices.Equal(got, want) {
				t.Errorf("nested pages visit %v, want %v", got, want)
			}
		})

		t.Run("a token belongs to its order", func(t *testing.T) {
			r := a.call(t, "key", `{ listNotes(sortBy: [{field: score, direction: DESC}], limit: 2) { nextToken } }`)
			tok, _ := r.data["listNotes"].(map[string]any)["nextToken"].(string)
			r = a.call(t, "key", `{ listNotes(sortBy: [{field: score}], limit: 2, nextToken: "`+tok+`") { items { id } } }`)
			if len(r.errs) == 0 || !strings.Contains(r.errs[0].Message, "nextToken") {
				t.Errorf("a token of another order was accepted: %+v", r)
			}
		})
	})
}
