package bot

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// Services is what a command's handler and a push's renderer work with:
// the use cases, the spreadsheets, the forms engine, the charts, and the
// settings that shape answers. A handler is a plain function of the
// request and the services.
type Services struct {
	Sales       *sales.Service
	Sheets      crm.Spreadsheets
	Engine      *conversation.Engine
	Charts      *chart.Renderer // nil: numbers as text
	Logger      *slog.Logger
	DefaultLang string
	StaleDays   int
	botUsername atomic.Pointer[string] // the Telegram bot's, once known
	Pool        crm.PoolRules          // the pool's numbers (config pool.*)
	Now         func() time.Time
	Location    *time.Location
	Transcriber Transcriber // nil: voice cannot be read

	commands []Command // the table, for /help
	// noFontSaid: the missing-font notice is given once per process.
	noFontSaid atomic.Bool
}

// env is the conversation environment of a request.
func (s *Services) env(r *Request) *conversation.Env {
	return &conversation.Env{Sales: s.Sales, Viewer: r.Viewer, Lang: r.Lang, Now: r.Now,
		Channel: r.Channel, ChatID: r.ChatID, UserKey: r.UserID, StaleDays: s.StaleDays}
}

// offer says text with follow-up buttons (each a command line).
func (s *Services) offer(ctx context.Context, r *Request, text string, menu []conversation.Choice) error {
	m, err := s.Engine.Offer(ctx, s.env(r), text, menu)
	if err != nil {
		return err
	}
	r.Say(m)
	return nil
}

// T formats a catalogue entry in lang: for the words a channel adds itself.
func T(lang, key string, args ...any) string { return conversation.T(lang, key, args...) }

// say adds the messages a form said.
func say(r *Request, out []crm.Message, err error) error {
	for _, m := range out {
		r.Say(m)
	}
	return err
}

// form is the handler of a command that starts a form with its arguments.
func form(name string) func(ctx context.Context, r *Request, s *Services) error {
	return func(ctx context.Context, r *Request, s *Services) error {
		out, err := s.Engine.Start(ctx, s.env(r), name, r.Args)
		return say(r, out, err)
	}
}

// The forms reach the CRM's data through the use cases.
var _ conversation.Sales = (*sales.Service)(nil)

// BotUsername is the Telegram bot's username ("" until Telegram answered).
func (s *Services) BotUsername() string {
	if p := s.botUsername.Load(); p != nil {
		return *p
	}
	return ""
}
