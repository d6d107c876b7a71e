package bot_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// newName starts /new with a name and returns the reply.
func (c *chat) newName(who, name string) string {
	c.t.Helper()
	c.says(who, "/cancel")
	c.says(who, "/new")
	return c.says(who, name)
}

// A rep is asked to confirm a name a person would mistake for a customer's
// (a homophone slip, the traditional spelling) and only such a name.
func TestChatSimilarNamesAPersonWouldConfuse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张三", "李四")
		a := c.users["张三"]
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID})
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "武汉华盛汇智信息技术有限公司", OwnerID: a.ID})

		// 禾 → 和: the same sound (he), one character of a four-character trade name.
		expect(t, c.newName("李四", "北京青和新锐科技有限公司"), "相似", "北京青禾新锐科技有限公司")
		// The traditional spelling of a customer's name.
		expect(t, c.newName("李四", "武漢華盛匯智信息技術有限公司"), "相似", "武汉华盛汇智信息技术有限公司")
		expect(t, c.newName("李四", "北京青禾新銳科技有限公司"), "相似", "北京青禾新锐科技有限公司")
		// Sharing 青禾 is not sharing the trade name 青禾新锐.
		got := c.newName("李四", "东莞市青禾科技有限公司")
		expect(t, got, "行业")
		refute(t, got, "相似", "青禾新锐")
		// 凯 and 华 neither sound nor look alike.
		got = c.newName("李四", "深圳凯盛汇智信息技术有限公司")
		expect(t, got, "行业")
		refute(t, got, "相似", "华盛汇智")
		// The same trade name with another industry word still asks.
		expect(t, c.newName("李四", "青禾新锐软件有限公司"), "相似", "北京青禾新锐科技有限公司")
	})
}

// An import skips only what a person would confuse with a customer, and
// imports rows of one owner that are only similar to each other, listing
// them for review.
func TestChatImportSimilarNames(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		a := c.person("张三", crm.RoleRep, 0)
		c.person("李四", crm.RoleRep, 0)
		c.person("老板", crm.RoleAdmin, 0)
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "武汉华盛汇智科技有限公司", OwnerID: a.ID})
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID})
		file := "公司名称,负责人\n" +
			"深圳凯盛汇智科技有限公司,李四\n" + // row 2: not like 华盛汇智
			"上海恒通物流有限公司,李四\n" + // row 3
			"恒通物流（上海）科技有限公司,李四\n" + // row 4: like row 3, same owner: imported, listed
			"广州瑞丰机械有限公司,李四\n" + // row 5
			"瑞丰机械设备有限公司,张三\n" + // row 6: like row 5, another owner: skipped
			"青禾新锐软件有限公司,李四\n" // row 7: like a customer: skipped
		doc := &bot.Document{Name: "list.csv", Fetch: func(context.Context) ([]byte, error) { return []byte(file), nil }}
		got := c.handle("老板", bot.Update{Channel: "telegram", ChatID: "老板", UserID: "老板", Document: doc})
		expect(t, got, "6 行，导入 4，跳过 2", "6 瑞丰机械设备有限公司", "7 青禾新锐软件有限公司",
			"名称相近，已导入，请核对", "第 4 行 恒通物流（上海）科技有限公司 ≈ 第 3 行 上海恒通物流有限公司")
		refute(t, got, "2 深圳凯盛汇智科技有限公司：")
		for _, name := range []string{"凯盛汇智", "恒通物流（上海）", "上海恒通物流"} {
			if cs, _ := db.FindCustomers(ctx, crm.Scope{All: true}, name, 5, 0); len(cs) != 1 {
				t.Errorf("%s: %d customers", name, len(cs))
			}
		}
	})
}
