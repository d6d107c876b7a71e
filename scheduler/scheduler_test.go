package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/scheduler"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var ctx = context.Background()

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

type world struct {
	db    *store.DB
	now   time.Time
	rep   crm.User
	quiet crm.User // a rep with nothing to do
	mgr   crm.User
	cust  crm.Customer
}

func (w *world) clock() time.Time { return w.now }

func newWorld(t *testing.T, db *store.DB) *world {
	w := &world{db: db, now: time.Date(2026, 11, 30, 8, 30, 0, 0, shanghai)} // Monday
	db.Now = w.clock
	d, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
	w.mgr, _ = db.CreateUser(ctx, 0, crm.User{Name: "王经理", Role: crm.RoleManager, DeptID: d.ID})
	w.rep, _ = db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep, DeptID: d.ID})
	w.quiet, _ = db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep, DeptID: d.ID})
	// A customer added 20 days ago and never contacted: stale.
	w.cust, _ = db.CreateCustomer(ctx, w.rep.ID, crm.Customer{Name: "恒通物流有限公司", OwnerID: w.rep.ID, CreatedAt: w.now.AddDate(0, 0, -20)})
	return w
}

func (w *world) scheduler() *scheduler.Scheduler {
	return scheduler.New(scheduler.Options{Store: w.db, Sales: sales.New(w.db), Location: shanghai, Now: w.clock, StaleDays: 14})
}

func outbox(t *testing.T, db *store.DB) []crm.OutboxItem {
	items, err := db.OutboxItems(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func TestWorkbenchQueuedOncePerRepWithSomethingToSay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		s := w.scheduler()
		for i := 0; i < 2; i++ { // fired twice: queued once
			if err := s.RunJob(ctx, scheduler.JobWorkbench); err != nil {
				t.Fatal(err)
			}
		}
		items := outbox(t, db)
		if len(items) != 1 || items[0].UserID != w.rep.ID || items[0].Key != fmt.Sprintf("workbench:%d:2026-11-30", w.rep.ID) {
			t.Fatalf("outbox: %+v", items)
		}
	})
}

func TestRunsClaimedOnceAcrossInstances(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var runs atomic.Int32
		job := scheduler.Job{Name: "count", Run: func(context.Context, time.Time) error { runs.Add(1); return nil }}
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ { // three instances fire the same minute
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := w.scheduler().Fire(ctx, job, w.now.Add(20*time.Second)); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if runs.Load() != 1 {
			t.Fatalf("ran %d times, want 1", runs.Load())
		}
		// A failed run stays unfinished and is taken over after the lease.
		failing := scheduler.Job{Name: "flaky", Run: func(context.Context, time.Time) error { runs.Add(1); return errors.New("boom") }}
		if err := w.scheduler().Fire(ctx, failing, w.now); err == nil {
			t.Fatal("want the job's error")
		}
		if err := w.scheduler().Fire(ctx, failing, w.now); err != nil { // within the lease: skipped
			t.Fatalf("second fire: %v", err)
		}
		w.now = w.now.Add(11 * time.Minute)
		w.scheduler().Fire(ctx, failing, w.now.Add(-11*time.Minute))
		if runs.Load() != 3 {
			t.Fatalf("runs = %d, want 3 (first, then the takeover after the lease)", runs.Load())
		}
		// A panicking job is an error, not a crash.
		boom := scheduler.Job{Name: "panics", Run: func(context.Context, time.Time) error { panic("oops") }}
		if err := w.scheduler().Fire(ctx, boom, w.now); err == nil || !strings.Contains(err.Error(), "panicked") {
			t.Fatalf("panic: %v", err)
		}
	})
}

