// Package scheduler runs salesbot's timed work: one table of jobs
// {Name, Spec, Run}, each a function of a context and a time, fired by cron
// in the configured time zone. Each run is claimed in the database so that
// with several instances it runs once; every push a job makes is an outbox
// row with a unique key, so a job that fires twice queues it once. The
// outbox worker (outbox.go) sends the rows through the channels.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// Job is one scheduled task. Run gets the time it runs for (in the
// scheduler's location).
type Job struct {
	Name string
	Spec string // cron spec; "" turns the job off
	Run  func(ctx context.Context, now time.Time) error
}

// Store is what the scheduler keeps itself: the outbox, the claims of
// runs, and what housekeeping purges.
type Store interface {
	crm.OutboxStore
	crm.StateStore
}

// Options configures a Scheduler.
type Options struct {
	// Store keeps the outbox, the job claims and what housekeeping purges.
	Store Store
	// Sales decides who is pushed what.
	Sales     *sales.Service
	Location  *time.Location
	Now       func() time.Time
	Logger    *slog.Logger
	StaleDays int
	// Pool are the pool's numbers (config pool.*); zero: SPEC's defaults.
	Pool crm.PoolRules
	// Specs maps job names to cron specs (from config); a missing or empty
	// spec turns a job off.
	Specs map[string]string
	// WeComSync runs the WeCom organisation sync (job wecom_sync); nil
	// turns the job off.
	WeComSync func(ctx context.Context, now time.Time) error
	// RunLease is how long a claimed run may go unfinished before another
	// instance may take it over.
	RunLease time.Duration
}

// Scheduler fires jobs.
type Scheduler struct {
	opt  Options
	jobs []Job
	cron *cron.Cron
}

// New builds the scheduler with the product's job table.
func New(opt Options) *Scheduler {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Pool == (crm.PoolRules{}) {
		opt.Pool = crm.DefaultPoolRules()
	}
	if opt.StaleDays <= 0 {
		opt.StaleDays = 14
	}
	if opt.RunLease <= 0 {
		opt.RunLease = 10 * time.Minute
	}
	s := &Scheduler{opt: opt}
	s.jobs = s.table()
	return s
}

// Jobs returns the job table.
func (s *Scheduler) Jobs() []Job { return s.jobs }

// Job finds a job by name.
func (s *Scheduler) Job(name string) (Job, bool) {
	for _, j := range s.jobs {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// ErrUnknownJob is returned by RunJob for a name not in the table.
var ErrUnknownJob = errors.New("scheduler: unknown job")

// RunJob runs one job now, whatever its schedule (salesbot run-job). The
// outbox keys still make its pushes once-only.
func (s *Scheduler) RunJob(ctx context.Context, name string) error {
	j, ok := s.Job(name)
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownJob, name)
	}
	return s.safeRun(context.WithValue(ctx, manualRun{}, true), j, s.opt.Now().In(s.opt.Location))
}

// manualRun marks a run an operator asked for: its pushes are not spread.
type manualRun struct{}

// Fire runs a job for a scheduled time, claiming the run in the database
// first: of several instances firing the same minute, one runs it.
func (s *Scheduler) Fire(ctx context.Context, j Job, at time.Time) error {
	at = at.In(s.opt.Location).Truncate(time.Minute)
	slot := at.Format("2006-01-02T15:04")
	ok, err := s.opt.Store.ClaimJobRun(ctx, j.Name, slot, s.opt.Now(), s.opt.RunLease)
	if err != nil {
		return err
	}
	if !ok {
		s.opt.Logger.Debug("job run claimed elsewhere", slog.String("job", j.Name), slog.String("slot", slot))
		return nil
	}
	if err := s.safeRun(ctx, j, at); err != nil {
		return err // unfinished: another instance may retry after the lease
	}
	return s.opt.Store.FinishJobRun(ctx, j.Name, slot, s.opt.Now())
}

// safeRun runs a job, turning a panic into an error.
func (s *Scheduler) safeRun(ctx context.Context, j Job, at time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("scheduler: job %s panicked: %v\n%s", j.Name, p, debug.Stack())
		}
	}()
	start := time.Now()
	err = j.Run(ctx, at)
	s.opt.Logger.Info("job ran", slog.String("job", j.Name), slog.Time("for", at), slog.Duration("took", time.Since(start)), slog.Any("err", err))
	return err
}

// Start schedules every job with a spec and returns; Stop ends it.
func (s *Scheduler) Start(ctx context.Context) error {
	s.cron = cron.New(cron.WithLocation(s.opt.Location), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, j := range s.jobs {
		if j.Spec == "" {
			continue
		}
		if _, err := s.cron.AddFunc(j.Spec, func() {
			if err := s.Fire(ctx, j, s.opt.Now()); err != nil {
				s.opt.Logger.Error("job failed", slog.String("job", j.Name), slog.Any("err", err))
			}
		}); err != nil {
			return fmt.Errorf("scheduler: job %s spec %q: %w", j.Name, j.Spec, err)
		}
	}
	s.cron.Start()
	return nil
}

// Stop stops firing and waits for running jobs until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) {
	if s.cron == nil {
		return
	}
	done := s.cron.Stop()
	select {
	case <-done.Done():
	case <-ctx.Done():
	}
}
