package wecom

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work/appchat"
	"github.com/silenceper/wechat/v2/work/message"
	"github.com/silenceper/wechat/v2/work/robot"

	"github.com/salesbot-crm/salesbot/crm"
)

// --- targets ------------------------------------------------------------

const (
	toMember = iota
	toAppChat
	toRobot
)

type target struct {
	kind int
	id   string // UserID, chat id or robot key
}

// parseTarget reads a chat id (see the package documentation).
func (c *Channel) parseTarget(chatID string) (target, error) {
	switch {
	case chatID == "robot":
		if c.cfg.RobotKey == "" {
			return target{}, errors.New("wecom: chat id \"robot\" but wecom.robot_key is not set")
		}
		return target{kind: toRobot, id: c.cfg.RobotKey}, nil
	case strings.HasPrefix(chatID, "robot:"):
		if k := strings.TrimPrefix(chatID, "robot:"); k != "" {
			c.redactor.add(k)
			return target{kind: toRobot, id: k}, nil
		}
	case strings.HasPrefix(chatID, "appchat:"):
		if id := strings.TrimPrefix(chatID, "appchat:"); id != "" && len(id) <= 64 {
			return target{kind: toAppChat, id: id}, nil
		}
	default:
		if chatID != "" && len(chatID) <= 64 && !strings.ContainsAny(chatID, "|@ \t\n") {
			return target{kind: toMember, id: chatID}, nil
		}
	}
	return target{}, fmt.Errorf("wecom: bad chat id %q: want a UserID, appchat:<chatid>, robot or robot:<key>", strings.SplitN(chatID, ":", 2)[0])
}

func (t target) limit() int {
	switch t.kind {
	case toRobot:
		return RobotPerMinute
	case toAppChat:
		return AppChatPerMinute
	}
	return MemberPerMinute
}

func (t target) paceKey() string {
	switch t.kind {
	case toRobot:
		return "robot:" + t.id
	case toAppChat:
		return "appchat:" + t.id
	}
	return "user:" + t.id
}

// String names the target for logs (never the robot key).
func (t target) String() string {
	switch t.kind {
	case toRobot:
		return "robot"
	case toAppChat:
		return "appchat:" + t.id
	}
	return t.id
}

// pushLang is the language of a push's words: the message's, else the
// default for a member ("" for groups, which read both).
func (c *Channel) pushLang(t target, m crm.Message) string {
	switch {
	case t.kind != toMember:
		return ""
	case m.Lang != "":
		return m.Lang
	}
	return c.cfg.DefaultLang
}

// --- delivery -----------------------------------------------------------

// Send delivers a push to a chat (see the package documentation for chat
// ids). It does not wait for the member's per-minute budget: when it is
// spent, or WeCom answers 45009, it returns a *crm.RetryAfterError. A
// member who left gives an error wrapping crm.ErrUnreachable (and the
// identity is marked unreachable).
func (c *Channel) Send(ctx context.Context, chatID string, m crm.Message) error {
	t, err := c.parseTarget(chatID)
	if err != nil {
		return err
	}
	return c.deliver(ctx, t, []crm.Message{m}, true, c.pushLang(t, m))
}

// deliver sends messages to a target. A push (Send) takes its whole
// budget at once or returns a *crm.RetryAfterError; a reply waits.
func (c *Channel) deliver(ctx context.Context, t target, msgs []crm.Message, push bool, lang string) error {
	return c.deliverKeeping(ctx, t, msgs, push, false, lang)
}

