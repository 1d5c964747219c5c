package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestCredCacheWindow(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	var c credCache[string]
	c.put("tok", "alice", t0, t0.Add(time.Minute), t0)
	for _, s := range []struct {
		at   time.Duration
		want bool
	}{
		{-time.Second, false}, // a clock set back before the check
		{0, true},
		{59 * time.Second, true},
		{time.Minute, false}, // until is not included
		{0, false},           // and the expired entry is gone
	} {
		if _, ok := c.get("tok", t0.Add(s.at)); ok != s.want {
			t.Errorf("at %v: found %v, want %v", s.at, ok, s.want)
		}
	}
	if _, ok := c.get("other", t0); ok {
		t.Error("another credential found the entry")
	}
	c.put("empty", "x", t0, t0, t0)
	if _, ok := c.get("empty", t0); ok {
		t.Error("an entry with an empty window was kept")
	}
}

// A full cache makes room from expired entries only; a live one is never
// pushed out by a newcomer.
func TestCredCacheBound(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	var c credCache[int]
	for i := range maxCacheEntries {
		until := t0.Add(time.Hour)
		if i == 0 {
			until = t0.Add(time.Second)
		}
		c.put(fmt.Sprint(i), i, t0, until, t0)
	}
	later := t0.Add(time.Minute)
	c.put("new", -1, later, later.Add(time.Hour), later)
	if _, ok := c.get("new", later); !ok {
		t.Error("the expired entry did not make room")
	}
	c.put("newer", -2, later, later.Add(time.Hour), later)
	if _, ok := c.get("newer", later); ok {
		t.Error("a full cache of live entries took one more")
	}
	if v, ok := c.get("1", later); !ok || v != 1 {
		t.Error("a live entry was pushed out")
	}
}
