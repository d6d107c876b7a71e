package bot_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// One message is enough (SPEC "自然语言录入", #15): a sentence — a
// command's inline fields or a plain message — becomes one card, and one
// tap saves it.

// sentenceCustomer adds a customer owned by who, with contacts.
func (c *chat) sentenceCustomer(who, name string, contacts ...crm.Contact) crm.Customer {
	c.t.Helper()
	ctx := context.Background()
	svc := sales.New(c.db)
	v, err := svc.ViewerOf(ctx, c.users[who])
	if err != nil {
		c.t.Fatal(err)
	}
	cu, taken, err := svc.AddCustomer(ctx, v, crm.Customer{Name: name, Contacts: contacts}, c.now)
	if err != nil || taken != nil {
		c.t.Fatalf("add %s: %v %+v", name, err, taken)
	}
	return cu
}

// sentenceCounts is how many activities, payments, plans and deals a
// customer has.
func (c *chat) sentenceCounts(id int64) (acts, pays, plans, deals int) {
	c.t.Helper()
	ctx := context.Background()
	a, err := c.db.Activities(ctx, id, 100)
	if err != nil {
		c.t.Fatal(err)
	}
	p, err := c.db.Payments(ctx, id, 100)
	if err != nil {
		c.t.Fatal(err)
	}
	pl, err := c.db.PaymentPlans(ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	d, err := c.db.Deals(ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	return len(a), len(p), len(pl), len(d)
}

func sentenceTeam(t *testing.T, db *store.DB) (*chat, crm.Customer) {
	c := newChat(t, db)
	east, _ := db.CreateDepartment(context.Background(), 0, "华东销售部", 0)
	c.person("张三", crm.RoleRep, east.ID)
	c.person("李四", crm.RoleRep, east.ID)
	qh := c.sentenceCustomer("张三", "北京青禾新锐科技有限公司", crm.Contact{Name: "王总", Phone: "13800138000"})
	return c, qh
}

func TestSentenceInlineCommandsSaveWithOneTap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		ctx := context.Background()

		// A visit: one card, nothing saved before the tap.
		card := c.says("张三", "/visit 青禾 见了王总，聊方案，下周五发报价")
		expect(t, card, "请确认", "北京青禾新锐科技有限公司 · 拜访", "见了王总，聊方案", "12月4日", "发报价")
		if a, _, _, _ := c.sentenceCounts(qh.ID); a != 0 {
			t.Fatalf("a visit was saved before the tap")
		}
		expect(t, c.presses("张三", "保存"), "已记录", "12月4日", "发报价")
		acts, _ := db.Activities(ctx, qh.ID, 10)
		if len(acts) != 1 || acts[0].Content != "见了王总，聊方案" || acts[0].NextDate != "2026-12-04" || acts[0].NextAction != "发报价" {
			t.Fatalf("visit saved as %+v", acts)
		}

		// Money received, today.
		expect(t, c.says("张三", "/pay 青禾 收到5万"), "请确认", "已收回款 ¥50,000", "11月29日")
		expect(t, c.presses("张三", "保存"), "¥50,000")
		if _, p, _, _ := c.sentenceCounts(qh.ID); p != 1 {
			t.Fatalf("payments = %d, want 1", p)
		}

		// A plan, due next month.
		expect(t, c.says("张三", "/pay 青禾 下月15号回款10万"), "请确认", "回款计划 ¥100,000", "12月15日")
		c.presses("张三", "保存")
		plans, _ := db.PaymentPlans(ctx, qh.ID)
		if len(plans) != 1 || plans[0].DueDate != "2026-12-15" || plans[0].Amount != crm.Yuan(100000) {
			t.Fatalf("plans = %+v", plans)
		}

		// An appointment: when, where, what for.
		expect(t, c.says("张三", "/appt 青禾 明天下午3点 公司 演示"), "请确认", "北京青禾新锐科技有限公司 · 约见 · 11月30日", "15:00", "公司", "演示")
		expect(t, c.presses("张三", "保存"), "15:00")

		// A stage move with its win %, amount and close date.
		expect(t, c.says("张三", "/stage 青禾 商务谈判 80% 50万 月底签"), "请确认", "商务谈判 · 80% · ¥500,000", "11月30日")
		c.presses("张三", "保存")
		deals, _ := db.Deals(ctx, qh.ID)
		if len(deals) != 1 || deals[0].Stage != crm.StageNegotiation || deals[0].WinPct != 80 || deals[0].Amount != crm.Yuan(500000) || deals[0].CloseDate != "2026-11-30" {
			t.Fatalf("deals = %+v", deals)
		}

		// A new customer with its contact: the industry is asked (required),
		// then the card.
		expect(t, c.says("张三", "/new 北京立美科技有限公司 陈经理 13900139000"), "行业")
		expect(t, c.presses("张三", "IT/软件"), "请确认", "新客户 · 北京立美科技有限公司 · IT/软件 · 北京", "陈经理 13900139000")
		expect(t, c.presses("张三", "保存"), "已保存「北京立美科技有限公司」")

		// /new still checks for 撞单 first.
		expect(t, c.says("李四", "/new 北京青禾新锐科技有限公司 王经理 13800138000"), "张三")
		n, _ := db.CountCustomers(ctx, crm.Scope{All: true})
		if n != 2 {
			t.Fatalf("customers = %d, want 2", n)
		}
	})
}

