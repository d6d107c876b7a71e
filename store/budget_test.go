package store_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// The shared send budget (#19 item 2): reservations from many senders at
// once — as from several instances — never put more than n in a window,
// and each sender finds a slot.
func TestTakeSlotSharesTheWindow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 12, 8, 8, 30, 0, 0, time.UTC)
		const n, senders, each = 5, 8, 4
		w := time.Second
		var mu sync.Mutex
		var got []time.Time
		var wg sync.WaitGroup
		for range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					at := t0
					for try := 0; ; try++ {
						taken, near, err := db.TakeSlot(ctx, "telegram:42", at, n, w)
						if err != nil {
							t.Error(err)
							return
						}
						if taken {
							break
						}
						if try > 100 {
							t.Error("no slot after 100 tries")
							return
						}
						at = crm.NextSlot(near, n, w, at)
					}
					mu.Lock()
					got = append(got, at)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(got) != senders*each {
			t.Fatalf("%d slots, want %d", len(got), senders*each)
		}
		sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
		for i := n; i < len(got); i++ {
			if d := got[i].Sub(got[i-n]); d < w {
				t.Fatalf("%d sends within %v: %v", n+1, d, got)
			}
		}
		// Another scope is another window.
		if taken, _, err := db.TakeSlot(ctx, "wecom:1000002", t0, n, w); err != nil || !taken {
			t.Fatalf("another scope: %v %v", taken, err)
		}
	})
}
