package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
)

const (
	maxBody  = 1 << 20 // webhook body limit
	queueLen = 64      // updates waiting, per worker
)

var errClosed = errors.New("telegram: channel closed")

// inbound is one update, translated.
type inbound struct {
	update     bot.Update
	chat       int64
	private    bool
	handle     bool   // give it to the bot
	callbackID string // answer this callback query
	messageID  int    // the message the pressed button was on
	key        string // the update id, kept in the inbox until answered
	stored     *storedReplies
}

// storedReplies are a handled update's replies kept in the inbox until
// delivered (bot.Inbox.Handled): the coalesced messages still to send and
// the message the first may replace.
type storedReplies struct {
	Chat      int64         `json:"chat"`
	MessageID int           `json:"message_id,omitempty"`
	Replies   []crm.Message `json:"replies"`
}

// translate turns a Telegram update into what the bot understands.
// Anything that is not a text message or a button press (edited messages,
// channel posts, stickers, photos without caption, service messages) is
// left alone; so are other bots, commands meant for another bot, and group
// chatter that neither is a command nor names this bot.
func (c *Channel) translate(u *tgbotapi.Update) inbound {
	switch {
	case u.Message != nil:
		return c.translateMessage(u.Message)
	case u.CallbackQuery != nil:
		return c.translateCallback(u.CallbackQuery)
	}
	return inbound{}
}

func (c *Channel) translateMessage(m *tgbotapi.Message) inbound {
	if m.From == nil || m.From.IsBot || m.Chat == nil {
		return inbound{}
	}
	in := inbound{chat: m.Chat.ID}
	switch m.Chat.Type {
	case "private":
		in.private = true
	case "group", "supergroup":
	default:
		return in
	}
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	text = strings.TrimSpace(text)
	if m.Document != nil && in.private {
		// A file sent privately (a customer list to import).
		in.handle = true
		in.update = bot.Update{Channel: Name, ChatID: strconv.FormatInt(m.Chat.ID, 10), UserID: strconv.FormatInt(m.From.ID, 10),
			UserName: displayName(m.From), LangCode: m.From.LanguageCode, Text: text,
			Document: &bot.Document{Name: m.Document.FileName, Size: m.Document.FileSize, Fetch: c.fetcher(m.Document.FileID, m.Document.FileSize)}}
		return in
	}
	if text == "" {
		return in
	}
	if target, ok := commandTarget(text); ok && target != "" && !strings.EqualFold(target, c.Username()) {
		return in // "/help@otherbot"
	}
	addressed := c.addressed(m, text)
	if !in.private {
		if !addressed && !strings.HasPrefix(text, "/") {
			return in // keep groups quiet: chatter is not ours
		}
		// "@salesbot /help" is "/help".
		if name := "@" + c.Username(); len(text) > len(name) && strings.EqualFold(text[:len(name)], name) {
			if rest := strings.TrimSpace(text[len(name):]); rest != "" {
				text = rest
			}
		}
	}
	in.handle = true
	in.update = bot.Update{
		Channel:   Name,
		ChatID:    strconv.FormatInt(m.Chat.ID, 10),
		Group:     !in.private,
		Addressed: addressed,
		UserID:    strconv.FormatInt(m.From.ID, 10),
		UserName:  displayName(m.From),
		LangCode:  m.From.LanguageCode,
		Text:      text,
	}
	return in
}

func (c *Channel) translateCallback(q *tgbotapi.CallbackQuery) inbound {
	in := inbound{callbackID: q.ID}
	if q.From == nil || q.Message == nil || q.Message.Chat == nil || q.Data == "" {
		return in
	}
	in.chat = q.Message.Chat.ID
	switch q.Message.Chat.Type {
	case "private":
		in.private = true
	case "group", "supergroup":
	default:
		return in
	}
	in.handle = true
	in.messageID = q.Message.MessageID
	in.update = bot.Update{
		Channel:   Name,
		ChatID:    strconv.FormatInt(in.chat, 10),
		Group:     !in.private,
		Addressed: true,
		UserID:    strconv.FormatInt(q.From.ID, 10),
		UserName:  displayName(q.From),
		LangCode:  q.From.LanguageCode,
		Button:    q.Data,
	}
	return in
}

// commandTarget returns the bot a command names ("/new@salesbot" →
// "salesbot", "/new" → "").
func commandTarget(text string) (string, bool) {
	if !strings.HasPrefix(text, "/") {
		return "", false
	}
	head, _, _ := strings.Cut(text, " ")
	head, _, _ = strings.Cut(head, "\n")
	_, target, _ := strings.Cut(head, "@")
	return target, true
}

