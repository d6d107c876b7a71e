package conversation_test

import (
	"testing"
)

func TestFlowHandover(t *testing.T) {
	all := flowCase{name: "all", as: idWang, turns: []turn{
		{say: "/handover", want: []string{zh("handover.from"), "[张三]", "[李四]"}, not: []string{"[赵六]", "[钱七]", "[王经理]"}, at: "from"},
		{press: "张三", want: []string{zh("handover.to", "张三"), "[李四]"}, not: []string{"[张三]", "[钱七]", "[赵六]"}, at: "to"},
		{press: "李四", want: []string{zh("handover.which", "张三", 2), "[" + zh("btn.handover_all", 2) + "]"}, at: "which"},
		{press: "全部", want: []string{zh("handover.card", "张三", "李四", zh("handover.all_of", 2))}, at: "confirm", calls: []string{}},
		{press: zh("btn.handover_do"), want: []string{zh("handover.done", 2, "张三", "李四", 1, 1, 0, 1)}, calls: []string{"Handover"}},
	}, writes: []write{{"Handover", handArgs{idZhang, idLi, nil}}}}
	some := flowCase{name: "some", as: idWang, turns: []turn{
		{say: "/handover", at: "from"},
		{press: "张三", at: "to"},
		{press: "李四", at: "which"},
		{press: zh("btn.handover_some"), want: []string{zh("handover.pick")}, at: "pick"},
		{say: "瑞丰，青禾、瑞丰", want: []string{zh("handover.card", "张三", "李四", "瑞丰机械有限公司、北京青禾新锐科技有限公司")}, at: "confirm"},
		{say: "确认", want: []string{zh("handover.done", 2, "张三", "李四", 1, 1, 0, 1)}},
	}, writes: []write{{"Handover", handArgs{idZhang, idLi, []int64{custRuifeng, custQinghe}}}}}
	// From deactivation: "/handover 张三" names who leaves.
	named := flowCase{name: "named with the command", as: idBoss, turns: []turn{
		{say: "/handover 张三", want: []string{zh("handover.to", "张三"), "[王经理]", "[李四]", "[赵六]"}, at: "to"},
		{press: "赵六", at: "which"},
		{press: zh("btn.handover_some"), at: "pick"},
		{say: "瑞丰", want: []string{zh("handover.card", "张三", "赵六", "瑞丰机械有限公司")}, at: "confirm"},
		{press: zh("btn.handover_do"), want: []string{zh("handover.done", 1, "张三", "赵六", 1, 1, 0, 1)}},
	}, writes: []write{{"Handover", handArgs{idZhang, idZhao, []int64{custRuifeng}}}}}
	unknown := flowCase{name: "named, unknown", as: idWang, turns: []turn{
		{say: "/handover 不存在", want: []string{zh("handover.no_user", "不存在")}},
	}}
	bad := flowCase{name: "bad input at each step", as: idWang, turns: []turn{
		{say: "/handover", at: "from"},
		{say: "不存在", want: []string{zh("handover.no_user", "不存在"), zh("handover.from")}, at: "from", refused: true},
		{say: "赵六", want: []string{zh("handover.not_yours", "赵六")}, at: "from", refused: true},
		{say: "老板", want: []string{zh("handover.not_yours", "老板")}, at: "from", refused: true},
		{say: "张三", at: "to"},
		{say: "钱七", want: []string{zh("handover.inactive", "钱七"), zh("handover.to", "张三")}, at: "to", refused: true},
		{say: "张三", want: []string{zh("handover.no_user", "张三")}, at: "to", refused: true},
		{say: "李四", at: "which"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("handover.which", "张三", 2)}, at: "which", refused: true},
		{press: zh("btn.handover_some"), at: "pick"},
		{say: "有限公司", want: []string{zh("handover.pick_unclear", "有限公司"), zh("handover.pick")}, at: "pick", refused: true},
		{say: "瑞丰，恒通", want: []string{zh("handover.pick_unclear", "恒通")}, at: "pick", refused: true},
		{say: "，", want: []string{zh("handover.pick_unclear", "，")}, at: "pick", refused: true},
		{say: "青禾", at: "confirm"},
		{say: "随便", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{say: "修改", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{press: zh("btn.cancel"), want: []string{zh("flow.cancelled")}},
	}}
	// Someone with no customers: nothing to move.
	nothing := flowCase{name: "nobody's customers left", as: idWang, turns: []turn{
		{say: "/handover 钱七", at: "to"},
		{press: "李四", want: []string{zh("handover.which", "钱七", 0)}, at: "which"},
		{press: "全部", want: []string{zh("handover.nothing")}},
	}}
	runFlow(t, []flowCase{all, some, named}, unknown, bad, nothing)
}
