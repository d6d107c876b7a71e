package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// AddActivity logs an activity and moves the customer's last activity.
func (s *DB) AddActivity(ctx context.Context, actor int64, a crm.Activity) (crm.Activity, error) {
	if a.At.IsZero() {
		a.At = s.now()
	}
	a.At = a.At.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		const q = `INSERT INTO activities (customer_id, user_id, kind, content, next_action, next_date, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
		a.ID, err = insertID(ctx, tx, q, a.CustomerID, a.UserID, a.Kind, a.Content, a.NextAction, a.NextDate, a.At)
		if err != nil {
			return err
		}
		const u = `UPDATE customers SET last_activity_at = ?, updated_at = ? WHERE id = ? AND (last_activity_at IS NULL OR last_activity_at < ?)`
		if _, err := exec(ctx, tx, u, a.At, s.now(), a.CustomerID, a.At); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "activity", a.ID, "create", nil, a, s.now())
	})
	if err != nil {
		return a, fmt.Errorf("store: add activity to customer %d: %w", a.CustomerID, err)
	}
	return a, nil
}

// Activities lists a customer's activities, newest first.
func (s *DB) Activities(ctx context.Context, customerID int64, limit int) ([]crm.Activity, error) {
	var out []crm.Activity
	const q = `SELECT id, customer_id, user_id, kind, content, next_action, next_date, at FROM activities WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT ?`
	if err := sel(ctx, s.db, &out, q, customerID, limit); err != nil {
		return nil, fmt.Errorf("store: activities of customer %d: %w", customerID, err)
	}
	return out, nil
}

const dealCols = `d.id, d.customer_id, d.owner_id, d.title, d.stage, d.win_pct, d.amount, d.close_date, d.note, d.created_at, d.updated_at, c.name AS customer_name`

// SaveDeal creates a deal (ID 0) or moves an existing one, recording history.
func (s *DB) SaveDeal(ctx context.Context, actor int64, d crm.Deal) (crm.Deal, error) {
	now := s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var before *crm.Deal
		from := crm.Stage("")
		if d.ID != 0 {
			var old crm.Deal
			if err := get(ctx, tx, &old, `SELECT `+dealCols+` FROM deals d JOIN customers c ON c.id = d.customer_id WHERE d.id = ?`, d.ID); err != nil {
				return err
			}
			before, from = &old, old.Stage
			d.CustomerID, d.OwnerID, d.CreatedAt = old.CustomerID, old.OwnerID, old.CreatedAt
		}
		d.UpdatedAt = now
		if d.ID == 0 {
			d.CreatedAt = now
			const q = `INSERT INTO deals (customer_id, owner_id, title, stage, win_pct, amount, close_date, note, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
			var err error
			d.ID, err = insertID(ctx, tx, q, d.CustomerID, d.OwnerID, d.Title, d.Stage, d.WinPct, d.Amount, d.CloseDate, d.Note, now, now)
			if err != nil {
				return err
			}
		} else {
			const q = `UPDATE deals SET title = ?, stage = ?, win_pct = ?, amount = ?, close_date = ?, note = ?, updated_at = ? WHERE id = ?`
			if _, err := exec(ctx, tx, q, d.Title, d.Stage, d.WinPct, d.Amount, d.CloseDate, d.Note, now, d.ID); err != nil {
				return err
			}
		}
		if from != d.Stage {
			const h = `INSERT INTO stage_changes (deal_id, from_stage, to_stage, win_pct, amount, user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`
			if _, err := exec(ctx, tx, h, d.ID, from, d.Stage, d.WinPct, d.Amount, actor, now); err != nil {
				return err
			}
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		var b any
		if before != nil {
			b = before
		}
		return audit(ctx, tx, actor, "deal", d.ID, action, b, d, now)
	})
	if err != nil {
		return d, fmt.Errorf("store: save deal: %w", err)
	}
	return s.Deal(ctx, d.ID)
}

// Deal returns one deal.
func (s *DB) Deal(ctx context.Context, id int64) (crm.Deal, error) {
	var d crm.Deal
	if err := get(ctx, s.db, &d, `SELECT `+dealCols+` FROM deals d JOIN customers c ON c.id = d.customer_id WHERE d.id = ?`, id); err != nil {
		return d, fmt.Errorf("store: deal %d: %w", id, err)
	}
	return d, nil
}

