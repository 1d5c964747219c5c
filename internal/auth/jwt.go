package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/quarrydata/quarry/internal/qerr"
)

// jwtHeader is the part of a JOSE header read before verification: enough to
// pick the issuer's key and to refuse algorithms we never accept.
type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// splitJWT decodes the header and the (still unverified) claims of a compact
// JWS. The claims are read only to route the token to its issuer's verifier;
// nothing in them is trusted before the signature is checked.
func splitJWT(tok string) (jwtHeader, map[string]any, bool) {
	var h jwtHeader
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return h, nil, false
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil || h.Alg == "" {
		return h, nil, false
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return h, nil, false
	}
	var claims map[string]any
	if json.Unmarshal(pb, &claims) != nil || claims == nil {
		return h, nil, false
	}
	return h, claims, true
}

// keyTypeFor maps the accepted signature algorithms to the key type each
// needs. Only asymmetric algorithms are here: an issuer's public key must
// never serve as an HMAC secret (the algorithm-confusion attack), and "none"
// is never a signature.
var keyTypeFor = map[string]string{
	"RS256": "RSA", "RS384": "RSA", "RS512": "RSA",
	"PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
	"ES256": "EC", "ES384": "EC", "ES512": "EC",
	"EdDSA": "OKP",
}

// verifier checks tokens of one issuer.
type verifier struct {
	p        OIDCProvider
	provider Provider
	skew     time.Duration
	now      func() time.Time
	keys     *keyset
	// verified holds the identities of tokens already checked.
	verified tokenCache
}

func unauthorized(msg string, cause error) error {
	return qerr.Wrap(qerr.Unauthorized, msg, cause)
}

// verify checks signature, issuer, audience, token use and times, and builds
// the identity.
func (v *verifier) verify(ctx context.Context, tok string, h jwtHeader) (Identity, error) {
	if id, ok := v.verified.get(tok, v.now()); ok {
		return id, nil
	}
	kty, ok := keyTypeFor[h.Alg]
	if !ok {
		return Identity{}, unauthorized(fmt.Sprintf("token algorithm %q is not accepted", h.Alg), nil)
	}
	key, err := v.keys.lookup(ctx, h.Kid)
	if err != nil {
		return Identity{}, err
	}
	if key.KeyType().String() != kty {
		return Identity{}, unauthorized(fmt.Sprintf("token algorithm %s does not match the issuer's %s key", h.Alg, key.KeyType()), nil)
	}
	if ka, ok := key.Algorithm(); ok && ka.String() != h.Alg {
		return Identity{}, unauthorized(fmt.Sprintf("token algorithm %s does not match the key's %s", h.Alg, ka), nil)
	}
	alg, ok := jwa.LookupSignatureAlgorithm(h.Alg)
	if !ok {
		return Identity{}, unauthorized(fmt.Sprintf("token algorithm %q is not accepted", h.Alg), nil)
	}
	_, err = jwt.ParseString(tok,
		jwt.WithKey(alg, key),
		jwt.WithValidate(true),
		jwt.WithAcceptableSkew(v.skew),
		jwt.WithClock(jwt.ClockFunc(v.now)),
		jwt.WithIssuer(v.p.Issuer),
		// A token that never expires is refused: exp is always checked.
		jwt.WithRequiredClaim("exp"),
	)
	if err != nil {
		return Identity{}, classifyJWTError(err)
	}
	// The signature holds, so the claims segment can be read as sent. It is
	// decoded with encoding/json to hand rules every claim as plain JSON.
	_, claims, _ := splitJWT(tok)
	if !v.audienceOK(claims) {
		return Identity{}, unauthorized("token audience / client id is not accepted", nil)
	}
	if v.p.TokenUse != "" {
		if use, _ := claims["token_use"].(string); use != v.p.TokenUse {
			return Identity{}, unauthorized(fmt.Sprintf("token_use must be %s", v.p.TokenUse), nil)
		}
	}
	id := v.identity(claims)
	v.verified.put(tok, id, claims, v.skew, v.now())
	return id, nil
}

