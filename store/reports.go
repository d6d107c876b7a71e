package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// RepActivity gathers what a rep did in [from, to): the customers they
// created, the activities, stage moves and payments they recorded (credit,
// whoever owns the customers now).
func (s *DB) RepActivity(ctx context.Context, userID int64, from, to time.Time) (crm.RepActivity, error) {
	var r crm.RepActivity
	f, t := from.UTC(), to.UTC()
	me := crm.Scope{OwnerID: userID}
	tail, _, args, err := creditQuery(crm.WorkNewCustomers, me, from, to)
	if err != nil {
		return r, err
	}
	if err := sel(ctx, s.db, &r.NewCustomers, `SELECT c.name`+tail+` ORDER BY c.created_at, c.id`, args...); err != nil {
		return r, fmt.Errorf("store: rep activity: %w", err)
	}
	if err := sel(ctx, s.db, &r.Activities, `SELECT kind AS k, COUNT(*) AS n FROM activities WHERE user_id = ? AND at >= ? AND at < ? GROUP BY kind ORDER BY kind`, userID, f, t); err != nil {
		return r, fmt.Errorf("store: rep activity: %w", err)
	}
	const moves = `SELECT h.deal_id, c.name AS customer_name, h.from_stage, h.to_stage, h.amount, h.at
		FROM stage_changes h JOIN deals d ON d.id = h.deal_id JOIN customers c ON c.id = d.customer_id
		WHERE h.user_id = ? AND h.at >= ? AND h.at < ? ORDER BY h.at, h.id`
	if err := sel(ctx, s.db, &r.StageMoves, moves, userID, f, t); err != nil {
		return r, fmt.Errorf("store: rep activity: %w", err)
	}
	for _, m := range r.StageMoves {
		switch m.To {
		case crm.StageContract:
			r.Won++
			r.WonAmount += m.Amount
		case crm.StageLost:
			r.Lost++
		}
	}
	paid, err := s.Credit(ctx, crm.WorkPayments, me, from, to)
	r.Payments = crm.Money(paid)
	return r, err
}

// MetricActual measures a target metric in scope over [from, to): the
// work credited to the scope's people.
func (s *DB) MetricActual(ctx context.Context, m crm.Metric, sc crm.Scope, from, to time.Time) (int64, error) {
	switch m {
	case crm.MetricPayments, crm.MetricContract, crm.MetricNewCustomers:
		return s.Credit(ctx, string(m), sc, from, to)
	}
	return 0, crm.Errorf(crm.CodeInvalid, "target.metric_invalid")
}

const reportCols = `id, user_id, kind, period_start, objective, text, comment, comment_by, created_at, updated_at`

// SaveReport creates or replaces a rep's report of a period.
func (s *DB) SaveReport(ctx context.Context, actor int64, r crm.Report) (crm.Report, error) {
	now := s.now()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO reports (user_id, kind, period_start, objective, text, comment, comment_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, '', 0, ?, ?)
			ON CONFLICT (user_id, kind, period_start) DO UPDATE SET objective = excluded.objective, text = excluded.text, updated_at = excluded.updated_at
			RETURNING id`
		var err error
		if r.ID, err = insertID(ctx, tx, q, r.UserID, r.Kind, r.PeriodStart, r.Objective, r.Text, now, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "report", r.ID, "save", nil, map[string]any{"kind": r.Kind, "period_start": r.PeriodStart, "text": r.Text}, now)
	})
	if err != nil {
		return r, fmt.Errorf("store: save report: %w", err)
	}
	return s.Report(ctx, r.ID)
}

// Report returns one report.
func (s *DB) Report(ctx context.Context, id int64) (crm.Report, error) {
	var r crm.Report
	if err := get(ctx, s.db, &r, `SELECT `+reportCols+` FROM reports WHERE id = ?`, id); err != nil {
		return r, fmt.Errorf("store: report %d: %w", id, err)
	}
	return r, nil
}

// ReportsOfPeriod lists the reports of a period.
func (s *DB) ReportsOfPeriod(ctx context.Context, kind crm.PeriodKind, start crm.Date) ([]crm.Report, error) {
	var out []crm.Report
	if err := sel(ctx, s.db, &out, `SELECT `+reportCols+` FROM reports WHERE kind = ? AND period_start = ? ORDER BY updated_at, id`, kind, start); err != nil {
		return nil, fmt.Errorf("store: reports: %w", err)
	}
	return out, nil
}

// CommentReport stores a manager's comment and queues the rep's notice.
func (s *DB) CommentReport(ctx context.Context, actor int64, id int64, comment string, now time.Time) (crm.Report, error) {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var r crm.Report
		if err := get(ctx, tx, &r, `SELECT `+reportCols+` FROM reports WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE reports SET comment = ?, comment_by = ? WHERE id = ?`, comment, actor, id); err != nil {
			return err
		}
		key := fmt.Sprintf("report_comment:%d:%d", id, now.UnixNano())
		item := crm.NewPush(key, crm.PushReportComment, r.UserID, crm.ReportCommentPush{ReportID: id})
		if _, err := s.enqueueItems(ctx, tx, []crm.OutboxItem{item}, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "report", id, "comment", map[string]string{"comment": r.Comment}, map[string]string{"comment": comment}, s.now())
	})
	if err != nil {
		return crm.Report{}, fmt.Errorf("store: comment report %d: %w", id, err)
	}
	return s.Report(ctx, id)
}
