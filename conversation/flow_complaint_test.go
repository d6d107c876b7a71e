package conversation_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
)

func TestFlowComplaint(t *testing.T) {
	const ruifeng = "瑞丰机械有限公司"
	add := flowCase{name: "add", as: idZhang, turns: []turn{
		{say: "/complaint", want: []string{zh("complaint.action"), "[" + zh("btn.complaint_new") + "]", "[" + zh("btn.complaint_close") + "]"}, at: "action", calls: []string{}},
		{press: zh("btn.complaint_new"), want: []string{zh("pick.prompt")}, at: "customer"},
		{press: "瑞丰", want: []string{zh("complaint.content", ruifeng)}, at: "content"},
		{say: "发货延迟", want: []string{zh("card.confirm", ruifeng+"\n发货延迟")}, at: "confirm"},
		{press: "保存", want: []string{zh("complaint.saved", ruifeng)}, calls: []string{"AddComplaint"}},
	}, writes: []write{{"AddComplaint", crm.Complaint{CustomerID: custRuifeng, UserID: idZhang, Content: "发货延迟"}}}}
	addNamed := flowCase{name: "add, named with the command", as: idZhang, turns: []turn{
		{say: "/complaint 瑞丰", want: []string{zh("complaint.content", ruifeng)}, at: "content"},
		{say: "发货延迟", at: "confirm"},
		{press: zh("btn.edit"), want: []string{zh("complaint.content", ruifeng)}, at: "content"},
		{say: "发货延迟两周", want: []string{zh("card.confirm", ruifeng+"\n发货延迟两周")}, at: "confirm"},
		{say: "保存", want: []string{zh("complaint.saved", ruifeng)}},
	}, writes: []write{{"AddComplaint", crm.Complaint{CustomerID: custRuifeng, UserID: idZhang, Content: "发货延迟两周"}}}}
	closeIt := flowCase{name: "close", as: idZhang, turns: []turn{
		{say: "/complaint close", want: []string{zh("complaint.which"), "[" + ruifeng + "：发票错误]"}, at: "which"},
		{press: ruifeng, want: []string{zh("complaint.resolution")}, at: "resolution", calls: []string{"Complaint"}},
		{say: "已重开发票", want: []string{zh("complaint.closed_ok", ruifeng)}, calls: []string{"CloseComplaint"}},
	}, writes: []write{{"CloseComplaint", closeArgs{complaintRuifeng, "已重开发票", testNow}}}}
	closeFromAction := flowCase{name: "close, chosen", as: idWang, turns: []turn{
		{say: "/complaint", at: "action"},
		{press: zh("btn.complaint_close"), want: []string{zh("complaint.which")}, at: "which"},
		{press: "发票错误", at: "resolution"},
		{say: "-", want: []string{zh("complaint.closed_ok", ruifeng)}},
	}, writes: []write{{"CloseComplaint", closeArgs{complaintRuifeng, "", testNow}}}}
	noneOpen := flowCase{name: "none open", as: idZhao, turns: []turn{
		{say: "/complaint close", want: []string{zh("complaint.none_open")}},
	}}
	bad := flowCase{name: "bad input at each step", as: idZhang, turns: []turn{
		{say: "/complaint", at: "action"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("complaint.action")}, at: "action", refused: true},
		{say: "记录", at: "customer"},
		{say: "机械", at: "content"},
		{say: "-", want: []string{zh("input.required"), zh("complaint.content", ruifeng)}, at: "content", refused: true},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "content", refused: true},
		{say: "发货延迟", at: "confirm"},
		{say: "随便", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{say: "/complaint close", want: []string{zh("flow.unsaved", "投诉：瑞丰机械"), "[" + zh("btn.resume") + "]"}, at: "confirm"},
		{press: zh("btn.restart"), at: "which"},
		{say: "随便", want: []string{zh("input.pick_button"), zh("complaint.which")}, at: "which", refused: true},
		{say: "1", want: []string{zh("input.pick_button")}, at: "which", refused: true},
		{press: "发票", at: "resolution"},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long"), zh("complaint.resolution")}, at: "resolution", refused: true},
		{say: "已处理", want: []string{zh("complaint.closed_ok", ruifeng)}},
	}, writes: []write{{"CloseComplaint", closeArgs{complaintRuifeng, "已处理", testNow}}}}
	// Closed by someone else while the form was open.
	closedMeanwhile := flowCase{name: "closed meanwhile", as: idZhang, turns: []turn{
		{say: "/complaint close", at: "which"},
		{press: "发票", at: "resolution"},
		{say: "已处理", want: []string{zh("complaint.closed")}, at: "resolution", refused: true,
			before: func(f *fakeCRM) { f.complaints[0].Status = crm.ComplaintClosed }},
	}}
	runFlow(t, []flowCase{add, closeIt, closeFromAction}, addNamed, noneOpen, bad, closedMeanwhile)
}
