package wecom

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// maxCallbackBytes bounds a callback body (WeCom's are a few KB).
const maxCallbackBytes = 256 << 10

// CallbackWindow is how far the timestamp a callback is signed with (its
// timestamp query parameter) may be from the channel's clock, either way.
// Outside it the callback, or the URL verification, is refused like a
// forged one (403) before anything is stored. WeCom signs a callback when
// it sends it and, when it gets no answer within 5 s, sends it again, three
// times at most (callbackRetryPeriod): a genuine callback is seconds old.
// The rest of the five minutes absorbs clock skew between WeCom and this
// server (keep the server's clock synchronised: a clock more than the
// window off refuses every callback, logged as "outside the window").
//
// A captured callback replayed inside the window is a redelivery: its
// dedupe key is in the inbox. Replayed later it is refused here, so the
// inbox keys only have to outlive the window: they are kept
// crm.InboundRetention (7 days), far longer than a key can be needed — a
// callback signed at T is accepted from T-CallbackWindow (our clock behind)
// to T+CallbackWindow (ahead), its retries until callbackRetryPeriod later.
const CallbackWindow = 5 * time.Minute

// callbackRetryPeriod bounds how long after its first delivery WeCom
// retries a callback: three retries, each after 5 s without an answer.
const callbackRetryPeriod = 30 * time.Second

var (
	errStale     = errors.New("wecom callback: timestamp outside the window")
	errSignature = errors.New("wecom callback: bad signature")
	errCorp      = errors.New("wecom callback: wrong corp id")
	errMalformed = errors.New("wecom callback: malformed")
)

// envelope is the POST body: the encrypted message.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	AgentID    string `xml:"AgentID"`
	Encrypt    string `xml:"Encrypt"`
}

