package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
)

// demoProject writes the demo's project (schema files and SQLite
// database) without serving it.
func demoProject(t *testing.T) string {
	t.Helper()
	isolate(t)
	dir := filepath.Join(t.TempDir(), "demo")
	if code, _, errs := run(t, "", "demo", "--dir", dir, "--generate-only"); code != 0 {
		t.Fatal(errs)
	}
	return dir
}

func TestEndpointURL(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"https://api.example.com", "https://api.example.com/graphql", ""},
		{"https://api.example.com/", "https://api.example.com/graphql", ""},
		{"https://api.example.com:8443/v1/graphql", "https://api.example.com:8443/v1/graphql", ""},
		{"http://127.0.0.1:4000/graphql", "http://127.0.0.1:4000/graphql", ""},
		{"", "", "--url is required"},
		{"api.example.com/graphql", "", "the scheme must be https://"},
		{"ftp://api.example.com", "", "the scheme must be https://"},
		{"https:///graphql", "", "no host"},
		{"https://u:pw@api.example.com", "", "credentials do not belong"},
		{"https://api.example.com/graphql?x=1", "", "no query string"},
		{"https://api.example.com/graphql#x", "", "no query string"},
	} {
		got, err := endpointURL(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
		}
	}
}

func TestGenerateOutputs(t *testing.T) {
	dir := demoProject(t)
	data := filepath.Join(dir, "amplify", "data")
	out := filepath.Join(dir, "web", "amplify_outputs.json")
	read := func() (o struct {
		Version string `json:"version"`
		Data    struct {
			URL     string         `json:"url"`
			APIKey  *string        `json:"api_key"`
			Default string         `json:"default_authorization_type"`
			MI      map[string]any `json:"model_introspection"`
		} `json:"data"`
	}) {
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		return o
	}

	code, _, errs := run(t, "", "generate", "outputs", "--data", data, "--url", "https://api.example.com", "--out", out)
	if code != 0 {
		t.Fatal(errs)
	}
	o := read()
	if o.Version != "1.4" || o.Data.URL != "https://api.example.com/graphql" || o.Data.Default != "API_KEY" || o.Data.APIKey != nil || len(o.Data.MI) == 0 {
		t.Errorf("without a key: %+v", o)
	}
	if !strings.Contains(errs, "no key is written") {
		t.Errorf("no note that calls with an API key will fail:\n%s", errs)
	}

	const key = "da2-k3y0nly1nth3f1l3xq7zw4"
	t.Setenv("API_KEYS", "da2-old:2001-01-01T00:00:00Z, "+key+":2999-01-01T00:00:00Z,da2-third")
	code, stdout, errs := run(t, "", "generate", "outputs", "--data", data, "--url", "https://api.example.com/graphql", "--out", out, "--api-keys-secret", "API_KEYS")
	if code != 0 {
		t.Fatal(errs)
	}
	if o := read(); o.Data.APIKey == nil || *o.Data.APIKey != key {
		t.Errorf("api_key %v, want the first unexpired key", o.Data.APIKey)
	}
	if strings.Contains(stdout+errs, key) {
		t.Errorf("the key was printed:\n%s%s", stdout, errs)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--url", "api.example.com"}, 2, "the scheme must be https://"},
		{[]string{}, 2, "--url is required"},
		{[]string{"--url", "https://x.example", "--api-keys-secret", "NOT_SET_ANYWHERE"}, 1, "secret NOT_SET_ANYWHERE is not set"},
	} {
		code, _, errs := run(t, "", append([]string{"generate", "outputs", "--data", data, "--out", out}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: exit %d, %s; want %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
}

// TestExportSchema checks both forms against golden files, and that the
// introspection JSON describes the same schema as the SDL to graphql-js
// (buildClientSchema, as codegen tools load it).
func TestExportSchema(t *testing.T) {
	dir := demoProject(t)
	data := filepath.Join(dir, "amplify", "data")
	code, sdlText, errs := run(t, "", "export-schema", "--data", data)
	if code != 0 {
		t.Fatal(errs)
	}
	golden.Assert(t, filepath.Join("testdata", "export-schema", "demo.graphql"), sdlText)
	jsonFile := filepath.Join(dir, "schema.json")
	if code, _, errs := run(t, "", "export-schema", "--data", data, "--out", jsonFile); code != 0 {
		t.Fatal(errs)
	}
	raw, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "export-schema", "demo.json"), string(raw))
	if code, _, errs := run(t, "", "export-schema", "--data", data, "--format", "yaml"); code != 2 || !strings.Contains(errs, "use sdl or json") {
		t.Errorf("--format yaml: exit %d, %s", code, errs)
	}

	nodeDir := nodePackages(t, "graphql")
	sdlFile := filepath.Join(dir, "schema.graphql")
	if err := os.WriteFile(sdlFile, []byte(sdlText), 0o644); err != nil {
		t.Fatal(err)
	}
	// gqlparser declares @defer for every schema, so introspection lists
	// it; the SDL does not.
	const script = `import { readFileSync } from "node:fs";
import { buildClientSchema, buildSchema, printSchema, lexicographicSortSchema, GraphQLSchema } from "graphql";
const fromJSON = buildClientSchema(JSON.parse(readFileSync(process.argv[1], "utf8")).data);
const cfg = fromJSON.toConfig();
const client = new GraphQLSchema({ ...cfg, directives: cfg.directives.filter((d) => d.name !== "defer") });
const fromSDL = buildSchema(readFileSync(process.argv[2], "utf8"));
const a = printSchema(lexicographicSortSchema(client)), b = printSchema(lexicographicSortSchema(fromSDL));
if (a !== b) { console.error(a); process.exit(1); }
console.log(Object.keys(fromJSON.getTypeMap()).length);
`
	cmd := exec.Command("node", "--input-type=module", "-e", script, jsonFile, sdlFile)
	cmd.Dir = nodeDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("graphql-js does not read the introspection JSON as the SDL: %v\n%s", err, out)
	}
}

