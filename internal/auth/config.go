package auth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults. Each is the reference's value where it has one.
const (
	DefaultClockSkew      = 60 * time.Second
	DefaultLambdaTTL      = 300 * time.Second // AppSync authorizerResultTtlInSeconds
	MaxLambdaTTL          = 3600 * time.Second
	DefaultLambdaTimeout  = 10 * time.Second
	DefaultFetchTimeout   = 10 * time.Second
	DefaultJWKSMinRefresh = 30 * time.Second
	DefaultJWKSMaxAge     = time.Hour
	DefaultGroupsClaim    = "cognito:groups"
	maxBodyBytes          = 1 << 20 // discovery, JWKS and webhook answers
	maxCacheEntries       = 10000   // webhook decisions, verified tokens kept at once (each)
)

// Config says which credentials an API accepts.
type Config struct {
	APIKeys []APIKey
	OIDC    []OIDCProvider
	Lambda  *LambdaConfig
	// AllowGuest accepts requests without credentials as guest identities.
	AllowGuest bool

	// ClockSkew is tolerated on exp and nbf: 0 means DefaultClockSkew, a
	// negative value none.
	ClockSkew time.Duration
	// JWKSMinRefresh is the least time between two fetches of one issuer's
	// keys, so tokens naming made-up kids cannot make Quarry hammer the
	// issuer. 0 means DefaultJWKSMinRefresh.
	JWKSMinRefresh time.Duration
	// JWKSMaxAge is how long fetched keys are used before a refetch, so a
	// key the issuer withdrew stops being accepted. 0 means DefaultJWKSMaxAge.
	JWKSMaxAge time.Duration
	// FetchTimeout bounds each discovery or JWKS request. 0 means
	// DefaultFetchTimeout.
	FetchTimeout time.Duration
	// HTTPClient makes the outgoing requests; nil means a fresh client.
	HTTPClient *http.Client
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
}

// APIKey is one accepted API key.
type APIKey struct {
	// ID names the key in identities and logs; the value never appears.
	ID    string
	Value string
	// Expires is when the key stops working; zero means never.
	Expires time.Time
}

// OIDCProvider is one accepted token issuer. A Cognito user pool is one:
// its issuer is https://cognito-idp.<region>.amazonaws.com/<pool id>.
type OIDCProvider struct {
	// Issuer must equal the tokens' iss claim and the discovery document's
	// issuer. Plain http is accepted only for loopback hosts unless
	// AllowHTTP is set.
	Issuer    string
	AllowHTTP bool
	// JWKSURL skips discovery when set.
	JWKSURL string
	// Provider is the identity's provider: ProviderUserPools or
	// ProviderOIDC. Empty means userPools for Cognito issuers, oidc otherwise.
	Provider Provider
	// ClientIDs are the accepted audiences: a token is accepted when one of
	// its AudienceClaims holds one of them. At least one is required, so a
	// token minted for another application of the same issuer is refused.
	ClientIDs []string
	// AudienceClaims lists the claims compared with ClientIDs. Empty means
	// both "aud" (id tokens, most OIDC access tokens) and "client_id"
	// (Cognito access tokens).
	AudienceClaims []string
	// TokenUse, when set, is the required token_use claim ("access" or "id").
	TokenUse string
	// UsernameClaim names the username claim. Empty means the first present
	// of "username" (Cognito access tokens) and "cognito:username" (Cognito
	// id tokens); preferred_username is used only when named here, since
	// many issuers let users change it.
	UsernameClaim string
	// GroupsClaim names the groups claim. Empty means "cognito:groups".
	GroupsClaim string
}

// LambdaConfig is a custom authorizer reached over HTTP. It receives what an
// AppSync Lambda authorizer receives and answers as one does.
type LambdaConfig struct {
	URL string
	// TTL caches each token's answer: nil means DefaultLambdaTTL, 0 no
	// cache. The answer's ttlOverride replaces it; both are capped at
	// MaxLambdaTTL as in AppSync.
	TTL *time.Duration
	// Timeout bounds one call: 0 means DefaultLambdaTimeout.
	Timeout time.Duration
	// Headers are added to every call, for example a shared secret that
	// lets the webhook know the caller is Quarry.
	Headers map[string]string
	// APIID and AccountID fill the requestContext as AppSync would.
	APIID     string
	AccountID string
}

func (c *Config) validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, k := range c.APIKeys {
		if k.Value == "" {
			errs = append(errs, fmt.Errorf("API key %d (%q) has no value", i, k.ID))
		}
		if seen[k.Value] && k.Value != "" {
			errs = append(errs, fmt.Errorf("API key %d (%q) repeats another key", i, k.ID))
		}
		seen[k.Value] = true
	}
	issuers := map[string]bool{}
	for i, p := range c.OIDC {
		if err := p.validate(); err != nil {
			errs = append(errs, fmt.Errorf("OIDC provider %d: %w", i, err))
		}
		if issuers[p.Issuer] {
			errs = append(errs, fmt.Errorf("OIDC provider %d: issuer %s is configured twice", i, p.Issuer))
		}
		issuers[p.Issuer] = true
	}
	if c.Lambda != nil {
		if err := checkURL(c.Lambda.URL, false); err != nil {
			errs = append(errs, fmt.Errorf("lambda authorizer: %w", err))
		}
		if c.Lambda.TTL != nil && *c.Lambda.TTL < 0 {
			errs = append(errs, errors.New("lambda authorizer: negative ttl"))
		}
	}
	return errors.Join(errs...)
}

func (p *OIDCProvider) validate() error {
	if err := checkURL(p.Issuer, p.AllowHTTP); err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	if p.JWKSURL != "" {
		if err := checkURL(p.JWKSURL, p.AllowHTTP); err != nil {
			return fmt.Errorf("jwks url: %w", err)
		}
	}
	if len(p.ClientIDs) == 0 {
		return fmt.Errorf("issuer %s: no client id / audience configured; tokens for any application of the issuer would be accepted", p.Issuer)
	}
	switch p.Provider {
	case "", ProviderUserPools, ProviderOIDC:
	default:
		return fmt.Errorf("issuer %s: provider must be %s or %s, not %q", p.Issuer, ProviderUserPools, ProviderOIDC, p.Provider)
	}
	switch p.TokenUse {
	case "", "access", "id":
	default:
		return fmt.Errorf("issuer %s: token use must be access or id, not %q", p.Issuer, p.TokenUse)
	}
	return nil
}

// checkURL accepts https URLs, and http ones on loopback hosts (the sandbox,
// tests) or when allowed explicitly: keys fetched over plain http from
// elsewhere could be swapped by anyone on the path.
func checkURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if allowHTTP || isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s uses plain http on a non-loopback host", raw)
	}
	return fmt.Errorf("%s: scheme must be https", raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isCognitoIssuer(iss string) bool {
	u, err := url.Parse(iss)
	return err == nil && strings.HasPrefix(u.Host, "cognito-idp.") && strings.HasSuffix(u.Host, ".amazonaws.com")
}
