package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
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
		{Name: JobWorkbench, Spec: spec(JobWorkbench, ""), Run: s.workbench},
		{Name: JobManagerDigest, Spec: spec(JobManagerDigest, ""), Run: s.managerDigest},
		{Name: JobAppointments, Spec: spec(JobAppointments, ""), Run: s.appointments},
		{Name: JobPaymentReminder, Spec: spec(JobPaymentReminder, ""), Run: s.paymentReminder},
		{Name: JobStaleNudge, Spec: spec(JobStaleNudge, ""), Run: s.staleNudge},
		{Name: JobReportReminder, Spec: spec(JobReportReminder, ""), Run: s.reportDue(crm.PeriodDay)},
		{Name: JobWeeklyReport, Spec: spec(JobWeeklyReport, ""), Run: s.reportDue(crm.PeriodWeek)},
		{Name: JobMonthlyReport, Spec: spec(JobMonthlyReport, ""), Run: s.reportDue(crm.PeriodMonth)},
		{Name: JobHousekeeping, Spec: spec(JobHousekeeping, "17 * * * *"), Run: s.housekeeping},
	}
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

func payload(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// activeUsers returns active users with one of the roles.
func (s *Scheduler) activeUsers(ctx context.Context, roles ...crm.Role) ([]crm.User, error) {
	all, err := s.opt.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []crm.User
	for _, u := range all {
		if !u.Active {
			continue
		}
		for _, r := range roles {
			if u.Role == r {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// workbenchChunk is how many reps' workbenches are read with one query per
// list (the databases' limits on bound parameters are far above it).
const workbenchChunk = 500

// workbench queues each rep's morning workbench; a rep with nothing to act
// on gets no message (a push that says "nothing to do" teaches people to
// ignore pushes). The workbenches are read set-based, one query per list
// for up to workbenchChunk reps (crm.BuildWorkbenches): 1,000 reps over a
// million customers take seconds (docs/BENCHMARKS.md, "Workbench"). A
// failed read fails the run, queueing nothing; it is retried after the run
// lease.
func (s *Scheduler) workbench(ctx context.Context, now time.Time) error {
	reps, err := s.activeUsers(ctx, crm.RoleRep)
	if err != nil {
		return err
	}
	date := crm.DateOf(now)
	var items []crm.OutboxItem
	for start := 0; start < len(reps); start += workbenchChunk {
		chunk := reps[start:min(start+workbenchChunk, len(reps))]
		ws, err := crm.BuildWorkbenches(ctx, s.opt.Store, chunk, now, s.opt.StaleDays)
		if err != nil {
			return err
		}
		for _, w := range ws {
			if w.Empty() {
				continue
			}
			items = append(items, crm.OutboxItem{Key: fmt.Sprintf("workbench:%d:%s", w.User.ID, date), Kind: crm.PushWorkbench, UserID: w.User.ID,
				Payload: payload(map[string]any{"date": date})})
		}
	}
	return s.enqueue(ctx, items, now)
}

// managerDigest queues each manager's (and admin's) evening digest.
func (s *Scheduler) managerDigest(ctx context.Context, now time.Time) error {
	managers, err := s.activeUsers(ctx, crm.RoleManager, crm.RoleAdmin)
	if err != nil {
		return err
	}
	date := crm.DateOf(now)
	var items []crm.OutboxItem
	for _, m := range managers {
		items = append(items, crm.OutboxItem{Key: fmt.Sprintf("digest:%d:%s", m.ID, date), Kind: crm.PushDigest, UserID: m.ID,
			Payload: payload(map[string]any{"date": date})})
	}
	err = s.enqueue(ctx, items, now)
	return err
}

// appointments queues reminders for appointments starting within the lead
// time; it runs every minute, and each appointment is reminded once.
func (s *Scheduler) appointments(ctx context.Context, now time.Time) error {
	// Look back a little so a tick missed by a restart still reminds.
	due, err := s.opt.Store.DueAppointments(ctx, now.Add(-10*time.Minute), now.Add(AppointmentLead))
	if err != nil {
		return err
	}
	if len(due) == 0 {
		return nil
	}
	var items []crm.OutboxItem
	var ids []int64
	for _, a := range due {
		ids = append(ids, a.ID)
		items = append(items, crm.OutboxItem{Key: fmt.Sprintf("appt:%d", a.ID), Kind: crm.PushAppointment, UserID: a.UserID,
			Payload: payload(map[string]any{"appointment_id": a.ID})})
	}
	return s.opt.Store.RemindAppointments(ctx, items, ids, now)
}

// paymentReminder queues reminders for plans due in 3 days and today.
func (s *Scheduler) paymentReminder(ctx context.Context, now time.Time) error {
	today := crm.DateOf(now)
	in3 := today.AddDays(3)
	plans, err := s.opt.Store.PlansDueOn(ctx, []crm.Date{today, in3})
	if err != nil {
		return err
	}
	var items []crm.OutboxItem
	for _, p := range plans {
		days := today.DaysUntil(p.DueDate)
		items = append(items, crm.OutboxItem{Key: fmt.Sprintf("pay:%d:%s", p.ID, today), Kind: crm.PushPaymentDue, UserID: p.OwnerID,
			Payload: payload(map[string]any{"plan_id": p.ID, "days": days})})
	}
	err = s.enqueue(ctx, items, now)
	return err
}

// staleNudge queues a list of customers gone quiet to each rep who has any.
func (s *Scheduler) staleNudge(ctx context.Context, now time.Time) error {
	reps, err := s.activeUsers(ctx, crm.RoleRep)
	if err != nil {
		return err
	}
	date := crm.DateOf(now)
	var items []crm.OutboxItem
	for _, u := range reps {
		stale, err := s.opt.Store.StaleCustomers(ctx, crm.Scope{OwnerID: u.ID}, now.AddDate(0, 0, -s.opt.StaleDays), 1)
		if err != nil {
			return err
		}
		if len(stale) == 0 {
			continue
		}
		items = append(items, crm.OutboxItem{Key: fmt.Sprintf("stale:%d:%s", u.ID, date), Kind: crm.PushStale, UserID: u.ID,
			Payload: payload(map[string]any{"date": date})})
	}
	err = s.enqueue(ctx, items, now)
	return err
}

// reportDue queues a reminder to each rep who has not filed the report of
// the period yet. The monthly job is scheduled on days 28–31 and acts only
// on a month's last day.
func (s *Scheduler) reportDue(kind crm.PeriodKind) func(ctx context.Context, now time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		if kind == crm.PeriodMonth && now.AddDate(0, 0, 1).Month() == now.Month() {
			return nil
		}
		reps, err := s.activeUsers(ctx, crm.RoleRep)
		if err != nil {
			return err
		}
		start, _ := crm.PeriodRange(kind, now)
		var ids []int64
		for _, u := range reps {
			ids = append(ids, u.ID)
		}
		filed, err := s.opt.Store.ReportsFiled(ctx, kind, start, ids)
		if err != nil {
			return err
		}
		var items []crm.OutboxItem
		for _, u := range reps {
			if filed[u.ID] {
				continue
			}
			items = append(items, crm.OutboxItem{Key: fmt.Sprintf("report_due:%s:%d:%s", kind, u.ID, start), Kind: crm.PushReportDue, UserID: u.ID,
				Payload: payload(map[string]any{"kind": kind, "date": crm.DateOf(now)})})
		}
		err = s.enqueue(ctx, items, now)
		return err
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