func TestAppointmentAndPaymentReminders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		s := w.scheduler()
		soon, _ := db.AddAppointment(ctx, w.rep.ID, crm.Appointment{CustomerID: w.cust.ID, UserID: w.rep.ID, At: w.now.Add(25 * time.Minute), Place: "浦东"})
		db.AddAppointment(ctx, w.rep.ID, crm.Appointment{CustomerID: w.cust.ID, UserID: w.rep.ID, At: w.now.Add(3 * time.Hour)})
		for i := 0; i < 3; i++ {
			if err := s.RunJob(ctx, scheduler.JobAppointments); err != nil {
				t.Fatal(err)
			}
		}
		items := outbox(t, db)
		if len(items) != 1 || items[0].Key != fmt.Sprintf("appt:%d", soon.ID) {
			t.Fatalf("appointment reminders: %+v", items)
		}
		db.AddPaymentPlan(ctx, w.rep.ID, crm.PaymentPlan{CustomerID: w.cust.ID, Amount: crm.Yuan(50000), DueDate: "2026-12-03"})
		db.AddPaymentPlan(ctx, w.rep.ID, crm.PaymentPlan{CustomerID: w.cust.ID, Amount: crm.Yuan(1000), DueDate: "2026-11-30"})
		db.AddPaymentPlan(ctx, w.rep.ID, crm.PaymentPlan{CustomerID: w.cust.ID, Amount: crm.Yuan(2000), DueDate: "2026-12-01"})
		s.RunJob(ctx, scheduler.JobPaymentReminder)
		s.RunJob(ctx, scheduler.JobPaymentReminder)
		var pays []crm.OutboxItem
		for _, it := range outbox(t, db) {
			if it.Kind == crm.PushPaymentDue {
				pays = append(pays, it)
			}
		}
		if len(pays) != 2 || pays[0].UserID != w.rep.ID {
			t.Fatalf("payment reminders: %+v", pays)
		}
	})
}

// sender records what it is asked to send and fails as told.
type sender struct {
	mu    sync.Mutex
	sent  []string
	fail  func(chatID string, n int) error
	calls int
	delay time.Duration
}

func (s *sender) Channel() string { return "telegram" }

func (s *sender) Send(ctx context.Context, chatID string, m crm.Message) error {
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		if err := s.fail(chatID, s.calls); err != nil {
			return err
		}
	}
	s.sent = append(s.sent, chatID+": "+m.Text)
	return nil
}

func render(ctx context.Context, it crm.OutboxItem, to crm.Identity) ([]crm.Message, error) {
	return []crm.Message{{Text: it.Key}}, nil
}

func TestOutboxWorker(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "100", UserID: w.rep.ID, ChatID: "100"})
		db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "200", UserID: w.quiet.ID, ChatID: "200"})
		snd := &sender{}
		wk := &scheduler.Worker{Store: db, Senders: []crm.Sender{snd}, Render: render, Now: w.clock, Location: shanghai}
		db.Enqueue(ctx, []crm.OutboxItem{
			{Key: "a", Kind: "x", UserID: w.rep.ID},
			{Key: "b", Kind: "x", UserID: w.quiet.ID},
			{Key: "g", Kind: "x", Channel: "telegram", ChatID: "-100"},
			{Key: "nobody", Kind: "x", UserID: w.mgr.ID}, // no chat account
		}, w.now)
		db.Enqueue(ctx, []crm.OutboxItem{{Key: "a", Kind: "x", UserID: w.rep.ID}}, w.now) // duplicate key
		n, err := wk.Drain(ctx)
		if err != nil || n != 4 {
			t.Fatalf("drain: %d %v", n, err)
		}
		if len(snd.sent) != 3 {
			t.Fatalf("sent %v", snd.sent)
		}
		dead, _ := db.OutboxItems(ctx, crm.OutboxDead, 10)
		if len(dead) != 1 || dead[0].Key != "nobody" {
			t.Fatalf("dead: %+v", dead)
		}
		if n, _ := wk.Drain(ctx); n != 0 {
			t.Fatalf("sent again: %d", n)
		}

		// Failures: a 429 waits retry_after, an error backs off, a blocked
		// user is dead at once.
		snd.fail = func(chatID string, _ int) error {
			switch chatID {
			case "100":
				return &crm.RetryAfterError{After: 7 * time.Second, Err: errors.New("429")}
			case "200":
				return fmt.Errorf("blocked: %w", crm.ErrUnreachable)
			}
			return errors.New("500")
		}
		db.Enqueue(ctx, []crm.OutboxItem{{Key: "r1", Kind: "x", UserID: w.rep.ID}, {Key: "r2", Kind: "x", UserID: w.quiet.ID}, {Key: "r3", Kind: "x", Channel: "telegram", ChatID: "-5"}}, w.now)
		wk.Drain(ctx)
		pending, _ := db.OutboxItems(ctx, crm.OutboxPending, 10)
		got := map[string]time.Duration{}
		for _, it := range pending {
			got[it.Key] = it.NextAttemptAt.Sub(w.now)
		}
		if got["r1"] != 7*time.Second || got["r3"] != scheduler.Backoff(1) || len(pending) != 2 {
			t.Fatalf("retries: %v", got)
		}
		// Nothing is due before its time; after it, the retry succeeds.
		snd.fail = nil
		if n, _ := wk.Drain(ctx); n != 0 {
			t.Fatalf("claimed before due: %d", n)
		}
		w.now = w.now.Add(time.Minute)
		if n, _ := wk.Drain(ctx); n != 2 {
			t.Fatalf("retried %d", n)
		}
	})
}

