package pipeline

import (
	"bytes"
	"encoding/json"
	"testing"
)

// splitRow answers as the decoder does for every object a database
// writes (PostgreSQL puts spaces around colons, MySQL after commas), and
// leaves to it what it cannot follow.
func TestSplitRowMatchesTheDecoder(t *testing.T) {
	for _, in := range []string{
		`{"id" : 1, "q:row:id" : 1, "q:row:name" : "x"}`,
		`{"id": 1, "name": "a \"quoted\" {brace} [bracket], comma", "q:row:name": "\\", "q:row:id": -1.5e3}`,
		`{"album" : {"title" : "T", "tracks" : [{"n" : "}"}, {"n" : null}]}, "q:row:album_id" : 7, "ok" : true}`,
		`{"a":{},"b":[],"q:row:c":[1,[2,{"d":"e"}]],"f":false}`,
		"{\n\t\"id\" : 1\r\n}",
		`{}`,
		` {"q:row:only" : "row"} `,
		`{"ünicode" : 1}`,
		`{"esc\u0061ped" : 1, "q:row:x" : 2}`,
		`{"id" : 1,}`,
		`{"id" 1}`,
		`{"id" : "open`,
		`{"id" : [1, 2}`,
		`[1]`,
		`{"id" : 1} x`,
		``,
	} {
		wantOut, wantRow, wantErr := takeRowDecoded([]byte(in))
		out, row, ok := splitRow([]byte(in))
		if !ok {
			// The decoder reads it: takeRow's answer is the decoder's.
			gotOut, gotRow, gotErr := takeRow([]byte(in))
			if !bytes.Equal(gotOut, wantOut) || !bytes.Equal(gotRow, wantRow) || (gotErr == nil) != (wantErr == nil) {
				t.Errorf("takeRow(%q) = %s, %s, %v; want %s, %s, %v", in, gotOut, gotRow, gotErr, wantOut, wantRow, wantErr)
			}
			continue
		}
		if wantErr != nil {
			t.Errorf("splitRow(%q) accepted what the decoder refuses (%v)", in, wantErr)
			continue
		}
		if !bytes.Equal(out, wantOut) || !bytes.Equal(row, wantRow) {
			t.Errorf("splitRow(%q) = %s, %s; want %s, %s", in, out, row, wantOut, wantRow)
		}
		if !json.Valid(out) || !json.Valid(row) {
			t.Errorf("splitRow(%q) wrote invalid JSON: %s, %s", in, out, row)
		}
	}
}

func FuzzSplitRow(f *testing.F) {
	f.Add(`{"id" : 1, "q:row:id" : 1, "q:row:name" : "x"}`)
	f.Add(`{"a":{"b":["}",1]},"q:row:c":"\""}`)
	f.Fuzz(func(t *testing.T, in string) {
		out, row, ok := splitRow([]byte(in))
		if !ok || !json.Valid([]byte(in)) {
			return
		}
		wantOut, wantRow, err := takeRowDecoded([]byte(in))
		if err != nil || !bytes.Equal(out, wantOut) || !bytes.Equal(row, wantRow) {
			t.Errorf("splitRow(%q) = %s, %s; decoder: %s, %s, %v", in, out, row, wantOut, wantRow, err)
		}
	})
}

func BenchmarkTakeRow(b *testing.B) {
	val := []byte(`{"invoice_line_id" : 1000001, "quantity" : 2, "q:row:invoice_line_id" : 1000001, "q:row:invoice_id" : 1, "q:row:track_id" : 1, "q:row:unit_price" : 0.99, "q:row:quantity" : 2}`)
	b.Run("split", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = takeRow(val)
		}
	})
	b.Run("decoder", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = takeRowDecoded(val)
		}
	})
}
