package bot_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Small slips on the card and the 撞单 answer (#14 item 14): a card with
// money received and nothing due says only what was received, not
// "已回款 ¥30,000，待回款：" with nothing after it; a claim on a company its
// owner contacted today does not say "最近跟进在 今天".
func TestChatSmallSlipsCardAndClaim(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		zw := c.person("张伟", crm.RoleRep, east.ID)
		c.person("王磊", crm.RoleRep, east.ID)
		if _, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID}); err != nil {
			t.Fatal(err)
		}
		c.says("张伟", "/visit 青禾")
		c.says("张伟", "拜访王总，签了首付")
		c.says("张伟", "-")
		expect(t, c.receives("张伟", "青禾", "3万"), "¥30,000")

		card := c.says("张伟", "/customer 青禾")
		expect(t, card, "已回款 ¥30,000")
		refute(t, card, "待回款")

		c.says("张伟", "/pay 青禾")
		c.presses("张伟", "回款计划")
		c.says("张伟", "5万")
		c.says("张伟", "12月20日")
		c.says("张伟", "-")
		c.presses("张伟", "保存")
		card = c.says("张伟", "/customer 青禾")
		expect(t, card, "已回款 ¥30,000，待回款：\n· 12月20日 到期 ¥50,000")

		claim := c.says("王磊", "/new 北京青禾新锐科技有限公司")
		expect(t, claim, "张伟", "最近一次跟进：今天")
		refute(t, claim, "在 今天")

		c.says("张伟", "/lang en")
		card = c.says("张伟", "/customer 青禾")
		expect(t, card, "Received ¥30,000; due:\n· due 20 Dec: ¥50,000")
	})
}
