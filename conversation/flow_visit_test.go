package conversation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

func TestFlowVisit(t *testing.T) {
	const qinghe, ruifeng = "北京青禾新锐科技有限公司", "瑞丰机械有限公司"
	happy := flowCase{name: "happy", as: idZhang, turns: []turn{
		{say: "/visit 青禾", want: []string{zh("visit.content", qinghe)}, at: "content", calls: []string{"PickCustomer"}},
		{say: "拜访王总，确认需求，预算5万左右", want: []string{zh("visit.next")}, at: "next", calls: []string{}},
		{say: "下周五 发方案", want: []string{zh("visit.saved_next", "12月4日（周五）", "发方案"), "[" + zh("btn.advance_stage") + "]"},
			calls: []string{"LogActivity"}},
		{press: zh("btn.advance_stage"), run: "/stage #1"},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custQinghe, UserID: idZhang, Kind: crm.ActVisit,
		Content: "拜访王总，确认需求，预算5万左右", NextAction: "发方案", NextDate: "2026-12-04", At: testNow}}}}
	// Without a name: the rep's recent customers.
	picked := flowCase{name: "picked from recent customers", as: idZhang, turns: []turn{
		{say: "/visit", want: []string{zh("pick.prompt"), "[" + qinghe + "]", "[" + ruifeng + "]"}, at: "customer"},
		{press: "瑞丰", want: []string{zh("visit.content", ruifeng)}, at: "content"},
		{say: "电话沟通了报价", at: "next"},
		{say: "-", want: []string{zh("visit.saved")}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custRuifeng, UserID: idZhang, Kind: crm.ActCall, Content: "电话沟通了报价", At: testNow}}}}
	english := flowCase{name: "in English", as: idZhang, lang: conversation.LangEN, turns: []turn{
		{say: "/visit 瑞丰", want: []string{ruifeng + " — what happened?"}, at: "content"},
		{say: "demo went well, they want a quote", want: []string{"Next step and when?"}, at: "next"},
		{say: "next friday send quote", want: []string{"✓ Logged. Next: Fri 4 Dec — send quote; I'll remind you that morning."}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custRuifeng, UserID: idZhang, Kind: crm.ActVisit,
		Content: "demo went well, they want a quote", NextAction: "send quote", NextDate: "2026-12-04", At: testNow}}}}
	// Several match: the rep picks; a name nobody has is said.
	several := flowCase{name: "several match", as: idZhang, turns: []turn{
		{say: "/visit 有限公司", want: []string{zh("pick.several", "有限公司"), "[" + qinghe + "]", "[" + ruifeng + "]"}, at: "customer"},
		{say: "机械", want: []string{zh("visit.content", ruifeng)}, at: "content"},
	}}
	none := flowCase{name: "no match", as: idZhang, turns: []turn{
		{say: "/visit 恒通", want: []string{zh("pick.none", "恒通"), zh("pick.prompt")}, at: "customer"},
		{say: "不存在的公司", want: []string{zh("pick.none", "不存在的公司")}, at: "customer", refused: true},
		{say: "有限公司", want: []string{zh("pick.several", "有限公司")}, at: "customer"},
		{press: "青禾", want: []string{zh("visit.content", qinghe)}, at: "content"},
	}}
	// A refused name leaves the form as it was: the same candidates.
	severalThenNone := flowCase{name: "several, then no match", as: idZhang, turns: []turn{
		{say: "/visit 有限公司", at: "customer"},
		{say: "不存在的公司", want: []string{zh("pick.none", "不存在的公司"), zh("pick.several", "有限公司")}, at: "customer", refused: true},
	}}
	// A collaborator may log a visit; someone who cannot see it finds nothing.
	collaborator := flowCase{name: "a collaborator", as: idLi, turns: []turn{
		{say: "/visit 青禾", want: []string{zh("visit.content", qinghe)}, at: "content"},
		{say: "一起拜访了王总", at: "next"},
		{say: "-", want: []string{zh("visit.saved")}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custQinghe, UserID: idLi, Kind: crm.ActVisit, Content: "一起拜访了王总", At: testNow}}}}
	stranger := flowCase{name: "someone who may not see it", as: idZhao, turns: []turn{
		{say: "/visit 青禾", want: []string{zh("pick.none", "青禾"), "[金桥贸易有限公司]"}, not: []string{qinghe}, at: "customer"},
		{say: "#1", want: []string{zh("pick.none", "#1")}, at: "customer", refused: true},
	}}
	bad := flowCase{name: "bad input at each step", as: idZhang, turns: []turn{
		{say: "/visit 青禾", at: "content"},
		{say: "-", want: []string{zh("input.required"), zh("visit.content", qinghe)}, at: "content", refused: true},
		{say: "", want: []string{zh("input.empty")}, at: "content", refused: true},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "content", refused: true},
		{say: "拜访王总", at: "next"},
		{say: "昨天 打电话", want: []string{zh("date.past"), zh("visit.next")}, at: "next", refused: true},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "next", refused: true},
		{say: "取消", want: []string{zh("flow.cancelled")}},
	}}
	// The customer went to someone else while the form was open.
	gone := flowCase{name: "customer handed over meanwhile", as: idZhang, turns: []turn{
		{say: "/visit 瑞丰", at: "content"},
		{say: "拜访", at: "next"},
		{say: "-", want: []string{zh("customer.not_found")}, at: "next",
			before: func(f *fakeCRM) { f.customers[custRuifeng-1].OwnerID = idZhao }},
	}}
	runFlow(t, []flowCase{happy, picked, english}, several, severalThenNone, none, collaborator, stranger, bad, gone)
}

