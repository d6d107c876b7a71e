package crm

import (
	"testing"
	"time"
)

func TestNextSlot(t *testing.T) {
	t0 := time.Date(2026, 12, 8, 8, 30, 0, 0, time.UTC)
	s := time.Second
	at := func(d ...time.Duration) []time.Time {
		var out []time.Time
		for _, x := range d {
			out = append(out, t0.Add(x))
		}
		return out
	}
	for _, c := range []struct {
		name string
		near []time.Time
		n    int
		want time.Time
	}{
		{"empty", nil, 1, t0},
		{"room left", at(0, 0), 3, t0},
		{"full: after the oldest's window", at(0, 0, 0), 3, t0.Add(s)},
		{"full, then full again a second later", at(0, 0, s, s), 2, t0.Add(2 * s)},
		{"a gap between reservations", at(-500*time.Millisecond, 2*s), 1, t0.Add(500 * time.Millisecond)},
		{"unsorted", at(s, 0, 0), 2, t0.Add(s)},
	} {
		if got := NextSlot(c.near, c.n, s, t0); !got.Equal(c.want) {
			t.Errorf("%s: NextSlot = +%v, want +%v", c.name, got.Sub(t0), c.want.Sub(t0))
		}
	}
}
