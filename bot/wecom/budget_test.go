package wecom_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Two instances on one WeCom application share a member's 30 messages a
// minute through the database (#19 item 2): pushes from both, alternating,
// stop at 30 — WeCom would drop the 31st without an error — and the rest
// are told when to try again.
func TestTwoInstancesShareAMembersMinute(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, func(c *wecom.Config) { c.Budget = db })
		h.member("zhangsan", "张三", crm.RoleRep)
		other, err := wecom.New(h.cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close(context.Background())
		ctx := context.Background()
		sent, held := 0, 0
		for i := range 40 {
			ch := h.ch
			if i%2 == 1 {
				ch = other
			}
			err := ch.Send(ctx, "zhangsan", crm.Message{Text: fmt.Sprint("push ", i)})
			var ra *crm.RetryAfterError
			switch {
			case err == nil:
				sent++
			case errors.As(err, &ra) && ra.After > 0 && ra.After <= time.Minute:
				held++
			default:
				t.Fatalf("push %d: %v", i, err)
			}
			h.clock.Advance(100 * time.Millisecond)
		}
		if sent != wecom.MemberPerMinute || held != 10 {
			t.Fatalf("sent %d, held %d; want %d and 10", sent, held, wecom.MemberPerMinute)
		}
		if n := len(h.fake.Calls("message/send")); n != wecom.MemberPerMinute {
			t.Fatalf("WeCom got %d messages for one member in a minute", n)
		}
		h.clock.Advance(time.Minute)
		if err := other.Send(ctx, "zhangsan", crm.Message{Text: "a minute later"}); err != nil {
			t.Fatal(err)
		}
	})
}
