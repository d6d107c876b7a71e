package telegram

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Two instances on one token share one send window through the database
// (#19 item 2): 2 × 40 pushes at once reserve slots that never put more
// than 25 pushes in a second, and every push is sent once.
func TestTwoInstancesShareTheSendBudget(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		fake := faketelegram.New(t)
		instant := func(ctx context.Context, d time.Duration) error { return ctx.Err() }
		var chans []*Channel
		for range 2 {
			ch, err := New(context.Background(), Config{Token: fake.Token, Endpoint: fake.URL, Logger: h0(), Now: time.Now, Sleep: instant, Budget: db})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ch.Close(context.Background()) })
			chans = append(chans, ch)
		}
		var wg sync.WaitGroup
		for i, ch := range chans {
			for j := range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := ch.Send(context.Background(), strconv.Itoa(10000+i*100+j), crm.Message{Text: "workbench"}); err != nil {
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
		if n := len(fake.Calls("sendMessage")); n != 80 {
			t.Fatalf("%d sendMessage calls, want 80", n)
		}
		var slots []time.Time
		if err := db.SQL().Select(&slots, `SELECT at FROM send_slots ORDER BY at`); err != nil {
			t.Fatal(err)
		}
		if len(slots) != 80 {
			t.Fatalf("%d slots reserved, want 80", len(slots))
		}
		sort.Slice(slots, func(i, j int) bool { return slots[i].Before(slots[j]) })
		for i := 25; i < len(slots); i++ {
			if d := slots[i].Sub(slots[i-25]); d < time.Second {
				t.Fatalf("26 pushes reserved within %v across the two instances", d)
			}
		}
	})
}
