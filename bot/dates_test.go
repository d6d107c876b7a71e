package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Dates read completely or refused (#14 item 4): a next step, a payment's
// due date and an appointment read 下月九号, 本月30日, 元旦… whole, across the
// year's end; what is read only in part, lies in the past or has no date
// is refused or asked, never saved half-read; amounts say why they are
// refused; a next step with a time is reminded at that time.
func TestChatDatesReadCompletelyOrRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.now = time.Date(2026, 12, 28, 10, 0, 0, 0, c.loc) // a Monday, days before the year's end
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		zw := c.person("张伟", crm.RoleRep, east.ID)
		cust, err := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})
		if err != nil {
			t.Fatal(err)
		}
		visit := func(next string) string {
			t.Helper()
			expect(t, c.says("张伟", "/visit 青禾"), "这次沟通了什么")
			expect(t, c.says("张伟", "拜访王总"), "下一步和时间")
			return c.says("张伟", next)
		}
		lastNext := func() crm.Activity {
			t.Helper()
			acts, err := db.Activities(ctx, cust.ID, 1)
			if err != nil || len(acts) == 0 {
				t.Fatalf("activities: %v %v", acts, err)
			}
			return acts[0]
		}
		saved := func(next, date, action string) {
			t.Helper()
			got := visit(next)
			expect(t, got, "已记录", action)
			if a := lastNext(); string(a.NextDate) != date || a.NextAction != action {
				t.Fatalf("%q saved as %s %q, want %s %q (reply %q)", next, a.NextDate, a.NextAction, date, action, got)
			}
		}

		// The next step of a visit: the whole date, the day not left in the text.
		saved("下月九号 回访王总", "2027-01-09", "回访王总")
		saved("下月6号 发方案", "2027-01-06", "发方案")
		saved("下个月20号 签合同", "2027-01-20", "签合同")
		saved("本月30日 打电话", "2026-12-30", "打电话")
		saved("下下个月3号 复盘", "2027-02-03", "复盘")
		saved("元旦 发祝福", "2027-01-01", "发祝福")
		saved("春节 拜年", "2027-02-06", "拜年")
		saved("发报价 国庆", "2027-10-01", "发报价")
		saved("下周五 发方案", "2027-01-08", "发方案")
		saved("next friday 发方案", "2027-01-08", "发方案") // the same convention in English
		saved("十月31 回款", "2027-10-31", "回款")          // the next 31 October

		// With a time: reminded at that time, not "that morning".
		got := visit("3天后下午3点 技术交流")
		expect(t, got, "12月31日（周四） 15:00", "技术交流", "提前 30 分钟")
		refute(t, got, "当天早上", "下午3点")
		if a := lastNext(); a.NextDate != "2026-12-31" || a.NextAction != "技术交流" {
			t.Fatalf("next step with a time saved as %+v", a)
		}
		var appts []crm.Appointment
		if err := db.SQL().Select(&appts, db.SQL().Rebind(`SELECT id, customer_id, user_id, at, place, purpose, reminded, created_at FROM appointments WHERE customer_id = ?`), cust.ID); err != nil {
			t.Fatal(err)
		}
		if len(appts) != 1 || !appts[0].At.Equal(time.Date(2026, 12, 31, 15, 0, 0, 0, c.loc)) || appts[0].Purpose != "技术交流" || appts[0].UserID != zw.ID {
			t.Fatalf("reminder for the next step: %+v", appts)
		}

		// A time without a date, or no date at all: asked, not saved silently.
		n0, _ := db.Activities(ctx, cust.ID, 100)
		got = visit("下午3点 技术交流")
		expect(t, got, "没有日期，不提醒？")
		refute(t, got, "已记录")
		expect(t, c.presses("张伟", "不提醒"), "已记录", "下午3点 技术交流")
		if a := lastNext(); a.NextDate != "" || a.NextAction != "下午3点 技术交流" {
			t.Fatalf("dateless step saved as %+v", a)
		}
		expect(t, visit("发方案"), "没有日期，不提醒？")
		expect(t, c.presses("张伟", "补上日期"), "下一步和时间")
		expect(t, c.says("张伟", "明天 发方案"), "已记录", "12月29日", "发方案")
		if n1, _ := db.Activities(ctx, cust.ID, 100); len(n1) != len(n0)+2 {
			t.Fatalf("%d activities, want %d", len(n1), len(n0)+2)
		}

		// Read only in part, or past: refused, the form stays.
		got = visit("下月32号 发方案")
		expect(t, got, "只看懂了一部分", "下一步和时间")
		refute(t, got, "已记录")
		got = c.says("张伟", "本月32日 发方案")
		expect(t, got, "只看懂了一部分")
		expect(t, c.says("张伟", "昨天 打电话"), "已经过去", "下一步和时间")
		expect(t, c.says("张伟", "-"), "已记录")

		// /pay: amounts say why; due dates read whole, never in the past.
		expect(t, c.says("张伟", "/pay 青禾"), "青禾")
		expect(t, c.presses("张伟", "回款计划"), "金额")
		expect(t, c.says("张伟", "0"), "金额要大于0")
		expect(t, c.says("张伟", "-5万"), "金额要大于0")
		got = c.says("张伟", "99999999999999")
		expect(t, got, "太大了")
		refute(t, got, "没看懂")
		expect(t, c.says("张伟", "10万"), "计划回款日期")
		expect(t, c.says("张伟", "昨天"), "已经过去", "计划回款日期")
		expect(t, c.says("张伟", "下月15号"), "备注")
		expect(t, c.says("张伟", "-"), "1月15日", "¥100,000")
		expect(t, c.presses("张伟", "保存"), "1月15日")
		c.says("张伟", "/pay 青禾")
		c.presses("张伟", "回款计划")
		c.says("张伟", "5万")
		expect(t, c.says("张伟", "下个月5号"), "备注")
		expect(t, c.says("张伟", "-"), "1月5日")
		c.presses("张伟", "保存")
		plans, err := db.PaymentPlans(ctx, cust.ID)
		if err != nil {
			t.Fatal(err)
		}
		due := map[crm.Date]crm.Money{}
		for _, p := range plans {
			due[p.DueDate] = p.Amount
		}
		if len(plans) != 2 || due["2027-01-15"] != crm.Yuan(100000) || due["2027-01-05"] != crm.Yuan(50000) {
			t.Fatalf("plans: %+v", plans)
		}

		// /appt: the same dates with a time.
		expect(t, c.says("张伟", "/appt 青禾"), "约在什么时间")
		expect(t, c.says("张伟", "下月九号下午3点"), "地点")
		c.says("张伟", "公司")
		expect(t, c.says("张伟", "演示"), "1月9日", "15:00")
		expect(t, c.presses("张伟", "保存"), "已约好", "1月9日")
		expect(t, c.says("张伟", "/appt 青禾"), "约在什么时间")
		expect(t, c.says("张伟", "元旦 10:00"), "地点")
		c.says("张伟", "-")
		expect(t, c.says("张伟", "-"), "1月1日", "10:00")
		c.presses("张伟", "保存")
	})
}
