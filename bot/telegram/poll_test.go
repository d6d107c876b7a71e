package telegram

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Polling stops within a second of its context ending, in the middle of a
// 30-second long poll; Close stops it too.
func TestPollingStopsPromptly(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	done, cancel := h.startPolling()
	h.fake.WaitFor(func([]faketelegram.Call) bool { return h.fake.Polling() > 0 }, 10*time.Second)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Second):
		t.Fatal("polling still running a second after cancel")
	}
	t.Logf("stopped in %v", time.Since(start))

	h2 := newHarness(t, db)
	done2, _ := h2.startPolling()
	h2.fake.WaitFor(func([]faketelegram.Call) bool { return h2.fake.Polling() > 0 }, 10*time.Second)
	ctx, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	if err := h2.ch.Close(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done2:
	case <-time.After(time.Second):
		t.Fatal("polling still running after Close")
	}
}

// A getUpdates answer lost on the way: the updates come again and are
// answered once; the loop carries on after errors.
func TestPollingRecovers(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.fake.Fail("getUpdates", 1, faketelegram.Dropped())
	h.fake.PushMessage(5007, 5007, "/help")
	h.startPolling()
	h.logs.waitFor(t, "getUpdates failed", 10*time.Second)
	h.says(5007, "/lang en", "reply in English")
	if got := outTo(h.fake.Calls(), 5007); len(got) != 2 {
		t.Fatalf("%d replies, want 2", len(got))
	}
}

// The token never shows in errors or logs when the transport fails.
func TestTokenRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	const token = "123456789:AAH-secret_TOKEN-value"
	_, err = New(context.Background(), Config{Token: token, Endpoint: closed})
	if err == nil || strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "AAH-secret") {
		t.Fatalf("New against a closed port: %v", err)
	}
	if !strings.Contains(err.Error(), "getMe") || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("error should say what failed and keep its cause: %v", err)
	}

	// A wrong token, said clearly.
	fake := faketelegram.New(t)
	_, err = New(context.Background(), Config{Token: token, Endpoint: fake.URL})
	if err == nil || !strings.Contains(err.Error(), "rejected the token") || strings.Contains(err.Error(), token) {
		t.Fatalf("wrong token: %v", err)
	}

	// The server goes away under a running channel.
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.fake.Close()
	err = h.ch.Send(context.Background(), "42", crm.Message{Text: "hi"})
	if err == nil || strings.Contains(err.Error(), h.fake.Token) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("send: %v", err)
	}
	h.startPolling()
	h.logs.waitFor(t, "getUpdates failed", 10*time.Second)
	logs := h.logs.String()
	if strings.Contains(logs, h.fake.Token) || !strings.Contains(logs, "<token>") {
		t.Fatalf("log:\n%s", logs)
	}
}

