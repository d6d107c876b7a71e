package bot

import (
	"sync"
	"time"
)

// LatencyBuckets are the upper bounds (seconds) of the update-latency
// histogram.
var LatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// Histogram counts durations into LatencyBuckets (cumulative on read).
type Histogram struct {
	mu     sync.Mutex
	counts []uint64 // per bucket, plus one for +Inf
	sum    float64
	n      uint64
}

func (h *Histogram) observe(d time.Duration) {
	s := d.Seconds()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.counts == nil {
		h.counts = make([]uint64, len(LatencyBuckets)+1)
	}
	i := len(LatencyBuckets)
	for j, b := range LatencyBuckets {
		if s <= b {
			i = j
			break
		}
	}
	h.counts[i]++
	h.sum += s
	h.n++
}

// Snapshot returns cumulative bucket counts (the last is +Inf), the sum of
// seconds and the count.
func (h *Histogram) Snapshot() (cumulative []uint64, sum float64, count uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cumulative = make([]uint64, len(LatencyBuckets)+1)
	var acc uint64
	for i := range cumulative {
		if h.counts != nil {
			acc += h.counts[i]
		}
		cumulative[i] = acc
	}
	return cumulative, h.sum, h.n
}

// Latency is the histogram of update handling times.
func (b *Bot) Latency() *Histogram { return &b.latency }
