package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// The shared pool (公海): a customer with owner_id NULL. Every move into
// or out of it is a row of pool_moves and an audit entry of the customer,
// written in the move's transaction.

// PoolCustomers lists the customers in the pool whose search text holds
// text ("" for all), most recently released first.
func (s *DB) PoolCustomers(ctx context.Context, text string, limit, offset int) ([]crm.Customer, error) {
	where, args := poolWhere(text)
	q := `SELECT ` + customerCols + customerFrom + `WHERE ` + where + ` ORDER BY c.released_at DESC, c.id DESC LIMIT ? OFFSET ?`
	var out []crm.Customer
	if err := sel(ctx, s.db, &out, orderReleased(s.driver, q), append(args, limit, offset)...); err != nil {
		return nil, fmt.Errorf("store: pool customers: %w", err)
	}
	return out, nil
}

// CountPoolCustomers counts what PoolCustomers lists.
func (s *DB) CountPoolCustomers(ctx context.Context, text string) (int, error) {
	where, args := poolWhere(text)
	var n int
	if err := get(ctx, s.db, &n, `SELECT COUNT(*) FROM customers c WHERE `+where, args...); err != nil {
		return 0, fmt.Errorf("store: count pool customers: %w", err)
	}
	return n, nil
}

func poolWhere(text string) (string, []any) {
	where, args := "c.owner_id IS NULL AND c.archived = ?", []any{false}
	if f := crm.FoldSearch(text); f != "" {
		where += ` AND c.search_text LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(f)+"%")
	}
	return where, args
}

// orderReleased puts customers never released (imported into the pool)
// last on PostgreSQL as on SQLite.
func orderReleased(driver, q string) string {
	if driver == Postgres {
		return strings.ReplaceAll(q, "c.released_at DESC", "c.released_at DESC NULLS LAST")
	}
	return q
}

// ClaimStanding counts a user's customers (won ones not counted) and their
// claims since a moment.
func (s *DB) ClaimStanding(ctx context.Context, userID int64, since time.Time) (crm.ClaimStanding, error) {
	var st crm.ClaimStanding
	const held = `SELECT COUNT(*) FROM customers c WHERE c.owner_id = ? AND c.archived = ?
		AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.customer_id = c.id AND d.stage = 'contract')`
	if err := get(ctx, s.db, &st.Held, held, userID, false); err != nil {
		return st, fmt.Errorf("store: customers held by %d: %w", userID, err)
	}
	const claimed = `SELECT COUNT(*) FROM pool_moves WHERE kind = 'claim' AND owner_id = ? AND at >= ?`
	if err := get(ctx, s.db, &st.ClaimedToday, claimed, userID, since.UTC()); err != nil {
		return st, fmt.Errorf("store: claims of %d: %w", userID, err)
	}
	return st, nil
}

// ClaimCustomer gives a pool customer to the claimant with its deals. The
// UPDATE only takes a customer still in the pool: of concurrent claims,
// the first to update the row wins, and the others (on PostgreSQL they
// wait for its lock, then find an owner) are told it is taken.
func (s *DB) ClaimCustomer(ctx context.Context, actor, customerID int64, at time.Time) error {
	at = at.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var before crm.Customer
		if err := get(ctx, tx, &before, `SELECT `+customerCols+customerFrom+`WHERE c.id = ?`, customerID); err != nil {
			return err
		}
		r, err := exec(ctx, tx, `UPDATE customers SET owner_id = ?, pool_reason = '', pool_note = '', released_at = NULL,
			released_by = 0, released_from = 0, updated_at = ? WHERE id = ? AND owner_id IS NULL`, actor, at, customerID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return crm.Errorf(crm.CodeConflict, "pool.taken")
		}
		var deals []crm.Deal
		if err := sel(ctx, tx, &deals, `SELECT id, owner_id FROM deals WHERE customer_id = ? ORDER BY id`, customerID); err != nil {
			return err
		}
		for _, d := range deals {
			if d.OwnerID == actor {
				continue
			}
			if _, err := exec(ctx, tx, `UPDATE deals SET owner_id = ?, updated_at = ? WHERE id = ?`, actor, at, d.ID); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, "deal", d.ID, "handover", map[string]int64{"owner_id": d.OwnerID}, map[string]int64{"owner_id": actor}, at); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `INSERT INTO pool_moves (customer_id, kind, user_id, owner_id, at) VALUES (?, 'claim', ?, ?, ?)`, customerID, actor, actor, at); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "customer", customerID, "pool_claim",
			map[string]any{"owner_id": nil, "pool_reason": before.PoolReason, "released_at": before.ReleasedAt, "released_from": before.ReleasedFrom},
			map[string]any{"owner_id": actor}, at)
	})
	if err != nil {
		return fmt.Errorf("store: claim customer %d: %w", customerID, err)
	}
	return nil
}

// ReleaseCustomer sends an owned customer to the pool by hand, with the
// reason; its collaborators leave it, and its coming appointments go to
// r.ApptsTo (when set).
func (s *DB) ReleaseCustomer(ctx context.Context, actor int64, rl crm.PoolRelease) error {
	at := rl.At.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := exec(ctx, tx, `UPDATE customers SET owner_id = NULL, pool_reason = ?, pool_note = ?, released_at = ?,
			released_by = ?, released_from = ?, updated_at = ? WHERE id = ? AND owner_id = ?`,
			crm.PoolByHand, rl.Note, at, actor, rl.From, at, rl.CustomerID, rl.From)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
		}
		if rl.ApptsTo != 0 {
			var appts []int64
			if err := sel(ctx, tx, &appts, `SELECT id FROM appointments WHERE customer_id = ? AND user_id = ? AND at >= ? ORDER BY id`, rl.CustomerID, rl.From, at); err != nil {
				return err
			}
			for _, id := range appts {
				if _, err := exec(ctx, tx, `UPDATE appointments SET user_id = ? WHERE id = ?`, rl.ApptsTo, id); err != nil {
					return err
				}
				if err := audit(ctx, tx, actor, "appointment", id, "handover", map[string]int64{"user_id": rl.From}, map[string]int64{"user_id": rl.ApptsTo}, at); err != nil {
					return err
				}
			}
		}
		if _, err := exec(ctx, tx, `DELETE FROM collaborators WHERE customer_id = ?`, rl.CustomerID); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT INTO pool_moves (customer_id, kind, user_id, owner_id, reason, note, at) VALUES (?, 'release', ?, ?, ?, ?, ?)`,
			rl.CustomerID, actor, rl.From, crm.PoolByHand, rl.Note, at); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "customer", rl.CustomerID, "pool_release", map[string]int64{"owner_id": rl.From},
			map[string]any{"owner_id": nil, "pool_reason": crm.PoolByHand, "pool_note": rl.Note}, at)
	})
	if err != nil {
		return fmt.Errorf("store: release customer %d: %w", rl.CustomerID, err)
	}
	return nil
}

