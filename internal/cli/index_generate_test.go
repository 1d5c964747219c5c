package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

var proposeFixture = map[string]string{
	testdb.Postgres: `CREATE TABLE venue (id int PRIMARY KEY, name text);
CREATE TABLE event (id int PRIMARY KEY, venue_id int REFERENCES venue(id), day text, name text NOT NULL, tags text[]);
CREATE INDEX event_venue_day ON event (venue_id, day);
CREATE INDEX event_name ON event (name);
CREATE INDEX event_id_day ON event (id, day);
CREATE INDEX event_lower ON event (lower(name));
CREATE INDEX event_partial ON event (day) WHERE day IS NOT NULL;
CREATE INDEX event_tags ON event (tags);
INSERT INTO venue VALUES (1, 'Hall');
INSERT INTO event VALUES (1, 1, '2024-03-02', 'a', NULL), (2, 1, '2024-01-15', 'b', NULL), (3, NULL, '2024-03-01', 'c', NULL);`,
	testdb.MySQL: `CREATE TABLE venue (id INT PRIMARY KEY, name VARCHAR(100));
CREATE TABLE event (id INT PRIMARY KEY, venue_id INT, day VARCHAR(20), name VARCHAR(100) NOT NULL,
  FOREIGN KEY (venue_id) REFERENCES venue(id), INDEX event_venue_day (venue_id, day), INDEX event_name (name),
  INDEX event_id_day (id, day), INDEX event_prefix (name(3)));
INSERT INTO venue VALUES (1, 'Hall');
INSERT INTO event VALUES (1, 1, '2024-03-02', 'a'), (2, 1, '2024-01-15', 'b'), (3, NULL, '2024-03-01', 'c');`,
}

// TestProposeIndexes: generate --propose-indexes turns the database's
// non-unique indexes into secondary indexes (in schema.sql.ts and in SDL),
// skipping those led by the primary key and those on expressions,
// predicates, prefixes or arrays, and the sandbox serves them.
func TestProposeIndexes(t *testing.T) {
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			db.Exec(t, proposeFixture[engine])
			project := isolate(t)
			dataDir := filepath.Join(project, "amplify", "data")
			if code, _, errs := run(t, db.URI, "sandbox", "secret", "set", "DB_URI", "--project", project); code != 0 {
				t.Fatal(errs)
			}
			gen := func(out string, propose bool) string {
				args := []string{"generate", "schema-from-database", "--connection-uri-secret", "DB_URI", "--project", project, "--out", out}
				if propose {
					args = append(args, "--propose-indexes")
				}
				if code, _, errs := run(t, "", args...); code != 0 {
					t.Fatal(errs)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			if plain := gen(filepath.Join(t.TempDir(), "plain.graphql"), false); strings.Contains(plain, "@index") {
				t.Errorf("indexes proposed without --propose-indexes:\n%s", plain)
			}
			ts := gen(filepath.Join(t.TempDir(), "schema.sql.ts"), true)
			wantTS := `}).identifier(["id"]).secondaryIndexes((index) => [
    index("name").name("eventsByName").queryField("listEventByName"),
    index("venue_id").sortKeys(["day"]).name("eventsByVenue_idAndDay").queryField("listEventByVenue_idAndDay")
  ])`
			if !strings.Contains(ts, wantTS) {
				t.Errorf("schema.sql.ts:\n%s\nwant it to hold\n%s", ts, wantTS)
			}
			sdlText := gen(filepath.Join(dataDir, "schema.sql.graphql"), true)
			if n := strings.Count(sdlText, "@index"); n != 2 {
				t.Errorf("%d @index, want 2:\n%s", n, sdlText)
			}
			if !strings.Contains(sdlText, `venue_id: Int @index(name: "eventsByVenue_idAndDay", sortKeyFields: ["day"], queryField: "listEventByVenue_idAndDay")`) {
				t.Errorf("SDL:\n%s", sdlText)
			}
			if err := os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(`extend schema @auth(rules: [{allow: public, provider: apiKey}])`), 0o644); err != nil {
				t.Fatal(err)
			}
			url, key := startSandbox(t, project, false, nil)
			out := gql(t, url, key, `{ listEventByVenue_idAndDay(venue_id: 1, sortDirection: DESC) { items { id } } }`)
			if got := orderedIDs(out["data"].(map[string]any)["listEventByVenue_idAndDay"]); len(got) != 2 || got[0] != 1 || got[1] != 2 {
				t.Errorf("listEventByVenue_idAndDay: %v", out)
			}
		})
	}
}
