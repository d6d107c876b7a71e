package bot_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Target warnings that add up (#14 item 8): a department's target is the
// sum of its direct children — sub-departments and its own reps — so
// 上海一组's ¥690,000 and 李娜's ¥510,000 make 上海销售部's ¥1,200,000; a
// split by last period's share can be adjusted before it is saved.
func TestChatTargetWarningsAddUp(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		sh, _ := db.CreateDepartment(ctx, 0, "上海销售部", 0)
		g1, _ := db.CreateDepartment(ctx, 0, "上海一组", sh.ID)
		c.person("陈总", crm.RoleManager, sh.ID)
		ln := c.person("李娜", crm.RoleRep, sh.ID)
		zw := c.person("张伟", crm.RoleRep, g1.ID)
		wl := c.person("王磊", crm.RoleRep, g1.ID)
		// Last month 张伟 collected ¥20,000, 王磊 ¥10,000.
		for _, p := range []struct {
			rep  crm.User
			name string
			yuan int64
		}{{zw, "北京青禾新锐科技有限公司", 20000}, {wl, "上海立美贸易有限公司", 10000}} {
			cust, err := db.CreateCustomer(ctx, p.rep.ID, crm.Customer{Name: p.name, OwnerID: p.rep.ID, CreatedAt: c.now.AddDate(0, -2, 0)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddPayment(ctx, p.rep.ID, crm.Payment{CustomerID: cust.ID, Amount: crm.Yuan(p.yuan), ReceivedOn: "2026-10-15"}); err != nil {
				t.Fatal(err)
			}
		}
		set := func(unit, amount string) string {
			t.Helper()
			expect(t, c.says("陈总", "/target set"), "给谁设目标")
			expect(t, c.presses("陈总", unit), "什么指标")
			expect(t, c.presses("陈总", "回款"), "哪个周期")
			c.presses("陈总", "本期 2026年11月")
			expect(t, c.says("陈总", amount), "请确认")
			return c.presses("陈总", "保存")
		}
		got := set("上海销售部", "120万")
		expect(t, got, "目标已设定", "¥1,200,000")
		refute(t, got, "不一致")
		c.presses("陈总", "不拆分")
		expect(t, set("上海一组", "69万"), "目标已设定", "¥690,000")
		c.presses("陈总", "不拆分")
		got = set("李娜", "51万")
		expect(t, got, "目标已设定", "¥510,000")
		refute(t, got, "不一致")
		// One that does not add up says what adds up to what.
		expect(t, set("李娜", "50万"), "「上海销售部」下级的目标合计 ¥1,190,000（上海一组 ¥690,000、李娜 ¥500,000），与它的目标 ¥1,200,000 不一致")
		set("李娜", "51万")

		// 上海一组 split by last month's share, adjusted before saving.
		expect(t, set("上海一组", "69万"), "拆分到下级")
		expect(t, c.presses("陈总", "按上期占比"), "张伟 ¥460,000", "王磊 ¥230,000")
		expect(t, c.says("陈总", "王磊 25万"), "张伟 ¥460,000", "王磊 ¥250,000", "合计 ¥710,000，目标是 ¥690,000")
		expect(t, c.presses("陈总", "调整"), "张伟 50万")
		got = c.says("陈总", "张伟 44万")
		expect(t, got, "张伟 ¥440,000", "王磊 ¥250,000")
		refute(t, got, "合计")
		got = c.presses("陈总", "保存")
		expect(t, got, "已按方案设定")
		refute(t, got, "不一致")
		ts, _ := db.Targets(ctx, crm.PeriodMonth, "2026-11-01")
		want := map[int64]crm.Money{zw.ID: crm.Yuan(440000), wl.ID: crm.Yuan(250000), ln.ID: crm.Yuan(510000)}
		for _, x := range ts {
			if w, ok := want[x.UnitID]; ok && x.Unit == crm.UnitUser && crm.Money(x.Value) != w {
				t.Errorf("target of user %d: %v, want %v", x.UnitID, crm.Money(x.Value), w)
			}
		}
		// The manager who sets 上海一组 above what its reps add up to is told.
		expect(t, set("上海一组", "70万"), "「上海一组」下级的目标合计 ¥690,000（张伟 ¥440,000、王磊 ¥250,000），与它的目标 ¥700,000 不一致",
			"「上海销售部」下级的目标合计 ¥1,210,000")
	})
}
