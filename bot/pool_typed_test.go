package bot_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"

	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A release reason can be typed at the card's [放入公海] as well as
// pressed: it was taken for a new sentence ("没找到「不再」").
func TestChatPoolReleaseReasonTyped(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		c.team("王经理", "张三")
		cu := c.poolCustomer("张三", "北京青禾新锐科技有限公司", c.now.AddDate(0, 0, -10))
		expect(t, c.says("张三", "/customer 青禾"), "北京青禾新锐科技有限公司")
		expect(t, c.presses("张三", "放入公海"), "选一个原因，或直接输入原因")
		expect(t, c.says("张三", "客户已经转行不做了"), "已把「北京青禾新锐科技有限公司」放入公海")
		if c.poolOwner(cu.ID) != 0 {
			t.Fatal("not in the pool")
		}
		expect(t, c.says("张三", "/pool 青禾"), "客户已经转行不做了")
	})
}

// A member who left with customers (#17 item 5, the deactivation path):
// the manager's card offers the handover and the whole book to the pool.
func TestChatMemberLeftCardOffersThePool(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		c.team("王经理", "张三")
		zs := c.users["张三"]
		cu := c.poolCustomer("张三", "北京青禾新锐科技有限公司", c.now.AddDate(0, 0, -10))
		card := crm.NewPush("left:1", crm.PushMemberLeft, c.users["王经理"].ID, crm.MemberLeftPush{UserID: zs.ID, Customers: 1})
		expect(t, c.renderFor("王经理", card), "张三")
		expect(t, strings.Join(labels(c.buttons["王经理"]), "|"), "交接 张三 的客户", "全部放入公海")
		expect(t, c.presses("王经理", "全部放入公海"), "已把 1 个客户从 张三 名下放入公海")
		if c.poolOwner(cu.ID) != 0 {
			t.Fatal("not in the pool")
		}
	})
}