// addressed reports whether a message names this bot: it mentions
// @username (also as "/cmd@username") or replies to one of its messages.
func (c *Channel) addressed(m *tgbotapi.Message, text string) bool {
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == c.api.Self.ID {
		return true
	}
	name := strings.ToLower(c.Username())
	if name == "" {
		return false
	}
	lower := strings.ToLower(text)
	for i := 0; ; {
		j := strings.Index(lower[i:], "@"+name)
		if j < 0 {
			return false
		}
		end := i + j + 1 + len(name)
		if end == len(lower) || !isNameByte(lower[end]) {
			return true
		}
		i = end
	}
}

func isNameByte(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
}

// displayName joins first and last name; Chinese names go without a space
// ("张" + "三" → "张三").
func displayName(u *tgbotapi.User) string {
	first, last := strings.TrimSpace(u.FirstName), strings.TrimSpace(u.LastName)
	if first == "" || last == "" {
		return first + last
	}
	a, _ := utf8.DecodeLastRuneInString(first)
	b, _ := utf8.DecodeRuneInString(last)
	if unicode.Is(unicode.Han, a) && unicode.Is(unicode.Han, b) {
		return first + last
	}
	return first + " " + last
}

// replyRetryRounds is how many more times a reply refused with a short
// retry_after is tried in place.
const replyRetryRounds = 3

// perChatQueue is how many updates of one chat may wait: more from a
// flooding chat are dropped (with one notice), not queued ahead of others.
const perChatQueue = 10

// startWorkers starts the pool; the caller holds c.mu. Chats take turns
// (bot.ChatQueue): one chat's backlog never holds up another's.
func (c *Channel) startWorkers() {
	n := c.cfg.Workers
	c.q = bot.NewChatQueue(n, n*queueLen, perChatQueue, func(in inbound) { c.process(c.base, in) })
}

// notice tells a chat, once per burst, why its message was not taken in.
// It is sent on its own goroutine (pacing may wait), which Close waits for.
func (c *Channel) notice(in *inbound, key string) {
	if !in.private {
		return // a group is not told about one member's flood
	}
	m := c.bot.Notice(key, in.update.LangCode)
	c.workers.Add(1)
	go func() {
		defer c.workers.Done()
		if err := c.Send(c.base, strconv.FormatInt(in.chat, 10), m); err != nil {
			c.log.Warn("telegram: notice not sent", slog.Int64("chat_id", in.chat), slog.Any("err", err))
		}
	}()
}

// accept stores an update (its id, and while it is unanswered the update
// itself: bot.Inbox) and queues it for its chat's worker. It waits for room
// in the queue first, so an accepted update is never dropped; a redelivered
// update (id already stored) is skipped.
func (c *Channel) accept(ctx context.Context, u *tgbotapi.Update) error {
	in := c.translate(u)
	if in.handle {
		// Before anything reaches the database: a chat sending faster
		// than a person types is held back.
		switch c.bot.Admit(Name, in.update.UserID) {
		case bot.RefusedNotice:
			c.log.Warn("telegram: chat over its message rate; dropped", slog.Int64("chat_id", in.chat))
			c.notice(&in, "door.slow_down")
			return nil
		case bot.Refused:
			return nil
		}
	}
	return c.enqueue(ctx, &in, func(ctx context.Context) (bool, error) {
		key := strconv.Itoa(u.UpdateID)
		if !in.handle && in.callbackID == "" {
			// Nothing to answer: the id alone keeps a redelivery out.
			_, err := c.store.ClaimInbound(ctx, Name, key, c.now())
			return false, err
		}
		payload, err := json.Marshal(u)
		if err != nil {
			return false, err
		}
		fresh, err := c.inbox.Accept(ctx, key, payload)
		if fresh {
			in.key = key
		}
		return fresh, err
	})
}

