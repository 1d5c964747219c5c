package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// largeTable is the estimated row count from which a full scan behind an
// index query field is worth a warning: below it a scan costs little.
const largeTable = 10000

// indexCheckTime bounds all the EXPLAINs of one build: the check only
// advises, so it must not hold a start-up back.
const indexCheckTime = 5 * time.Second

// unindexedQueries explains the statement of each secondary index's query
// field of the tables (not managed models) on PostgreSQL and MySQL, with a
// sample partition value, and returns a warning for each that would read a
// large table whole: the database has no index the query can use, which
// AppSync's @index always has. The warning names the CREATE INDEX that
// serves it. EXPLAIN runs nothing, so this is safe on any database; a
// failure to explain is reported as such and does not stop the build.
func unindexedQueries(ctx context.Context, db *connect.DB, c sqlgen.Compiler, s *schema.Schema) []string {
	if !db.Explains() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, indexCheckTime)
	defer cancel()
	var warnings []string
	for _, m := range s.Models {
		if m.Managed {
			continue
		}
		for _, x := range m.Indexes {
			if x.QueryField == "" || m.Field(x.Field) == nil {
				continue
			}
			st, err := c.Select(plan.IndexProbe(m, x, sampleValue(m.Field(x.Field)), 100))
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("query field %s: cannot check its index: %v", x.QueryField, err))
				continue
			}
			scans, err := db.FullScans(ctx, st.SQL, st.Args...)
			if err != nil {
				if ctx.Err() != nil {
					return append(warnings, "index check stopped after "+indexCheckTime.String()+": the database answers EXPLAIN slowly")
				}
				warnings = append(warnings, fmt.Sprintf("query field %s: cannot check its index: %v", x.QueryField, err))
				continue
			}
			for _, sc := range scans {
				if sc.Rows < largeTable {
					continue
				}
				var cols []string
				for _, name := range x.Fields() {
					cols = append(cols, m.Field(name).Column)
				}
				name := m.Table.Name + "_" + strings.Join(cols, "_")
				warnings = append(warnings, fmt.Sprintf("query field %s reads table %s whole (about %.0f rows): the database has no index it can use; create one: %s",
					x.QueryField, m.Table.Name, sc.Rows, db.CreateIndexSQL(m.Table.Schema, m.Table.Name, name, cols)))
				break
			}
		}
	}
	return warnings
}

// sampleValue is a value of f's type to explain a statement with: the
// plan depends on the column, not on the value.
func sampleValue(f *schema.Field) any {
	switch f.Type {
	case schema.Int, schema.AWSTimestamp, schema.Float:
		return 0
	case schema.Boolean:
		return false
	case schema.AWSDate:
		return "2000-01-01"
	case schema.AWSTime:
		return "00:00:00"
	case schema.AWSDateTime:
		return "2000-01-01T00:00:00Z"
	case schema.AWSIPAddress:
		return "127.0.0.1"
	}
	if f.IsEnum && f.Enum != nil && len(f.Enum.Values) > 0 {
		if len(f.Enum.Stored) > 0 {
			return f.Enum.Stored[0]
		}
		return f.Enum.Values[0]
	}
	return "x"
}
