package introspect

import (
	"context"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// The tables --changes database keeps in a served database are Quarry's
// bookkeeping: regenerating the schema must not turn them into models.
func TestBookkeepingTablesAreNotRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, `CREATE TABLE quarry_changes (seq INT PRIMARY KEY, tbl VARCHAR(64));
CREATE TABLE quarry_changes_position (name VARCHAR(64) PRIMARY KEY, lsn BIGINT);
CREATE TABLE quarry_orders (id INT PRIMARY KEY);`)
		opts := Options{Database: db.Name}
		if db.Engine == testdb.SQLite {
			opts.Database = ""
		}
		cat, err := Read(context.Background(), db.SQL, db.Engine, opts)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tb := range cat.Tables {
			names = append(names, tb.Name)
		}
		if len(names) != 1 || names[0] != "quarry_orders" {
			t.Errorf("tables read = %q, want only the user's quarry_orders", names)
		}
	})
}
