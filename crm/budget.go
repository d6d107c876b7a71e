package crm

import (
	"context"
	"sort"
	"time"
)

// SendBudget shares a platform's send allowance among every instance on a
// bot token or app (SPEC "Sending budget"): a sliding window of the sends
// reserved in a scope, kept in the database. The store guards; the rule
// of which slot to try next is NextSlot.
type SendBudget interface {
	// TakeSlot reserves a send at t in scope when fewer than n sends are
	// reserved in (t-w, t+w) (so no window of length w holds more than n);
	// otherwise taken is false and near holds the reserved times around t,
	// oldest first, for NextSlot. Slots two windows before the earlier of t
	// and now are forgotten.
	TakeSlot(ctx context.Context, scope string, t time.Time, n int, w time.Duration) (taken bool, near []time.Time, err error)
}

// NextSlot is the earliest time at or after t at which a send fits a
// window of n per w, given the reserved times near it: t itself, or just
// after a reserved time ends its window.
func NextSlot(near []time.Time, n int, w time.Duration, t time.Time) time.Time {
	sort.Slice(near, func(i, j int) bool { return near[i].Before(near[j]) })
	fits := func(c time.Time) bool {
		k := 0
		for _, s := range near {
			if s.After(c.Add(-w)) && s.Before(c.Add(w)) {
				k++
			}
		}
		return k < n
	}
	if fits(t) {
		return t
	}
	for _, s := range near {
		if c := s.Add(w); !c.Before(t) && fits(c) {
			return c
		}
	}
	if len(near) > 0 {
		return later(t, near[len(near)-1].Add(w))
	}
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
