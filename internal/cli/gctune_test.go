package cli

import (
	"context"
	"log/slog"
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		live uint64
		want int
	}{
		{0, 400},          // nothing measured yet: the most headroom
		{8 * mib, 400},    // 64 MiB would be 800 %: capped
		{16 * mib, 400},   // exactly 64 MiB of headroom
		{24 * mib, 275},   // 267 % rounded up to a step
		{64 * mib, 100},   // the default already gives 64 MiB
		{2048 * mib, 100}, // large heaps collect as Go's default does
	}
	for _, c := range cases {
		if got := gcPercent(c.live); got != c.want {
			t.Errorf("gcPercent(%d MiB) = %d, want %d", c.live/mib, got, c.want)
		}
		// The heap may grow by 64 MiB before a collection, or, on a heap
		// too small for that within the cap, by four times itself.
		if got := gcPercent(c.live); c.live > 0 && uint64(got)*c.live/100 < min(gcHeadroom, 4*c.live) {
			t.Errorf("gcPercent(%d MiB) = %d leaves less than %d MiB of headroom", c.live/mib, got, gcHeadroom/mib)
		}
	}
}

// An operator's GOGC is theirs: serve must not replace it.
func TestTuneGCKeepsGOGC(t *testing.T) {
	t.Setenv("GOGC", "150")
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tuneGC(ctx, slog.New(slog.DiscardHandler))
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("with GOGC=150 set, the GC percent became %d", got)
	}
}
