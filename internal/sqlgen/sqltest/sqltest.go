// Package sqltest builds hand-made plans for the dialect compilers' tests,
// so each dialect's tests say what they select, not how a plan is wired.
// Tests only.
package sqltest

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// Fields selects the named fields of m under their own names.
func Fields(m *schema.Model, names ...string) []plan.Output {
	var out []plan.Output
	for _, n := range names {
		out = append(out, plan.Output{Key: n, Field: m.Field(n)})
	}
	return out
}

// Rel nests relationship name of from under key, as the planner does:
// sel reads the target model; a hasMany is a connection with items and
// nextToken, a belongsTo or hasOne a single object.
func Rel(s *schema.Schema, from *schema.Model, key, name string, sel *plan.Select) plan.Output {
	r := from.Relationship(name)
	target := s.Model(r.Target)
	join, err := plan.Join(from, target, r)
	if err != nil {
		panic(err) // a broken fixture, not a test outcome
	}
	sel.Model = target
	o := plan.Output{Key: key, Nested: sel, Join: join}
	if r.Kind == schema.HasMany {
		o.Connection = []plan.ConnKey{{Key: "items", What: "items"}, {Key: "nextToken", What: "nextToken"}}
	} else {
		sel.Single = true
	}
	return o
}

// Querier runs a statement: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Query runs st and returns each row's columns joined by " | ", text as it
// came and other values as JSON.
func Query(t testing.TB, q Querier, st sqlgen.Statement) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), st.SQL, st.Args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, st.SQL)
	}
	defer rows.Close()
	var out []string
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case []byte:
				parts[i] = string(x)
			case string:
				parts[i] = x
			default:
				b, _ := json.Marshal(x)
				parts[i] = string(b)
			}
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%v\n%s", err, st.SQL)
	}
	return out
}
