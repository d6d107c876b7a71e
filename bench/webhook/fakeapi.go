package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salesbot-crm/salesbot/internal/faketelegram"
)

// fakeAPI is a small Bot API server for the benchmark. It speaks the real
// wire format (POST /bot<token>/<method>, form, multipart or JSON
// parameters; {"ok":true,"result":…} or {"ok":false,"error_code":…,
// "description":…}) and answers the methods salesbot calls in webhook mode.
// Unlike internal/faketelegram (a test helper that needs a testing.TB,
// keeps every call and posts updates one at a time) it keeps only what a
// simulated person needs: the newest bot messages of each chat, and an
// event stamped with the time each reply arrived.
type fakeAPI struct {
	token  string
	botID  int64
	botTag string
	url    string
	srv    *http.Server

	mu         sync.Mutex
	chats      map[int64]*fchat
	hookURL    string
	hookSecret string
	hookSet    chan struct{} // closed on the first setWebhook with a URL

	calls    sync.Map     // method → *atomic.Int64
	rejected atomic.Int64 // error answers (4xx), unknown methods included
}

// button is an inline keyboard button.
type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// botMsg is a message the bot sent (or its newest edit).
type botMsg struct {
	ID       int
	Text     string // visible text (HTML entities decoded)
	Keyboard [][]button
	Photo    bool
}

// event is what a simulated person sees arrive in their chat.
type event struct {
	Method string // sendMessage, editMessageText, sendPhoto, answerCallbackQuery
	Msg    botMsg
	At     time.Time
}

// fchat is one chat as the fake knows it.
type fchat struct {
	id     int64
	mu     sync.Mutex
	nextID int
	recent []*botMsg // the newest bot messages, oldest first
	events chan event
}

func newFakeAPI(token string) (*fakeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &fakeAPI{token: token, botID: 7000000001, botTag: "salesbot_bench_bot", chats: map[int64]*fchat{}, hookSet: make(chan struct{})}
	f.url = "http://" + ln.Addr().String()
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *fakeAPI) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

// chat returns the chat with id, creating it.
func (f *fakeAPI) chat(id int64) *fchat {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.chats[id]
	if c == nil {
		c = &fchat{id: id, events: make(chan event, 256)}
		f.chats[id] = c
	}
	return c
}

// webhook returns the registered webhook URL and secret.
func (f *fakeAPI) webhook() (string, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hookURL, f.hookSecret
}

// Calls returns how many times each method was called.
func (f *fakeAPI) Calls() map[string]int64 {
	out := map[string]int64{}
	f.calls.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

func (f *fakeAPI) count(method string) {
	v, ok := f.calls.Load(method)
	if !ok {
		v, _ = f.calls.LoadOrStore(method, new(atomic.Int64))
	}
	v.(*atomic.Int64).Add(1)
}

// allocID gives the next message id of a chat (people's and the bot's
// messages share one sequence, as in Telegram).
func (c *fchat) allocID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	return c.nextID
}

// notify hands an event to the person in the chat; an event nobody reads
// (the buffer is full) is dropped rather than holding up the server.
func (c *fchat) notify(ev event) {
	select {
	case c.events <- ev:
	default:
	}
}

type apiErr struct {
	code int
	desc string
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeAPI(w, nil, &apiErr{404, "Not Found"})
		return
	}
	if token != f.token {
		writeAPI(w, nil, &apiErr{401, "Unauthorized"})
		return
	}
	f.count(method)
	p, _, err := faketelegram.ReadParams(r)
	if err != nil {
		writeAPI(w, nil, &apiErr{400, "Bad Request: " + err.Error()})
		return
	}
	result, aerr := f.handle(method, p, at)
	if aerr != nil {
		f.rejected.Add(1)
	}
	writeAPI(w, result, aerr)
}