// ReleaseBook sends a whole book to the pool by hand (a rep leaving):
// the moves are one INSERT … SELECT over the owner's customers without an
// unpaid plan, and the customers, their coming appointments (to
// r.ApptsTo, when set), collaborators and audit entries follow from them.
func (s *DB) ReleaseBook(ctx context.Context, actor int64, rl crm.PoolRelease) (released, kept int, err error) {
	at := rl.At.UTC().Truncate(time.Microsecond)
	after, err := json.Marshal(map[string]any{"owner_id": nil, "pool_reason": crm.PoolByHand, "pool_note": rl.Note})
	if err != nil {
		return 0, 0, err
	}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := exec(ctx, tx, `INSERT INTO pool_moves (customer_id, kind, user_id, owner_id, reason, note, at)
			SELECT c.id, 'release', ?, c.owner_id, ?, ?, ? FROM customers c
			WHERE c.owner_id = ? AND c.archived = ?
				AND NOT EXISTS (SELECT 1 FROM payment_plans p WHERE p.customer_id = c.id AND p.paid < p.amount)`,
			actor, crm.PoolByHand, rl.Note, at, rl.From, false)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		released = int(n)
		if released > 0 {
			const moved = `SELECT m.customer_id FROM pool_moves m WHERE m.kind = 'release' AND m.user_id = ? AND m.owner_id = ? AND m.at = ?`
			margs := []any{actor, rl.From, at}
			if _, err := exec(ctx, tx, `UPDATE customers SET owner_id = NULL, pool_reason = ?, pool_note = ?, released_at = ?, released_by = ?,
				released_from = ?, updated_at = ? WHERE owner_id = ? AND id IN (`+moved+`)`,
				append([]any{crm.PoolByHand, rl.Note, at, actor, rl.From, at, rl.From}, margs...)...); err != nil {
				return err
			}
			if rl.ApptsTo != 0 {
				appts := `FROM appointments a WHERE a.user_id = ? AND a.at >= ? AND a.customer_id IN (` + moved + `)`
				aargs := append([]any{rl.From, at}, margs...)
				if _, err := exec(ctx, tx, `INSERT INTO audit_log (user_id, entity, entity_id, action, before, after, at)
					SELECT ?, 'appointment', a.id, 'handover', ?, ?, ? `+appts,
					append([]any{actor, fmt.Sprintf(`{"user_id":%d}`, rl.From), fmt.Sprintf(`{"user_id":%d}`, rl.ApptsTo), at}, aargs...)...); err != nil {
					return err
				}
				if _, err := exec(ctx, tx, `UPDATE appointments SET user_id = ? WHERE id IN (SELECT a.id `+appts+`)`, append([]any{rl.ApptsTo}, aargs...)...); err != nil {
					return err
				}
			}
			if _, err := exec(ctx, tx, `DELETE FROM collaborators WHERE customer_id IN (`+moved+`)`, margs...); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `INSERT INTO audit_log (user_id, entity, entity_id, action, before, after, at)
				SELECT ?, 'customer', m.customer_id, 'pool_release', ?, ?, ? FROM pool_moves m
				WHERE m.kind = 'release' AND m.user_id = ? AND m.owner_id = ? AND m.at = ?`,
				append([]any{actor, fmt.Sprintf(`{"owner_id":%d}`, rl.From), string(after), at}, margs...)...); err != nil {
				return err
			}
		}
		return get(ctx, tx, &kept, `SELECT COUNT(*) FROM customers WHERE owner_id = ? AND archived = ?`, rl.From, false)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: release the book of %d: %w", rl.From, err)
	}
	return released, kept, nil
}

