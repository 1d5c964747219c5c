package pred

import (
	"encoding/json"
	"testing"
	"time"
)

func TestEval(t *testing.T) {
	row := map[string]any{
		"id": json.Number("9007199254740993"), "name": "Café 100%", "price": json.Number("1.5"),
		"done": true, "note": nil, "tags": []any{"a", "b c"}, "at": "2026-11-24T10:00:00.000Z",
	}
	get := func(c string) (any, bool) { v, ok := row[c]; return v, ok }
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		e    Expr
		want bool
	}{
		{"eq string", Cmp{Column: "name", Op: Eq, Value: "Café 100%"}, true},
		{"eq is exact", Cmp{Column: "name", Op: Eq, Value: "café 100%"}, false},
		{"64-bit exact", Cmp{Column: "id", Op: Eq, Value: int64(9007199254740993)}, true},
		{"64-bit exact, off by one", Cmp{Column: "id", Op: Eq, Value: int64(9007199254740992)}, false},
		{"gt float", Cmp{Column: "price", Op: Gt, Value: float64(1)}, true},
		{"le int vs float", Cmp{Column: "price", Op: Le, Value: int64(1)}, false},
		{"bool", Cmp{Column: "done", Op: Eq, Value: true}, true},
		{"null eq", Cmp{Column: "note", Op: Eq, Value: "x"}, false},
		{"null ne keeps the row", Cmp{Column: "note", Op: Ne, Value: "x"}, true},
		{"eq null", Cmp{Column: "note", Op: Eq, Value: nil}, true},
		{"ne null", Cmp{Column: "name", Op: Ne, Value: nil}, true},
		{"lt null is false", Cmp{Column: "note", Op: Lt, Value: "x"}, false},
		{"between", Cmp{Column: "price", Op: Between, Values: []any{int64(1), int64(2)}}, true},
		{"beginsWith literal %", Cmp{Column: "name", Op: BeginsWith, Value: "Café 1"}, true},
		{"contains substring", Cmp{Column: "name", Op: Contains, Value: "100%"}, true},
		{"contains is not a pattern", Cmp{Column: "name", Op: Contains, Value: "_"}, false},
		{"list contains", Cmp{Column: "tags", Op: Contains, Value: "b c", List: true}, true},
		{"list notContains", Cmp{Column: "tags", Op: NotContains, Value: "z", List: true}, true},
		{"notContains null", Cmp{Column: "note", Op: NotContains, Value: "z"}, true},
		{"in", Cmp{Column: "name", Op: In, Values: []any{"x", "Café 100%"}}, true},
		{"notIn null is false", Cmp{Column: "note", Op: NotIn, Values: []any{"x"}}, false},
		{"exists", Cmp{Column: "note", Op: Exists, Value: false}, true},
		{"size", Cmp{Column: "name", Op: Eq, Size: true, Value: int64(9)}, true},
		{"datetime bound", Cmp{Column: "at", Op: Ge, Value: at}, true},
		{"datetime bound after", Cmp{Column: "at", Op: Gt, Value: at}, false},
		{"and or not", And{Or{Const(false), Cmp{Column: "done", Op: Eq, Value: true}}, Not{X: Const(false)}}, true},
		{"empty or", Or{}, false},
		{"missing column", Cmp{Column: "nope", Op: Eq, Value: "x"}, false},
		{"list contains on a string is no substring match", Cmp{Column: "name", Op: Contains, Value: "Caf", List: true}, false},
		{"empty notIn holds even for null, as in SQL", Cmp{Column: "note", Op: NotIn, Values: []any{}}, true},
	}
	for _, tt := range tests {
		if got := Eval(tt.e, get); got != tt.want {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
}
