package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// TakeSlot reserves a send at t in scope when fewer than n are reserved in
// (t-w, t+w). One scope's reservations are serialized: PostgreSQL takes a
// transaction-scoped advisory lock on the scope, SQLite's single writer
// does it by the DELETE that opens the transaction.
func (s *DB) TakeSlot(ctx context.Context, scope string, t time.Time, n int, w time.Duration) (bool, []time.Time, error) {
	t = t.UTC().Truncate(time.Microsecond)
	var near []time.Time
	taken := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if s.driver == Postgres {
			if _, err := exec(ctx, tx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "send_slots:"+scope); err != nil {
				return err
			}
		}
		// Forget what no window can reach any more: before the earlier of
		// t and now (a slot reserved ahead must not drop ones still due).
		cut := t
		if now := s.now().UTC(); now.Before(cut) {
			cut = now
		}
		if _, err := exec(ctx, tx, `DELETE FROM send_slots WHERE scope = ? AND at < ?`, scope, cut.Add(-2*w)); err != nil {
			return err
		}
		if err := sel(ctx, tx, &near, `SELECT at FROM send_slots WHERE scope = ? AND at > ? AND at < ? ORDER BY at`, scope, t.Add(-w), t.Add(w)); err != nil {
			return err
		}
		if len(near) >= n {
			// Refused: the times around, for the caller's next try (a
			// later slot may be held back by reservations up to 2w on).
			near = nil
			return sel(ctx, tx, &near, `SELECT at FROM send_slots WHERE scope = ? AND at > ? ORDER BY at`, scope, t.Add(-w))
		}
		if _, err := exec(ctx, tx, `INSERT INTO send_slots (scope, at) VALUES (?, ?)`, scope, t); err != nil {
			return err
		}
		taken = true
		return nil
	})
	if err != nil {
		return false, nil, fmt.Errorf("store: send slot in %s: %w", scope, err)
	}
	return taken, near, nil
}

var _ crm.SendBudget = (*DB)(nil)
