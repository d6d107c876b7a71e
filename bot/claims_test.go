package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// claimAlerts counts the queued duplicate-claim alerts by recipient (a
// user's name, or channel:chat for a group).
func (c *chat) claimAlerts() map[string]int {
	c.t.Helper()
	items, err := c.db.OutboxItems(context.Background(), crm.OutboxPending, 200)
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range items {
		if it.Kind != crm.PushDuplicateClaim {
			continue
		}
		to := it.Channel + ":" + it.ChatID
		for name, u := range c.users {
			if u.ID == it.UserID && it.UserID != 0 {
				to = name
			}
		}
		out[to]++
	}
	return out
}

// render renders a queued push for a person in their chat.
func (c *chat) render(it crm.OutboxItem, who string) string {
	c.t.Helper()
	return c.renderFor(who, it)
}

// team adds a department 华东销售部 with its manager and reps.
func (c *chat) team(manager string, reps ...string) (crm.Department, crm.User) {
	c.t.Helper()
	east, err := c.db.CreateDepartment(context.Background(), 0, "华东销售部", 0)
	if err != nil {
		c.t.Fatal(err)
	}
	mgr := c.person(manager, crm.RoleManager, east.ID)
	for _, r := range reps {
		c.person(r, crm.RoleRep, east.ID)
	}
	return east, mgr
}

func (c *chat) pending(kind string) []crm.OutboxItem {
	c.t.Helper()
	items, err := c.db.OutboxItems(context.Background(), crm.OutboxPending, 200)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []crm.OutboxItem
	for _, it := range items {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// Ten retries of a refused claim alert the owner's manager and the team's
// group once; the next day's retry alerts once more.
func TestChatClaimAlertOncePerDay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, mgr := c.team("陈建国", "李娜", "王磊")
		owner := c.users["李娜"]
		db.RegisterGroup(ctx, mgr.ID, crm.Group{Channel: "telegram", ChatID: "-100", DeptID: east.ID})
		db.CreateCustomer(ctx, owner.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: owner.ID})

		for i := range 10 {
			c.says("王磊", "/cancel")
			c.says("王磊", "/new")
			name := "北京青禾新锐科技有限公司"
			if i%2 == 1 {
				name = "青禾新锐科技（北京）有限公司"
			}
			expect(t, c.says("王磊", name), "李娜", "认领")
			c.now = c.now.Add(10 * time.Minute)
		}
		got := c.claimAlerts()
		if got["陈建国"] != 1 || got["telegram:-100"] != 1 || len(got) != 2 {
			t.Fatalf("alerts after ten retries in a day: %v, want one to 陈建国 and one to the group", got)
		}
		// The refused claims are all on record, but the digest tells of one.
		dg := crm.OutboxItem{Kind: crm.PushDigest, UserID: mgr.ID, Payload: `{"date":"2026-11-29"}`}
		expect(t, c.render(dg, "陈建国"), "撞单 1 起", "王磊 → ")

		// The next day, one retry: one more alert each.
		c.now = c.now.AddDate(0, 0, 1)
		c.says("王磊", "/cancel")
		c.says("王磊", "/new")
		expect(t, c.says("王磊", "北京青禾新锐科技有限公司"), "李娜")
		c.says("王磊", "/cancel")
		c.says("王磊", "/new")
		c.says("王磊", "北京青禾新锐科技有限公司")
		got = c.claimAlerts()
		if got["陈建国"] != 2 || got["telegram:-100"] != 2 || len(got) != 2 {
			t.Fatalf("alerts after the next day's retries: %v, want two each", got)
		}
	})
}

// An alert queued before a handover, rendered after it, names the owner at
// the time it is sent; so do the manager's digest and the transfer card.
func TestChatClaimAlertNamesOwnerAtSend(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		_, mgr := c.team("陈建国", "张伟", "李娜", "王磊")
		oldOwner, newOwner := c.users["张伟"], c.users["李娜"]
		db.CreateCustomer(ctx, oldOwner.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: oldOwner.ID})

		c.says("王磊", "/new")
		expect(t, c.says("王磊", "北京青禾新锐科技有限公司"), "张伟")
		expect(t, c.presses("王磊", "申请转给我"), "申请转给你")
		alerts, cards := c.pending(crm.PushDuplicateClaim), c.pending(crm.PushTransferRequest)
		if len(alerts) != 1 || len(cards) != 1 {
			t.Fatalf("queued: %d alerts, %d transfer cards", len(alerts), len(cards))
		}
		// Before the outbox sends them, 张伟's customers go to 李娜.
		if _, err := db.Handover(ctx, mgr.ID, oldOwner.ID, newOwner.ID, nil, c.now); err != nil {
			t.Fatal(err)
		}
		alert := c.render(alerts[0], "陈建国")
		expect(t, alert, "撞单提醒", "王磊", "归属 李娜")
		refute(t, alert, "张伟")
		// The handover voided the request (#14 item 12c): the manager's
		// card asks nothing any more, and 王磊 is told, naming 李娜.
		if card := c.render(cards[0], "陈建国"); card != "" {
			t.Fatalf("a void request's card still asks: %q", card)
		}
		told := c.pending(crm.PushTransferDecided)
		if len(told) != 1 {
			t.Fatalf("notices of the void request: %d", len(told))
		}
		notice := c.render(told[0], "王磊")
		expect(t, notice, "作废", "李娜")
		dg := crm.OutboxItem{Kind: crm.PushDigest, UserID: mgr.ID, Payload: `{"date":"2026-11-29"}`}
		var claimLine string
		for _, l := range strings.Split(c.render(dg, "陈建国"), "\n") {
			if strings.Contains(l, "撞单") {
				claimLine = l
			}
		}
		expect(t, claimLine, "撞单 1 起", "王磊", "归属李娜")
		refute(t, claimLine, "张伟")
	})
}
