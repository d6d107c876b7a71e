package sales

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Who is pushed what, and when: the rules of the scheduled jobs. Each
// returns the pushes to queue (the scheduler spreads and queues them);
// keys make a push queued twice (a re-run) count once.

// activeUsers returns the active users with one of the roles.
func (s *Service) activeUsers(ctx context.Context, roles ...crm.Role) ([]crm.User, error) {
	all, err := s.org.Users(ctx)
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

// WorkbenchPushes is each rep's morning workbench; a rep with nothing to
// act on gets no message (a push that says "nothing to do" teaches people
// to ignore pushes). The workbenches are read set-based, one query per
// list for up to workbenchChunk reps (crm.BuildWorkbenches): 1,000 reps
// over a million customers take seconds (docs/BENCHMARKS.md, "Workbench").
func (s *Service) WorkbenchPushes(ctx context.Context, now time.Time, staleDays int) ([]crm.OutboxItem, error) {
	reps, err := s.activeUsers(ctx, crm.RoleRep)
	if err != nil {
		return nil, err
	}
	date := crm.DateOf(now)
	var items []crm.OutboxItem
	for start := 0; start < len(reps); start += workbenchChunk {
		chunk := reps[start:min(start+workbenchChunk, len(reps))]
		ws, err := s.Workbenches(ctx, chunk, now, staleDays)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			if w.Empty() {
				continue
			}
			items = append(items, crm.NewPush(fmt.Sprintf("workbench:%d:%s", w.User.ID, date), crm.PushWorkbench, w.User.ID, crm.DayPush{Date: date}))
		}
	}
	return items, nil
}

// DigestPushes is each manager's (and admin's) evening digest.
func (s *Service) DigestPushes(ctx context.Context, now time.Time) ([]crm.OutboxItem, error) {
	managers, err := s.activeUsers(ctx, crm.RoleManager, crm.RoleAdmin)
	if err != nil {
		return nil, err
	}
	date := crm.DateOf(now)
	var items []crm.OutboxItem
	for _, m := range managers {
		items = append(items, crm.NewPush(fmt.Sprintf("digest:%d:%s", m.ID, date), crm.PushDigest, m.ID, crm.DayPush{Date: date}))
	}
	return items, nil
}

// RemindAppointments queues, once each, reminders of the appointments
// starting within lead of now (looking back a little, so a tick missed by
// a restart still reminds), and marks them reminded in the same
// transaction.
func (s *Service) RemindAppointments(ctx context.Context, now time.Time, lead time.Duration) error {
	due, err := s.rem.DueAppointments(ctx, now.Add(-10*time.Minute), now.Add(lead))
	if err != nil || len(due) == 0 {
		return err
	}
	var items []crm.OutboxItem
	var ids []int64
	for _, a := range due {
		ids = append(ids, a.ID)
		items = append(items, crm.NewPush(fmt.Sprintf("appt:%d", a.ID), crm.PushAppointment, a.UserID, crm.AppointmentPush{AppointmentID: a.ID}))
	}
	return s.rem.RemindAppointments(ctx, items, ids, now)
}

// PaymentDuePushes reminds owners of the plans due in 3 days and today.
func (s *Service) PaymentDuePushes(ctx context.Context, now time.Time) ([]crm.OutboxItem, error) {
	today := crm.DateOf(now)
	plans, err := s.rem.PlansDueOn(ctx, []crm.Date{today, today.AddDays(3)})
	if err != nil {
		return nil, err
	}
	var items []crm.OutboxItem
	for _, p := range plans {
		items = append(items, crm.NewPush(fmt.Sprintf("pay:%d:%s", p.ID, today), crm.PushPaymentDue, p.OwnerID,
			crm.PaymentDuePush{PlanID: p.ID, Days: today.DaysUntil(p.DueDate)}))
	}
	return items, nil
}

// StalePushes is a list of customers gone quiet for each rep who has any.
func (s *Service) StalePushes(ctx context.Context, now time.Time, staleDays int) ([]crm.OutboxItem, error) {
	reps, err := s.activeUsers(ctx, crm.RoleRep)
	if err != nil {
		return nil, err
	}
	date := crm.DateOf(now)
	var items []crm.OutboxItem
	for _, u := range reps {
		stale, err := s.cust.StaleCustomers(ctx, crm.Scope{OwnerID: u.ID}, now.AddDate(0, 0, -staleDays), 1)
		if err != nil {
			return nil, err
		}
		if len(stale) > 0 {
			items = append(items, crm.NewPush(fmt.Sprintf("stale:%d:%s", u.ID, date), crm.PushStale, u.ID, crm.DayPush{Date: date}))
		}
	}
	return items, nil
}

// ReportDuePushes reminds each rep who has not filed the report of the
// period of kind yet.
func (s *Service) ReportDuePushes(ctx context.Context, kind crm.PeriodKind, now time.Time) ([]crm.OutboxItem, error) {
	reps, err := s.activeUsers(ctx, crm.RoleRep)
	if err != nil {
		return nil, err
	}
	start, _ := crm.PeriodRange(kind, now)
	var ids []int64
	for _, u := range reps {
		ids = append(ids, u.ID)
	}
	filed, err := s.pipe.ReportsFiled(ctx, kind, start, ids)
	if err != nil {
		return nil, err
	}
	var items []crm.OutboxItem
	for _, u := range reps {
		if !filed[u.ID] {
			items = append(items, crm.NewPush(fmt.Sprintf("report_due:%s:%d:%s", kind, u.ID, start), crm.PushReportDue, u.ID,
				crm.ReportDuePush{Kind: kind, Date: crm.DateOf(now)}))
		}
	}
	return items, nil
}
