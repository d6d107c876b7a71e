// Package bot is the channel-neutral core: updates in, messages out, one
// command table that drives routing, /help, Telegram's command menu and the
// WeCom keywords, and the middleware every update passes through. Channel
// adapters (bot/console, bot/telegram, bot/wecom) only translate.
package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// Update is one thing a person did in a chat: a message or a button press.
type Update struct {
	Channel   string // "console", "telegram", "wecom"
	ChatID    string
	Group     bool   // a group chat, not a private one
	Addressed bool   // in a group: the message names the bot
	UserID    string // the platform's user id
	UserName  string // display name from the platform profile
	LangCode  string // the platform's language code, if any
	Text      string
	Button    string    // the pressed button's data ("" for a message)
	Document  *Document // a file the person sent, if any
	// Media is the kind of a message without text the bot cannot use yet
	// ("photo", "sticker", "voice", "location", …): it is answered, not
	// met with silence.
	Media string
	// Location is a location the person sent (a Telegram location or
	// venue, a WeCom location message): a check-in (签到). Place is the
	// venue's or the map label's name, if any.
	Location *crm.Location
	Place    string
	// Card is a contact card the person shared (Telegram contact).
	Card *crm.Card
	// Photo is a picture the person sent (Text holds its caption).
	Photo *Document
	// Voice is a voice note (Telegram OGG/Opus, WeCom AMR).
	Voice *Document
	// Thread is the forum topic the message came from (Telegram's
	// message_thread_id): replies go back to it.
	Thread string
}

// Document is a file sent in a chat; Fetch downloads it (only when the bot
// uses it).
type Document struct {
	Name  string
	Size  int
	Fetch func(ctx context.Context) ([]byte, error)
}

// Request is an update being handled: who sent it and what they said.
type Request struct {
	Update
	User    crm.User // zero when the sender is not bound
	Viewer  crm.Viewer
	Lang    string
	Now     time.Time
	Command string // the command name, without "/"
	Args    string // what followed the command
	replies []crm.Message
}

// Bound reports whether the sender is a bound, active user.
func (r *Request) Bound() bool { return r.User.ID != 0 }

// Say adds a reply.
func (r *Request) Say(m crm.Message) { r.replies = append(r.replies, m) }

// Sayf adds a text reply from the catalogue.
func (r *Request) Sayf(key string, args ...any) {
	r.Say(crm.Message{Text: conversation.T(r.Lang, key, args...)})
}

// T formats a catalogue entry in the request's language.
func (r *Request) T(key string, args ...any) string { return conversation.T(r.Lang, key, args...) }

// Replies returns what has been said so far.
func (r *Request) Replies() []crm.Message { return r.replies }

// Handler handles a request; an error becomes a reply through OnError.
type Handler func(ctx context.Context, r *Request) error

// Middleware wraps a handler.
type Middleware func(Handler) Handler

// Store is what the bot keeps itself: the forms' state and the durable
// inbox. Customer data is reached only through the use cases (Sales).
type Store interface {
	crm.StateStore
	crm.InboxStore
	crm.UpdateStore
}

// Options configures a Bot.
type Options struct {
	// Store keeps the bot's own bookkeeping: forms' state and the inbox.
	Store Store
	// Sales runs every act on the CRM's data.
	Sales *sales.Service
	// Sheets reads and writes the spreadsheets sent and asked for in chat.
	Sheets      crm.Spreadsheets
	Logger      *slog.Logger
	Now         func() time.Time
	Location    *time.Location
	DefaultLang string
	StaleDays   int
	// Pool are the pool's numbers (config pool.*); zero: SPEC's defaults.
	Pool crm.PoolRules
	// BotUsername is the Telegram bot's username, for deep links.
	BotUsername string
	// Charts draws chart images; nil when no CJK font was found (numbers
	// are then sent as text).
	Charts *chart.Renderer
	// Transient reports a database error worth trying the update again for
	// (store.IsTransient); nil: none is.
	Transient func(error) bool
	// Sleep waits between those tries; default: a timer that ends early
	// when ctx does.
	Sleep func(ctx context.Context, d time.Duration) error
	// Transcriber turns voice notes into text (ai.asr_endpoint); nil:
	// voice is answered with what to type instead.
	Transcriber Transcriber
}

// Transcriber turns a voice note into text, "" when nothing was heard
// (bot/asr is one).
type Transcriber interface {
	Transcribe(ctx context.Context, name string, audio []byte) (string, error)
}

// transientBackoff are the waits before each retry of an update that failed
// on a transient database error: 7.7 s in all, about as long as a
// PostgreSQL restart or fail-over takes.
var transientBackoff = []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}

// Sleep waits d, or until ctx ends (then it returns ctx's error). The
// channels use it as their default wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Bot routes updates to commands and forms.
type Bot struct {
	opt      Options
	svc      *Services
	engine   *conversation.Engine
	commands []*Command
	byName   map[string]*Command
	byWord   map[string]*Command
	handler  Handler
	chats    chatLocks
	door     *Door
	updates  atomic.Int64
	failures atomic.Int64
	replies  atomic.Int64
	latency  Histogram
}

