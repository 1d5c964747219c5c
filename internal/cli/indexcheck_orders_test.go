package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/testdb"
)

// seriesSQL is a derived table of the integers 1..n in column n, on
// either engine: a cross join of digits, since MySQL 8 caps a recursive
// CTE at 1,000 rows by default and has no generate_series.
func seriesSQL(n int) string {
	digits := "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)"
	return fmt.Sprintf(`(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 1 AS n
FROM %[1]s a, %[1]s b, %[1]s c, %[1]s e, %[1]s f) s WHERE n <= %[2]d`, digits, n)
}

// ordersFixture creates table name with n rows: id (the primary key),
// indexed (an index of its own), code (a unique constraint), tail (second
// in an index on (indexed, tail)), loose and tag (an enum; no index), and
// tags (JSON, which no B-tree index serves), with statistics.
func ordersFixture(engine, name string, n int) string {
	if engine == testdb.Postgres {
		return fmt.Sprintf(`CREATE TYPE %[1]s_tag AS ENUM ('a', 'b');
CREATE TABLE %[1]s (id int PRIMARY KEY, indexed int NOT NULL, code text NOT NULL UNIQUE, tail int, loose int, tag %[1]s_tag, tags jsonb);
CREATE INDEX %[1]s_indexed ON %[1]s (indexed);
CREATE INDEX %[1]s_indexed_tail ON %[1]s (indexed, tail);
INSERT INTO %[1]s SELECT n, n %% 1000, 'c' || n, n, n, 'a', '{}' FROM generate_series(1, %[2]d) n;
ANALYZE %[1]s;`, name, n)
	}
	return fmt.Sprintf(`CREATE TABLE %[1]s (id INT PRIMARY KEY, indexed INT NOT NULL, code VARCHAR(20) NOT NULL UNIQUE, tail INT, loose INT, tag ENUM('a', 'b'), tags JSON,
  INDEX %[1]s_indexed (indexed), INDEX %[1]s_indexed_tail (indexed, tail));
INSERT INTO %[1]s (id, indexed, code, tail, loose, tag, tags)
SELECT n, n %% 1000, CONCAT('c', n), n, n, 'a', '{}' FROM %[2]s;
ANALYZE TABLE %[1]s;`, name, seriesSQL(n))
}

// TestUnindexedOrderWarning: a table of more than largeTable rows (real
// rows, real statistics) gives one warning naming the fields that sortBy
// and filters can use but no index starts with, and not the ones an index
// (primary key, unique, secondary) starts with; a small table gives none.
func TestUnindexedOrderWarning(t *testing.T) {
	cases := []struct {
		name  string
		table string
		rows  int
		// want are substrings of the table's one warning; nil: none.
		want []string
		// notWant are the fields the warning must not name.
		notWant []string
	}{
		{
			name:  "large",
			table: "big_orders",
			rows:  20000,
			want: []string{"table big_orders (about ", " rows): sortBy and filters on tail, loose, tag read the whole table (no index starts with them)",
				"e.g. CREATE INDEX "},
			notWant: []string{"id", "indexed", "code", "tags"},
		},
		{name: "small", table: "small_orders", rows: 100},
	}
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			for _, tc := range cases {
				db.Exec(t, ordersFixture(engine, tc.table, tc.rows))
			}
			warnings := buildIndexWarnings(t, db)
			t.Logf("warnings: %q", warnings)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					var mine []string
					for _, w := range warnings {
						if strings.HasPrefix(w, "table "+tc.table+" ") {
							mine = append(mine, w)
						}
					}
					if tc.want == nil {
						if len(mine) > 0 {
							t.Errorf("warnings for a small table: %q", mine)
						}
						return
					}
					if len(mine) != 1 {
						t.Fatalf("want one warning for %s, got %q (all: %q)", tc.table, mine, warnings)
					}
					for _, w := range tc.want {
						if !strings.Contains(mine[0], w) {
							t.Errorf("warning %q lacks %q", mine[0], w)
						}
					}
					create := map[string]string{
						testdb.Postgres: `CREATE INDEX "big_orders_tail" ON "big_orders" ("tail")`,
						testdb.MySQL:    "CREATE INDEX `big_orders_tail` ON `big_orders` (`tail`)",
					}[engine]
					if !strings.HasSuffix(mine[0], create) {
						t.Errorf("warning %q does not end with %s", mine[0], create)
					}
					_, list, _ := strings.Cut(mine[0], "sortBy and filters on ")
					list, _, _ = strings.Cut(list, " read the whole table")
					for _, f := range strings.Split(list, ", ") {
						for _, no := range tc.notWant {
							if f == no {
								t.Errorf("warning names %s, which an index starts with (or no index serves): %q", no, mine[0])
							}
						}
					}
				})
			}
		})
	}
}

// buildIndexWarnings runs the start-up index checks on db's tables as
// serve does: the catalog with its indexes, the schema generated from it.
func buildIndexWarnings(t *testing.T, db *testdb.DB) []string {
	t.Helper()
	ctx := context.Background()
	cfg, err := connect.Parse(db.URI)
	if err != nil {
		t.Fatal(err)
	}
	cdb, err := connect.Open(ctx, cfg, connect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cdb.Close()
	cat, err := introspect.Read(ctx, cdb.SQL, cdb.Engine, introspect.Options{Database: cfg.Database, Indexes: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.FromCatalog(cat, schema.Database{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := compilerFor(cdb)
	if err != nil {
		t.Fatal(err)
	}
	return indexWarnings(ctx, cdb, c, s, cat)
}
