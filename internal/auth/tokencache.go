package auth

import "time"

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
type tokenCache struct{ c credCache[Identity] }

// tokenCacheTTL bounds how long a verified token is trusted without its
// signature being checked again.
const tokenCacheTTL = 5 * time.Minute

// get returns tok's identity when it was verified less than
// tokenCacheTTL ago and is still within its validity at now.
func (t *tokenCache) get(tok string, now time.Time) (Identity, bool) {
	return t.c.get(tok, now)
}

// put remembers a verified token's identity with its time bounds taken
// from its exp and nbf claims (a token without a numeric exp is not kept).
func (t *tokenCache) put(tok string, id Identity, claims map[string]any, skew time.Duration, now time.Time) {
	exp, ok := claims["exp"].(float64)
	if !ok {
		return
	}
	from := now
	if nbf, ok := claims["nbf"].(float64); ok {
		from = later(from, time.Unix(int64(nbf), 0).Add(-skew))
	}
	until := time.Unix(int64(exp), 0).Add(skew)
	if u := now.Add(tokenCacheTTL); u.Before(until) {
		until = u
	}
	t.c.put(tok, id, from, until, now)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
