package bot

import "github.com/salesbot-crm/salesbot/crm"

var (
	managers = []crm.Role{crm.RoleManager, crm.RoleAdmin}
	admins   = []crm.Role{crm.RoleAdmin}
)

// commandTable is the one list of commands. A new command is one file with
// its handler and one row here.
func commandTable(b *Bot) []*Command {
	return []*Command{
		{Name: "start", Keyword: "开始", Public: true, HelpKey: "help.start", Usage: "usage.start", Handler: b.cmdStart},
		{Name: "help", Keyword: "帮助", Public: true, InGroup: true, HelpKey: "help.help", Handler: b.cmdHelp},
		{Name: "new", Keyword: "新客户", HelpKey: "help.new", Handler: b.flow("new")},
		{Name: "visit", Keyword: "拜访", HelpKey: "help.visit", Usage: "usage.customer", Handler: b.flow("visit")},
		{Name: "stage", Keyword: "阶段", HelpKey: "help.stage", Usage: "usage.customer", Handler: b.flow("stage")},
		{Name: "pay", Keyword: "回款", HelpKey: "help.pay", Usage: "usage.customer", Handler: b.flow("pay")},
		{Name: "appt", Keyword: "约会", HelpKey: "help.appt", Usage: "usage.customer", Handler: b.flow("appt")},
		{Name: "complaint", Keyword: "投诉", HelpKey: "help.complaint", Usage: "usage.customer", Handler: b.flow("complaint")},
		{Name: "find", Keyword: "查找", HelpKey: "help.find", Usage: "usage.find", Handler: b.cmdFind},
		{Name: "my", Keyword: "我的客户", HelpKey: "help.my", Handler: b.cmdMy},
		{Name: "customer", Keyword: "客户", HelpKey: "help.customer", Usage: "usage.customer", Handler: b.cmdCustomer},
		{Name: "report", Keyword: "日报", Aliases: []string{"周报", "月报"}, HelpKey: "help.report", Usage: "usage.report", Handler: b.cmdReport},
		{Name: "comment", Keyword: "点评", Roles: managers, Hidden: true, HelpKey: "help.comment", Usage: "usage.comment", Handler: b.cmdComment},
		{Name: "target", Keyword: "目标", HelpKey: "help.target", Usage: "usage.target", Handler: b.cmdTarget},
		{Name: "stats", Keyword: "统计", HelpKey: "help.stats", Usage: "usage.stats", Handler: b.cmdStats},
		{Name: "team", Keyword: "团队", Roles: managers, HelpKey: "help.team", Handler: b.cmdTeam},
		{Name: "snooze", Hidden: true, HelpKey: "help.snooze", Handler: b.cmdSnooze},
		{Name: "contacted", Hidden: true, HelpKey: "help.contacted", Handler: b.cmdContacted},
		{Name: "export", Keyword: "导出", HelpKey: "help.export", Usage: "usage.export", Handler: b.cmdExport},
		{Name: "today", Keyword: "工作台", HelpKey: "help.today", Handler: b.cmdToday},
		{Name: "handover", Keyword: "交接", Roles: managers, HelpKey: "help.handover", Usage: "usage.handover", Handler: b.flow("handover")},
		{Name: "transfer", Keyword: "转移", Hidden: true, HelpKey: "help.transfer", Handler: b.cmdTransfer},
		{Name: "invite", Keyword: "邀请", Roles: managers, HelpKey: "help.invite", Usage: "usage.invite", Handler: b.cmdInvite},
		{Name: "group", Keyword: "群", Roles: managers, Public: true, InGroup: true, HelpKey: "help.group", Handler: b.cmdGroup},
		{Name: "admin", Keyword: "管理", Roles: admins, HelpKey: "help.admin", Usage: "usage.admin", Handler: b.cmdAdmin},
		{Name: "lang", Keyword: "语言", Public: true, HelpKey: "help.lang", Usage: "usage.lang", Handler: b.cmdLang},
		{Name: "cancel", Keyword: "取消", HelpKey: "help.cancel", Handler: b.cmdCancel},
		{Name: "back", Keyword: "返回", HelpKey: "help.back", Handler: b.cmdBack},
	}
}