// TestGraphQLClientCodeAgainstSandbox generates the statements for the
// demo, type-checks a program using them with tsc, and runs it (bundled by
// esbuild) with the real aws-amplify client against the demo's sandbox.
func TestGraphQLClientCodeAgainstSandbox(t *testing.T) {
	nodeDir := nodePackages(t, "aws-amplify")
	dir := demoProject(t)
	work, err := os.MkdirTemp(nodeDir, ".check-clientcode-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	code, _, errs := run(t, "", "generate", "graphql-client-code", "--data", filepath.Join(dir, "amplify", "data"), "--out", filepath.Join(work, "graphql"))
	if code != 0 {
		t.Fatal(errs)
	}
	// main.ts is what an app would write; run.mjs only hands it the
	// outputs file (tests/node has no @types/node for TypeScript).
	const program = `import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/api";
import { getEvent, listVenues } from "./graphql/queries";
import { updateEvent } from "./graphql/mutations";

export async function main(outputs: Parameters<typeof Amplify.configure>[0]): Promise<string> {
  Amplify.configure(outputs);
  const client = generateClient();
  const got = await client.graphql({ query: getEvent, variables: { id: 1 } });
  const venue: string | undefined = got.data.getEvent?.venue?.name;
  const venues = await client.graphql({ query: listVenues, variables: { limit: 10 } });
  const moved = await client.graphql({ query: updateEvent, variables: { input: { id: 1, name: "Renamed by typed statement" } } });
  return JSON.stringify({ get: got.data.getEvent, venue, venues: venues.data.listVenues?.items.length, moved: moved.data.updateEvent?.name });
}
`
	const runner = `import { readFileSync } from "node:fs";
import { main } from "./main.mjs";
console.log(await main(JSON.parse(readFileSync(process.argv[2], "utf8"))));
`
	for name, text := range map[string]string{"main.ts": program, "run.mjs": runner} {
		if err := os.WriteFile(filepath.Join(work, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(nodeDir, "node_modules", ".bin")
	for _, args := range [][]string{
		{filepath.Join(bin, "tsc"), "--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--skipLibCheck", "--lib", "es2022,dom", "main.ts"},
		{filepath.Join(bin, "esbuild"), "main.ts", "--bundle", "--platform=node", "--format=esm", "--packages=external", "--outfile=main.mjs", "--log-level=warning"},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", filepath.Base(args[0]), err, out)
		}
	}

	stderr := startProjectSandbox(t, dir)

	cmd := exec.Command("node", filepath.Join(work, "run.mjs"), filepath.Join(dir, "amplify_outputs.json"))
	raw, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s\nsandbox:\n%s", err, raw, stderr.String())
	}
	var got struct {
		Get struct {
			ID       int    `json:"id"`
			Typename string `json:"__typename"`
			Venue    struct {
				Typename string `json:"__typename"`
			} `json:"venue"`
		} `json:"get"`
		Venue  string `json:"venue"`
		Venues int    `json:"venues"`
		Moved  string `json:"moved"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if got.Get.ID != 1 || got.Get.Typename != "event" || got.Get.Venue.Typename != "venue" || got.Venue == "" || got.Venues == 0 || got.Moved != "Renamed by typed statement" {
		t.Errorf("the typed statements returned %s", raw)
	}
}