// Deals lists a customer's deals, open first, newest first.
func (s *DB) Deals(ctx context.Context, customerID int64) ([]crm.Deal, error) {
	var out []crm.Deal
	const q = `SELECT ` + dealCols + ` FROM deals d JOIN customers c ON c.id = d.customer_id WHERE d.customer_id = ?
		ORDER BY CASE WHEN d.stage IN ('contract', 'lost') THEN 1 ELSE 0 END, d.updated_at DESC, d.id DESC`
	if err := sel(ctx, s.db, &out, q, customerID); err != nil {
		return nil, fmt.Errorf("store: deals of customer %d: %w", customerID, err)
	}
	return out, nil
}

// OpenDealsInScope lists open deals in scope, most likely value first.
func (s *DB) OpenDealsInScope(ctx context.Context, sc crm.Scope, limit int) ([]crm.Deal, error) {
	where, args := scopeWhere(sc)
	// The deals are picked on the scope's customer ids alone (an index
	// covers them, see migration 0005); only the few picked read their
	// customer's row for its name.
	q := `SELECT ` + dealCols + ` FROM deals d JOIN customers c ON c.id = d.customer_id WHERE d.id IN (
			SELECT d.id FROM deals d JOIN customers c ON c.id = d.customer_id LEFT JOIN users u ON u.id = c.owner_id
			WHERE ` + where + ` AND d.stage NOT IN ('contract', 'lost')
			ORDER BY d.win_pct * d.amount DESC, d.close_date, d.id LIMIT ?)
		ORDER BY d.win_pct * d.amount DESC, d.close_date, d.id`
	var out []crm.Deal
	if err := sel(ctx, s.db, &out, q, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("store: open deals: %w", err)
	}
	return out, nil
}

// StageHistory lists a deal's stage changes, oldest first.
func (s *DB) StageHistory(ctx context.Context, dealID int64) ([]crm.StageChange, error) {
	var out []crm.StageChange
	const q = `SELECT id, deal_id, from_stage, to_stage, win_pct, amount, user_id, at FROM stage_changes WHERE deal_id = ? ORDER BY at, id`
	if err := sel(ctx, s.db, &out, q, dealID); err != nil {
		return nil, fmt.Errorf("store: history of deal %d: %w", dealID, err)
	}
	return out, nil
}

const planCols = `id, customer_id, deal_id, amount, due_date, note, paid, created_by, created_at`

// AddPaymentPlan records money a customer is due to pay.
func (s *DB) AddPaymentPlan(ctx context.Context, actor int64, p crm.PaymentPlan) (crm.PaymentPlan, error) {
	p.CreatedBy, p.CreatedAt, p.Paid = actor, s.now(), 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		const q = `INSERT INTO payment_plans (customer_id, deal_id, amount, due_date, note, paid, created_by, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?) RETURNING id`
		p.ID, err = insertID(ctx, tx, q, p.CustomerID, p.DealID, p.Amount, p.DueDate, p.Note, p.CreatedBy, p.CreatedAt)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "payment_plan", p.ID, "create", nil, p, p.CreatedAt)
	})
	if err != nil {
		return p, fmt.Errorf("store: add payment plan: %w", err)
	}
	return p, nil
}

