package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// The stage form keeps what is there: the list of stages does not
// renumber between opening a deal and moving it, the status note can be
// kept, a signed contract asks for its amount and signing date, and the
// customer card shows the note (#14 item 10).
func TestChatStageFormKeepsWhatIsThere(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		zw := c.person("张伟", crm.RoleRep, 0)
		if _, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID}); err != nil {
			t.Fatal(err)
		}
		stages := func() []string {
			var out []string
			for _, b := range c.buttons["张伟"] {
				out = append(out, b.Text)
			}
			return out
		}

		expect(t, c.says("张伟", "/stage 青禾"), "到了哪个阶段")
		opened := stages()
		expect(t, c.presses("张伟", "方案制定"), "成交概率")
		c.says("张伟", "60")
		c.says("张伟", "5万")
		c.says("张伟", "-")
		expect(t, c.says("张伟", "等预算审批"), "请确认", "等预算审批")
		c.presses("张伟", "保存")

		// The card shows the deal's note.
		expect(t, c.says("张伟", "/customer 青禾"), "方案制定 60%", "等预算审批")

		// Moving it: the same stages in the same places, the current one marked.
		expect(t, c.says("张伟", "/stage 青禾"), "推进哪一个")
		expect(t, c.presses("张伟", "方案制定 60%"), "现在是「方案制定」")
		moving := stages()
		if len(moving) != len(opened) || moving[2] != "方案制定（当前）" {
			t.Fatalf("stages renumbered: opened %v, moving %v", opened, moving)
		}
		for i := range opened {
			if i != 2 && moving[i] != opened[i] {
				t.Fatalf("stages renumbered: opened %v, moving %v", opened, moving)
			}
		}
		expect(t, c.presses("张伟", "商务谈判"), "成交概率")
		c.says("张伟", "80")
		c.presses("张伟", "保持")                                  // the amount
		expect(t, c.says("张伟", "-"), "状态说明", "等预算审批", "保留原说明") // no close date
		expect(t, c.presses("张伟", "保留原说明"), "请确认", "商务谈判", "等预算审批")
		c.presses("张伟", "保存")
		deals, _ := db.Deals(ctx, 1)
		if len(deals) != 1 || deals[0].Note != "等预算审批" || deals[0].Stage != crm.StageNegotiation {
			t.Fatalf("deal %+v", deals)
		}

		// Signing: the contract amount and the signing date.
		c.says("张伟", "/stage 青禾")
		c.presses("张伟", "商务谈判 80%")
		expect(t, c.presses("张伟", "合同签订"), "合同金额")
		expect(t, c.says("张伟", "4.8万"), "签约日期", "今天")
		got := c.presses("张伟", "今天")
		expect(t, got, "状态说明")
		expect(t, c.presses("张伟", "保留原说明"), "¥48,000", "11月29日（周日）签约")
		c.presses("张伟", "保存")
		deals, _ = db.Deals(ctx, 1)
		if len(deals) != 1 || deals[0].Stage != crm.StageContract || deals[0].Amount != crm.Yuan(48000) || deals[0].CloseDate != "2026-11-29" {
			t.Fatalf("won deal %+v", deals)
		}
		expect(t, c.says("张伟", "/customer 青禾"), "11月29日签约")
		if !slices.Contains(opened, "输单") {
			t.Fatalf("stages %v", opened)
		}
	})
}
