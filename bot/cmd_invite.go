package bot

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// inviteCommand makes a one-time invite code.
var inviteCommand = Command{Name: "invite", Keyword: "邀请", Roles: managers, HelpKey: "help.invite", Usage: "usage.invite", Run: runInvite}

// inviteAlphabet avoids letters and digits people confuse (0/O, 1/I/L).
const inviteAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// NewInviteCode returns a random 8-character code.
func NewInviteCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)]
	}
	return string(b)
}

// runInvite creates a one-time invite code: "/invite [rep|manager|admin]".
// Managers invite into their own department and may not create admins.
func runInvite(ctx context.Context, r *Request, s *Services) error {
	role := crm.RoleRep
	args := strings.Fields(strings.ToLower(r.Args))
	if len(args) > 0 {
		switch args[0] {
		case "rep", "销售":
			role = crm.RoleRep
		case "manager", "主管", "经理":
			role = crm.RoleManager
		case "admin", "管理员":
			role = crm.RoleAdmin
		default:
			r.Sayf("invite.usage")
			return nil
		}
	}
	inv, err := s.Sales.CreateInvite(ctx, r.Viewer, NewInviteCode(), role, r.Now)
	if err != nil {
		return err
	}
	text := r.T("invite.created", r.T("role."+string(role)), inv.Code, inv.Code)
	if name := s.BotUsername(); name != "" {
		text += "\n" + r.T("invite.link", "https://t.me/"+name+"?start="+inv.Code)
	}
	r.Say(crm.Message{Text: text})
	return nil
}