// deliverKeeping is deliver; with keep, a reply leaves the member's
// numbered options as they were (a notice that asks nothing).
func (c *Channel) deliverKeeping(ctx context.Context, t target, msgs []crm.Message, push, keep bool, lang string) error {
	wires := render(msgs, t, lang)
	if len(wires) == 0 {
		return nil
	}
	if push {
		if d := c.pacer.reserve(t.paceKey(), len(wires), t.limit(), c.now()); d > 0 {
			return &crm.RetryAfterError{After: d, Err: fmt.Errorf("wecom: %s has had %d messages in the last minute", t, t.limit())}
		}
	}
	var numbered []crm.Button // the numbered options shown last
	for _, w := range wires {
		if !push {
			for {
				d := c.pacer.reserve(t.paceKey(), 1, t.limit(), c.now())
				if d == 0 {
					break
				}
				c.log.LogAttrs(ctx, slog.LevelInfo, "wecom: pacing a reply", slog.String("to", t.String()), slog.Duration("wait", d))
				if err := c.sleep(ctx, d); err != nil {
					return err
				}
			}
		}
		// The windows shared with the other instances on this application.
		for {
			d := c.sharedWait(ctx, t)
			if d == 0 {
				break
			}
			if push {
				return &crm.RetryAfterError{After: d, Err: fmt.Errorf("wecom: %s has had its messages for now across the instances", t)}
			}
			c.log.LogAttrs(ctx, slog.LevelInfo, "wecom: pacing a reply (shared budget)", slog.String("to", t.String()), slog.Duration("wait", d))
			if err := c.sleep(ctx, d); err != nil {
				return err
			}
		}
		crm.SendStarting(ctx) // the outbox marks the push as on its way
		shown, err := c.sendWire(ctx, t, w, push)
		if err != nil {
			return c.failed(ctx, t, err, push)
		}
		if shown != nil {
			numbered = shown
		}
	}
	if t.kind == toMember && (numbered != nil || (!push && !keep)) {
		// A reply replaces the options a member can answer by number; a
		// push or a notice only when it shows some.
		c.rememberNumbered(ctx, t.id, numbered)
	}
	return nil
}

