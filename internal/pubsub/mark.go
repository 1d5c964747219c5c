package pubsub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// LastMark returns the Mark of the most recent event in the stream whose
// Mark starts with prefix, looking back at most scan messages; "" when
// there is none. Only messages signed with this API's key count, so a
// client of the NATS server cannot make a change stream skip events.
//
// A change stream's new leader reads it to learn what the previous
// leader stored before it died, and publishes only what comes after:
// without it, every event the old leader published but had not yet
// acknowledged to the database would reach subscribers twice.
func (n *NATS) LastMark(ctx context.Context, prefix string, scan int) (string, error) {
	s, err := n.js.Stream(ctx, n.stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("broker: stream %s: %w", n.stream, err)
	}
	last := s.CachedInfo().State.LastSeq
	for seq := last; seq > 0 && last-seq < uint64(scan); seq-- {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // removed by retention or deleted
		}
		if err != nil {
			return "", fmt.Errorf("broker: reading event %d of stream %s: %w", seq, n.stream, err)
		}
		e, err := n.sign.open(m.Data)
		if err != nil || len(e.Event) == 0 {
			continue
		}
		var ev struct {
			Mark string `json:"mark"`
		}
		if json.Unmarshal(e.Event, &ev) == nil && strings.HasPrefix(ev.Mark, prefix) {
			return ev.Mark, nil
		}
	}
	return "", nil
}
