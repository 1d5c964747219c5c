package postgres

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/quarrydata/quarry/internal/golden"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/sqlgen/sqltest"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestAggregates: aggregateX statements and a hasMany's aggregate (see
// sqltest.Aggregates), their SQL kept as goldens.
func TestAggregates(t *testing.T) {
	db := testdb.New(t, testdb.Postgres)
	db.Exec(t, sqltest.OrderFixture)
	cat, err := introspect.Read(context.Background(), db.SQL, introspect.EnginePostgres, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Aggregates(t, db.SQL, s, Compiler{}.Aggregate, Compiler{}.Select,
		func(t *testing.T, name string, _ *plan.Aggregate, _ *plan.Select, st sqlgen.Statement) {
			golden.Assert(t, filepath.Join("testdata", name+".sql"), st.SQL+"\n")
		})
}
