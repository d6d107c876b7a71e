package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Credit for work (SPEC "Credit follows the person"): every count of what
// people did — reports, targets, rankings, the digest — credits the user
// who did it, at the moment it happened: an activity and a stage move to
// who recorded it, a payment to who recorded it, a new customer to who
// created it (undated imports never count). A handover moves customers,
// never this. Each kind of work is one row here, and every counting query
// is built from it.
type work struct {
	from string // the tables, with u the credited user
	user string // the credited user's column
	when string // when it happened
	date bool   // when is a date (payments), not a time
	cond string // more conditions
	sum  string // what is summed ("" counts)
}

var works = map[string]work{
	crm.WorkPayments: {from: `payments p JOIN customers c ON c.id = p.customer_id JOIN users u ON u.id = p.user_id`,
		user: "p.user_id", when: "p.received_on", date: true, sum: "p.amount"},
	crm.WorkContract: {from: `stage_changes h JOIN deals d ON d.id = h.deal_id JOIN customers c ON c.id = d.customer_id JOIN users u ON u.id = h.user_id`,
		user: "h.user_id", when: "h.at", cond: "h.to_stage = 'contract'", sum: "h.amount"},
	crm.WorkWon: {from: `stage_changes h JOIN deals d ON d.id = h.deal_id JOIN customers c ON c.id = d.customer_id JOIN users u ON u.id = h.user_id`,
		user: "h.user_id", when: "h.at", cond: "h.to_stage = 'contract'"},
	crm.WorkStageMoves: {from: `stage_changes h JOIN deals d ON d.id = h.deal_id JOIN customers c ON c.id = d.customer_id JOIN users u ON u.id = h.user_id`,
		user: "h.user_id", when: "h.at"},
	crm.WorkNewCustomers: {from: `customers c JOIN users u ON u.id = c.created_by`,
		user: "c.created_by", when: "c.created_at", cond: "c.undated = FALSE"},
	crm.WorkActivities: {from: `activities a JOIN customers c ON c.id = a.customer_id JOIN users u ON u.id = a.user_id`,
		user: "a.user_id", when: "a.at"},
	crm.WorkVisits: {from: `activities a JOIN customers c ON c.id = a.customer_id JOIN users u ON u.id = a.user_id`,
		user: "a.user_id", when: "a.at", cond: "a.kind = 'visit'"},
	crm.WorkCheckedVisits: {from: `activities a JOIN customers c ON c.id = a.customer_id JOIN users u ON u.id = a.user_id`,
		user: "a.user_id", when: "a.at", cond: "a.kind = 'visit' AND EXISTS (SELECT 1 FROM checkins k WHERE k.activity_id = a.id)"},
}

// creditWhere is scopeWhere for work: the scope's people are the credited
// users (the viewer, their departments' members), whoever owns the
// customer now; work on a customer archived since still counts.
func creditWhere(sc crm.Scope, user string) (string, []any) {
	if sc.All {
		return "1 = 1", nil
	}
	cond, args := user+" = ?", []any{sc.OwnerID}
	if len(sc.DeptIDs) > 0 {
		cond = "(" + cond + " OR u.dept_id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(sc.DeptIDs)), ",") + "))"
		for _, d := range sc.DeptIDs {
			args = append(args, d)
		}
	}
	return cond, args
}

// creditQuery is the FROM … WHERE of a kind of work in scope over
// [from, to), with its arguments, and the aggregate to select.
func creditQuery(kind string, sc crm.Scope, from, to time.Time) (tail string, agg string, args []any, err error) {
	w, ok := works[kind]
	if !ok {
		return "", "", nil, crm.Errorf(crm.CodeInvalid, "stats.invalid")
	}
	where, args := creditWhere(sc, w.user)
	tail = ` FROM ` + w.from + ` WHERE ` + where + ` AND ` + w.when + ` >= ? AND ` + w.when + ` < ?`
	if w.date {
		args = append(args, crm.DateOf(from), crm.DateOf(to))
	} else {
		args = append(args, from.UTC(), to.UTC())
	}
	if w.cond != "" {
		tail += ` AND ` + w.cond
	}
	agg = "COUNT(*)"
	if w.sum != "" {
		agg = "COALESCE(SUM(" + w.sum + "), 0)"
	}
	return tail, agg, args, nil
}

// Credit totals a kind of work (crm.Work…) in scope over [from, to).
func (s *DB) Credit(ctx context.Context, kind string, sc crm.Scope, from, to time.Time) (int64, error) {
	tail, agg, args, err := creditQuery(kind, sc, from, to)
	if err != nil {
		return 0, err
	}
	var v int64
	if err := get(ctx, s.db, &v, `SELECT `+agg+tail, args...); err != nil {
		return 0, fmt.Errorf("store: credit %s: %w", kind, err)
	}
	return v, nil
}

// CreditPerUser totals a kind of work per credited user, largest first.
func (s *DB) CreditPerUser(ctx context.Context, kind string, sc crm.Scope, from, to time.Time) ([]crm.NamedAmount, error) {
	tail, agg, args, err := creditQuery(kind, sc, from, to)
	if err != nil {
		return nil, err
	}
	var out []crm.NamedAmount
	q := `SELECT u.id, u.name, ` + agg + ` AS amount` + tail + ` GROUP BY u.id, u.name ORDER BY amount DESC, u.id`
	if err := sel(ctx, s.db, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store: %s per user: %w", kind, err)
	}
	return out, nil
}
