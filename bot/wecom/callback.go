package wecom

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
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
	// A location message: Location_X is the latitude, Location_Y the
	// longitude, Label the place WeCom names.
	MediaID   string `xml:"MediaId"` // image, voice, video: the file (media/get)
	LocationX string `xml:"Location_X"`
	LocationY string `xml:"Location_Y"`
	Label     string `xml:"Label"`
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
	case "image", "voice", "video", "location", "link", "file":
		return true // answered, never met with silence
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

// receive stores the callback and acknowledges it at once; the pipeline's
// workers handle it.
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
	if isContactChange(in) {
		c.contactChange(w, r, raw, in) // the organisation sync (contacts.go)
		return
	}
	if !in.wanted() {
		c.log.LogAttrs(r.Context(), slog.LevelDebug, "wecom callback ignored", slog.String("msg_type", in.MsgType),
			slog.String("event", in.Event), slog.String("user", in.FromUserName))
		return
	}
	c.mu.RLock()
	pipe := c.pipe
	c.mu.RUnlock()
	if pipe == nil {
		http.Error(w, "busy", http.StatusServiceUnavailable) // WeCom tries again
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second) // WeCom waits 5 s
	defer cancel()
	// A member sending faster than a person types is held back at the
	// door (acknowledged, so WeCom does not retry), and so is one with
	// too many callbacks waiting.
	key := dedupeKey(in, raw)
	switch err := pipe.Accept(ctx, key, raw, c.incoming(in), false); {
	case err == nil:
		// An empty 200 acknowledges; replies go out as application messages.
	case errors.Is(err, bot.ErrQueueFull), errors.Is(err, bot.ErrQueueClosed):
		http.Error(w, "busy", http.StatusServiceUnavailable) // WeCom tries again
	default:
		c.log.LogAttrs(r.Context(), slog.LevelError, "wecom callback not stored", slog.String("key", key), slog.Any("err", err))
		http.Error(w, "try again", http.StatusInternalServerError)
	}
}

// incoming turns a callback into a bot update: a text as typed (a number
// may answer numbered options: the pipeline reads it), a menu click as the
// text of its key ("/today", "工作台"), a card's button press as the
// button, opening the application as /start (a greeting).
func (c *Channel) incoming(in inbound) bot.Incoming {
	user := strings.TrimSpace(in.FromUserName)
	out := bot.Incoming{Update: bot.Update{Channel: Name, ChatID: user, UserID: user}, Raw: in}
	switch {
	case in.MsgType == "text":
		out.Update.Text = in.Content
	case in.MsgType == "image" && strings.TrimSpace(in.MediaID) != "":
		// A picture, kept with a customer: fetched from media/get when used.
		out.Update.Photo = &bot.Document{Name: "image-" + strings.TrimSpace(in.MsgID) + ".jpg", Fetch: c.mediaFetcher(strings.TrimSpace(in.MediaID))}
	case in.MsgType == "image":
		out.Update.Media = "photo"
	case in.MsgType == "location":
		// A check-in (签到); unreadable coordinates are answered like any
		// other message the bot cannot use.
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(in.LocationX), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(in.LocationY), 64)
		if err1 != nil || err2 != nil {
			out.Update.Media = in.MsgType
			break
		}
		out.Update.Location, out.Update.Place = &crm.Location{Lat: lat, Lon: lon}, strings.TrimSpace(in.Label)
	case in.MsgType == "voice" && strings.TrimSpace(in.MediaID) != "":
		// A voice note (AMR), transcribed where speech recognition is set up.
		out.Update.Voice = &bot.Document{Name: "voice-" + strings.TrimSpace(in.MsgID) + ".amr", Fetch: c.mediaFetcher(strings.TrimSpace(in.MediaID))}
	case in.MsgType == "voice", in.MsgType == "video", in.MsgType == "link", in.MsgType == "file":
		out.Update.Media = in.MsgType
	case in.Event == "click":
		out.Update.Text = strings.TrimSpace(in.EventKey)
	case in.Event == "template_card_event":
		out.Update.Button = strings.TrimSpace(in.EventKey)
	case in.Event == "enter_agent" || in.Event == "subscribe":
		out.Update.Text, out.Greeting = "/start", true
	}
	out.Handle = out.Update.Text != "" || out.Update.Button != "" || out.Update.Media != "" || out.Update.Location != nil || out.Update.Photo != nil || out.Update.Voice != nil
	return out
}

