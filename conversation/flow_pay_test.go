package conversation_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
)

func TestFlowPay(t *testing.T) {
	const qinghe, ruifeng = "北京青禾新锐科技有限公司", "瑞丰机械有限公司"
	received := flowCase{name: "received, against a plan", as: idZhang, turns: []turn{
		{say: "/pay 瑞丰", want: []string{zh("pay.kind", ruifeng), "[" + zh("btn.pay_received") + "]", "[" + zh("btn.pay_plan") + "]"}, at: "kind"},
		{press: zh("btn.pay_received"), want: []string{zh("pay.amount")}, at: "amount", calls: []string{}},
		{say: "5万", want: []string{zh("pay.received_on"), "[" + zh("btn.today") + "]"}, at: "date", calls: []string{}},
		{press: zh("btn.today"), want: []string{zh("pay.which_plan"), "[" + zh("pay.plan_line", "12月5日", "¥50,000") + "]", "[" + zh("btn.no_plan") + "]"}, at: "plan"},
		{press: "12月5日", want: []string{zh("pay.note")}, at: "note"},
		{say: "首付款", want: []string{zh("card.confirm", zh("pay.card_received", ruifeng, "¥50,000", "11月29日（周日）")+"\n首付款")}, at: "confirm"},
		{press: "保存", want: []string{zh("pay.saved_received", ruifeng, "¥50,000")}, calls: []string{"AddPayment"}},
	}, writes: []write{{"AddPayment", crm.Payment{CustomerID: custRuifeng, PlanID: planRuifeng, Amount: crm.Yuan(50000), ReceivedOn: "2026-11-29", Note: "首付款"}}}}
	plan := flowCase{name: "plan", as: idZhang, turns: []turn{
		{say: "/pay 青禾", want: []string{zh("pay.kind", qinghe)}, at: "kind"},
		{press: zh("btn.pay_plan"), want: []string{zh("pay.amount")}, at: "amount"},
		{say: "10万", want: []string{zh("pay.due")}, at: "date"},
		{say: "12-15", want: []string{zh("pay.note")}, at: "note"},
		{say: "-", want: []string{zh("card.confirm", zh("pay.card_plan", qinghe, "¥100,000", "12月15日（周二）"))}, at: "confirm"},
		{say: "保存", want: []string{zh("pay.saved_plan", qinghe, "¥100,000", "12月15日（周二）")}, calls: []string{"AddPaymentPlan"}},
	}, writes: []write{{"AddPaymentPlan", crm.PaymentPlan{CustomerID: custQinghe, Amount: crm.Yuan(100000), DueDate: "2026-12-15"}}}}
	// The same command again at an unsaved card asks before dropping it.
	again := flowCase{name: "the command again at the card", as: idZhang, turns: []turn{
		{say: "/pay 青禾", at: "kind"},
		{press: zh("btn.pay_plan"), at: "amount"},
		{say: "10万", at: "date"},
		{say: "12-15", at: "note"},
		{say: "-", at: "confirm"},
		{say: "/pay 青禾", want: []string{zh("flow.unsaved", "回款：青禾新锐科技"), "[" + zh("btn.resume") + "]", "[" + zh("btn.restart") + "]"}, at: "confirm"},
		{say: "随便", want: []string{zh("flow.unsaved", "回款：青禾新锐科技")}, at: "confirm"},
		{press: zh("btn.resume"), want: []string{zh("card.confirm", zh("pay.card_plan", qinghe, "¥100,000", "12月15日（周二）"))}, at: "confirm"},
		{say: "/pay 青禾", at: "confirm"},
		{press: zh("btn.restart"), want: []string{zh("pay.kind", qinghe)}, not: []string{zh("flow.replaced")}, at: "kind"},
		{say: "/visit 青禾", want: []string{zh("flow.replaced"), zh("visit.content", qinghe)}, at: "content"}, // nothing answered yet: replaced at once
	}}
	// No open plan: the plan is not asked.
	noPlan := flowCase{name: "received, no plan to ask about", as: idZhang, turns: []turn{
		{say: "/pay 青禾", at: "kind"},
		{say: "已收到回款", at: "amount"},
		{say: "¥3,000.50", at: "date"},
		{say: "11-28", want: []string{zh("pay.note")}, at: "note"},
		{say: "跳过", at: "confirm"},
		{press: "保存", want: []string{zh("pay.saved_received", qinghe, "¥3,000.50")}},
	}, writes: []write{{"AddPayment", crm.Payment{CustomerID: custQinghe, Amount: crm.Money(300050), ReceivedOn: "2026-11-28"}}}}
	bad := flowCase{name: "bad input at each step", as: idZhang, turns: []turn{
		{say: "/pay 瑞丰", at: "kind"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("pay.kind", ruifeng)}, at: "kind", refused: true},
		{say: "收到了", at: "amount"},
		{say: "看情况", want: []string{zh("amount.explain_required"), zh("pay.amount")}, at: "amount", refused: true},
		{say: "0", want: []string{zh("amount.zero"), zh("pay.amount")}, at: "amount", refused: true},
		{say: "-5万", want: []string{zh("amount.negative")}, at: "amount", refused: true},
		{say: "99999999999999", want: []string{zh("amount.too_large")}, not: []string{"没看懂"}, at: "amount", refused: true},
		{say: "-", want: []string{zh("input.required")}, at: "amount", refused: true},
		{say: "五万", at: "date"},
		{say: "明天", want: []string{zh("pay.received_future"), zh("pay.received_on")}, at: "date", refused: true},
		{say: "随便", want: []string{zh("date.explain")}, at: "date", refused: true},
		{say: "今天", at: "plan"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("pay.which_plan")}, at: "plan", refused: true},
		{press: zh("btn.no_plan"), at: "note"},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long"), zh("pay.note")}, at: "note", refused: true},
		{say: "-", at: "confirm"},
		{say: "随便", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{say: "保存", want: []string{zh("pay.saved_received", ruifeng, "¥50,000")}},
	}, writes: []write{{"AddPayment", crm.Payment{CustomerID: custRuifeng, Amount: crm.Yuan(50000), ReceivedOn: "2026-11-29"}}}}
	edit := flowCase{name: "edit from the card", as: idZhang, turns: []turn{
		{say: "/pay 青禾", at: "kind"},
		{press: zh("btn.pay_plan"), at: "amount"},
		{say: "10万", at: "date"},
		{say: "12-15", at: "note"},
		{say: "-", at: "confirm"},
		{press: zh("btn.edit"), want: []string{zh("edit.which")}, at: "edit"},
		{press: zh("field.amount"), want: []string{zh("pay.amount")}, at: "amount"},
		{say: "12万", want: []string{zh("card.confirm", zh("pay.card_plan", qinghe, "¥120,000", "12月15日（周二）"))}, at: "confirm"},
		{press: zh("btn.edit"), at: "edit"},
		{press: zh("field.date"), want: []string{zh("pay.due")}, at: "date"},
		{say: "12-20", want: []string{zh("card.confirm", zh("pay.card_plan", qinghe, "¥120,000", "12月20日（周日）"))}, at: "confirm"},
		{press: "保存"},
	}, writes: []write{{"AddPaymentPlan", crm.PaymentPlan{CustomerID: custQinghe, Amount: crm.Yuan(120000), DueDate: "2026-12-20"}}}}
	collaborator := flowCase{name: "a collaborator", as: idLi, turns: []turn{
		{say: "/pay 青禾", want: []string{zh("pick.none", "青禾")}, at: "customer"},
	}}
	// A due date is the next one, never a past one (testNow: 2026-11-29).
	due := flowCase{name: "due dates", as: idZhang, turns: []turn{
		{say: "/pay 瑞丰", at: "kind"},
		{press: zh("btn.pay_plan"), at: "amount"},
		{say: "10万", at: "date"},
		{say: "昨天", want: []string{zh("date.past"), zh("pay.due")}, at: "date", refused: true},
		{say: "下月32号", want: []string{zh("date.explain")}, at: "date", refused: true},
		{say: "十月31", at: "note"},
		{say: "-", want: []string{zh("pay.card_plan", ruifeng, "¥100,000", "10月31日（周日）")}, at: "confirm"},
	}}
	runFlow(t, []flowCase{received, plan, noPlan}, again, bad, edit, collaborator, due)
}
