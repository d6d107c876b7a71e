package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Credit follows the person (#14 item 2): after a handover 张伟 → 李娜,
// 张伟's morning — the customers he created, his visit, the payment he
// recorded — stays his in reports, targets and rankings; 李娜's numbers
// are her own work only.
func TestChatCreditFollowsThePersonAfterHandover(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.now = time.Date(2026, 12, 1, 9, 0, 0, 0, c.loc)
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		mgr := c.person("王经理", crm.RoleManager, east.ID)
		zw := c.person("张伟", crm.RoleRep, east.ID)
		ln := c.person("李娜", crm.RoleRep, east.ID)
		var ids []int64
		for _, name := range []string{"北京青禾新锐科技有限公司", "上海立美贸易有限公司"} {
			cust, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: name, OwnerID: zw.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, cust.ID)
		}
		c.says("张伟", "/visit 青禾")
		c.says("张伟", "拜访王总，签了首付")
		c.says("张伟", "-")
		expect(t, c.receives("张伟", "青禾", "3万"), "¥30,000")
		for _, who := range []crm.User{zw, ln} {
			if _, err := db.SetTarget(ctx, mgr.ID, crm.Target{Metric: crm.MetricPayments, Period: crm.PeriodMonth, PeriodStart: "2026-12-01",
				Unit: crm.UnitUser, UnitID: who.ID, Value: int64(crm.Yuan(100000))}); err != nil {
				t.Fatal(err)
			}
		}

		// The afternoon: 张伟's customers go to 李娜.
		c.now = c.now.Add(5 * time.Hour)
		if _, err := db.Handover(ctx, mgr.ID, zw.ID, ln.ID, ids, c.now); err != nil {
			t.Fatal(err)
		}
		expect(t, c.says("李娜", "/my"), "北京青禾新锐科技有限公司") // ownership moved

		got := c.says("李娜", "/report")
		expect(t, got, "新增客户 0", "跟进 0", "回款 ¥0")
		refute(t, got, "¥30,000", "青禾")
		c.says("李娜", "/cancel")
		got = c.says("张伟", "/report")
		expect(t, got, "新增客户 2", "跟进 1", "回款 ¥30,000")
		c.says("张伟", "/cancel")
		expect(t, c.says("李娜", "/target"), "本月回款 0%")
		expect(t, c.says("张伟", "/target"), "本月回款 30%")
		got = c.says("王经理", "/stats ranking")
		expect(t, got, "张伟")
		refute(t, got, "李娜 ¥30,000")

		// Imported customers are not new unless their row says when they
		// came: one dated this month, one undated.
		c.person("老板", crm.RoleAdmin, 0)
		doc := &bot.Document{Name: "list.csv", Fetch: func(context.Context) ([]byte, error) {
			return []byte("公司名称,负责人,创建日期\n杭州明远机械有限公司,李娜,2026-12-01\n成都蜀香餐饮管理有限公司,李娜,\n"), nil
		}}
		expect(t, c.handle("老板", bot.Update{Channel: "telegram", ChatID: "老板", UserID: "老板", Document: doc}), "导入 2")
		got = c.says("李娜", "/report")
		expect(t, got, "新增客户 1", "明远机械")
		refute(t, got, "蜀香餐饮")
	})
}
