package introspect

import (
	"context"
	"fmt"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// Options.Indexes reads the non-unique indexes on plain columns, key
// columns in order, and leaves out unique, expression and partial ones;
// without it none are read.
func TestSecondaryIndexes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *testdb.DB) {
		db.Exec(t, `CREATE TABLE ev (id INT PRIMARY KEY, venue INT, day VARCHAR(20), name VARCHAR(50));
CREATE INDEX ev_venue_day ON ev (venue, day);
CREATE INDEX ev_name ON ev (name);
CREATE UNIQUE INDEX ev_day_name ON ev (day, name);`)
		switch db.Engine {
		case testdb.Postgres:
			db.Exec(t, `CREATE INDEX ev_lower ON ev (lower(name)); CREATE INDEX ev_part ON ev (day) WHERE day IS NOT NULL;
CREATE INDEX ev_incl ON ev (venue) INCLUDE (name);`)
		case testdb.SQLite:
			db.Exec(t, `CREATE INDEX ev_lower ON ev (lower(name)); CREATE INDEX ev_part ON ev (day) WHERE day IS NOT NULL;`)
		case testdb.MySQL:
			db.Exec(t, `CREATE INDEX ev_prefix ON ev (name(3));`)
		}
		opts := Options{Database: db.Name}
		if db.Engine == testdb.SQLite {
			opts.Database = ""
		}
		for _, read := range []bool{false, true} {
			opts.Indexes = read
			cat, err := Read(context.Background(), db.SQL, db.Engine, opts)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(cat.Tables[0].Indexes)
			want := "[{ev_name [name]} {ev_venue_day [venue day]}]"
			if db.Engine == testdb.Postgres {
				want = "[{ev_incl [venue]} {ev_name [name]} {ev_venue_day [venue day]}]"
			}
			if !read {
				want = "[]"
			}
			if got != want {
				t.Errorf("Indexes=%v: %s, want %s", read, got, want)
			}
		}
	})
}
