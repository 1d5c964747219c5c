package mysql

import (
	"reflect"
	"testing"

	"github.com/quarrydata/quarry/internal/plan"
	"github.com/quarrydata/quarry/internal/schema"
)

// TestCustomPlaceholders checks the markers that replace a custom
// operation's placeholders: the author's text is kept as it is, and every
// value is an argument.
func TestCustomPlaceholders(t *testing.T) {
	// SELECT :a::text, x::int FROM t WHERE a = :a AND b = :b AND c = ':no';
	c := &plan.Custom{
		Op:    &schema.Operation{Name: "q"},
		Text:  []string{"SELECT ", "::text, x::int FROM t WHERE a = ", " AND b = ", " AND c = ':no'"},
		Args:  []any{"v", "v", nil},
		Names: []string{"a", "a", "b"},
	}
	st, err := Compiler{Flavor: FlavorMariaDB}.Custom(c)
	if err != nil {
		t.Fatal(err)
	}
	if want := `SELECT ?::text, x::int FROM t WHERE a = ? AND b = ? AND c = ':no'`; st.SQL != want {
		t.Errorf("SQL\ngot  %s\nwant %s", st.SQL, want)
	}
	if want := []any{"v", "v", nil}; !reflect.DeepEqual(st.Args, want) {
		t.Errorf("args = %#v, want %#v", st.Args, want)
	}
}

func TestCustomRefusesListArguments(t *testing.T) {
	c := &plan.Custom{Op: &schema.Operation{Name: "q"}, Text: []string{"SELECT * FROM t WHERE id IN (", ")"},
		Args: []any{[]int64{1, 2}}, Names: []string{"ids"}}
	if _, err := (Compiler{Flavor: FlavorMariaDB}).Custom(c); err == nil {
		t.Error("a list argument was bound")
	}
}
