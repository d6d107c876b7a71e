package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
)

// TestReliabilityFloodingChats: the real program in polling mode; strangers
// post floods (60 messages each from 3 chats; 10 chats × 200 with
// SALESBOT_LONG_TESTS=1) while a bound rep asks for /help and logs
// through a form. The rep is answered throughout; each stranger gets at
// most the door's burst of answers and one "slow down" notice, and only
// what came through the door reached the database (#20 item 3).
func TestReliabilityFloodingChats(t *testing.T) {
	strangers, each := 3, 60
	if relLong() {
		strangers, each = 10, 200
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crm.db")
	db := relMigrated(t, store.SQLite, path)
	now := time.Now()
	rs := relSeedReps(t, db, 1, 9000, now, crm.DateOf(now).AddDays(30))
	fake := faketelegram.New(t)
	env := relTelegramEnv(fake, store.SQLite, path, "polling")
	srv := relServe(t, env, &Main{TelegramSleep: noSleep})
	defer srv.Stop(t)

	rep := rs[0].Chat
	for s := range strangers {
		chat := int64(7000 + 8*s) // the same worker as the rep under chat % 8
		for range each {
			fake.PushMessage(chat, chat, "hello?")
		}
	}
	fake.PushMessage(rep, rep, "/help")
	botSaid(t, fake, rep, "/today")
	fake.PushMessage(rep, rep, "/new")
	botSaid(t, fake, rep, "客户公司全称")

	deadline := time.Now().Add(20 * time.Second)
	for fake.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for s := range strangers {
		chat := int64(7000 + 8*s)
		var answers, notices int
		for _, text := range fake.BotTexts(chat) {
			if strings.Contains(text, "太快") {
				notices++
			} else {
				answers++
			}
		}
		if answers > bot.StrangerBurst || notices != 1 {
			t.Errorf("stranger %d: %d answers and %d notices to %d messages; want ≤ %d and 1", chat, answers, notices, each, bot.StrangerBurst)
		}
	}
	var stored int
	if err := db.SQL().GetContext(context.Background(), &stored, `SELECT COUNT(*) FROM inbound`); err != nil {
		t.Fatal(err)
	}
	if limit := strangers*bot.StrangerBurst + 2; stored > limit {
		t.Errorf("%d updates reached the database; the door should have let at most %d through", stored, limit)
	}
	t.Logf("%d strangers × %d messages: %d updates stored; the rep was answered", strangers, each, stored)
}