func TestSentencePlainMessages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		card := c.says("张三", "今天见了青禾王总，下周五发报价")
		expect(t, card, "请确认", "北京青禾新锐科技有限公司 · 拜访", "12月4日", "发报价")
		refute(t, card, "想做什么")
		if a, _, _, _ := c.sentenceCounts(qh.ID); a != 0 {
			t.Fatalf("a visit was saved before the tap")
		}
		expect(t, c.presses("张三", "保存"), "已记录")
		if a, _, _, _ := c.sentenceCounts(qh.ID); a != 1 {
			t.Fatalf("activities = %d, want 1", a)
		}

		expect(t, c.says("张三", "收到青禾回款5万"), "请确认", "已收回款 ¥50,000")
		c.presses("张三", "保存")
		if _, p, _, _ := c.sentenceCounts(qh.ID); p != 1 {
			t.Fatalf("payments = %d, want 1", p)
		}

		// A complaint and an appointment, said plainly.
		expect(t, c.says("张三", "青禾王总抱怨交付太慢"), "请确认", "北京青禾新锐科技有限公司", "青禾王总抱怨交付太慢")
		c.presses("张三", "保存")
		if open, _ := db.OpenComplaints(context.Background(), crm.Scope{All: true}, qh.ID); len(open) != 1 {
			t.Fatalf("complaints = %+v", open)
		}
		expect(t, c.says("张三", "约了青禾明天下午3点演示"), "请确认", "11月30日", "15:00", "演示")
		expect(t, c.presses("张三", "保存"), "15:00")

		// A question shows the customer's card; nothing is asked to save.
		q := c.says("张三", "青禾怎么样")
		expect(t, q, "北京青禾新锐科技有限公司")
		refute(t, q, "请确认", "想做什么")

		// A customer named with nothing to record: what to record, as buttons.
		expect(t, c.says("张三", "青禾那边 老样子"), "北京青禾新锐科技有限公司：要记什么？")
		expect(t, c.presses("张三", "记拜访"), "北京青禾新锐科技有限公司：这次沟通了什么")
		c.says("张三", "/cancel")

		// A message that says nothing to record still gets the hint.
		expect(t, c.says("张三", "你好"), "想做什么")
	})
}

func TestSentenceEditChangesOneField(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		ctx := context.Background()
		c.says("张三", "/pay 青禾 收到5万")
		c.presses("张三", "修改")
		expect(t, c.presses("张三", "金额"), "金额")
		expect(t, c.says("张三", "6万"), "请确认", "已收回款 ¥60,000", "11月29日")
		c.presses("张三", "保存")
		pays, _ := db.Payments(ctx, qh.ID, 10)
		if len(pays) != 1 || pays[0].Amount != crm.Yuan(60000) || pays[0].ReceivedOn != "2026-11-29" {
			t.Fatalf("payments = %+v", pays)
		}

		// The next step of a visit, changed alone: the content stays.
		c.says("张三", "/visit 青禾 见了王总，聊方案，下周五发报价")
		c.presses("张三", "修改")
		c.presses("张三", "下一步")
		card := c.says("张三", "下周一 打电话确认")
		expect(t, card, "请确认", "见了王总，聊方案", "11月30日", "打电话确认")
		refute(t, card, "发报价")
		c.presses("张三", "保存")
		acts, _ := db.Activities(ctx, qh.ID, 10)
		if len(acts) != 1 || acts[0].Content != "见了王总，聊方案" || acts[0].NextDate != "2026-11-30" || acts[0].NextAction != "打电话确认" {
			t.Fatalf("visit saved as %+v", acts)
		}
	})
}

func TestSentenceCancelSavesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		expect(t, c.says("张三", "/visit 青禾 见了王总，聊方案"), "请确认")
		expect(t, c.says("张三", "/cancel"), "取消")
		expect(t, c.says("张三", "收到青禾回款5万"), "请确认")
		c.presses("张三", "取消")
		expect(t, c.says("张三", "/stage 青禾 商务谈判 80%"), "请确认")
		c.says("张三", "取消")
		if a, p, pl, d := c.sentenceCounts(qh.ID); a+p+pl+d != 0 {
			t.Fatalf("saved after a cancel: %d %d %d %d", a, p, pl, d)
		}
	})
}

