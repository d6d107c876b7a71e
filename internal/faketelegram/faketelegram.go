// Package faketelegram is a Telegram Bot API server for tests. It speaks the
// real wire format (POST /bot<token>/<method> with form, multipart or JSON
// parameters; answers {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…,"parameters":{"retry_after":N}}) so the real client
// library talks to it, and it checks what Telegram checks: HTML that
// parses, text ≤ 4,096 and captions ≤ 1,024 UTF-16 units, callback_data of
// 1–64 bytes, editable messages, known callback queries.
//
// Tests push what people do (PushMessage, Press, PushCallback, PushUpdate);
// the updates wait in a queue that getUpdates long-polls (honouring offset
// and timeout) or, once setWebhook is called, are posted to the webhook with
// the secret header. Every call is recorded (Calls, WaitFor) and the chat as
// a person would see it is kept (Messages). Faults can be injected per
// method (Fail): error answers such as 429 with retry_after, 500 or 403, and
// dropped connections after the call took effect.
//
//	fake := faketelegram.New(t)
//	ch, _ := telegram.New(ctx, telegram.Config{Token: fake.Token, Endpoint: fake.URL})
//	fake.PushMessage(42, 42, "/start CODE")
//	fake.WaitFor(func(c []faketelegram.Call) bool { return len(c) > 0 }, 5*time.Second)
package faketelegram

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// User is a Telegram user (or the bot itself).
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// BotCommand is one entry of a command menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Message is a message in a chat as a person sees it now (after edits).
type Message struct {
	ID       int
	ChatID   int64
	From     int64 // sender's user id (the bot's for bot messages)
	FromBot  bool
	Text     string // visible text (HTML decoded), or the photo's caption
	Raw      string // as sent
	Keyboard [][]Button
	Photo    int // bytes of the photo; 0 for a text message
	Edits    int
	Date     time.Time
	Thread   int // the forum topic (message_thread_id), 0 for General or a plain chat
}

// Call is one API request the fake answered.
type Call struct {
	Method    string
	Params    map[string]string // every parameter as received (files left out)
	ChatID    int64
	MessageID int    // the message sent or edited
	Text      string // visible text of a message, edit or caption (HTML decoded)
	Raw       string // text or caption exactly as sent
	ParseMode string
	Keyboard  [][]Button // the reply_markup's inline keyboard, if any
	// HasMarkup is true when reply_markup was sent (an edit without it
	// removes the keyboard).
	HasMarkup bool
	// LocationButton is the label of a reply keyboard's request_location
	// button, if the reply_markup was such a keyboard.
	LocationButton  string
	CallbackQueryID string
	Photo           []byte
	Document        []byte // sendDocument's file
	LanguageCode    string
	Commands        []BotCommand
	Updates         int       // getUpdates: how many updates were returned
	At              time.Time // when the fake handled it (see SetNow)
	Status          int       // HTTP status answered; 0 when the connection was dropped
	Error           string    // the description of an error answer
}

// Fault is an injected failure.
type Fault struct {
	Code        int    // HTTP status and error_code, e.g. 429, 500, 403
	Description string // default: Telegram's usual text for Code
	RetryAfter  int    // seconds, sent as parameters.retry_after
	Body        string // answer this raw body instead of JSON (e.g. a proxy's HTML page)
	// Drop handles the call normally (a message is sent, an update is
	// confirmed) and then closes the connection without answering.
	Drop bool
	// Hang handles the call normally and answers only after this long (or
	// when the client gives up): a slow or hung Bot API.
	Hang time.Duration
}

// TooManyRequests is Telegram's flood-control answer.
func TooManyRequests(retryAfter int) Fault {
	return Fault{Code: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter), RetryAfter: retryAfter}
}

// ServerError is a 500 answer.
func ServerError() Fault { return Fault{Code: 500, Description: "Internal Server Error"} }

