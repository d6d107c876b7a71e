package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/bot/console"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/scheduler"
	"github.com/salesbot-crm/salesbot/store"
)

// jobSpecs maps the scheduler's job names to the configured cron specs.
func (c *Config) jobSpecs() map[string]string {
	return map[string]string{
		scheduler.JobWorkbench:       c.Scheduler.Workbench,
		scheduler.JobManagerDigest:   c.Scheduler.ManagerDigest,
		scheduler.JobAppointments:    c.Scheduler.Appointments,
		scheduler.JobPaymentReminder: c.Scheduler.PaymentReminder,
		scheduler.JobStaleNudge:      c.Scheduler.StaleNudge,
		scheduler.JobReportReminder:  c.Scheduler.ReportReminder,
		scheduler.JobWeeklyReport:    c.Scheduler.WeeklyReport,
		scheduler.JobMonthlyReport:   c.Scheduler.MonthlyReport,
		scheduler.JobWeComSync:       c.Scheduler.WeComSync,
		scheduler.JobPoolRelease:     c.Scheduler.PoolRelease,
	}
}

func (m *Main) newScheduler(db *store.DB) *scheduler.Scheduler {
	opt := scheduler.Options{Store: db, Sales: sales.New(db), Location: m.loc, Now: m.Now, Logger: m.logger, StaleDays: m.cfg.StaleDays, Pool: m.cfg.Pool.Rules(), Specs: m.cfg.jobSpecs()}
	if m.cfg.WeCom.SyncOn() {
		opt.WeComSync = func(ctx context.Context, now time.Time) error {
			_, err := m.syncWeCom(ctx, db, now)
			return err
		}
	}
	return scheduler.New(opt)
}

func (m *Main) newWorker(db *store.DB, b *bot.Bot, senders []crm.Sender) *scheduler.Worker {
	from, to, _ := ParseQuietHours(m.cfg.Scheduler.QuietHours)
	return &scheduler.Worker{Store: db, Wake: db.OutboxWake(), Senders: senders, Render: b.RenderPush, Now: m.Now, Logger: m.logger, Location: m.loc, QuietFrom: from, QuietTo: to}
}

// userNames names console chats for pushes shown in the terminal.
func userNames(ctx context.Context, db *store.DB) func(string) string {
	return func(chatID string) string {
		var id int64
		if _, err := fmt.Sscanf(chatID, "u%d", &id); err == nil {
			if u, err := db.User(ctx, id); err == nil {
				return u.Name
			}
		}
		return chatID
	}
}

// runConsole chats in the terminal while the scheduler and the outbox run
// behind it; pushes print into the chat. It ends at end of input. Without
// the scheduler (console --user NAME) the terminal is that one person's
// chat: their pushes — those queued before it started, during the chat and
// due by its end — are delivered into it through the outbox like any
// channel's, and everyone else's are left to the channels that reach them.
func (m *Main) runConsole(ctx context.Context, db *store.DB, c *console.Console, withScheduler bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c.Names = userNames(ctx, db)
	w := m.newWorker(db, c.Bot, []crm.Sender{c})
	w.Fallback = consoleFallback(c)
	if withScheduler {
		s := m.newScheduler(db)
		if err := s.Start(ctx); err != nil {
			return err
		}
		defer func() {
			stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
			defer stop()
			s.Stop(stopCtx)
		}()
	} else {
		w.UserID = c.UserID
		w.QuietFrom, w.QuietTo = 0, 0 // the person is at the terminal now
		if _, err := w.Drain(ctx); err != nil {
			return err
		}
	}
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	err := c.Run(ctx)
	cancel()
	<-done
	if !withScheduler {
		if _, derr := w.Drain(context.WithoutCancel(ctx)); err == nil {
			err = derr
		}
	}
	return err
}

