package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/salesbot-crm/salesbot/crm"
)

// Telegram's size limits, in UTF-16 code units of the visible text.
const (
	maxText     = 4096
	maxCaption  = 1024
	maxData     = 64 // callback_data, bytes
	maxRow      = 8  // buttons per row
	maxButtons  = 100
	maxAttempts = 3 // for errors other than 429 and 403
	// maxWaitInPlace is the longest retry_after Send waits out itself;
	// longer ones go back to the caller as *crm.RetryAfterError.
	maxWaitInPlace = 30 * time.Second
)

// errChatHeld is the cause of the RetryAfterError for a chat still inside
// an earlier retry_after (nothing was sent).
var errChatHeld = errors.New("telegram: chat rate limited by an earlier retry_after")

// Send delivers m to a chat (a user's private chat or a registered group):
// the image first (sendPhoto from bytes, caption ≤ 1,024 UTF-16 units, a
// longer caption follows as text), then the text in parts of ≤ 4,096 units,
// the buttons under the last part. Edit is ignored (a push has no pressed
// button).
//
// Messages are paced (30/s overall, 1/s per chat, 20/min per group), waiting
// in place. Errors:
//   - Telegram answers 429: Send waits retry_after in place once (when it is
//     at most 30 s) and tries again; a second 429, or a longer retry_after,
//     returns a *crm.RetryAfterError.
//   - 403 (blocked, kicked, deactivated) or "chat not found": the identity is
//     marked unreachable (store.SetReachable) and the error wraps
//     crm.ErrUnreachable; not retried.
//   - Network errors, 5xx and unreadable answers are tried 3 times with
//     back-off (0.5 s, 1 s); then the error is returned for the outbox to
//     retry later. A new message whose request was written but whose answer
//     never came (timeout, dropped connection) may have been delivered: it
//     fails with crm.ErrUncertain and is not sent again.
//   - Other 4xx answers are returned at once.
//
// A message that fails part-way is not resumed: the caller's retry sends it
// whole. No error mentions the bot token.
func (c *Channel) Send(ctx context.Context, chatID string, m crm.Message) error {
	id, err := strconv.ParseInt(strings.TrimSpace(chatID), 10, 64)
	if err != nil || id == 0 {
		return fmt.Errorf("telegram: chat id %q is not a Telegram chat: %w", chatID, crm.ErrUnreachable)
	}
	m.Edit = false
	return c.deliver(ctx, id, []crm.Message{m}, nil)
}

// editTarget is the message whose button was pressed; the first reply with
// Edit=true replaces it.
type editTarget struct {
	messageID int
	used      bool
}

// deliver sends replies (or a push) to one chat, stopping at the first
// error.
func (c *Channel) deliver(ctx context.Context, chat int64, msgs []crm.Message, edit *editTarget) error {
	_, err := c.deliverSome(ctx, chat, 0, coalesce(msgs), edit)
	return err
}

// deliverSome sends coalesced messages in order and reports how many went
// out before the first error.
func (c *Channel) deliverSome(ctx context.Context, chat int64, thread int, msgs []crm.Message, edit *editTarget) (int, error) {
	for i, m := range msgs {
		if err := c.deliverOne(ctx, chat, thread, m, edit); err != nil {
			return i, err
		}
	}
	return len(msgs), nil
}

// retryable reports whether a failed reply is worth sending again later:
// Telegram asked to wait, or it or the network failed; not when the person
// blocked the bot or Telegram refused the message itself.
func retryable(err error) bool {
	var ra *crm.RetryAfterError
	if errors.As(err, &ra) {
		return true
	}
	if errors.Is(err, crm.ErrUnreachable) || errors.Is(err, crm.ErrUncertain) {
		return false
	}
	var f *failure
	if errors.As(err, &f) {
		return f.code == 0 || f.code >= 500
	}
	return true // network, timeouts
}

// coalesce moves a buttons-only message (a form's follow-up menu) under the
// message before it: Telegram needs text for every message, and the
// receipt with its next actions reads as one card.
func coalesce(msgs []crm.Message) []crm.Message {
	var out []crm.Message
	for _, m := range msgs {
		if m.Text == "" && m.Image == nil && m.File == nil {
			if len(m.Buttons) == 0 {
				continue
			}
			if n := len(out); n > 0 && len(out[n-1].Buttons) == 0 {
				out[n-1].Buttons = m.Buttons
				continue
			}
			m.Text = "👇"
		}
		out = append(out, m)
	}
	return out
}

