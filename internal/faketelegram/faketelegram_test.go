package faketelegram_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/salesbot-crm/salesbot/internal/faketelegram"
)

func api(t *testing.T, fake *faketelegram.Server) *tgbotapi.BotAPI {
	t.Helper()
	b, err := tgbotapi.NewBotAPIWithClient(fake.Token, fake.URL+"/bot%s/%s", &http.Client{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func post(t *testing.T, u, contentType, body string) (int, answer) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

func TestWireFormat(t *testing.T) {
	fake := faketelegram.New(t)
	b := api(t, fake)
	if b.Self.UserName != fake.Bot.Username || !b.Self.IsBot {
		t.Fatalf("getMe: %+v", b.Self)
	}
	if st, a := post(t, fake.URL+"/bot1:wrong/getMe", "application/x-www-form-urlencoded", ""); st != 401 || a.OK || a.ErrorCode != 401 {
		t.Fatalf("wrong token: %d %+v", st, a)
	}
	if st, a := post(t, fake.URL+"/bot"+fake.Token+"/noSuchMethod", "application/x-www-form-urlencoded", ""); st != 404 || a.Description != "Not Found" {
		t.Fatalf("unknown method: %d %+v", st, a)
	}
	// JSON bodies as other clients send them.
	st, a := post(t, fake.URL+"/bot"+fake.Token+"/sendMessage", "application/json",
		`{"chat_id": 42, "text": "hi &amp; bye", "parse_mode": "HTML", "reply_markup": {"inline_keyboard": [[{"text": "OK", "callback_data": "1.0"}]]}}`)
	if st != 200 || !a.OK {
		t.Fatalf("JSON sendMessage: %d %+v", st, a)
	}
	c := fake.Calls("sendMessage")[0]
	if c.ChatID != 42 || c.Text != "hi & bye" || c.Raw != "hi &amp; bye" || c.Keyboard[0][0].CallbackData != "1.0" || c.MessageID != 1 {
		t.Fatalf("recorded: %+v", c)
	}
	var m tgbotapi.Message
	json.Unmarshal(a.Result, &m)
	if m.MessageID != 1 || m.Chat.ID != 42 || m.Chat.Type != "private" || m.From.ID != fake.Bot.ID || m.ReplyMarkup == nil {
		t.Fatalf("result: %+v", m)
	}
}

func TestTextChecks(t *testing.T) {
	fake := faketelegram.New(t)
	b := api(t, fake)
	send := func(text, mode string) error {
		m := tgbotapi.NewMessage(42, text)
		m.ParseMode = mode
		_, err := b.Send(m)
		return err
	}
	for _, bad := range []string{"a < b", "a > b", "AT&T", "&foo;", "<script>x</script>", "   "} {
		if err := send(bad, "HTML"); err == nil {
			t.Errorf("HTML %q accepted", bad)
		}
	}
	if err := send("a < b & c", ""); err != nil {
		t.Errorf("plain text: %v", err)
	}
	if err := send("<b>bold</b> &lt;&#60;&#x3c;", "HTML"); err != nil {
		t.Errorf("valid HTML: %v", err)
	}
	if got := fake.BotTexts(42); got[len(got)-1] != "bold <<<" {
		t.Errorf("visible: %q", got)
	}
	if err := send(strings.Repeat("😀", 2049), ""); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("4,098 units: %v", err)
	}
	if err := send(strings.Repeat("😀", 2048), ""); err != nil {
		t.Errorf("4,096 units: %v", err)
	}
	m := tgbotapi.NewMessage(42, "x")
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("b", strings.Repeat("d", 65))))
	if _, err := b.Send(m); err == nil || !strings.Contains(err.Error(), "BUTTON_DATA_INVALID") {
		t.Errorf("65-byte callback_data: %v", err)
	}
	p := tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "x.png", Bytes: []byte("not an image")})
	if _, err := b.Send(p); err == nil {
		t.Error("a non-image photo was accepted")
	}
	p = tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "x.png", Bytes: []byte("\x89PNG\r\n\x1a\nrest")})
	p.Caption = strings.Repeat("c", 1025)
	if _, err := b.Send(p); err == nil {
		t.Error("a 1,025-unit caption was accepted")
	}
}

func TestEdits(t *testing.T) {
	fake := faketelegram.New(t)
	b := api(t, fake)
	m := tgbotapi.NewMessage(42, "card")
	m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Save", "1.0")))
	sent, err := b.Send(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Send(tgbotapi.NewEditMessageText(42, 99, "x")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("edit of a missing message: %v", err)
	}
	same := tgbotapi.NewEditMessageTextAndMarkup(42, sent.MessageID, "card", m.ReplyMarkup.(tgbotapi.InlineKeyboardMarkup))
	if _, err := b.Send(same); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("edit to the same: %v", err)
	}
	if _, err := b.Send(tgbotapi.NewEditMessageText(42, sent.MessageID, "saved")); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(42)
	if len(msgs) != 1 || msgs[0].Text != "saved" || msgs[0].Keyboard != nil || msgs[0].Edits != 1 {
		t.Fatalf("after edit: %+v", msgs)
	}
	// Pressing a button: the callback must be answered once.
	_, qid := fake.PushCallback(42, 42, sent.MessageID, "1.0")
	if _, err := b.Request(tgbotapi.NewCallback(qid, "")); err != nil || !fake.Answered(qid) {
		t.Fatalf("answer: %v", err)
	}
	if _, err := b.Request(tgbotapi.NewCallback(qid, "")); err == nil {
		t.Error("a second answer was accepted")
	}
}

