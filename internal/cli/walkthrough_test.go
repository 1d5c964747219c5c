package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// walkthroughResource is amplify/data/resource.ts as the reference's guide
// writes it (renameModels, setAuthorization, addToSchema with inline SQL
// and a SQL file, guests everywhere, defineData with authorizationModes).
const walkthroughResource = `import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { schema as generatedSqlSchema } from './schema.sql';

const sqlSchema = generatedSqlSchema
  .authorization(allow => [allow.guest(), allow.publicApiKey()])
  .renameModels(() => [['events', 'Event'], ['venues', 'Venue']])
  .setAuthorization((models) => [
    models.Event.authorization(allow => [allow.guest().to(['read']), allow.publicApiKey().to(['read']), allow.owner(), allow.group('Admin')]),
  ])
  .addToSchema({
    listEventWithName: a.query()
      .arguments({ name: a.string().required() })
      .returns(a.ref('Event').array())
      .handler(a.handler.inlineSql('SELECT * FROM events WHERE name = :name'))
      .authorization(allow => allow.guest()),
    renameEvent: a.mutation()
      .arguments({ id: a.integer().required(), name: a.string().required() })
      .returns(a.json().array())
      .handler(a.handler.sqlReference('./sql/renameEvent.sql'))
      .authorization(allow => allow.authenticated()),
  });

// A model that is not a table (the reference keeps it in DynamoDB).
const schema = a.schema({
  Todo: a.model({ content: a.string(), done: a.boolean() }).authorization(allow => [allow.owner(), allow.guest().to(['read'])]),
});
const combined = a.combine([schema, sqlSchema]);

export type Schema = ClientSchema<typeof combined>;

export const data = defineData({
  schema: combined,
  authorizationModes: { defaultAuthorizationMode: 'apiKey', apiKeyAuthorizationMode: { expiresInDays: 30 } },
});
`

