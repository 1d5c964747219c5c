package pubsub

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// envelope is an event on the wire. The MAC covers the subject, the
// sender, the sequence, the time and the event, so a message captured
// from the broker and published again is recognised as a replay (its
// sender and sequence were seen, or it is too old), and none of those
// can be changed without the key.
type envelope struct {
	// Sender is random per process: sequences restart with each process,
	// and two processes never share a sender.
	Sender string `json:"sender"`
	// Seq counts the sender's events from 1, with no holes: a hole a
	// receiver sees is an event it lost.
	Seq uint64 `json:"seq"`
	// Time is when the event was published (Unix nanoseconds).
	Time int64 `json:"ts"`
	// Event is the event's JSON; empty for a marker, which only moves the
	// sequence on, so that receivers notice events the sender lost.
	Event json.RawMessage `json:"event,omitempty"`
	MAC   []byte          `json:"mac"`
}

// signer signs and opens envelopes for one subject.
type signer struct {
	key     []byte
	subject string
}

func (s signer) mac(e *envelope) []byte {
	h := hmac.New(sha256.New, s.key)
	// Length-prefixed parts: no two different envelopes hash alike.
	var n [8]byte
	for _, part := range [][]byte{[]byte("quarry-event/2"), []byte(s.subject), []byte(e.Sender), e.Event} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	binary.BigEndian.PutUint64(n[:], e.Seq)
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.Time))
	h.Write(n[:])
	return h.Sum(nil)
}

// seal signs e and returns it as it goes on the wire.
func (s signer) seal(e envelope) ([]byte, error) {
	e.MAC = s.mac(&e)
	raw, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("broker: encoding an event: %w", err)
	}
	return raw, nil
}

// Reasons a message is dropped, as the metric labels them.
const (
	dropUnsigned     = "unsigned"
	dropBadSignature = "bad_signature"
	dropMalformed    = "malformed"
	dropReplay       = "replay"
	dropStale        = "stale"
)

var errUnsigned = errors.New(dropUnsigned)

// open checks a message's signature; the error is a drop reason.
func (s signer) open(raw []byte) (*envelope, error) {
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil || len(e.MAC) == 0 || e.Sender == "" {
		return nil, errUnsigned
	}
	if !hmac.Equal(e.MAC, s.mac(&e)) {
		return nil, errors.New(dropBadSignature)
	}
	return &e, nil
}

func newSenderID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// guard remembers, per sender, the highest sequence accepted, so that a
// replayed message is dropped and a lost one noticed. Only the broker's
// delivery goroutine uses it.
type guard struct {
	// start is when this receiver began: a sender it has not heard from
	// yet may only send events younger than that (less the clock skew),
	// since an event from before it started reaches it only as a replay
	// (a new instance reads the broker from "now" on).
	start  time.Time
	maxAge time.Duration
	skew   time.Duration

	senders   map[string]*senderState
	lastPrune time.Time
}

type senderState struct {
	high uint64
	seen time.Time
}

func newGuard(now time.Time, maxAge, skew time.Duration) *guard {
	return &guard{start: now, maxAge: maxAge, skew: skew, senders: map[string]*senderState{}, lastPrune: now}
}

// check decides on a signed envelope: "" to accept it (missed is how many
// of the sender's events before it never arrived), or a drop reason.
func (g *guard) check(e *envelope, now time.Time) (reason string, missed uint64) {
	at := time.Unix(0, e.Time)
	if now.Sub(at) > g.maxAge {
		return dropStale, 0
	}
	st := g.senders[e.Sender]
	switch {
	case st == nil && at.Before(g.start.Add(-g.skew)):
		return dropStale, 0
	case st == nil:
		st = &senderState{}
		g.senders[e.Sender] = st
	case e.Seq <= st.high:
		return dropReplay, 0
	case e.Seq > st.high+1:
		missed = e.Seq - st.high - 1
	}
	st.high, st.seen = e.Seq, now
	g.prune(now)
	return "", missed
}

// prune forgets senders silent for longer than events live: anything
// they sent before is stale by now, so forgetting them admits no replay.
func (g *guard) prune(now time.Time) {
	if now.Sub(g.lastPrune) < time.Minute {
		return
	}
	g.lastPrune = now
	for id, st := range g.senders {
		if now.Sub(st.seen) > g.maxAge+g.skew {
			delete(g.senders, id)
		}
	}
}
