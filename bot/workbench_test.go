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

// Workbench counts the truth (#14 item 7): seven quiet customers are
// seven, not the length of the list shown; marking one contacted makes
// six; each listed customer has its own buttons.
func TestChatWorkbenchCountsTheTruth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张伟")
		zw := c.users["张伟"]
		names := []string{"北京青禾新锐科技有限公司", "上海立美贸易有限公司", "杭州明远机械有限公司", "成都蜀香餐饮管理有限公司",
			"广州华盛汇智信息技术有限公司", "深圳凯盛电子有限公司", "武汉长江物流有限公司"}
		for i, n := range names { // the first is the quietest: 30 days, then 29 …
			if _, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: n, OwnerID: zw.ID, CreatedAt: c.now.AddDate(0, 0, -30+i)}); err != nil {
				t.Fatal(err)
			}
		}
		got := c.says("张伟", "/today")
		expect(t, got, "超过14天未联系 7 家", "青禾新锐科技（30天）", "立美贸易（29天）", "明远机械（28天）")
		refute(t, got, "长江物流")
		bs := labels(c.buttons["张伟"])
		for _, want := range []string{"记拜访：青禾新锐", "已联系：青禾新锐", "推迟1天：青禾新锐", "记拜访：立美贸易", "已联系：立美贸易", "推迟1天：立美贸易", "已联系：明远机械"} {
			found := false
			for _, b := range bs {
				found = found || strings.HasPrefix(b, want)
			}
			if !found {
				t.Fatalf("no button %q in %v", want, bs)
			}
		}
		// The second one's own button marks the second one.
		onScreen := c.buttons["张伟"]
		expect(t, c.presses("张伟", "已联系：立美贸易"), "已记下联系了「上海立美贸易有限公司」")
		// The third one's button still works on the same workbench.
		c.buttons["张伟"] = onScreen
		expect(t, c.presses("张伟", "推迟1天：明远机械"), "杭州明远机械有限公司")
		got = c.says("张伟", "/today")
		expect(t, got, "超过14天未联系 5 家", "青禾新锐科技（30天）", "蜀香餐饮管理（27天）", "华盛汇智信息技术（26天）")
		refute(t, got, "立美贸易", "明远机械（") // snoozed off the quiet list (the pool's warning still names it)
		expect(t, c.presses("张伟", "记拜访：蜀香餐饮"), "成都蜀香餐饮管理有限公司", "这次沟通了什么")
		c.says("张伟", "/cancel")

		// The morning push and the quiet-customers push say the same.
		wb := crm.OutboxItem{Kind: crm.PushWorkbench, UserID: zw.ID, Payload: `{"date":"2026-11-29"}`}
		got = c.renderFor("张伟", wb)
		expect(t, got, "早上好", "超过14天未联系 5 家", "青禾新锐科技（30天）")
		expect(t, c.presses("张伟", "已联系：华盛汇智"), "已记下联系了「广州华盛汇智信息技术有限公司」")
		st := crm.OutboxItem{Kind: crm.PushStale, UserID: zw.ID, Payload: `{"date":"2026-11-29"}`}
		got = c.renderFor("张伟", st)
		expect(t, got, "4 家", "青禾新锐科技（30天）", "蜀香餐饮管理（27天）", "凯盛电子（25天）")
		expect(t, c.presses("张伟", "记拜访：凯盛电子"), "深圳凯盛电子有限公司", "这次沟通了什么")
		c.says("张伟", "/cancel")
		c.now = c.now.Add(time.Hour)
		expect(t, c.says("张伟", "/today"), "超过14天未联系 4 家")
	})
}
