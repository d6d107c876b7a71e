package conversation_test

import (
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

func TestFlowTarget(t *testing.T) {
	const month = "本期 2026年11月"
	target := func(unit crm.UnitKind, id int64, yuan int64) crm.Target {
		return crm.Target{Metric: crm.MetricPayments, Period: crm.PeriodMonth, PeriodStart: "2026-11-01", Unit: unit, UnitID: id, Value: int64(crm.Yuan(yuan))}
	}
	deptCard := zh("target.card", "华东销售部", month, "回款", "¥90,000")
	upToSplit := []turn{
		{say: "/target set", want: []string{zh("target.unit"), "[华东销售部]", "[上海组]", "[张三]", "[李四]"},
			not: []string{"华南销售部", "赵六", "钱七", zh("target.company")}, at: "unit"},
		{press: "华东销售部", want: []string{zh("target.metric"), "[回款]", "[合同额]", "[新客户]"}, at: "metric", calls: []string{}},
		{press: "回款", want: []string{zh("target.period"), "[" + month + "]", "[下期 2026年12月]", "[本期 2026年Q4]", "[下期 2027年]"}, at: "period"},
		{press: month, want: []string{zh("target.value_money")}, at: "value"},
		{say: "9万", want: []string{zh("card.confirm", deptCard)}, at: "confirm"},
		{press: "保存", want: []string{zh("target.saved", deptCard), zh("target.split_ask", "华东销售部")}, at: "split", saved: true,
			calls: []string{"SetTarget", "TargetMismatches", "TargetChildren"}},
	}
	// The department's direct children: its sub-department 上海组 and its
	// own reps.
	split := func(name, button string, actual map[int64]int64, card string, shanghai, zhang, li int64) flowCase {
		turns := append(append([]turn{}, upToSplit...),
			turn{press: button, want: []string{zh("target.split_card", card)}, at: "split_confirm"},
			turn{press: "保存", want: []string{zh("target.split_saved")}, calls: []string{"SetTarget", "SetTarget", "SetTarget", "TargetMismatches"}})
		return flowCase{name: name, as: idWang, turns: turns, setup: func(f *fakeCRM) {
			f.actual = actual
			if actual != nil {
				f.deptActual = map[int64]int64{idShanghai: int64(crm.Yuan(30000))}
			}
		},
			writes: []write{{"SetTarget", target(crm.UnitDepartment, idEast, 90000)}, {"SetTarget", target(crm.UnitDepartment, idShanghai, shanghai)},
				{"SetTarget", target(crm.UnitUser, idZhang, zhang)}, {"SetTarget", target(crm.UnitUser, idLi, li)}}}
	}
	even := split("department, split evenly", zh("btn.split_even"), nil, "· 上海组 ¥30,000\n· 张三 ¥30,000\n· 李四 ¥30,000", 30000, 30000, 30000)
	share := split("department, split by share", zh("btn.split_share"), map[int64]int64{idZhang: int64(crm.Yuan(40000)), idLi: int64(crm.Yuan(20000))},
		"· 上海组 ¥30,000\n· 张三 ¥40,000\n· 李四 ¥20,000", 30000, 40000, 20000)
	noHistory := split("department, no history to share by", zh("btn.split_share"), nil,
		zh("target.split_no_history")+"\n· 上海组 ¥30,000\n· 张三 ¥30,000\n· 李四 ¥30,000", 30000, 30000, 30000)
	// A proposal by share adjusted before saving: typed on the card, or
	// after 调整; the card says when the parts no longer add up.
	adjusted := flowCase{name: "department, split adjusted", as: idWang, setup: func(f *fakeCRM) {
		f.actual = map[int64]int64{idZhang: int64(crm.Yuan(40000)), idLi: int64(crm.Yuan(20000))}
		f.deptActual = map[int64]int64{idShanghai: int64(crm.Yuan(30000))}
	}, turns: append(append([]turn{}, upToSplit...),
		turn{press: zh("btn.split_share"), at: "split_confirm"},
		turn{say: "李四 3万", want: []string{zh("target.split_card", "· 上海组 ¥30,000\n· 张三 ¥40,000\n· 李四 ¥30,000\n"+zh("target.split_off", "¥100,000", "¥90,000"))}, at: "split_confirm"},
		turn{press: zh("btn.split_adjust"), want: []string{zh("target.adjust_ask", "上海组")}, at: "split_adjust"},
		turn{say: "王五 1万", want: []string{zh("target.adjust_invalid", "上海组")}, at: "split_adjust", refused: true},
		turn{say: "张三 -5", want: []string{zh("target.money_invalid")}, at: "split_adjust", refused: true},
		turn{say: "张三 3万，上海组：3万", want: []string{zh("target.split_card", "· 上海组 ¥30,000\n· 张三 ¥30,000\n· 李四 ¥30,000")},
			not: []string{zh("target.split_off", "¥100,000", "¥90,000")}, at: "split_confirm"},
		turn{press: "保存", want: []string{zh("target.split_saved")}}),
		writes: []write{{"SetTarget", target(crm.UnitDepartment, idEast, 90000)}, {"SetTarget", target(crm.UnitDepartment, idShanghai, 30000)},
			{"SetTarget", target(crm.UnitUser, idZhang, 30000)}, {"SetTarget", target(crm.UnitUser, idLi, 30000)}}}
	noSplit := flowCase{name: "department, not split", as: idWang, turns: append(append([]turn{}, upToSplit...),
		turn{press: zh("btn.split_none"), want: []string{zh("target.no_split")}}),
		writes: []write{{"SetTarget", target(crm.UnitDepartment, idEast, 90000)}}}
	splitCancelled := flowCase{name: "department, split cancelled", as: idWang, turns: append(append([]turn{}, upToSplit...),
		turn{press: zh("btn.split_even"), at: "split_confirm"},
		turn{press: zh("btn.cancel"), want: []string{zh("target.no_split")}}),
		writes: []write{{"SetTarget", target(crm.UnitDepartment, idEast, 90000)}}}
	// A rep's target that makes the department's sum disagree: warned
	// with what adds up to what.
	rep := flowCase{name: "rep, sum warned", as: idWang, setup: func(f *fakeCRM) {
		f.mismatches = []sales.TargetSum{{Unit: sales.TargetUnit{Kind: crm.UnitDepartment, ID: idEast, Name: "华东销售部"}, Metric: crm.MetricPayments,
			Target: int64(crm.Yuan(100000)), Sum: int64(crm.Yuan(80000)), Parts: []sales.TargetPart{
				{Unit: sales.TargetUnit{Kind: crm.UnitDepartment, ID: idShanghai, Name: "上海组"}, Value: int64(crm.Yuan(50000))},
				{Unit: sales.TargetUnit{Kind: crm.UnitUser, ID: idZhang, Name: "张三"}, Value: int64(crm.Yuan(30000))}}}}
	}, turns: []turn{
		{say: "/target set", at: "unit"},
		{press: "张三", at: "metric"},
		{press: "回款", at: "period"},
		{press: month, at: "value"},
		{say: "3万", want: []string{zh("card.confirm", zh("target.card", "张三", month, "回款", "¥30,000"))}, at: "confirm"},
		{press: "保存", want: []string{zh("target.saved", zh("target.card", "张三", month, "回款", "¥30,000")), zh("target.sum_warning", "华东销售部", "¥80,000", "上海组 ¥50,000、张三 ¥30,000", "¥100,000")}},
	}, writes: []write{{"SetTarget", target(crm.UnitUser, idZhang, 30000)}}}
	count := flowCase{name: "new customers", as: idWang, turns: []turn{
		{say: "/target set", at: "unit"},
		{press: "李四", at: "metric"},
		{press: "新客户", at: "period"},
		{press: "下期 2026年12月", want: []string{zh("target.value_count")}, at: "value"},
		{say: "abc", want: []string{zh("target.count_invalid"), zh("target.value_count")}, at: "value", refused: true},
		{say: "20家", want: []string{zh("card.confirm", zh("target.card", "李四", "下期 2026年12月", "新客户", "20"))}, at: "confirm"},
		{say: "保存", want: []string{zh("target.saved", zh("target.card", "李四", "下期 2026年12月", "新客户", "20"))}},
	}, writes: []write{{"SetTarget", crm.Target{Metric: crm.MetricNewCustomers, Period: crm.PeriodMonth, PeriodStart: "2026-12-01", Unit: crm.UnitUser, UnitID: idLi, Value: 20}}}}
	bad := flowCase{name: "bad input at each step", as: idWang, turns: []turn{
		{say: "/target set", at: "unit"},
		{say: "华东", want: []string{zh("target.pick_unit"), zh("target.unit")}, at: "unit", refused: true},
		{press: "华东销售部", at: "metric"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("target.metric")}, at: "metric", refused: true},
		{press: "回款", at: "period"},
		{say: "本月", want: []string{zh("target.pick_period"), zh("target.period")}, at: "period", refused: true},
		{press: month, at: "value"},
		{say: "-5", want: []string{zh("target.money_invalid"), zh("target.value_money")}, at: "value", refused: true},
		{say: "9999999亿", want: []string{zh("target.too_large")}, at: "value", refused: true},
		{say: "-", want: []string{zh("input.required")}, at: "value", refused: true},
		{say: "9万", at: "confirm"},
		{say: "随便", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{say: "保存", at: "split"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("target.split_ask", "华东销售部")}, at: "split", refused: true},
		{press: zh("btn.split_even"), at: "split_confirm"},
		{say: "随便", want: []string{zh("target.adjust_invalid", "上海组")}, at: "split_confirm", refused: true},
		{say: "保存", want: []string{zh("target.split_saved")}},
	}, writes: even.writes}
	edit := flowCase{name: "edit from the card", as: idWang, turns: []turn{
		{say: "/target set", at: "unit"},
		{press: "张三", at: "metric"},
		{press: "回款", at: "period"},
		{press: month, at: "value"},
		{say: "3万", at: "confirm"},
		{press: zh("btn.edit"), at: "edit"},
		{press: zh("field.unit"), at: "unit"},
		{press: "李四", want: []string{zh("card.confirm", zh("target.card", "李四", month, "回款", "¥30,000"))}, at: "confirm"},
		{press: "保存"},
	}, writes: []write{{"SetTarget", target(crm.UnitUser, idLi, 30000)}}}
	// Another split after /back: no note left from the first.
	resplit := flowCase{name: "split again after /back", as: idWang, turns: append(append([]turn{}, upToSplit...),
		turn{press: zh("btn.split_share"), want: []string{zh("target.split_no_history")}, at: "split_confirm"},
		turn{say: "/back", at: "split"},
		turn{press: zh("btn.split_even"), want: []string{zh("target.split_card", "· 上海组 ¥30,000\n· 张三 ¥30,000\n· 李四 ¥30,000")}, not: []string{zh("target.split_no_history")}, at: "split_confirm"}),
		writes: []write{{"SetTarget", target(crm.UnitDepartment, idEast, 90000)}}}
	runFlow(t, []flowCase{even, share, noHistory, noSplit, rep, count}, splitCancelled, resplit, bad, edit, adjusted)
}
