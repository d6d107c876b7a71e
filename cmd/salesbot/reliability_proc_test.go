package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// relBuild builds the salesbot binary into dir, with the race detector
// when the tests have it (which also reuses their compiled packages).
func relBuild(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "salesbot")
	args := []string{"build", "-o", bin}
	if relRace {
		args = append(args, "-race")
	}
	start := time.Now()
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// relProc is "salesbot serve" running as a subprocess.
type relProc struct {
	cmd   *exec.Cmd
	logs  *relLog
	done  chan struct{}
	err   error
	start time.Time
}

// relStartProc starts "bin serve" in dir with the SALESBOT_* variables of
// env (the test's own SALESBOT_* variables are not passed on).
func relStartProc(t *testing.T, bin, dir string, env []string) *relProc {
	t.Helper()
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SALESBOT_") && !strings.HasPrefix(kv, "GORACE=") {
			base = append(base, kv)
		}
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append(append(base, "GORACE=halt_on_error=1"), env...)
	p := &relProc{cmd: cmd, logs: &relLog{}, done: make(chan struct{}), start: time.Now()}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// Exited reports whether the process has ended.
func (p *relProc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Kill sends SIGKILL and waits for the process to end.
func (p *relProc) Kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Term sends SIGTERM and returns the exit code and how long the process
// took to end (-1 if it had not ended after limit, when it is killed).
func (p *relProc) Term(limit time.Duration) (int, time.Duration) {
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(limit):
		p.Kill()
		return -1, time.Since(start)
	}
	took := time.Since(start)
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode(), took
	}
	if p.err != nil {
		return -1, took
	}
	return 0, took
}

