package clientgen

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/testdb"
)

// servedSchema is the schema api.Build serves for the chinook fixture
// (api's own golden file): awkward names, composite keys, enums, lists,
// relationships, custom operations and types.
func servedSchema(t *testing.T) *ast.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "api", "testdata", "chinook.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "chinook.graphql", Input: string(raw)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	return s
}

func TestFilesGolden(t *testing.T) {
	s := servedSchema(t)
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"typescript", Options{StatementTarget: TargetTypeScript, Types: true, Typename: true}},
		{"graphql", Options{StatementTarget: TargetGraphQL, Typename: true}},
		{"javascript-depth1", Options{StatementTarget: TargetJavaScript, MaxDepth: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Files(s, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for name, text := range files {
				names = append(names, name)
				golden.Assert(t, filepath.Join("testdata", tc.name, name), text)
			}
			sort.Strings(names)
			want := map[string]string{"typescript": "API.ts mutations.ts queries.ts subscriptions.ts",
				"graphql": "mutations.graphql queries.graphql subscriptions.graphql", "javascript-depth1": "mutations.js queries.js subscriptions.js"}[tc.name]
			if got := strings.Join(names, " "); got != want {
				t.Errorf("files %s, want %s", got, want)
			}
		})
	}
}

// TestStatementsValidate checks every statement at several depths against
// the served schema with gqlparser's validator, as the server will.
func TestStatementsValidate(t *testing.T) {
	s := servedSchema(t)
	for _, depth := range []int{1, 2, 3, 4} {
		ops, err := Operations(s, depth, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(ops) != len(s.Query.Fields)+len(s.Mutation.Fields)+len(s.Subscription.Fields)-2 { // __schema, __type
			t.Errorf("depth %d: %d operations for %d root fields", depth, len(ops), len(s.Query.Fields)+len(s.Mutation.Fields)+len(s.Subscription.Fields))
		}
		for _, op := range ops {
			if _, err := gqlparser.LoadQueryWithRules(s, op.Document(), nil); err != nil {
				t.Errorf("depth %d, %s does not validate: %v\n%s", depth, op.Field, err, op.Document())
			}
		}
	}
	if _, err := Operations(s, 0, true); err == nil {
		t.Error("depth 0 was accepted")
	}
}

// TestDepth shows what the depth selects: at 2 a get selects the model's
// scalars and the fields of an object it points to; a list selects its
// items' scalars only.
func TestDepth(t *testing.T) {
	s := servedSchema(t)
	ops, err := Operations(s, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, op := range ops {
		docs[op.Field] = op.Document()
	}
	const want = `query ListEvents(
  $id: Int
  $filter: ModelEventFilterInput
  $limit: Int
  $nextToken: String
  $sortDirection: ModelSortDirection
  $sortBy: [ModelEventSortInput!]
) {
  listEvents(
    id: $id
    filter: $filter
    limit: $limit
    nextToken: $nextToken
    sortDirection: $sortDirection
    sortBy: $sortBy
  ) {
    items {
      id
      name
      created_at
      status
      past_statuses
      tags
      venue_id
      __typename
    }
    nextToken
    __typename
  }
}
`
	if docs["listEvents"] != want {
		t.Errorf("listEvents:\n%s\nwant:\n%s", docs["listEvents"], want)
	}
	if !strings.HasPrefix(docs["getEvent"], "query GetEvent($id: Int!) {\n  getEvent(id: $id) {\n    id\n") {
		t.Errorf("getEvent:\n%s", docs["getEvent"])
	}
}

// TestTypeScriptCompiles type-checks the generated files with the
// TypeScript compiler and the real aws-amplify client's types, including
// a client.graphql() call whose result type comes from the statement.
func TestTypeScriptCompiles(t *testing.T) {
	nodeDir, err := filepath.Abs(filepath.Join("..", "..", "tests", "node"))
	if err != nil {
		t.Fatal(err)
	}
	tsc := filepath.Join(nodeDir, "node_modules", ".bin", "tsc")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "aws-amplify")); err != nil {
		testdb.Unreachable(t, "the Node packages in tests/node (run npm ci there)", err)
	}
	files, err := Files(servedSchema(t), Options{StatementTarget: TargetTypeScript, Types: true, Typename: true})
	if err != nil {
		t.Fatal(err)
	}
	// Inside tests/node, so that aws-amplify resolves from its
	// node_modules (.check-* is ignored by git).
	dir, err := os.MkdirTemp(nodeDir, ".check-clientgen-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	files["use.ts"] = `import { generateClient } from "aws-amplify/api";
import { getEvent, listEvents } from "./queries";
import { createEvent } from "./mutations";
import { onCreateEvent } from "./subscriptions";
import { EventStatus } from "./API";

const client = generateClient();

export async function use(): Promise<string> {
  const got = await client.graphql({ query: getEvent, variables: { id: 1 } });
  const name: string | null | undefined = got.data.getEvent?.name;
  const list = await client.graphql({ query: listEvents, variables: { limit: 2, filter: { name: { beginsWith: "B" } } } });
  const ids: number[] = list.data.listEvents?.items.map((e) => e?.id ?? 0) ?? [];
  const made = await client.graphql({ query: createEvent, variables: { input: { id: 9, status: EventStatus.open } } });
  const status: EventStatus | undefined = made.data.createEvent?.status;
  client.graphql({ query: onCreateEvent }).subscribe({ next: ({ data }) => console.log(data.onCreateEvent?.id) });
  // @ts-expect-error: getEvent needs its id
  await client.graphql({ query: getEvent, variables: {} });
  return String(name) + ids.join(",") + String(status);
}
`
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	cmd := exec.Command(tsc, append([]string{"--noEmit", "--strict", "--target", "es2022", "--module", "esnext",
		"--moduleResolution", "bundler", "--skipLibCheck", "--lib", "es2022,dom"}, names...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
}
