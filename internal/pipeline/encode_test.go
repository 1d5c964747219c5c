package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	cases := []struct {
		name string
		resp Response
		want string
	}{
		{"data", Response{Data: json.RawMessage(`{"getAlbum":{"title":"Facelift"}}`)}, `{"data":{"getAlbum":{"title":"Facelift"}}}`},
		{"no data", Response{}, `{"data":null}`},
		{"errors", Response{Data: json.RawMessage(`{"a":null}`), Errors: []Error{{Message: "no", Path: []any{"a"}, ErrorType: "Unauthorized"}}},
			`{"data":{"a":null},"errors":[{"message":"no","path":["a"],"errorType":"Unauthorized","errorInfo":null,"data":null}]}`},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := c.resp.WriteJSON(&b); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if b.String() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, b.String(), c.want)
		}
	}
}

// An error that cannot be encoded (a custom operation's NaN) is reported
// before anything is written, so the server can answer in its place.
func TestWriteJSONEncodeError(t *testing.T) {
	var b bytes.Buffer
	err := Response{Data: json.RawMessage(`{}`), Errors: []Error{{Message: "x", Data: math.NaN()}}}.WriteJSON(&b)
	if !errors.Is(err, ErrEncode) {
		t.Fatalf("err = %v, want ErrEncode", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q before failing", b.String())
	}
}
