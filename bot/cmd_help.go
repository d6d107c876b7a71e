package bot

import (
	"context"
	"github.com/salesbot-crm/salesbot/conversation"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// helpCommand lists the commands the user's role may use.
var helpCommand = Command{Name: "help", Keyword: "帮助", Public: true, InGroup: true, HelpKey: "help.help", Run: runHelp}

// runHelp lists the commands the user's role may use.
func runHelp(ctx context.Context, r *Request, s *Services) error {
	var sb strings.Builder
	sb.WriteString(r.T("help.title"))
	for _, c := range s.commands {
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
			sb.WriteString(conversation.Aside(r.Lang, c.Keyword))
		}
		sb.WriteString(" — " + r.T(c.HelpKey))
	}
	sb.WriteString("\n\n" + r.T("help.footer"))
	r.Say(crm.Message{Text: sb.String()})
	return nil
}