func TestOutboxQuietHoursAndCrashRecovery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "100", UserID: w.rep.ID, ChatID: "100"})
		snd := &sender{}
		wk := &scheduler.Worker{Store: db, Senders: []crm.Sender{snd}, Render: render, Now: w.clock, Location: shanghai, QuietFrom: 21 * 60, QuietTo: 8 * 60}
		w.now = time.Date(2026, 11, 30, 22, 15, 0, 0, shanghai)
		db.Enqueue(ctx, []crm.OutboxItem{{Key: "late", Kind: "x", UserID: w.rep.ID}}, w.now)
		wk.Drain(ctx)
		pending, _ := db.OutboxItems(ctx, crm.OutboxPending, 10)
		if len(snd.sent) != 0 || len(pending) != 1 || !pending[0].NextAttemptAt.Equal(time.Date(2026, 12, 1, 8, 0, 0, 0, shanghai)) {
			t.Fatalf("quiet hours: sent %v, pending %+v", snd.sent, pending)
		}
		// A worker claims and dies; after the lease another sends it once.
		w.now = time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai)
		claimed, _ := db.ClaimOutbox(ctx, w.now, 2*time.Minute, 10)
		if len(claimed) != 1 {
			t.Fatalf("claimed %d", len(claimed))
		}
		if n, _ := wk.Drain(ctx); n != 0 {
			t.Fatal("a live claim was taken")
		}
		w.now = w.now.Add(3 * time.Minute)
		if n, _ := wk.Drain(ctx); n != 1 || len(snd.sent) != 1 {
			t.Fatalf("recovery: %d %v", n, snd.sent)
		}
	})
}

func TestOutboxGracefulStop(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db)
	db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "100", UserID: w.rep.ID, ChatID: "100"})
	snd := &sender{delay: 50 * time.Millisecond}
	wk := &scheduler.Worker{Store: db, Senders: []crm.Sender{snd}, Render: render, Now: w.clock, Location: shanghai, Poll: 10 * time.Millisecond, ShutdownDeadline: 2 * time.Second}
	var items []crm.OutboxItem
	for i := 0; i < 5; i++ {
		items = append(items, crm.OutboxItem{Key: fmt.Sprint("k", i), Kind: "x", UserID: w.rep.ID})
	}
	db.Enqueue(ctx, items, w.now)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { wk.Run(runCtx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		snd.mu.Lock()
		n := snd.calls
		snd.mu.Unlock()
		if n >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("worker did not stop")
	}
	// Everything claimed was finished within the deadline: nothing is left
	// claimed, and what was not sent is still pending.
	sent, _ := db.OutboxItems(ctx, crm.OutboxSent, 10)
	pending, _ := db.OutboxItems(ctx, crm.OutboxPending, 10)
	if len(sent)+len(pending) != 5 {
		t.Fatalf("sent %d + pending %d != 5", len(sent), len(pending))
	}
	for _, it := range pending {
		if it.ClaimedUntil != nil {
			t.Fatalf("row %s left claimed", it.Key)
		}
	}
}

