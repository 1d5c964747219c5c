package exec

import (
	"context"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/sqlgen"
	"github.com/quarrydata/quarry/internal/testdb"
)

// List takes the count row (a NULL object and a count) wherever the engine
// returns it and keeps the other rows in order, a look-ahead row with a
// NULL object too; two columns mean nothing was counted.
func TestListReadsTheCountRow(t *testing.T) {
	db := testdb.New(t, testdb.SQLite)
	x := New(db.SQL, Options{})
	tests := []struct {
		name, sql string
		rows      string // objects joined by space
		total     int64
		counted   bool
		err       string
	}{
		{"count last", `SELECT '{"a":1}', '[1]', NULL UNION ALL SELECT '{"a":2}', '[2]', NULL UNION ALL SELECT NULL, NULL, 7`, `{"a":1} {"a":2}`, 7, true, ""},
		{"count first", `SELECT NULL, NULL, 3 UNION ALL SELECT '{"a":1}', '[1]', NULL`, `{"a":1}`, 3, true, ""},
		{"empty page", `SELECT NULL, NULL, 0`, ``, 0, true, ""},
		{"not counted", `SELECT '{"a":1}', '[1]'`, `{"a":1}`, 0, false, ""},
		// A row past the page, left unbuilt (sqlgen's look-ahead).
		{"unbuilt look-ahead", `SELECT '{"a":1}', '[1]', NULL UNION ALL SELECT NULL, '[2]', NULL UNION ALL SELECT NULL, NULL, 5`, `{"a":1} `, 5, true, ""},
		{"unbuilt look-ahead, not counted", `SELECT '{"a":1}', '[1]' UNION ALL SELECT NULL, '[2]'`, `{"a":1} `, 0, false, ""},
		{"two count rows", `SELECT NULL, NULL, 1 UNION ALL SELECT NULL, NULL, 2`, ``, 0, false, "bad count row"},
		{"four columns", `SELECT 1, 2, 3, 4`, ``, 0, false, "returned 4 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := x.List(context.Background(), sqlgen.Statement{SQL: tt.sql})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var objs []string
			for i := range page.Len() {
				objs = append(objs, string(page.Object(i)))
			}
			if got := strings.Join(objs, " "); got != tt.rows || page.Total != tt.total || page.Counted != tt.counted {
				t.Errorf("rows %q, total %d, counted %v; want %q, %d, %v", got, page.Total, page.Counted, tt.rows, tt.total, tt.counted)
			}
		})
	}
}