func classifyJWTError(err error) error {
	switch {
	case errors.Is(err, jwt.TokenExpiredError()):
		return unauthorized("token has expired", nil)
	case errors.Is(err, jwt.TokenNotYetValidError()):
		return unauthorized("token is not valid yet", nil)
	case errors.Is(err, jwt.InvalidIssuerError()):
		return unauthorized("token issuer is not accepted", nil)
	case errors.Is(err, jwt.MissingRequiredClaimError()):
		return unauthorized("token has no expiry (exp)", nil)
	case errors.Is(err, jwt.ValidateError()):
		return unauthorized("token claims are invalid", err)
	}
	// jwx's verification errors name algorithms and keys, never the token.
	return unauthorized("token signature is invalid", err)
}

func (v *verifier) audienceOK(claims map[string]any) bool {
	names := v.p.AudienceClaims
	if len(names) == 0 {
		names = []string{"aud", "client_id"}
	}
	for _, n := range names {
		for _, got := range stringsOf(claims[n]) {
			for _, want := range v.p.ClientIDs {
				if got == want {
					return true
				}
			}
		}
	}
	return false
}

func (v *verifier) identity(claims map[string]any) Identity {
	id := Identity{Provider: v.provider, Issuer: v.p.Issuer, Claims: claims}
	id.Sub, _ = claims["sub"].(string)
	if v.p.UsernameClaim != "" {
		id.Username, _ = claims[v.p.UsernameClaim].(string)
	} else {
		// Not preferred_username: many issuers let users change it, and
		// owner rules match on the username. Configure it explicitly
		// (UsernameClaim) where it is fixed.
		for _, c := range []string{"username", "cognito:username"} {
			if s, _ := claims[c].(string); s != "" {
				id.Username = s
				break
			}
		}
	}
	gc := v.p.GroupsClaim
	if gc == "" {
		gc = DefaultGroupsClaim
	}
	id.Groups = stringsOf(claims[gc])
	return id
}

// stringsOf reads a claim that is a string or a list of strings (aud and
// group claims come both ways, depending on the issuer).
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// keyset caches one issuer's JWKS. It refetches when the keys are older than
// maxAge, or when a token names a kid it does not hold (the issuer rotated),
// but never more often than every minRefresh, and only one fetch runs at a
// time: concurrent requests wait for it instead of starting their own.
type keyset struct {
	issuer       string
	jwksURL      string // fixed by configuration, or found by discovery
	fixedJWKSURL bool
	fetch        fetcher
	timeout      time.Duration
	minRefresh   time.Duration
	maxAge       time.Duration
	now          func() time.Time

	mu          sync.Mutex
	set         jwk.Set
	fetchedAt   time.Time
	lastAttempt time.Time
	inflight    chan struct{} // closed when the running fetch ends
	lastErr     error
}

var errNoKeys = errors.New("no signing keys")

