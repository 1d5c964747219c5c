package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/testdb"
)

// TestManagedModels declares a model that is not a table of the database
// beside a generated schema: Quarry stores it in .quarry/managed.db with
// the reference's implicit fields, serves it with the same API and rules,
// adds columns when fields are added, and refuses a change that could lose
// data.
func TestManagedModels(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, map[string]string{
			testdb.Postgres: "CREATE TABLE venue (id serial PRIMARY KEY, name text)",
			testdb.MySQL:    "CREATE TABLE venue (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50))",
			testdb.SQLite:   "CREATE TABLE venue (id INTEGER PRIMARY KEY, name TEXT)",
		}[db.Engine])
		project, dataDir := generatedProject(t, db)
		checkManaged(t, project, dataDir, "")
		if _, err := os.Stat(filepath.Join(project, ".quarry", "managed.db")); err != nil {
			t.Errorf("no managed database: %v", err)
		}
	})
}

// TestManagedModelsInYourDatabase keeps managed models in a PostgreSQL or
// MariaDB database named by --managed-uri-secret, beside a SQLite app.
func TestManagedModelsInYourDatabase(t *testing.T) {
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			app := testdb.New(t, testdb.SQLite)
			app.Exec(t, "CREATE TABLE venue (id INTEGER PRIMARY KEY, name TEXT)")
			store := testdb.New(t, engine)
			project, dataDir := generatedProject(t, app)
			if code, _, errs := run(t, store.URI, "sandbox", "secret", "set", "MANAGED_DB", "--project", project); code != 0 {
				t.Fatal(errs)
			}
			// A table of the user's with a managed model's name is never
			// altered.
			todo := map[string]string{testdb.Postgres: `"Todo"`, testdb.MySQL: "`Todo`"}[engine]
			store.Exec(t, "CREATE TABLE "+todo+" (id INT PRIMARY KEY)")
			e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
			e.projectFlag = project
			must := func(err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			must(os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(`type Todo @model { content: String }`), 0o644))
			f := &serveFlags{host: "127.0.0.1", dataDir: dataDir, pool: 2, queueWait: time.Second, stmtTime: time.Second, managedSecret: "MANAGED_DB"}
			if _, err := e.build(context.Background(), f, nil); err == nil || !strings.Contains(err.Error(), "Quarry did not create it") {
				t.Fatalf("a user's table: %v", err)
			}
			store.Exec(t, "DROP TABLE "+todo)

			checkManaged(t, project, dataDir, "MANAGED_DB")
			var n int
			if err := store.SQL.QueryRow(`SELECT COUNT(*) FROM ` + map[string]string{testdb.Postgres: `"Todo"`, testdb.MySQL: "`Todo`"}[engine]).Scan(&n); err != nil || n != 1 {
				t.Errorf("the store's Todo table: %d rows, %v", n, err)
			}
			if _, err := os.Stat(filepath.Join(project, ".quarry", "managed.db")); err == nil {
				t.Error("an embedded store was created anyway")
			}
		})
	}
}

// checkManaged serves a managed Todo beside the project's tables and
// checks its API, rules and migrations; managedSecret names the store.
func checkManaged(t *testing.T, project, dataDir, managedSecret string) {
	t.Helper()
	resource := filepath.Join(dataDir, "resource.graphql")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(resource, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`extend type venue @auth(rules: [{allow: public}])
type Todo @model @auth(rules: [{allow: owner}, {allow: public, operations: [read]}]) {
  content: String!
  done: Boolean
}`)
	a := &authzAPI{project: project, tokens: map[string]string{}}
	a.url, a.key = startSandboxWith(t, project, func(f *serveFlags) { f.managedSecret = managedSecret })
	for _, u := range []string{"alice", "bob"} {
		code, tok, errs := run(t, "", "sandbox", "token", "--project", project, "--user", u, "--url", a.url)
		if code != 0 {
			t.Fatal(errs)
		}
		a.tokens[u] = strings.TrimSpace(tok)
	}
	r := a.call(t, "alice", `mutation { createTodo(input: {content: "buy milk"}) { id content done owner createdAt updatedAt } }`)
	if len(r.errs) != 0 {
		t.Fatalf("create: %+v", r.errs)
	}
	todo := r.data["createTodo"].(map[string]any)
	id, _ := todo["id"].(string)
	if len(id) != 36 || todo["owner"] != owner("alice") || !strings.HasSuffix(todo["createdAt"].(string), "Z") || todo["createdAt"] != todo["updatedAt"] {
		t.Errorf("created %v", todo)
	}
	if r := a.call(t, "bob", `mutation { updateTodo(input: {id: "`+id+`", done: true}) { id } }`); len(r.errs) != 1 || r.errs[0].ErrorType != "ConditionalCheckFailedException" {
		t.Errorf("bob updates alice's todo: %+v", r.errs)
	}
	r = a.call(t, "alice", `mutation { updateTodo(input: {id: "`+id+`", done: true}) { done updatedAt } }`)
	if len(r.errs) != 0 || r.data["updateTodo"].(map[string]any)["done"] != true {
		t.Errorf("update: %v %+v", r.data, r.errs)
	}
	r = a.call(t, "key", `{ listTodos { items { id content done } } listVenues { items { id } } }`)
	if got := fmt.Sprint(r.data["listTodos"]); len(r.errs) != 0 || got != "map[items:[map[content:buy milk done:true id:"+id+"]]]" {
		t.Errorf("list: %v %+v", r.data, r.errs)
	}

	// Adding a field adds a column; the row keeps its data.
	write(`extend type venue @auth(rules: [{allow: public}])
type Todo @model @auth(rules: [{allow: owner}, {allow: public, operations: [read]}]) {
  content: String!
  done: Boolean
  priority: Int
}`)
	deadline := time.Now().Add(15 * time.Second)
	for {
		r = a.call(t, "key", `{ listTodos { items { content priority } } }`)
		if len(r.errs) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(r.errs) != 0 || !strings.Contains(fmt.Sprint(r.data), "buy milk") {
		t.Errorf("after adding a field: %v %+v", r.data, r.errs)
	}

	// Changing a stored field's type is refused, with the reason.
	write(`type Todo @model { content: Int! done: Boolean priority: Int }`)
	stderr := &syncBuffer{}
	e := newEnv(strings.NewReader(""), io.Discard, stderr)
	e.projectFlag = project
	f := &serveFlags{host: "127.0.0.1", dataDir: dataDir, pool: 2, queueWait: time.Second, stmtTime: time.Second, managedSecret: managedSecret}
	_, err := e.build(context.Background(), f, nil)
	if err == nil || !strings.Contains(err.Error(), "Todo.content is stored as") || !strings.Contains(err.Error(), "could lose data") {
		t.Errorf("type change: %v", err)
	}
}
