package cli

import (
	"context"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// GC headroom: Go's default (GOGC=100) collects whenever the heap has
// doubled, which for a server whose live heap is a few tens of megabytes
// means a collection every few thousand requests, each with its mark
// work and the allocation assists that slow requests in flight. Measured
// on the peer benchmark (bench/peers.sh, reads at 64 connections), GOGC
// 400 cut Quarry's CPU per request by about a tenth. A fixed GOGC of 400
// would also multiply a large heap (100,000 subscribers hold gigabytes)
// by five, so the percentage follows the live heap instead: a small heap
// may grow by gcHeadroom before it is collected, a large one collects as
// Go's default does.
const (
	gcHeadroom  = 64 << 20
	gcMinPct    = 100
	gcMaxPct    = 400
	gcPctStep   = 25
	gcTuneEvery = time.Second
)

// gcPercent is the GOGC that lets a heap of live bytes grow by at least
// gcHeadroom, between gcMinPct and gcMaxPct, rounded up to a step of
// gcPctStep so that small changes of the live heap do not change it.
func gcPercent(live uint64) int {
	if live == 0 {
		return gcMaxPct
	}
	p := int((gcHeadroom*100 + live - 1) / live)
	p = (p + gcPctStep - 1) / gcPctStep * gcPctStep
	return min(max(p, gcMinPct), gcMaxPct)
}

// tuneGC keeps the GC percentage at gcPercent of the live heap until ctx
// ends, then restores Go's. It does nothing when the operator set GOGC:
// their setting wins. GOMEMLIMIT, when set, still bounds the heap (Go
// collects earlier as the limit nears).
func tuneGC(ctx context.Context, log *slog.Logger) {
	if v, ok := os.LookupEnv("GOGC"); ok {
		log.Debug("GOGC is set: the garbage collector keeps it", "GOGC", v)
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	live := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	cur := gcPercent(live())
	prev := debug.SetGCPercent(cur)
	go func() {
		t := time.NewTicker(gcTuneEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				debug.SetGCPercent(prev)
				return
			case <-t.C:
				if p := gcPercent(live()); p != cur {
					debug.SetGCPercent(p)
					cur = p
				}
			}
		}
	}()
}