// lookup returns the key for kid. A token without kid is accepted only when
// the issuer publishes a single key, since there is then no ambiguity.
func (k *keyset) lookup(ctx context.Context, kid string) (jwk.Key, error) {
	for attempt := 0; ; attempt++ {
		k.mu.Lock()
		now := k.now()
		if k.set != nil {
			if key, ok := k.find(kid); ok && now.Sub(k.fetchedAt) < k.maxAge {
				k.mu.Unlock()
				return key, nil
			}
		}
		if k.inflight != nil {
			ch := k.inflight
			k.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, unauthorized("cannot verify token: the issuer's keys could not be fetched in time", ctx.Err())
			}
		}
		mayFetch := attempt == 0 && (k.lastAttempt.IsZero() || now.Sub(k.lastAttempt) >= k.minRefresh)
		if !mayFetch {
			var key jwk.Key
			ok := false
			if k.set != nil {
				// Stale keys beat no keys when the issuer is unreachable.
				key, ok = k.find(kid)
			}
			lastErr, haveSet := k.lastErr, k.set != nil
			k.mu.Unlock()
			if ok {
				return key, nil
			}
			if !haveSet {
				return nil, unauthorized("cannot verify token: the issuer's signing keys are unavailable", lastErr)
			}
			return nil, unauthorized("token signing key (kid) is not one of the issuer's keys", nil)
		}
		ch := make(chan struct{})
		k.inflight = ch
		k.lastAttempt = now
		k.mu.Unlock()

		// The fetch outlives a cancelled request: other requests wait on it.
		set, url, err := k.refresh(context.WithoutCancel(ctx))

		k.mu.Lock()
		if err == nil {
			k.set, k.fetchedAt, k.jwksURL, k.lastErr = set, k.now(), url, nil
		} else {
			k.lastErr = err
			if !k.fixedJWKSURL {
				k.jwksURL = "" // discover again next time: the document may have moved
			}
		}
		k.inflight = nil
		close(ch)
		k.mu.Unlock()
		// Loop once more to read the new set; attempt > 0 forbids a second fetch.
	}
}

// find must be called with mu held.
func (k *keyset) find(kid string) (jwk.Key, bool) {
	if kid == "" {
		if k.set.Len() == 1 {
			return k.set.Key(0)
		}
		return nil, false
	}
	return k.set.LookupKeyID(kid)
}

// refresh discovers the JWKS URL when needed and fetches the keys. Only public
// asymmetric keys are kept: a symmetric key in a JWKS is an issuer mistake
// and must not become an HMAC secret.
func (k *keyset) refresh(ctx context.Context) (jwk.Set, string, error) {
	k.mu.Lock()
	u := k.jwksURL
	k.mu.Unlock()
	if u == "" {
		var err error
		if u, err = k.discover(ctx); err != nil {
			return nil, "", err
		}
	}
	b, err := k.fetch.do(ctx, k.timeout, http.MethodGet, u, nil, nil)
	if err != nil {
		return nil, "", fmt.Errorf("fetching JWKS from %s: %w", u, err)
	}
	raw, err := jwk.Parse(b)
	if err != nil {
		return nil, "", fmt.Errorf("parsing JWKS from %s: %w", u, err)
	}
	set := jwk.NewSet()
	for i := 0; i < raw.Len(); i++ {
		key, _ := raw.Key(i)
		if key.KeyType() == jwa.OctetSeq() {
			continue
		}
		if priv, err := jwk.IsPrivateKey(key); err != nil || priv {
			continue
		}
		if use, ok := key.KeyUsage(); ok && use != "" && use != "sig" {
			continue
		}
		_ = set.AddKey(key)
	}
	if set.Len() == 0 {
		return nil, "", fmt.Errorf("JWKS at %s: %w", u, errNoKeys)
	}
	return set, u, nil
}

// discover reads <issuer>/.well-known/openid-configuration. Its issuer must
// be ours, as OpenID Connect Discovery requires, so one issuer cannot point
// at another's keys.
func (k *keyset) discover(ctx context.Context) (string, error) {
	u := strings.TrimSuffix(k.issuer, "/") + "/.well-known/openid-configuration"
	b, err := k.fetch.do(ctx, k.timeout, http.MethodGet, u, nil, nil)
	if err != nil {
		return "", fmt.Errorf("fetching %s: %w", u, err)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", fmt.Errorf("parsing %s: %w", u, err)
	}
	if doc.Issuer != k.issuer {
		return "", fmt.Errorf("discovery document at %s names issuer %q, not %q", u, doc.Issuer, k.issuer)
	}
	if err := checkURL(doc.JWKSURI, strings.HasPrefix(k.issuer, "http:")); err != nil {
		return "", fmt.Errorf("discovery document at %s: jwks_uri: %w", u, err)
	}
	return doc.JWKSURI, nil
}