func TestNewValidates(t *testing.T) {
	for _, c := range []Config{
		{},
		{Token: "1:a", Mode: "push"},
		{Token: "1:a", Mode: ModeWebhook, WebhookSecret: "ok"},
		{Token: "1:a", Mode: ModeWebhook, WebhookURL: "https://x.example/hook", WebhookSecret: "not ok!"},
		{Token: "1:a", Endpoint: "api.telegram.org"},
	} {
		if _, err := New(context.Background(), c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
}

func TestTranslate(t *testing.T) {
	h := newHarness(t, nil)
	bot := h.ch.Username()
	self := h.ch.api.Load().Self.ID
	user := &tgbotapi.User{ID: 5, FirstName: "Ann", LastName: "Lee", LanguageCode: "en"}
	group := &tgbotapi.Chat{ID: -100, Type: "supergroup"}
	private := &tgbotapi.Chat{ID: 5, Type: "private"}
	msg := func(chat *tgbotapi.Chat, text string) *tgbotapi.Update {
		return &tgbotapi.Update{Message: &tgbotapi.Message{MessageID: 1, From: user, Chat: chat, Text: text}}
	}
	cases := []struct {
		name      string
		u         *tgbotapi.Update
		handle    bool
		addressed bool
		text      string
	}{
		{"private text", msg(private, "hello"), true, false, "hello"},
		{"private caption", &tgbotapi.Update{Message: &tgbotapi.Message{From: user, Chat: private, Caption: "/help", Photo: []tgbotapi.PhotoSize{{}}}}, true, false, "/help"},
		{"group chatter", msg(group, "lunch?"), false, false, ""},
		{"group command", msg(group, "/help"), true, false, "/help"},
		{"group command to us", msg(group, "/help@"+bot), true, true, "/help@" + bot},
		{"group command to another bot", msg(group, "/help@someone_bot"), false, false, ""},
		{"group mention", msg(group, "@"+bot+" /my"), true, true, "/my"},
		{"group mention, other case", msg(group, "hi @"+strings.ToUpper(bot)), true, true, "hi @" + strings.ToUpper(bot)},
		{"group longer name", msg(group, "hi @"+bot+"x"), false, false, ""},
		{"group reply to the bot", &tgbotapi.Update{Message: &tgbotapi.Message{From: user, Chat: group, Text: "yes",
			ReplyToMessage: &tgbotapi.Message{From: &tgbotapi.User{ID: self, IsBot: true}}}}, true, true, "yes"},
		{"channel", msg(&tgbotapi.Chat{ID: -5, Type: "channel"}, "/help"), false, false, ""},
		{"edited", &tgbotapi.Update{EditedMessage: &tgbotapi.Message{From: user, Chat: private, Text: "/help"}}, false, false, ""},
	}
	for _, c := range cases {
		in := h.ch.translate(c.u)
		if in.handle != c.handle || (c.handle && (in.update.Addressed != c.addressed || in.update.Text != c.text)) {
			t.Errorf("%s: handle %v addressed %v text %q", c.name, in.handle, in.update.Addressed, in.update.Text)
		}
		if in.handle && (in.update.Channel != Name || in.update.UserID != "5" || in.update.UserName != "Ann Lee" || in.update.LangCode != "en" || in.update.ChatID != "5" && in.update.ChatID != "-100") {
			t.Errorf("%s: %+v", c.name, in.update)
		}
		if in.handle && in.update.Group != (c.u.Message.Chat.Type != "private") {
			t.Errorf("%s: group %v", c.name, in.update.Group)
		}
	}
	cb := h.ch.translate(&tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{ID: "q1", From: user, Data: "3.1",
		Message: &tgbotapi.Message{MessageID: 77, Chat: group}}})
	if !cb.handle || cb.callbackID != "q1" || cb.messageID != 77 || cb.update.Button != "3.1" || cb.update.ChatID != "-100" || !cb.update.Group {
		t.Errorf("callback: %+v", cb)
	}
	if cb := h.ch.translate(&tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{ID: "q2", From: user, Data: "x"}}); cb.handle || cb.callbackID != "q2" {
		t.Errorf("inline callback: %+v", cb)
	}
	if got := displayName(&tgbotapi.User{FirstName: "张", LastName: "三"}); got != "张三" {
		t.Errorf("displayName = %q", got)
	}
}

func TestKeyboardAndCoalesce(t *testing.T) {
	var row []crm.Button
	for i := range 10 {
		row = append(row, crm.Button{Text: "b", Data: string(rune('a' + i))})
	}
	row = append(row, crm.Button{Text: "too long", Data: strings.Repeat("x", 65)}, crm.Button{Text: "", Data: "y"})
	kb := keyboard([][]crm.Button{row}, h0())
	if len(kb.InlineKeyboard) != 2 || len(kb.InlineKeyboard[0]) != 8 || len(kb.InlineKeyboard[1]) != 2 {
		t.Fatalf("keyboard: %+v", kb.InlineKeyboard)
	}
	if keyboard(nil, h0()) != nil {
		t.Fatal("empty keyboard")
	}
	menu := [][]crm.Button{{{Text: "next", Data: "1"}}}
	got := coalesce([]crm.Message{{Text: "saved", Edit: true}, {Buttons: menu}, {}, {Buttons: menu}})
	if len(got) != 2 || got[0].Text != "saved" || !got[0].Edit || len(got[0].Buttons) != 1 || got[1].Text == "" {
		t.Fatalf("coalesce: %+v", got)
	}
}

func TestWindow(t *testing.T) {
	t0 := time.Unix(0, 0)
	w := window{n: 3, w: time.Second}
	for _, s := range []int{0, 5, 2, 9} {
		w.add(t0.Add(time.Duration(s) * time.Millisecond))
	}
	if w.times[0] != t0.Add(2*time.Millisecond) || w.times[2] != t0.Add(9*time.Millisecond) {
		t.Fatalf("window: %v", w.times)
	}
	if w.next(t0) != t0.Add(time.Second+2*time.Millisecond) {
		t.Fatalf("next: %v", w.next(t0))
	}
}
