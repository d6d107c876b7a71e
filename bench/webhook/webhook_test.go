package main

import (
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/salesbot-crm/salesbot/crm/company"
)

// The fake answers the real client library: getMe, a message with a
// keyboard, its edit, a callback answer; each reply reaches the chat's
// events with the time it arrived.
func TestFakeSpeaksTheWireFormat(t *testing.T) {
	f, err := newFakeAPI("123:abc")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint("123:abc", f.url+"/bot%s/%s")
	if err != nil {
		t.Fatalf("getMe: %v", err)
	}
	if api.Self.UserName != f.botTag {
		t.Fatalf("bot %q", api.Self.UserName)
	}
	const chat = 5100000001
	c := f.chat(chat)
	msg := tgbotapi.NewMessage(chat, "行业？ a &lt; b")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("IT/软件", "3.0")))
	if _, err := api.Request(msg); err != nil {
		t.Fatal(err)
	}
	ev := <-c.events
	if ev.Method != "sendMessage" || ev.Msg.Text != "行业？ a < b" || len(ev.Msg.Keyboard) != 1 || ev.Msg.Keyboard[0][0].CallbackData != "3.0" || time.Since(ev.At) > time.Minute {
		t.Fatalf("event %+v", ev)
	}
	edit := tgbotapi.NewEditMessageText(chat, ev.Msg.ID, "✓ 已保存")
	if _, err := api.Request(edit); err != nil {
		t.Fatal(err)
	}
	if ev := <-c.events; ev.Method != "editMessageText" || ev.Msg.Text != "✓ 已保存" {
		t.Fatalf("edit event %+v", ev)
	}
	if _, err := api.Request(edit); err == nil || !strings.Contains(err.Error(), "not modified") {
		t.Fatalf("same edit again: %v", err)
	}
	if _, err := api.Request(tgbotapi.NewCallback("5100000001-1", "")); err != nil {
		t.Fatal(err)
	}
	if ev := <-c.events; ev.Method != "answerCallbackQuery" {
		t.Fatalf("answer event %+v", ev)
	}
	if n := f.Calls()["sendMessage"]; n != 1 {
		t.Fatalf("sendMessage calls %d", n)
	}
}

func TestMetricsQuantile(t *testing.T) {
	page := `# HELP salesbot_updates_total Chat updates handled.
salesbot_updates_total 100
salesbot_update_duration_seconds_bucket{le="0.005"} 50
salesbot_update_duration_seconds_bucket{le="0.01"} 90
salesbot_update_duration_seconds_bucket{le="0.025"} 99
salesbot_update_duration_seconds_bucket{le="0.05"} 100
salesbot_update_duration_seconds_bucket{le="+Inf"} 100
salesbot_update_duration_seconds_sum 0.6
salesbot_update_duration_seconds_count 100
`
	m, err := parseMetrics(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if m.updates != 100 || m.count != 100 || len(m.cum) != 5 {
		t.Fatalf("%+v", m)
	}
	if v, _ := m.quantile(0.5); v != 0.005 {
		t.Fatalf("p50 %v", v)
	}
	if v, _ := m.quantile(0.95); v < 0.01833 || v > 0.01834 { // 0.01 + 0.015 × 5/9
		t.Fatalf("p95 %v", v)
	}
	d := m.sub(metrics{le: m.le, cum: []uint64{40, 80, 89, 90, 90}, count: 90, updates: 90})
	if d.count != 10 || d.updates != 10 || d.cum[0] != 10 {
		t.Fatalf("sub %+v", d)
	}
}

// Generated names are unique companies to the duplicate check.
func TestNamesAreUnique(t *testing.T) {
	var g nameGen
	seen := map[string]string{}
	for range 5000 {
		name, trade := g.next()
		n := company.Parse(name)
		if n.Key == "" || !strings.Contains(name, trade) {
			t.Fatalf("%s: key %q trade %q", name, n.Key, trade)
		}
		if other, ok := seen[n.Key]; ok {
			t.Fatalf("%s and %s share the key %q", name, other, n.Key)
		}
		seen[n.Key] = name
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	d := summarize(ds)
	if d.P50 != 50*time.Millisecond || d.P99 != 99*time.Millisecond || d.Max != 100*time.Millisecond || d.N != 100 {
		t.Fatalf("%+v", d)
	}
}
