package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// startCommand binds a chat account with an invite code, or welcomes back.
var startCommand = Command{Name: "start", Keyword: "开始", Public: true, HelpKey: "help.start", Usage: "usage.start", Run: runStart}

// runStart binds a chat account with an invite code, or greets.
func runStart(ctx context.Context, r *Request, s *Services) error {
	code := strings.TrimSpace(r.Args)
	if r.Bound() {
		if code != "" {
			r.Sayf("start.already_bound", r.User.Name)
			return nil
		}
		r.Sayf("start.welcome_back", r.User.Name)
		return runHelp(ctx, r, s)
	}
	if code == "" {
		r.Sayf("auth.onboarding")
		return nil
	}
	// Codes cannot be guessed: after a few failed tries a chat (and, under
	// a crowd of chats, everyone) waits before the next try is even read.
	red, err := s.Sales.RedeemInvite(ctx, code, crm.Identity{Channel: r.Channel, ExternalID: r.UserID, ChatID: r.ChatID},
		r.UserName, conversation.NormalizeLang(r.LangCode, s.DefaultLang), r.Now)
	if err != nil {
		var ce *crm.Error
		switch {
		case red.Refused:
			s.Logger.Warn("invite redemption refused: too many failed attempts", "channel", r.Channel, "chat_id", r.ChatID,
				"chat_failures", red.Attempts.Chat, "global_failures", red.Attempts.Global)
		case errors.As(err, &ce):
			s.Logger.Warn("invite redemption failed", "channel", r.Channel, "chat_id", r.ChatID, "reason", ce.Key,
				"chat_failures", red.Attempts.Chat+1)
		}
		return err
	}
	u := red.Viewer.User
	r.User, r.Viewer = u, red.Viewer
	if u.Locale != "" {
		r.Lang = u.Locale
	}
	dept, err := s.Sales.DepartmentName(ctx, u.DeptID)
	if err != nil {
		return err
	}
	if dept == "" {
		dept = r.T("start.no_dept")
	}
	r.Sayf("start.bound", u.Name, dept, r.T("role."+string(u.Role)))
	return nil
}
