package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
)

// TestReliabilityKill9WithSendsInFlight: the Bot API takes the first 15
// pushes and hangs before answering; the binary is killed with SIGKILL
// while all 15 are in flight. After the lease the next process must not
// send those 15 again (they arrived; it cannot know), nor any other whose
// request had left, marks them uncertain, and sends the rest once (#20 item 7: all 15 used to be sent
// again). With SALESBOT_LONG_TESTS=1: 100 reps, 20 (a whole batch) in flight.
func TestReliabilityKill9WithSendsInFlight(t *testing.T) {
	reps, hung := 30, 15
	if relLong() {
		reps, hung = 100, 20 // a worker has at most one batch (20) in flight
	}
	bin := relBuild(t, t.TempDir())
	dir := t.TempDir()
	path := filepath.Join(dir, "crm.db")
	now := time.Now()
	db := relMigrated(t, store.SQLite, path)
	rs := relSeedReps(t, db, reps, 40_000, now, crm.DateOf(now).AddDays(30))
	var items []crm.OutboxItem
	for _, r := range rs {
		items = append(items, relPaymentPush(r, 3, now))
	}
	if _, err := db.Enqueue(context.Background(), items, now); err != nil {
		t.Fatal(err)
	}

	fake := faketelegram.New(t)
	fake.Fail("sendMessage", hung, faketelegram.Fault{Hang: 10 * time.Minute})
	env := relTelegramEnv(fake, store.SQLite, path, "polling")
	shown := func() int {
		n := 0
		for _, r := range rs {
			n += len(fake.BotTexts(r.Chat))
		}
		return n
	}
	p := relStartProc(t, bin, dir, env)
	deadline := time.Now().Add(30 * time.Second)
	for shown() < hung {
		if time.Now().After(deadline) || p.Exited() {
			t.Fatalf("only %d of %d pushes reached the Bot API:\n%s", shown(), hung, p.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Kill()
	t.Logf("killed after %d pushes reached the Bot API, %d of them unanswered", shown(), hung)

	// The next process, past the killed one's leases.
	later := &Main{Now: func() time.Time { return time.Now().Add(2*time.Minute + 5*time.Second) }}
	srv := relServe(t, env, later)
	o := relWaitOutbox(t, db, 60*time.Second, func(o relOutbox) bool { return o.Sent+o.Dead == reps }, srv.Logs.String)
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, srv.Logs)
	}
	// The hung sends are uncertain; so is any other whose request had left
	// when the kill came. Every push is shown once at most, and every push
	// not uncertain is shown.
	var dead []int64
	if err := db.SQL().Select(&dead, `SELECT user_id FROM outbox WHERE status = 'dead' AND last_error LIKE 'uncertain%'`); err != nil {
		t.Fatal(err)
	}
	if o.Pending != 0 || o.Dead < hung || len(dead) != o.Dead {
		t.Fatalf("outbox %s, %d uncertain; want the %d in flight at the kill uncertain, the rest sent", o, len(dead), hung)
	}
	uncertain := map[int64]bool{}
	for _, id := range dead {
		uncertain[id] = true
	}
	for _, r := range rs {
		switch n := len(fake.BotTexts(r.Chat)); {
		case n > 1:
			t.Errorf("chat %d shows its push %d times", r.Chat, n)
		case n == 0 && !uncertain[r.User.ID]:
			t.Errorf("chat %d never got its push, and it was not in flight", r.Chat)
		}
	}
	t.Logf("%d pushes, %d hung at kill -9: none shown twice; %s", reps, hung, o)
}
