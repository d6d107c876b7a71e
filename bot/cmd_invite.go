package bot

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

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

// cmdInvite creates a one-time invite code: "/invite [rep|manager|admin]".
// Managers invite into their own department and may not create admins.
func (b *Bot) cmdInvite(ctx context.Context, r *Request) error {
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
	inv, err := b.opt.Sales.CreateInvite(ctx, r.Viewer, NewInviteCode(), role, r.Now)
	if err != nil {
		return err
	}
	text := r.T("invite.created", r.T("role."+string(role)), inv.Code, inv.Code)
	if b.opt.BotUsername != "" {
		text += "\n" + r.T("invite.link", "https://t.me/"+b.opt.BotUsername+"?start="+inv.Code)
	}
	r.Say(crm.Message{Text: text})
	return nil
}
