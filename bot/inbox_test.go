package bot

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// An update whose replies keep failing is taken over again once a lease
// has passed, with the replies kept when it was handled (so it is not
// handled again), and given up after MaxInboxTakeovers.
func TestInboxRetriesThenGivesUp(t *testing.T) {
	ctx := context.Background()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		x := &Inbox{Store: db, Channel: "telegram", Lease: time.Minute, Now: func() time.Time { return now }}
		if fresh, err := x.Accept(ctx, "7", []byte(`{"update_id":7}`)); err != nil || !fresh {
			t.Fatalf("accept: %v %v", fresh, err)
		}
		x.Handled("7", []byte(`{"replies":["hi"]}`))
		x.Retry("7") // the reply could not be sent

		var seen []crm.InboundUpdate
		take := func(u crm.InboundUpdate) bool {
			seen = append(seen, u)
			x.Retry(u.Key) // and again it could not be sent
			return true
		}
		x.recoverOnce(ctx, take)
		if len(seen) != 0 {
			t.Fatalf("taken inside the lease: %+v", seen)
		}
		for i := 1; i <= MaxInboxTakeovers+1; i++ {
			now = now.Add(61 * time.Second)
			x.recoverOnce(ctx, take)
		}
		if len(seen) != MaxInboxTakeovers {
			t.Fatalf("taken over %d times, want %d", len(seen), MaxInboxTakeovers)
		}
		for i, u := range seen {
			if u.Takeovers != i+1 || string(u.Replies) != `{"replies":["hi"]}` || string(u.Payload) != `{"update_id":7}` {
				t.Fatalf("takeover %d: %+v", i+1, u)
			}
		}
		// Given up: finished, never taken again.
		now = now.Add(time.Hour)
		x.recoverOnce(ctx, take)
		if left, err := db.ClaimStaleInbound(ctx, "telegram", now, time.Minute, 10); err != nil || len(left) != 0 || len(seen) != MaxInboxTakeovers {
			t.Fatalf("after giving up: %+v %v (%d takeovers)", left, err, len(seen))
		}
	})
}
