package schema

import "testing"

func TestSanitizeName(t *testing.T) {
	tests := []struct{ in, prefix, want string }{
		{"album_id", "field", "album_id"},
		{"Customer Name", "field", "Customer_Name"},
		{"größe", "field", "gr_e"},
		{"1st", "field", "st"},
		{"__x", "field", "x"},
		{"a--b  c", "field", "a_b_c"},
		{"2024", "Model", "Model2024"},
		{"行", "field", "field"},
	}
	for _, tt := range tests {
		if got := SanitizeName(tt.in, tt.prefix); got != tt.want {
			t.Errorf("SanitizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPascalCase(t *testing.T) {
	tests := []struct {
		words []string
		want  string
	}{
		{[]string{"every_type", "c_mood"}, "EveryTypeCMood"},
		{[]string{"things", "k"}, "ThingsK"},
		{[]string{"Order", "status"}, "OrderStatus"},
		{[]string{"user profiles", "kind"}, "UserProfilesKind"},
	}
	for _, tt := range tests {
		if got := PascalCase(tt.words...); got != tt.want {
			t.Errorf("PascalCase(%q) = %q, want %q", tt.words, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := map[string]string{
		"Event": "Events", "album": "albums", "category": "categories", "day": "days",
		"box": "boxes", "match": "matches", "address": "addresses", "status": "statuses",
		"person": "people", "Person": "People", "employees": "employees", "data": "data",
		"playlist_track": "playlist_tracks", "InvoiceLine": "InvoiceLines", "user_person": "user_people",
	}
	for in, want := range tests {
		if got := Plural(in); got != want {
			t.Errorf("Plural(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsGraphQLName(t *testing.T) {
	for s, want := range map[string]bool{"happy": true, "_x1": true, "so-so": false, "1a": false, "": false, "ünï": false} {
		if got := IsGraphQLName(s); got != want {
			t.Errorf("IsGraphQLName(%q) = %v", s, got)
		}
	}
}

func TestIdentifierIsStableAndAlphanumeric(t *testing.T) {
	a := Identifier("db.example.com", "postgresql", "shop", 5432)
	if a != Identifier("db.example.com", "postgresql", "shop", 5432) {
		t.Fatal("identifier changes between calls")
	}
	if a == Identifier("db.example.com", "postgresql", "shop", 5433) {
		t.Fatal("identifier ignores the port")
	}
	if !IsGraphQLName(a) || a[:2] != "ID" || len(a) < 20 {
		t.Fatalf("identifier %q", a)
	}
}

func TestTrimIDSuffix(t *testing.T) {
	for in, want := range map[string]string{"artist_id": "artist", "ArtistId": "Artist", "userID": "user", "id": "", "reports_to": "", "_id": ""} {
		got, ok := trimIDSuffix(in)
		if got != want || ok != (want != "") {
			t.Errorf("trimIDSuffix(%q) = %q %v", in, got, ok)
		}
	}
}