// Blocked is the answer for a person who blocked the bot.
func Blocked() Fault { return Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"} }

// Dropped accepts the call and drops the connection before answering.
func Dropped() Fault { return Fault{Drop: true} }

// Delivery is one webhook post.
type Delivery struct {
	UpdateID int
	Status   int // 0: the post failed
}

// Server is a fake Bot API server.
type Server struct {
	URL   string // the base URL, for Config.Endpoint
	Token string // the bot token it accepts
	Bot   User   // the bot (getMe)

	t         testing.TB
	srv       *httptest.Server
	done      chan struct{}
	closeOnce sync.Once
	client    *http.Client

	mu           sync.Mutex
	changed      chan struct{}
	now          func() time.Time
	calls        []Call
	queue        []pending
	history      map[int]json.RawMessage
	nextUpdate   int
	nextMsg      map[int64]int
	msgs         map[int64][]*Message
	users        map[int64]User
	callbacks    map[string]bool // query id → answered
	nextCallback int
	faults       map[string][]Fault
	blocked      map[int64]bool
	forums       map[int64]bool          // supergroups with topics
	commands     map[string][]BotCommand // by language code ("" = default)
	hookURL      string
	hookSecret   string
	hookGen      int
	polling      int
	deliveries   []Delivery
	files        map[string][]byte // file_id → content (documents users sent)
}

type pending struct {
	id  int
	raw json.RawMessage
}

// New starts a fake server, closed when the test ends.
func New(t testing.TB) *Server {
	b := make([]byte, 8)
	rand.Read(b)
	s := &Server{
		Token:      "7000000001:AAF-fake_" + hex.EncodeToString(b),
		Bot:        User{ID: 7000000001, IsBot: true, FirstName: "Salesbot", Username: "salesbot_test_bot"},
		t:          t,
		done:       make(chan struct{}),
		client:     &http.Client{Timeout: 10 * time.Second},
		changed:    make(chan struct{}),
		now:        time.Now,
		history:    map[int]json.RawMessage{},
		nextUpdate: 100000,
		nextMsg:    map[int64]int{},
		msgs:       map[int64][]*Message{},
		users:      map[int64]User{},
		callbacks:  map[string]bool{},
		faults:     map[string][]Fault{},
		blocked:    map[int64]bool{},
		forums:     map[int64]bool{},
		commands:   map[string][]BotCommand{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close stops the server (idempotent): long polls end, webhook posts stop,
// and later calls fail to connect.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// SetNow sets the clock that stamps calls and messages (default time.Now),
// e.g. the virtual clock a test gives the channel.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// SetUser sets a person's profile (name, language) used in their updates.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	s.users[u.ID] = u
	s.mu.Unlock()
}

// Block makes every send to chat fail with 403, as when the person blocked
// the bot or removed it from the group; Unblock undoes it.
func (s *Server) Block(chat int64) { s.setBlocked(chat, true) }

// Unblock lets sends to chat through again.
func (s *Server) Unblock(chat int64) { s.setBlocked(chat, false) }

func (s *Server) setBlocked(chat int64, b bool) {
	s.mu.Lock()
	s.blocked[chat] = b
	s.mu.Unlock()
}

// Fail makes the next n calls of method ("*": any method) fail with f.
func (s *Server) Fail(method string, n int, f Fault) {
	s.mu.Lock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
	s.mu.Unlock()
}

// ClearFaults drops every fault still queued: the Bot API is back.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	clear(s.faults)
	s.mu.Unlock()
}

// SkipUpdateIDs makes the next update id jump by n (Telegram's ids are not
// contiguous).
func (s *Server) SkipUpdateIDs(n int) {
	s.mu.Lock()
	s.nextUpdate += n
	s.mu.Unlock()
}

// PushMessage queues a text message from userID in chatID (negative ids are
// groups), with the entities Telegram adds (bot_command, mention). It
// returns the update id.
func (s *Server) PushMessage(chatID, userID int64, text string) int {
	return s.pushMessage(chatID, userID, text, 0)
}

// PushDocument queues a private message carrying a document (a file the
// user sends); its content is served by getFile and the file URL.
func (s *Server) PushDocument(chatID, userID int64, name string, data []byte, caption string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	id := fmt.Sprintf("doc-%d-%d", chatID, len(s.files)+1)
	s.files[id] = data
	m := s.addMessageLocked(chatID, userID, false, caption, caption, nil, 0)
	msg := map[string]any{
		"message_id": m.ID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID), "date": m.Date.Unix(),
		"document": map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_name": name, "file_size": len(data)},
	}
	if caption != "" {
		msg["caption"] = caption
	}
	return s.queueLocked(map[string]any{"message": msg})
}

// PushLocation queues a private location message, as a phone sends it
// (with a live_period when it is the start of a live location). It returns
// the update id and the message id (EditLiveLocation moves it).
func (s *Server) PushLocation(chatID, userID int64, lat, lon float64, livePeriod int) (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.addMessageLocked(chatID, userID, false, "", "", nil, 0)
	loc := map[string]any{"latitude": lat, "longitude": lon}
	if livePeriod > 0 {
		loc["live_period"], loc["horizontal_accuracy"] = livePeriod, 15
	}
	msg := map[string]any{"message_id": m.ID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID), "date": m.Date.Unix(), "location": loc}
	return s.queueLocked(map[string]any{"message": msg}), m.ID
}

// EditLiveLocation queues the edited_message a live location sends as it
// moves.
func (s *Server) EditLiveLocation(chatID, userID int64, messageID int, lat, lon float64, livePeriod int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := map[string]any{"message_id": messageID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID), "date": s.now().Unix() - 60,
		"edit_date": s.now().Unix(), "location": map[string]any{"latitude": lat, "longitude": lon, "live_period": livePeriod, "horizontal_accuracy": 15}}
	return s.queueLocked(map[string]any{"edited_message": msg})
}