// sweepRule is the SQL of the nightly release's rule on customers c, with
// its arguments: owned, not archived, no activity since the first cut-off
// (its creation when never contacted) or no deal movement since the
// second (its creation when it has no deal), and no deal at 商务谈判 or
// 合同签订, no unpaid plan and no appointment from the start of the
// sweep's day on. The appointments are one uncorrelated subquery (the
// day's few thousand, read once): appointments has no index by customer,
// and a correlated NOT EXISTS scanned them for every customer on SQLite.
func sweepRule(sw crm.PoolSweep) (string, []any) {
	return `c.owner_id IS NOT NULL AND c.archived = ?
		AND (COALESCE(c.last_activity_at, c.created_at) < ?
			OR COALESCE((SELECT MAX(h.at) FROM deals d JOIN stage_changes h ON h.deal_id = d.id WHERE d.customer_id = c.id), c.created_at) < ?)
		AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.customer_id = c.id AND d.stage IN ('negotiation', 'contract'))
		AND NOT EXISTS (SELECT 1 FROM payment_plans p WHERE p.customer_id = c.id AND p.paid < p.amount)
		AND c.id NOT IN (SELECT a.customer_id FROM appointments a WHERE a.at >= ?)`,
		[]any{false, sw.ActivityBefore.UTC(), sw.DealBefore.UTC(), sw.ApptsFrom().UTC()}
}

