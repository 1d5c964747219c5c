// Package sqltest builds hand-made plans for the dialect compilers' tests,
// so each dialect's tests say what they select, not how a plan is wired.
// Tests only.
package sqltest

import (
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
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