// TestWalkthroughTypeScript follows the reference's walkthrough on Quarry
// with the user's files kept as they are: store the secret, generate
// schema.sql.ts, write resource.ts, start the sandbox, and run the app's
// code with the real client, on PostgreSQL and MariaDB.
func TestWalkthroughTypeScript(t *testing.T) {
	nodeDir := nodePackages(t, "@aws-amplify/data-schema")
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			db.Exec(t, map[string]string{
				testdb.Postgres: `CREATE TABLE venues (id serial PRIMARY KEY, name text);
CREATE TABLE events (id serial PRIMARY KEY, name text NOT NULL, owner text, venue_id int REFERENCES venues(id));
INSERT INTO venues (name) VALUES ('Hall');`,
				testdb.MySQL: `CREATE TABLE venues (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100));
CREATE TABLE events (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, owner VARCHAR(200), venue_id INT, FOREIGN KEY (venue_id) REFERENCES venues(id));
INSERT INTO venues (name) VALUES ('Hall');`,
			}[engine])
			project := isolate(t)
			dataDir := filepath.Join(project, "amplify", "data")
			if code, _, errs := run(t, db.URI, "sandbox", "secret", "set", "SQL_CONNECTION_STRING", "--project", project); code != 0 {
				t.Fatal(errs)
			}
			if code, _, errs := run(t, "", "generate", "schema-from-database", "--connection-uri-secret", "SQL_CONNECTION_STRING",
				"--project", project, "--out", filepath.Join(dataDir, "schema.sql.ts")); code != 0 {
				t.Fatal(errs)
			}
			must := func(err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			must(os.Symlink(filepath.Join(nodeDir, "node_modules"), filepath.Join(project, "node_modules")))
			must(os.WriteFile(filepath.Join(project, "package.json"), []byte(`{"type": "module"}`), 0o644))
			must(os.WriteFile(filepath.Join(dataDir, "resource.ts"), []byte(walkthroughResource), 0o644))
			must(os.MkdirAll(filepath.Join(dataDir, "sql"), 0o755))
			must(os.WriteFile(filepath.Join(dataDir, "sql", "renameEvent.sql"), []byte("UPDATE events SET name = :name WHERE id = :id"), 0o644))

			url, _ := startSandbox(t, project, false, nil)
			token := func(args ...string) string {
				code, tok, errs := run(t, "", append([]string{"sandbox", "token", "--project", project, "--url", url}, args...)...)
				if code != 0 {
					t.Fatal(errs)
				}
				return strings.TrimSpace(tok)
			}
			alice, carol := token("--user", "alice"), token("--user", "carol", "--groups", "Admin")
			e := newEnv(strings.NewReader(""), nil, nil)
			e.projectFlag = project
			_, caPath, err := e.sandboxTLS("127.0.0.1")
			must(err)
			raw := runNode(t, []string{"NODE_EXTRA_CA_CERTS=" + caPath}, "client-walkthrough.mjs",
				filepath.Join(project, "amplify_outputs.json"), alice, carol)
			var out struct {
				Venues struct {
					Data []struct{ Name string }
				}
				GuestCreate, UserCreate, Renamed, Get, ByName struct {
					Data   json.RawMessage
					Errors []struct{ ErrorType string }
				}
				TodoCreate, Todos, KeyList, KeyCreate, Update, AdminUpdate, Delete, AfterDelete struct {
					Data   json.RawMessage
					Errors []struct{ ErrorType string }
				}
				Observed []struct {
					IsSynced bool
					Names    []string
				}
				Events   []struct{ Name, Owner string }
				SubError any
			}
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			defer func() {
				if t.Failed() {
					t.Logf("node printed: %s", raw)
				}
			}()
			if len(out.Venues.Data) != 1 || out.Venues.Data[0].Name != "Hall" {
				t.Errorf("guest list venues")
			}
			if len(out.GuestCreate.Errors) != 1 || out.GuestCreate.Errors[0].ErrorType != "Unauthorized" {
				t.Errorf("a guest created an event")
			}
			if len(out.UserCreate.Errors) != 0 || !strings.Contains(string(out.UserCreate.Data), `::alice"`) {
				t.Errorf("alice's create")
			}
			if len(out.ByName.Errors) != 0 || !strings.Contains(string(out.ByName.Data), `"launch"`) {
				t.Errorf("custom query (inline SQL)")
			}
			if len(out.Renamed.Errors) != 0 || !strings.Contains(string(out.Get.Data), `launch (moved)`) {
				t.Errorf("custom mutation (SQL file)")
			}
			// The managed model: created by a signed-in user (owner filled,
			// UUID id), read by guests.
			if len(out.TodoCreate.Errors) != 0 || !strings.Contains(string(out.TodoCreate.Data), `::alice"`) ||
				len(out.Todos.Errors) != 0 || !strings.Contains(string(out.Todos.Data), `"content":"write docs"`) {
				t.Errorf("managed model Todo")
			}
			// API key: reads, may not write events.
			if len(out.KeyList.Errors) != 0 || !strings.Contains(string(out.KeyList.Data), `"launch`) ||
				len(out.KeyCreate.Errors) != 1 || out.KeyCreate.Errors[0].ErrorType != "Unauthorized" {
				t.Errorf("api key")
			}
			// Owner updates; the Admin group updates anyone's; the owner deletes.
			if len(out.Update.Errors) != 0 || len(out.AdminUpdate.Errors) != 0 || !strings.Contains(string(out.AdminUpdate.Data), `"launch (by admin)"`) ||
				len(out.Delete.Errors) != 0 || string(out.AfterDelete.Data) != "null" {
				t.Errorf("update/delete")
			}
			// observeQuery as a guest: synced list, then the changes.
			if n := len(out.Observed); n < 2 || !out.Observed[n-1].IsSynced || len(out.Observed[n-1].Names) != 0 {
				t.Errorf("observeQuery: %+v", out.Observed)
			}
			if out.SubError != nil || len(out.Events) != 1 || out.Events[0].Name != "launch" {
				t.Errorf("guest subscription: %+v %v", out.Events, out.SubError)
			}
		})
	}
}