// failed turns a send error into what the caller should do.
func (c *Channel) failed(ctx context.Context, t target, err error, push bool) error {
	var se *safeError
	if !errors.As(err, &se) {
		return err
	}
	switch se.kind {
	case kindUnreachable:
		if t.kind == toMember {
			c.mu.RLock()
			st := c.store
			c.mu.RUnlock()
			if st != nil {
				if err := st.SetReachable(ctx, Name, t.id, false); err != nil {
					c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: mark unreachable", slog.String("user", t.id), slog.Any("err", err))
				}
			}
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: recipient unreachable", slog.String("to", t.String()), slog.Int64("errcode", se.code))
		return fmt.Errorf("wecom: send to %s: %w", t, se)
	case kindRateLimit:
		if push {
			now := c.now()
			after := now.Truncate(time.Minute).Add(time.Minute + time.Duration(mrand.IntN(10))*time.Second).Sub(now)
			return &crm.RetryAfterError{After: after, Err: se}
		}
	}
	return se
}

// retryable reports whether a failed reply is worth sending again later
// (WeCom or the network failed, or the member's minute is used up), not
// when the member cannot be reached or WeCom refused the message itself.
func retryable(err error) bool {
	var se *safeError
	if errors.As(err, &se) {
		return se.kind == kindTransient || se.kind == kindRateLimit
	}
	var ra *crm.RetryAfterError
	return errors.As(err, &ra) || !errors.Is(err, crm.ErrUnreachable)
}

// sendWire sends one platform message; it returns the buttons it showed
// as numbered options, if any.
func (c *Channel) sendWire(ctx context.Context, t target, w wire, push bool) ([]crm.Button, error) {
	switch t.kind {
	case toRobot:
		return nil, c.sendRobot(ctx, t, w, push)
	case toAppChat:
		return nil, c.sendAppChat(ctx, t, w, push)
	}
	switch w.kind {
	case "file":
		id, err := c.uploadMedia(ctx, "file", w.file.Name, w.file.Data, push)
		if err != nil {
			return nil, err
		}
		req := fileRequest{SendRequestCommon: c.common(t.id, push)}
		req.MsgType = "file"
		req.File.MediaID = id
		return nil, c.call(ctx, "send file", push, func() error {
			resp, err := c.msg.Send("MessageSendFile", req)
			return checkSend(resp, err)
		})
	case "image":
		id, err := c.upload(ctx, w.image, push)
		if err != nil {
			return nil, err
		}
		return nil, c.call(ctx, "send image", push, func() error {
			resp, err := c.msg.SendImage(message.SendImageRequest{SendRequestCommon: c.common(t.id, push), Image: message.ImageField{MediaID: id}})
			return checkSend(resp, err)
		})
	case "card":
		err := c.sendCard(ctx, t, w, push)
		var se *safeError
		if errors.As(err, &se) && se.kind == kindPermanent {
			// The card was refused (a limit we did not know of): numbered
			// options still work.
			c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: template card refused; sending numbered options", slog.String("to", t.String()), slog.String("err", se.msg))
			var shown []crm.Button
			for _, nw := range numberedWires(w.text, w.buttons, w.lang) {
				if _, err := c.sendWire(ctx, t, nw, push); err != nil {
					return nil, err
				}
				if nw.numbered != nil {
					shown = nw.numbered
				}
			}
			return shown, nil
		}
		return nil, err
	}
	err := c.call(ctx, "send text", push, func() error {
		resp, err := c.msg.SendText(message.SendTextRequest{SendRequestCommon: c.common(t.id, push), Text: message.TextField{Content: w.text}})
		return checkSend(resp, err)
	})
	if err != nil {
		return nil, err
	}
	return w.numbered, nil
}

// common is the head of an application message. Pushes ask WeCom to drop
// an identical message sent in the last 30 minutes, so an outbox retry
// after a lost answer does not show twice.
func (c *Channel) common(user string, push bool) *message.SendRequestCommon {
	h := &message.SendRequestCommon{ToUser: user, AgentID: c.cfg.AgentID}
	if push {
		h.EnableDuplicateCheck, h.DuplicateCheckInterval = 1, 1800
	}
	return h
}

// checkSend treats a member listed as invalid as gone.
func checkSend(resp *message.SendResponse, err error) error {
	if err != nil {
		return err
	}
	if resp != nil && (resp.InvalidUser != "" || resp.UnlicensedUser != "") {
		return util.NewCommonError("MessageSend", 81013, "invaliduser")
	}
	return nil
}

// sendCard sends a button_interaction template card: each button's key is
// the Button's Data, and a press comes back as a template_card_event.
func (c *Channel) sendCard(ctx context.Context, t target, w wire, push bool) error {
	card, labels := buildCard(w, taskID(c.now()))
	// Remembered before it is sent, so that no press can come back before
	// the card is known.
	c.rememberCard(ctx, t.id, card.TaskID, labels)
	head := c.common(t.id, push)
	head.MsgType = "template_card"
	return c.call(ctx, "send card", push, func() error {
		resp, err := c.msg.Send("MessageSendTemplateCard", cardRequest{SendRequestCommon: head, TemplateCard: card})
		return checkSend(resp, err)
	})
}

// cardTTL is how long a sent card's buttons are remembered: longer than a
// form waits for its answer (conversation.StateTTL), so a card is known
// for as long as pressing it can do anything.
const cardTTL = 72 * time.Hour

// cardKey is the conversation-state key of a card sent to a member, under
// the member's chat: a card is found by (member, task_id) only, so a press
// that names another member's task_id finds nothing ('#' cannot occur in a
// WeCom UserID, so it never meets the bot's own state for the member).
func cardKey(taskID string) string { return "#card:" + taskID }

// rememberCard stores the button labels of a card sent to a member (button
// key → label) in the store's conversation state: a press is recognised
// after a restart and on another instance too.
func (c *Channel) rememberCard(ctx context.Context, user, taskID string, labels map[string]string) {
	c.mu.RLock()
	st := c.store
	c.mu.RUnlock()
	if st == nil {
		return
	}
	data, _ := json.Marshal(labels)
	now := c.now()
	err := st.PutState(ctx, crm.ConversationState{Channel: Name, ChatID: user, UserKey: cardKey(taskID), Flow: "_wecom_card",
		Data: string(data), ExpiresAt: now.Add(cardTTL), UpdatedAt: now})
	if err != nil {
		// Its buttons will be answered as stale.
		c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: card not stored", slog.String("user", user), slog.String("task_id", taskID), slog.Any("err", err))
	}
}

// sentCard returns the button labels of the card taskID sent to user;
// crm.ErrNotFound when no such card was sent to this member (or it is
// older than cardTTL).
func (c *Channel) sentCard(ctx context.Context, user, taskID string) (map[string]string, error) {
	c.mu.RLock()
	st := c.store
	c.mu.RUnlock()
	taskID = strings.TrimSpace(taskID)
	if st == nil || taskID == "" {
		return nil, crm.ErrNotFound
	}
	s, err := st.State(ctx, Name, user, cardKey(taskID), c.now())
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	if err := json.Unmarshal([]byte(s.Data), &labels); err != nil {
		// It will not read better on a retry: the press is stale.
		c.log.LogAttrs(ctx, slog.LevelError, "wecom: stored card unreadable", slog.String("user", user), slog.String("task_id", taskID), slog.Any("err", err))
		return nil, crm.ErrNotFound
	}
	return labels, nil
}

// taskID is a card's id, unique within the application: [0-9a-zA-Z_-@],
// at most 128 bytes.
func taskID(now time.Time) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "sb" + strconv.FormatInt(now.UnixMilli(), 36) + "_" + hex.EncodeToString(b)
}

