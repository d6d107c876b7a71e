package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// TestReliabilityThreeInstances runs three complete serve instances (three
// Main.Run, each with its own HTTP port, scheduler and outbox worker) on
// one PostgreSQL database, with the workbench job firing every second on
// all three ("@every 1s"; with SALESBOT_LONG_TESTS=1 the production-like
// "* * * * *", waiting for the minute). Sixty reps with quiet customers are
// bound to Telegram. Every rep gets exactly one workbench — however often
// the job fired, on however many instances, and whichever workers claimed
// the rows — and the outbox holds exactly one row per rep, sent.
//
// The instances' clock (Main.Now) is a Tuesday 09:10 in Shanghai moving
// with the real clock, so the pushes are neither spread away from the half
// hour nor held for quiet hours whatever the time the test runs.
func TestReliabilityThreeInstances(t *testing.T) {
	const reps = 60
	spec, wait := "@every 1s", 30*time.Second
	if relLong() {
		spec, wait = "* * * * *", 100*time.Second
	}
	base, t0 := time.Date(2026, 12, 1, 9, 10, 0, 0, relShanghai), time.Now()
	now := func() time.Time { return base.Add(time.Since(t0)) }

	dsn := storetest.NewPostgresDatabase(t)
	db := relMigrated(t, store.Postgres, dsn)
	rs := relSeedReps(t, db, reps, 60_000, base, crm.DateOf(base).AddDays(30))
	fake := faketelegram.New(t)
	env := append(relTelegramEnv(fake, store.Postgres, dsn, "webhook"), "SALESBOT_SCHEDULER_WORKBENCH="+spec)

	servers := make([]*relServer, 3)
	for i := range servers {
		servers[i] = relServe(t, env, &Main{Now: now})
	}

	workbenches := func(chat int64) int {
		n := 0
		for _, text := range fake.BotTexts(chat) {
			if strings.Contains(text, "早上好") {
				n++
			}
		}
		return n
	}
	logs := func() string {
		var b strings.Builder
		for _, s := range servers {
			b.WriteString(s.Logs.String())
		}
		return b.String()
	}
	start := time.Now()
	for _, r := range rs {
		for workbenches(r.Chat) == 0 {
			if time.Since(start) > wait {
				// A database error (e.g. the shared server out of
				// connections) sends the push back for a retry in 30 s, or,
				// when even that could not be recorded, leaves it to its
				// 2-minute lease: give those the time they need.
				if !strings.Contains(logs(), "pq: ") || time.Since(start) > wait+3*time.Minute {
					t.Fatalf("chat %d got no workbench within %v; the bot said %q\n%s", r.Chat, time.Since(start).Round(time.Second), fake.BotTexts(r.Chat), logs())
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Let the job fire a few more times on every instance: nothing more
	// may come.
	time.Sleep(3 * time.Second)
	sent := make([]string, len(servers))
	for i, s := range servers {
		sent[i] = relMetric(t, s.Addr, `salesbot_pushes_total{result="sent"}`)
	}
	for i, s := range servers {
		if code := s.Stop(t); code != 0 {
			t.Fatalf("instance %d: exit %d:\n%s", i+1, code, s.Logs)
		}
	}
	// Sent again after the database failed to record it sent (at least
	// once, by design).
	resent := map[int64]int{}
	for _, key := range relMarkSentFailed(t, db, logs()) {
		var uid int64
		fmt.Sscanf(key, "workbench:%d:", &uid)
		resent[uid]++
	}
	for _, r := range rs {
		if n := workbenches(r.Chat); n != 1+resent[r.User.ID] {
			t.Errorf("chat %d got %d workbenches, want exactly 1 (+%d sent again after the database failed to record it sent)", r.Chat, n, resent[r.User.ID])
		}
	}
	// One row per rep, all sent (but for one whose sending the database
	// failed to record: it waits for its lease to run out).
	var rows []struct {
		ID     int64  `db:"id"`
		Kind   string `db:"kind"`
		Status string `db:"status"`
	}
	if err := db.SQL().Select(&rows, `SELECT id, kind, status FROM outbox`); err != nil {
		t.Fatal(err)
	}
	failed := relMarkSentFailed(t, db, logs())
	if len(rows) != reps {
		t.Errorf("%d outbox rows, want %d", len(rows), reps)
	}
	for _, r := range rows {
		if _, ok := failed[r.ID]; r.Kind != "workbench" || (r.Status != "sent" && !ok) {
			t.Errorf("outbox row %d: %s %s, want a sent workbench", r.ID, r.Kind, r.Status)
		}
	}
	var runs int
	if err := db.SQL().Get(&runs, `SELECT COUNT(*) FROM job_runs WHERE job = 'workbench'`); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reps, one workbench each; the job ran for %d minute slot(s); pushes sent by instance: %v", reps, runs, sent)
}
