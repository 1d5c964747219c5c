package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/testdb"
)

// bigFixture is a table of 20,000 rows, with statistics, and no index on
// grp.
var bigFixture = map[string]string{
	testdb.Postgres: `CREATE TABLE big (id int PRIMARY KEY, grp int NOT NULL, day text);
INSERT INTO big SELECT n, n % 100, 'd' || n FROM generate_series(1, 20000) n;
ANALYZE big;`,
	testdb.MySQL: `CREATE TABLE big (id INT PRIMARY KEY, grp INT NOT NULL, day VARCHAR(20));
INSERT INTO big (id, grp, day)
SELECT n, n % 100, CONCAT('d', n) FROM (
  SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 1 AS n
  FROM (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c,
       (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e,
       (SELECT 0 d UNION ALL SELECT 1) f) s
WHERE n <= 20000;
ANALYZE TABLE big;`,
}

// TestUnindexedQueryWarning: the build explains each index query field
// and warns, with the CREATE INDEX to run, when the database would read a
// large table whole; once the index exists the warning is gone.
func TestUnindexedQueryWarning(t *testing.T) {
	for _, engine := range []string{testdb.Postgres, testdb.MySQL} {
		t.Run(engine, func(t *testing.T) {
			db := testdb.New(t, engine)
			db.Exec(t, bigFixture[engine])
			project, dataDir := generatedProject(t, db)
			resource := `extend schema @auth(rules: [{allow: public, provider: apiKey}])
extend type big { grp: Int! @index(sortKeyFields: ["day"], queryField: "bigByGrp") }
`
			if err := os.WriteFile(filepath.Join(dataDir, "resource.graphql"), []byte(resource), 0o644); err != nil {
				t.Fatal(err)
			}
			create := map[string]string{
				testdb.Postgres: `CREATE INDEX "big_grp_day" ON "big" ("grp", "day")`,
				testdb.MySQL:    "CREATE INDEX `big_grp_day` ON `big` (`grp`, `day`)",
			}[engine]
			// The log's text handler escapes the quotes of the message.
			log := strings.ReplaceAll(startProjectSandbox(t, project).String(), `\"`, `"`)
			if !strings.Contains(log, "query field bigByGrp reads table big whole") || !strings.Contains(log, create) {
				t.Errorf("no warning for the unindexed query field:\n%s", log)
			}
			// The start reads the catalog's indexes for the sortBy and
			// filter check too (indexcheck_orders_test.go tests it whole).
			if !strings.Contains(log, "table big (about ") || !strings.Contains(log, "sortBy and filters on grp, day read the whole table") {
				t.Errorf("no warning for the unindexed sortBy and filter fields:\n%s", log)
			}
			db.Exec(t, create+";")
			if engine == testdb.Postgres {
				db.Exec(t, "ANALYZE big;")
			} else {
				db.Exec(t, "ANALYZE TABLE big;")
			}
			log = startProjectSandbox(t, project).String()
			if strings.Contains(log, "bigByGrp") {
				t.Errorf("warning with the index in place:\n%s", log)
			}
			if !strings.Contains(log, "sortBy and filters on day read the whole table") {
				t.Errorf("the sortBy and filter warning should name day alone once grp leads an index:\n%s", log)
			}
		})
	}
}
