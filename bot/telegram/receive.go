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
}

// incoming is the update as the pipeline takes it.
func (in inbound) incoming() bot.Incoming {
	out := bot.Incoming{Update: in.update, Handle: in.handle, Ack: in.callbackID != "", Queue: strconv.FormatInt(in.chat, 10), Raw: in,
		// A group hears the bot only in answer to a command (and in pushes).
		Quiet: !in.private && !strings.HasPrefix(in.update.Text, "/")}
	if in.messageID != 0 {
		out.Target = strconv.Itoa(in.messageID)
	}
	return out
}

// translate turns a Telegram update into what the bot understands: a text
// message, a button press, a file sent privately, or a private message of
// another kind (a sticker, a photo without caption, a location…: Media, so
// it is answered). Edited messages (live locations among them), channel
// posts and service messages are left alone; so are other bots, commands
// meant for another bot, and group chatter that neither is a command nor
// names this bot.
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
	if len(m.Photo) > 0 && in.private {
		// A photo, kept with a customer (its caption may name it): the
		// largest size Telegram offers.
		p := m.Photo[0]
		for _, q := range m.Photo[1:] {
			if q.Width*q.Height > p.Width*p.Height {
				p = q
			}
		}
		in.handle = true
		in.update = bot.Update{Channel: Name, ChatID: strconv.FormatInt(m.Chat.ID, 10), UserID: strconv.FormatInt(m.From.ID, 10),
			UserName: displayName(m.From), LangCode: m.From.LanguageCode, Text: text,
			Photo: &bot.Document{Name: "photo-" + strconv.Itoa(m.MessageID) + ".jpg", Size: p.FileSize, Fetch: c.fetcher(p.FileID, p.FileSize)}}
		return in
	}
	if v := m.Voice; v != nil && in.private {
		// A voice note: transcribed where speech recognition is set up.
		in.handle = true
		in.update = bot.Update{Channel: Name, ChatID: strconv.FormatInt(m.Chat.ID, 10), UserID: strconv.FormatInt(m.From.ID, 10),
			UserName: displayName(m.From), LangCode: m.From.LanguageCode,
			Voice: &bot.Document{Name: "voice-" + strconv.Itoa(m.MessageID) + ".ogg", Size: v.FileSize, Fetch: c.fetcher(v.FileID, v.FileSize)}}
		return in
	}
	if ct := m.Contact; ct != nil && in.private {
		// A shared contact card: filed as a customer's contact.
		fn, org, title := crm.ReadVCard(ct.VCard)
		if fn == "" {
			fn = personName(ct.FirstName, ct.LastName)
		}
		in.handle = true
		in.update = bot.Update{Channel: Name, ChatID: strconv.FormatInt(m.Chat.ID, 10), UserID: strconv.FormatInt(m.From.ID, 10),
			UserName: displayName(m.From), LangCode: m.From.LanguageCode,
			Card: &crm.Card{Name: fn, Phone: ct.PhoneNumber, Org: org, Title: title}}
		return in
	}
	if loc := m.Location; loc != nil && in.private {
		// A location or venue is a check-in (签到); a live location's
		// updates are edited messages and are not read.
		in.handle = true
		in.update = bot.Update{Channel: Name, ChatID: strconv.FormatInt(m.Chat.ID, 10), UserID: strconv.FormatInt(m.From.ID, 10),
			UserName: displayName(m.From), LangCode: m.From.LanguageCode,
			Location: &crm.Location{Lat: loc.Latitude, Lon: loc.Longitude}, Place: venuePlace(m.Venue)}
		return in
	}
	if text == "" {
		if kind := mediaKind(m); kind != "" && in.private {
			// Never silent: a photo, a voice note, a location… is answered.
			in.handle = true
			in.update = bot.Update{Channel: Name, ChatID: strconv.FormatInt(m.Chat.ID, 10), UserID: strconv.FormatInt(m.From.ID, 10),
				UserName: displayName(m.From), LangCode: m.From.LanguageCode, Media: kind}
		}
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

// mediaKind names what a message without text carries ("" for a service
// message: a member joined, a title changed…). The venue is checked before
// the location it includes.
func mediaKind(m *tgbotapi.Message) string {
	switch {
	case m.Venue != nil:
		return "venue"
	case m.Location != nil:
		return "location"
	case m.Contact != nil:
		return "contact"
	case len(m.Photo) > 0:
		return "photo"
	case m.Sticker != nil:
		return "sticker"
	case m.Animation != nil:
		return "animation"
	case m.Voice != nil:
		return "voice"
	case m.Audio != nil:
		return "audio"
	case m.VideoNote != nil:
		return "video_note"
	case m.Video != nil:
		return "video"
	case m.Poll != nil:
		return "poll"
	case m.Dice != nil:
		return "dice"
	}
	return ""
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
	if r := m.ReplyToMessage; r != nil && r.From != nil && c.api.Load() != nil && r.From.ID == c.api.Load().Self.ID {
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
func displayName(u *tgbotapi.User) string { return personName(u.FirstName, u.LastName) }

// personName joins a first and last name: Han names without a space.
func personName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
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

// startWorkers starts the update pipeline; the caller holds c.mu. Chats
// take turns (bot.ChatQueue): one chat's backlog never holds up another's.
func (c *Channel) startWorkers() {
	n := c.cfg.Workers
	c.pipe = c.bot.NewPipeline(c, bot.PipelineOptions{Channel: Name, Logger: c.log, Now: c.now,
		Workers: n, QueueSize: n * queueLen, PerChat: perChatQueue, Lease: c.cfg.InboxLease})
}

// accept hands an update to the pipeline, which stores it (its id, and
// while it is unanswered the update itself: bot.Inbox) and queues it for
// its chat. It waits for room in the queue first, so an accepted update
// is never dropped; a redelivered update (id already stored) is skipped.
func (c *Channel) accept(ctx context.Context, u *update) error {
	c.mu.RLock()
	closed, pipe := c.closed, c.pipe
	c.mu.RUnlock()
	if closed || pipe == nil {
		return errClosed
	}
	in := c.translateTopic(u)
	var payload []byte
	if in.handle || in.callbackID != "" {
		var err error
		if payload, err = json.Marshal(u); err != nil {
			return err
		}
	}
	err := pipe.Accept(ctx, strconv.Itoa(u.UpdateID), payload, in.incoming(), true)
	if errors.Is(err, bot.ErrQueueClosed) {
		return errClosed
	}
	return err
}

// Translate reads a stored update again (bot.Adapter).
func (c *Channel) Translate(payload []byte) (bot.Incoming, error) {
	u, err := decodeUpdate(payload)
	if err != nil {
		return bot.Incoming{}, err
	}
	return c.translateTopic(u).incoming(), nil
}

// update is a Bot API update with what the library (older than forum
// topics) does not read: the topic of a message in a forum supergroup. A
// stored payload carries it as salesbot_thread beside the library's
// fields.
type update struct {
	tgbotapi.Update
	Thread int `json:"salesbot_thread,omitempty"`
}

// topicOf reads message_thread_id where it names a forum topic
// (is_topic_message; a reply thread of a plain group is not one).
type topicOf struct {
	Message *topicMessage `json:"message"`
	Query   *struct {
		Message *topicMessage `json:"message"`
	} `json:"callback_query"`
}

type topicMessage struct {
	Thread int  `json:"message_thread_id"`
	Topic  bool `json:"is_topic_message"`
}

// decodeUpdate reads an update as Telegram sends it or as it was stored.
func decodeUpdate(raw []byte) (*update, error) {
	var u update
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, err
	}
	var t topicOf
	if u.Thread == 0 && json.Unmarshal(raw, &t) == nil {
		m := t.Message
		if m == nil && t.Query != nil {
			m = t.Query.Message
		}
		if m != nil && m.Topic {
			u.Thread = m.Thread
		}
	}
	return &u, nil
}

// decodeUpdates reads getUpdates' result.
func decodeUpdates(result []byte) ([]*update, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(result, &raws); err != nil {
		return nil, err
	}
	out := make([]*update, 0, len(raws))
	for _, r := range raws {
		u, err := decodeUpdate(r)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// translateTopic is translate with the forum topic the replies go to.
func (c *Channel) translateTopic(u *update) inbound {
	in := c.translate(&u.Update)
	if in.handle && u.Thread != 0 {
		in.update.Thread = strconv.Itoa(u.Thread)
	}
	return in
}

// Prepare answers the callback query of a pressed button first, so the
// button stops spinning (bot.Adapter).
func (c *Channel) Prepare(ctx context.Context, in *bot.Incoming, _ bot.Sender) (bot.Prepared, error) {
	if tin, ok := in.Raw.(inbound); ok && tin.callbackID != "" {
		if _, err := c.call(ctx, 0, "answerCallbackQuery", false, tgbotapi.NewCallback(tin.callbackID, "")); err != nil {
			c.log.Warn("telegram: answerCallbackQuery failed", slog.Int64("chat_id", tin.chat), slog.Any("err", err))
		}
	}
	return bot.Proceed, nil
}

// Deliver sends an update's replies (bot.Adapter), the first Edit reply
// replacing the message the button was on. A person is waiting: a short
// retry_after is waited out here, not left to the inbox's next sweep
// (minutes away).
func (c *Channel) Deliver(ctx context.Context, d *bot.Delivery) (int, error) {
	chat, err := strconv.ParseInt(d.ChatID, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("telegram: chat id %q is not a Telegram chat: %w", d.ChatID, crm.ErrUnreachable)
	}
	d.Replies = coalesce(d.Replies)
	var edit *editTarget
	if id, _ := strconv.Atoi(d.Target); id != 0 {
		edit = &editTarget{messageID: id}
	}
	thread, _ := strconv.Atoi(d.Thread)
	ctx = asReply(ctx) // answers go before pushes
	sent, err := c.deliverSome(ctx, chat, thread, d.Replies, edit)
	for round := 0; err != nil && round < replyRetryRounds; round++ {
		var ra *crm.RetryAfterError
		if !errors.As(err, &ra) || ra.After > maxWaitInPlace {
			break
		}
		if c.sleep(ctx, ra.After) != nil {
			break
		}
		var more int
		more, err = c.deliverSome(ctx, chat, thread, d.Replies[sent:], edit)
		sent += more
	}
	if edit != nil && edit.used {
		d.Target = ""
	}
	return sent, err
}

// Retryable reports whether a failed reply is worth sending again later
// (bot.Adapter).
func (c *Channel) Retryable(err error) bool { return retryable(err) }

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
		var updates []*update
		resp, err := c.request(ctx, "getUpdates", tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: int(c.pollTimeout / time.Second), AllowedUpdates: allowedUpdates})
		if err == nil {
			updates, err = decodeUpdates(resp.Result)
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
		for _, u := range updates {
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
	u, err := decodeUpdate(body)
	if err != nil {
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
	switch err := c.accept(ctx, u); {
	case err == nil:
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, errClosed), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		c.log.Error("telegram: webhook update not stored", slog.Int("update_id", u.UpdateID), slog.Any("err", err))
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// venuePlace names a venue: its title and address ("" for a plain
// location).
func venuePlace(v *tgbotapi.Venue) string {
	if v == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimSpace(v.Title) + " " + strings.TrimSpace(v.Address))
}
