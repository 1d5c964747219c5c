package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"

	"github.com/quarrydata/quarry/internal/qerr"
)

const clientID = "app-client-1"

// cognitoAccess is the claim set of a Cognito user pool access token.
func cognitoAccess(iss string, now time.Time) map[string]any {
	return map[string]any{
		"sub": "11111111-2222-3333-4444-555555555555", "iss": iss, "client_id": clientID,
		"token_use": "access", "scope": "aws.cognito.signin.user.admin", "username": "alice",
		"cognito:groups": []string{"Admin", "Editors"},
		"iat":            now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

// cognitoID is the claim set of a Cognito user pool id token.
func cognitoID(iss string, now time.Time) map[string]any {
	return map[string]any{
		"sub": "11111111-2222-3333-4444-555555555555", "iss": iss, "aud": clientID,
		"token_use": "id", "cognito:username": "alice", "email": "alice@example.com",
		"cognito:groups": []string{"Admin"},
		"iat":            now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func header(name, value string) http.Header {
	h := http.Header{}
	h.Set(name, value)
	return h
}

// wantUnauthorized fails unless err is an Unauthorized qerr whose client
// message contains want and does not leak the token.
func wantUnauthorized(t *testing.T, err error, want, secret string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want Unauthorized %q", want)
	}
	if k := qerr.KindOf(err); k != qerr.Unauthorized {
		t.Fatalf("kind %s (%v); want Unauthorized", k, err)
	}
	if msg := qerr.ClientMessage(err, true); !strings.Contains(msg, want) {
		t.Fatalf("message %q; want it to contain %q", msg, want)
	}
	if secret != "" && (strings.Contains(err.Error(), secret) || strings.Contains(qerr.ClientMessage(err, true), secret)) {
		t.Fatalf("error leaks the credential: %v", err)
	}
}

func TestJWT(t *testing.T) {
	ti := newTestIssuer(t)
	rsaKey := ti.addKey("rsa1", "RSA")
	ti.addKey("ec1", "EC")
	other := newTestIssuer(t) // a real issuer Quarry does not accept
	other.addKey("rsa1", "RSA")
	generic := newTestIssuer(t) // a generic OIDC issuer (Keycloak-like claims)
	generic.addKey("g1", "EC")

	clk := newClock()
	now := clk.Now()
	a, err := New(Config{
		OIDC: []OIDCProvider{
			{Issuer: ti.srv.URL, Provider: ProviderUserPools, ClientIDs: []string{clientID}},
			{Issuer: generic.srv.URL, ClientIDs: []string{"quarry-api"}, GroupsClaim: "roles", UsernameClaim: "preferred_username"},
		},
		Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := rsaKey.PublicKey()

	// A forged signature: a valid token's claims with another key's signature.
	valid := ti.sign("rsa1", jwa.RS256(), cognitoAccess(ti.srv.URL, now))
	otherTok := other.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "username", "mallory"))
	p := strings.Split(valid, ".")
	forged := p[0] + "." + strings.Split(otherTok, ".")[1] + "." + p[2]

	tests := []struct {
		name  string
		value string // the Authorization header
		want  string // "" = accepted; else a substring of the error message
		check func(t *testing.T, id Identity)
	}{
		{name: "cognito access token, raw", value: valid, check: func(t *testing.T, id Identity) {
			if id.Provider != ProviderUserPools || id.Username != "alice" || id.Sub != "11111111-2222-3333-4444-555555555555" {
				t.Fatalf("identity %+v", id)
			}
			if len(id.Groups) != 2 || !id.InGroup("Admin") || id.Claims["scope"] != "aws.cognito.signin.user.admin" {
				t.Fatalf("groups/claims %+v", id)
			}
		}},
		{name: "cognito access token, Bearer", value: "Bearer " + valid},
		{name: "cognito access token, bearer lower case", value: "bearer  " + valid},
		{name: "cognito id token, EC key", value: ti.sign("ec1", jwa.ES256(), cognitoID(ti.srv.URL, now)), check: func(t *testing.T, id Identity) {
			if id.Username != "alice" || id.Claim("email") != "alice@example.com" || !id.InGroup("Admin") {
				t.Fatalf("identity %+v", id)
			}
		}},
		{name: "generic oidc", value: generic.sign("g1", jwa.ES256(), map[string]any{
			"iss": generic.srv.URL, "sub": "kc-42", "aud": []string{"account", "quarry-api"},
			"preferred_username": "bob", "roles": []string{"viewer"}, "exp": now.Add(time.Minute).Unix(),
		}), check: func(t *testing.T, id Identity) {
			if id.Provider != ProviderOIDC || id.Sub != "kc-42" || id.Username != "bob" || !id.InGroup("viewer") {
				t.Fatalf("identity %+v", id)
			}
		}},
		{name: "forged signature", value: forged, want: "signature"},
		{name: "alg none", value: rawJWT(map[string]any{"alg": "none", "kid": "rsa1"}, cognitoAccess(ti.srv.URL, now), nil), want: `algorithm "none"`},
		{name: "HS256 with the RSA public key", value: hs256WithPublicKey(t, pub, "rsa1", cognitoAccess(ti.srv.URL, now)), want: `algorithm "HS256"`},
		{name: "RS256 header on the EC key", value: rawJWT(map[string]any{"alg": "RS256", "kid": "ec1"}, cognitoAccess(ti.srv.URL, now), []byte("x")), want: "does not match"},
		{name: "wrong issuer", value: other.sign("rsa1", jwa.RS256(), cognitoAccess(other.srv.URL, now)), want: "issuer is not accepted"},
		{name: "wrong audience", value: ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "client_id", "other-app")), want: "audience"},
		{name: "wrong audience, id token", value: ti.sign("rsa1", jwa.RS256(), with(cognitoID(ti.srv.URL, now), "aud", "other-app")), want: "audience"},
		{name: "expired", value: ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "exp", now.Add(-2*time.Minute).Unix())), want: "expired"},
		{name: "expired within skew", value: ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "exp", now.Add(-30*time.Second).Unix()))},
		{name: "not yet valid beyond skew", value: ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "nbf", now.Add(2*time.Minute).Unix())), want: "not valid yet"},
		{name: "not yet valid within skew", value: ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "nbf", now.Add(30*time.Second).Unix()))},
		{name: "no exp", value: ti.sign("rsa1", jwa.RS256(), with(cognitoAccess(ti.srv.URL, now), "exp", nil)), want: "exp"},
		{name: "issuer claim spoofed to ours, signed by another", value: other.sign("rsa1", jwa.RS256(), cognitoAccess(ti.srv.URL, now)), want: "signature"},
		{name: "not a JWT", value: "hello", want: "not a JWT"},
		{name: "Bearer alone", value: "Bearer ", want: "no token after Bearer"},
		{name: "empty", value: "  ", want: "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := a.Authenticate(context.Background(), header("Authorization", tc.value))
			if tc.want != "" {
				wantUnauthorized(t, err, tc.want, strings.TrimSpace(strings.TrimPrefix(tc.value, "Bearer ")))
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tc.check != nil {
				tc.check(t, id)
			}
		})
	}
	// The issuer was asked for its keys once, whatever the number of tokens.
	if n := ti.fetch.Load(); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1", n)
	}
}

