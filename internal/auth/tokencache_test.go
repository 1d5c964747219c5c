package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
)

// TestVerifiedTokenReuse checks what the cache of verified tokens may and
// may not change: a token verified once is accepted again as the same
// caller, an expired one is refused even though it was accepted before,
// a token whose claims were altered (same signature) is refused every
// time, and after tokenCacheTTL the signature is checked again.
func TestVerifiedTokenReuse(t *testing.T) {
	ti := newTestIssuer(t)
	ti.addKey("rsa1", "RSA")
	clk := newClock()
	a, err := New(Config{
		OIDC:      []OIDCProvider{{Issuer: ti.srv.URL, Provider: ProviderUserPools, ClientIDs: []string{clientID}}},
		Now:       clk.Now,
		ClockSkew: -1, // none: the expiry below is exact
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := clk.Now()
	tok := ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "exp", now.Add(10*time.Minute).Unix()))
	parts := strings.Split(tok, ".")
	claims, _ := json.Marshal(with(cognitoAccess(ti.srv.URL, now), "username", "mallory", "exp", now.Add(10*time.Minute).Unix()))
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(claims) + "." + parts[2]

	steps := []struct {
		name    string
		advance time.Duration
		token   string
		want    string // username, or "" for refused
	}{
		{"first use verifies", 0, tok, "alice"},
		{"second use, cached", time.Minute, tok, "alice"},
		{"altered claims, same signature", 0, forged, ""},
		{"altered claims again", 0, forged, ""},
		{"past the cache's lifetime, verified again", 5 * time.Minute, tok, "alice"},
		{"expired, though verified 4.5 minutes before", 4*time.Minute + 30*time.Second, tok, ""},
	}
	for _, s := range steps {
		clk.Add(s.advance)
		id, err := a.Authenticate(ctx, header("Authorization", s.token))
		switch {
		case s.want == "" && err == nil:
			t.Fatalf("%s: accepted as %q, want refused", s.name, id.Username)
		case s.want != "" && err != nil:
			t.Fatalf("%s: %v", s.name, err)
		case s.want != "" && id.Username != s.want:
			t.Fatalf("%s: username %q, want %q", s.name, id.Username, s.want)
		}
	}
}
