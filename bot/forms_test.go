package bot_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A form with answers is never dropped without a word: the same or
// another form command asks 继续刚才的 / 重新开始 (#14 item 9).
func TestChatFormsDontVanish(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		zw := c.person("张伟", crm.RoleRep, 0)
		cust, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})
		if err != nil {
			t.Fatal(err)
		}
		plans := func() int {
			ps, _ := db.PaymentPlans(ctx, cust.ID)
			return len(ps)
		}
		c.says("张伟", "/pay 青禾")
		c.presses("张伟", "回款计划")
		c.says("张伟", "10万")
		c.says("张伟", "12-15")
		expect(t, c.says("张伟", "-"), "请确认", "¥100,000")
		// The case: the same command at the unsaved card.
		expect(t, c.says("张伟", "/pay 青禾"), "「回款：青禾新锐科技」还没保存", "继续刚才的", "重新开始")
		expect(t, c.presses("张伟", "继续刚才的"), "请确认", "¥100,000")
		expect(t, c.presses("张伟", "保存"), "12月15日")
		if n := plans(); n != 1 {
			t.Fatalf("%d plans", n)
		}
		// Another form command: start over when asked to; nothing saved.
		c.says("张伟", "/pay 青禾")
		c.presses("张伟", "回款计划")
		c.says("张伟", "20万")
		expect(t, c.says("张伟", "/visit 青禾"), "还没保存")
		expect(t, c.presses("张伟", "重新开始"), "这次沟通了什么")
		c.says("张伟", "/cancel")
		if n := plans(); n != 1 {
			t.Fatalf("%d plans after starting over", n)
		}
	})
}
