package report

import (
	"math"
	"testing"
	"time"
)

func TestBucketsCoverValues(t *testing.T) {
	// Every value falls in the bucket whose range holds it, and buckets
	// are never wider than 1/64 of their lower bound.
	for _, v := range []int64{0, 1, 63, 64, 65, 127, 128, 129, 1000, 123456, 1 << 30, 987654321012} {
		i := bucketOf(v)
		lo, hi := bucketRange(i)
		if v < lo || v >= hi {
			t.Errorf("value %d: bucket %d holds [%d, %d)", v, i, lo, hi)
		}
		if lo >= subBuckets && float64(hi-lo)/float64(lo) > 1.0/subBuckets+1e-12 {
			t.Errorf("value %d: bucket [%d, %d) wider than 1/64", v, lo, hi)
		}
	}
	// Consecutive buckets tile the line.
	for i := 1; i < numBuckets; i++ {
		_, prevHi := bucketRange(i - 1)
		lo, _ := bucketRange(i)
		if lo != prevHi {
			t.Fatalf("bucket %d starts at %d, previous ends at %d", i, lo, prevHi)
		}
	}
}

func TestQuantiles(t *testing.T) {
	tests := []struct {
		name   string
		values []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one value", []time.Duration{40 * time.Microsecond}, 0.99, 40 * time.Microsecond},
		{"median of 1..100 µs", ramp(100, time.Microsecond), 0.50, 50 * time.Microsecond},
		{"p90 of 1..100 µs", ramp(100, time.Microsecond), 0.90, 90 * time.Microsecond},
		{"p99 of 1..100 µs", ramp(100, time.Microsecond), 0.99, 99 * time.Microsecond},
		{"p100 is the max", ramp(100, time.Microsecond), 1, 100 * time.Microsecond},
		// Nearest rank: the p99 of 1000 values is the 990th smallest.
		{"p99 of 1..1000 ms", ramp(1000, time.Millisecond), 0.99, 990 * time.Millisecond},
		// One slow request in 100 is the p99, not hidden by the others.
		{"outlier at p99", append(repeat(99, time.Millisecond), time.Second), 0.99, time.Millisecond},
		{"outlier above p99", append(repeat(99, time.Millisecond), time.Second), 1, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Hist
			for _, v := range tt.values {
				h.Record(v)
			}
			got := h.Quantile(tt.q)
			if !near(got, tt.want) {
				t.Errorf("Quantile(%v) = %v, want %v (±1/64)", tt.q, got, tt.want)
			}
		})
	}
}

func TestMergeAndSparseRoundTrip(t *testing.T) {
	var a, b Hist
	for _, v := range ramp(500, 3*time.Microsecond) {
		a.Record(v)
	}
	for _, v := range ramp(500, 7*time.Microsecond) {
		b.Record(v)
	}
	var m Hist
	m.Merge(&a)
	m.Merge(&b)
	if m.Count() != 1000 || m.Max() != 3500*time.Microsecond {
		t.Fatalf("merged count %d max %v", m.Count(), m.Max())
	}
	r := FromSparse(m.Sparse())
	for _, q := range []float64{0.1, 0.5, 0.9, 0.99, 1} {
		if r.Quantile(q) != m.Quantile(q) {
			t.Errorf("q %v: %v after the round trip, %v before", q, r.Quantile(q), m.Quantile(q))
		}
	}
	if r.Mean() != m.Mean() {
		t.Errorf("mean %v after the round trip, %v before", r.Mean(), m.Mean())
	}
}

func ramp(n int, unit time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * unit
	}
	return out
}

func repeat(n int, v time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// near is equality within the histogram's resolution.
func near(got, want time.Duration) bool {
	return math.Abs(float64(got-want)) <= float64(want)/subBuckets+1
}
