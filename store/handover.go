package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// moveCustomers gives customers to another owner inside tx, with their
// deals and the old owner's coming appointments; open plans, complaints
// and next actions follow the customer. One audit entry per moved row.
func (s *DB) moveCustomers(ctx context.Context, tx *sqlx.Tx, actor, from, to int64, ids []int64, now time.Time) (crm.HandoverResult, error) {
	var res crm.HandoverResult
	if len(ids) == 0 {
		return res, nil
	}
	in := func(q string, args ...any) (string, []any) {
		q, a, err := sqlx.In(q, args...)
		if err != nil {
			panic(err) // only for malformed queries written here
		}
		return q, a
	}
	for _, id := range ids {
		if _, err := exec(ctx, tx, `UPDATE customers SET owner_id = ?, updated_at = ? WHERE id = ?`, to, now, id); err != nil {
			return res, err
		}
		if err := audit(ctx, tx, actor, "customer", id, "handover", map[string]int64{"owner_id": from}, map[string]int64{"owner_id": to}, now); err != nil {
			return res, err
		}
		res.Customers++
	}
	var deals []int64
	q, a := in(`SELECT id FROM deals WHERE customer_id IN (?) AND owner_id = ? ORDER BY id`, ids, from)
	if err := sel(ctx, tx, &deals, q, a...); err != nil {
		return res, err
	}
	for _, id := range deals {
		if _, err := exec(ctx, tx, `UPDATE deals SET owner_id = ?, updated_at = ? WHERE id = ?`, to, now, id); err != nil {
			return res, err
		}
		if err := audit(ctx, tx, actor, "deal", id, "handover", map[string]int64{"owner_id": from}, map[string]int64{"owner_id": to}, now); err != nil {
			return res, err
		}
		res.Deals++
	}
	var appts []int64
	q, a = in(`SELECT id FROM appointments WHERE customer_id IN (?) AND user_id = ? AND at >= ? ORDER BY id`, ids, from, now)
	if err := sel(ctx, tx, &appts, q, a...); err != nil {
		return res, err
	}
	for _, id := range appts {
		if _, err := exec(ctx, tx, `UPDATE appointments SET user_id = ? WHERE id = ?`, to, id); err != nil {
			return res, err
		}
		if err := audit(ctx, tx, actor, "appointment", id, "handover", map[string]int64{"user_id": from}, map[string]int64{"user_id": to}, now); err != nil {
			return res, err
		}
		res.Appointments++
	}
	q, a = in(`SELECT COUNT(*) FROM complaints WHERE customer_id IN (?) AND status = 'open'`, ids)
	if err := get(ctx, tx, &res.Complaints, q, a...); err != nil {
		return res, err
	}
	q, a = in(`SELECT COUNT(*) FROM payment_plans WHERE customer_id IN (?) AND paid < amount`, ids)
	if err := get(ctx, tx, &res.PaymentPlans, q, a...); err != nil {
		return res, err
	}
	// The new owner no longer needs to be a collaborator.
	q, a = in(`DELETE FROM collaborators WHERE customer_id IN (?) AND user_id = ?`, ids, to)
	if _, err := exec(ctx, tx, q, a...); err != nil {
		return res, err
	}
	// Requests still waiting for a decision were asked of the owner these
	// customers had: they are void, and each requester is told.
	var pending []crm.TransferRequest
	q, a = in(`SELECT `+transferCols+` FROM transfer_requests WHERE customer_id IN (?) AND status = ? ORDER BY id`, ids, crm.RequestPending)
	if err := sel(ctx, tx, &pending, q, a...); err != nil {
		return res, err
	}
	for _, r := range pending {
		if err := s.voidTransfer(ctx, tx, actor, r, now); err != nil {
			return res, err
		}
	}
	return res, nil
}

// voidTransfer marks a pending request void (its customer changed hands
// before anyone decided) and queues the notice to its requester.
func (s *DB) voidTransfer(ctx context.Context, tx *sqlx.Tx, actor int64, r crm.TransferRequest, now time.Time) error {
	if _, err := exec(ctx, tx, `UPDATE transfer_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = ?`,
		crm.RequestVoid, actor, now, r.ID, crm.RequestPending); err != nil {
		return err
	}
	if _, err := s.enqueueItems(ctx, tx, []crm.OutboxItem{
		crm.NewPush(fmt.Sprintf("transfer_decided:%d:requester", r.ID), crm.PushTransferDecided, r.RequesterID, crm.TransferPush{RequestID: r.ID}),
	}, now); err != nil {
		return err
	}
	r.Status, r.DecidedBy, r.DecidedAt = crm.RequestVoid, actor, &now
	return audit(ctx, tx, actor, "customer", r.CustomerID, "transfer_void", nil, r, now)
}