// AddPayment records money received; against a plan it adds to the plan.
func (s *DB) AddPayment(ctx context.Context, actor int64, p crm.Payment) (crm.Payment, error) {
	p.UserID, p.CreatedAt = actor, s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if p.PlanID != 0 {
			r, err := exec(ctx, tx, `UPDATE payment_plans SET paid = paid + ? WHERE id = ? AND customer_id = ?`, p.Amount, p.PlanID, p.CustomerID)
			if err != nil {
				return err
			}
			if n, _ := r.RowsAffected(); n != 1 {
				return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
			}
		}
		var err error
		const q = `INSERT INTO payments (customer_id, plan_id, amount, received_on, note, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
		p.ID, err = insertID(ctx, tx, q, p.CustomerID, p.PlanID, p.Amount, p.ReceivedOn, p.Note, p.UserID, p.CreatedAt)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "payment", p.ID, "create", nil, p, p.CreatedAt)
	})
	if err != nil {
		return p, fmt.Errorf("store: add payment: %w", err)
	}
	return p, nil
}

// PaymentPlans lists a customer's plans, open first, by due date.
func (s *DB) PaymentPlans(ctx context.Context, customerID int64) ([]crm.PaymentPlan, error) {
	var out []crm.PaymentPlan
	q := `SELECT ` + planCols + ` FROM payment_plans WHERE customer_id = ? ORDER BY CASE WHEN paid < amount THEN 0 ELSE 1 END, due_date, id`
	if err := sel(ctx, s.db, &out, q, customerID); err != nil {
		return nil, fmt.Errorf("store: payment plans of customer %d: %w", customerID, err)
	}
	return out, nil
}

// Payments lists a customer's payments, newest first.
func (s *DB) Payments(ctx context.Context, customerID int64, limit int) ([]crm.Payment, error) {
	var out []crm.Payment
	const q = `SELECT id, customer_id, plan_id, amount, received_on, note, user_id, created_at FROM payments WHERE customer_id = ? ORDER BY received_on DESC, id DESC LIMIT ?`
	if err := sel(ctx, s.db, &out, q, customerID, limit); err != nil {
		return nil, fmt.Errorf("store: payments of customer %d: %w", customerID, err)
	}
	return out, nil
}

// PlansDue lists open plans in scope due in [from, to), earliest first.
func (s *DB) PlansDue(ctx context.Context, sc crm.Scope, from, to crm.Date) ([]crm.PaymentPlan, error) {
	where, args := scopeWhere(sc)
	// The plans are picked on ids alone (indexes cover the scope's customers
	// and their open plans, see migration 0005); only the picked are read.
	q := `SELECT ` + planCols + ` FROM payment_plans WHERE id IN (
			SELECT p.id FROM payment_plans p JOIN customers c ON c.id = p.customer_id LEFT JOIN users u ON u.id = c.owner_id
			WHERE ` + where + ` AND p.paid < p.amount AND p.due_date >= ? AND p.due_date < ?)
		ORDER BY due_date, id`
	var out []crm.PaymentPlan
	if err := sel(ctx, s.db, &out, q, append(args, from, to)...); err != nil {
		return nil, fmt.Errorf("store: plans due: %w", err)
	}
	return out, nil
}

// AddAppointment books an appointment.
func (s *DB) AddAppointment(ctx context.Context, actor int64, a crm.Appointment) (crm.Appointment, error) {
	a.At = a.At.UTC().Truncate(time.Microsecond)
	a.CreatedAt = s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		const q = `INSERT INTO appointments (customer_id, user_id, at, place, purpose, reminded, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
		a.ID, err = insertID(ctx, tx, q, a.CustomerID, a.UserID, a.At, a.Place, a.Purpose, false, a.CreatedAt)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "appointment", a.ID, "create", nil, a, a.CreatedAt)
	})
	if err != nil {
		return a, fmt.Errorf("store: add appointment: %w", err)
	}
	return a, nil
}

// Appointments lists a user's appointments in [from, to), by time.
func (s *DB) Appointments(ctx context.Context, userID int64, from, to time.Time) ([]crm.Appointment, error) {
	var out []crm.Appointment
	const q = `SELECT id, customer_id, user_id, at, place, purpose, reminded, created_at FROM appointments WHERE user_id = ? AND at >= ? AND at < ? ORDER BY at, id`
	if err := sel(ctx, s.db, &out, q, userID, from.UTC(), to.UTC()); err != nil {
		return nil, fmt.Errorf("store: appointments of user %d: %w", userID, err)
	}
	return out, nil
}

const complaintCols = `k.id, k.customer_id, k.user_id, k.content, k.status, k.resolution, k.created_at, k.closed_at`

// AddComplaint records a complaint.
func (s *DB) AddComplaint(ctx context.Context, actor int64, c crm.Complaint) (crm.Complaint, error) {
	c.Status, c.CreatedAt = crm.ComplaintOpen, s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		const q = `INSERT INTO complaints (customer_id, user_id, content, status, resolution, created_at) VALUES (?, ?, ?, ?, '', ?) RETURNING id`
		c.ID, err = insertID(ctx, tx, q, c.CustomerID, c.UserID, c.Content, c.Status, c.CreatedAt)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "complaint", c.ID, "create", nil, c, c.CreatedAt)
	})
	if err != nil {
		return c, fmt.Errorf("store: add complaint: %w", err)
	}
	return c, nil
}

