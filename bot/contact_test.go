package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// shares sends a contact card, as a Telegram contact arrives.
func (c *chat) shares(who string, card crm.Card) string {
	c.t.Helper()
	return c.handle(who, bot.Update{Channel: "telegram", ChatID: who, UserID: who, Card: &card})
}

// Contact cards (#16 item 2): a shared card goes to the customer its
// company names, confirmed with a tap; without a company the rep's recent
// customers are offered; a company that is no customer of theirs starts
// /new with the card (the 撞单 check first); a card without a phone, or
// one already filed, is refused; nobody else's customers are offered.
func TestChatContactCard(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张伟", "李娜")
		zw, ln := c.users["张伟"], c.users["李娜"]
		db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})
		db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "上海立美贸易有限公司", OwnerID: zw.ID})
		db.CreateCustomer(ctx, ln.ID, crm.Customer{Name: "杭州明远机械有限公司", OwnerID: ln.ID})

		wang := crm.Card{Name: "王总", Phone: "+86 138 0013 8000", Org: "北京青禾新锐科技有限公司", Title: "总经理"}
		got := c.shares("张伟", wang)
		expect(t, got, "📇 把联系人 王总 +8613800138000（北京青禾新锐科技有限公司 · 总经理） 加到「北京青禾新锐科技有限公司」？")
		expect(t, c.presses("张伟", "保存"), "✓ 已把联系人 王总 +8613800138000 加到「北京青禾新锐科技有限公司」。")
		expect(t, c.says("张伟", "/customer 青禾"), "王总 总经理 +8613800138000")

		// The same card again: refused, nothing added.
		c.shares("张伟", wang)
		expect(t, c.presses("张伟", "保存"), "已经有这个电话的联系人：王总 +8613800138000")

		// No company on the card: the rep picks, among their own customers.
		got = c.shares("张伟", crm.Card{Name: "陈经理", Phone: "13912345678"})
		expect(t, got, "加到哪个客户？")
		offered := strings.Join(labels(c.buttons["张伟"]), "|")
		expect(t, offered, "上海立美贸易有限公司", "新建客户")
		refute(t, offered, "明远")
		expect(t, c.presses("张伟", "上海立美"), "把联系人 陈经理 13912345678 加到「上海立美贸易有限公司」？")
		c.presses("张伟", "换一个客户")
		c.presses("张伟", "北京青禾")
		expect(t, c.presses("张伟", "保存"), "加到「北京青禾新锐科技有限公司」")

		// A company that is someone else's customer: not offered; /new of it
		// meets the 撞单 check.
		got = c.shares("张伟", crm.Card{Name: "周工", Phone: "13700001111", Org: "杭州明远机械有限公司"})
		refute(t, strings.Join(labels(c.buttons["张伟"]), "|"), "明远")
		expect(t, c.presses("张伟", "新建客户"), "李娜")

		// A new company: /new starts with the card's company and contact.
		got = c.shares("张伟", crm.Card{Name: "刘总", Phone: "13600002222", Org: "成都蜀香餐饮管理有限公司"})
		got = c.presses("张伟", "新建客户")
		expect(t, got, "行业")
		c.says("张伟", "其他")
		c.says("张伟", "餐饮")
		c.says("张伟", "-")
		c.says("张伟", "-")
		c.says("张伟", "-")
		got = c.presses("张伟", "用名片：刘总 13600002222")
		expect(t, got, "成都蜀香餐饮管理有限公司", "刘总 13600002222")
		expect(t, c.presses("张伟", "保存"), "✓ 已保存「成都蜀香餐饮管理有限公司」")
		expect(t, c.says("张伟", "/customer 蜀香"), "刘总 13600002222")

		// No phone: nothing to add.
		expect(t, c.shares("张伟", crm.Card{Name: "赵总", Org: "北京青禾新锐科技有限公司"}), "这张名片没有电话号码")

		c.says("张伟", "/lang en")
		expect(t, c.shares("张伟", crm.Card{Name: "Mike Chen", Phone: "+1 415 555 0100", Org: "上海立美贸易有限公司"}),
			"📇 Add the contact Mike Chen +14155550100 (上海立美贸易有限公司) to 上海立美贸易有限公司?")
	})
}
