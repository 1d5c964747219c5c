package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/introspect"
)

func TestBindFillsFactsAndReportsDrift(t *testing.T) {
	id := col("id", "bigint", false)
	id.AutoIncrement = true
	total := col("total", "int", true)
	total.Generated = true
	cat := &introspect.Catalog{Engine: introspect.EngineMySQL, Tables: []introspect.Table{
		{Name: "orders", Kind: introspect.KindTable, PrimaryKey: []string{"id"}, Uniques: [][]string{{"total"}}, Columns: []introspect.Column{id, total}},
	}}
	s := &Schema{Models: []*Model{{Name: "Order", Table: TableRef{Name: "orders"}, PrimaryKey: []string{"id"},
		Fields: []*Field{{Name: "id", Column: "id", Type: Int}, {Name: "sum", Column: "total", Type: Int}}}}}
	if err := Bind(s, cat); err != nil {
		t.Fatal(err)
	}
	m := s.Models[0]
	if f := m.Field("id"); !f.DBGenerated || !f.Int64 || f.DBType != "bigint" {
		t.Errorf("id = %+v", f)
	}
	if f := m.Field("sum"); !f.ReadOnly {
		t.Errorf("sum = %+v", f)
	}
	// The keys the database enforces, by column, for sqlgen's joins.
	if got := fmt.Sprint(m.UniqueColumns); got != "[[id] [total]]" {
		t.Errorf("UniqueColumns = %s", got)
	}

	drift := &Schema{Models: []*Model{
		{Name: "Order", Table: TableRef{Name: "orders"}, Fields: []*Field{{Name: "gone", Column: "gone"}}},
		{Name: "Ghost", Table: TableRef{Name: "ghosts"}},
	}}
	err := Bind(drift, cat)
	if err == nil || !strings.Contains(err.Error(), "column orders.gone") || !strings.Contains(err.Error(), "table ghosts") ||
		!strings.Contains(err.Error(), "generate schema-from-database") {
		t.Errorf("err = %v", err)
	}
}
