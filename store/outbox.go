package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

const outboxCols = `id, key, kind, user_id, channel, chat_id, payload, status, attempts, next_attempt_at, claimed_until, last_error, created_at, sent_at, send_started_at`

func (s *DB) enqueueItems(ctx context.Context, tx *sqlx.Tx, items []crm.OutboxItem, now time.Time) (int, error) {
	if len(items) > 0 {
		s.queued.Store(tx, true)
	}
	n := 0
	for _, it := range items {
		if it.Payload == "" {
			it.Payload = "{}"
		}
		next := it.NextAttemptAt
		if next.IsZero() {
			next = now
		}
		const q = `INSERT INTO outbox (key, kind, user_id, channel, chat_id, payload, status, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO NOTHING`
		r, err := exec(ctx, tx, q, it.Key, it.Kind, it.UserID, it.Channel, it.ChatID, it.Payload, next.UTC(), now.UTC())
		if err != nil {
			return n, fmt.Errorf("store: enqueue %s: %w", it.Key, err)
		}
		if k, _ := r.RowsAffected(); k == 1 {
			n++
		}
	}
	return n, nil
}

// Enqueue queues pushes in one transaction; keys already queued are skipped.
func (s *DB) Enqueue(ctx context.Context, items []crm.OutboxItem, now time.Time) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = s.enqueueItems(ctx, tx, items, now)
		return err
	})
	return n, err
}

// ClaimOutbox takes due pushes not claimed by a live worker. On PostgreSQL
// concurrent workers skip each other's rows (FOR UPDATE SKIP LOCKED); SQLite
// has one writer, so the claim is serial by construction.
func (s *DB) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]crm.OutboxItem, error) {
	return s.claimOutbox(ctx, 0, now, lease, limit)
}

// ClaimOutboxFor is ClaimOutbox for one user's pushes only (a console
// speaking as that user).
func (s *DB) ClaimOutboxFor(ctx context.Context, userID int64, now time.Time, lease time.Duration, limit int) ([]crm.OutboxItem, error) {
	return s.claimOutbox(ctx, userID, now, lease, limit)
}

// claimOutbox claims due pushes: everyone's (userID 0) or one user's.
func (s *DB) claimOutbox(ctx context.Context, userID int64, now time.Time, lease time.Duration, limit int) ([]crm.OutboxItem, error) {
	lock := ""
	if s.driver == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []crm.OutboxItem
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var ids []int64
		q := `SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)`
		args := []any{now.UTC(), now.UTC()}
		if userID != 0 {
			q += ` AND user_id = ?`
			args = append(args, userID)
		}
		q += ` ORDER BY next_attempt_at, id LIMIT ?` + lock
		if err := sel(ctx, tx, &ids, q, append(args, limit)...); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		uq, args, err := sqlx.In(`UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id IN (?)`, now.Add(lease).UTC(), ids)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, uq, args...); err != nil {
			return err
		}
		sq, args, err := sqlx.In(`SELECT `+outboxCols+` FROM outbox WHERE id IN (?) ORDER BY next_attempt_at, id`, ids)
		if err != nil {
			return err
		}
		return sel(ctx, tx, &out, sq, args...)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	return out, nil
}

func (s *DB) outboxUpdate(ctx context.Context, what string, id int64, q string, args ...any) error {
	if _, err := exec(ctx, s.db, q, args...); err != nil {
		return fmt.Errorf("store: outbox %d %s: %w", id, what, err)
	}
	return nil
}

// MarkSent records a delivered push.
func (s *DB) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return s.outboxUpdate(ctx, "sent", id, `UPDATE outbox SET status = 'sent', sent_at = ?, claimed_until = NULL, last_error = '' WHERE id = ?`, now.UTC(), id)
}

// StartSend records that the send of a claimed push begins now.
func (s *DB) StartSend(ctx context.Context, id int64, now time.Time) error {
	return s.outboxUpdate(ctx, "start", id, `UPDATE outbox SET send_started_at = ? WHERE id = ?`, now.UTC(), id)
}

// MarkRetry schedules another attempt (the last one failed for certain).
func (s *DB) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return s.outboxUpdate(ctx, "retry", id, `UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ?, send_started_at = NULL WHERE id = ?`, next.UTC(), truncate(lastErr, 500), id)
}

// MarkDead gives up on a push.
func (s *DB) MarkDead(ctx context.Context, id int64, lastErr string) error {
	return s.outboxUpdate(ctx, "dead", id, `UPDATE outbox SET status = 'dead', claimed_until = NULL, last_error = ? WHERE id = ?`, truncate(lastErr, 500), id)
}