// Translate reads a stored callback again (bot.Adapter).
func (c *Channel) Translate(payload []byte) (bot.Incoming, error) {
	var in inbound
	if err := xml.Unmarshal(payload, &in); err != nil {
		return bot.Incoming{}, err
	}
	if strings.TrimSpace(in.FromUserName) == "" {
		return bot.Incoming{}, fmt.Errorf("%w: no FromUserName", errMalformed)
	}
	return c.incoming(in), nil
}

// Prepare checks a card's button press against the cards sent to the
// member and greys the card out, and names a member who is not bound yet
// from user/get, so /start names the person (bot.Adapter).
//
// A press on a card that was not sent to this member (or is older than
// cardTTL) is answered with the bot's stale-button text, without handing
// the press to the bot, updating any card or touching the member's
// numbered options: a button key means something only on its own member's
// card (a step of that member's form), so a press naming another member's
// task_id changes nothing.
func (c *Channel) Prepare(ctx context.Context, in *bot.Incoming, s bot.Sender) (bot.Prepared, error) {
	win, _ := in.Raw.(inbound)
	user := in.Update.UserID
	if win.Event == "template_card_event" {
		labels, err := c.sentCard(ctx, user, win.TaskID)
		if errors.Is(err, crm.ErrNotFound) {
			c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: press on a card not sent to this member; answered as a stale button",
				slog.String("user", user), slog.String("task_id", win.TaskID))
			return bot.Stale, nil
		}
		if err != nil {
			return bot.Skip, fmt.Errorf("wecom: look up the pressed card %s: %w", win.TaskID, err)
		}
		lang := s.Locale
		if lang == "" {
			lang = c.cfg.DefaultLang
		}
		c.updateCard(ctx, user, win, labels, lang)
	}
	if !s.Bound {
		in.Update.UserName = c.displayName(ctx, user)
	}
	return bot.Proceed, nil
}

// Deliver sends a handled callback's replies as application messages
// (bot.Adapter); they are merged, so a failure sends them all again.
func (c *Channel) Deliver(ctx context.Context, d *bot.Delivery) (int, error) {
	lang := d.Lang
	if lang == "" {
		lang = c.cfg.DefaultLang
	}
	return 0, c.deliver(ctx, target{kind: toMember, id: d.ChatID}, d.Replies, false, lang)
}

// Retryable reports whether a failed reply is worth sending again later
// (bot.Adapter).
func (c *Channel) Retryable(err error) bool { return retryable(err) }

// rememberNumbered reports the numbered options last shown to a member
// (nil: none) to the pipeline, which keeps them so that a typed "2" means
// the second one.
func (c *Channel) rememberNumbered(ctx context.Context, user string, btns []crm.Button) {
	c.mu.RLock()
	pipe := c.pipe
	c.mu.RUnlock()
	if pipe != nil {
		pipe.Showed(ctx, user, btns)
	}
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

// mediaFetcher downloads a message's temporary media (media/get, within
// the 3 days WeCom keeps it), at most crm.MaxAttachmentBytes plus one byte
// is used of it.
func (c *Channel) mediaFetcher(mediaID string) func(ctx context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		var data []byte
		err := c.call(ctx, "get media", false, func() error {
			var err error
			data, err = c.media.GetTempFile(mediaID)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("wecom: media %s: %w", mediaID, err)
		}
		return data, nil
	}
}
