// Package bench holds Quarry's benchmarks. Each reports its figure next to
// a baseline measured in the same run, as a ratio.
package bench

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/cli"
	"github.com/quarrydata/quarry/internal/testdb"
)

const tables = 1000

// BenchmarkGenerate1000Tables times `quarry generate schema-from-database`
// (connect, introspect, build the IR, write schema.sql.graphql) on a
// database of 1,000 tables, each with eight columns, a primary key and a
// foreign key to the table before it. The baseline is the least any
// generator must do: one query that reads every column of the catalog.
// Target: under 2 s per run on the 2-core machine.
//
//	go test ./bench -run '^$' -bench Generate1000 -benchtime 3x
func BenchmarkGenerate1000Tables(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			db := testdb.New(b, engine)
			createTables(b, db)
			b.Setenv("XDG_CONFIG_HOME", b.TempDir())
			project := b.TempDir()
			b.Setenv("BENCH_DB_URI", db.URI)
			out := filepath.Join(project, "schema.sql.graphql")
			args := []string{"generate", "schema-from-database", "--connection-uri-secret", "BENCH_DB_URI",
				"--project", project, "--out", out}

			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var stderr bytes.Buffer
				if code := cli.Main(args, strings.NewReader(""), &bytes.Buffer{}, &stderr); code != 0 {
					b.Fatalf("generate: %s", stderr.String())
				}
			}
			b.StopTimer()
			quarry := b.Elapsed() / time.Duration(b.N)

			start := time.Now()
			for i := 0; i < b.N; i++ {
				scanCatalog(b, db)
			}
			baseline := time.Since(start) / time.Duration(b.N)

			b.ReportMetric(quarry.Seconds(), "s/generate")
			b.ReportMetric(baseline.Seconds(), "s/baseline")
			b.ReportMetric(float64(quarry)/float64(baseline), "x_baseline")
			if quarry > 2*time.Second {
				b.Logf("%s: %v per run is over the 2 s target", engine, quarry)
			}
		})
	}
}

func createTables(b *testing.B, db *testdb.DB) {
	b.Helper()
	var s strings.Builder
	if db.Engine == testdb.SQLite {
		s.WriteString("BEGIN;\n")
	}
	for i := 0; i < tables; i++ {
		fk := ""
		if i > 0 {
			fk = fmt.Sprintf(", FOREIGN KEY (parent_id) REFERENCES t%04d (id)", i-1)
		}
		fmt.Fprintf(&s, "CREATE TABLE t%04d (id INTEGER PRIMARY KEY, parent_id INTEGER, name VARCHAR(100) NOT NULL, "+
			"note TEXT, amount DECIMAL(10,2), at_date DATE, flag BOOLEAN, score FLOAT%s);\n", i, fk)
	}
	if db.Engine == testdb.SQLite {
		s.WriteString("COMMIT;\n")
	}
	db.Exec(b, s.String())
}

// scanCatalog reads every column of the database in one query and discards
// the rows.
func scanCatalog(b *testing.B, db *testdb.DB) {
	b.Helper()
	q := map[string]string{
		testdb.Postgres: `SELECT c.relname, a.attname, a.atttypid::int, a.attnotnull FROM pg_attribute a
			JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND a.attnum > 0 AND c.relkind = 'r'`,
		testdb.MySQL: `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE FROM information_schema.COLUMNS
			WHERE TABLE_SCHEMA = DATABASE()`,
		testdb.SQLite: `SELECT m.name, p.name, p.type, p."notnull" FROM sqlite_schema m
			JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`,
	}[db.Engine]
	rows, err := db.SQL.QueryContext(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var a, c, d, e any
	n := 0
	for rows.Next() {
		if err := rows.Scan(&a, &c, &d, &e); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if n < tables*8 {
		b.Fatalf("baseline read %d columns, want %d", n, tables*8)
	}
}