func TestADayOf500Reps(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for i := 0; i < 500; i++ {
			u, err := db.CreateUser(ctx, 0, crm.User{Name: fmt.Sprint("rep", i), Role: crm.RoleRep})
			if err != nil {
				t.Fatal(err)
			}
			if i%5 == 0 { // every fifth rep has nothing to act on
				continue
			}
			if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: fmt.Sprintf("测试%d号贸易有限公司", i), OwnerID: u.ID, CreatedAt: w.now.AddDate(0, 0, -30)}); err != nil {
				t.Fatal(err)
			}
		}
		s := w.scheduler()
		if err := s.Fire(ctx, mustJob(t, s, scheduler.JobWorkbench), w.now); err != nil {
			t.Fatal(err)
		}
		if err := s.Fire(ctx, mustJob(t, s, scheduler.JobWorkbench), w.now); err != nil { // double fire
			t.Fatal(err)
		}
		s.RunJob(ctx, scheduler.JobWorkbench) // and an operator's run-job
		items := outbox(t, db)
		per := map[int64]int{}
		for _, it := range items {
			per[it.UserID]++
		}
		if len(items) != 401 || len(per) != 401 { // 400 reps + 张三 of the world
			t.Fatalf("%d workbench pushes for %d reps, want 401 each once", len(items), len(per))
		}
	})
}

func mustJob(t *testing.T, s *scheduler.Scheduler, name string) scheduler.Job {
	j, ok := s.Job(name)
	if !ok {
		t.Fatalf("no job %s", name)
	}
	return j
}

// Two complete instances (scheduler + outbox worker each) on one
// PostgreSQL database: every push is queued once and sent once.
func TestTwoInstancesOnPostgres(t *testing.T) {
	db1 := storetest.OpenPostgres(t)
	w := newWorld(t, db1)
	var reps []crm.User
	for i := 0; i < 60; i++ {
		u, _ := db1.CreateUser(ctx, 0, crm.User{Name: fmt.Sprint("rep", i), Role: crm.RoleRep})
		db1.CreateCustomer(ctx, u.ID, crm.Customer{Name: fmt.Sprintf("双实例%d号科技有限公司", i), OwnerID: u.ID, CreatedAt: w.now.AddDate(0, 0, -30)})
		db1.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: fmt.Sprint(1000 + i), UserID: u.ID, ChatID: fmt.Sprint(1000 + i)})
		reps = append(reps, u)
	}
	// The second instance opens its own pool on the same database.
	db2, err := store.Open(ctx, store.Postgres, storetest.DSNOf(t, db1))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.Now = w.clock
	snd := &sender{delay: time.Millisecond}
	var wg sync.WaitGroup
	for _, db := range []*store.DB{db1, db2} {
		wg.Add(1)
		go func(db *store.DB) {
			defer wg.Done()
			s := scheduler.New(scheduler.Options{Store: db, Sales: sales.New(db), Location: shanghai, Now: w.clock})
			if err := s.Fire(ctx, mustJob(t, s, scheduler.JobWorkbench), w.now); err != nil {
				t.Error(err)
			}
		}(db)
	}
	wg.Wait()
	// 08:30 pushes are spread to 08:32–08:35.
	w.now = w.now.Add(6 * time.Minute)
	for _, db := range []*store.DB{db1, db2} {
		wg.Add(1)
		go func(db *store.DB) {
			defer wg.Done()
			wk := &scheduler.Worker{Store: db, Senders: []crm.Sender{snd}, Render: render, Now: w.clock, Location: shanghai, Batch: 5}
			for i := 0; i < 3; i++ {
				if _, err := wk.Drain(ctx); err != nil {
					t.Error(err)
				}
			}
		}(db)
	}
	wg.Wait()
	seen := map[string]int{}
	for _, s := range snd.sent {
		seen[s]++
	}
	if len(snd.sent) != 60 || len(seen) != 60 {
		t.Fatalf("sent %d pushes (%d distinct), want 60 once each", len(snd.sent), len(seen))
	}
}