// Dates read completely or refused (#14 item 4): a step with a time is
// booked at that time; one without a date is asked about; a date read
// only in part is refused. testNow is Sunday 2026-11-29 10:00.
func TestFlowVisitNextStepDates(t *testing.T) {
	timed := flowCase{name: "a step with a time", as: idZhang, turns: []turn{
		{say: "/visit 青禾", at: "content"},
		{say: "拜访王总", at: "next"},
		{say: "3天后下午3点 技术交流", want: []string{zh("visit.saved_next_at", "12月2日（周三） 15:00", "技术交流")}, not: []string{"当天早上"},
			calls: []string{"LogActivity"}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custQinghe, UserID: idZhang, Kind: crm.ActVisit, Content: "拜访王总",
		NextAction: "技术交流", NextDate: "2026-12-02", NextAt: time.Date(2026, 12, 2, 15, 0, 0, 0, shanghai), At: testNow}}}}
	monthDay := flowCase{name: "下月九号", as: idZhang, turns: []turn{
		{say: "/visit 青禾", at: "content"},
		{say: "拜访王总", at: "next"},
		{say: "下月九号 回访", want: []string{zh("visit.saved_next", "12月9日（周三）", "回访")}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custQinghe, UserID: idZhang, Kind: crm.ActVisit, Content: "拜访王总",
		NextAction: "回访", NextDate: "2026-12-09", At: testNow}}}}
	timeOnly := flowCase{name: "a time but no date", as: idZhang, turns: []turn{
		{say: "/visit 青禾", at: "content"},
		{say: "拜访王总", at: "next"},
		{say: "下午3点 技术交流", want: []string{zh("visit.no_date_time", "下午3点 技术交流"), "[" + zh("btn.no_reminder") + "]", "[" + zh("btn.add_date") + "]"},
			at: "nodate", calls: []string{}},
		{press: zh("btn.no_reminder"), want: []string{zh("visit.saved_action", "下午3点 技术交流")}, calls: []string{"LogActivity"}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custQinghe, UserID: idZhang, Kind: crm.ActVisit, Content: "拜访王总",
		NextAction: "下午3点 技术交流", At: testNow}}}}
	noDate := flowCase{name: "no date, then one", as: idZhang, turns: []turn{
		{say: "/visit 青禾", at: "content"},
		{say: "拜访王总", at: "next"},
		{say: "发方案", want: []string{zh("visit.no_date", "发方案")}, at: "nodate", calls: []string{}},
		{press: zh("btn.add_date"), want: []string{zh("visit.next")}, at: "next"},
		{say: "下月32号 发方案", want: []string{zh("visit.next_partial")}, at: "next", refused: true},
		{say: "今天上午9点 开会", want: []string{zh("time.past")}, at: "next", refused: true},
		{say: "发方案", at: "nodate"},
		{say: "明天 发方案", want: []string{zh("visit.saved_next", "11月30日（周一）", "发方案")}},
	}, writes: []write{{"LogActivity", crm.Activity{CustomerID: custQinghe, UserID: idZhang, Kind: crm.ActVisit, Content: "拜访王总",
		NextAction: "发方案", NextDate: "2026-11-30", At: testNow}}}}
	runFlow(t, nil, timed, monthDay, timeOnly, noDate)
}