// relWaitCalls waits until the fake has seen more than n calls of method,
// failing if p ends first or after timeout.
func relWaitCalls(t *testing.T, fake *faketelegram.Server, p *relProc, method string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for len(fake.Calls(method)) <= n {
		if p.Exited() {
			t.Fatalf("salesbot exited (%v):\n%s", p.err, p.logs)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v:\n%s", method, timeout, p.logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// relDelivered counts, per chat, the sends the Bot API accepted.
func relDelivered(fake *faketelegram.Server) map[int64]int {
	out := map[int64]int{}
	for _, c := range fake.Calls("sendMessage") {
		if c.Status == 200 {
			out[c.ChatID]++
		}
	}
	return out
}

// relFreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func relFreePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestReliabilityProcesses runs the built binary ("salesbot serve", built
// once) as a subprocess configured by SALESBOT_* variables, against a fake
// Bot API served by this test process, and stops it the hard way and the
// polite way.
func TestReliabilityProcesses(t *testing.T) {
	bin := relBuild(t, t.TempDir())
	t.Run("Kill9DuringFanOut", func(t *testing.T) { relKill9DuringFanOut(t, bin) })
	t.Run("SigtermDuringWork", func(t *testing.T) { relSigtermDuringWork(t, bin) })
}

// relKill9DuringFanOut: a fan-out of payment reminders (300 reps on SQLite;
// 600 with SALESBOT_LONG_TESTS=1) is sent on the real clock (real pacing,
// 30/s) by the binary, which is killed with SIGKILL at a random moment
// after it started sending, five times (ten), and restarted each time. At
// the end no push was delivered twice; a push whose send was in flight at a
// kill is not sent again (it may have arrived) but marked dead as uncertain
// (≤ one claimed batch of 20 per kill); every other push was delivered;
// nothing is pending or claimed.
//
// A killed process leaves the rows it had claimed leased for the outbox
// worker's lease (2 minutes, not configurable: scheduler.Worker.Lease is not
// set from the config). Before those run out nobody may send them, and the
// test checks exactly that: after the last restart has sent everything
// else, what is left is only rows under a lease that runs out within 2
// minutes. Then, in CI, the program is started once more in this process
// with its clock (Main.Now) 2 minutes ahead, which must find and send them;
// with SALESBOT_LONG_TESTS=1 the binary itself runs on until the real leases
// have run out and sends them. A config knob for the lease (e.g.
// scheduler.outbox_lease) would let CI do the latter too.
func relKill9DuringFanOut(t *testing.T, bin string) {
	reps, kills := 300, 5
	if relLong() {
		reps, kills = 600, 10
	}
	const batch = 20 // scheduler.Worker's default Batch
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 9))
	t.Logf("random seed %d", seed)

	dir := t.TempDir()
	path := filepath.Join(dir, "crm.db")
	ctx := context.Background()
	now := time.Now()
	db, err := store.Open(ctx, store.SQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rs := relSeedReps(t, db, reps, 30_000, now, crm.DateOf(now).AddDays(30))
	var items []crm.OutboxItem
	for _, r := range rs {
		items = append(items, relPaymentPush(r, 3, now))
	}
	if _, err := db.Enqueue(ctx, items, now); err != nil {
		t.Fatal(err)
	}
	db.Close()

	fake := faketelegram.New(t)
	env := relTelegramEnv(fake, store.SQLite, path, "polling")
	var killedAt []time.Time
	for k := range kills {
		p := relStartProc(t, bin, dir, env)
		relWaitCalls(t, fake, p, "sendMessage", len(fake.Calls("sendMessage")), 30*time.Second)
		time.Sleep(time.Duration(rng.IntN(1200)) * time.Millisecond) // a random moment of the sending
		if p.Exited() {
			t.Fatalf("salesbot exited by itself (%v):\n%s", p.err, p.logs)
		}
		p.Kill()
		killedAt = append(killedAt, time.Now())
		t.Logf("kill %d after %v: %d of %d pushes delivered", k+1, time.Since(p.start).Round(time.Millisecond), len(relDelivered(fake)), reps)
	}

	// What the killed processes had claimed stays leased: nobody may send
	// it before the lease runs out, and each lease runs out within the
	// worker's 2 minutes of its kill.
	rdb := relOpen(t, store.SQLite, path)
	var stuck []struct {
		ID    int64     `db:"id"`
		Until time.Time `db:"claimed_until"`
	}
	if err := rdb.SQL().Select(&stuck, `SELECT id, claimed_until FROM outbox WHERE status = 'pending' AND claimed_until IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if len(stuck) > kills*batch {
		t.Fatalf("%d rows left claimed by %d killed processes; a process claims at most %d at a time", len(stuck), kills, batch)
	}
	for _, s := range stuck {
		if s.Until.After(killedAt[len(killedAt)-1].Add(2*time.Minute + time.Second)) {
			t.Fatalf("row %d is claimed until %v, more than the 2-minute lease after the last kill (%v)", s.ID, s.Until, killedAt[len(killedAt)-1])
		}
	}
	// Restart: everything else goes out; the leased rows wait.
	p := relStartProc(t, bin, dir, env)
	o := relWaitOutbox(t, rdb, 60*time.Second, func(o relOutbox) bool { return o.Sent == reps-len(stuck) }, p.logs.String)
	for _, s := range stuck {
		var status string
		if err := rdb.SQL().Get(&status, rdb.SQL().Rebind(`SELECT status FROM outbox WHERE id = ?`), s.ID); err != nil || status != crm.OutboxPending {
			t.Fatalf("row %d, leased by a killed process, is %q (%v) before its lease ran out", s.ID, status, err)
		}
	}
	t.Logf("after the restart: %s; %d rows wait for the leases of killed processes; %d of %d chats have their push", o, len(stuck), len(relDelivered(fake)), reps)

	if relLong() {
		// The binary itself sends them once the real leases run out.
		relWaitOutbox(t, rdb, 3*time.Minute, func(o relOutbox) bool { return o.Sent+o.Dead == reps }, p.logs.String)
		if code, took := p.Term(30 * time.Second); code != 0 {
			t.Fatalf("exit %d after %v:\n%s", code, took, p.logs)
		}
	} else {
		if code, took := p.Term(30 * time.Second); code != 0 {
			t.Fatalf("exit %d after %v:\n%s", code, took, p.logs)
		}
		// The program, two minutes (and a bit) later: the leases have run out.
		later := &Main{Now: func() time.Time { return time.Now().Add(2*time.Minute + 5*time.Second) }}
		srv := relServe(t, env, later)
		relWaitOutbox(t, rdb, 30*time.Second, func(o relOutbox) bool { return o.Sent+o.Dead == reps }, srv.Logs.String)
		if code := srv.Stop(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, srv.Logs)
		}
	}

	o = relOutboxState(t, rdb)
	if o.Sent+o.Dead != reps || o.Pending != 0 || o.Claimed != 0 || o.Dead > kills*batch {
		t.Fatalf("outbox: %s; want all %d sent but at most %d in flight at the kills", o, reps, kills*batch)
	}
	var uncertain []int64
	if err := rdb.SQL().Select(&uncertain, `SELECT user_id FROM outbox WHERE status = 'dead' AND last_error LIKE 'uncertain%'`); err != nil {
		t.Fatal(err)
	}
	if len(uncertain) != o.Dead {
		t.Fatalf("%d dead pushes, %d of them uncertain: a push died for another reason", o.Dead, len(uncertain))
	}
	inFlight := map[int64]bool{}
	for _, u := range uncertain {
		inFlight[u] = true
	}
	got := relDelivered(fake)
	arrived := 0
	for _, r := range rs {
		switch n := got[r.Chat]; {
		case n > 1:
			t.Errorf("chat %d got its push %d times", r.Chat, n)
		case n == 0 && !inFlight[r.User.ID]:
			t.Errorf("chat %d never got its push, and it was not in flight at a kill", r.Chat)
		case n == 1 && inFlight[r.User.ID]:
			arrived++
		}
	}
	t.Logf("%d pushes, %d kills: none delivered twice; %d were in flight at a kill and not resent (%d of those had arrived)", reps, kills, len(uncertain), arrived)
}

// relSigtermDuringWork: the binary (webhook mode, PostgreSQL) is sending a
// fan-out of pushes (40 reps × 3) while the fake Bot API posts a stream of
// updates to its webhook (each rep marks a customer contacted); SIGTERM
// arrives at a random moment in the middle of both. It must exit with 0
// within 15 s, leave no outbox row claimed, and lose nothing: restarted, it
// sends the rest, and in the end every update was answered exactly once
// (one reply, one activity) — the ones it had accepted before the stop by
// the stopping process itself (a redelivery would be skipped as a
// duplicate) or, when a flood kept the replies back past the stop budget,
// by the next process from the inbox, without handling them again; the ones
// it refused while stopping after the restart — and every push was
// delivered.
func relSigtermDuringWork(t *testing.T, bin string) {
	// Each round: start, work, SIGTERM. With SALESBOT_LONG_TESTS=1 there
	// are three, the last one in a Telegram flood (every send answered 429
	// with retry_after 25 s).
	plan := []bool{false}
	if relLong() {
		plan = []bool{false, false, true}
	}
	rounds := len(plan)
	const reps, perRep, floodFaults = 40, 3, 200
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 15))
	t.Logf("random seed %d", seed)

	ctx := context.Background()
	now := time.Now()
	dsn := storetest.NewPostgresDatabase(t)
	db := relMigrated(t, store.Postgres, dsn)
	rs := relSeedReps(t, db, reps, 40_000, now, crm.DateOf(now).AddDays(30))
	var items []crm.OutboxItem
	for d := 1; d <= perRep; d++ {
		for _, r := range rs {
			items = append(items, relPaymentPush(r, d, now))
		}
	}
	if _, err := db.Enqueue(ctx, items, now); err != nil {
		t.Fatal(err)
	}

	fake := faketelegram.New(t)
	port := relFreePort(t)
	env := append(relTelegramEnv(fake, store.Postgres, dsn, "webhook"),
		fmt.Sprintf("SALESBOT_HTTP_LISTEN=127.0.0.1:%d", port),
		fmt.Sprintf("SALESBOT_TELEGRAM_WEBHOOK_URL=http://127.0.0.1:%d/telegram/webhook", port))
	dir := t.TempDir()

	updates := map[int]relRep{} // update id → whose
	next := 0                   // updates sent so far; each round, each rep sends one
	pushUpdates := func(n, limit int) {
		for ; n > 0 && next < limit; n-- {
			r := rs[next%reps]
			updates[fake.PushMessage(r.Chat, r.Chat, "/contacted #"+strconv.FormatInt(r.Customer.ID, 10))] = r
			next++
		}
	}
	for round, flood := range plan {
		limit := (round + 1) * reps
		p := relStartProc(t, bin, dir, env)
		relWaitCalls(t, fake, p, "sendMessage", len(fake.Calls("sendMessage")), 30*time.Second)
		// Half the round's updates come while it sends; then, at a random
		// moment, SIGTERM, and the other half arrive while it stops.
		half := limit - reps/2
		stopAt := time.Now().Add(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
		for time.Now().Before(stopAt) {
			pushUpdates(1, half)
			time.Sleep(20 * time.Millisecond)
		}
		pushUpdates(reps, half)
		if flood {
			// Telegram floods: every send is refused with retry_after 25 s,
			// which the adapter waits out in place — longer than the stop's
			// budget — for pushes and replies alike.
			fake.Fail("sendMessage", floodFaults, faketelegram.TooManyRequests(25))
			deadline := time.Now().Add(10 * time.Second)
			for fake.Pending() > 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond) // the replies are waiting for Telegram
		}
		type result struct {
			code int
			took time.Duration
		}
		stopped := make(chan result, 1)
		go func() {
			code, took := p.Term(30 * time.Second)
			stopped <- result{code, took}
		}()
		for next < limit {
			pushUpdates(1, limit)
			time.Sleep(10 * time.Millisecond)
		}
		res := <-stopped
		code, took := res.code, res.took
		accepted := map[int64]map[int]bool{} // chat → update ids accepted (200)
		refused := 0
		for _, d := range fake.Deliveries() {
			if d.Status == 200 {
				chat := updates[d.UpdateID].Chat
				if accepted[chat] == nil {
					accepted[chat] = map[int]bool{}
				}
				accepted[chat][d.UpdateID] = true
			} else {
				refused++
			}
		}
		t.Logf("round %d (flood %v): SIGTERM after %v of work, %d of %d updates accepted (%d deliveries refused so far) and %d of %d pushes sent: exit %d after %v",
			round+1, flood, time.Since(p.start).Round(time.Millisecond), relCount(accepted), next, refused, relOutboxState(t, db).Sent, len(items), code, took.Round(time.Millisecond))
		if code != 0 || took > 15*time.Second {
			t.Fatalf("SIGTERM: exit %d after %v, want 0 within 15 s:\n%s", code, took, p.logs)
		}
		if o := relOutboxState(t, db); o.Claimed != 0 {
			t.Errorf("after the stop: %s; in-flight pushes must be finished or released", o)
		}
		// Every update the stopped process accepted was answered by it —
		// unless Telegram refused the answer for longer than the stop may
		// take: then the replies wait in the inbox for the next process.
		unanswered := 0
		for chat, ids := range accepted {
			if n := relReplies(fake, chat); n < len(ids) {
				if !flood {
					t.Errorf("chat %d: %d updates accepted before the stop, %d answered", chat, len(ids), n)
				}
				unanswered += len(ids) - n
			}
		}
		if flood {
			t.Logf("round %d: %d accepted updates were handled but their replies, refused by the flood until after the stop, wait for the next process", round+1, unanswered)
			relDrainFaults(t, fake)
		}
	}

	// Restarted: what is left goes out.
	p := relStartProc(t, bin, dir, env)
	relWaitOutbox(t, db, 60*time.Second, func(o relOutbox) bool { return o.Sent == len(items) }, p.logs.String)
	deadline := time.Now().Add(30 * time.Second)
	for fake.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, r := range rs {
		for time.Now().Before(deadline) && relReplies(fake, r.Chat) < rounds {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if code, took := p.Term(30 * time.Second); code != 0 || took > 15*time.Second {
		t.Fatalf("the last stop: exit %d after %v:\n%s", code, took, p.logs)
	}
	if o := relOutboxState(t, db); o.Sent != len(items) || o.Pending != 0 || o.Claimed != 0 {
		t.Fatalf("outbox: %s; want all %d sent", o, len(items))
	}
	if n := fake.Pending(); n != 0 {
		t.Fatalf("%d updates never accepted", n)
	}
	var acts []int64
	if err := db.SQL().Select(&acts, `SELECT customer_id FROM activities`); err != nil {
		t.Fatal(err)
	}
	perCustomer := map[int64]int{}
	for _, id := range acts {
		perCustomer[id]++
	}
	got := relDelivered(fake)
	for _, r := range rs {
		if n := relReplies(fake, r.Chat); n != rounds {
			t.Errorf("chat %d: %d replies to %d updates", r.Chat, n, rounds)
		}
		if n := perCustomer[r.Customer.ID]; n != rounds {
			t.Errorf("customer %d (chat %d): %d activities for %d updates, all of them accepted by a webhook answer 200: an accepted update was never processed", r.Customer.ID, r.Chat, n, rounds)
		}
		if got[r.Chat] < perRep+rounds {
			t.Errorf("chat %d: %d messages, want %d pushes and %d replies", r.Chat, got[r.Chat], perRep, rounds)
		}
	}
	if !t.Failed() {
		t.Logf("%d updates processed and answered once each, %d pushes delivered, across %d SIGTERMs", len(updates), len(items), rounds)
	}
}

func relCount(m map[int64]map[int]bool) int {
	n := 0
	for _, ids := range m {
		n += len(ids)
	}
	return n
}

// relDrainFaults uses up the faults still queued for sendMessage by sending
// to the fake directly until a send goes through.
func relDrainFaults(t *testing.T, fake *faketelegram.Server) {
	t.Helper()
	for i := 0; ; i++ {
		resp, err := http.PostForm(fake.URL+"/bot"+fake.Token+"/sendMessage", url.Values{"chat_id": {"1"}, "text": {"drain"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return
		}
		if i > 10000 {
			t.Fatal("the fake's faults never ran out")
		}
	}
}

// relReplies counts the bot's replies in a chat (what is not a push).
func relReplies(fake *faketelegram.Server, chat int64) int {
	n := 0
	for _, text := range fake.BotTexts(chat) {
		if strings.Contains(text, "已记下联系了") {
			n++
		}
	}
	return n
}
