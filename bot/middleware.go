package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// recoverPanics turns a panic in any handler into an apology and a log line.
func (b *Bot) recoverPanics(next Handler) Handler {
	return func(ctx context.Context, r *Request) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		return next(ctx, r)
	}
}

// logUpdates logs each update with its channel, chat, user and command.
func (b *Bot) logUpdates(next Handler) Handler {
	return func(ctx context.Context, r *Request) error {
		start := time.Now()
		err := next(ctx, r)
		b.opt.Logger.LogAttrs(ctx, slog.LevelInfo, "update",
			slog.String("channel", r.Channel), slog.String("chat_id", r.ChatID),
			slog.Int64("user_id", r.User.ID), slog.String("command", r.Command),
			slog.Bool("button", r.Button != ""), slog.Duration("took", time.Since(start)))
		return err
	}
}

// identify finds the bound user behind the chat account.
func (b *Bot) identify(next Handler) Handler {
	return func(ctx context.Context, r *Request) error {
		v, err := b.whoIs(ctx, r)
		switch {
		case err == nil:
			r.User = v.User
			r.Viewer = v
			b.door.Known(r.Channel, r.UserID)
			if v.Locale != "" {
				r.Lang = v.Locale
			}
		case crm.ErrorCode(err) == crm.CodeUnbound:
		default:
			return err
		}
		return next(ctx, r)
	}
}

// refuseHiddenChars keeps text with hidden characters (a NUL byte, a
// right-to-left override) out of every form field and record at the door,
// the same for both engines: the person is told which character to delete
// and nothing else happens, so a form stays at its step with every answer.
// Display names from the platform are cleaned instead.
func (b *Bot) refuseHiddenChars(next Handler) Handler {
	return func(ctx context.Context, r *Request) error {
		r.UserName = crm.StripHidden(r.UserName)
		if err := crm.CheckText(r.Text); err != nil {
			return err
		}
		if r.Document != nil {
			r.Document.Name = crm.StripHidden(r.Document.Name)
		}
		return next(ctx, r)
	}
}

// onError answers an error: a domain error in the user's words, anything
// else as a short apology with an incident id (the details go to the log).
func (b *Bot) onError(ctx context.Context, r *Request, err error) {
	if de, ok := crm.AsError(err); ok && de.Code != crm.CodeUnavailable {
		r.Sayf(de.Key, de.Args...)
		return
	}
	id := incidentID()
	b.opt.Logger.ErrorContext(ctx, "handler failed", slog.String("incident", id), slog.String("channel", r.Channel),
		slog.String("chat_id", r.ChatID), slog.Int64("user_id", r.User.ID), slog.String("command", r.Command), slog.Any("err", err))
	r.Sayf("error.internal", id)
	// A form interrupted by a failure keeps its step and its answers.
	if s, aerr := b.engine.Active(ctx, b.env(r)); aerr == nil && s.InForm() {
		r.Sayf("form.kept")
	}
}

func incidentID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// env is the conversation environment of a request.
func (b *Bot) env(r *Request) *conversation.Env { return b.svc.env(r) }