// Release hands a claimed push back untried (graceful shutdown).
func (s *DB) Release(ctx context.Context, id int64) error {
	return s.outboxUpdate(ctx, "release", id, `UPDATE outbox SET claimed_until = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = ?`, id)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// OutboxItems lists pushes by status, newest first ("" for all).
func (s *DB) OutboxItems(ctx context.Context, status string, limit int) ([]crm.OutboxItem, error) {
	var out []crm.OutboxItem
	q := `SELECT ` + outboxCols + ` FROM outbox`
	var args []any
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	if err := sel(ctx, s.db, &out, q, append(args, limit)...); err != nil {
		return nil, fmt.Errorf("store: outbox items: %w", err)
	}
	return out, nil
}

// ClaimJobRun claims one scheduled run of a job across instances.
func (s *DB) ClaimJobRun(ctx context.Context, job, slot string, now time.Time, lease time.Duration) (bool, error) {
	const q = `INSERT INTO job_runs (job, slot, started_at) VALUES (?, ?, ?)
		ON CONFLICT (job, slot) DO UPDATE SET started_at = excluded.started_at
		WHERE job_runs.finished_at IS NULL AND job_runs.started_at < ?`
	r, err := exec(ctx, s.db, q, job, slot, now.UTC(), now.Add(-lease).UTC())
	if err != nil {
		return false, fmt.Errorf("store: claim run %s/%s: %w", job, slot, err)
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// FinishJobRun marks a claimed run finished.
func (s *DB) FinishJobRun(ctx context.Context, job, slot string, now time.Time) error {
	if _, err := exec(ctx, s.db, `UPDATE job_runs SET finished_at = ? WHERE job = ? AND slot = ?`, now.UTC(), job, slot); err != nil {
		return fmt.Errorf("store: finish run %s/%s: %w", job, slot, err)
	}
	return nil
}

// DueAppointments returns appointments in (from, to] not yet reminded.
func (s *DB) DueAppointments(ctx context.Context, from, to time.Time) ([]crm.Appointment, error) {
	var out []crm.Appointment
	const q = `SELECT id, customer_id, user_id, at, place, purpose, reminded, created_at FROM appointments
		WHERE reminded = ? AND at > ? AND at <= ? ORDER BY at, id`
	if err := sel(ctx, s.db, &out, q, false, from.UTC(), to.UTC()); err != nil {
		return nil, fmt.Errorf("store: due appointments: %w", err)
	}
	return out, nil
}

// RemindAppointments queues reminders and marks appointments reminded in
// one transaction.
func (s *DB) RemindAppointments(ctx context.Context, items []crm.OutboxItem, ids []int64, now time.Time) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.enqueueItems(ctx, tx, items, now); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		q, args, err := sqlx.In(`UPDATE appointments SET reminded = ? WHERE id IN (?)`, true, ids)
		if err != nil {
			return err
		}
		_, err = exec(ctx, tx, q, args...)
		return err
	})
}

// PlansDueOn lists open plans due on any of the dates, with the owner.
func (s *DB) PlansDueOn(ctx context.Context, dates []crm.Date) ([]crm.PaymentPlan, error) {
	if len(dates) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT p.id, p.customer_id, p.deal_id, p.amount, p.due_date, p.note, p.paid, p.created_by, p.created_at, c.owner_id
		FROM payment_plans p JOIN customers c ON c.id = p.customer_id
		WHERE p.paid < p.amount AND c.archived = ? AND c.owner_id IS NOT NULL AND p.due_date IN (?) ORDER BY p.due_date, p.id`, false, dates)
	if err != nil {
		return nil, err
	}
	var out []crm.PaymentPlan
	if err := sel(ctx, s.db, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store: plans due on: %w", err)
	}
	return out, nil
}

// PurgeInbound forgets inbound keys older than before.
func (s *DB) PurgeInbound(ctx context.Context, before time.Time) (int, error) {
	r, err := exec(ctx, s.db, `DELETE FROM inbound WHERE received_at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: purge inbound: %w", err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// OutboxCounts counts rows by status.
func (s *DB) OutboxCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := sel(ctx, s.db, &rows, `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`); err != nil {
		return nil, fmt.Errorf("store: outbox counts: %w", err)
	}
	out := map[string]int{crm.OutboxPending: 0, crm.OutboxSent: 0, crm.OutboxDead: 0}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// Ping checks the database answers.
func (s *DB) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// OldestPending is the creation time of the oldest pending push.
func (s *DB) OldestPending(ctx context.Context) (time.Time, error) {
	var t []time.Time
	if err := sel(ctx, s.db, &t, `SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY created_at LIMIT 1`); err != nil {
		return time.Time{}, fmt.Errorf("store: oldest pending push: %w", err)
	}
	if len(t) == 0 {
		return time.Time{}, nil
	}
	return t[0], nil
}
