package bot

import "github.com/salesbot-crm/salesbot/crm"

var (
	managers = []crm.Role{crm.RoleManager, crm.RoleAdmin}
	admins   = []crm.Role{crm.RoleAdmin}
)

// commandTable is the one list of commands, in the order of /help: a new
// command is one file (its row, a Command value, and its handler) and one
// line here. The same table drives routing, /help, Telegram's command menu
// and the WeCom keywords.
func commandTable() []Command {
	return []Command{
		startCommand,
		helpCommand,
		newCommand,
		visitCommand,
		checkinCommand,
		stageCommand,
		payCommand,
		apptCommand,
		complaintCommand,
		findCommand,
		myCommand,
		customerCommand,
		filesCommand,
		poolCommand,
		reportCommand,
		commentCommand,
		targetCommand,
		statsCommand,
		teamCommand,
		snoozeCommand,
		contactedCommand,
		exportCommand,
		todayCommand,
		handoverCommand,
		transferCommand,
		inviteCommand,
		groupCommand,
		adminCommand,
		langCommand,
		cancelCommand,
		backCommand,
	}
}