// SweepPool releases every customer the rule names in set-based
// statements, whatever their number: the moves are written by one
// INSERT … SELECT over customers, then the customers, their audit entries
// and the former owners' pushes follow from those moves. A second sweep
// finds the released customers without an owner and releases nothing more.
func (s *DB) SweepPool(ctx context.Context, sw crm.PoolSweep) ([]crm.Released, error) {
	at := sw.At.UTC().Truncate(time.Microsecond)
	var out []crm.Released
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		rule, args := sweepRule(sw)
		q := `INSERT INTO pool_moves (customer_id, kind, user_id, owner_id, reason, note, at)
			SELECT c.id, 'release', 0, c.owner_id, CASE WHEN COALESCE(c.last_activity_at, c.created_at) < ? THEN 'inactive' ELSE 'no_deal' END, '', ?
			FROM customers c WHERE ` + rule
		r, err := exec(ctx, tx, q, append([]any{sw.ActivityBefore.UTC(), at}, args...)...)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		const moved = `FROM pool_moves m WHERE m.kind = 'release' AND m.user_id = 0 AND m.at = ?`
		if _, err := exec(ctx, tx, `UPDATE customers SET owner_id = NULL, pool_reason = m.reason, pool_note = '', released_at = m.at,
			released_by = 0, released_from = m.owner_id, updated_at = m.at
			`+moved+` AND m.customer_id = customers.id AND customers.owner_id = m.owner_id`, at); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `DELETE FROM collaborators WHERE customer_id IN (SELECT m.customer_id `+moved+`)`, at); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT INTO audit_log (user_id, entity, entity_id, action, before, after, at)
			SELECT 0, 'customer', m.customer_id, 'pool_release', '{"owner_id":' || CAST(m.owner_id AS TEXT) || '}',
				'{"owner_id":null,"pool_reason":"' || m.reason || '"}', m.at `+moved, at); err != nil {
			return err
		}
		if err := sel(ctx, tx, &out, `SELECT m.customer_id AS id, c.name, m.owner_id AS released_from, m.reason AS pool_reason
			FROM pool_moves m JOIN customers c ON c.id = m.customer_id
			WHERE m.kind = 'release' AND m.user_id = 0 AND m.at = ? ORDER BY m.owner_id, c.name, m.customer_id`, at); err != nil {
			return err
		}
		var pushes []crm.OutboxItem
		date := crm.DateOf(sw.At)
		for i := 0; i < len(out); {
			j, p := i, crm.PoolPush{Date: date}
			for ; j < len(out) && out[j].From == out[i].From; j++ {
				if len(p.Customers) < crm.MaxPoolPushNames {
					p.Customers = append(p.Customers, out[j].CustomerID)
				}
				p.Count++
			}
			pushes = append(pushes, crm.NewPush(fmt.Sprintf("pool_released:%d:%d", out[i].From, at.UnixMicro()), crm.PushPoolReleased, out[i].From, p))
			i = j
		}
		_, err = s.enqueueItems(ctx, tx, pushes, at)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: sweep pool: %w", err)
	}
	return out, nil
}

// PoolWarnings lists, per owner among users, the customers a sweep at the
// cut-offs would release, soonest first.
func (s *DB) PoolWarnings(ctx context.Context, users []int64, sw crm.PoolSweep, limit int) (map[int64][]crm.PoolWarning, error) {
	out := map[int64][]crm.PoolWarning{}
	if len(users) == 0 {
		return out, nil
	}
	rule, args := sweepRule(sw)
	q, a, err := sqlx.In(`SELECT `+customerCols+`,
			(SELECT MAX(h.at) FROM deals d JOIN stage_changes h ON h.deal_id = d.id WHERE d.customer_id = c.id) AS deal_at
		`+customerFrom+`WHERE c.owner_id IN (?) AND `+rule+`
		ORDER BY c.owner_id, COALESCE(c.last_activity_at, c.created_at), c.id`, append([]any{users}, args...)...)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		crm.Customer
		DealAt dbTime `db:"deal_at"`
	}
	if err := sel(ctx, s.db, &rows, q, a...); err != nil {
		return nil, fmt.Errorf("store: pool warnings: %w", err)
	}
	for _, r := range rows {
		if len(out[r.OwnerID]) >= limit {
			continue
		}
		w := crm.PoolWarning{Customer: r.Customer, Activity: r.CreatedAt, Deal: r.CreatedAt}
		if r.LastActivityAt != nil {
			w.Activity = *r.LastActivityAt
		}
		if !r.DealAt.IsZero() {
			w.Deal = r.DealAt.Time
		}
		out[r.OwnerID] = append(out[r.OwnerID], w)
	}
	return out, nil
}

// PoolCounts counts releases and claims in [from, to), and the pool.
func (s *DB) PoolCounts(ctx context.Context, from, to time.Time) (crm.PoolCounts, error) {
	var pc crm.PoolCounts
	q := `SELECT COALESCE(SUM(CASE WHEN kind = 'release' THEN 1 ELSE 0 END), 0) AS released,
			COALESCE(SUM(CASE WHEN kind = 'claim' THEN 1 ELSE 0 END), 0) AS claimed,
			(SELECT COUNT(*) FROM customers c WHERE c.owner_id IS NULL AND c.archived = ?) AS in_pool
		FROM pool_moves WHERE at >= ? AND at < ?`
	if err := get(ctx, s.db, &pc, q, false, from.UTC(), to.UTC()); err != nil {
		return pc, fmt.Errorf("store: pool counts: %w", err)
	}
	return pc, nil
}

// dbTime scans a computed time: PostgreSQL returns a time, SQLite (no
// declared type on an expression) its text.
type dbTime struct{ time.Time }

func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Time = time.Time{}
	case time.Time:
		t.Time = v
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("store: time from %T", v)
	}
	return nil
}

func (t *dbTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05"} {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time = p
			return nil
		}
	}
	return fmt.Errorf("store: time %q", s)
}
