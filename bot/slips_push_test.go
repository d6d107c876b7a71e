package bot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Small slips (#14 item 14, part): an appointment reminder says the real
// time left, not always "30 minutes"; a deal whose expected close date has
// passed is flagged on the customer card and the workbench.
func TestChatSmallSlipsAppointmentAndOverdue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张伟")
		zw := c.users["张伟"]
		cust, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})
		if err != nil {
			t.Fatal(err)
		}
		other, _ := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "上海立美贸易有限公司", OwnerID: zw.ID})

		// 09:26, an appointment at 09:46.
		c.now = time.Date(2026, 11, 30, 9, 26, 0, 0, c.loc)
		a, err := db.AddAppointment(ctx, zw.ID, crm.Appointment{CustomerID: cust.ID, UserID: zw.ID, At: c.now.Add(20 * time.Minute), Place: "公司", Purpose: "演示"})
		if err != nil {
			t.Fatal(err)
		}
		push := crm.OutboxItem{Kind: crm.PushAppointment, UserID: zw.ID, Payload: fmt.Sprintf(`{"appointment_id":%d}`, a.ID)}
		got := c.renderFor("张伟", push)
		expect(t, got, "20分钟后有约", "09:46", "青禾新锐")
		refute(t, got, "30分钟")
		c.now = c.now.Add(19*time.Minute + 40*time.Second)
		got = c.renderFor("张伟", push)
		expect(t, got, "马上", "09:46")
		refute(t, got, "分钟后")

		// A deal due to close on 20 November, still open on the 30th; one
		// due next month; a won one signed on the 20th.
		for _, d := range []crm.Deal{
			{CustomerID: cust.ID, OwnerID: zw.ID, Stage: crm.StageNegotiation, WinPct: 80, Amount: crm.Yuan(500000), CloseDate: "2026-11-20"},
			{CustomerID: other.ID, OwnerID: zw.ID, Stage: crm.StageProposal, WinPct: 50, Amount: crm.Yuan(100000), CloseDate: "2026-12-20"},
			{CustomerID: other.ID, OwnerID: zw.ID, Stage: crm.StageContract, WinPct: 100, Amount: crm.Yuan(80000), CloseDate: "2026-11-20"},
		} {
			if _, err := db.SaveDeal(ctx, zw.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		expect(t, c.says("张伟", "/customer 青禾"), "预计 11月20日 成交（已过期）")
		got = c.says("张伟", "/customer 立美")
		expect(t, got, "12月20日")
		refute(t, got, "已过期")
		got = c.says("张伟", "/today")
		expect(t, got, "青禾新锐科技 商务谈判 80% ¥500,000（已过期：11月20日）")
		refute(t, got, "立美贸易 方案制定 50% ¥100,000（")

		// English says the same in English.
		c.says("张伟", "/lang en")
		c.now = time.Date(2026, 11, 30, 9, 26, 0, 0, c.loc)
		expect(t, c.renderFor("张伟", push), "In 20 minutes: 09:46")
		expect(t, c.says("张伟", "/customer 青禾"), "(overdue)")
		expect(t, c.says("张伟", "/today"), "(overdue, 20 Nov)")
	})
}
