package auth

import (
	"strings"
	"testing"

	"github.com/quarrydata/quarry/internal/qerr"
)

var fixedMessages = map[string]bool{
	"Authorization header is empty":                    true,
	"Authorization header is too long":                 true,
	"Authorization header contains control characters": true,
	"Authorization header has no token after Bearer":   true,
}

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"", "Bearer ", "bearer x.y.z", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "AWS4-HMAC-SHA256 Credential=x",
		"Bearer\tx", "  token  ", "Bearer Bearer x", "x\x00y", strings.Repeat("a", 20000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c, err := parseAuthorization(v)
		if err != nil {
			if qerr.KindOf(err) != qerr.Unauthorized {
				t.Fatalf("kind %s", qerr.KindOf(err))
			}
			// Messages are fixed strings: nothing from the header is echoed.
			if !fixedMessages[qerr.ClientMessage(err, true)] || err.Error() != "UNAUTHORIZED: "+qerr.ClientMessage(err, true) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if c.sigV4 {
			return
		}
		if c.token == "" || c.token != strings.TrimSpace(c.token) || c.raw != strings.TrimSpace(v) {
			t.Fatalf("token %q raw %q from %q", c.token, c.raw, v)
		}
		if !strings.HasSuffix(c.raw, c.token) {
			t.Fatalf("token %q is not the end of %q", c.token, c.raw)
		}
		for i := 0; i < len(c.raw); i++ {
			if c.raw[i] < 0x20 || c.raw[i] == 0x7f {
				t.Fatalf("control character passed in %q", c.raw)
			}
		}
		// Whatever the input, the JWT splitter must not panic on the token.
		_, _, _ = splitJWT(c.token)
	})
}