// enqueue takes a slot in the chat's worker queue, runs store (which
// reports whether the update is to be answered, and may fill in *in) and
// queues *in.
func (c *Channel) enqueue(ctx context.Context, in *inbound, store func(ctx context.Context) (bool, error)) error {
	chat := strconv.FormatInt(in.chat, 10)
	if err := c.q.Reserve(ctx, chat, true); err != nil {
		switch {
		case errors.Is(err, bot.ErrChatBusyNotice):
			c.log.Warn("telegram: chat has too many updates waiting; dropped", slog.Int64("chat_id", in.chat))
			c.notice(in, "queue.one_at_a_time")
			return nil
		case errors.Is(err, bot.ErrChatBusy):
			return nil
		case errors.Is(err, bot.ErrQueueClosed):
			return errClosed
		}
		return err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		c.q.Unreserve(chat)
		return errClosed
	}
	fresh, err := store(ctx)
	if err != nil || !fresh {
		c.q.Unreserve(chat)
		if err != nil {
			return fmt.Errorf("telegram: store update: %w", err)
		}
		return nil
	}
	c.q.Push(chat, *in)
	return nil
}

// recoverInbox answers updates a stopped process accepted and left unanswered.
func (c *Channel) recoverInbox(ctx context.Context) {
	c.inbox.Recover(ctx, func(iu crm.InboundUpdate) bool {
		var u tgbotapi.Update
		if err := json.Unmarshal(iu.Payload, &u); err != nil {
			c.log.Error("telegram: stored update unreadable; dropped", slog.String("key", iu.Key), slog.Any("err", err))
			c.inbox.Done(iu.Key)
			return true
		}
		in := c.translate(&u)
		in.key = iu.Key
		if iu.Replies != nil {
			var sr storedReplies
			if err := json.Unmarshal(iu.Replies, &sr); err != nil {
				c.log.Error("telegram: stored replies unreadable; dropped", slog.String("key", iu.Key), slog.Any("err", err))
				c.inbox.Done(iu.Key)
				return true
			}
			in.stored = &sr
		}
		err := c.enqueue(ctx, &in, func(context.Context) (bool, error) { return true, nil })
		return err == nil
	})
}

// process answers one update: the callback query first (so the button stops
// spinning), then the bot's replies, the first Edit reply replacing the
// message the button was on.
func (c *Channel) process(ctx context.Context, in inbound) {
	answered := true // false: leave the update in the inbox for a retry
	if in.key != "" {
		defer func() {
			switch {
			case ctx.Err() != nil:
				// Cut short by Close giving up: left for the next process.
			case answered:
				c.inbox.Done(in.key)
			default:
				c.inbox.Retry(in.key)
			}
		}()
	}
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("telegram: panic while answering an update", slog.String("chat_id", in.update.ChatID), slog.Any("panic", p))
		}
	}()
	if in.stored != nil {
		// Handled by a process that stopped before its replies went out.
		answered = c.deliverStored(ctx, in.key, *in.stored)
		return
	}
	if in.callbackID != "" {
		if _, err := c.call(ctx, 0, "answerCallbackQuery", false, tgbotapi.NewCallback(in.callbackID, "")); err != nil {
			c.log.Warn("telegram: answerCallbackQuery failed", slog.Int64("chat_id", in.chat), slog.Any("err", err))
		}
	}
	if !in.handle {
		return
	}
	if in.private {
		// Writing again makes a person who had blocked the bot reachable.
		if err := c.store.SetReachable(ctx, Name, in.update.UserID, true); err != nil {
			c.log.Warn("telegram: mark identity reachable", slog.String("user_id", in.update.UserID), slog.Any("err", err))
		}
	}
	replies := c.bot.Handle(ctx, in.update)
	if len(replies) == 0 {
		return
	}
	if !in.private && !strings.HasPrefix(in.update.Text, "/") {
		// A group hears the bot only in answer to a command (and in pushes).
		c.log.Debug("telegram: group reply to a non-command held back", slog.Int64("chat_id", in.chat))
		return
	}
	sr := storedReplies{Chat: in.chat, MessageID: in.messageID, Replies: coalesce(replies)}
	if in.key != "" && ctx.Err() == nil {
		c.keepReplies(in.key, sr)
	}
	answered = c.deliverStored(ctx, in.key, sr)
}

// keepReplies stores replies still to deliver in the inbox.
func (c *Channel) keepReplies(key string, sr storedReplies) {
	b, err := json.Marshal(sr)
	if err != nil {
		c.log.Error("telegram: replies not kept", slog.String("key", key), slog.Any("err", err))
		return
	}
	c.inbox.Handled(key, b)
}