func TestJWTAudienceClaims(t *testing.T) {
	ti := newTestIssuer(t)
	ti.addKey("k", "RSA")
	clk := newClock()
	now := clk.Now()
	// Only id tokens (aud) accepted: an access token with the right client_id is refused.
	a, err := New(Config{Now: clk.Now, OIDC: []OIDCProvider{{Issuer: ti.srv.URL, ClientIDs: []string{clientID}, AudienceClaims: []string{"aud"}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Authenticate(context.Background(), header("Authorization", ti.sign("k", jwa.RS256(), cognitoAccess(ti.srv.URL, now))))
	wantUnauthorized(t, err, "audience", "")
	if _, err := a.Authenticate(context.Background(), header("Authorization", ti.sign("k", jwa.RS256(), cognitoID(ti.srv.URL, now)))); err != nil {
		t.Fatal(err)
	}
	// token_use pinned to access.
	b, _ := New(Config{Now: clk.Now, OIDC: []OIDCProvider{{Issuer: ti.srv.URL, ClientIDs: []string{clientID}, TokenUse: "access"}}})
	_, err = b.Authenticate(context.Background(), header("Authorization", ti.sign("k", jwa.RS256(), cognitoID(ti.srv.URL, now))))
	wantUnauthorized(t, err, "token_use", "")
}

func TestJWKSRotationAndRateLimit(t *testing.T) {
	ti := newTestIssuer(t)
	ti.addKey("old", "RSA")
	clk := newClock()
	a, err := New(Config{Now: clk.Now, JWKSMinRefresh: 30 * time.Second,
		OIDC: []OIDCProvider{{Issuer: ti.srv.URL, ClientIDs: []string{clientID}}}})
	if err != nil {
		t.Fatal(err)
	}
	auth := func(kid string) error {
		_, err := a.Authenticate(context.Background(), header("Authorization", ti.sign(kid, jwa.RS256(), cognitoAccess(ti.srv.URL, clk.Now()))))
		return err
	}
	if err := auth("old"); err != nil {
		t.Fatal(err)
	}
	if n := ti.fetch.Load(); n != 1 {
		t.Fatalf("fetches %d, want 1", n)
	}

	// The issuer rotates; a token with the new kid triggers exactly one refresh.
	clk.Add(time.Minute)
	ti.addKey("new", "RSA")
	if err := auth("new"); err != nil {
		t.Fatalf("rotated key refused: %v", err)
	}
	if n := ti.fetch.Load(); n != 2 {
		t.Fatalf("fetches %d after rotation, want 2", n)
	}

	// A flood of made-up kids within the refresh interval fetches nothing.
	// "bogus" signs tokens but the issuer never publishes it.
	ti.addKey("bogus", "RSA")
	ti.mu.Lock()
	ti.pubs = ti.pubs[:len(ti.pubs)-1]
	ti.mu.Unlock()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wantUnauthorized(t, auth("bogus"), "kid", "")
		}()
	}
	wg.Wait()
	if n := ti.fetch.Load(); n != 2 {
		t.Fatalf("fetches %d after a flood of unknown kids, want still 2", n)
	}

	// After the interval, concurrent unknown kids share one refresh.
	clk.Add(31 * time.Second)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wantUnauthorized(t, auth("bogus"), "kid", "")
		}()
	}
	wg.Wait()
	if n := ti.fetch.Load(); n != 3 {
		t.Fatalf("fetches %d, want 3 (one shared refresh)", n)
	}
	// Known kids keep working without fetching.
	if err := auth("old"); err != nil {
		t.Fatal(err)
	}
	if n := ti.fetch.Load(); n != 3 {
		t.Fatalf("fetches %d, want 3", n)
	}
}

