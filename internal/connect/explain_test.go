package connect_test

import (
	"context"
	"testing"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/testdb"
)

// TestTableRows: the estimate is the table's size, from its statistics,
// also where the plain SELECT is served by an index that covers every
// column (MariaDB then reads the index, access type index, not ALL), and
// 0 on SQLite, which estimates nothing.
func TestTableRows(t *testing.T) {
	fixture := map[string]string{
		testdb.Postgres: `CREATE TABLE covered (id int PRIMARY KEY, grp int NOT NULL);
CREATE INDEX covered_grp ON covered (grp, id);
INSERT INTO covered SELECT n, n % 100 FROM generate_series(1, 20000) n;
ANALYZE covered;`,
		// 20,000 rows by doubling, as MySQL 8 caps a recursive CTE at
		// 1,000 rows by default.
		testdb.MySQL: `CREATE TABLE covered (id INT PRIMARY KEY, grp INT NOT NULL, INDEX covered_grp (grp));
INSERT INTO covered VALUES (1, 1);
INSERT INTO covered SELECT id + 1, grp FROM covered;
INSERT INTO covered SELECT id + 2, grp FROM covered;
INSERT INTO covered SELECT id + 4, grp FROM covered;
INSERT INTO covered SELECT id + 8, grp FROM covered;
INSERT INTO covered SELECT id + 16, grp FROM covered;
INSERT INTO covered SELECT id + 32, grp FROM covered;
INSERT INTO covered SELECT id + 64, grp FROM covered;
INSERT INTO covered SELECT id + 128, grp FROM covered;
INSERT INTO covered SELECT id + 256, grp FROM covered;
INSERT INTO covered SELECT id + 512, grp FROM covered;
INSERT INTO covered SELECT id + 1024, grp FROM covered;
INSERT INTO covered SELECT id + 2048, grp FROM covered;
INSERT INTO covered SELECT id + 4096, grp FROM covered;
INSERT INTO covered SELECT id + 8192, grp FROM covered;
INSERT INTO covered SELECT id + 16384, grp FROM covered WHERE id <= 3616;
ANALYZE TABLE covered;`,
		testdb.SQLite: `CREATE TABLE covered (id INTEGER PRIMARY KEY, grp INT NOT NULL);
INSERT INTO covered VALUES (1, 1);`,
	}
	cases := []struct {
		engine   string
		min, max float64
	}{
		{testdb.Postgres, 15000, 25000},
		{testdb.MySQL, 15000, 25000},
		{testdb.SQLite, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.engine, func(t *testing.T) {
			db := testdb.New(t, tc.engine)
			db.Exec(t, fixture[tc.engine])
			cfg, err := connect.Parse(db.URI)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			c, err := connect.Open(ctx, cfg, connect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			rows, err := c.TableRows(ctx, "", "covered")
			if err != nil {
				t.Fatal(err)
			}
			if rows < tc.min || rows > tc.max {
				t.Errorf("TableRows = %.0f, want %.0f..%.0f", rows, tc.min, tc.max)
			}
		})
	}
}
