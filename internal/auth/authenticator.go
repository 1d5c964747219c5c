package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/quarrydata/quarry/internal/qerr"
)

// Authenticator turns request headers into an Identity. It is safe for
// concurrent use; build one per API configuration with New.
type Authenticator struct {
	keys      apiKeys
	verifiers map[string]*verifier // by issuer
	lambda    *lambdaAuthorizer
	guest     bool
	now       func() time.Time
}

// New checks cfg and builds an Authenticator. Nothing is fetched yet: each
// issuer's keys are fetched on the first token that needs them.
func New(cfg Config) (*Authenticator, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("auth configuration: %w", err)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	f := fetcher{client: client}
	skew := cfg.ClockSkew
	switch {
	case skew == 0:
		skew = DefaultClockSkew
	case skew < 0:
		skew = 0
	}
	a := &Authenticator{
		keys:      newAPIKeys(cfg.APIKeys),
		verifiers: map[string]*verifier{},
		guest:     cfg.AllowGuest,
		now:       now,
	}
	for _, p := range cfg.OIDC {
		prov := p.Provider
		if prov == "" {
			prov = ProviderOIDC
			if isCognitoIssuer(p.Issuer) {
				prov = ProviderUserPools
			}
		}
		a.verifiers[p.Issuer] = &verifier{p: p, provider: prov, skew: skew, now: now, keys: &keyset{
			issuer: p.Issuer, jwksURL: p.JWKSURL, fixedJWKSURL: p.JWKSURL != "", fetch: f,
			timeout:    orDefault(cfg.FetchTimeout, DefaultFetchTimeout),
			minRefresh: orDefault(cfg.JWKSMinRefresh, DefaultJWKSMinRefresh),
			maxAge:     orDefault(cfg.JWKSMaxAge, DefaultJWKSMaxAge),
			now:        now,
		}}
	}
	if cfg.Lambda != nil {
		a.lambda = newLambdaAuthorizer(*cfg.Lambda, f, now)
	}
	return a, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Header names the real client sends (amplify-client-wire.md §3.3).
const (
	headerAPIKey        = "X-Api-Key"
	headerAuthorization = "Authorization"
)

// Authenticate returns the identity proven by headers.
//
// An x-api-key header decides first: in apiKey mode the client may also send
// an authToken as Authorization, and the mode it chose is the API key. Then
// Authorization: a JWT whose issuer is configured is verified as such and
// never handed to the webhook; any other token goes to the custom authorizer
// when there is one; an AWS SigV4 signature (identityPool mode) is a guest
// when guests are allowed, since Quarry cannot check AWS credentials and a
// guest needs none. No credentials at all is a guest when allowed.
func (a *Authenticator) Authenticate(ctx context.Context, headers http.Header) (Identity, error) {
	keyVals := headers.Values(headerAPIKey)
	authVals := headers.Values(headerAuthorization)
	if len(keyVals) > 1 || len(authVals) > 1 {
		return Identity{}, qerr.New(qerr.Unauthorized, "more than one credential header of the same name")
	}
	if len(keyVals) == 1 {
		k := strings.TrimSpace(keyVals[0])
		if len(a.keys) == 0 {
			return Identity{}, qerr.New(qerr.Unauthorized, "API key authorization is not enabled for this API")
		}
		return a.keys.check(k, a.now())
	}
	if len(authVals) == 1 {
		return a.authorization(ctx, authVals[0])
	}
	if a.guest {
		return Identity{Provider: ProviderIdentityPool, Guest: true}, nil
	}
	return Identity{}, qerr.New(qerr.Unauthorized, "No credentials: send an API key (x-api-key) or a token (Authorization)")
}

// AuthenticateExtensions authenticates a realtime subscription from its
// extensions.authorization map, which carries the same header names as HTTP
// (amplify-client-wire.md §6.2, §6.4), in any letter case.
func (a *Authenticator) AuthenticateExtensions(ctx context.Context, authorization map[string]string) (Identity, error) {
	h := http.Header{}
	for k, v := range authorization {
		ck := http.CanonicalHeaderKey(k)
		if prev, dup := h[ck]; dup && prev[0] != v {
			return Identity{}, qerr.New(qerr.Unauthorized, fmt.Sprintf("authorization names %s twice with different values", ck))
		}
		h.Set(ck, v)
	}
	return a.Authenticate(ctx, h)
}

func (a *Authenticator) authorization(ctx context.Context, value string) (Identity, error) {
	cred, err := parseAuthorization(value)
	if err != nil {
		return Identity{}, err
	}
	if cred.sigV4 {
		if a.guest {
			return Identity{Provider: ProviderIdentityPool, Guest: true}, nil
		}
		return Identity{}, qerr.New(qerr.Unauthorized, "AWS IAM (SigV4) credentials are not supported; use a token or an API key")
	}
	if h, claims, ok := splitJWT(cred.token); ok {
		iss, _ := claims["iss"].(string)
		if v := a.verifiers[iss]; v != nil {
			return v.verify(ctx, cred.token, h)
		}
		if a.lambda == nil {
			if len(a.verifiers) == 0 {
				return Identity{}, qerr.New(qerr.Unauthorized, "token authorization is not enabled for this API")
			}
			return Identity{}, qerr.New(qerr.Unauthorized, "token issuer is not accepted")
		}
	}
	if a.lambda != nil {
		return a.lambda.authorize(ctx, cred.raw)
	}
	// The real client in authMode "none" must send some authToken for
	// subscriptions (amplify-client-wire.md §6.4). With guests allowed and
	// no custom authorizer to give it meaning, such an opaque value proves
	// nothing and grants nothing a request without it would not: a guest.
	// Anything shaped like a JWT is refused instead, so a token sent by
	// mistake gets its error rather than silently less access.
	if a.guest && strings.Count(cred.token, ".") != 2 {
		return Identity{Provider: ProviderIdentityPool, Guest: true}, nil
	}
	if len(a.verifiers) == 0 {
		return Identity{}, qerr.New(qerr.Unauthorized, "token authorization is not enabled for this API")
	}
	return Identity{}, qerr.New(qerr.Unauthorized, "Authorization header is not a JWT")
}

// credential is a parsed Authorization header.
type credential struct {
	token string // the JWT, without "Bearer "
	raw   string // the header as sent (trimmed): what the custom authorizer gets, as in AppSync
	sigV4 bool
}

// maxAuthorizationLen bounds the header: real JWTs are a few KB.
const maxAuthorizationLen = 16 << 10

// parseAuthorization reads "<token>", "Bearer <token>" (any case) or an AWS
// SigV4 signature. The real client sends the JWT without "Bearer".
func parseAuthorization(v string) (credential, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return credential{}, qerr.New(qerr.Unauthorized, "Authorization header is empty")
	}
	if len(v) > maxAuthorizationLen {
		return credential{}, qerr.New(qerr.Unauthorized, "Authorization header is too long")
	}
	if strings.HasPrefix(v, "AWS4-HMAC-SHA256 ") {
		return credential{sigV4: true}, nil
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return credential{}, qerr.New(qerr.Unauthorized, "Authorization header contains control characters")
		}
	}
	if strings.EqualFold(v, "bearer") {
		return credential{}, qerr.New(qerr.Unauthorized, "Authorization header has no token after Bearer")
	}
	c := credential{token: v, raw: v}
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		c.token = strings.TrimSpace(v[7:])
		if c.token == "" {
			return credential{}, qerr.New(qerr.Unauthorized, "Authorization header has no token after Bearer")
		}
	}
	return c, nil
}