// Complaint returns one complaint.
func (s *DB) Complaint(ctx context.Context, id int64) (crm.Complaint, error) {
	var c crm.Complaint
	if err := get(ctx, s.db, &c, `SELECT `+complaintCols+` FROM complaints k WHERE k.id = ?`, id); err != nil {
		return c, fmt.Errorf("store: complaint %d: %w", id, err)
	}
	return c, nil
}

// CloseComplaint closes an open complaint.
func (s *DB) CloseComplaint(ctx context.Context, actor int64, id int64, resolution string, at time.Time) (crm.Complaint, error) {
	var c crm.Complaint
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := get(ctx, tx, &c, `SELECT `+complaintCols+` FROM complaints k WHERE k.id = ?`, id); err != nil {
			return err
		}
		if c.Status == crm.ComplaintClosed { // closed since it was read
			return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
		}
		before := c
		t := at.UTC().Truncate(time.Microsecond)
		c.Status, c.Resolution, c.ClosedAt = crm.ComplaintClosed, resolution, &t
		if _, err := exec(ctx, tx, `UPDATE complaints SET status = ?, resolution = ?, closed_at = ? WHERE id = ?`, c.Status, c.Resolution, t, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "complaint", id, "close", before, c, s.now())
	})
	if err != nil {
		return c, fmt.Errorf("store: close complaint %d: %w", id, err)
	}
	return c, nil
}

// OpenComplaints lists open complaints in scope, oldest first.
func (s *DB) OpenComplaints(ctx context.Context, sc crm.Scope, customerID int64) ([]crm.Complaint, error) {
	where, args := scopeWhere(sc)
	// Picked on ids alone (the scope's customers and the open complaints are
	// covered by indexes, see migration 0005); only the picked are read.
	q := `SELECT ` + complaintCols + ` FROM complaints k WHERE k.id IN (
			SELECT k.id FROM complaints k JOIN customers c ON c.id = k.customer_id LEFT JOIN users u ON u.id = c.owner_id
			WHERE ` + where + ` AND k.status = 'open'`
	if customerID > 0 {
		q += ` AND k.customer_id = ?`
		args = append(args, customerID)
	}
	q += `)
		ORDER BY k.created_at, k.id`
	var out []crm.Complaint
	if err := sel(ctx, s.db, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store: open complaints: %w", err)
	}
	return out, nil
}

// ReportFor returns a user's report of a period.
func (s *DB) ReportFor(ctx context.Context, userID int64, kind crm.PeriodKind, start crm.Date) (crm.Report, error) {
	var r crm.Report
	const q = `SELECT id, user_id, kind, period_start, objective, text, comment, comment_by, created_at, updated_at FROM reports WHERE user_id = ? AND kind = ? AND period_start = ?`
	if err := get(ctx, s.db, &r, q, userID, kind, start); err != nil {
		return r, fmt.Errorf("store: report of user %d: %w", userID, err)
	}
	return r, nil
}

