package mysql

import (
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestAggregates: aggregateX statements and a hasMany's aggregate (see
// sqltest.Aggregates); the other flavor's SQL is kept as golden text.
func TestAggregates(t *testing.T) {
	e := open(t, func(db *testdb.DB) { db.Exec(t, sqltest.OrderFixture) })
	sqltest.Aggregates(t, e.sess, e.s, e.c.Aggregate, e.c.Select,
		func(t *testing.T, name string, a *plan.Aggregate, sel *plan.Select, st sqlgen.Statement) {
			goldenSQL(t, name, e.c, st)
			other := otherFlavor(e.c)
			var st2 sqlgen.Statement
			var err error
			if a != nil {
				st2, err = other.Aggregate(a)
			} else {
				st2, err = other.Select(sel)
			}
			if err != nil {
				t.Fatal(err)
			}
			goldenSQL(t, name, other, st2)
		})
}