func TestReportReminders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.now = time.Date(2026, 11, 30, 17, 30, 0, 0, shanghai)
		db.SaveReport(ctx, w.quiet.ID, crm.Report{UserID: w.quiet.ID, Kind: crm.PeriodDay, PeriodStart: "2026-11-30", Text: "done"})
		s := w.scheduler()
		s.RunJob(ctx, scheduler.JobReportReminder)
		s.RunJob(ctx, scheduler.JobReportReminder)
		items := outbox(t, db)
		if len(items) != 1 || items[0].UserID != w.rep.ID || items[0].Kind != crm.PushReportDue {
			t.Fatalf("daily reminders: %+v", items)
		}
		// The monthly prompt fires only on a month's last day.
		s.RunJob(ctx, scheduler.JobMonthlyReport) // Nov 30: last day
		w.now = time.Date(2026, 12, 28, 17, 0, 0, 0, shanghai)
		s.RunJob(ctx, scheduler.JobMonthlyReport) // Dec 28: not yet
		var monthly int
		for _, it := range outbox(t, db) {
			if strings.Contains(it.Key, "report_due:month") {
				monthly++
			}
		}
		if monthly != 2 { // both reps, once, for November
			t.Fatalf("%d monthly prompts, want 2", monthly)
		}
	})
}

func TestScheduledPushesAreSpreadPastTheHalfHour(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db)
	s := w.scheduler()
	if err := s.Fire(ctx, mustJob(t, s, scheduler.JobWorkbench), w.now); err != nil {
		t.Fatal(err)
	}
	items := outbox(t, db)
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	at := items[0].NextAttemptAt.In(shanghai)
	if at.Before(w.now.Add(2*time.Minute)) || !at.Before(w.now.Add(5*time.Minute)) {
		t.Fatalf("push at %s, want 08:32–08:35", at.Format("15:04:05"))
	}
	if got := crm.SpreadPush(w.now.Add(10*time.Minute), "k"); !got.Equal(w.now.Add(10 * time.Minute)) {
		t.Fatalf("08:40 moved to %s", got)
	}
}

// failingLists is the real store except that reading the workbench lists
// fails once, as a dropped connection would.
type failingLists struct {
	*store.DB
	calls atomic.Int64
}

func (f *failingLists) WorkbenchLists(ctx context.Context, q crm.WorkbenchQuery) (map[int64]*crm.WorkbenchLists, error) {
	if f.calls.Add(1) == 1 {
		return nil, errors.New("connection reset by peer")
	}
	return f.DB.WorkbenchLists(ctx, q)
}

// One failing read fails the run (it is retried after the run lease) and
// queues nothing, rather than silently skipping reps.
func TestWorkbenchRunFailsWholeOnAReadError(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for i := range 60 {
			u, err := db.CreateUser(ctx, 0, crm.User{Name: fmt.Sprint("rep", i), Role: crm.RoleRep})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: fmt.Sprintf("测试%d号贸易有限公司", i), OwnerID: u.ID, CreatedAt: w.now.AddDate(0, 0, -30)}); err != nil {
				t.Fatal(err)
			}
		}
		f := &failingLists{DB: db}
		s := scheduler.New(scheduler.Options{Store: f, Sales: sales.New(f), Location: shanghai, Now: w.clock})
		err := s.Fire(ctx, mustJob(t, s, scheduler.JobWorkbench), w.now)
		if err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("run: %v, want the read error", err)
		}
		if items := outbox(t, db); len(items) != 0 {
			t.Fatalf("%d pushes queued by a failed run", len(items))
		}
		// The retry (after the lease, or by an operator) queues every rep once.
		if err := s.RunJob(ctx, scheduler.JobWorkbench); err != nil {
			t.Fatal(err)
		}
		if items := outbox(t, db); len(items) != 61 {
			t.Fatalf("%d pushes after the retry, want 61", len(items))
		}
	})
}

// hangingSender takes the message and never answers, like a process killed
// mid-send: the push is on its way, its process gone.
type hangingSender struct{ entered chan string }

