package mysql

import (
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestOrderAndCount: totalCount rows and sortBy keysets (see
// sqltest.OrderAndCount), with MySQL's NULLs ordered first ascending; the
// other flavor's SQL is kept as golden text.
func TestOrderAndCount(t *testing.T) {
	e := open(t, func(db *testdb.DB) { db.Exec(t, sqltest.OrderFixture) })
	sqltest.OrderAndCount(t, e.sess, e.s, false, e.c.Select,
		func(t *testing.T, name string, sel *plan.Select, st sqlgen.Statement) {
			goldenSQL(t, name, e.c, st)
			other, err := otherFlavor(e.c).Select(sel)
			if err != nil {
				t.Fatal(err)
			}
			goldenSQL(t, name, otherFlavor(e.c), other)
		})
}
