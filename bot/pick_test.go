package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A typed name opens a customer only when it means one of the customers
// the user may see, unambiguously; otherwise the candidates are offered
// or the bot says none matched (#14 item 3).
func TestChatPickNeverGuesses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		c.person("王经理", crm.RoleManager, east.ID)
		zw := c.person("张伟", crm.RoleRep, east.ID)
		ln := c.person("李娜", crm.RoleRep, east.ID)
		for _, x := range []struct {
			name  string
			owner crm.User
		}{{"北京青禾新锐科技有限公司", zw}, {"青禾物流有限公司", ln}} {
			if _, err := db.CreateCustomer(ctx, x.owner.ID, crm.Customer{Name: x.name, OwnerID: x.owner.ID}); err != nil {
				t.Fatal(err)
			}
		}

		// The case: a name that matches only after dropping a
		// part of it is offered, not opened.
		got := c.says("张伟", "/visit 东莞市青禾")
		refute(t, got, "这次沟通了什么")
		expect(t, got, "没有完全对上「东莞市青禾」")
		expect(t, c.presses("张伟", "北京青禾新锐"), "北京青禾新锐科技有限公司：这次沟通了什么")
		c.says("张伟", "/cancel")

		// The same at the prompt.
		c.says("张伟", "/visit")
		got = c.says("张伟", "东莞市青禾")
		refute(t, got, "这次沟通了什么")
		expect(t, got, "没有完全对上「东莞市青禾」")
		expect(t, c.presses("张伟", "北京青禾新锐"), "这次沟通了什么")
		c.says("张伟", "/cancel")

		// Another region is another company, even with the same key.
		refute(t, c.says("张伟", "/visit 上海青禾新锐科技"), "这次沟通了什么")
		c.says("张伟", "/cancel")

		// Unambiguous among what 张伟 may see (李娜's 青禾物流 is not):
		// opened at once; so is the company named exactly another way.
		expect(t, c.says("张伟", "/visit 青禾"), "北京青禾新锐科技有限公司：这次沟通了什么")
		c.says("张伟", "/cancel")
		expect(t, c.says("张伟", "/visit 青禾新锐科技（北京）有限公司"), "北京青禾新锐科技有限公司：这次沟通了什么")
		c.says("张伟", "/cancel")

		// The manager sees both: asked which.
		got = c.says("王经理", "/visit 青禾")
		refute(t, got, "这次沟通了什么")
		expect(t, got, "找到多个客户")
		expect(t, c.presses("王经理", "青禾物流"), "青禾物流有限公司：这次沟通了什么")
		c.says("王经理", "/cancel")

		// Nothing: said so.
		expect(t, c.says("张伟", "/visit 火星科技"), "没找到「火星科技」")
		c.says("张伟", "/cancel")

		// Nothing, but a name close to one 张伟 may see (禾 typed as 和):
		// the closest are offered, never someone else's.
		got = c.says("张伟", "/visit 青和新锐")
		expect(t, got, "没找到「青和新锐」。是下面这些中的一个吗？")
		offered := strings.Join(labels(c.buttons["张伟"]), "|")
		expect(t, offered, "北京青禾新锐科技有限公司")
		refute(t, offered, "青禾物流")
		// Picked: the typed name is not taken for what happened.
		expect(t, c.presses("张伟", "北京青禾新锐"), "北京青禾新锐科技有限公司：这次沟通了什么")
		c.says("张伟", "/cancel")

		// The card is never a guess either.
		got = c.says("张伟", "/customer 东莞市青禾")
		expect(t, got, "北京青禾新锐科技有限公司")
		refute(t, got, "负责人") // a list, not the card
		var n int
		db.SQL().Get(&n, `SELECT COUNT(*) FROM activities`)
		if n != 0 {
			t.Fatalf("%d activities logged by picking", n)
		}
	})
}
