package exec

import "testing"

func TestFirstKeyword(t *testing.T) {
	for sql, want := range map[string]string{
		"SELECT 1":                      "SELECT",
		"  \n(select x from t)":         "SELECT",
		"with x as (select 1) select *": "WITH",
		"call refresh()":                "CALL",
		"":                              "OTHER",
		"-- comment\nSELECT 1":          "OTHER",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ":    "ABCDEFGHIJKLMNOP",
	} {
		if got := firstKeyword(sql); got != want {
			t.Errorf("firstKeyword(%q) = %q, want %q", sql, got, want)
		}
	}
}
