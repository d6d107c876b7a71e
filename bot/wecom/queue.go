package wecom

import "github.com/salesbot-crm/salesbot/crm"

// perMemberQueue is how many callbacks of one member may wait: more from a
// flooding member are dropped (with one notice), not queued ahead of
// others (bot.ChatQueue: members take turns).
const perMemberQueue = 10

// job is one acknowledged callback waiting to be handled.
type job struct {
	user string
	in   inbound
	key  string // kept in the inbox until answered
	// stored are the replies of a job handled by a process that stopped
	// before they went out: they are delivered, the update not handled again.
	stored *storedReplies
}

// storedReplies are a handled callback's replies kept in the inbox until
// delivered (bot.Inbox.Handled).
type storedReplies struct {
	Lang    string        `json:"lang"`
	Replies []crm.Message `json:"replies"`
}
