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
// @aws-amplify/data-schema) without the typescript package: Quarry reads
// the TypeScript itself, so a project needs none. extra files (name,
// text pairs) go into the data folder beside resource.ts.
func project(t *testing.T, resource string, extra ...string) (dir, dataDir string) {
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
	entries, err := os.ReadDir(modules)
	must(t, err)
	must(t, os.Mkdir(filepath.Join(dir, "node_modules"), 0o755))
	for _, e := range entries {
		if e.Name() == "typescript" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		must(t, os.Symlink(filepath.Join(modules, e.Name()), filepath.Join(dir, "node_modules", e.Name())))
	}
	must(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`), 0o644))
	must(t, os.WriteFile(filepath.Join(dataDir, "schema.sql.ts"), []byte(schemaSQL), 0o644))
	must(t, os.WriteFile(filepath.Join(dataDir, "resource.ts"), []byte(resource), 0o644))
	for i := 0; i+1 < len(extra); i += 2 {
		must(t, os.WriteFile(filepath.Join(dataDir, extra[i]), []byte(extra[i+1]), 0o644))
	}
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

func TestNoTypeScriptPackageNeeded(t *testing.T) {
	dir, dataDir := project(t, walkthrough)
	// Node finds no typescript from the project (as with TypeScript 7,
	// which has no JavaScript API, or none installed).
	out, err := exec.Command("node", "-e", `try { require.resolve("typescript"); console.log("found") } catch { console.log("none") }`).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "none" {
		t.Fatalf("the test project should have no typescript package: %s %v", out, err)
	}
	if _, err := Files(context.Background(), dir, dataDir); err != nil {
		t.Fatal(err)
	}
	if loaderUses := strings.Contains(string(loader), `"typescript"`); loaderUses {
		t.Error("loader.mjs still loads the typescript package")
	}
}

func TestErrorsPointAtTheTypeScript(t *testing.T) {
	const head = "import { a, defineData } from '@aws-amplify/backend';\nimport { schema } from './schema.sql';\n"
	tests := []struct {
		name, resource string
		extra          []string
		// at is where the error must point: a file of the data folder
		// and ":line:col", or "" for the file without a line.
		file, at, want string
	}{
		{name: "syntax", resource: "import { a, defineData } from '@aws-amplify/backend';\nexport const data = defineData({ schema: a.schema({ }) ;\n",
			file: "resource.ts", at: ":2:56", want: `Expected "}" but found ";"`},
		{name: "syntax in an imported file", resource: head + "import { x } from './helpers';\nexport const data = defineData({ schema, x });\n",
			extra: []string{"helpers.ts", "export const x: number = (1;\n"},
			file:  "helpers.ts", at: ":1:28", want: `Expected ")" but found ";"`},
		{name: "runtime", resource: head + "const s = schema.renameModelz(() => []);\nexport const data = defineData({ schema: s });\n",
			file: "resource.ts", at: ":3:18", want: "renameModelz is not a function"},
		{name: "runtime in an imported file", resource: head + "import { rename } from './helpers';\nexport const data = defineData({ schema: rename(schema) });\n",
			extra: []string{"helpers.ts", "// renames\nexport function rename(s: any) {\n  return s.renameModels(() => [['nope', 'Nope']]);\n}\n"},
			file:  "helpers.ts", at: ":3:12", want: "Invalid renameModels call. nope is not defined in the schema"},
		// Thrown inside data-schema (dist/esm/ModelSchema.mjs, whose
		// source map names src/ModelSchema.ts): the user's call is named.
		{name: "data-schema error", resource: head + "const s = schema.addToSchema({\n  Extra: a.model({ id: a.id() }),\n});\nexport const data = defineData({ schema: s });\n",
			file: "resource.ts", at: ":3:18", want: "Invalid value specified for Extra in addToSchema()"},
		{name: "owner without an owner column", resource: head + `const s = schema
  .authorization(allow => allow.guest())
  .renameModels(() => [['venue', 'Venue']])
  .setAuthorization((models) => [
    models.Venue.authorization(allow => [allow.owner()]),
  ]);
export const data = defineData({ schema: s });
`, file: "resource.ts", at: ":7:5", want: `model Venue: allow.owner() needs a field "owner" holding its owner (a string), and table venue has no column "owner": add the column to the table and run ` + "`quarry generate schema-from-database`" + ` again, or name an existing column with allow.ownerDefinedIn("created_by") (the text columns of venue: name)`},
		{name: "group field of the wrong kind", resource: head + `const s = schema
  .authorization(allow => allow.guest())
  .setAuthorization((models) => [models.event.authorization(allow => [allow.groupsDefinedIn('name')])]);
export const data = defineData({ schema: s });
`, file: "resource.ts", at: ":5:34", want: `model event: allow.groupsDefinedIn("name") keeps the groups allowed in field "name", which must be a list of strings, but column "name" of table event has type String: use allow.groupDefinedIn("name") for one value per row`},
		{name: "owner field of a managed model", resource: head + `const todo = a.schema({
  Todo: a.model({ owner: a.integer() }).authorization(allow => [allow.owner()]),
});
export const data = defineData({ schema: a.combine([todo, schema.authorization(allow => allow.guest())]) });
`, file: "resource.ts", at: ":4:3", want: `model Todo: allow.owner() keeps its owner in field "owner", which must be a string, but field "owner" of model Todo has type Int: name an existing field with allow.ownerDefinedIn("created_by")`},
		{name: "transform error without a model", resource: head + "const s = schema.authorization(allow => allow.guest()).addToSchema({\n  q: a.query().returns(a.ref('Nope')).handler(a.handler.inlineSql('select 1')),\n});\nexport const data = defineData({ schema: s });\n",
			file: "resource.ts", want: "transform(): Invalid ref. q is referring to Nope which is not defined in the schema"},
		{name: "no defineData", resource: "export const x = 1;\n", file: "resource.ts", want: "exports no defineData"},
		{name: "lambda function", resource: head + "export const data = defineData({ schema, authorizationModes: { lambdaAuthorizationMode: { function: {} } } });\n",
			file: "resource.ts", want: "Quarry calls an HTTP webhook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, dataDir := project(t, tt.resource, tt.extra...)
			_, err := Files(context.Background(), dir, dataDir)
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a tsresource.Error", err)
			}
			prefix := filepath.Join(dataDir, tt.file) + tt.at + ": "
			if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got\n  %v\nwant it to start with %q and contain\n  %s", err, prefix, tt.want)
			}
			if strings.Contains(err.Error(), "ModelSchema") {
				t.Errorf("names data-schema's own file: %v", err)
			}
		})
	}
}

// A project reached through a symlink (macOS's /tmp, a linked checkout)
// still gets the user's line, not a path relative across the link.
func TestSymlinkedProject(t *testing.T) {
	dir, _ := project(t, "import { defineData } from '@aws-amplify/backend';\nimport { schema } from './schema.sql';\nconst s = schema.renameModelz(() => []);\nexport const data = defineData({ schema: s });\n")
	link := filepath.Join(t.TempDir(), "link")
	must(t, os.Symlink(dir, link))
	dataDir := filepath.Join(link, "amplify", "data")
	_, err := Files(context.Background(), link, dataDir)
	if want := filepath.Join(dataDir, "resource.ts") + ":3:18: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want it to start with %q", err, want)
	}
}