func TestJWKSIssuerDown(t *testing.T) {
	ti := newTestIssuer(t)
	ti.addKey("k", "RSA")
	tok := ti.sign("k", jwa.RS256(), cognitoAccess(ti.srv.URL, newClock().Now()))
	ti.srv.Close()
	clk := newClock()
	a, _ := New(Config{Now: clk.Now, OIDC: []OIDCProvider{{Issuer: ti.srv.URL, ClientIDs: []string{clientID}}}})
	_, err := a.Authenticate(context.Background(), header("Authorization", tok))
	wantUnauthorized(t, err, "keys", tok)
}

func TestDiscoveryIssuerMismatch(t *testing.T) {
	ti := newTestIssuer(t)
	ti.addKey("k", "RSA")
	ti.mu.Lock()
	ti.issuer = "https://evil.example.com"
	ti.mu.Unlock()
	clk := newClock()
	a, _ := New(Config{Now: clk.Now, OIDC: []OIDCProvider{{Issuer: ti.srv.URL, ClientIDs: []string{clientID}}}})
	_, err := a.Authenticate(context.Background(), header("Authorization", ti.sign("k", jwa.RS256(), cognitoAccess(ti.srv.URL, clk.Now()))))
	wantUnauthorized(t, err, "keys", "")
	var qe *qerr.Error
	if !errors.As(err, &qe) || qe.Cause == nil || !strings.Contains(qe.Cause.Error(), "names issuer") {
		t.Fatalf("cause %v", err)
	}
}

func TestConfigRefused(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no audience":    {OIDC: []OIDCProvider{{Issuer: "https://issuer.example.com"}}},
		"plain http":     {OIDC: []OIDCProvider{{Issuer: "http://issuer.example.com", ClientIDs: []string{"x"}}}},
		"empty api key":  {APIKeys: []APIKey{{ID: "k"}}},
		"negative ttl":   {Lambda: &LambdaConfig{URL: "https://a.example.com", TTL: ptr(-time.Second)}},
		"bad token use":  {OIDC: []OIDCProvider{{Issuer: "https://i.example.com", ClientIDs: []string{"x"}, TokenUse: "refresh"}}},
		"twice the same": {OIDC: []OIDCProvider{{Issuer: "https://i.example.com", ClientIDs: []string{"x"}}, {Issuer: "https://i.example.com", ClientIDs: []string{"y"}}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// A username holding the owner delimiter could pose as another user's
// stored owner value: such an identity owns nothing.
func TestOwnerValuesRefuseTheDelimiter(t *testing.T) {
	id := Identity{Sub: "s-b", Username: "s-a::alice"}
	if v := id.OwnerValues(""); v != nil {
		t.Errorf("owner values %v", v)
	}
	if v := (Identity{Sub: "s-a", Username: "alice"}).OwnerValues(""); len(v) != 3 {
		t.Errorf("owner values %v", v)
	}
}