// deliverOne sends a message to a chat, to a forum topic of it when thread
// is not 0 (texts; a chart or file goes to the chat's General topic: the
// library's upload calls take no topic).
func (c *Channel) deliverOne(ctx context.Context, chat int64, thread int, m crm.Message, edit *editTarget) error {
	kb := keyboard(m.Buttons, c.log)
	var texts []string
	if m.Image != nil {
		caption := m.Image.Caption
		if utf16Len(caption) > maxCaption {
			texts = append(texts, split(caption, maxText)...)
			caption = ""
		}
		photo := tgbotapi.NewPhoto(chat, tgbotapi.FileBytes{Name: photoName(m.Image.Name), Bytes: m.Image.PNG})
		if caption != "" {
			photo.Caption = escape(caption)
			photo.ParseMode = tgbotapi.ModeHTML
		}
		if m.Text == "" && len(texts) == 0 && kb != nil {
			photo.ReplyMarkup = kb
		}
		if _, err := c.call(ctx, chat, "sendPhoto", true, photo); err != nil {
			return err
		}
	}
	if m.File != nil {
		doc := tgbotapi.NewDocument(chat, tgbotapi.FileBytes{Name: m.File.Name, Bytes: m.File.Data})
		if _, err := c.call(ctx, chat, "sendDocument", true, doc); err != nil {
			return err
		}
	}
	texts = append(texts, split(m.Text, maxText)...)
	for i, t := range texts {
		var markup *tgbotapi.InlineKeyboardMarkup
		if i == len(texts)-1 {
			markup = kb
		}
		var reply any // the reply_markup sent: inline buttons, else a location request
		switch {
		case markup != nil:
			reply = markup
		case i == len(texts)-1 && m.LocationButton != "":
			reply = locationKeyboard(m.LocationButton)
		}
		if i == 0 && m.Edit && m.Image == nil && edit != nil && !edit.used {
			edit.used = true
			if ok, err := c.edit(ctx, chat, edit.messageID, t, markup); ok || err != nil {
				if err != nil {
					return err
				}
				continue
			}
			// Not editable (too old, deleted, a photo): send it instead.
		}
		var req any = textMessage(chat, t, reply)
		if thread != 0 {
			req = topicMessageRequest(chat, thread, t, reply)
		}
		if _, err := c.call(ctx, chat, "sendMessage", true, req); err != nil {
			return err
		}
	}
	return nil
}

// locationKeyboard is a one-time reply keyboard whose one button sends the
// person's location (request_location: private chats only, which is where
// check-ins are asked for).
func locationKeyboard(label string) tgbotapi.ReplyKeyboardMarkup {
	kb := tgbotapi.NewOneTimeReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonLocation(label)))
	kb.ResizeKeyboard = true
	return kb
}

// textMessage is a sendMessage; markup is the reply_markup (nil for none).
func textMessage(chat int64, text string, markup any) tgbotapi.MessageConfig {
	msg := tgbotapi.NewMessage(chat, escape(text))
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	if markup != nil {
		msg.ReplyMarkup = markup
	}
	return msg
}

// topicMessageRequest is textMessage to a forum topic: the library's
// MessageConfig has no message_thread_id, so the parameters are written
// here, the same ones it would send plus the topic.
func topicMessageRequest(chat int64, thread int, text string, markup any) rawRequest {
	p := tgbotapi.Params{}
	p.AddNonZero64("chat_id", chat)
	p.AddNonZero("message_thread_id", thread)
	p.AddNonEmpty("text", escape(text))
	p.AddNonEmpty("parse_mode", tgbotapi.ModeHTML)
	p.AddBool("disable_web_page_preview", true)
	if markup != nil {
		_ = p.AddInterface("reply_markup", markup) // a struct of strings: always encodes
	}
	return rawRequest{name: "sendMessage", p: p}
}

// edit replaces a message's text and keyboard (no buttons: the keyboard is
// removed). ok is false when the message cannot be edited and should be
// sent anew instead.
func (c *Channel) edit(ctx context.Context, chat int64, messageID int, text string, kb *tgbotapi.InlineKeyboardMarkup) (bool, error) {
	e := tgbotapi.NewEditMessageText(chat, messageID, escape(text))
	e.ParseMode = tgbotapi.ModeHTML
	e.DisableWebPagePreview = true
	e.ReplyMarkup = kb
	_, err := c.call(ctx, chat, "editMessageText", true, e)
	var fe *failure
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &fe) && fe.code == http.StatusBadRequest && strings.Contains(fe.desc, "message is not modified"):
		return true, nil
	case errors.As(err, &fe) && fe.code == http.StatusBadRequest:
		c.log.Info("telegram: message not editable, sending a new one", slog.Int64("chat_id", chat), slog.String("reason", fe.desc))
		return false, nil
	default:
		return false, err
	}
}

// failure is an error answer from the Bot API (token-free).
type failure struct {
	method     string
	chat       int64
	code       int
	desc       string
	retryAfter time.Duration
}

