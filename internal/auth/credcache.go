package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// credCache remembers what a credential was found to mean (a verified
// token's identity, the custom authorizer's answer), keyed by the
// credential's SHA-256 so that the map holds nothing usable as a
// credential. An entry holds from its from to its until: outside that
// window, including a clock set back before it was stored, it is not
// used. It holds at most maxCacheEntries: when full, expired entries are
// swept, and if none was, the new one is not kept (the next request asks
// again).
type credCache[V any] struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]credEntry[V]
}

type credEntry[V any] struct {
	v           V
	from, until time.Time
}

// get returns the value stored for cred when now lies in its window.
func (c *credCache[V]) get(cred string, now time.Time) (V, bool) {
	key := sha256.Sum256([]byte(cred))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if ok && !now.Before(e.until) {
		delete(c.entries, key)
		ok = false
	}
	if !ok || now.Before(e.from) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v for cred, valid from from until until.
func (c *credCache[V]) put(cred string, v V, from, until, now time.Time) {
	if !from.Before(until) {
		return
	}
	key := sha256.Sum256([]byte(cred))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[[sha256.Size]byte]credEntry[V]{}
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= maxCacheEntries {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCacheEntries {
			return
		}
	}
	c.entries[key] = credEntry[V]{v: v, from: from, until: until}
}
