package tsresource

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/sdl"
	"github.com/quarrydata/quarry/internal/testdb"
)

// schemaSQL is a generated schema.sql.ts, as `quarry generate` writes it.
const schemaSQL = `import { a } from "@aws-amplify/data-schema";
import { configure } from "@aws-amplify/data-schema/internals";
import { secret } from "@aws-amplify/backend";

export const schema = configure({
  database: { identifier: "IDabc", engine: "postgresql", connectionUri: secret("SQL_CONNECTION_STRING") }
}).schema({
  "event": a.model({
    "id": a.integer().default(),
    "name": a.string().required(),
    "owner": a.string(),
    "venue_id": a.integer(),
    "venue": a.belongsTo("venue", "venue_id")
  }).identifier(["id"]),
  "venue": a.model({
    "id": a.integer().default(),
    "name": a.string(),
    "events": a.hasMany("event", "venue_id")
  }).identifier(["id"])
});
`

// project makes a project whose node_modules are tests/node's (the real
// @aws-amplify/data-schema and typescript).
func project(t *testing.T, resource string) (dir, dataDir string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		testdb.Unreachable(t, "Node.js", err)
	}
	_, here, _, _ := runtime.Caller(0)
	modules := filepath.Join(filepath.Dir(here), "..", "..", "tests", "node", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "@aws-amplify", "data-schema")); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	dir = t.TempDir()
	dataDir = filepath.Join(dir, "amplify", "data")
	must(t, os.MkdirAll(dataDir, 0o755))
	must(t, os.Symlink(modules, filepath.Join(dir, "node_modules")))
	must(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`), 0o644))
	must(t, os.WriteFile(filepath.Join(dataDir, "schema.sql.ts"), []byte(schemaSQL), 0o644))
	must(t, os.WriteFile(filepath.Join(dataDir, "resource.ts"), []byte(resource), 0o644))
	return dir, dataDir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The reference's walkthrough resource.ts, as its documentation writes it.
const walkthrough = `import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { schema as generatedSqlSchema } from './schema.sql';

const sqlSchema = generatedSqlSchema
  .authorization(allow => allow.guest())
  .renameModels(() => [['event', 'Event'], ['venue', 'Venue']])
  .setAuthorization((models) => [
    models.Event.authorization(allow => [allow.owner(), allow.guest().to(['read'])]),
  ])
  .addToSchema({
    listEventWithName: a.query()
      .arguments({ name: a.string().required() })
      .returns(a.ref('Event').array())
      .handler(a.handler.inlineSql('SELECT * FROM event WHERE name = :name'))
      .authorization(allow => allow.guest()),
  });

export type Schema = ClientSchema<typeof sqlSchema>;

export const data = defineData({
  schema: sqlSchema,
  authorizationModes: { defaultAuthorizationMode: 'iam', apiKeyAuthorizationMode: { expiresInDays: 30 } },
});
`

func TestWalkthroughResource(t *testing.T) {
	dir, dataDir := project(t, walkthrough)
	files, err := Files(context.Background(), dir, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sdl.FromFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if s.Database.ConnectionURISecret != "SQL_CONNECTION_STRING" || s.Database.Engine != "postgresql" {
		t.Errorf("database %+v", s.Database)
	}
	ev := s.Model("Event")
	if ev == nil || ev.Table.Name != "event" || len(ev.Auth) != 2 {
		t.Fatalf("Event: %+v", ev)
	}
	if r := s.Model("Venue").Relationship("events"); r == nil || r.Target != "Event" {
		t.Errorf("Venue.events: %+v", r)
	}
	if len(s.Queries) != 1 || !strings.Contains(s.Queries[0].SQL, ":name") {
		t.Errorf("queries %+v", s.Queries)
	}
	if s.Modes == nil || s.Modes.Default != "identityPool" || !s.Modes.APIKey || s.Modes.APIKeyExpiresInDays != 30 {
		t.Errorf("modes %+v", s.Modes)
	}
}

func TestErrorsPointAtTheTypeScript(t *testing.T) {
	tests := []struct {
		name, resource, want string
	}{
		{"syntax", "import { a, defineData } from '@aws-amplify/backend';\nexport const data = defineData({ schema: a.schema({ }) ;\n", "resource.ts:2:"},
		{"runtime", "import { defineData } from '@aws-amplify/backend';\nimport { schema } from './schema.sql';\nconst s = schema.renameModelz(() => []);\nexport const data = defineData({ schema: s });\n", "resource.ts:3:"},
		{"no defineData", "export const x = 1;\n", "exports no defineData"},
		{"lambda function", "import { defineData } from '@aws-amplify/backend';\nimport { schema } from './schema.sql';\nexport const data = defineData({ schema, authorizationModes: { lambdaAuthorizationMode: { function: {} } } });\n", "Quarry calls an HTTP webhook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, dataDir := project(t, tt.resource)
			_, err := Files(context.Background(), dir, dataDir)
			var te *Error
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
