package faulttest

import (
	"context"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/quarrydata/quarry/internal/pubsub/natstest"
)

const (
	leaderRows  = 2000
	leaderEvery = 4 * time.Millisecond // 250 rows a second: 8 s of writes
)

// TestChangesKillLeader: two instances share a NATS broker (a
// nats-server of the test's own, with JetStream) and read the change
// stream with one leader. While a program of the test's own inserts 2,000
// rows at a steady rate, the leader is killed (SIGKILL) or stopped
// (SIGTERM); the standby takes over. The subscriber on the surviving
// instance gets every row (duplicates are counted; a clean hand-over has
// none); the takeover is timed.
func TestChangesKillLeader(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGKILL: "sigkill", syscall.SIGTERM: "sigterm"}[sig]
		t.Run(name, func(t *testing.T) { killLeader(t, name, sig, leaderRows, 1, leaderEvery) })
	}
}

// killLeader signals the leader once 40% of rows rows were sent, by conns
// connections (one row every every, or as fast as they go).
func killLeader(t *testing.T, name string, sig syscall.Signal, rows, conns int, every time.Duration) {
	nats := natstest.Start(t, true)
	s := logicalPostgres(t)
	pr := newProject(t, s.URI())
	shared := []string{"--broker", nats.URL(), "--token-secret", "TOKEN_SECRET"}
	a := newChangesQuarry(t, "quarry-a", pr, shared...)
	b := newChangesQuarry(t, "quarry-b", pr, shared...)
	a.start(t)
	a.waitLogged(t, "changes: leading", 0, 20*time.Second)
	b.start(t)
	b.waitLogged(t, "changes: standing by", 0, 20*time.Second)
	if !b.logged("changes: leading", 0).IsZero() {
		t.Fatal("both instances lead")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	onA, err := collect(ctx, a.url, pr.key)
	if err != nil {
		t.Fatalf("subscribing on the leader: %v", err)
	}
	onB, err := collect(ctx, b.url, pr.key)
	if err != nil {
		t.Fatalf("subscribing on the standby: %v", err)
	}

	w := startWriter(ctx, s.Admin(t), rows, conns, every)
	poll(t, "40% of the rows sent", 30*time.Second, func() bool { return w.sent() >= rows*4/10 })
	bLog := b.logSize()
	killAt := time.Now()
	sentAtKill := w.sent()
	if err := a.p.signal(sig); err != nil {
		t.Fatal(err)
	}
	if !a.p.wait(drain + 5*time.Second) {
		t.Fatalf("the leader still runs %s after %s", time.Since(killAt), name)
	}
	exitAt := time.Now()
	leadAt := b.waitLogged(t, "changes: leading", bLog, 20*time.Second)

	select {
	case <-w.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("the writer has not finished after 60 s (%d of %d sent)", w.sent(), rows)
	}
	if w.err != nil {
		t.Fatal(w.err)
	}
	caught, caughtIn, target, confirmed := slotCaughtUp(t, s, 30*time.Second)
	if !waitFor(30*time.Second, func() bool { return onB.distinct() >= rows }) {
		t.Errorf("30 s after the writer finished, the surviving instance's subscriber has %d of %d rows", onB.distinct(), rows)
	}
	waitQuiet(onB.total.Load, time.Second, 10*time.Second)
	cancel()

	onB.mu.Lock()
	defer onB.mu.Unlock()
	var lost []string
	dup, dupBefore := 0, 0
	// firstNew is the first event of a row sent after the leader exited;
	// firstLed the first event that only the new leader can have
	// published: that, or a row's second copy.
	var firstNew, firstLed time.Time
	for i, sent := range w.sentAt {
		at := onB.events[rowID(i)]
		if len(at) == 0 {
			lost = append(lost, rowID(i))
			continue
		}
		dup += len(at) - 1
		if i < sentAtKill {
			dupBefore += len(at) - 1
		}
		if sent.After(exitAt) && (firstNew.IsZero() || at[0].Before(firstNew)) {
			firstNew = at[0]
		}
		for j, arrived := range at {
			if (j > 0 || sent.After(exitAt)) && (firstLed.IsZero() || arrived.Before(firstLed)) {
				firstLed = arrived
			}
		}
	}
	var phantom []string
	for id := range onB.events {
		if len(id) != 6 || id[0] != 'r' {
			phantom = append(phantom, id)
		}
	}
	sort.Strings(phantom)
	onA.mu.Lock()
	gotA := len(onA.events)
	onA.mu.Unlock()

	since := func(at time.Time) time.Duration {
		if at.IsZero() {
			return -1
		}
		return at.Sub(killAt)
	}
	takeover, newRow := since(firstLed), since(firstNew)
	t.Logf("%s: leader signalled after %d rows sent, exited %dms later; standby logged leading %dms after the signal; "+
		"the first event the new leader published reached B's subscriber %dms after the signal, the first of a row written after the exit %dms; duplicates of rows sent before the signal %d; "+
		"A's subscriber had %d rows; slot caught up %dms after the last insert (%s ≥ %s)",
		name, sentAtKill, exitAt.Sub(killAt).Milliseconds(), leadAt.Sub(killAt).Milliseconds(), takeover.Milliseconds(), newRow.Milliseconds(), dupBefore,
		gotA, caughtIn.Milliseconds(), confirmed, target)
	t.Logf("SUMMARY kill-leader-%s: rows=%d lost=%d dup=%d takeover_ms=%d leading_ms=%d",
		name, rows, len(lost), dup, takeover.Milliseconds(), leadAt.Sub(killAt).Milliseconds())

	if len(lost) > 0 {
		t.Errorf("%d rows never reached the surviving instance's subscriber, e.g. %v", len(lost), first(lost, 5))
	}
	if len(phantom) > 0 {
		t.Errorf("%d events for rows never inserted, e.g. %v", len(phantom), first(phantom, 5))
	}
	if sig == syscall.SIGTERM && dup > 0 {
		t.Errorf("%d events duplicated across a clean hand-over (SIGTERM)", dup)
	}
	if takeover < 0 {
		t.Errorf("no row written after the leader exited reached the surviving instance's subscriber")
	} else if takeover > 15*time.Second {
		t.Errorf("takeover took %s, want < 15 s", takeover)
	}
	if !caught {
		t.Errorf("slot quarry_%s: confirmed_flush_lsn %s has not reached %s (the WAL after the last insert) %s after the writer finished",
			changesSlot, confirmed, target, caughtIn.Round(time.Millisecond))
	}
}
