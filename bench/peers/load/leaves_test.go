package main

import (
	"strings"
	"testing"
)

func TestLeavesCompare(t *testing.T) {
	tests := []struct {
		name      string
		want, got string
		same      bool
	}{
		{"identical", `{"data":{"a":1,"b":"x"}}`, `{"data":{"a":1,"b":"x"}}`, true},
		{"key names ignored", `{"data":{"getAlbum":{"album_id":1,"title":"x"}}}`,
			`{"data":{"albumByAlbumId":{"albumId":1,"title":"x"}}}`, true},
		{"Quarry's spacing", `{"data":{"getAlbum":{"album_id" : 3, "title" : "Restless and Wild"}}}`,
			`{"data":{"a":{"b":3,"c":"Restless and Wild"}}}`, true},
		{"numeric string equals number", `{"data":{"p":0.99}}`, `{"data":{"p":"0.99"}}`, true},
		{"trailing zeros", `{"data":{"p":12.5}}`, `{"data":{"p":"12.50"}}`, true},
		{"exponent", `{"data":{"p":0.99}}`, `{"data":{"p":99e-2}}`, true},
		{"integer as string (bigint)", `{"data":{"id":1000001}}`, `{"data":{"id":"1000001"}}`, true},
		{"different number", `{"data":{"p":0.99}}`, `{"data":{"p":"0.98"}}`, false},
		{"no float rounding", `{"data":{"p":0.1}}`, `{"data":{"p":0.1000000000000000001}}`, false},
		{"timestamp forms", `{"data":{"t":"2024-01-01T00:01:01.000Z"}}`, `{"data":{"t":"2024-01-01T00:01:01"}}`, true},
		{"timestamp with zone", `{"data":{"t":"2024-01-01T00:01:01.000Z"}}`, `{"data":{"t":"2024-01-01T02:01:01+02:00"}}`, true},
		{"different instant", `{"data":{"t":"2024-01-01T00:01:01.000Z"}}`, `{"data":{"t":"2024-01-01T00:01:02"}}`, false},
		{"order matters", `{"data":{"a":1,"b":2}}`, `{"data":{"b":2,"a":1}}`, false},
		{"list order matters", `{"data":{"l":["x","y"]}}`, `{"data":{"l":["y","x"]}}`, false},
		{"lengths matter", `{"data":{"l":[]}}`, `{"data":{"l":[[]]}}`, false},
		{"list length, same leaves after", `{"data":{"l":[{"a":1}],"m":[]}}`, `{"data":{"l":[],"m":[{"a":1}]}}`, false},
		{"nesting depth ignored", `{"data":{"items":[{"track":{"name":"a"}}]}}`, `{"data":{"nodes":[{"trackByTrackId":{"name":"a"}}]}}`, true},
		{"null vs empty string", `{"data":{"a":null}}`, `{"data":{"a":""}}`, false},
		{"string vs number-looking string", `{"data":{"a":"007"}}`, `{"data":{"a":7}}`, true},
		{"bool", `{"data":{"a":true}}`, `{"data":{"a":"true"}}`, false},
		{"extra leaf", `{"data":{"a":1}}`, `{"data":{"a":1,"b":2}}`, false},
		{"extensions ignored", `{"data":{"a":1}}`, `{"data":{"a":1},"extensions":{"cost":3}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := leavesOf([]byte(tt.want))
			if err != nil {
				t.Fatal(err)
			}
			got, err := leavesOf([]byte(tt.got))
			if err != nil {
				t.Fatal(err)
			}
			d := compareLeaves(want, got, "quarry", "other")
			if tt.same && d != "" {
				t.Errorf("should match:\n%s", d)
			}
			if !tt.same && d == "" {
				t.Errorf("should differ")
			}
		})
	}
}

func TestLeavesRefuseErrors(t *testing.T) {
	for _, body := range []string{
		`{"errors":[{"message":"boom"}]}`,
		`{"data":{"a":null},"errors":[{"message":"Not Authorized"}]}`,
		`{"data":null}`,
		`not json`,
		`{}`,
	} {
		if _, err := leavesOf([]byte(body)); err == nil {
			t.Errorf("%s: accepted", body)
		}
	}
	if _, err := leavesOf([]byte(`{"data":{"a":1},"errors":null}`)); err != nil {
		t.Errorf("errors: null refused: %v", err)
	}
}

func TestDiffIsReadable(t *testing.T) {
	want, _ := leavesOf([]byte(`{"data":{"listTracks":{"items":[{"id":1,"name":"a","price":0.99},{"id":2,"name":"b","price":0.99}]}}}`))
	got, _ := leavesOf([]byte(`{"data":{"allTracks":{"nodes":[{"id":1,"name":"a","price":"0.99"},{"id":2,"name":"B","price":"0.99"}]}}}`))
	d := compareLeaves(want, got, "quarry-pg", "postgraphile5")
	for _, part := range []string{
		"answers differ at leaf 5",
		`>> $.listTracks.items[1].name = "b"`,
		`>> $.allTracks.nodes[1].name = "B"`,
		"$.listTracks.items[1].id = 2", // context before the difference
	} {
		if !strings.Contains(d, part) {
			t.Errorf("diff lacks %q:\n%s", part, d)
		}
	}
	short, _ := leavesOf([]byte(`{"data":{"l":[1,2]}}`))
	shorter, _ := leavesOf([]byte(`{"data":{"l":[1]}}`))
	if d := compareLeaves(short, shorter, "a", "b"); !strings.Contains(d, "list of 2") || !strings.Contains(d, "list of 1") {
		t.Errorf("a length difference should show both lengths:\n%s", d)
	}
}
