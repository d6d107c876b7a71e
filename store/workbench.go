package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// WorkbenchLists reads the workbench lists of many users with one query
// per list, each in the per-user methods' order (PlansDue, OpenDealsInScope,
// StaleCustomers, Appointments, OpenComplaints, NextActionsDue, ReportFor)
// and grouped by user. The lists that hang off customers start from the
// rows that can be on a list (open plans, open deals, open complaints, the
// day's next actions: partial or date indexes, migration 0005) and look
// their customer up by id, instead of following each user's ~1,000
// customers into those indexes; "top N per user" is a window function. On
// SQLite CROSS JOIN pins that join order (its planner would otherwise start
// from the users' customers); PostgreSQL plans the inner joins they are.
func (s *DB) WorkbenchLists(ctx context.Context, q crm.WorkbenchQuery) (map[int64]*crm.WorkbenchLists, error) {
	out := map[int64]*crm.WorkbenchLists{}
	if len(q.Users) == 0 {
		return out, nil
	}
	of := func(user int64) *crm.WorkbenchLists {
		l := out[user]
		if l == nil {
			l = &crm.WorkbenchLists{}
			out[user] = l
		}
		return l
	}
	read := func(what, query string, dest any, args ...any) error {
		query, args, err := sqlx.In(query, args...)
		if err == nil {
			err = sel(ctx, s.db, dest, query, args...)
		}
		if err != nil {
			return fmt.Errorf("store: workbench %s of %d users: %w", what, len(q.Users), err)
		}
		return nil
	}

	var plans []struct {
		crm.PaymentPlan
		User int64 `db:"wb_user"`
	}
	if err := read("plans", `SELECT p.id, p.customer_id, p.deal_id, p.amount, p.due_date, p.note, p.paid, p.created_by, p.created_at, c.owner_id AS wb_user
		FROM payment_plans p CROSS JOIN customers c
		WHERE c.id = p.customer_id AND p.paid < p.amount AND p.due_date >= ? AND p.due_date < ? AND c.owner_id IN (?) AND c.archived = ?
		ORDER BY c.owner_id, p.due_date, p.id`, &plans, q.PlansFrom, q.PlansTo, q.Users, false); err != nil {
		return nil, err
	}
	for _, p := range plans {
		l := of(p.User)
		l.PaymentsDue = append(l.PaymentsDue, p.PaymentPlan)
	}

	var deals []struct {
		crm.Deal
		User int64 `db:"wb_user"`
		Rank int64 `db:"wb_rank"`
	}
	if err := read("deals", `SELECT * FROM (
			SELECT `+dealCols+`, c.owner_id AS wb_user,
				ROW_NUMBER() OVER (PARTITION BY c.owner_id ORDER BY d.win_pct * d.amount DESC, d.close_date, d.id) AS wb_rank
			FROM deals d CROSS JOIN customers c
			WHERE c.id = d.customer_id AND d.stage NOT IN ('contract', 'lost') AND c.owner_id IN (?) AND c.archived = ?) x
		WHERE wb_rank <= ? ORDER BY wb_user, wb_rank`, &deals, q.Users, false, q.TopDeals); err != nil {
		return nil, err
	}
	for _, d := range deals {
		l := of(d.User)
		l.TopDeals = append(l.TopDeals, d.Deal)
	}

	// Quiet customers: most of a book is quiet, so a window over all of
	// them would sort most of the customers table. Each user's first few
	// in customers_owner_stale are read instead: on PostgreSQL in one
	// statement (LATERAL); SQLite has no LATERAL, and being in-process it
	// pays no round trip for StaleCustomers per user.
	if s.driver == Postgres {
		var stale []crm.Customer
		if err := read("stale customers", `SELECT s.* FROM users o CROSS JOIN LATERAL (
				SELECT `+customerCols+customerFrom+`
				WHERE c.owner_id = o.id AND c.archived = ? AND COALESCE(c.last_activity_at, c.created_at) < ?
					AND (c.snooze_base IS NULL OR c.snooze_base < ?)
				ORDER BY COALESCE(c.last_activity_at, c.created_at), c.id LIMIT ?) s
			WHERE o.id IN (?)
			ORDER BY s.owner_id, COALESCE(s.last_activity_at, s.created_at), s.id`, &stale, false, q.StaleBefore.UTC(), q.StaleBefore.UTC(), q.StaleLimit, q.Users); err != nil {
			return nil, err
		}
		for _, c := range stale {
			l := of(c.OwnerID)
			l.Stale = append(l.Stale, c)
		}
	} else {
		for _, u := range q.Users {
			stale, err := s.StaleCustomers(ctx, crm.Scope{OwnerID: u}, q.StaleBefore, q.StaleLimit)
			if err != nil {
				return nil, err
			}
			if len(stale) > 0 {
				of(u).Stale = stale
			}
		}
	}

	// How many are quiet in all (the list shows the first few).
	var quiet []struct {
		User int64 `db:"wb_user"`
		N    int   `db:"n"`
	}
	if err := read("stale count", `SELECT c.owner_id AS wb_user, COUNT(*) AS n FROM customers c
		WHERE c.owner_id IN (?) AND c.archived = ? AND COALESCE(c.last_activity_at, c.created_at) < ?
			AND (c.snooze_base IS NULL OR c.snooze_base < ?)
		GROUP BY c.owner_id`, &quiet, q.Users, false, q.StaleBefore.UTC(), q.StaleBefore.UTC()); err != nil {
		return nil, err
	}
	for _, x := range quiet {
		of(x.User).StaleTotal = x.N
	}

	var appts []crm.Appointment
	if err := read("appointments", `SELECT id, customer_id, user_id, at, place, purpose, reminded, created_at FROM appointments
		WHERE user_id IN (?) AND at >= ? AND at < ? ORDER BY user_id, at, id`, &appts, q.Users, q.DayFrom.UTC(), q.DayTo.UTC()); err != nil {
		return nil, err
	}
	for _, a := range appts {
		l := of(a.UserID)
		l.Appointments = append(l.Appointments, a)
	}

	var complaints []struct {
		crm.Complaint
		User int64 `db:"wb_user"`
	}
	if err := read("complaints", `SELECT `+complaintCols+`, c.owner_id AS wb_user FROM complaints k CROSS JOIN customers c
		WHERE c.id = k.customer_id AND k.status = 'open' AND c.owner_id IN (?) AND c.archived = ?
		ORDER BY c.owner_id, k.created_at, k.id`, &complaints, q.Users, false); err != nil {
		return nil, err
	}
	for _, k := range complaints {
		l := of(k.User)
		l.Complaints = append(l.Complaints, k.Complaint)
	}

	var next []struct {
		crm.Activity
		User int64 `db:"wb_user"`
	}
	if err := read("next actions", `SELECT a.id, a.customer_id, a.user_id, a.kind, a.content, a.next_action, a.next_date, a.at, c.owner_id AS wb_user
		FROM activities a CROSS JOIN customers c
		WHERE c.id = a.customer_id AND a.next_date = ? AND c.owner_id IN (?) AND c.archived = ?
		ORDER BY c.owner_id, a.at, a.id`, &next, q.Date, q.Users, false); err != nil {
		return nil, err
	}
	for _, a := range next {
		l := of(a.User)
		l.NextActions = append(l.NextActions, a.Activity)
	}

	var filed []int64
	if err := read("reports", `SELECT user_id FROM reports WHERE user_id IN (?) AND kind = ? AND period_start = ?`,
		&filed, q.Users, crm.PeriodDay, q.Date); err != nil {
		return nil, err
	}
	for _, u := range filed {
		of(u).ReportFiled = true
	}
	return out, nil
}
