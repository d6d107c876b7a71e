package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// An accepted update stays claimable until it is finished: a process that
// stopped after acknowledging it leaves it to the next one, once.
func TestInboundKeptUntilAnswered(t *testing.T) {
	ctx := context.Background()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		for i, key := range []string{"1", "2", "3"} {
			fresh, err := db.AcceptInbound(ctx, "telegram", key, []byte(`{"update_id":`+key+`,"text":"'; DROP TABLE inbound; --"}`), t0.Add(time.Duration(i)*time.Second))
			if err != nil || !fresh {
				t.Fatalf("accept %s: %v %v", key, fresh, err)
			}
		}
		// Redelivered, by either way in: not new.
		if again, err := db.AcceptInbound(ctx, "telegram", "2", []byte("{}"), t0); err != nil || again {
			t.Fatalf("redelivered: %v %v", again, err)
		}
		if again, _ := db.ClaimInbound(ctx, "telegram", "3", t0); again {
			t.Fatal("ClaimInbound took an accepted key")
		}
		if err := db.FinishInbound(ctx, "telegram", "1"); err != nil {
			t.Fatal(err)
		}
		// Inside the lease nothing is stale.
		if got, err := db.ClaimStaleInbound(ctx, "telegram", t0.Add(30*time.Second), time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("inside the lease: %+v %v", got, err)
		}
		// After it: 2 and 3, oldest first, with their payloads; 1 was answered;
		// the other channel's are not ours.
		db.AcceptInbound(ctx, "wecom", "2", []byte("<xml/>"), t0)
		got, err := db.ClaimStaleInbound(ctx, "telegram", t0.Add(2*time.Minute), time.Minute, 10)
		if err != nil || len(got) != 2 || got[0].Key != "2" || got[1].Key != "3" ||
			string(got[1].Payload) != `{"update_id":3,"text":"'; DROP TABLE inbound; --"}` {
			t.Fatalf("stale: %+v %v", got, err)
		}
		// Claimed anew: not taken again inside the new lease.
		if again, _ := db.ClaimStaleInbound(ctx, "telegram", t0.Add(150*time.Second), time.Minute, 10); len(again) != 0 {
			t.Fatalf("taken twice: %+v", again)
		}
		db.FinishInbound(ctx, "telegram", "2")
		db.FinishInbound(ctx, "telegram", "3")
		if left, _ := db.ClaimStaleInbound(ctx, "telegram", t0.Add(time.Hour), time.Minute, 10); len(left) != 0 {
			t.Fatalf("finished updates claimed: %+v", left)
		}
	})
}

// Instances taking over stale updates at the same moment each take
// different ones.
func TestInboundStaleClaimedOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		for i := range 200 {
			if _, err := db.AcceptInbound(ctx, "wecom", "k"+string(rune('a'+i%26))+time.Duration(i).String(), []byte("<xml/>"), t0); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					got, err := db.ClaimStaleInbound(ctx, "wecom", t0.Add(time.Hour), time.Minute, 7)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, u := range got {
						seen[u.Key]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 200 {
			t.Fatalf("%d of 200 taken over", len(seen))
		}
		for k, n := range seen {
			if n != 1 {
				t.Fatalf("%s taken %d times", k, n)
			}
		}
	})
}

var _ crm.Store = (*store.DB)(nil)