const updateCardURL = "https://qyapi.weixin.qq.com/cgi-bin/message/update_template_card?access_token=%s"

type updateCardRequest struct {
	UserIDs      []string `json:"userids"`
	AgentID      int64    `json:"agentid"`
	ResponseCode string   `json:"response_code"`
	Button       struct {
		ReplaceName string `json:"replace_name"`
	} `json:"button"`
}

// updateCard greys out the buttons of a card the member pressed ("已选择：
// 保存") so it is not pressed twice; labels are the card's (sentCard).
// Failure only costs looks.
func (c *Channel) updateCard(ctx context.Context, user string, in inbound, labels map[string]string, lang string) {
	if in.ResponseCode == "" {
		return
	}
	req := updateCardRequest{UserIDs: []string{user}, AgentID: c.agentID, ResponseCode: in.ResponseCode}
	req.Button.ReplaceName = pressedLabel(labels[in.EventKey], lang)
	err := c.call(ctx, "update card", false, func() error {
		tok, err := c.msg.GetAccessToken()
		if err != nil {
			return err
		}
		body, err := util.PostJSONContext(ctx, fmt.Sprintf(updateCardURL, tok), req)
		if err != nil {
			return err
		}
		return util.DecodeWithCommonError(body, "UpdateTemplateCard")
	})
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: card not updated", slog.String("user", user), slog.String("err", err.Error()))
	}
}

// fileRequest is an application message carrying a file.
type fileRequest struct {
	*message.SendRequestCommon
	File struct {
		MediaID string `json:"media_id"`
	} `json:"file"`
}

// uploadMedia uploads temporary media of a type and returns its media_id.
func (c *Channel) uploadMedia(ctx context.Context, typ, name string, data []byte, push bool) (string, error) {
	name = filepath.Base(strings.TrimSpace(name))
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	var id string
	err := c.call(ctx, "upload "+typ, push, func() error {
		resp, err := c.media.UploadTempFileFromReader(name, typ, bytes.NewReader(data))
		if err != nil {
			return err
		}
		if resp.MediaID == "" {
			return errors.New("upload answered no media_id")
		}
		id = resp.MediaID
		return nil
	})
	return id, err
}

// upload sends an image as temporary media (kept 3 days by WeCom; the id is
// reused for 2) and returns its media_id.
func (c *Channel) upload(ctx context.Context, img *crm.Image, push bool) (string, error) {
	sum := sha256.Sum256(img.PNG)
	if id, ok := c.uploads.get(sum); ok {
		return id, nil
	}
	name := filepath.Base(strings.TrimSpace(img.Name))
	if name == "" || name == "." || name == "/" {
		name = "chart"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".png") {
		name += ".png"
	}
	id, err := c.uploadMedia(ctx, "image", name, img.PNG, push)
	if err != nil {
		return "", err
	}
	c.uploads.put(sum, id)
	return id, nil
}

