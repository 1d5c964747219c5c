package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/connect"
	"github.com/quarrydata/quarry/internal/introspect"
	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
	"github.com/quarrydata/quarry/internal/sqlgen"
)

// largeTable is the estimated row count from which a full scan behind an
// index query field, a sortBy or a filter is worth a warning: below it a
// scan costs little.
const largeTable = 10000

// indexCheckTime bounds all the EXPLAINs of one build: the check only
// advises, so it must not hold a start-up back.
const indexCheckTime = 5 * time.Second

// indexCheckStopped is the warning that ends the checks when they run
// out of indexCheckTime.
func indexCheckStopped() string {
	return "index check stopped after " + indexCheckTime.String() + ": the database answers EXPLAIN slowly"
}

// indexWarnings returns the build's advice on missing indexes, on
// PostgreSQL and MySQL (SQLite estimates no table sizes): the index query
// fields that would read a large table whole (unindexedQueries), then the
// large tables whose sortBy and filter fields no index serves
// (unindexedOrders). cat is the catalog the build read, with its indexes
// (introspect.Options.Indexes). Both share indexCheckTime, and neither
// can fail the build: what cannot be checked is said in a warning.
func indexWarnings(ctx context.Context, db *connect.DB, c sqlgen.Compiler, s *schema.Schema, cat *introspect.Catalog) []string {
	if !db.Explains() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, indexCheckTime)
	defer cancel()
	warnings := unindexedQueries(ctx, db, c, s)
	if ctx.Err() != nil {
		return warnings
	}
	return append(warnings, unindexedOrders(ctx, db, s, cat)...)
}

// unindexedQueries explains the statement of each secondary index's query
// field of the tables (not managed models), with a sample partition value,
// and returns a warning for each that would read a large table whole: the
// database has no index the query can use, which AppSync's @index always
// has. The warning names the CREATE INDEX that serves it. EXPLAIN runs
// nothing, so this is safe on any database; a failure to explain is
// reported as such and does not stop the build.
func unindexedQueries(ctx context.Context, db *connect.DB, c sqlgen.Compiler, s *schema.Schema) []string {
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
					return append(warnings, indexCheckStopped())
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

// maxNamed bounds the fields one warning of unindexedOrders lists, so that
// a wide table gives a line that can still be read.
const maxNamed = 12

// unindexedOrders returns one warning per large table (not a managed
// model, not a view: a view has no index of its own) with fields that
// sortBy or a filter can name but that no index starts with: an ORDER BY
// or a WHERE on such a field reads the whole table. The warning lists them
// and gives the CREATE INDEX for the first, as an example.
//
// It reads the indexes from the catalog rather than explaining an ORDER BY
// and a WHERE per field: an index whose first column is the field's is
// exactly what lets the database seek to a value or walk the order, and
// the catalog says so in the one query the build already made, the same
// on every engine and every run, where a plan per field would cost two
// round trips per column and depend on the sample value's selectivity (a
// planner rightly scans for a common value even with an index). Only the
// table's size needs the database's statistics: one EXPLAIN of a plain
// SELECT, for the tables that have such fields at all.
func unindexedOrders(ctx context.Context, db *connect.DB, s *schema.Schema, cat *introspect.Catalog) []string {
	if cat == nil {
		return nil
	}
	defaultSchema := ""
	if len(cat.Schemas) > 0 {
		defaultSchema = cat.Schemas[0]
	}
	var warnings []string
	for _, m := range s.Models {
		if m.Managed {
			continue
		}
		sch := m.Table.Schema
		if sch == "" {
			sch = defaultSchema
		}
		t := cat.Table(sch, m.Table.Name)
		if t == nil || t.IsView() {
			continue
		}
		bare := unindexedFields(m, t)
		if len(bare) == 0 {
			continue
		}
		table := m.Table.Name
		if m.Table.Schema != "" {
			table = m.Table.Schema + "." + table
		}
		rows, err := db.TableRows(ctx, m.Table.Schema, m.Table.Name)
		if err != nil {
			if ctx.Err() != nil {
				return append(warnings, indexCheckStopped())
			}
			warnings = append(warnings, fmt.Sprintf("table %s: cannot estimate its size to check its indexes: %v", table, err))
			continue
		}
		if rows < largeTable {
			continue
		}
		names := make([]string, 0, min(len(bare), maxNamed))
		for _, f := range bare[:min(len(bare), maxNamed)] {
			if f.Column != f.Name {
				names = append(names, f.Name+" (column "+f.Column+")")
			} else {
				names = append(names, f.Name)
			}
		}
		list := strings.Join(names, ", ")
		if more := len(bare) - len(names); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		col := bare[0].Column
		warnings = append(warnings, fmt.Sprintf("table %s (about %.0f rows): sortBy and filters on %s read the whole table (no index starts with them); index the ones your app sorts or filters by, e.g. %s",
			table, rows, list, db.CreateIndexSQL(m.Table.Schema, m.Table.Name, m.Table.Name+"_"+col, []string{col})))
	}
	return warnings
}

// unindexedFields returns m's fields that sortBy or a filter can name and
// whose column starts none of t's indexes: the primary key, the unique
// constraints and indexes, the other indexes on plain columns. Lists and
// AWSJSON are left out: a B-tree index on them serves neither a sort
// (api.Sortable refuses them) nor their filters (contains, a JSON value).
// Enums are in: they cannot be sorted by but can be filtered on.
func unindexedFields(m *schema.Model, t *introspect.Table) []*schema.Field {
	lead := map[string]bool{}
	if len(t.PrimaryKey) > 0 {
		lead[t.PrimaryKey[0]] = true
	}
	for _, u := range t.Uniques {
		if len(u) > 0 {
			lead[u[0]] = true
		}
	}
	for _, x := range t.Indexes {
		if len(x.Columns) > 0 {
			lead[x.Columns[0]] = true
		}
	}
	var bare []*schema.Field
	for _, f := range m.Fields {
		if f.IsList || f.Type == schema.AWSJSON || lead[f.Column] {
			continue
		}
		bare = append(bare, f)
	}
	return bare
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