// deliverStored sends replies and reports whether the update is answered:
// false when what is left failed in a way worth retrying later, after
// keeping what is left.
func (c *Channel) deliverStored(ctx context.Context, key string, sr storedReplies) bool {
	var edit *editTarget
	if sr.MessageID != 0 {
		edit = &editTarget{messageID: sr.MessageID}
	}
	sent, err := c.deliverSome(ctx, sr.Chat, sr.Replies, edit)
	// A person is waiting: a short retry_after is waited out here, not
	// left to the inbox's next sweep (minutes away).
	for round := 0; err != nil && round < replyRetryRounds; round++ {
		var ra *crm.RetryAfterError
		if !errors.As(err, &ra) || ra.After > maxWaitInPlace {
			break
		}
		if c.sleep(ctx, ra.After) != nil {
			break
		}
		var more int
		more, err = c.deliverSome(ctx, sr.Chat, sr.Replies[sent:], edit)
		sent += more
	}
	if err == nil {
		return true
	}
	c.log.Warn("telegram: reply not delivered", slog.Int64("chat_id", sr.Chat), slog.Int("sent", sent), slog.Int("of", len(sr.Replies)), slog.Any("err", err))
	if key == "" || (!retryable(err) && ctx.Err() == nil) {
		return true // as answered as it can be
	}
	if sent > 0 {
		sr.Replies = sr.Replies[sent:]
		if edit != nil && edit.used {
			sr.MessageID = 0
		}
		c.keepReplies(key, sr)
	}
	return false
}

// poll runs the getUpdates loop until ctx ends or Close is called. The
// offset moves past an update only once its id is stored (ClaimInbound);
// duplicates are found by id, not by comparing with the offset, because
// update ids may jump.
func (c *Channel) poll(ctx context.Context) error {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return nil
	}
	c.pollers.Add(1) // not concurrently with Close's Wait: Close sets closed first
	c.mu.RUnlock()
	defer c.pollers.Done()
	ctx, cancel := c.untilClosing(ctx)
	defer cancel()
	c.log.Info("telegram: polling", slog.String("bot", c.Username()))
	offset, backoff := 0, time.Duration(0)
	pause := func(d time.Duration) {
		backoff = min(max(2*backoff, time.Second), 30*time.Second)
		_ = bot.Sleep(ctx, max(d, backoff))
	}
	for ctx.Err() == nil {
		var updates []tgbotapi.Update
		resp, err := c.request(ctx, "getUpdates", tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: int(c.pollTimeout / time.Second), AllowedUpdates: allowedUpdates})
		if err == nil {
			err = json.Unmarshal(resp.Result, &updates)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			kind, f := classify(ctx, "getUpdates", 0, resp, err)
			if f != nil && (f.code == http.StatusUnauthorized || f.code == http.StatusNotFound) {
				return fmt.Errorf("telegram: polling stopped: %w", f)
			}
			var wait time.Duration
			if kind == failRetryAfter {
				wait = f.retryAfter
			}
			var cause error = c.redact(err)
			if f != nil {
				cause = f
			}
			c.log.Warn("telegram: getUpdates failed", slog.Any("err", cause))
			pause(wait)
			continue
		}
		backoff = 0
		for i := range updates {
			u := &updates[i]
			if err := c.accept(ctx, u); err != nil {
				if ctx.Err() == nil && !errors.Is(err, errClosed) {
					c.log.Error("telegram: update not stored; fetching it again", slog.Int("update_id", u.UpdateID), slog.Any("err", err))
					pause(0)
				}
				break
			}
			offset = max(offset, u.UpdateID+1)
		}
	}
	c.log.Info("telegram: polling stopped")
	return nil
}

// WebhookHandler receives updates Telegram posts. It checks the secret
// token header in constant time (403 with nothing read or stored
// otherwise), reads at most 1 MB, stores the update id (a redelivery is
// answered 200 and skipped) and answers 200 at once; a worker answers the
// update. When the workers are full for 10 s, or the channel is closing, it
// answers 503 without storing, so Telegram delivers the update again.
func (c *Channel) WebhookHandler() http.Handler {
	return http.HandlerFunc(c.serveWebhook)
}

func (c *Channel) serveWebhook(w http.ResponseWriter, r *http.Request) {
	got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
	want := sha256.Sum256([]byte(c.cfg.WebhookSecret))
	if c.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var u tgbotapi.Update
	if err := json.Unmarshal(body, &u); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	c.mu.RLock()
	attached := c.bot != nil
	c.mu.RUnlock()
	if !attached {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	switch err := c.accept(ctx, &u); {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, errClosed), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		c.log.Error("telegram: webhook update not stored", slog.Int("update_id", u.UpdateID), slog.Any("err", err))
		w.WriteHeader(http.StatusInternalServerError)
	}
}