// PushVenue queues a venue (a place picked on the map): its location, title
// and address.
func (s *Server) PushVenue(chatID, userID int64, lat, lon float64, title, address string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.addMessageLocked(chatID, userID, false, "", "", nil, 0)
	loc := map[string]any{"latitude": lat, "longitude": lon}
	msg := map[string]any{"message_id": m.ID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID), "date": m.Date.Unix(),
		"location": loc, "venue": map[string]any{"location": loc, "title": title, "address": address}}
	return s.queueLocked(map[string]any{"message": msg})
}

// PushPhoto queues a private photo (in two sizes, as Telegram sends one)
// with an optional caption; the larger size's file holds data (getFile).
func (s *Server) PushPhoto(chatID, userID int64, data []byte, caption string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	n := len(s.files) + 1
	small, big := fmt.Sprintf("photo-s-%d-%d", chatID, n), fmt.Sprintf("photo-l-%d-%d", chatID, n)
	s.files[small], s.files[big] = data[:min(len(data), 16)], data
	m := s.addMessageLocked(chatID, userID, false, caption, caption, nil, len(data))
	msg := map[string]any{"message_id": m.ID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID), "date": m.Date.Unix(),
		"photo": []map[string]any{
			{"file_id": small, "file_unique_id": "u" + small, "width": 90, "height": 67, "file_size": min(len(data), 16)},
			{"file_id": big, "file_unique_id": "u" + big, "width": 1280, "height": 960, "file_size": len(data)},
		}}
	if caption != "" {
		msg["caption"] = caption
	}
	return s.queueLocked(map[string]any{"message": msg})
}

// PushVoice queues a private voice note (OGG/Opus) whose file holds data.
func (s *Server) PushVoice(chatID, userID int64, data []byte, seconds int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	id := fmt.Sprintf("voice-%d-%d", chatID, len(s.files)+1)
	s.files[id] = data
	m := s.addMessageLocked(chatID, userID, false, "", "", nil, 0)
	msg := map[string]any{"message_id": m.ID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID), "date": m.Date.Unix(),
		"voice": map[string]any{"file_id": id, "file_unique_id": "u" + id, "duration": seconds, "mime_type": "audio/ogg", "file_size": len(data)}}
	return s.queueLocked(map[string]any{"message": msg})
}

// PushReply queues a message that replies to message replyTo.
func (s *Server) PushReply(chatID, userID int64, replyTo int, text string) int {
	return s.pushMessage(chatID, userID, text, replyTo)
}

func (s *Server) pushMessage(chatID, userID int64, text string, replyTo int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.addMessageLocked(chatID, userID, false, text, text, nil, 0)
	msg := map[string]any{
		"message_id": m.ID, "from": s.userLocked(userID), "chat": s.chatLocked(chatID),
		"date": m.Date.Unix(), "text": text,
	}
	if ents := entities(text); len(ents) > 0 {
		msg["entities"] = ents
	}
	if replyTo != 0 {
		if r := s.findLocked(chatID, replyTo); r != nil {
			msg["reply_to_message"] = s.messageJSONLocked(r)
		}
	}
	return s.queueLocked(map[string]any{"message": msg})
}

// SetForum makes a supergroup a forum: its messages may belong to topics.
func (s *Server) SetForum(chat int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forums[chat] = true
}

// PushTopicMessage queues a text message sent in a forum topic (as Bot API
// 6.3+ sends it: message_thread_id with is_topic_message).
func (s *Server) PushTopicMessage(chatID, userID int64, thread int, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.addMessageLocked(chatID, userID, false, text, text, nil, 0)
	m.Thread = thread
	chat := s.chatLocked(chatID)
	chat["is_forum"] = true
	msg := map[string]any{"message_id": m.ID, "from": s.userLocked(userID), "chat": chat, "date": m.Date.Unix(), "text": text,
		"message_thread_id": thread, "is_topic_message": true}
	if ents := entities(text); len(ents) > 0 {
		msg["entities"] = ents
	}
	return s.queueLocked(map[string]any{"message": msg})
}

// PushCallback queues a press of a button carrying data on message
// messageID. It returns the update id and the callback query id.
func (s *Server) PushCallback(chatID, userID int64, messageID int, data string) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCallback++
	qid := fmt.Sprintf("cq%d", s.nextCallback)
	s.callbacks[qid] = false
	q := map[string]any{"id": qid, "from": s.userLocked(userID), "chat_instance": fmt.Sprintf("ci%d", chatID), "data": data}
	if m := s.findLocked(chatID, messageID); m != nil {
		q["message"] = s.messageJSONLocked(m)
	} else {
		q["message"] = map[string]any{"message_id": messageID, "chat": s.chatLocked(chatID), "date": s.now().Unix(), "text": ""}
	}
	return s.queueLocked(map[string]any{"callback_query": q}), qid
}