func (f *failure) Error() string {
	if f.chat != 0 {
		return fmt.Sprintf("telegram: %s to chat %d: %d %s", f.method, f.chat, f.code, f.desc)
	}
	return fmt.Sprintf("telegram: %s: %d %s", f.method, f.code, f.desc)
}

type failKind int

const (
	failTransient failKind = iota
	failPermanent
	failRetryAfter
	failUnreachable
	failCanceled
)

// classify sorts a failed call. UploadFiles (sendPhoto) leaves Error.Code
// zero, so the response's error_code counts too.
func classify(ctx context.Context, method string, chat int64, resp *tgbotapi.APIResponse, err error) (failKind, *failure) {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		f := &failure{method: method, chat: chat, code: te.Code, desc: te.Message}
		if f.code == 0 && resp != nil {
			f.code = resp.ErrorCode
		}
		if te.RetryAfter > 0 || f.code == http.StatusTooManyRequests {
			f.retryAfter = max(time.Duration(te.RetryAfter)*time.Second, time.Second)
			return failRetryAfter, f
		}
		lower := strings.ToLower(f.desc)
		switch {
		case f.code == http.StatusForbidden:
			return failUnreachable, f
		case f.code == http.StatusBadRequest && chat != 0 && (strings.Contains(lower, "chat not found") || strings.Contains(lower, "user is deactivated")):
			return failUnreachable, f
		case f.code >= 500 || f.code == 0:
			return failTransient, f
		default:
			return failPermanent, f
		}
	}
	if ctx.Err() != nil {
		return failCanceled, nil
	}
	return failTransient, nil // network, per-call timeout, unreadable answer
}

// call makes one API request, paced for chat when paced is set, and
// retried as Send describes. req is a tgbotapi.Chattable or a rawRequest.
func (c *Channel) call(ctx context.Context, chat int64, method string, paced bool, req any) (*tgbotapi.APIResponse, error) {
	var cp *chatPace
	if paced {
		var err error
		if cp, err = c.pace.acquire(ctx, chat); err != nil {
			return nil, err
		}
		defer c.pace.release(cp)
		// A chat Telegram asked to leave alone for longer than is worth
		// waiting in place goes back to the caller at once: the outbox
		// retries it after the hold while the rest of its batch goes out.
		if d := c.pace.heldFor(cp); d > maxWaitInPlace {
			return nil, &crm.RetryAfterError{After: d, Err: errChatHeld}
		}
	}
	waited := false
	for attempt := 1; ; attempt++ {
		if paced {
			if err := c.pace.wait(ctx, cp, laneOf(ctx)); err != nil {
				return nil, err
			}
		}
		if createsMessage(method) {
			crm.SendStarting(ctx)
		}
		resp, err := c.request(ctx, method, req)
		if err == nil {
			return resp, nil
		}
		if errors.Is(err, crm.ErrUncertain) {
			return nil, err
		}
		kind, f := classify(ctx, method, chat, resp, err)
		if f != nil {
			f.desc = c.redactString(f.desc)
		}
		switch kind {
		case failCanceled:
			return nil, fmt.Errorf("telegram: %s: %w", method, ctx.Err())
		case failRetryAfter:
			if paced {
				c.pace.hold(cp, c.now().Add(f.retryAfter))
			}
			if waited || f.retryAfter > maxWaitInPlace {
				return nil, &crm.RetryAfterError{After: f.retryAfter, Err: f}
			}
			waited = true
			c.log.Info("telegram: rate limited, waiting", slog.String("method", method), slog.Int64("chat_id", chat), slog.Duration("retry_after", f.retryAfter))
			if !paced { // a paced call waits in pace.wait
				if err := c.sleep(ctx, f.retryAfter); err != nil {
					return nil, err
				}
			}
			attempt--
			continue
		case failUnreachable:
			c.markUnreachable(ctx, chat)
			return nil, fmt.Errorf("%w: %w", f, crm.ErrUnreachable)
		case failPermanent:
			return nil, f
		}
		var cause error
		if f != nil {
			cause = f
		} else {
			cause = fmt.Errorf("telegram: %s: %w", method, c.redact(err))
		}
		if attempt >= maxAttempts {
			return nil, cause
		}
		backoff := 500 * time.Millisecond << (attempt - 1)
		c.log.Warn("telegram: call failed, retrying", slog.String("method", method), slog.Int64("chat_id", chat),
			slog.Int("attempt", attempt), slog.Duration("backoff", backoff), slog.Any("err", cause))
		if err := c.sleep(ctx, backoff); err != nil {
			return nil, cause
		}
	}
}

