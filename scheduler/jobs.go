package scheduler

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Job names; the same names are the keys of scheduler.* in the config.
const (
	JobWorkbench       = "workbench"
	JobManagerDigest   = "manager_digest"
	JobAppointments    = "appointments"
	JobPaymentReminder = "payment_reminder"
	JobStaleNudge      = "stale_nudge"
	JobHousekeeping    = "housekeeping"
	JobReportReminder  = "report_reminder"
	JobWeeklyReport    = "weekly_report"
	JobMonthlyReport   = "monthly_report"
	JobWeComSync       = "wecom_sync"
	JobPoolRelease     = "pool_release"
)

// AppointmentLead is how long before an appointment its reminder goes out.
const AppointmentLead = 30 * time.Minute

// table is the one list of jobs.
func (s *Scheduler) table() []Job {
	spec := func(name, def string) string {
		if v, ok := s.opt.Specs[name]; ok {
			return v
		}
		return def
	}
	return []Job{
		{Name: JobWorkbench, Spec: spec(JobWorkbench, ""), Run: s.queue(s.workbench)},
		{Name: JobManagerDigest, Spec: spec(JobManagerDigest, ""), Run: s.queue(s.opt.Sales.DigestPushes)},
		{Name: JobAppointments, Spec: spec(JobAppointments, ""), Run: s.appointments},
		{Name: JobPaymentReminder, Spec: spec(JobPaymentReminder, ""), Run: s.queue(s.opt.Sales.PaymentDuePushes)},
		{Name: JobStaleNudge, Spec: spec(JobStaleNudge, ""), Run: s.queue(s.staleNudge)},
		{Name: JobReportReminder, Spec: spec(JobReportReminder, ""), Run: s.queue(s.reportDue(crm.PeriodDay))},
		{Name: JobWeeklyReport, Spec: spec(JobWeeklyReport, ""), Run: s.queue(s.reportDue(crm.PeriodWeek))},
		{Name: JobMonthlyReport, Spec: spec(JobMonthlyReport, ""), Run: s.queue(s.reportDue(crm.PeriodMonth))},
		{Name: JobPoolRelease, Spec: spec(JobPoolRelease, ""), Run: s.poolRelease},
		{Name: JobHousekeeping, Spec: spec(JobHousekeeping, "17 * * * *"), Run: s.housekeeping},
		{Name: JobWeComSync, Spec: s.weComSyncSpec(spec(JobWeComSync, "")), Run: s.weComSync},
	}
}

// weComSyncSpec is the sync job's spec: off without a sync to run.
func (s *Scheduler) weComSyncSpec(spec string) string {
	if s.opt.WeComSync == nil {
		return ""
	}
	return spec
}

// weComSync mirrors the WeCom contacts into the organisation (nightly;
// change_contact callbacks keep it current in between).
func (s *Scheduler) weComSync(ctx context.Context, now time.Time) error {
	if s.opt.WeComSync == nil {
		return nil // WeCom or its sync is off
	}
	return s.opt.WeComSync(ctx, now)
}

// enqueue queues scheduled pushes, spread away from the crowded first
// minutes after :00 and :30 (crm.SpreadPush); a run an operator asked for
// (RunJob) goes out at once.
func (s *Scheduler) enqueue(ctx context.Context, items []crm.OutboxItem, now time.Time) error {
	if ctx.Value(manualRun{}) == nil {
		for i := range items {
			items[i].NextAttemptAt = crm.SpreadPush(now, items[i].Key)
		}
	}
	_, err := s.opt.Store.Enqueue(ctx, items, now)
	return err
}

// queue returns a job that queues the pushes a use case computes.
func (s *Scheduler) queue(pushes func(ctx context.Context, now time.Time) ([]crm.OutboxItem, error)) func(ctx context.Context, now time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		items, err := pushes(ctx, now)
		if err != nil {
			return err
		}
		return s.enqueue(ctx, items, now)
	}
}

// workbench queues each rep's morning workbench (sales.WorkbenchPushes). A
// failed read fails the run, queueing nothing; it is retried after the run
// lease.
func (s *Scheduler) workbench(ctx context.Context, now time.Time) ([]crm.OutboxItem, error) {
	return s.opt.Sales.WorkbenchPushes(ctx, now, s.opt.StaleDays)
}

// appointments queues reminders for appointments starting within the lead
// time; it runs every minute, and each appointment is reminded once.
func (s *Scheduler) appointments(ctx context.Context, now time.Time) error {
	return s.opt.Sales.RemindAppointments(ctx, now, AppointmentLead)
}

// staleNudge queues a list of customers gone quiet to each rep who has any.
func (s *Scheduler) staleNudge(ctx context.Context, now time.Time) ([]crm.OutboxItem, error) {
	return s.opt.Sales.StalePushes(ctx, now, s.opt.StaleDays)
}

// reportDue queues a reminder to each rep who has not filed the report of
// the period yet. The monthly job is scheduled on days 28–31 and acts only
// on a month's last day.
func (s *Scheduler) reportDue(kind crm.PeriodKind) func(ctx context.Context, now time.Time) ([]crm.OutboxItem, error) {
	return func(ctx context.Context, now time.Time) ([]crm.OutboxItem, error) {
		if kind == crm.PeriodMonth && now.AddDate(0, 0, 1).Month() == now.Month() {
			return nil, nil
		}
		return s.opt.Sales.ReportDuePushes(ctx, kind, now)
	}
}

// housekeeping forgets abandoned forms and inbound keys older than
// crm.InboundRetention.
func (s *Scheduler) housekeeping(ctx context.Context, now time.Time) error {
	if _, err := s.opt.Store.PurgeExpiredStates(ctx, now); err != nil {
		return err
	}
	_, err := s.opt.Store.PurgeInbound(ctx, now.Add(-crm.InboundRetention))
	return err
}

// poolRelease sends to the pool, in one pass over the customers, every
// customer the pool rules name (sales.Service.SweepPool), each former owner
// pushed which; a run claimed by one instance, and a second run releases
// nothing more.
func (s *Scheduler) poolRelease(ctx context.Context, now time.Time) error {
	released, err := s.opt.Sales.SweepPool(ctx, s.opt.Pool, now)
	if err == nil && len(released) > 0 {
		s.opt.Logger.Info("pool release", "customers", len(released))
	}
	return err
}