// Handover moves a rep's customers (all, or those in ids) to another rep in
// one transaction, and tells both. Nothing owned by from among them: a zero
// result and nothing queued. The receiver deactivated meanwhile: Conflict
// "changed_meanwhile" (the rules are sales.Service.Handover's).
func (s *DB) Handover(ctx context.Context, actor, from, to int64, ids []int64, now time.Time) (crm.HandoverResult, error) {
	var res crm.HandoverResult
	now = now.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var active bool
		if err := get(ctx, tx, &active, `SELECT active FROM users WHERE id = ?`, to); err != nil {
			return err
		}
		if !active {
			return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
		}
		var owned []int64
		q := `SELECT id FROM customers WHERE owner_id = ? AND archived = ?`
		args := []any{from, false}
		if ids != nil {
			if len(ids) == 0 {
				return nil
			}
			var err error
			q, args, err = sqlx.In(q+` AND id IN (?)`, from, false, ids)
			if err != nil {
				return err
			}
		}
		if err := sel(ctx, tx, &owned, q+` ORDER BY id`, args...); err != nil {
			return err
		}
		if len(owned) == 0 {
			return nil
		}
		var err error
		if res, err = s.moveCustomers(ctx, tx, actor, from, to, owned, now); err != nil {
			return err
		}
		p := crm.HandoverPush{From: from, To: to, By: actor, Customers: res.Customers, Deals: res.Deals, Appointments: res.Appointments, Plans: res.PaymentPlans, Complaints: res.Complaints}
		key := fmt.Sprintf("handover:%d:%d:%d", from, to, now.UnixNano())
		_, err = s.enqueueItems(ctx, tx, []crm.OutboxItem{
			crm.NewPush(key+":from", crm.PushHandover, from, p),
			crm.NewPush(key+":to", crm.PushHandover, to, p),
		}, now)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("store: handover %d → %d: %w", from, to, err)
	}
	return res, nil
}

// CountOwned counts the active customers a user owns.
func (s *DB) CountOwned(ctx context.Context, userID int64) (int, error) {
	return s.CountCustomers(ctx, crm.Scope{OwnerID: userID})
}

const transferCols = `id, customer_id, requester_id, owner_id, kind, status, decided_by, created_at, decided_at`

// HasClaimed reports whether a user tried to add a customer's company
// (and was refused).
func (s *DB) HasClaimed(ctx context.Context, customerID, userID int64) (bool, error) {
	var n int
	if err := get(ctx, s.db, &n, `SELECT COUNT(*) FROM duplicate_claims WHERE customer_id = ? AND claimant_id = ?`, customerID, userID); err != nil {
		return false, fmt.Errorf("store: claims of customer %d: %w", customerID, err)
	}
	return n > 0, nil
}

// RequestTransfer records a rep's request for someone else's customer and
// queues the decision card to the owner's managers.
func (s *DB) RequestTransfer(ctx context.Context, r crm.TransferRequest, deciders []int64) (crm.TransferRequest, error) {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	r.Status = crm.RequestPending
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var c crm.Customer
		if err := get(ctx, tx, &c, `SELECT `+customerCols+customerFrom+`WHERE c.id = ?`, r.CustomerID); err != nil {
			return err
		}
		var pending int
		if err := get(ctx, tx, &pending, `SELECT COUNT(*) FROM transfer_requests WHERE customer_id = ? AND requester_id = ? AND status = 'pending'`, r.CustomerID, r.RequesterID); err != nil {
			return err
		}
		if pending > 0 {
			return crm.Errorf(crm.CodeConflict, "transfer.pending")
		}
		r.OwnerID = c.OwnerID
		var err error
		r.ID, err = insertID(ctx, tx, `INSERT INTO transfer_requests (customer_id, requester_id, owner_id, kind, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id`,
			r.CustomerID, r.RequesterID, r.OwnerID, r.Kind, r.CreatedAt)
		if err != nil {
			return err
		}
		var items []crm.OutboxItem
		for _, m := range deciders {
			items = append(items, crm.NewPush(fmt.Sprintf("transfer:%d:user:%d", r.ID, m), crm.PushTransferRequest, m, crm.TransferPush{RequestID: r.ID}))
		}
		if _, err := s.enqueueItems(ctx, tx, items, r.CreatedAt); err != nil {
			return err
		}
		return audit(ctx, tx, r.RequesterID, "customer", r.CustomerID, "transfer_request", nil, r, r.CreatedAt)
	})
	if err != nil {
		return r, fmt.Errorf("store: request transfer: %w", err)
	}
	return r, nil
}

