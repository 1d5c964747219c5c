package plan

import (
	"reflect"
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/pred"
	"github.com/quarrydata/quarry/internal/schema"
)

// Enum values cross into a plan as the database stores them where they are
// bound to SQL, as GraphQL names where they are compared with events, and
// as they are where they came from the database (tokens).
func TestEnumValuesIntoPlans(t *testing.T) {
	rating := &schema.Enum{Name: "FilmRating", Values: []string{"G", "PG_13"}, Stored: []string{"G", "PG-13"}}
	f := &schema.Field{Name: "rating", Column: "rating", Type: "FilmRating", IsEnum: true, Enum: rating}
	list := &schema.Field{Name: "ratings", Column: "ratings", Type: "FilmRating", IsEnum: true, IsList: true, Enum: rating}
	plain := &schema.Field{Name: "mood", Column: "mood", Type: "Mood", IsEnum: true} // not bound: no mapping
	tests := []struct {
		name    string
		f       *schema.Field
		in      any
		mode    enumMode
		want    any
		wantErr string
	}{
		{"input", f, "PG_13", toStored, "PG-13", ""},
		{"input stored as its name", f, "G", toStored, "G", ""},
		{"input list", list, []any{"PG_13", "G"}, toStored, []string{"PG-13", "G"}, ""},
		{"stored text is not a name", f, "PG-13", toStored, nil, `"PG-13" is not a value of the enum FilmRating (one of G, PG_13)`},
		{"unknown", f, "X", toStored, nil, "is not a value of the enum FilmRating"},
		{"subscription filter", f, "PG_13", asName, "PG_13", ""},
		{"subscription filter, stored text", f, "PG-13", asName, nil, "is not a value"},
		{"token", f, "PG-13", asStored, "PG-13", ""},
		{"no enum bound", plain, "anything", toStored, "anything", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := coerceAs(tt.f, tt.in, "input."+tt.f.Name, tt.mode)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	// A filter's in and eq on the model go to SQL as stored text.
	e, err := fieldFilter(f, map[string]any{"in": []any{"PG_13", "G"}, "eq": "PG_13"}, "filter.rating", toStored)
	if err != nil {
		t.Fatal(err)
	}
	and := e.(pred.And)
	if c := and[0].(pred.Cmp); c.Op != pred.Eq || c.Value != "PG-13" {
		t.Errorf("eq = %+v", c)
	}
	if c := and[1].(pred.Cmp); c.Op != pred.In || len(c.Values) != 2 || c.Values[0] != "PG-13" || c.Values[1] != "G" {
		t.Errorf("in = %+v", c)
	}
}