// Stats counts updates handled, those that ended in an internal error, and
// the replies produced.
func (b *Bot) Stats() (updates, failures, replies int64) {
	return b.updates.Load(), b.failures.Load(), b.replies.Load()
}

// New builds a bot with the full command table.
func New(opt Options) *Bot {
	if opt.Sleep == nil {
		opt.Sleep = Sleep
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.DefaultLang == "" {
		opt.DefaultLang = conversation.LangZH
	}
	if opt.StaleDays <= 0 {
		opt.StaleDays = 14
	}
	if opt.Pool == (crm.PoolRules{}) {
		opt.Pool = crm.DefaultPoolRules()
	}
	b := &Bot{opt: opt, byName: map[string]*Command{}, byWord: map[string]*Command{}, door: NewDoor()}
	defer b.SetBotUsername(opt.BotUsername)
	b.engine = conversation.NewEngine(scopedStore{opt.Store})
	b.svc = &Services{Sales: opt.Sales, Sheets: opt.Sheets, Engine: b.engine, Charts: opt.Charts, Logger: opt.Logger,
		DefaultLang: opt.DefaultLang, StaleDays: opt.StaleDays, Pool: opt.Pool, Now: opt.Now, Location: opt.Location,
		Transcriber: opt.Transcriber, commands: commandTable()}
	for i := range b.svc.commands {
		c := &b.svc.commands[i]
		b.commands = append(b.commands, c)
		b.byName[c.Name] = c
		if c.Keyword != "" {
			b.byWord[c.Keyword] = c
		}
		for _, k := range c.Aliases {
			b.byWord[k] = c
		}
	}
	b.handler = chain(b.route, b.recoverPanics, b.logUpdates, b.identify, b.refuseHiddenChars)
	return b
}

// Engine exposes the conversation engine (for tests and the scheduler).
func (b *Bot) Engine() *conversation.Engine { return b.engine }

// Commands returns the command table.
func (b *Bot) Commands() []*Command { return b.commands }

// Handle processes one update and returns the replies, one update at a time
// per chat.
func (b *Bot) Handle(ctx context.Context, u Update) []crm.Message {
	unlock := b.chats.lock(u.Channel + "\x00" + u.ChatID)
	defer unlock()
	start := time.Now()
	b.updates.Add(1)
	var r *Request
	for attempt := 0; ; attempt++ {
		resetScope(ctx)
		r = &Request{Update: u, Now: b.opt.Now().In(b.opt.Location), Lang: conversation.NormalizeLang(u.LangCode, b.opt.DefaultLang)}
		err := b.handler(ctx, r)
		if err == nil {
			break
		}
		// A dropped or refused database connection (a PostgreSQL restart)
		// is tried again a moment later rather than answered with an
		// apology: each write is one transaction, so the failed one left
		// nothing behind, and the replies of the failed try are dropped.
		if attempt < len(transientBackoff) && b.opt.Transient != nil && b.opt.Transient(err) {
			b.opt.Logger.WarnContext(ctx, "update failed on a transient database error, retrying", slog.String("channel", r.Channel),
				slog.String("chat_id", r.ChatID), slog.Int("attempt", attempt+1), slog.Any("err", err))
			if b.opt.Sleep(ctx, transientBackoff[attempt]) == nil {
				continue
			}
		}
		if _, ok := crm.AsError(err); !ok {
			b.failures.Add(1)
		}
		b.onError(ctx, r, err)
		break
	}
	b.replies.Add(int64(len(r.replies)))
	b.latency.observe(time.Since(start))
	return r.replies
}

// Admit reports whether a chat account's update may come in now (Door):
// channels ask before they store it.
func (b *Bot) Admit(channel, user string) Admission { return b.door.Admit(channel, user, b.opt.Now()) }

// Notice is a catalogue text for a chat the bot has not identified (a
// refusal at the door), in the platform's language for it.
func (b *Bot) Notice(key, langCode string) crm.Message {
	return crm.Message{Text: conversation.T(conversation.NormalizeLang(langCode, b.opt.DefaultLang), key)}
}

func chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// chatLocks serialises updates per chat within this process.
type chatLocks struct {
	mu sync.Mutex
	m  map[string]*chatLock
}

type chatLock struct {
	mu   sync.Mutex
	refs int
}

func (c *chatLocks) lock(key string) func() {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*chatLock{}
	}
	l := c.m[key]
	if l == nil {
		l = &chatLock{}
		c.m[key] = l
	}
	l.refs++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(c.m, key)
		}
		c.mu.Unlock()
	}
}

// parseCommand splits "/new@salesbot args" into ("new", "args").
func parseCommand(text string) (name, args string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return "", "", false
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(rest), true
}

// SetBotUsername records the Telegram bot's username (for t.me deep links)
// once Telegram has answered: it may come after the bot starts, when the
// Bot API could not be reached at first.
func (b *Bot) SetBotUsername(name string) { b.svc.botUsername.Store(&name) }
