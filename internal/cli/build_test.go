package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/tsresource"
)

// buildResource is a resource.ts for the demo database that API keys may
// use; renameTo is what the event table is called.
func buildResource(renameTo string) string {
	return `import { a, defineData } from '@aws-amplify/backend';
import { schema } from './schema.sql';

const s = schema
  .authorization(allow => allow.publicApiKey())
  .renameModels(() => [['event', '` + renameTo + `'], ['venue', 'Venue']]);

export const data = defineData({ schema: s, authorizationModes: { defaultAuthorizationMode: 'apiKey' } });
`
}

// tsDemo makes the demo project with a resource.ts and the Node packages
// of tests/node, and returns its data folder and a --secrets-dir holding
// the database URI.
func tsDemo(t *testing.T) (dataDir, secretsDir string) {
	t.Helper()
	nodeDir := nodePackages(t, "@aws-amplify/data-schema")
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	dataDir = filepath.Join(dir, "amplify", "data")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(filepath.Join(nodeDir, "node_modules"), filepath.Join(dir, "node_modules")))
	must(os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`), 0o644))
	must(os.WriteFile(filepath.Join(dataDir, "resource.ts"), []byte(buildResource("Event")), 0o644))
	secretsDir = t.TempDir()
	must(os.WriteFile(filepath.Join(secretsDir, "SQL_CONNECTION_STRING"), []byte("sqlite://"+filepath.Join(dir, "demo.db")+"\n"), 0o600))
	return dataDir, secretsDir
}

// withoutNode leaves the test a PATH on which there is no node.
func withoutNode(t *testing.T) {
	t.Helper()
	t.Setenv("PATH", t.TempDir())
}

// TestBuildThenServeWithoutNode: `quarry build` freezes resource.ts; serve
// then answers queries with no node on PATH, and refuses the build once
// resource.ts changes; without a build it says to make one.
func TestBuildThenServeWithoutNode(t *testing.T) {
	dataDir, secretsDir := tsDemo(t)
	code, _, errs := run(t, "", "build", "--data", dataDir)
	if code != 0 {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "Wrote "+filepath.Join(dataDir, tsresource.BuiltName)+": 3 models") {
		t.Errorf("build said: %s", errs)
	}
	t.Setenv("API_KEYS", "da2-live")
	withoutNode(t)

	url := serveData(t, dataDir, secretsDir)
	out := toJSON(gql(t, url, "da2-live", `{ listEvents { items { name } } }`))
	if !strings.Contains(out, "Late set") {
		t.Errorf("listEvents = %s", out)
	}

	// resource.ts edited after the build: refused, with the fix.
	if err := os.WriteFile(filepath.Join(dataDir, "resource.ts"), []byte(buildResource("Show")), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := serveFails(t, dataDir, secretsDir); !strings.Contains(errs, "resource.ts changed since `quarry build`: run `quarry build` again") {
		t.Errorf("stale build: %s", errs)
	}
	// No build and no Node: the message names both ways out.
	if err := os.Remove(filepath.Join(dataDir, tsresource.BuiltName)); err != nil {
		t.Fatal(err)
	}
	if errs := serveFails(t, dataDir, secretsDir); !strings.Contains(errs, "needs Node.js") || !strings.Contains(errs, "quarry build") {
		t.Errorf("no build, no Node: %s", errs)
	}
}

// TestBuildNeedsResourceTS: a .graphql schema has nothing to build.
func TestBuildNeedsResourceTS(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	code, _, errs := run(t, "", "build", "--data", filepath.Join(dir, "amplify", "data"))
	if code != 2 || !strings.Contains(errs, "has no resource.ts") || !strings.Contains(errs, "needs no build") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// TestSchemaSourceAfterBuild: which schema each command sees once the
// TypeScript moved on from its build (the build renamed event to Event,
// the TypeScript now to Show).
func TestSchemaSourceAfterBuild(t *testing.T) {
	dataDir, _ := tsDemo(t)
	if code, _, errs := run(t, "", "build", "--data", dataDir); code != 0 {
		t.Fatalf("build: %s", errs)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dataDir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("resource.ts", buildResource("Show"))
	tests := []struct {
		name   string
		from   schemaSource
		change func()
		noNode bool
		// model is the name the event table gets; else err is in the error.
		model, err string
	}{
		{name: "sandbox evaluates the TypeScript", from: fromTypeScript, model: "Show"},
		{name: "tools evaluate the TypeScript when the build is stale", from: fromBuildOrTypeScript, model: "Show"},
		{name: "serve refuses the stale build", from: fromBuild, noNode: true, err: "resource.ts changed since `quarry build`"},
		{name: "schema.sql.ts regenerated", from: fromBuild, noNode: true, change: func() {
			write("resource.ts", buildResource("Event"))
			raw, _ := os.ReadFile(filepath.Join(dataDir, "schema.sql.ts"))
			write("schema.sql.ts", string(raw)+"\n")
		}, err: "resource.ts (schema.sql.ts, which it imports) changed since `quarry build`"},
		{name: "serve reads a current build", from: fromBuild, noNode: true, change: func() {
			write("resource.ts", buildResource("Event"))
			if code, _, errs := run(t, "", "build", "--data", dataDir); code != 0 {
				t.Fatalf("build: %s", errs)
			}
		}, model: "Event"},
		{name: "tools read a current build without Node", from: fromBuildOrTypeScript, noNode: true, model: "Event"},
		{name: "the build alone, no TypeScript shipped", from: fromBuild, noNode: true, change: func() {
			for _, name := range []string{"resource.ts", "schema.sql.ts", "schema.sql.graphql"} {
				if err := os.Remove(filepath.Join(dataDir, name)); err != nil {
					t.Fatal(err)
				}
			}
		}, model: "Event"},
		{name: "the build beside .graphql files", from: fromBuild, noNode: true, change: func() {
			write("resource.graphql", "type Extra @model { id: ID! }\n")
		}, err: "keep one; delete resource.built.graphql if the schema now lives in .graphql files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.change != nil {
				tt.change()
			}
			if tt.noNode {
				withoutNode(t)
			}
			s, err := loadSchemaFrom(context.Background(), dataDir, tt.from)
			switch {
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("got %v, want an error containing %q", err, tt.err)
				}
			case err != nil:
				t.Errorf("got %v", err)
			case s.Model(tt.model) == nil || s.Model(tt.model).Table.Name != "event":
				var names []string
				for _, m := range s.Models {
					names = append(names, m.Name)
				}
				t.Errorf("models %v, want %s for table event", names, tt.model)
			}
		})
	}
}

// serveData runs `quarry serve` on dataDir with the secrets in secretsDir
// (and API_KEYS), waits until it answers and returns its GraphQL URL.
func serveData(t *testing.T, dataDir, secretsDir string) string {
	t.Helper()
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
	root := e.rootCommand()
	root.SetArgs([]string{"serve", "--host", "127.0.0.1", "--port", strconv.Itoa(port), "--data", dataDir, "--secrets-dir", secretsDir})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/graphql"
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve stopped: %v", err)
		default:
		}
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query": "{ __typename }"}`))
		req.Header.Set("x-api-key", "da2-live")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serveFails runs `quarry serve`, which must stop with an error before it
// serves, and returns what it printed.
func serveFails(t *testing.T, dataDir, secretsDir string) string {
	t.Helper()
	type result struct {
		code int
		errs string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errs := run(t, "", "serve", "--host", "127.0.0.1", "--port", "0", "--data", dataDir, "--secrets-dir", secretsDir)
		done <- result{code, errs}
	}()
	select {
	case r := <-done:
		if r.code == 0 {
			t.Errorf("serve exited 0: %s", r.errs)
		}
		return r.errs
	case <-time.After(60 * time.Second):
		t.Fatal("serve started instead of refusing")
	}
	return ""
}