// request makes one HTTP call with its own deadline. A call that creates a
// message and got no answer from Telegram after its request was written
// (a timeout, a dropped connection) may have been delivered: it fails with
// crm.ErrUncertain and is not tried again.
func (c *Channel) request(ctx context.Context, method string, req any) (*tgbotapi.APIResponse, error) {
	timeout := c.reqTimeout
	if method == "getUpdates" {
		timeout = c.pollTimeout + 10*time.Second
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var wrote, answered, idleConn atomic.Bool
	rctx = httptrace.WithClientTrace(rctx, &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { idleConn.Store(i.Reused && i.WasIdle) },
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
		GotFirstResponseByte: func() { answered.Store(true) },
	})
	api := c.apiFor(rctx)
	if api == nil {
		return nil, errNotConnected
	}
	var resp *tgbotapi.APIResponse
	var err error
	switch r := req.(type) {
	case rawRequest:
		resp, err = api.MakeRequest(r.name, r.p)
	case tgbotapi.Chattable:
		resp, err = api.Request(r)
	default:
		return nil, fmt.Errorf("telegram: unknown request %T", req)
	}
	// Uncertain: the request went out and nothing came back, within the
	// deadline or before the connection broke. Excepted is a connection
	// that had been idle and broke at once (the server had closed it: the
	// request was not read; Go's transport retries those for idempotent
	// methods), and any answer at all (a proxy's 502 page says Telegram
	// never saw it).
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.Is(rctx.Err(), context.DeadlineExceeded)
	if err != nil && wrote.Load() && !answered.Load() && (timedOut || !idleConn.Load()) && createsMessage(method) && ctx.Err() == nil {
		return resp, fmt.Errorf("telegram: %s: no answer after the request was sent (%w): %w", method, c.redact(err), crm.ErrUncertain)
	}
	return resp, err
}

// createsMessage reports whether a method posts a new message: doing it
// twice shows it twice (editing or answering a callback again does not).
func createsMessage(method string) bool {
	switch method {
	case "sendMessage", "sendPhoto", "sendDocument":
		return true
	}
	return false
}

// markUnreachable records that a private chat's person blocked the bot or
// is gone (in a private chat the chat id is the user id). Groups have no
// identity to mark.
func (c *Channel) markUnreachable(ctx context.Context, chat int64) {
	c.mu.RLock()
	st := c.store
	c.mu.RUnlock()
	if st == nil || chat <= 0 {
		return
	}
	if err := st.SetReachable(context.WithoutCancel(ctx), Name, strconv.FormatInt(chat, 10), false); err != nil {
		c.log.Error("telegram: mark identity unreachable", slog.Int64("chat_id", chat), slog.Any("err", err))
	}
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes plain text safe for parse_mode HTML: only <, > and & are
// special there.
func escape(s string) string { return htmlEscaper.Replace(s) }

// keyboard turns rows of buttons into an inline keyboard, leaving out
// buttons Telegram would refuse (which would fail the whole message) and
// wrapping rows longer than 8.
func keyboard(rows [][]crm.Button, log *slog.Logger) *tgbotapi.InlineKeyboardMarkup {
	var out [][]tgbotapi.InlineKeyboardButton
	n := 0
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if strings.TrimSpace(b.Text) == "" || b.Data == "" || len(b.Data) > maxData || !utf8.ValidString(b.Data) {
				log.Error("telegram: button left out: Telegram needs a label and 1-64 bytes of data", slog.String("label", b.Text), slog.Int("data_bytes", len(b.Data)))
				continue
			}
			if n == maxButtons {
				break
			}
			if len(r) == maxRow {
				out = append(out, r)
				r = nil
			}
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
			n++
		}
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: out}
}

func photoName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "chart"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".png") {
		name += ".png"
	}
	return name
}

// utf16Len counts s in UTF-16 code units, as Telegram does.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// split cuts s into parts of at most limit UTF-16 units, on rune
// boundaries, preferably after a newline (else at a space) in the second
// half of a part. Parts that are only white space are dropped (Telegram
// refuses empty messages).
func split(s string, limit int) []string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var out []string
	add := func(p string) {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	for utf16Len(s) > limit {
		units, cut := 0, 0
		nl, sp := -1, -1 // byte offsets of the last newline/space in the second half
		for i, r := range s {
			u := runeUnits(r)
			if units+u > limit {
				break
			}
			units += u
			cut = i + utf8.RuneLen(r)
			if units > limit/2 {
				switch r {
				case '\n':
					nl = i
				case ' ':
					sp = i
				}
			}
		}
		switch {
		case nl >= 0:
			add(s[:nl])
			s = s[nl+1:]
		case sp >= 0:
			add(s[:sp])
			s = s[sp+1:]
		default:
			add(s[:cut])
			s = s[cut:]
		}
	}
	add(s)
	return out
}

// cutUTF16 shortens s to at most limit UTF-16 units.
func cutUTF16(s string, limit int) string {
	units := 0
	for i, r := range s {
		if units+runeUnits(r) > limit {
			return s[:i]
		}
		units += runeUnits(r)
	}
	return s
}