func TestSentenceNeverShowsAnInvisibleCustomer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		for _, msg := range []string{"今天见了青禾王总，下周五发报价", "/pay 青禾 收到5万", "/visit 青禾 见了王总，聊方案", "收到青禾回款5万", "青禾怎么样", "/visit 13800138000 打了电话"} {
			got := c.says("李四", msg)
			refute(t, got, "青禾新锐", "北京青禾")
			for _, b := range c.buttons["李四"] {
				refute(t, b.Text, "青禾新锐")
			}
			if len(c.buttons["李四"]) > 0 {
				if _, ok := pressable(c, "李四", "保存"); ok {
					t.Fatalf("%q: 李四 is offered a card to save: %q", msg, got)
				}
			}
			c.says("李四", "/cancel")
		}
		if a, p, pl, d := c.sentenceCounts(qh.ID); a+p+pl+d != 0 {
			t.Fatalf("saved on an invisible customer: %d %d %d %d", a, p, pl, d)
		}
	})
}

func TestSentenceAsksWhenUnsure(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		other := c.sentenceCustomer("张三", "青禾农业发展有限公司")
		// Two customers match: asked with buttons, then the card.
		got := c.says("张三", "/visit 青禾 见了王总，聊方案")
		expect(t, got, "青禾")
		refute(t, got, "请确认")
		expect(t, c.presses("张三", "青禾农业"), "请确认", "青禾农业发展有限公司 · 拜访", "见了王总，聊方案")
		c.presses("张三", "保存")
		if a, _, _, _ := c.sentenceCounts(other.ID); a != 1 {
			t.Fatalf("activities on 青禾农业 = %d", a)
		}
		if a, _, _, _ := c.sentenceCounts(qh.ID); a != 0 {
			t.Fatalf("activities on 青禾新锐 before = %d", a)
		}

		// A date read only in part is not used: the step asks for it.
		got = c.says("张三", "/pay 青禾新锐 下月32号回款10万")
		expect(t, got, "日期只看懂了一部分")
		refute(t, got, "请确认")
		// A next step whose date was read only in part is asked again, then the card.
		c.says("张三", "/cancel")
		got = c.says("张三", "/visit 青禾新锐 聊方案，下月32号回访")
		expect(t, got, "只看懂了一部分", "下一步和时间")
		refute(t, got, "请确认")
		expect(t, c.says("张三", "下周一 回访"), "请确认", "聊方案", "11月30日", "回访")
		c.presses("张三", "保存")
		acts, _ := db.Activities(context.Background(), qh.ID, 10)
		if len(acts) != 1 || acts[0].NextDate != "2026-11-30" || acts[0].Content != "聊方案" {
			t.Fatalf("visit saved as %+v", acts)
		}
		// An appointment without a time asks when.
		c.says("张三", "/cancel")
		got = c.says("张三", "/appt 青禾新锐 演示")
		refute(t, got, "请确认")
	})
}

// pressable finds a button of who by label.
func pressable(c *chat, who, label string) (crm.Button, bool) {
	for _, b := range c.buttons[who] {
		if b.Text == label {
			return b, true
		}
	}
	return crm.Button{}, false
}

func TestSentenceComplaintAndStageOfAnOpenDeal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c, qh := sentenceTeam(t, db)
		ctx := context.Background()
		expect(t, c.says("张三", "/complaint 青禾 发票开错了"), "请确认", "北京青禾新锐科技有限公司 · 投诉", "发票开错了")
		c.presses("张三", "保存")
		open, err := db.OpenComplaints(ctx, crm.Scope{All: true}, qh.ID)
		if err != nil || len(open) != 1 || open[0].Content != "发票开错了" {
			t.Fatalf("complaints = %+v, %v", open, err)
		}

		// A stage card for a customer with an open deal asks which deal,
		// and keeps the sentence's amount over the deal's.
		c.says("张三", "/stage 青禾 方案制定 40% 20万")
		c.presses("张三", "保存")
		got := c.says("张三", "青禾赢单了 合同额60万")
		expect(t, got, "推进哪一个")
		refute(t, got, "请确认")
		expect(t, c.presses("张三", "方案制定"), "请确认", "合同签订 · 100% · ¥600,000")
		c.presses("张三", "保存")
		deals, _ := db.Deals(ctx, qh.ID)
		if len(deals) != 1 || deals[0].Stage != crm.StageContract || deals[0].Amount != crm.Yuan(600000) {
			t.Fatalf("deals = %+v", deals)
		}
	})
}