// Press presses the button whose label contains label on the newest bot
// message in chatID that has one, as userID. It fails the test when there
// is none. It returns the update id and the callback query id.
func (s *Server) Press(chatID, userID int64, label string) (int, string) {
	s.t.Helper()
	s.mu.Lock()
	var msgID int
	var data string
	ms := s.msgs[chatID]
	for i := len(ms) - 1; i >= 0 && msgID == 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if msgID == 0 && ms[i].FromBot && strings.Contains(b.Text, label) {
					msgID, data = ms[i].ID, b.CallbackData
				}
			}
		}
	}
	s.mu.Unlock()
	if msgID == 0 {
		s.t.Fatalf("faketelegram: no button %q in chat %d; chat:\n%s", label, chatID, s.dumpChat(chatID))
	}
	return s.PushCallback(chatID, userID, msgID, data)
}

// PushUpdate queues any update, given as its JSON object without or with
// "update_id" (e.g. {"edited_message": {...}}). It returns the update id.
func (s *Server) PushUpdate(u map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queueLocked(u)
}

func (s *Server) queueLocked(u map[string]any) int {
	id, ok := u["update_id"].(int)
	if !ok {
		id = s.nextUpdate
		u["update_id"] = id
	}
	s.nextUpdate = max(s.nextUpdate, id) + 1
	raw, err := json.Marshal(u)
	if err != nil {
		panic(err)
	}
	s.queue = append(s.queue, pending{id: id, raw: raw})
	s.history[id] = raw
	s.notifyLocked()
	return id
}

// Pending is how many updates are not yet confirmed (by a getUpdates offset
// past them, or a 2xx webhook answer).
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Redeliver posts an update again to the webhook, as Telegram does when it
// did not see an answer, and returns the HTTP status (0 if the post failed).
func (s *Server) Redeliver(updateID int) int {
	s.mu.Lock()
	raw, url, secret := s.history[updateID], s.hookURL, s.hookSecret
	s.mu.Unlock()
	if raw == nil || url == "" {
		s.t.Fatalf("faketelegram: cannot redeliver update %d (no such update or no webhook)", updateID)
	}
	st := s.post(url, secret, raw)
	s.mu.Lock()
	s.deliveries = append(s.deliveries, Delivery{UpdateID: updateID, Status: st})
	s.notifyLocked()
	s.mu.Unlock()
	return st
}

// Deliveries lists the webhook posts so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// Webhook returns the webhook URL and secret token set (empty: polling).
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookURL, s.hookSecret
}

// Commands returns the command menu set for a language code ("" is the
// default menu).
func (s *Server) Commands(lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[lang])
}

// Answered reports whether a callback query was answered.
func (s *Server) Answered(queryID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbacks[queryID]
}

// Calls returns the recorded calls of the given methods (all calls when
// none are given), oldest first.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filterCalls(s.calls, methods)
}

func filterCalls(calls []Call, methods []string) []Call {
	var out []Call
	for _, c := range calls {
		if len(methods) == 0 || slices.Contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Messages returns a chat's messages (the people's and the bot's) as they
// look now.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs[chatID] {
		out = append(out, *m)
	}
	return out
}

// BotTexts returns the visible texts (captions for photos) of the bot's
// messages in a chat, oldest first.
func (s *Server) BotTexts(chatID int64) []string {
	var out []string
	for _, m := range s.Messages(chatID) {
		if m.FromBot {
			out = append(out, m.Text)
		}
	}
	return out
}

// WaitFor waits until cond holds for the calls so far and returns them. It
// fails the test (from the calling goroutine, which must be the test's)
// after timeout. It never sleeps: it wakes on every call and push.
func (s *Server) WaitFor(cond func(calls []Call) bool, timeout time.Duration) []Call {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		calls := slices.Clone(s.calls)
		ch := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return calls
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.t.Fatalf("faketelegram: condition not met within %v; calls:\n%s", timeout, dumpCalls(calls))
			return nil
		}
	}
}

// WaitCalls waits for at least n calls of method and returns those calls.
func (s *Server) WaitCalls(method string, n int, timeout time.Duration) []Call {
	s.t.Helper()
	calls := s.WaitFor(func(c []Call) bool { return len(filterCalls(c, []string{method})) >= n }, timeout)
	return filterCalls(calls, []string{method})
}