// SetTarget creates or replaces a target.
func (s *DB) SetTarget(ctx context.Context, actor int64, t crm.Target) (crm.Target, error) {
	t.SetBy, t.UpdatedAt = actor, s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO targets (metric, period, period_start, unit, unit_id, value, set_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (metric, period, period_start, unit, unit_id) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, updated_at = excluded.updated_at
			RETURNING id`
		var err error
		t.ID, err = insertID(ctx, tx, q, t.Metric, t.Period, t.PeriodStart, t.Unit, t.UnitID, t.Value, t.SetBy, t.UpdatedAt)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "target", t.ID, "set", nil, t, t.UpdatedAt)
	})
	if err != nil {
		return t, fmt.Errorf("store: set target: %w", err)
	}
	return t, nil
}

// Targets lists the targets of periods starting on start.
func (s *DB) Targets(ctx context.Context, period crm.PeriodKind, start crm.Date) ([]crm.Target, error) {
	var out []crm.Target
	const q = `SELECT id, metric, period, period_start, unit, unit_id, value, set_by, updated_at FROM targets WHERE period = ? AND period_start = ? ORDER BY unit, unit_id, metric`
	if err := sel(ctx, s.db, &out, q, period, start); err != nil {
		return nil, fmt.Errorf("store: targets: %w", err)
	}
	return out, nil
}

// NextActionsDue lists the next actions set for a date on customers a user
// owns, whoever set them (after a handover the new owner inherits them).
func (s *DB) NextActionsDue(ctx context.Context, userID int64, date crm.Date) ([]crm.Activity, error) {
	var out []crm.Activity
	// The user's customers (an index covers them, see migration 0005) are
	// looked up in the actions of the date, which sit together in one small
	// range of activities_next shared by every user, so the lookups read a
	// few cached pages. CROSS JOIN pins SQLite's join order, customers
	// first; PostgreSQL plans it as the inner join it is.
	const q = `SELECT a.id, a.customer_id, a.user_id, a.kind, a.content, a.next_action, a.next_date, a.at
		FROM customers c CROSS JOIN activities a
		WHERE a.customer_id = c.id AND a.next_date = ? AND c.owner_id = ? AND c.archived = ? ORDER BY a.at, a.id`
	if err := sel(ctx, s.db, &out, q, date, userID, false); err != nil {
		return nil, fmt.Errorf("store: next actions of user %d: %w", userID, err)
	}
	return out, nil
}

// TeamStats counts what happened in scope between from and to.
func (s *DB) TeamStats(ctx context.Context, sc crm.Scope, from, to time.Time) (crm.TeamStats, error) {
	// The numbers are the work credited to the scope's people; the claims
	// are about the scope's customers.
	var st crm.TeamStats
	var parts []string
	var all []any
	for _, kind := range []string{crm.WorkNewCustomers, crm.WorkActivities, crm.WorkStageMoves, crm.WorkWon, crm.WorkPayments, crm.WorkVisits, crm.WorkCheckedVisits} {
		tail, agg, args, err := creditQuery(kind, sc, from, to)
		if err != nil {
			return st, err
		}
		parts = append(parts, `(SELECT `+agg+tail+`) AS `+kind)
		all = append(all, args...)
	}
	if err := get(ctx, s.db, &st, `SELECT `+strings.Join(parts, ", "), all...); err != nil {
		return st, fmt.Errorf("store: team stats: %w", err)
	}
	where, args := scopeWhere(sc)
	f, t := from.UTC(), to.UTC()
	cq := `SELECT x.id, x.customer_id, x.claimant_id, x.owner_id, x.raw_name, x.at FROM duplicate_claims x
		JOIN customers c ON c.id = x.customer_id LEFT JOIN users u ON u.id = c.owner_id
		WHERE ` + where + ` AND x.at >= ? AND x.at < ? ORDER BY x.at, x.id`
	if err := sel(ctx, s.db, &st.Claims, cq, append(args, f, t)...); err != nil {
		return st, fmt.Errorf("store: team claims: %w", err)
	}
	return st, nil
}

// ReportsFiled returns which of the users filed a report of the period.
func (s *DB) ReportsFiled(ctx context.Context, kind crm.PeriodKind, start crm.Date, userIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(userIDs) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT user_id FROM reports WHERE kind = ? AND period_start = ? AND user_id IN (?)`, kind, start, userIDs)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if err := sel(ctx, s.db, &ids, q, args...); err != nil {
		return nil, fmt.Errorf("store: reports filed: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// Appointment returns one appointment.
func (s *DB) Appointment(ctx context.Context, id int64) (crm.Appointment, error) {
	var a crm.Appointment
	if err := get(ctx, s.db, &a, `SELECT id, customer_id, user_id, at, place, purpose, reminded, created_at FROM appointments WHERE id = ?`, id); err != nil {
		return a, fmt.Errorf("store: appointment %d: %w", id, err)
	}
	return a, nil
}

// PaymentPlan returns one payment plan.
func (s *DB) PaymentPlan(ctx context.Context, id int64) (crm.PaymentPlan, error) {
	var p crm.PaymentPlan
	if err := get(ctx, s.db, &p, `SELECT `+planCols+` FROM payment_plans WHERE id = ?`, id); err != nil {
		return p, fmt.Errorf("store: payment plan %d: %w", id, err)
	}
	return p, nil
}
