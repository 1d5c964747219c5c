package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// A custom statement the database refuses stops the API from starting,
// naming the operation and the database's reason, instead of failing the
// operation's first request; good statements (placeholders included, and
// a mutation, which is prepared, not run) pass.
func TestCustomSQLIsCheckedWhenTheSchemaIsBuilt(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, `CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, price INT NOT NULL);
INSERT INTO item (id, name, price) VALUES (1, 'a', 5);`)
		project, dataDir := generatedProject(t, db)
		good := `
type Query {
  itemsNamed(n: String!): [item] @sql(statement: "SELECT * FROM item WHERE name = :n OR :n IS NULL") @auth(rules: [{allow: public}])
  itemCount: Int @sql(statement: "SELECT count(*) AS n FROM item;") @auth(rules: [{allow: public}])
}
type Mutation {
  clearItems: Int @sql(statement: "DELETE FROM item") @auth(rules: [{allow: public}])
}
`
		cases := []struct {
			name, resource string
			wantErr        []string // all in the error; none means it starts
			wantWarn       string   // PostgreSQL only: it tells the columns
		}{
			{name: "good", resource: good},
			{name: "missing table", resource: `
type Query {
  gone: [item] @sql(statement: "SELECT * FROM no_such_table") @auth(rules: [{allow: public}])
}`, wantErr: []string{"custom query gone", "the database refuses its statement", "no_such_table", "fix the statement"}},
			{name: "missing column in a mutation", resource: `
type Mutation {
  rename(id: Int!): Int @sql(statement: "UPDATE item SET no_such_column = 'x' WHERE id = :id") @auth(rules: [{allow: public}])
}`, wantErr: []string{"custom mutation rename", "no_such_column"}},
			{name: "syntax", resource: `
type Query {
  broken: Int @sql(statement: "SELEC 1") @auth(rules: [{allow: public}])
}`, wantErr: []string{"custom query broken", "SELEC"}},
			{name: "required column missing", resource: `
type Query {
  namesOnly: [item] @sql(statement: "SELECT id, name FROM item") @auth(rules: [{allow: public}])
}`, wantWarn: `custom query namesOnly returns item, but its statement has no column price for the required field price`},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if err := os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(c.resource), 0o644); err != nil {
					t.Fatal(err)
				}
				logs := &syncBuffer{}
				e := newEnv(strings.NewReader(""), io.Discard, logs)
				e.projectFlag = project
				b, err := e.build(context.Background(), &serveFlags{dataDir: dataDir, pool: 2}, nil)
				if len(c.wantErr) == 0 {
					if err != nil {
						t.Fatalf("build: %v", err)
					}
					b.close()
				} else {
					if err == nil {
						b.close()
						t.Fatalf("build accepted a statement the database refuses")
					}
					for _, w := range c.wantErr {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error %q does not say %q", err, w)
						}
					}
				}
				if c.wantWarn != "" && db.Engine == testdb.Postgres && !strings.Contains(logs.String(), c.wantWarn) {
					t.Errorf("log does not warn %q:\n%s", c.wantWarn, logs)
				}
			})
		}
		// The mutation was prepared, not run.
		var n int
		if err := db.SQL.QueryRow("SELECT count(*) FROM item").Scan(&n); err != nil || n != 1 {
			t.Fatalf("item rows after the check = %d (%v), want 1", n, err)
		}
	})
}