func writeAPI(w http.ResponseWriter, result any, aerr *apiErr) {
	w.Header().Set("Content-Type", "application/json")
	if aerr != nil {
		w.WriteHeader(aerr.code)
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": aerr.code, "description": aerr.desc})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func (f *fakeAPI) handle(method string, p map[string]string, at time.Time) (any, *apiErr) {
	switch method {
	case "getMe":
		return f.me(), nil
	case "setMyCommands", "deleteMyCommands":
		return true, nil
	case "setWebhook":
		f.mu.Lock()
		f.hookURL, f.hookSecret = p["url"], p["secret_token"]
		if f.hookURL != "" {
			select {
			case <-f.hookSet:
			default:
				close(f.hookSet)
			}
		}
		f.mu.Unlock()
		return true, nil
	case "deleteWebhook":
		f.mu.Lock()
		f.hookURL, f.hookSecret = "", ""
		f.mu.Unlock()
		return true, nil
	case "answerCallbackQuery":
		if p["callback_query_id"] == "" {
			return nil, &apiErr{400, "Bad Request: query is too old and response timeout expired or query ID is invalid"}
		}
		if chat, ok := callbackChat(p["callback_query_id"]); ok {
			f.chat(chat).notify(event{Method: method, At: at})
		}
		return true, nil
	case "sendMessage", "sendPhoto":
		chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
		if err != nil || chatID == 0 {
			return nil, &apiErr{400, "Bad Request: chat not found"}
		}
		text := p["text"]
		if method == "sendPhoto" {
			text = p["caption"]
		}
		kb, err := parseKeyboard(p["reply_markup"])
		if err != nil {
			return nil, &apiErr{400, "Bad Request: " + err.Error()}
		}
		if method == "sendMessage" && strings.TrimSpace(text) == "" {
			return nil, &apiErr{400, "Bad Request: message text is empty"}
		}
		c := f.chat(chatID)
		c.mu.Lock()
		c.nextID++
		m := &botMsg{ID: c.nextID, Text: unescapeHTML(text, p["parse_mode"]), Keyboard: kb, Photo: method == "sendPhoto"}
		c.recent = append(c.recent, m)
		if len(c.recent) > 16 {
			c.recent = c.recent[1:]
		}
		out := f.messageJSON(chatID, *m, at)
		c.mu.Unlock()
		c.notify(event{Method: method, Msg: *m, At: at})
		return out, nil
	case "editMessageText":
		chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
		if err != nil || chatID == 0 {
			return nil, &apiErr{400, "Bad Request: chat not found"}
		}
		id, _ := strconv.Atoi(p["message_id"])
		kb, err := parseKeyboard(p["reply_markup"])
		if err != nil {
			return nil, &apiErr{400, "Bad Request: " + err.Error()}
		}
		c := f.chat(chatID)
		c.mu.Lock()
		var m *botMsg
		for _, x := range c.recent {
			if x.ID == id {
				m = x
			}
		}
		if m == nil || m.Photo {
			c.mu.Unlock()
			return nil, &apiErr{400, "Bad Request: message to edit not found"}
		}
		text := unescapeHTML(p["text"], p["parse_mode"])
		if text == m.Text && keyboardsEqual(kb, m.Keyboard) {
			c.mu.Unlock()
			return nil, &apiErr{400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}
		}
		m.Text, m.Keyboard = text, kb
		cp := *m
		out := f.messageJSON(chatID, cp, at)
		c.mu.Unlock()
		c.notify(event{Method: method, Msg: cp, At: at})
		return out, nil
	}
	return nil, &apiErr{404, "Not Found: method " + method}
}

func (f *fakeAPI) me() map[string]any {
	return map[string]any{"id": f.botID, "is_bot": true, "first_name": "Salesbot", "username": f.botTag,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false}
}

// messageJSON is a bot message as the Bot API returns it.
func (f *fakeAPI) messageJSON(chat int64, m botMsg, at time.Time) map[string]any {
	out := map[string]any{
		"message_id": m.ID,
		"from":       f.me(),
		"chat":       map[string]any{"id": chat, "type": "private", "first_name": "Rep"},
		"date":       at.Unix(),
	}
	if m.Photo {
		out["photo"] = []map[string]any{{"file_id": fmt.Sprintf("p%d-%d", chat, m.ID), "file_unique_id": fmt.Sprintf("u%d-%d", chat, m.ID), "width": 800, "height": 600}}
		if m.Text != "" {
			out["caption"] = m.Text
		}
	} else {
		out["text"] = m.Text
	}
	if len(m.Keyboard) > 0 {
		out["reply_markup"] = map[string]any{"inline_keyboard": m.Keyboard}
	}
	return out
}

// callbackChat reads the chat out of the callback query ids the simulated
// people make ("<chat>-<n>").
func callbackChat(id string) (int64, bool) {
	s, _, ok := strings.Cut(id, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func parseKeyboard(raw string) ([][]button, error) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("can't parse reply keyboard markup JSON object")
	}
	for _, row := range m.InlineKeyboard {
		if len(row) > 8 {
			return nil, fmt.Errorf("too many buttons in a row")
		}
		for _, b := range row {
			if b.URL == "" && (len(b.CallbackData) < 1 || len(b.CallbackData) > 64) {
				return nil, fmt.Errorf("BUTTON_DATA_INVALID")
			}
		}
	}
	return m.InlineKeyboard, nil
}

func keyboardsEqual(a, b [][]button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

var htmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`)

// unescapeHTML is the visible text of a parse_mode HTML message (salesbot
// escapes every byte and adds no tags).
func unescapeHTML(s, mode string) string {
	if !strings.EqualFold(mode, "HTML") {
		return s
	}
	return htmlUnescaper.Replace(s)
}