func dumpCalls(calls []Call) string {
	var b strings.Builder
	for _, c := range calls {
		if c.Method == "getUpdates" && c.Updates == 0 && c.Status == 200 {
			continue
		}
		fmt.Fprintf(&b, "  %s chat=%d msg=%d status=%d %q", c.Method, c.ChatID, c.MessageID, c.Status, c.Text)
		if c.Error != "" {
			fmt.Fprintf(&b, " error=%q", c.Error)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (s *Server) dumpChat(chat int64) string {
	var b strings.Builder
	for _, m := range s.Messages(chat) {
		fmt.Fprintf(&b, "  #%d bot=%v %q %v\n", m.ID, m.FromBot, m.Text, m.Keyboard)
	}
	return b.String()
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) userLocked(id int64) User {
	if u, ok := s.users[id]; ok {
		return u
	}
	return User{ID: id, FirstName: "User", LastName: strconv.FormatInt(id, 10), LanguageCode: "zh"}
}

func chatType(id int64) string {
	switch {
	case id > 0:
		return "private"
	case id <= -1000000000000:
		return "supergroup"
	default:
		return "group"
	}
}

func (s *Server) chatLocked(id int64) map[string]any {
	c := map[string]any{"id": id, "type": chatType(id)}
	if id > 0 {
		u := s.userLocked(id)
		c["first_name"] = u.FirstName
		if u.LastName != "" {
			c["last_name"] = u.LastName
		}
	} else {
		c["title"] = fmt.Sprintf("Group %d", -id)
	}
	return c
}

func (s *Server) addMessageLocked(chat, from int64, fromBot bool, text, raw string, kb [][]Button, photo int) *Message {
	s.nextMsg[chat]++
	m := &Message{ID: s.nextMsg[chat], ChatID: chat, From: from, FromBot: fromBot, Text: text, Raw: raw, Keyboard: kb, Photo: photo, Date: s.now()}
	s.msgs[chat] = append(s.msgs[chat], m)
	return m
}

func (s *Server) findLocked(chat int64, id int) *Message {
	for _, m := range s.msgs[chat] {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func (s *Server) messageJSONLocked(m *Message) map[string]any {
	out := map[string]any{"message_id": m.ID, "chat": s.chatLocked(m.ChatID), "date": m.Date.Unix()}
	if m.Thread != 0 {
		out["message_thread_id"], out["is_topic_message"] = m.Thread, true
	}
	if m.FromBot {
		out["from"] = s.Bot
	} else {
		out["from"] = s.userLocked(m.From)
	}
	if m.Photo > 0 {
		out["photo"] = []map[string]any{{"file_id": fmt.Sprintf("photo-%d-%d", m.ChatID, m.ID), "file_unique_id": fmt.Sprintf("u%d-%d", m.ChatID, m.ID), "width": 800, "height": 600, "file_size": m.Photo}}
		if m.Text != "" {
			out["caption"] = m.Text
		}
	} else {
		out["text"] = m.Text
	}
	if len(m.Keyboard) > 0 {
		out["reply_markup"] = map[string]any{"inline_keyboard": m.Keyboard}
	}
	if m.Edits > 0 {
		out["edit_date"] = s.now().Unix()
	}
	return out
}

var (
	entityRE  = regexp.MustCompile(`(^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?)|(@[A-Za-z0-9_]{3,})`)
	commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	secretRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// entities finds the bot_command at the start and the @mentions, with
// offsets in UTF-16 units as Telegram sends them.
func entities(text string) []map[string]any {
	var out []map[string]any
	for _, loc := range entityRE.FindAllStringSubmatchIndex(text, -1) {
		typ := "mention"
		if loc[2] >= 0 {
			typ = "bot_command"
		}
		out = append(out, map[string]any{"type": typ, "offset": units(text[:loc[0]]), "length": units(text[loc[0]:loc[1]])})
	}
	return out
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// apiError is an error answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	body       string
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: 400, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.Token+"/"); ok {
		s.mu.Lock()
		data, found := s.files[rest]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeJSON(w, 404, map[string]any{"ok": false, "error_code": 404, "description": "Not Found"})
		return
	}
	if token != s.Token {
		writeJSON(w, 401, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	params, photo, err := ReadParams(r)
	call := Call{Method: method, Params: params}
	var fault *Fault
	s.mu.Lock()
	call.At = s.now()
	for _, key := range []string{method, "*"} {
		if fs := s.faults[key]; len(fs) > 0 && fault == nil {
			f := fs[0]
			fault = &f
			s.faults[key] = fs[1:]
		}
	}
	s.mu.Unlock()

	var result any
	var aerr *apiError
	switch {
	case err != nil:
		aerr = badRequest("%v", err)
	case fault != nil && !fault.Drop && fault.Hang == 0:
		aerr = &apiError{code: fault.Code, desc: fault.Description, retryAfter: fault.RetryAfter, body: fault.Body}
		if aerr.desc == "" {
			aerr.desc = http.StatusText(fault.Code)
		}
		fillCall(&call, params)
	default:
		result, aerr = s.handle(r, method, params, photo, &call)
	}
	if result == nil && aerr == nil { // the poller went away
		return
	}
	if fault != nil && fault.Hang > 0 {
		t := time.NewTimer(fault.Hang)
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if fault != nil && fault.Drop {
		s.calls = append(s.calls, call)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if aerr != nil {
		call.Status, call.Error = aerr.code, aerr.desc
		s.calls = append(s.calls, call)
		if aerr.body != "" {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(aerr.code)
			io.WriteString(w, aerr.body)
			return
		}
		resp := map[string]any{"ok": false, "error_code": aerr.code, "description": aerr.desc}
		if aerr.retryAfter > 0 {
			resp["parameters"] = map[string]any{"retry_after": aerr.retryAfter}
		}
		writeJSON(w, aerr.code, resp)
		return
	}
	call.Status = 200
	s.calls = append(s.calls, call)
	writeJSON(w, 200, map[string]any{"ok": true, "result": result})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ReadParams reads a Bot API request's parameters the way the Bot API
// takes them (query, form, multipart or JSON; non-string JSON values as
// their JSON text) and the bytes of an uploaded photo or document, if any.
// The load benchmark's own fake server (bench/webhook) reads with it too.
func ReadParams(r *http.Request) (map[string]string, []byte, error) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		params[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(20 << 20); err != nil {
			return params, nil, err
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		fhs := r.MultipartForm.File["photo"]
		if len(fhs) == 0 {
			fhs = r.MultipartForm.File["document"]
		}
		if len(fhs) > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return params, nil, err
			}
			defer f.Close()
			b, err := io.ReadAll(f)
			return params, b, err
		}
	case "application/json":
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil && err != io.EOF {
			return params, nil, err
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				params[k] = v
			case json.Number:
				params[k] = v.String()
			default:
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return params, nil, err
		}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
	}
	return params, nil, nil
}

// fillCall records the common parameters of a call.
func fillCall(c *Call, p map[string]string) {
	c.ChatID, _ = strconv.ParseInt(p["chat_id"], 10, 64)
	c.MessageID, _ = strconv.Atoi(p["message_id"])
	c.ParseMode = p["parse_mode"]
	c.Raw = p["text"]
	if c.Raw == "" {
		c.Raw = p["caption"]
	}
	c.Text, _ = visible(c.Raw, c.ParseMode)
	c.CallbackQueryID = p["callback_query_id"]
	c.LanguageCode = p["language_code"]
	if m, ok := p["reply_markup"]; ok {
		c.HasMarkup = true
		c.Keyboard, _ = parseKeyboard(m)
		c.LocationButton = locationButton(m)
	}
}

func (s *Server) handle(r *http.Request, method string, p map[string]string, photo []byte, call *Call) (any, *apiError) {
	fillCall(call, p)
	switch method {
	case "getMe":
		return s.Bot, nil
	case "getUpdates":
		return s.getUpdates(r, p, call)
	case "sendMessage":
		return s.sendMessage(p, call)
	case "editMessageText":
		return s.editMessageText(p, call)
	case "sendPhoto":
		return s.sendPhoto(p, photo, call)
	case "sendDocument":
		return s.sendDocument(p, photo, call)
	case "getFile":
		s.mu.Lock()
		data, ok := s.files[p["file_id"]]
		s.mu.Unlock()
		if !ok {
			return nil, badRequest("wrong file_id or the file is temporarily unavailable")
		}
		return map[string]any{"file_id": p["file_id"], "file_unique_id": "u" + p["file_id"], "file_size": len(data), "file_path": p["file_id"]}, nil
	case "answerCallbackQuery":
		s.mu.Lock()
		defer s.mu.Unlock()
		answered, known := s.callbacks[call.CallbackQueryID]
		if !known || answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		s.callbacks[call.CallbackQueryID] = true
		return true, nil
	case "setMyCommands":
		var cmds []BotCommand
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
		for _, c := range cmds {
			if !commandRE.MatchString(c.Command) {
				return nil, badRequest("BOT_COMMAND_INVALID")
			}
			if n := units(c.Description); n < 1 || n > 256 {
				return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
			}
		}
		call.Commands = cmds
		s.mu.Lock()
		s.commands[call.LanguageCode] = cmds
		s.mu.Unlock()
		return true, nil
	case "getMyCommands":
		s.mu.Lock()
		defer s.mu.Unlock()
		return append([]BotCommand{}, s.commands[p["language_code"]]...), nil
	case "deleteMyCommands":
		s.mu.Lock()
		delete(s.commands, p["language_code"])
		s.mu.Unlock()
		return true, nil
	case "setWebhook":
		return s.setWebhook(p["url"], p["secret_token"], false)
	case "deleteWebhook":
		return s.setWebhook("", "", p["drop_pending_updates"] == "true")
	case "getWebhookInfo":
		s.mu.Lock()
		defer s.mu.Unlock()
		return map[string]any{"url": s.hookURL, "has_custom_certificate": false, "pending_update_count": len(s.queue)}, nil
	}
	return nil, &apiError{code: 404, desc: "Not Found"}
}

func (s *Server) getUpdates(r *http.Request, p map[string]string, call *Call) (any, *apiError) {
	offset, _ := strconv.Atoi(p["offset"])
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	deadline := time.NewTimer(time.Duration(min(max(timeout, 0), 50)) * time.Second)
	defer deadline.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hookURL != "" {
		return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	// An offset confirms every update before it.
	if offset > 0 {
		s.queue = slices.DeleteFunc(s.queue, func(u pending) bool { return u.id < offset })
	} else if offset < 0 && -offset < len(s.queue) {
		s.queue = s.queue[len(s.queue)+offset:]
	}
	for {
		if len(s.queue) > 0 || timeout <= 0 {
			out := []json.RawMessage{}
			for _, u := range s.queue[:min(limit, len(s.queue))] {
				out = append(out, u.raw)
			}
			call.Updates = len(out)
			return out, nil
		}
		s.polling++
		s.notifyLocked()
		ch := s.changed
		s.mu.Unlock()
		var gone bool
		select {
		case <-ch:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			gone = true
		case <-s.done:
			gone = true
		}
		s.mu.Lock()
		s.polling--
		if gone {
			return nil, nil
		}
	}
}

// Polling is how many getUpdates calls are waiting for updates now.
func (s *Server) Polling() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polling
}

func (s *Server) target(p map[string]string) (int64, *apiError) {
	chat, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil || chat == 0 {
		return 0, badRequest("chat not found")
	}
	if s.blocked[chat] {
		if chat > 0 {
			return 0, &apiError{code: 403, desc: "Forbidden: bot was blocked by the user"}
		}
		return 0, &apiError{code: 403, desc: "Forbidden: bot was kicked from the group chat"}
	}
	return chat, nil
}

func checkText(raw, mode string, limit int, what string) (string, *apiError) {
	vis, err := visible(raw, mode)
	if err != nil {
		return "", badRequest("can't parse entities: %v", err)
	}
	if units(vis) > limit {
		if what == "caption" {
			return "", badRequest("message caption is too long")
		}
		return "", badRequest("message is too long")
	}
	if what == "text" && strings.TrimSpace(vis) == "" {
		return "", badRequest("message text is empty")
	}
	return vis, nil
}

func (s *Server) sendMessage(p map[string]string, call *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.target(p)
	if aerr != nil {
		return nil, aerr
	}
	vis, aerr := checkText(p["text"], p["parse_mode"], 4096, "text")
	if aerr != nil {
		return nil, aerr
	}
	kb, err := parseKeyboard(p["reply_markup"])
	if err != nil {
		return nil, badRequest("%v", err)
	}
	thread, _ := strconv.Atoi(p["message_thread_id"])
	if thread != 0 && !s.forums[chat] {
		return nil, badRequest("message thread not found")
	}
	m := s.addMessageLocked(chat, s.Bot.ID, true, vis, p["text"], kb, 0)
	m.Thread = thread
	call.MessageID = m.ID
	return s.messageJSONLocked(m), nil
}

func (s *Server) editMessageText(p map[string]string, call *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p["inline_message_id"] != "" {
		return nil, badRequest("inline messages are not supported by the fake")
	}
	chat, aerr := s.target(p)
	if aerr != nil {
		return nil, aerr
	}
	id, _ := strconv.Atoi(p["message_id"])
	m := s.findLocked(chat, id)
	if m == nil {
		return nil, badRequest("message to edit not found")
	}
	if !m.FromBot {
		return nil, badRequest("message can't be edited")
	}
	if m.Photo > 0 {
		return nil, badRequest("there is no text in the message to edit")
	}
	vis, aerr := checkText(p["text"], p["parse_mode"], 4096, "text")
	if aerr != nil {
		return nil, aerr
	}
	kb, err := parseKeyboard(p["reply_markup"])
	if err != nil {
		return nil, badRequest("%v", err)
	}
	if vis == m.Text && keyboardsEqual(kb, m.Keyboard) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	m.Text, m.Raw, m.Keyboard = vis, p["text"], kb
	m.Edits++
	return s.messageJSONLocked(m), nil
}

func (s *Server) sendPhoto(p map[string]string, photo []byte, call *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.target(p)
	if aerr != nil {
		return nil, aerr
	}
	size := len(photo)
	switch {
	case photo == nil && p["photo"] == "":
		return nil, badRequest("there is no photo in the request")
	case photo != nil && !bytes.HasPrefix(photo, []byte("\x89PNG\r\n\x1a\n")) && !bytes.HasPrefix(photo, []byte("\xff\xd8\xff")):
		return nil, badRequest("IMAGE_PROCESS_FAILED")
	case size > 10<<20:
		return nil, badRequest("file is too big")
	case photo == nil:
		size = 1 // sent by file_id or URL
	}
	vis, aerr := checkText(p["caption"], p["parse_mode"], 1024, "caption")
	if aerr != nil {
		return nil, aerr
	}
	kb, err := parseKeyboard(p["reply_markup"])
	if err != nil {
		return nil, badRequest("%v", err)
	}
	call.Photo = photo
	m := s.addMessageLocked(chat, s.Bot.ID, true, vis, p["caption"], kb, size)
	call.MessageID = m.ID
	return s.messageJSONLocked(m), nil
}

// sendDocument records a file sent as a document (multipart "document").
func (s *Server) sendDocument(p map[string]string, doc []byte, call *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.target(p)
	if aerr != nil {
		return nil, aerr
	}
	switch {
	case doc == nil && p["document"] == "":
		return nil, badRequest("there is no document in the request")
	case len(doc) > 50<<20:
		return nil, badRequest("file is too big")
	}
	vis, aerr := checkText(p["caption"], p["parse_mode"], 1024, "caption")
	if aerr != nil {
		return nil, aerr
	}
	call.Document = doc
	m := s.addMessageLocked(chat, s.Bot.ID, true, vis, p["caption"], nil, 0)
	call.MessageID = m.ID
	return s.messageJSONLocked(m), nil
}

func (s *Server) setWebhook(url, secret string, drop bool) (any, *apiError) {
	if secret != "" && !secretRE.MatchString(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookURL, s.hookSecret = url, secret
	s.hookGen++
	if drop {
		s.queue = nil
	}
	if url != "" {
		go s.deliverLoop(s.hookGen)
	}
	return true, nil
}

// deliverLoop posts queued updates to the webhook in order, one at a time,
// until it answers 2xx; then the update is confirmed.
func (s *Server) deliverLoop(gen int) {
	for {
		s.mu.Lock()
		if s.hookGen != gen {
			s.mu.Unlock()
			return
		}
		if len(s.queue) == 0 {
			ch := s.changed
			s.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-s.done:
				return
			}
		}
		u, url, secret := s.queue[0], s.hookURL, s.hookSecret
		s.mu.Unlock()
		st := s.post(url, secret, u.raw)
		s.mu.Lock()
		s.deliveries = append(s.deliveries, Delivery{UpdateID: u.id, Status: st})
		if st >= 200 && st < 300 && len(s.queue) > 0 && s.queue[0].id == u.id {
			s.queue = s.queue[1:]
		}
		s.notifyLocked()
		s.mu.Unlock()
		if st < 200 || st >= 300 {
			t := time.NewTimer(50 * time.Millisecond) // Telegram retries later
			select {
			case <-t.C:
			case <-s.done:
				t.Stop()
				return
			}
		}
	}
}

func (s *Server) post(url, secret string, body []byte) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// parseKeyboard reads a reply_markup's inline keyboard, checking what
// Telegram checks.
func parseKeyboard(raw string) ([][]Button, error) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("can't parse reply keyboard markup JSON object")
	}
	n := 0
	for _, row := range m.InlineKeyboard {
		if len(row) > 8 {
			return nil, fmt.Errorf("too many buttons in a row")
		}
		for _, b := range row {
			n++
			if strings.TrimSpace(b.Text) == "" {
				return nil, fmt.Errorf("text buttons are unallowed in the inline keyboard")
			}
			if b.URL == "" && (len(b.CallbackData) < 1 || len(b.CallbackData) > 64) {
				return nil, fmt.Errorf("BUTTON_DATA_INVALID")
			}
		}
	}
	if n > 100 {
		return nil, fmt.Errorf("reply markup is too long")
	}
	if n == 0 {
		return nil, nil
	}
	return m.InlineKeyboard, nil
}

// locationButton finds a request_location button in a reply keyboard.
func locationButton(raw string) string {
	var m struct {
		Keyboard [][]struct {
			Text            string `json:"text"`
			RequestLocation bool   `json:"request_location"`
		} `json:"keyboard"`
	}
	if json.Unmarshal([]byte(raw), &m) != nil {
		return ""
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.RequestLocation {
				return b.Text
			}
		}
	}
	return ""
}

func keyboardsEqual(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

var allowedTags = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
	"strike": true, "del": true, "span": true, "tg-spoiler": true, "a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true}

// visible returns the text a person sees: with parse_mode HTML, tags are
// removed and entities decoded, and anything that does not parse is an
// error (an unescaped <, > or & included).
func visible(raw, mode string) (string, error) {
	if !strings.EqualFold(mode, "HTML") {
		return raw, nil
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		switch raw[i] {
		case '<':
			j := strings.IndexByte(raw[i:], '>')
			if j < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			name := strings.TrimPrefix(raw[i+1:i+j], "/")
			name, _, _ = strings.Cut(name, " ")
			if !allowedTags[strings.ToLower(name)] {
				return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
			}
			i += j + 1
		case '>':
			return "", fmt.Errorf("unexpected end of tag at byte offset %d", i)
		case '&':
			j := strings.IndexByte(raw[i:], ';')
			if j < 0 || j > 10 {
				return "", fmt.Errorf("character '&' is reserved; use &amp; (byte offset %d)", i)
			}
			ent := raw[i+1 : i+j]
			switch {
			case ent == "lt":
				b.WriteByte('<')
			case ent == "gt":
				b.WriteByte('>')
			case ent == "amp":
				b.WriteByte('&')
			case ent == "quot":
				b.WriteByte('"')
			case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
				n, err := strconv.ParseInt(ent[2:], 16, 32)
				if err != nil {
					return "", fmt.Errorf("bad entity &%s; at byte offset %d", ent, i)
				}
				b.WriteRune(rune(n))
			case strings.HasPrefix(ent, "#"):
				n, err := strconv.ParseInt(ent[1:], 10, 32)
				if err != nil {
					return "", fmt.Errorf("bad entity &%s; at byte offset %d", ent, i)
				}
				b.WriteRune(rune(n))
			default:
				return "", fmt.Errorf("unsupported entity &%s; at byte offset %d", ent, i)
			}
			i += j + 1
		default:
			b.WriteByte(raw[i])
			i++
		}
	}
	return b.String(), nil
}
