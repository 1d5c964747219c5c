package report

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// The histogram is log-linear, like HdrHistogram with two significant
// digits: values below 2^subBits nanoseconds get a bucket each, and every
// power of two above that is split into 2^subBits equal buckets, so a
// bucket is never wider than 1/64 of its value (1.6 %). That is finer than
// the run-to-run noise of any latency here, and a histogram is a fixed
// array, so recording a request is one index computation and one
// increment, with no allocation and no lock (each connection has its own).
const (
	subBits    = 6
	subBuckets = 1 << subBits
	// maxExp covers 2^46 ns (about 19 hours); longer values are clamped.
	maxExp     = 40
	numBuckets = (maxExp + 1) * subBuckets
)

// Hist counts latencies in nanoseconds.
type Hist struct {
	counts [numBuckets]uint64
	n      uint64
	sum    float64 // ns, for the mean
	max    int64
}

// bucketOf is the index of value v (ns).
func bucketOf(v int64) int {
	if v < 0 {
		v = 0
	}
	if v < subBuckets {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - subBits - 1 // v>>shift is in [64, 128)
	if shift >= maxExp {
		return numBuckets - 1
	}
	return (shift+1)*subBuckets + int(v>>uint(shift)) - subBuckets
}

// bucketRange is the half-open range [lo, hi) of values bucket i holds.
func bucketRange(i int) (lo, hi int64) {
	if i < subBuckets {
		return int64(i), int64(i) + 1
	}
	shift := i/subBuckets - 1
	m := int64(i%subBuckets + subBuckets)
	return m << uint(shift), (m + 1) << uint(shift)
}

// Record adds one latency.
func (h *Hist) Record(d time.Duration) {
	v := int64(d)
	h.counts[bucketOf(v)]++
	h.n++
	h.sum += float64(v)
	if v > h.max {
		h.max = v
	}
}

// Merge adds o's counts to h.
func (h *Hist) Merge(o *Hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// Count is how many latencies were recorded.
func (h *Hist) Count() uint64 { return h.n }

// Max is the largest latency recorded (exact, not bucketed).
func (h *Hist) Max() time.Duration { return time.Duration(h.max) }

// Mean is the average latency.
func (h *Hist) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.n))
}

// Quantile is the latency at or below which a share q (0..1) of the
// requests finished: the nearest-rank definition (the ceil(q·n)-th
// smallest value), reported as the middle of its bucket and never above
// the exact maximum. An empty histogram answers 0.
func (h *Hist) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			mid := lo + (hi-lo-1)/2
			if mid > h.max {
				mid = h.max
			}
			return time.Duration(mid)
		}
	}
	return time.Duration(h.max)
}

// Sparse is a histogram as stored in results.json: the non-empty buckets,
// plus the exact count, sum and maximum.
type Sparse struct {
	Buckets Buckets `json:"buckets"`
	Count   uint64  `json:"count"`
	SumNs   float64 `json:"sum_ns"`
	MaxNs   int64   `json:"max_ns"`
}

// Buckets are [index, count] pairs, in this file's bucket numbering. They
// are written as one string, "index:count index:count ...", so an indented
// results.json keeps a histogram on one line instead of four lines a
// bucket.
type Buckets [][2]uint64

// MarshalJSON writes the pairs as one string.
func (b Buckets) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 12*len(b))
	for i, p := range b {
		if i > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendUint(out, p[0], 10)
		out = append(out, ':')
		out = strconv.AppendUint(out, p[1], 10)
	}
	return json.Marshal(string(out))
}

// UnmarshalJSON reads what MarshalJSON writes.
func (b *Buckets) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("histogram buckets: %w", err)
	}
	*b = nil
	for _, f := range strings.Fields(s) {
		i, c, ok := strings.Cut(f, ":")
		x, err1 := strconv.ParseUint(i, 10, 64)
		y, err2 := strconv.ParseUint(c, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("histogram buckets: bad pair %q", f)
		}
		*b = append(*b, [2]uint64{x, y})
	}
	return nil
}

// Sparse returns h in its stored form.
func (h *Hist) Sparse() Sparse {
	s := Sparse{Count: h.n, SumNs: h.sum, MaxNs: h.max}
	for i, c := range h.counts {
		if c != 0 {
			s.Buckets = append(s.Buckets, [2]uint64{uint64(i), c})
		}
	}
	return s
}

// FromSparse rebuilds a histogram from its stored form; out-of-range
// indexes (a file written by a different numbering) are clamped.
func FromSparse(s Sparse) *Hist {
	h := &Hist{n: s.Count, sum: s.SumNs, max: s.MaxNs}
	for _, b := range s.Buckets {
		i := int(min(b[0], numBuckets-1))
		h.counts[i] += b[1]
	}
	return h
}
