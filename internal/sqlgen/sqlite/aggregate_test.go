package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
)

// TestAggregates: aggregateX statements and a hasMany's aggregate (see
// sqltest.Aggregates), their SQL kept as goldens.
func TestAggregates(t *testing.T) {
	db, s := fresh(t, sqltest.OrderFixture, false)
	sqltest.Aggregates(t, db.SQL, s, Compiler{}.Aggregate, Compiler{}.Select,
		func(t *testing.T, name string, _ *plan.Aggregate, _ *plan.Select, st sqlgen.Statement) {
			golden.Assert(t, filepath.Join("testdata", name+".sql"), st.SQL+"\n")
		})
}
