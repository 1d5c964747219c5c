package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"time"

	"github.com/quarrydata/quarry/internal/qerr"
)

// Messages for API key failures. AppSync answers an unknown key with
// "You are not authorized to make this call."; for an expired key Quarry
// says so plainly, since that is the one failure the developer can fix at
// once (mint a new key) and the key's value is not in the message.
const (
	msgAPIKeyUnknown = "You are not authorized to make this call."
	msgAPIKeyExpired = "API key has expired."
)

type apiKey struct {
	id      string
	digest  [sha256.Size]byte
	expires time.Time
}

type apiKeys []apiKey

func newAPIKeys(ks []APIKey) apiKeys {
	out := make(apiKeys, len(ks))
	for i, k := range ks {
		out[i] = apiKey{id: k.ID, digest: sha256.Sum256([]byte(k.Value)), expires: k.Expires}
	}
	return out
}

// check compares the presented key with every configured one in constant
// time. Digests are compared rather than values so that neither the length
// of a key nor which key matched shows in the timing.
func (ks apiKeys) check(presented string, now time.Time) (Identity, error) {
	d := sha256.Sum256([]byte(presented))
	match := -1
	for i := range ks {
		if subtle.ConstantTimeCompare(d[:], ks[i].digest[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return Identity{}, qerr.New(qerr.Unauthorized, msgAPIKeyUnknown)
	}
	k := ks[match]
	if !k.expires.IsZero() && !now.Before(k.expires) {
		return Identity{}, qerr.New(qerr.Unauthorized, msgAPIKeyExpired)
	}
	return Identity{Provider: ProviderAPIKey, APIKeyID: k.id}, nil
}
