package conversation_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
)

func TestFlowStage(t *testing.T) {
	const qinghe, ruifeng = "北京青禾新锐科技有限公司", "瑞丰机械有限公司"
	move := flowCase{name: "move an open deal", as: idZhang, turns: []turn{
		{say: "/stage 瑞丰", want: []string{zh("stage.which_deal", ruifeng), "[方案制定 50% ¥50,000]", "[" + zh("btn.new_deal") + "]"}, at: "deal"},
		{press: "方案制定 50%", want: []string{zh("stage.stage_current", ruifeng, "方案制定", 50),
			"[初次沟通] [了解需求] [" + zh("stage.current_choice", "方案制定") + "] [商务谈判] [合同签订] [输单]"}, at: "stage", calls: []string{"Deal"}},
		{press: "商务谈判", want: []string{zh("stage.pct"), "[" + zh("btn.default_pct", 80) + "]"}, at: "pct", calls: []string{}},
		{say: "80", want: []string{zh("stage.amount"), "[" + zh("btn.keep", "¥50,000") + "]"}, at: "amount"},
		{press: "保持", want: []string{zh("stage.close"), "[" + zh("btn.keep", "12月20日（周日）") + "]"}, at: "close"},
		{press: "保持", want: []string{zh("stage.note_current", "等预算"), "[" + zh("btn.keep_note") + "]"}, at: "note"},
		{say: "等合同", want: []string{zh("card.confirm", ruifeng+" · 商务谈判 · 80% · ¥50,000 · "+zh("stage.close_by", "12月20日（周日）")+"\n等合同")}, at: "confirm"},
		{press: "保存", want: []string{zh("stage.saved", ruifeng, "商务谈判", 80), "[" + zh("btn.log_visit") + "]"}, calls: []string{"CustomerFor", "SaveDeal"}},
	}, writes: []write{{"SaveDeal", crm.Deal{ID: dealRuifeng, CustomerID: custRuifeng, OwnerID: idZhang, Stage: crm.StageNegotiation, WinPct: 80,
		Amount: crm.Yuan(50000), CloseDate: "2026-12-20", Note: "等合同"}}}}
	// The note is kept with its button; a signed contract's date can be today.
	keep := flowCase{name: "keep the note", as: idZhang, turns: []turn{
		{say: "/stage 瑞丰", at: "deal"},
		{press: "方案制定 50%", at: "stage"},
		{press: "方案制定", want: []string{zh("stage.pct")}, at: "pct"},
		{say: "60", at: "amount"},
		{press: "保持", at: "close"},
		{press: "保持", at: "note"},
		{press: zh("btn.keep_note"), want: []string{zh("card.confirm", ruifeng+" · 方案制定 · 60% · ¥50,000 · "+zh("stage.close_by", "12月20日（周日）")+"\n等预算")}, at: "confirm"},
		{press: "保存"},
	}, writes: []write{{"SaveDeal", crm.Deal{ID: dealRuifeng, CustomerID: custRuifeng, OwnerID: idZhang, Stage: crm.StageProposal, WinPct: 60,
		Amount: crm.Yuan(50000), CloseDate: "2026-12-20", Note: "等预算"}}}}
	wonToday := flowCase{name: "won today", as: idZhang, turns: []turn{
		{say: "/stage 青禾", at: "stage"},
		{press: "合同签订", at: "amount"},
		{say: "10万", at: "close"},
		{press: zh("btn.today"), at: "note"},
		{say: "-", want: []string{zh("card.confirm", qinghe+" · 合同签订 · 100% · ¥100,000 · "+zh("stage.close_by_won", "11月29日（周日）"))}, at: "confirm"},
	}}
	open := flowCase{name: "open a deal", as: idZhang, turns: []turn{
		{say: "/stage 青禾", want: []string{zh("stage.stage", qinghe), "[初次沟通]", "[输单]"}, at: "stage"},
		{press: "初次沟通", want: []string{zh("stage.pct")}, at: "pct"},
		{press: zh("btn.default_pct", 10), want: []string{zh("stage.amount")}, not: []string{"[保持"}, at: "amount"},
		{say: "5万", want: []string{zh("stage.close")}, at: "close"},
		{say: "12-31", want: []string{zh("stage.note")}, at: "note"},
		{say: "-", want: []string{zh("card.confirm", qinghe+" · 初次沟通 · 10% · ¥50,000 · "+zh("stage.close_by", "12月31日（周四）"))}, at: "confirm"},
		{say: "保存", want: []string{zh("stage.saved", qinghe, "初次沟通", 10)}},
	}, writes: []write{{"SaveDeal", crm.Deal{CustomerID: custQinghe, OwnerID: idZhang, Stage: crm.StageInitial, WinPct: 10,
		Amount: crm.Yuan(50000), CloseDate: "2026-12-31"}}}}
	// A won deal is 100%: the probability is not asked; the receipt offers a plan.
	won := flowCase{name: "won", as: idZhang, turns: []turn{
		{say: "/stage 青禾", at: "stage"},
		{press: "合同签订", want: []string{zh("stage.amount_won")}, at: "amount"},
		{say: "10万", want: []string{zh("stage.close_won"), "[" + zh("btn.today") + "]"}, at: "close"},
		{say: "-", at: "note"},
		{say: "-", want: []string{zh("card.confirm", qinghe+" · 合同签订 · 100% · ¥100,000")}, at: "confirm"},
		{press: "保存", want: []string{zh("stage.saved", qinghe, "合同签订", 100), "[" + zh("btn.payment_plan") + "]"}},
		{press: zh("btn.payment_plan"), run: "/pay #1"},
	}, writes: []write{{"SaveDeal", crm.Deal{CustomerID: custQinghe, OwnerID: idZhang, Stage: crm.StageContract, WinPct: 100, Amount: crm.Yuan(100000)}}}}
	bad := flowCase{name: "bad input at each step", as: idZhang, turns: []turn{
		{say: "/stage 瑞丰", at: "deal"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("stage.which_deal", ruifeng)}, at: "deal", refused: true},
		{press: zh("btn.new_deal"), at: "stage"},
		{say: "随便", want: []string{zh("stage.pick"), zh("stage.stage", ruifeng)}, at: "stage", refused: true},
		{say: "了解需求", at: "pct"},
		{say: "很有希望", want: []string{zh("percent.invalid"), zh("stage.pct")}, at: "pct", refused: true},
		{say: "150", want: []string{zh("percent.invalid")}, at: "pct", refused: true},
		{say: "30%", at: "amount"},
		{say: "看情况吧", want: []string{zh("amount.explain"), zh("stage.amount")}, at: "amount", refused: true},
		{say: "五万", at: "close"},
		{say: "随便", want: []string{zh("date.explain"), zh("stage.close")}, at: "close", refused: true},
		{say: "-", at: "note"},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long"), zh("stage.note")}, at: "note", refused: true},
		{say: "等预算审批", at: "confirm"},
		{say: "随便", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{say: "保存", want: []string{zh("stage.saved", ruifeng, "了解需求", 30)}},
	}, writes: []write{{"SaveDeal", crm.Deal{CustomerID: custRuifeng, OwnerID: idZhang, Stage: crm.StageNeeds, WinPct: 30, Amount: crm.Yuan(50000), Note: "等预算审批"}}}}
	// A new deal's card for 青禾 at a stage and probability, the rest skipped.
	card := func(stage, pct string, then ...turn) []turn {
		return append([]turn{{say: "/stage 青禾", at: "stage"}, {press: stage, at: "pct"}, {say: pct, at: "amount"},
			{say: "-", at: "close"}, {say: "-", at: "note"}, {say: "-", at: "confirm"}}, then...)
	}
	edit := flowCase{name: "edit from the card", as: idZhang, turns: card("方案制定", "50",
		turn{press: zh("btn.edit"), at: "edit"},
		turn{press: zh("field.pct"), at: "pct"},
		turn{say: "60", want: []string{zh("card.confirm", qinghe+" · 方案制定 · 60%")}, at: "confirm"},
		turn{press: "保存"},
	), writes: []write{{"SaveDeal", crm.Deal{CustomerID: custQinghe, OwnerID: idZhang, Stage: crm.StageProposal, WinPct: 60}}}}
	// A collaborator may log visits, not move deals.
	collaborator := flowCase{name: "a collaborator", as: idLi, turns: []turn{
		{say: "/stage 青禾", want: []string{zh("pick.none", "青禾")}, not: []string{zh("stage.stage", qinghe)}, at: "customer"},
	}}
	// The customer changed hands while the card was open: the rep is told,
	// the form is kept, nothing is saved.
	handedOver := flowCase{name: "only a collaborator by the time of saving", as: idZhang, turns: card("初次沟通", "10",
		turn{press: "保存", want: []string{zh("auth.customer_forbidden")}, at: "confirm", before: func(f *fakeCRM) {
			f.customers[custQinghe-1].OwnerID, f.customers[custQinghe-1].Collaborators = idZhao, []int64{idZhang}
		}},
	)}
	// The deal chosen decides the card's defaults: another deal (or a new
	// one) chosen after /back does not keep the first one's.
	twoDeals := func(f *fakeCRM) {
		f.deals = append(f.deals, crm.Deal{ID: 2, CustomerID: custRuifeng, OwnerID: idZhang, Stage: crm.StageNeeds, WinPct: 30, Amount: crm.Yuan(80000)})
	}
	otherDeal := flowCase{name: "another deal after /back", as: idZhang, setup: twoDeals, turns: []turn{
		{say: "/stage 瑞丰", want: []string{"[方案制定 50% ¥50,000]", "[了解需求 30% ¥80,000]"}, at: "deal"},
		{press: "方案制定", at: "stage"},
		{say: "/back", at: "deal"},
		{press: "了解需求", want: []string{zh("stage.stage_current", ruifeng, "了解需求", 30)}, at: "stage"},
		{press: "方案制定", at: "pct"},
		{say: "50", want: []string{"[" + zh("btn.keep", "¥80,000") + "]"}, not: []string{"¥50,000"}, at: "amount"},
		{press: "保持", want: []string{zh("stage.close")}, not: []string{"[" + zh("btn.keep", "12月20日（周日）") + "]"}, at: "close"},
	}}
	newDeal := flowCase{name: "a new deal after /back", as: idZhang, turns: []turn{
		{say: "/stage 瑞丰", at: "deal"},
		{press: "方案制定", at: "stage"},
		{say: "/back", at: "deal"},
		{press: zh("btn.new_deal"), want: []string{zh("stage.stage", ruifeng), "[方案制定]"}, at: "stage"},
		{press: "初次沟通", at: "pct"},
		{say: "10", want: []string{zh("stage.amount")}, not: []string{"[保持"}, at: "amount"},
		{say: "-", want: []string{zh("stage.close")}, not: []string{"[保持"}, at: "close"},
		{say: "-", at: "note"},
		{say: "-", want: []string{zh("card.confirm", ruifeng+" · 初次沟通 · 10%")}, not: []string{"等预算"}, at: "confirm"},
	}}
	runFlow(t, []flowCase{move, open, won, keep}, wonToday, bad, edit, collaborator, handedOver, otherDeal, newDeal)
}
