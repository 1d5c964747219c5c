package sdl

import (
	"slices"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	tests := []struct {
		sql, engine string
		want        []string
	}{
		{"SELECT * FROM t WHERE a = :a AND b = :b_2", "postgresql", []string{"a", "b_2"}},
		{"SELECT x::text, y::int[] FROM t WHERE a = :a", "postgresql", []string{"a"}},
		{"SELECT ':no' || 'it''s :no' || :yes", "postgresql", []string{"yes"}},
		{`SELECT "weird:col" FROM t WHERE a = :a`, "postgresql", []string{"a"}},
		{"SELECT 1 -- :no\n + :yes /* :no\n :no */", "postgresql", []string{"yes"}},
		{"SELECT $$ :no $$, $tag$ :no $x$ :no $tag$, $1, :yes", "postgresql", []string{"yes"}},
		{`SELECT E'\' :no' , :yes`, "postgresql", []string{"yes"}},
		{`SELECT '\' , :yes`, "postgresql", []string{"yes"}}, // backslash is literal in a standard string
		{`SELECT '\' :no', :yes`, "mysql", []string{"yes"}},
		{"SELECT `a:b` FROM t # :no\nWHERE a = :yes", "mysql", []string{"yes"}},
		{"SELECT @x := 1, :yes", "mysql", []string{"yes"}},
		{"SELECT :a, :a, :9no, :", "sqlite", []string{"a", "a"}},
		{"SELECT 'unterminated :no", "sqlite", nil},
		{"SELECT /* unterminated :no", "sqlite", nil},
		{"SELECT :ünï", "sqlite", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range Placeholders(tt.sql, tt.engine) {
			got = append(got, p.Name)
			if tt.sql[p.Offset] != ':' {
				t.Errorf("%q: offset %d is not a colon", tt.sql, p.Offset)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %q: got %v, want %v", tt.engine, tt.sql, got, tt.want)
		}
	}
}

func TestLineCol(t *testing.T) {
	text := "ab\nçd :x\n"
	for _, tt := range []struct{ offset, line, col int }{{0, 1, 1}, {3, 2, 1}, {7, 2, 4}, {100, 3, 1}} {
		if l, c := lineCol(text, tt.offset); l != tt.line || c != tt.col {
			t.Errorf("offset %d: %d:%d, want %d:%d", tt.offset, l, c, tt.line, tt.col)
		}
	}
}