// TransferRequest returns one request.
func (s *DB) TransferRequest(ctx context.Context, id int64) (crm.TransferRequest, error) {
	var r crm.TransferRequest
	if err := get(ctx, s.db, &r, `SELECT `+transferCols+` FROM transfer_requests WHERE id = ?`, id); err != nil {
		return r, fmt.Errorf("store: transfer request %d: %w", id, err)
	}
	return r, nil
}

// PendingTransfers lists the requests waiting for a decision, oldest first.
func (s *DB) PendingTransfers(ctx context.Context) ([]crm.TransferRequest, error) {
	var out []crm.TransferRequest
	if err := sel(ctx, s.db, &out, `SELECT `+transferCols+` FROM transfer_requests WHERE status = ? ORDER BY created_at, id`, crm.RequestPending); err != nil {
		return nil, fmt.Errorf("store: pending transfer requests: %w", err)
	}
	return out, nil
}

// VoidTransfer marks a pending request void and tells its requester; a
// request no longer pending is left as it is.
func (s *DB) VoidTransfer(ctx context.Context, actor, id int64, now time.Time) error {
	now = now.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var r crm.TransferRequest
		if err := get(ctx, tx, &r, `SELECT `+transferCols+` FROM transfer_requests WHERE id = ?`, id); err != nil {
			return err
		}
		if r.Status != crm.RequestPending {
			return nil
		}
		return s.voidTransfer(ctx, tx, actor, r, now)
	})
	if err != nil {
		return fmt.Errorf("store: void transfer %d: %w", id, err)
	}
	return nil
}

// DecideTransfer approves or rejects a pending request: an approved
// transfer moves the customer to the requester, an approved collaboration
// adds them as a collaborator. Both reps are told.
func (s *DB) DecideTransfer(ctx context.Context, actor, id int64, approve bool, now time.Time) (crm.TransferRequest, error) {
	var r crm.TransferRequest
	now = now.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := get(ctx, tx, &r, `SELECT `+transferCols+` FROM transfer_requests WHERE id = ?`, id); err != nil {
			return err
		}
		// Decided, handed over or deactivated since the decider looked
		// (the rules are sales.Service.DecideTransfer's).
		var owner int64
		if err := get(ctx, tx, &owner, `SELECT COALESCE(owner_id, 0) FROM customers WHERE id = ?`, r.CustomerID); err != nil {
			return err
		}
		var active bool
		if err := get(ctx, tx, &active, `SELECT active FROM users WHERE id = ?`, r.RequesterID); err != nil {
			return err
		}
		if r.Status != crm.RequestPending || owner != r.OwnerID || (approve && !active) {
			return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
		}
		r.Status, r.DecidedBy, r.DecidedAt = crm.RequestRejected, actor, &now
		if approve {
			r.Status = crm.RequestApproved
		}
		// Decided before the customer moves: the move voids the other
		// requests still pending on it, not this one.
		if _, err := exec(ctx, tx, `UPDATE transfer_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?`, r.Status, actor, now, id); err != nil {
			return err
		}
		if approve {
			switch r.Kind {
			case crm.TransferOwnership:
				if _, err := s.moveCustomers(ctx, tx, actor, r.OwnerID, r.RequesterID, []int64{r.CustomerID}, now); err != nil {
					return err
				}
			case crm.TransferCollab:
				if _, err := exec(ctx, tx, `INSERT INTO collaborators (customer_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
					r.CustomerID, r.RequesterID, actor, now); err != nil {
					return err
				}
			}
		}
		p := crm.TransferPush{RequestID: id}
		if _, err := s.enqueueItems(ctx, tx, []crm.OutboxItem{
			crm.NewPush(fmt.Sprintf("transfer_decided:%d:requester", id), crm.PushTransferDecided, r.RequesterID, p),
			crm.NewPush(fmt.Sprintf("transfer_decided:%d:owner", id), crm.PushTransferDecided, r.OwnerID, p),
		}, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "customer", r.CustomerID, "transfer_"+r.Status, nil, r, now)
	})
	if err != nil {
		return r, fmt.Errorf("store: decide transfer %d: %w", id, err)
	}
	return r, nil
}