// inbound is a decrypted callback: a message or an event.
type inbound struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        string `xml:"MsgId"`
	AgentID      string `xml:"AgentID"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	TaskID       string `xml:"TaskId"`
	CardType     string `xml:"CardType"`
	ResponseCode string `xml:"ResponseCode"`
}

// CallbackHandler is the application's callback URL (mounted at
// /wecom/callback): GET verifies the URL, POST receives messages and events.
func (c *Channel) CallbackHandler() http.Handler { return http.HandlerFunc(c.serveCallback) }

func (c *Channel) serveCallback(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		c.verifyURL(w, r)
	case http.MethodPost:
		c.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verifyURL answers WeCom's URL check with the decrypted echostr.
func (c *Channel) verifyURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// base64 has no spaces: a "+" that arrived unescaped decodes to one.
	echo := strings.ReplaceAll(q.Get("echostr"), " ", "+")
	if echo == "" || !c.signed(q, echo) {
		c.reject(r, w, errSignature)
		return
	}
	if err := c.fresh(q); err != nil {
		c.reject(r, w, err)
		return
	}
	plain, err := c.decrypt(echo)
	if err != nil {
		c.reject(r, w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(plain)
}

func (c *Channel) reject(r *http.Request, w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, errSignature) || errors.Is(err, errCorp) || errors.Is(err, errStale) {
		status = http.StatusForbidden
	}
	c.log.LogAttrs(r.Context(), slog.LevelWarn, "wecom callback rejected", slog.String("method", r.Method),
		slog.String("remote", r.RemoteAddr), slog.Int("status", status), slog.String("err", err.Error()))
	http.Error(w, http.StatusText(status), status)
}

// signed checks msg_signature = sha1(sort(token, timestamp, nonce, enc)) in
// constant time.
func (c *Channel) signed(q url.Values, enc string) bool {
	ts, nonce, sig := q.Get("timestamp"), q.Get("nonce"), q.Get("msg_signature")
	if ts == "" || nonce == "" || sig == "" {
		return false
	}
	want := util.Signature(c.cfg.Token, ts, nonce, enc)
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sig))) == 1
}

// fresh checks that the signed timestamp (seconds since 1970) is within
// CallbackWindow of the channel's clock.
func (c *Channel) fresh(q url.Values) error {
	ts := q.Get("timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %.20q is no number", errStale, ts)
	}
	at, now := time.Unix(sec, 0), c.now()
	if off := at.Sub(now); off > CallbackWindow || off < -CallbackWindow {
		return fmt.Errorf("%w: signed at %s, our clock says %s (window ±%s)", errStale,
			at.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), CallbackWindow)
	}
	return nil
}

// decrypt opens an encrypted payload: AES-256-CBC, IV the key's first 16
// bytes, PKCS#7 to a 32-byte block; the plaintext must end with our corp id.
func (c *Channel) decrypt(enc string) (plain []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			plain, err = nil, fmt.Errorf("%w: decrypt: %v", errMalformed, p)
		}
	}()
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", errMalformed, err)
	}
	key, _ := base64.StdEncoding.DecodeString(c.cfg.EncodingAESKey + "=")
	_, plain, corp, err := util.AESDecryptMsg(ct, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if string(corp) != c.cfg.CorpID {
		return nil, errCorp
	}
	return plain, nil
}

// open checks and decrypts a POSTed callback and parses the message.
func (c *Channel) open(q url.Values, body []byte) ([]byte, inbound, error) {
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil {
		return nil, inbound{}, fmt.Errorf("%w: %v", errMalformed, err)
	}
	env.Encrypt = strings.TrimSpace(env.Encrypt)
	if env.Encrypt == "" {
		return nil, inbound{}, fmt.Errorf("%w: no Encrypt", errMalformed)
	}
	if !c.signed(q, env.Encrypt) {
		return nil, inbound{}, errSignature
	}
	if err := c.fresh(q); err != nil {
		return nil, inbound{}, err
	}
	if env.ToUserName != "" && env.ToUserName != c.cfg.CorpID {
		return nil, inbound{}, errCorp
	}
	raw, err := c.decrypt(env.Encrypt)
	if err != nil {
		return nil, inbound{}, err
	}
	var in inbound
	if err := xml.Unmarshal(raw, &in); err != nil {
		return nil, inbound{}, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if in.ToUserName != "" && in.ToUserName != c.cfg.CorpID {
		return nil, inbound{}, errCorp
	}
	in.FromUserName = strings.TrimSpace(in.FromUserName)
	if in.FromUserName == "" || len(in.FromUserName) > 64 || strings.ContainsAny(in.FromUserName, "|\x00") {
		return nil, inbound{}, fmt.Errorf("%w: bad FromUserName", errMalformed)
	}
	return raw, in, nil
}

// wanted reports whether salesbot acts on the message.
func (in inbound) wanted() bool {
	switch in.MsgType {
	case "text":
		return true
	case "event":
		switch in.Event {
		case "click", "template_card_event", "enter_agent", "subscribe":
			return true
		}
	}
	return false
}

// dedupeKey identifies a callback across WeCom's retries: its MsgId, else
// a hash of the decrypted payload (identical in every retry; unlike
// FromUserName+CreateTime it tells apart two events of one second).
func dedupeKey(in inbound, raw []byte) string {
	if id := strings.TrimSpace(in.MsgID); id != "" {
		return "msg:" + id
	}
	h := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(h[:])
}

// receive stores the callback's key and acknowledges it at once; a worker
// handles it.
func (c *Channel) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBytes))
	if err != nil {
		c.reject(r, w, fmt.Errorf("%w: read body: %v", errMalformed, err))
		return
	}
	raw, in, err := c.open(r.URL.Query(), body)
	if err != nil {
		c.reject(r, w, err)
		return
	}
	if in.AgentID != "" && strings.TrimSpace(in.AgentID) != c.cfg.AgentID {
		c.log.LogAttrs(r.Context(), slog.LevelWarn, "wecom callback for another application ignored", slog.String("agent_id", in.AgentID))
		return
	}
	if !in.wanted() {
		c.log.LogAttrs(r.Context(), slog.LevelDebug, "wecom callback ignored", slog.String("msg_type", in.MsgType),
			slog.String("event", in.Event), slog.String("user", in.FromUserName))
		return
	}
	c.mu.RLock()
	q, inbox, b := c.q, c.inbox, c.bot
	c.mu.RUnlock()
	if q == nil {
		http.Error(w, "busy", http.StatusServiceUnavailable) // WeCom tries again
		return
	}
	// Before anything reaches the database: a member sending faster than
	// a person types is held back (acknowledged, so WeCom does not retry).
	switch b.Admit(Name, in.FromUserName) {
	case bot.RefusedNotice:
		c.log.LogAttrs(r.Context(), slog.LevelWarn, "wecom member over its message rate; dropped", slog.String("user", in.FromUserName))
		c.notice(in.FromUserName, "door.slow_down")
		return
	case bot.Refused:
		return
	}
	if err := q.Reserve(r.Context(), in.FromUserName, false); err != nil {
		switch {
		case errors.Is(err, bot.ErrChatBusyNotice):
			c.log.LogAttrs(r.Context(), slog.LevelWarn, "wecom member has too many updates waiting; dropped", slog.String("user", in.FromUserName))
			c.notice(in.FromUserName, "queue.one_at_a_time")
		case errors.Is(err, bot.ErrChatBusy):
		default:
			http.Error(w, "busy", http.StatusServiceUnavailable) // WeCom tries again
		}
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second) // WeCom waits 5 s
	defer cancel()
	key := dedupeKey(in, raw)
	isNew, err := inbox.Accept(ctx, key, raw)
	if err != nil {
		q.Unreserve(in.FromUserName)
		c.log.LogAttrs(r.Context(), slog.LevelError, "wecom callback not stored", slog.String("key", key), slog.Any("err", err))
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	if !isNew {
		q.Unreserve(in.FromUserName)
		c.log.LogAttrs(r.Context(), slog.LevelDebug, "wecom callback redelivered", slog.String("key", key))
		return
	}
	if !q.Push(in.FromUserName, job{user: in.FromUserName, in: in, key: key}) {
		c.log.LogAttrs(r.Context(), slog.LevelWarn, "wecom callback dropped: shutting down", slog.String("key", key))
	}
	// An empty 200 acknowledges; replies go out as application messages.
}

// notice tells a member, once per burst, why a message was not taken in;
// it is sent in the background (pacing may wait), which Close waits for.
func (c *Channel) notice(user, key string) {
	m := c.bot.Notice(key, "")
	c.recov.Add(1)
	go func() {
		defer c.recov.Done()
		if err := c.Send(c.baseCtx, user, m); err != nil {
			c.log.Warn("wecom: notice not sent", slog.String("user", user), slog.Any("err", err))
		}
	}()
}

// recoverInbox answers callbacks a stopped process acknowledged and left
// unanswered.
func (c *Channel) recoverInbox(ctx context.Context, q *bot.ChatQueue[job]) {
	c.inbox.Recover(ctx, func(iu crm.InboundUpdate) bool {
		var in inbound
		if err := xml.Unmarshal(iu.Payload, &in); err != nil || in.FromUserName == "" {
			c.log.Error("wecom: stored callback unreadable; dropped", slog.String("key", iu.Key), slog.Any("err", err))
			c.inbox.Done(iu.Key)
			return true
		}
		in.FromUserName = strings.TrimSpace(in.FromUserName)
		j := job{user: in.FromUserName, in: in, key: iu.Key}
		if iu.Replies != nil {
			var sr storedReplies
			if err := json.Unmarshal(iu.Replies, &sr); err != nil {
				c.log.Error("wecom: stored replies unreadable; dropped", slog.String("key", iu.Key), slog.Any("err", err))
				c.inbox.Done(iu.Key)
				return true
			}
			j.stored = &sr
		}
		for {
			err := q.Reserve(ctx, j.user, true)
			if err == nil {
				break
			}
			if !errors.Is(err, bot.ErrChatBusy) && !errors.Is(err, bot.ErrChatBusyNotice) || bot.Sleep(ctx, 100*time.Millisecond) != nil {
				return false
			}
		}
		return q.Push(j.user, j)
	})
}

// handleJob turns a callback into a bot update and sends the replies.
func (c *Channel) handleJob(j job) {
	ctx, cancel := context.WithTimeout(c.baseCtx, 2*time.Minute)
	defer cancel()
	answered := true // false: leave the callback in the inbox for a retry
	if j.key != "" {
		defer func() {
			switch {
			case c.baseCtx.Err() != nil:
				// Cut short by Close giving up: left for the next process.
			case answered:
				c.inbox.Done(j.key)
			default:
				c.inbox.Retry(j.key)
			}
		}()
	}
	if j.stored != nil {
		// Handled by a process that stopped before its replies went out.
		answered = c.deliverReplies(ctx, j.key, j.user, *j.stored)
		return
	}
	c.mu.RLock()
	b, st := c.bot, c.store
	c.mu.RUnlock()
	in, user := j.in, j.user
	u := bot.Update{Channel: Name, ChatID: user, UserID: user}
	greeting := in.Event == "enter_agent" || in.Event == "subscribe"
	var card map[string]string // the pressed card's button labels
	switch {
	case in.MsgType == "text":
		u.Text = in.Content
		if data, ok := c.typedNumber(ctx, user, in.Content); ok {
			u.Text, u.Button = "", data
		}
	case in.Event == "click":
		// Menu keys are command lines or keywords ("/today", "工作台").
		u.Text = strings.TrimSpace(in.EventKey)
	case in.Event == "template_card_event":
		labels, err := c.sentCard(ctx, user, in.TaskID)
		if errors.Is(err, crm.ErrNotFound) {
			answered = c.answerStale(ctx, j.key, user, in)
			return
		}
		if err != nil {
			c.log.LogAttrs(ctx, slog.LevelError, "wecom: look up the pressed card", slog.String("user", user),
				slog.String("task_id", in.TaskID), slog.Any("err", err))
			answered = false
			return
		}
		card = labels
		u.Button = strings.TrimSpace(in.EventKey)
	case greeting:
		u.Text = "/start"
	}
	if u.Text == "" && u.Button == "" {
		return
	}
	lang := c.cfg.DefaultLang
	member, err := st.IdentityUser(ctx, Name, user)
	switch {
	case err == nil:
		if greeting {
			return // a bound member opening the app needs no greeting
		}
		if member.Locale != "" {
			lang = member.Locale
		}
		// Writing again makes a member who had left reachable again.
		if err := st.SetReachable(ctx, Name, user, true); err != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: mark reachable", slog.String("user", user), slog.Any("err", err))
		}
	case crm.ErrorCode(err) == crm.CodeUnbound:
		if greeting {
			// Greet a member who is not bound yet once a day when they open the app.
			day := c.now().Format("2006-01-02")
			if isNew, err := st.ClaimInbound(ctx, Name, "greet:"+user+":"+day, c.now()); err != nil || !isNew {
				return
			}
		}
		u.UserName = c.displayName(ctx, user)
	default:
		c.log.LogAttrs(ctx, slog.LevelError, "wecom: look up member", slog.String("user", user), slog.Any("err", err))
	}
	if in.Event == "template_card_event" {
		c.updateCard(ctx, user, in, card, lang)
	}
	replies := b.Handle(ctx, u)
	if len(replies) == 0 {
		return
	}
	sr := storedReplies{Lang: lang, Replies: replies}
	if j.key != "" && ctx.Err() == nil {
		if data, err := json.Marshal(sr); err == nil {
			c.inbox.Handled(j.key, data)
		}
	}
	answered = c.deliverReplies(ctx, j.key, user, sr)
}

// answerStale answers a press on a card that was not sent to this member
// (or is older than cardTTL) with the bot's stale-button text, without
// handing the press to the bot, updating any card or touching the
// member's numbered options: a button key means something only on its own
// member's card (a step of that member's form), so a press naming another
// member's task_id changes nothing.
func (c *Channel) answerStale(ctx context.Context, key, user string, in inbound) bool {
	c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: press on a card not sent to this member; answered as a stale button",
		slog.String("user", user), slog.String("task_id", in.TaskID))
	c.mu.RLock()
	st := c.store
	c.mu.RUnlock()
	lang := c.cfg.DefaultLang
	if m, err := st.IdentityUser(ctx, Name, user); err == nil && m.Locale != "" {
		lang = m.Locale
	}
	stale := []crm.Message{{Text: conversation.T(lang, "button.stale")}}
	return c.doneAfter(ctx, key, user, c.deliverKeeping(ctx, target{kind: toMember, id: user}, stale, false, true, lang))
}

// deliverReplies sends a handled callback's replies and reports whether it
// is answered: false when they failed in a way worth retrying later.
func (c *Channel) deliverReplies(ctx context.Context, key, user string, sr storedReplies) bool {
	return c.doneAfter(ctx, key, user, c.deliver(ctx, target{kind: toMember, id: user}, sr.Replies, false, sr.Lang))
}

// doneAfter reports whether a callback whose replies were sent with the
// error err is answered: false when it is worth retrying later.
func (c *Channel) doneAfter(ctx context.Context, key, user string, err error) bool {
	if err == nil {
		return true
	}
	c.log.LogAttrs(ctx, slog.LevelError, "wecom reply not sent", slog.String("user", user), slog.String("err", err.Error()))
	return key == "" || (!retryable(err) && ctx.Err() == nil)
}

// typedNumber maps "2" to the data of the second numbered option last shown
// to the member.
func (c *Channel) typedNumber(ctx context.Context, user, text string) (string, bool) {
	n, ok := parseNumber(text)
	if !ok {
		return "", false
	}
	btns := c.numberedOptions(ctx, user)
	if n < 1 || n > len(btns) {
		return "", false
	}
	return btns[n-1].Data, true
}

// parseNumber reads "2", " 2 " or a full-width "２".
func parseNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		default:
			return 0, false
		}
		if n > 999 {
			return 0, false
		}
	}
	return n, true
}

// displayName is the member's name from user/get, cached; the UserID when
// it cannot be read.
func (c *Channel) displayName(ctx context.Context, user string) string {
	if name, ok := c.names.get(user); ok {
		return name
	}
	name := user
	err := c.call(ctx, "user/get", false, func() error {
		resp, err := c.users.UserGet(user)
		if err != nil {
			return err
		}
		if n := strings.TrimSpace(resp.Name); n != "" {
			name = n
		}
		return nil
	})
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: user/get failed; using the UserID as name", slog.String("user", user), slog.String("err", err.Error()))
	}
	c.names.put(user, name)
	return name
}
