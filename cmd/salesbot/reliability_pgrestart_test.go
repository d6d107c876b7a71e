package main

import (
	"context"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// TestReliabilityPostgresRestart (SALESBOT_LONG_TESTS=1 only: it restarts
// the shared PostgreSQL server, which breaks the tests of other packages
// running at the same time, and needs root on the server's machine) runs
// serve on PostgreSQL with Telegram in webhook mode; the fake Bot API posts
// a steady stream of updates (reps marking customers contacted, 300 in all)
// and pushes are queued, while the server is restarted with
//
//	pg_ctlcluster --skip-systemctl-redirect <version> main restart
//
// While the database is down the webhook must answer non-2xx (the fake,
// like Telegram, delivers the update again) or accept it for processing;
// /healthz reports the database unreachable. The process never exits, and
// once the database is back every update is processed exactly once — one
// reply, one activity — and every push is delivered.
func TestReliabilityPostgresRestart(t *testing.T) {
	if !relLong() {
		t.Skip("restarts the shared PostgreSQL server: set SALESBOT_LONG_TESTS=1 and run this package alone")
	}
	const reps, perRep = 100, 3
	ctx := context.Background()
	now := time.Now()
	dsn := storetest.NewPostgresDatabase(t)
	db := relMigrated(t, store.Postgres, dsn)
	rs := relSeedReps(t, db, reps, 90_000, now, crm.DateOf(now).AddDays(30))
	var items []crm.OutboxItem
	for _, r := range rs {
		items = append(items, relPaymentPush(r, 2, now))
	}
	if _, err := db.Enqueue(ctx, items, now); err != nil {
		t.Fatal(err)
	}

	fake := faketelegram.New(t)
	port := relFreePort(t)
	env := append(relTelegramEnv(fake, store.Postgres, dsn, "webhook"),
		"SALESBOT_HTTP_LISTEN=127.0.0.1:"+strconv.Itoa(port),
		"SALESBOT_TELEGRAM_WEBHOOK_URL=http://127.0.0.1:"+strconv.Itoa(port)+"/telegram/webhook")
	srv := relServe(t, env, &Main{TelegramSleep: noWait})

	// Health, sampled all along.
	var hmu sync.Mutex
	health := map[int]int{}
	stopHealth := make(chan struct{})
	healthDone := make(chan struct{})
	go func() {
		defer close(healthDone)
		client := &http.Client{Timeout: 5 * time.Second}
		for {
			select {
			case <-stopHealth:
				return
			case <-time.After(100 * time.Millisecond):
			}
			st := 0
			if resp, err := client.Get("http://" + srv.Addr + "/healthz"); err == nil {
				st = resp.StatusCode
				resp.Body.Close()
			}
			hmu.Lock()
			health[st]++
			hmu.Unlock()
		}
	}()

	// The stream: one update every 10 ms; the restart a third of the way in.
	total := reps * perRep
	restarted := make(chan error, 1)
	var restartTook time.Duration
	for i := 0; i < total; i++ {
		r := rs[i%reps]
		fake.PushMessage(r.Chat, r.Chat, "/contacted #"+strconv.FormatInt(r.Customer.ID, 10))
		if i == total/3 {
			go func() {
				start := time.Now()
				out, err := exec.Command("sh", "-c", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main restart").CombinedOutput()
				restartTook = time.Since(start)
				if err != nil {
					err = &restartError{err: err, out: string(out)}
				}
				restarted <- err
			}()
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := <-restarted; err != nil {
		t.Fatalf("restart PostgreSQL: %v", err)
	}
	t.Logf("PostgreSQL restarted in %v", restartTook.Round(time.Millisecond))

	// Wait until all is done, or nothing has moved for 15 s.
	progress := func() (int, bool) {
		n := 0
		for _, r := range rs {
			n += relReplies(fake, r.Chat)
		}
		sent := relOutboxState(t, db).Sent
		return n + sent, fake.Pending() == 0 && n == total && sent == len(items)
	}
	last, since := -1, time.Now()
	for {
		if code, exited := srv.Exited(); exited {
			t.Fatalf("serve exited %d while PostgreSQL restarted:\n%s", code, srv.Logs)
		}
		n, done := progress()
		if done || time.Since(since) > 15*time.Second {
			break
		}
		if n != last {
			last, since = n, time.Now()
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stopHealth)
	<-healthDone
	if code, exited := srv.Exited(); exited {
		t.Fatalf("serve exited %d:\n%s", code, srv.Logs)
	}
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, srv.Logs)
	}

	statuses := map[int]int{}
	for _, d := range fake.Deliveries() {
		statuses[d.Status]++
	}
	hmu.Lock()
	t.Logf("webhook deliveries by status %v; /healthz answers by status %v", statuses, health)
	hmu.Unlock()
	if n := fake.Pending(); n != 0 {
		t.Errorf("%d updates never accepted", n)
	}
	var acts []int64
	if err := db.SQL().Select(&acts, `SELECT customer_id FROM activities`); err != nil {
		t.Fatal(err)
	}
	perCustomer := map[int64]int{}
	for _, id := range acts {
		perCustomer[id]++
	}
	lost, twice := 0, 0
	for _, r := range rs {
		replies, done := relReplies(fake, r.Chat), perCustomer[r.Customer.ID]
		switch {
		case done < perRep:
			lost += perRep - done
			t.Logf("chat %d: %d of %d updates processed; the bot said %q", r.Chat, done, perRep, fake.BotTexts(r.Chat))
		case done > perRep:
			twice += done - perRep
		}
		if replies != done {
			t.Errorf("chat %d: %d replies, %d activities recorded; the bot said %q", r.Chat, replies, done, fake.BotTexts(r.Chat))
		}
	}
	if lost > 0 || twice > 0 {
		var errs []string
		for _, line := range strings.Split(srv.Logs.String(), "\n") {
			if strings.Contains(line, "level=ERROR") {
				errs = append(errs, line)
			}
		}
		t.Errorf("of %d updates, %d were never processed and %d processed twice; errors logged:\n%s", total, lost, twice, strings.Join(errs, "\n"))
	}
	if o := relOutboxState(t, db); o.Sent != len(items) {
		t.Errorf("outbox: %s; want all %d sent", o, len(items))
	}
}

type restartError struct {
	err error
	out string
}

func (e *restartError) Error() string { return e.err.Error() + ": " + e.out }