func (h *hangingSender) Channel() string { return "telegram" }

func (h *hangingSender) Send(ctx context.Context, chatID string, m crm.Message) error {
	crm.SendStarting(ctx) // the request leaves
	h.entered <- m.Text
	<-ctx.Done()
	return ctx.Err()
}

// A process dies with sends in flight (kill -9): after the lease the next
// worker does not send those again — they may have arrived — and marks
// them uncertain; what the dead process had claimed but not begun is sent
// once (#20 item 7: all 15 in flight used to be sent again).
func TestOutboxSendsInFlightAtACrashAreNotRepeated(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "100", UserID: w.rep.ID, ChatID: "100"})
		db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "200", UserID: w.quiet.ID, ChatID: "200"})
		db.Enqueue(ctx, []crm.OutboxItem{
			{Key: "a1", Kind: "x", UserID: w.rep.ID}, {Key: "a2", Kind: "x", UserID: w.rep.ID},
			{Key: "b1", Kind: "x", UserID: w.quiet.ID},
		}, w.now)
		hang := &hangingSender{entered: make(chan string, 10)}
		dying := &scheduler.Worker{Store: db, Senders: []crm.Sender{hang}, Render: render, Now: w.clock, Location: shanghai, ShutdownDeadline: time.Hour}
		runCtx, kill := context.WithCancel(ctx)
		defer kill()
		go dying.Drain(runCtx)
		<-hang.entered // a1 and b1 are in flight (one per recipient); a2 waits behind a1
		<-hang.entered

		w.now = w.now.Add(10 * time.Minute) // past the lease: the process is presumed dead
		snd := &sender{}
		next := &scheduler.Worker{Store: db, Senders: []crm.Sender{snd}, Render: render, Now: w.clock, Location: shanghai}
		if _, err := next.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if len(snd.sent) != 1 {
			t.Fatalf("the next worker sent %v, want only a2", snd.sent)
		}
		dead, _ := db.OutboxItems(ctx, crm.OutboxDead, 10)
		keys := map[string]string{}
		for _, it := range dead {
			keys[it.Key] = it.LastError
		}
		if len(dead) != 2 || !strings.Contains(keys["a1"], "uncertain") || !strings.Contains(keys["b1"], "uncertain") {
			t.Fatalf("dead: %v", keys)
		}
		// An answer that never came is uncertain too: not retried.
		snd.fail = func(string, int) error { return fmt.Errorf("no answer: %w", crm.ErrUncertain) }
		db.Enqueue(ctx, []crm.OutboxItem{{Key: "c1", Kind: "x", UserID: w.rep.ID}}, w.now)
		next.Drain(ctx)
		w.now = w.now.Add(2 * time.Hour)
		if n, _ := next.Drain(ctx); n != 0 {
			t.Fatalf("an uncertain send was tried again (%d)", n)
		}
	})
}

// A push this process queues goes out at once, however long the idle poll
// has grown: the store wakes the worker when the queueing transaction
// commits (store.DB.OutboxWake).
func TestOutboxWakesOnAPushQueuedHere(t *testing.T) {
	db := storetest.OpenSQLite(t)
	w := newWorld(t, db)
	db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "100", UserID: w.rep.ID, ChatID: "100"})
	snd := &sender{}
	wk := &scheduler.Worker{Store: db, Wake: db.OutboxWake(), Senders: []crm.Sender{snd}, Render: render, Now: w.clock, Location: shanghai,
		Poll: time.Hour, MaxPoll: time.Hour}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() { wk.Run(runCtx); close(done) }()
	calls := func() int {
		snd.mu.Lock()
		defer snd.mu.Unlock()
		return snd.calls
	}
	for i := range 3 { // a wake after the first idle claim, and again
		if _, err := db.Enqueue(ctx, []crm.OutboxItem{{Key: fmt.Sprint("wake", i), Kind: "x", UserID: w.rep.ID}}, w.now); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for calls() < i+1 {
			if time.Now().After(deadline) {
				t.Fatalf("push %d not sent (the worker polls hourly): the wake did not reach it", i+1)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	stop()
	<-done
}
