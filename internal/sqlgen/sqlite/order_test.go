package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
)

// TestOrderAndCount: totalCount rows and sortBy keysets (see
// sqltest.OrderAndCount), with SQLite's NULLs ordered first ascending.
func TestOrderAndCount(t *testing.T) {
	db, s := fresh(t, sqltest.OrderFixture, false)
	sqltest.OrderAndCount(t, db.SQL, s, false, Compiler{}.Select,
		func(t *testing.T, name string, _ *plan.Select, st sqlgen.Statement) {
			golden.Assert(t, filepath.Join("testdata", name+".sql"), st.SQL+"\n")
		})
}