type appChatMarkdown struct {
	*appchat.SendRequestCommon
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

func (c *Channel) sendAppChat(ctx context.Context, t target, w wire, push bool) error {
	if w.kind == "image" {
		id, err := c.upload(ctx, w.image, push)
		if err != nil {
			return err
		}
		return c.call(ctx, "appchat image", push, func() error {
			_, err := c.chat.SendImage(appchat.SendImageRequest{SendRequestCommon: &appchat.SendRequestCommon{ChatID: t.id}, Image: appchat.ImageField{MediaID: id}})
			return err
		})
	}
	req := appChatMarkdown{SendRequestCommon: &appchat.SendRequestCommon{ChatID: t.id, MsgType: "markdown"}}
	req.Markdown.Content = w.text
	return c.call(ctx, "appchat markdown", push, func() error {
		_, err := c.chat.Send("AppChatSendMarkdown", req)
		return err
	})
}

func (c *Channel) sendRobot(ctx context.Context, t target, w wire, push bool) error {
	var opt any
	if w.kind == "image" {
		o := &robot.WebhookSendImageOption{MsgType: "image"}
		sum := md5.Sum(w.image.PNG)
		o.Image.Base64 = base64.StdEncoding.EncodeToString(w.image.PNG)
		o.Image.MD5 = hex.EncodeToString(sum[:])
		opt = o
	} else {
		o := &robot.WebhookSendMarkdownOption{MsgType: "markdown"}
		o.Markdown.Content = w.text
		opt = o
	}
	return c.call(ctx, "robot "+w.kind, push, func() error {
		info, err := c.robot.RobotBroadcast(t.id, opt)
		if err != nil {
			return err
		}
		if info.ErrCode != 0 { // the library returns these without an error
			return util.NewCommonError("RobotBroadcast", info.ErrCode, info.ErrMsg)
		}
		return nil
	})
}

// --- calls, errors, retries ---------------------------------------------

type errKind int

const (
	kindPermanent errKind = iota
	kindTransient
	kindToken
	kindRateLimit
	kindUnreachable
)

// call runs one library call. An expired access token (40014/42001)
// clears the token cache and retries once; a transient failure is retried
// with back-off up to Config.Attempts tries; a rate limit too, for replies.
// The error returned is redacted.
func (c *Channel) call(ctx context.Context, op string, push bool, fn func() error) error {
	refreshed := false
	for attempt := 1; ; {
		if err := ctx.Err(); err != nil {
			return c.redactErr(op, err)
		}
		err := fn()
		if err == nil {
			return nil
		}
		se := c.redactErr(op, err)
		retry := se.kind == kindTransient || (se.kind == kindRateLimit && !push)
		switch {
		case se.kind == kindToken && !refreshed:
			refreshed = true
			c.tokens.Clear()
			c.log.LogAttrs(ctx, slog.LevelInfo, "wecom: access token rejected; fetching a new one", slog.String("op", op), slog.Int64("errcode", se.code))
			continue
		case retry && attempt < c.cfg.Attempts:
			d := backoff(c.cfg.Backoff, attempt)
			c.log.LogAttrs(ctx, slog.LevelWarn, "wecom call failed; retrying", slog.String("op", op), slog.Int("attempt", attempt),
				slog.Duration("after", d), slog.String("err", se.msg))
			if err := c.sleep(ctx, d); err != nil {
				return se
			}
			attempt++
			continue
		}
		if se.kind == kindToken {
			se.kind = kindTransient // a second bad token: let the caller retry later
		}
		return se
	}
}

// backoff is base·2^(attempt-1), ±25 %.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << (attempt - 1)
	return d*3/4 + time.Duration(mrand.Int64N(int64(d)/2+1))
}

var (
	errcodeText = regexp.MustCompile(`errcode\s*=\s*(-?\d+)`)
	statusText  = regexp.MustCompile(`statusCode=(\d+)`)
)

// classify reads the WeCom errcode (or HTTP status) out of a library error.
func classify(err error) (int64, errKind) {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce.ErrCode, kindOfCode(ce.ErrCode)
	}
	msg := err.Error()
	if m := errcodeText.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.ParseInt(m[1], 10, 64)
		return code, kindOfCode(code)
	}
	if m := statusText.FindStringSubmatch(msg); m != nil {
		status, _ := strconv.Atoi(m[1])
		if status >= 500 || status == 429 || status == 408 {
			return 0, kindTransient
		}
		return 0, kindPermanent
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return 0, kindTransient
	}
	if strings.Contains(msg, "json") || strings.Contains(msg, "EOF") {
		return 0, kindTransient // a proxy's error page instead of JSON
	}
	return 0, kindPermanent
}

func kindOfCode(code int64) errKind {
	switch code {
	case 40014, 42001:
		return kindToken
	case -1, 45033:
		return kindTransient // system busy; too many concurrent calls
	case 45009, 45011, 45047:
		return kindRateLimit
	case 60111, 81013, 46004, 86003, 93000:
		// member not found / all recipients invalid / chat gone / robot removed
		return kindUnreachable
	}
	return kindPermanent
}