// consoleFallback shows pushes for people with no chat account in the
// terminal: with only the console configured, the terminal is everyone's.
func consoleFallback(c *console.Console) func(int64) (crm.Sender, crm.Identity) {
	return func(uid int64) (crm.Sender, crm.Identity) {
		id := console.ExternalID(uid)
		return c, crm.Identity{Channel: console.Channel, ExternalID: id, ChatID: id, UserID: uid, Reachable: true}
	}
}

// runJobCmd runs one scheduler job now. Its pushes go through the outbox as
// every push does, then out through the configured chat channels with
// serve's pacing, rate limits and quiet hours; what cannot go out now stays
// pending for the running server. Only when the console is the only channel
// is the terminal the delivery. --print also shows each delivered push
// here; --queue-only leaves everything to the running server.
func (m *Main) runJobCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run-job", flag.ContinueOnError)
	show := fs.Bool("print", false, "also print each push delivered")
	queueOnly := fs.Bool("queue-only", false, "queue the pushes for the running server; send nothing")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"run-job: want exactly one job name (" + m.jobNames() + ")"}
	}
	if *show && *queueOnly {
		return usageError{"run-job: --print shows pushes as they are delivered; with --queue-only nothing is delivered"}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	before, err := db.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	s := m.newScheduler(db)
	if err := s.RunJob(ctx, pos[0]); err != nil {
		if errors.Is(err, scheduler.ErrUnknownJob) {
			return usageError{fmt.Sprintf("run-job: unknown job %q (want one of %s)", pos[0], m.jobNames())}
		}
		return err
	}
	queued, err := db.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "job %s ran; %d pushes queued\n", pos[0], queued[crm.OutboxPending]-before[crm.OutboxPending])
	if *queueOnly {
		fmt.Fprintf(m.Stderr, "%d pushes pending for the running server\n", queued[crm.OutboxPending])
		return nil
	}
	var w *scheduler.Worker
	var closers []func(context.Context) error
	if tg, wc := m.cfg.Channels(); !tg && !wc {
		admin, _, err := m.ensureAdmin(ctx, db)
		if err != nil {
			return err
		}
		b := m.newBot(db)
		c := &console.Console{Bot: b, Out: m.Stdout, UserID: admin.ID, Names: userNames(ctx, db)}
		w = m.newWorker(db, b, []crm.Sender{c})
		w.Fallback = consoleFallback(c)
		w.QuietFrom, w.QuietTo = 0, 0 // the terminal is the operator's, who asked for it now
	} else {
		ch, err := m.openChannels(ctx, db)
		if err != nil {
			return err
		}
		closers = ch.closers
		senders := ch.senders
		if *show {
			c := &console.Console{Bot: ch.bot, Out: m.Stdout, Names: userNames(ctx, db)}
			for i, sd := range senders {
				senders[i] = printedSender{Sender: sd, out: c}
			}
		}
		w = m.newWorker(db, ch.bot, senders)
	}
	_, err = w.Drain(ctx)
	for _, c := range closers {
		_ = c(context.Background())
	}
	if err != nil {
		return err
	}
	after, err := db.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "sent %d, undeliverable %d, pending %d (the running server sends those when they are due)\n",
		after[crm.OutboxSent]-before[crm.OutboxSent], after[crm.OutboxDead]-before[crm.OutboxDead], after[crm.OutboxPending])
	return nil
}

// printedSender shows in the terminal each push its channel delivered
// (run-job --print).
type printedSender struct {
	crm.Sender
	out *console.Console
}

func (p printedSender) Send(ctx context.Context, chatID string, msg crm.Message) error {
	if err := p.Sender.Send(ctx, chatID, msg); err != nil {
		return err
	}
	return p.out.Send(ctx, p.Sender.Channel()+":"+chatID, msg)
}

func (m *Main) jobNames() string {
	var names []string
	for _, j := range scheduler.New(scheduler.Options{}).Jobs() {
		names = append(names, j.Name)
	}
	return strings.Join(names, ", ")
}
