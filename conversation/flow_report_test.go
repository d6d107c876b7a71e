package conversation_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// What bot starts the report flow with: the computed part.
func reportSeed(existing bool) map[string]map[string]string {
	seed := map[string]string{conversation.ReportKind: "day", conversation.ReportStart: "2026-11-29",
		conversation.ReportObjective: `{"new":2}`, conversation.ReportSummary: "张三，今天的日报：\n客观：新增客户 2（瑞丰机械、恒通物流）· 拜访 4"}
	if existing {
		seed[conversation.ReportExisting] = "1"
	}
	return map[string]map[string]string{"report": seed}
}

func TestFlowReport(t *testing.T) {
	const text = "金桥对价格敏感，明天约技术交流；恒通需要先出报价。"
	filed := write{"SaveReport", crm.Report{UserID: idZhang, Kind: crm.PeriodDay, PeriodStart: "2026-11-29", Objective: `{"new":2}`, Text: text}}
	happy := flowCase{name: "file", as: idZhang, seeds: reportSeed(false), turns: []turn{
		{say: "/report", want: []string{"张三，今天的日报：\n客观：新增客户 2（瑞丰机械、恒通物流）· 拜访 4\n" + zh("report.ask_day")}, not: []string{zh("report.replaces")}, at: "text"},
		{say: text, want: []string{zh("report.saved_day")}, calls: []string{"SaveReport"}},
	}, writes: []write{filed}}
	again := flowCase{name: "file again", as: idZhang, seeds: reportSeed(true), turns: []turn{
		{say: "/report", want: []string{zh("report.ask_day") + zh("report.replaces")}, at: "text"},
		{say: text, want: []string{zh("report.saved_day")}},
	}, writes: []write{filed}}
	bad := flowCase{name: "bad input", as: idZhang, seeds: reportSeed(false), turns: []turn{
		{say: "/report", at: "text"},
		{say: "-", want: []string{zh("input.required"), zh("report.ask_day")}, at: "text", refused: true},
		{say: "", want: []string{zh("input.empty")}, at: "text", refused: true},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "text", refused: true},
		{say: "/back", want: []string{zh("flow.at_first_step"), zh("report.ask_day")}, at: "text"},
		{say: text, want: []string{zh("report.saved_day")}},
	}, writes: []write{filed}}
	runFlow(t, []flowCase{happy, again}, bad)
}

func TestFlowComment(t *testing.T) {
	seeds := func(id string) map[string]map[string]string {
		return map[string]map[string]string{"comment": {conversation.ReportID: id, conversation.ReportRepName: "张三"}}
	}
	happy := flowCase{name: "comment", as: idWang, seeds: seeds("1"), turns: []turn{
		{say: "/comment", want: []string{zh("report.comment_ask", "张三")}, at: "comment"},
		{say: "很好，记得带样品。", want: []string{zh("report.comment_saved", "张三")}, calls: []string{"CommentReport"}},
	}, writes: []write{{"CommentReport", commentArgs{reportZhang, "很好，记得带样品。", testNow}}}}
	bad := flowCase{name: "bad input", as: idWang, seeds: seeds("1"), turns: []turn{
		{say: "/comment", at: "comment"},
		{say: "-", want: []string{zh("input.required"), zh("report.comment_ask", "张三")}, at: "comment", refused: true},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "comment", refused: true},
		{say: "取消", want: []string{zh("flow.cancelled")}},
	}}
	// Another department's report: refused by the use case, nothing saved.
	notYours := flowCase{name: "not the manager's team", as: idWang, seeds: seeds("2"), turns: []turn{
		{say: "/comment", at: "comment"},
		{say: "很好", want: []string{zh("report.not_yours")}, at: "comment"},
	}, setup: func(f *fakeCRM) {
		f.reports = append(f.reports, crm.Report{ID: 2, UserID: idZhao, Kind: crm.PeriodDay, PeriodStart: "2026-11-29"})
	}}
	runFlow(t, []flowCase{happy}, bad, notYours)
}