func TestGetUpdates(t *testing.T) {
	fake := faketelegram.New(t)
	b := api(t, fake)
	id1 := fake.PushMessage(42, 42, "/start ABC")
	fake.SkipUpdateIDs(500)
	id2 := fake.PushMessage(-100, 42, "hi @"+fake.Bot.Username)
	ups, err := b.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 2 || ups[0].UpdateID != id1 || ups[1].UpdateID != id1+501 || ups[1].UpdateID != id2 {
		t.Fatalf("updates: %+v, %v", ups, err)
	}
	if !ups[0].Message.IsCommand() || ups[0].Message.Command() != "start" || ups[0].Message.CommandArguments() != "ABC" {
		t.Fatalf("command entities: %+v", ups[0].Message.Entities)
	}
	if ups[1].Message.Chat.Type != "group" || len(ups[1].Message.Entities) != 1 || ups[1].Message.Entities[0].Type != "mention" {
		t.Fatalf("group message: %+v", ups[1].Message)
	}
	// The offset confirms earlier updates.
	ups, _ = b.GetUpdates(tgbotapi.UpdateConfig{Offset: id2})
	if len(ups) != 1 || fake.Pending() != 1 {
		t.Fatalf("after offset: %d updates, %d pending", len(ups), fake.Pending())
	}
	// A long poll returns as soon as something arrives.
	got := make(chan []tgbotapi.Update, 1)
	go func() {
		u, _ := b.GetUpdates(tgbotapi.UpdateConfig{Offset: id2 + 1, Timeout: 10})
		got <- u
	}()
	fake.WaitFor(func([]faketelegram.Call) bool { return fake.Polling() == 1 }, 5*time.Second)
	fake.PushMessage(42, 42, "/help")
	select {
	case u := <-got:
		if len(u) != 1 || u[0].Message.Text != "/help" {
			t.Fatalf("long poll: %+v", u)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long poll did not return on a push")
	}
}

func TestFaults(t *testing.T) {
	fake := faketelegram.New(t)
	b := api(t, fake)
	fake.Fail("sendMessage", 2, faketelegram.TooManyRequests(7))
	for range 2 {
		_, err := b.Send(tgbotapi.NewMessage(42, "x"))
		var te *tgbotapi.Error
		if !errors.As(err, &te) || te.Code != 429 || te.RetryAfter != 7 {
			t.Fatalf("429: %v", err)
		}
	}
	if _, err := b.Send(tgbotapi.NewMessage(42, "x")); err != nil {
		t.Fatalf("third: %v", err)
	}
	fake.Fail("*", 1, faketelegram.ServerError())
	if _, err := b.GetMe(); err == nil {
		t.Fatal("500 on any method")
	}
	fake.Fail("sendMessage", 1, faketelegram.Dropped())
	if _, err := b.Send(tgbotapi.NewMessage(42, "dropped")); err == nil {
		t.Fatal("a dropped answer looked fine")
	}
	if got := fake.BotTexts(42); got[len(got)-1] != "dropped" {
		t.Fatal("the dropped call did not take effect")
	}
	fake.Block(42)
	if _, err := b.Send(tgbotapi.NewMessage(42, "x")); err == nil || !strings.Contains(err.Error(), "blocked") {
		t.Fatalf("blocked: %v", err)
	}
	calls := fake.Calls("sendMessage")
	if calls[0].Status != 429 || calls[3].Status != 0 || calls[4].Status != 403 {
		t.Fatalf("statuses: %+v", calls)
	}
}

func TestWebhookDelivery(t *testing.T) {
	fake := faketelegram.New(t)
	b := api(t, fake)
	type post struct {
		secret string
		body   string
	}
	posts := make(chan post, 10)
	fail := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		posts <- post{r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), string(body)}
		if fail > 0 {
			fail--
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	if _, err := b.MakeRequest("setWebhook", tgbotapi.Params{"url": srv.URL, "secret_token": "abc_DEF-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetUpdates(tgbotapi.UpdateConfig{}); err == nil || !strings.Contains(err.Error(), "webhook is active") {
		t.Fatalf("getUpdates with a webhook: %v", err)
	}
	id := fake.PushMessage(42, 42, "hello")
	for i := range 2 { // refused once, then delivered again
		p := <-posts
		if p.secret != "abc_DEF-1" || !strings.Contains(p.body, `"text":"hello"`) {
			t.Fatalf("post %d: %+v", i, p)
		}
	}
	fake.WaitFor(func([]faketelegram.Call) bool { return fake.Pending() == 0 }, 5*time.Second)
	if st := fake.Redeliver(id); st != 200 {
		t.Fatalf("redeliver: %d", st)
	}
	<-posts
	if d := fake.Deliveries(); len(d) != 3 || d[0].Status != 500 || d[1].Status != 200 {
		t.Fatalf("deliveries: %+v", d)
	}
	if _, err := b.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	if u, _ := fake.Webhook(); u != "" {
		t.Fatal("webhook still set")
	}
	if _, err := b.MakeRequest("setWebhook", tgbotapi.Params{"url": srv.URL, "secret_token": "bad token!"}); err == nil {
		t.Fatal("a bad secret token was accepted")
	}
}
