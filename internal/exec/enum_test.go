package exec

import (
	"bytes"
	"testing"

	"github.com/quarrydata/quarry/internal/schema"
)

// An enum's stored text leaves as the value's GraphQL name, as the model
// queries' SQL maps it: in change events (WriteField) and in custom
// operations' rows (writeValue with the enum).
func TestEnumStoredTextLeavesAsName(t *testing.T) {
	rating := &schema.Enum{Name: "FilmRating", Values: []string{"G", "PG_13"}, Stored: []string{"G", "PG-13"}}
	tests := []struct {
		name string
		f    *schema.Field
		v    any
		want string
	}{
		{"renamed", &schema.Field{Type: "FilmRating", IsEnum: true, Enum: rating, DBType: "mpaa_rating"}, "PG-13", `"PG_13"`},
		{"renamed, as bytes", &schema.Field{Type: "FilmRating", IsEnum: true, Enum: rating, DBType: "enum"}, []byte("PG-13"), `"PG_13"`},
		{"stored as its name", &schema.Field{Type: "FilmRating", IsEnum: true, Enum: rating}, "G", `"G"`},
		{"unknown text passes", &schema.Field{Type: "FilmRating", IsEnum: true, Enum: rating}, "X-1", `"X-1"`},
		{"null", &schema.Field{Type: "FilmRating", IsEnum: true, Enum: rating}, nil, `null`},
		{"array", &schema.Field{Type: "FilmRating", IsEnum: true, IsList: true, Enum: rating, DBType: "mpaa_rating"}, "{PG-13,G}", `["PG_13","G"]`},
		{"no enum bound", &schema.Field{Type: "Mood", IsEnum: true}, "so-so", `"so-so"`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := WriteField(&b, tt.f, tt.v); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if b.String() != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, b.String(), tt.want)
		}
	}
	var b bytes.Buffer
	if err := writeValue(&b, "PG-13", valueType{Name: "FilmRating", Enum: true, EnumValues: rating}); err != nil || b.String() != `"PG_13"` {
		t.Errorf("custom operation's enum: %s, %v", b.String(), err)
	}
}
