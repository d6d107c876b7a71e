package bot

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// Command is one row of the command table: it drives routing, /help,
// Telegram's command menu and the WeCom keywords.
type Command struct {
	Name    string   // without "/"
	Keyword string   // the Chinese keyword (WeCom, console)
	Aliases []string // more keywords
	// Roles that may use it; nil for every bound user.
	Roles []crm.Role
	// Public commands work for people who are not bound yet.
	Public bool
	// InGroup commands work in group chats.
	InGroup bool
	// Hidden commands are reached through buttons (their values are
	// command lines) and are left out of /help and the platform menus.
	Hidden bool
	// HelpKey names the catalogue entry of its one-line help.
	HelpKey string
	// Usage names the catalogue entry of the arguments, if any.
	Usage string
	// Run handles the command: a plain function of the request and the
	// services; an error becomes a reply through OnError.
	Run func(ctx context.Context, r *Request, s *Services) error
}

// Allowed reports whether role may use the command.
func (c *Command) Allowed(role crm.Role) bool {
	if len(c.Roles) == 0 {
		return true
	}
	for _, r := range c.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// keywordsOn reports whether a channel takes bare keywords as commands:
// WeCom (as SPEC says) and the console, where typing "/" is awkward for no one
// but keywords read naturally.
func keywordsOn(channel string) bool { return channel != "telegram" }

// route decides what an update is: a command, an answer to a form, a menu
// button, or chatter.
func (b *Bot) route(ctx context.Context, r *Request) error {
	env := b.svc.env(r)
	text := strings.TrimSpace(r.Text)

	cmd, args := b.lookup(r, text)
	if r.Group {
		return b.routeGroup(ctx, r, cmd, args)
	}
	if !r.Bound() {
		if cmd != nil && cmd.Public {
			return b.run(ctx, r, cmd, args)
		}
		r.Sayf("auth.onboarding")
		return nil
	}
	// Field inputs: a spreadsheet imports; a photo or another file is kept
	// with a customer; a location checks in; a contact card is filed.
	switch {
	case r.Document != nil && sheetFile(r.Document.Name):
		r.Command = "import"
		return b.svc.importDocument(ctx, r)
	case r.Document != nil:
		return b.svc.keepFile(ctx, r, r.Document)
	case r.Photo != nil:
		return b.svc.keepFile(ctx, r, r.Photo)
	case r.Location != nil:
		out, err := b.engine.Locate(ctx, env, *r.Location, r.Place)
		return say(r, out, err)
	case r.Voice != nil:
		text, ok := b.svc.hear(ctx, r)
		if !ok {
			return nil
		}
		// What was said is read as if it were typed.
		r.Voice, r.Text = nil, text
		return b.route(ctx, r)
	case r.Card != nil:
		out, err := b.engine.StartWith(ctx, env, "contact", "", conversation.CardFields(*r.Card))
		return say(r, out, err)
	}
	if r.Media != "" && text == "" {
		// Never silent: say what the bot reads; a form in progress stays.
		r.Sayf("input.media", r.T("media."+r.Media))
		return nil
	}
	if cmd != nil {
		return b.run(ctx, r, cmd, args)
	}
	if strings.HasPrefix(text, "/") && r.Button == "" {
		r.Sayf("command.unknown", text)
		return nil
	}
	out, run, handled, err := b.engine.Continue(ctx, env, r.Text, r.Button)
	if err != nil {
		return err
	}
	for _, m := range out {
		r.Say(m)
	}
	if run != "" { // a follow-up button: run its command line
		r.Button = ""
		r.Text = run
		if c, a := b.lookup(r, run); c != nil {
			return b.run(ctx, r, c, a)
		}
		return nil
	}
	if handled {
		return nil
	}
	if r.Button != "" {
		r.Sayf("button.stale")
		return nil
	}
	// A plain sentence is read as the commands read their arguments
	// (SPEC "One message is enough"): a card to confirm, never a save.
	out, run, handled, err = b.engine.Propose(ctx, env, text)
	if err != nil {
		return err
	}
	for _, m := range out {
		r.Say(m)
	}
	if run != "" {
		r.Text = run
		if c, a := b.lookup(r, run); c != nil {
			return b.run(ctx, r, c, a)
		}
		return nil
	}
	if !handled {
		r.Sayf("chat.hint")
	}
	return nil
}

// lookup finds the command a text invokes: "/name args", or (where the
// channel takes them, and only outside a form) a keyword.
func (b *Bot) lookup(r *Request, text string) (*Command, string) {
	if r.Button != "" {
		return nil, ""
	}
	if name, args, ok := parseCommand(text); ok {
		return b.byName[name], args
	}
	if !keywordsOn(r.Channel) || text == "" {
		return nil, ""
	}
	word, args, _ := strings.Cut(text, " ")
	c := b.byWord[word]
	if c == nil {
		return nil, ""
	}
	// Mid-form a keyword is an answer ("拜访 王总" may be the content asked
	// for); only the exact word alone, or a form-steering word, interrupts.
	if args != "" {
		if s, _ := b.engine.Active(context.Background(), b.svc.env(r)); s.InForm() {
			return nil, ""
		}
	}
	if word != c.Keyword { // an alias says something the handler needs (周报 → week)
		args = strings.TrimSpace(word + " " + args)
	}
	return c, strings.TrimSpace(args)
}

func (b *Bot) run(ctx context.Context, r *Request, c *Command, args string) error {
	r.Command, r.Args = c.Name, args
	if r.Bound() && !c.Allowed(r.User.Role) {
		key := "auth.forbidden_command"
		if !c.Allowed(crm.RoleManager) {
			key = "auth.admin_only_command"
		}
		r.Sayf(key, "/"+c.Name)
		return nil
	}
	return c.Run(ctx, r, b.svc)
}

// routeGroup answers in group chats only what is meant for groups; private
// commands are sent back to the private chat, and chatter is ignored.
func (b *Bot) routeGroup(ctx context.Context, r *Request, cmd *Command, args string) error {
	if cmd == nil {
		return nil
	}
	if !cmd.InGroup {
		if r.Addressed || strings.HasPrefix(r.Text, "/") {
			r.Sayf("group.private_only")
		}
		return nil
	}
	return b.run(ctx, r, cmd, args)
}

// MenuEntry is one command for a platform's command menu.
type MenuEntry struct {
	Command     string
	Description string
}

// Menu lists the commands for a platform menu (Telegram's setMyCommands) in
// lang: the commands a bound rep uses, from the same table as routing.
func (b *Bot) Menu(lang string) []MenuEntry {
	var out []MenuEntry
	for _, c := range b.commands {
		if c.Name == "start" || len(c.Roles) > 0 || c.Hidden {
			continue
		}
		out = append(out, MenuEntry{Command: c.Name, Description: conversation.T(lang, c.HelpKey)})
	}
	return out
}

// Keywords maps each Chinese keyword to its command name (WeCom).
func (b *Bot) Keywords() map[string]string {
	out := make(map[string]string, len(b.byWord))
	for w, c := range b.byWord {
		out[w] = c.Name
	}
	return out
}
