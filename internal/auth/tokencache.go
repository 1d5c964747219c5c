package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// A signed-in client sends the same token with every request until it
// expires, and checking an RS256 signature costs more CPU than the rest
// of a by-key read. tokenCache remembers the identities of tokens whose
// signature and claims were checked, by the token's SHA-256, so that a
// token is verified once and then only its times are checked again.
//
// An entry lives at most tokenCacheTTL after the check, so a key the
// issuer withdraws stops being trusted within that time even for tokens
// verified with it; a token is never used past its exp (plus the skew
// the verifier allows). Only successes are kept: a forged token is
// checked, and refused, every time.
type tokenCache struct {
	mu      sync.Mutex
	entries map[[32]byte]cachedToken
}

// tokenCacheTTL bounds how long a verified token is trusted without its
// signature being checked again.
const tokenCacheTTL = 5 * time.Minute

// maxCachedTokens bounds the cache; when full it starts again, which
// bounds memory without bookkeeping (as the document cache does).
const maxCachedTokens = 10000

type cachedToken struct {
	id       Identity
	notAfter time.Time // exp + skew
	from     time.Time // nbf - skew (zero: no nbf)
	checked  time.Time
}

// get returns tok's identity when it was verified less than
// tokenCacheTTL ago and is still within its validity at now.
func (c *tokenCache) get(tok string, now time.Time) (Identity, bool) {
	key := sha256.Sum256([]byte(tok))
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || now.Sub(e.checked) >= tokenCacheTTL || now.Before(e.checked) || !now.Before(e.notAfter) || now.Before(e.from) {
		return Identity{}, false
	}
	return e.id, true
}

// put remembers a verified token's identity with its time bounds taken
// from its exp and nbf claims (a token without a numeric exp is not kept).
func (c *tokenCache) put(tok string, id Identity, claims map[string]any, skew time.Duration, now time.Time) {
	exp, ok := claims["exp"].(float64)
	if !ok {
		return
	}
	e := cachedToken{id: id, notAfter: time.Unix(int64(exp), 0).Add(skew), checked: now}
	if nbf, ok := claims["nbf"].(float64); ok {
		e.from = time.Unix(int64(nbf), 0).Add(-skew)
	}
	key := sha256.Sum256([]byte(tok))
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCachedTokens {
		c.entries = map[[32]byte]cachedToken{}
	}
	c.entries[key] = e
	c.mu.Unlock()
}
