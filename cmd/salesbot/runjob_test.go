package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
)

// runAt runs the program once with a fixed clock and no Telegram pacing.
func runAt(t *testing.T, dir string, now time.Time, env []string, args ...string) (int, string, string) {
	t.Helper()
	return runMainWith(t, &Main{Now: func() time.Time { return now }, TelegramSleep: noSleep}, dir, "", env, args...)
}

// runJobSetup is a fake Bot API, a database file and the environment that
// configures Telegram, at a Monday morning outside quiet hours.
func runJobSetup(t *testing.T) (*faketelegram.Server, string, string, []string, time.Time) {
	t.Helper()
	fake := faketelegram.New(t)
	dir := t.TempDir()
	dsn := filepath.Join(dir, "crm.db")
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return fake, dir, dsn, telegramEnv(fake, dsn, "polling"), time.Date(2026, 11, 30, 9, 0, 0, 0, loc)
}

// runJobCompany is the demo company with every rep's Telegram account bound
// (chat 1000+user id); it returns the reps' chats.
func runJobCompany(t *testing.T, dir, dsn string, now time.Time, env []string) []int64 {
	t.Helper()
	if code, _, stderr := runAt(t, dir, now, env, "demo"); code != 0 {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	db := relMigrated(t, "sqlite", dsn)
	users, err := db.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var chats []int64
	for _, u := range users {
		if u.Role != crm.RoleRep || !u.Active {
			continue
		}
		chat := 1000 + u.ID
		id := strconv.FormatInt(chat, 10)
		if err := db.BindIdentity(context.Background(), crm.Identity{Channel: "telegram", ExternalID: id, UserID: u.ID, ChatID: id}); err != nil {
			t.Fatal(err)
		}
		chats = append(chats, chat)
	}
	if len(chats) == 0 {
		t.Fatal("the demo company has no reps")
	}
	return chats
}

// With Telegram configured, run-job sends each rep's workbench to Telegram
// (not to the terminal), and marks sent only what Telegram took (#20 item 2).
func TestRunJobDeliversThroughTelegram(t *testing.T) {
	fake, dir, dsn, env, now := runJobSetup(t)
	chats := runJobCompany(t, dir, dsn, now, env)

	code, out, stderr := runAt(t, dir, now, env, "run-job", "workbench")
	if code != 0 {
		t.Fatalf("run-job: %d %s", code, stderr)
	}
	if strings.Contains(out, "有限公司") || strings.Contains(out, "工作台") || strings.Contains(out, "📨") {
		t.Fatalf("run-job printed the pushes to the terminal:\n%s", out)
	}
	for _, chat := range chats {
		if texts := fake.BotTexts(chat); len(texts) == 0 {
			t.Errorf("rep chat %d received no workbench", chat)
		}
	}
	db := relMigrated(t, "sqlite", dsn)
	o := relOutboxState(t, db)
	sent := len(fake.Calls("sendMessage", "sendPhoto"))
	if o.Sent != len(chats) || o.Pending != 0 || sent < len(chats) {
		t.Fatalf("outbox %s; Telegram got %d messages for %d reps", o, sent, len(chats))
	}
	if !strings.Contains(stderr, "sent "+strconv.Itoa(len(chats))) {
		t.Fatalf("run-job did not say what it sent: %s", stderr)
	}

	// --print shows them too, as they go out (a new day: new pushes).
	code, out, stderr = runAt(t, dir, now.Add(24*time.Hour), env, "run-job", "workbench", "--print")
	if code != 0 || !strings.Contains(out, "📨") {
		t.Fatalf("run-job --print: %d\n%s\n%s", code, out, stderr)
	}
}

// Telegram refusing every send leaves the pushes pending for the running
// server, never marked sent; --queue-only sends nothing at all.
func TestRunJobLeavesUndeliveredPending(t *testing.T) {
	fake, dir, dsn, env, now := runJobSetup(t)
	chats := runJobCompany(t, dir, dsn, now, env)

	code, _, stderr := runAt(t, dir, now, env, "run-job", "--queue-only", "workbench")
	if code != 0 {
		t.Fatalf("run-job --queue-only: %d %s", code, stderr)
	}
	if n := len(fake.Calls("sendMessage", "sendPhoto")); n != 0 {
		t.Fatalf("--queue-only sent %d messages", n)
	}
	db := relMigrated(t, "sqlite", dsn)
	if o := relOutboxState(t, db); o.Pending != len(chats) || o.Sent != 0 {
		t.Fatalf("after --queue-only: %s", o)
	}

	fake.Fail("sendMessage", 1000, faketelegram.Fault{Code: 502})
	code, _, stderr = runAt(t, dir, now, env, "run-job", "workbench")
	if code != 0 {
		t.Fatalf("run-job: %d %s", code, stderr)
	}
	if o := relOutboxState(t, db); o.Pending != len(chats) || o.Sent != 0 {
		t.Fatalf("with Telegram failing: %s (%s)", o, stderr)
	}
}
