package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// indexResource is a resource.ts that declares a secondary index on a
// generated model, as data-schema lets one modify a model of a SQL schema
// (models.X in setRelationships).
const indexResourceTS = `import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { schema as generatedSqlSchema } from './schema.sql';

const sqlSchema = generatedSqlSchema
  .authorization(allow => [allow.publicApiKey()])
  .renameModels(() => [['event', 'Event']])
  .setRelationships((models) => [
    models.Event.secondaryIndexes((index) => [index('venueId').sortKeys(['date']).queryField('listEventsByVenue')]),
  ]);

export type Schema = ClientSchema<typeof sqlSchema>;

export const data = defineData({
  schema: sqlSchema,
  authorizationModes: { defaultAuthorizationMode: 'apiKey', apiKeyAuthorizationMode: { expiresInDays: 30 } },
});
`

// TestSecondaryIndexRealClient runs the real client's index query method
// against the sandbox serving a resource.ts with .secondaryIndexes(), on
// PostgreSQL and MariaDB.
func TestSecondaryIndexRealClient(t *testing.T) {
	nodeDir := nodePackages(t, "aws-amplify")
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			db.Exec(t, map[string]string{
				testdb.Postgres: `CREATE TABLE event (id int PRIMARY KEY, "venueId" int NOT NULL, date text, name text NOT NULL);`,
				testdb.MySQL:    "CREATE TABLE event (id INT PRIMARY KEY, venueId INT NOT NULL, date VARCHAR(20), name VARCHAR(100) NOT NULL);",
			}[engine])
			db.Exec(t, "INSERT INTO event VALUES (1, 1, '2024-03-02', 'a'), (2, 1, '2024-01-15', 'b'), (3, 2, '2024-03-01', 'c'), "+
				"(4, 1, '2024-03-02', 'd'), (5, 1, '2024-02-20', 'e');")
			project := isolate(t)
			dataDir := filepath.Join(project, "amplify", "data")
			if code, _, errs := run(t, db.URI, "sandbox", "secret", "set", "SQL_CONNECTION_STRING", "--project", project); code != 0 {
				t.Fatal(errs)
			}
			if code, _, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "SQL_CONNECTION_STRING",
				"--project", project, "--out", filepath.Join(dataDir, "schema.sql.ts")); code != 0 {
				t.Fatal(errs)
			}
			for _, err := range []error{
				os.Symlink(filepath.Join(nodeDir, "node_modules"), filepath.Join(project, "node_modules")),
				os.WriteFile(filepath.Join(project, "package.json"), []byte(`{"type": "module"}`), 0o644),
				os.WriteFile(filepath.Join(dataDir, "resource.ts"), []byte(indexResourceTS), 0o644),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			startSandbox(t, project, false, nil)
			e := newEnv(strings.NewReader(""), nil, nil)
			e.projectFlag = project
			_, caPath, err := e.sandboxTLS("127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			raw := runNode(t, []string{"NODE_EXTRA_CA_CERTS=" + caPath}, "client-index.mjs", filepath.Join(project, "amplify_outputs.json"))
			defer func() {
				if t.Failed() {
					t.Logf("node printed: %s", raw)
				}
			}()
			type list struct {
				Data   []struct{ ID int }
				Errors []any
			}
			var out struct {
				HasMethod   bool
				Desc, March list
				Pages       [][]int
				PageErrors  any
				Sent        []struct {
					Query     string
					Variables map[string]any
				}
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			idsOf := func(l list) []int {
				var ids []int
				for _, d := range l.Data {
					ids = append(ids, d.ID)
				}
				return ids
			}
			if !out.HasMethod {
				t.Fatal("the client has no listEventsByVenue method")
			}
			if got := idsOf(out.Desc); len(out.Desc.Errors) > 0 || !slices.Equal(got, []int{4, 1, 5, 2}) {
				t.Errorf("DESC: %v %v, want [4 1 5 2]", got, out.Desc.Errors)
			}
			if got := idsOf(out.March); len(out.March.Errors) > 0 || !slices.Equal(got, []int{1, 4}) {
				t.Errorf("beginsWith: %v %v, want [1 4]", got, out.March.Errors)
			}
			if out.PageErrors != nil || !slices.EqualFunc(out.Pages, [][]int{{2, 5}, {1, 4}}, slices.Equal) {
				t.Errorf("pages %v %v, want [[2 5] [1 4]]", out.Pages, out.PageErrors)
			}
			if len(out.Sent) == 0 || !strings.Contains(out.Sent[0].Query, "listEventsByVenue(") ||
				!strings.Contains(out.Sent[0].Query, "$venueId: Int!") || out.Sent[0].Variables["sortDirection"] != "DESC" {
				t.Errorf("sent %+v", out.Sent)
			}
			t.Logf("the client sent: %+v", out.Sent)
		})
	}
}
