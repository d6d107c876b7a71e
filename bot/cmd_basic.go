package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// cmdStart binds a chat account with an invite code, or greets.
func (b *Bot) cmdStart(ctx context.Context, r *Request) error {
	code := strings.TrimSpace(r.Args)
	if r.Bound() {
		if code != "" {
			r.Sayf("start.already_bound", r.User.Name)
			return nil
		}
		r.Sayf("start.welcome_back", r.User.Name)
		return b.cmdHelp(ctx, r)
	}
	if code == "" {
		r.Sayf("auth.onboarding")
		return nil
	}
	// Codes cannot be guessed: after a few failed tries a chat (and, under
	// a crowd of chats, everyone) waits before the next try is even read.
	red, err := b.opt.Sales.RedeemInvite(ctx, code, crm.Identity{Channel: r.Channel, ExternalID: r.UserID, ChatID: r.ChatID},
		r.UserName, conversation.NormalizeLang(r.LangCode, b.opt.DefaultLang), r.Now)
	if err != nil {
		var ce *crm.Error
		switch {
		case red.Refused:
			b.opt.Logger.Warn("invite redemption refused: too many failed attempts", "channel", r.Channel, "chat_id", r.ChatID,
				"chat_failures", red.Attempts.Chat, "global_failures", red.Attempts.Global)
		case errors.As(err, &ce):
			b.opt.Logger.Warn("invite redemption failed", "channel", r.Channel, "chat_id", r.ChatID, "reason", ce.Key,
				"chat_failures", red.Attempts.Chat+1)
		}
		return err
	}
	u := red.Viewer.User
	r.User, r.Viewer = u, red.Viewer
	if u.Locale != "" {
		r.Lang = u.Locale
	}
	dept, err := b.opt.Sales.DepartmentName(ctx, u.DeptID)
	if err != nil {
		return err
	}
	if dept == "" {
		dept = r.T("start.no_dept")
	}
	r.Sayf("start.bound", u.Name, dept, r.T("role."+string(u.Role)))
	return nil
}

// cmdHelp lists the commands the user's role may use.
func (b *Bot) cmdHelp(ctx context.Context, r *Request) error {
	var sb strings.Builder
	sb.WriteString(r.T("help.title"))
	for _, c := range b.commands {
		if c.Hidden || (!r.Bound() && !c.Public) {
			continue
		}
		if r.Bound() && !c.Allowed(r.User.Role) {
			continue
		}
		if r.Group && !c.InGroup {
			continue
		}
		sb.WriteString("\n/")
		sb.WriteString(c.Name)
		if c.Usage != "" {
			sb.WriteString(" " + r.T(c.Usage))
		}
		if keywordsOn(r.Channel) && c.Keyword != "" {
			sb.WriteString("（" + c.Keyword + "）")
		}
		sb.WriteString(" — " + r.T(c.HelpKey))
	}
	sb.WriteString("\n\n" + r.T("help.footer"))
	r.Say(crm.Message{Text: sb.String()})
	return nil
}

// cmdLang switches the reply language.
func (b *Bot) cmdLang(ctx context.Context, r *Request) error {
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	var lang string
	switch arg {
	case "zh", "cn", "中文", "chinese":
		lang = conversation.LangZH
	case "en", "english", "英文", "英语":
		lang = conversation.LangEN
	case "":
		if r.Lang == conversation.LangZH {
			lang = conversation.LangEN
		} else {
			lang = conversation.LangZH
		}
	default:
		r.Sayf("lang.usage")
		return nil
	}
	if r.Bound() {
		if err := b.opt.Sales.SetLocale(ctx, r.Viewer, lang); err != nil {
			return err
		}
	}
	r.Lang = lang
	r.Sayf("lang.set")
	return nil
}

func (b *Bot) cmdCancel(ctx context.Context, r *Request) error {
	out, err := b.engine.Cancel(ctx, b.env(r))
	for _, m := range out {
		r.Say(m)
	}
	return err
}

func (b *Bot) cmdBack(ctx context.Context, r *Request) error {
	out, err := b.engine.Back(ctx, b.env(r))
	for _, m := range out {
		r.Say(m)
	}
	return err
}

// flow returns a handler that starts a form with the command's arguments.
func (b *Bot) flow(name string) Handler {
	return func(ctx context.Context, r *Request) error {
		out, err := b.engine.Start(ctx, b.env(r), name, r.Args)
		for _, m := range out {
			r.Say(m)
		}
		return err
	}
}
