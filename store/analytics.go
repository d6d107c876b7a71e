package store

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Distribution counts customers by a field.
func (s *DB) Distribution(ctx context.Context, sc crm.Scope, field string) ([]crm.KindCount, error) {
	switch field {
	case "industry", "size", "region", "source":
	default:
		return nil, crm.Errorf(crm.CodeInvalid, "stats.invalid")
	}
	where, args := scopeWhere(sc)
	q := `SELECT c.` + field + ` AS k, COUNT(*) AS n` + customerFrom + `WHERE ` + where + ` GROUP BY c.` + field + ` ORDER BY n DESC, k`
	var out []crm.KindCount
	if err := sel(ctx, s.db, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store: distribution by %s: %w", field, err)
	}
	return out, nil
}

// CustomerRevenue sums payments per customer, largest first.
func (s *DB) CustomerRevenue(ctx context.Context, sc crm.Scope, from, to time.Time) ([]crm.NamedAmount, error) {
	where, args := scopeWhere(sc)
	q := `SELECT c.id, c.name, SUM(p.amount) AS amount FROM payments p JOIN customers c ON c.id = p.customer_id LEFT JOIN users u ON u.id = c.owner_id
		WHERE ` + where + ` AND p.received_on >= ? AND p.received_on < ? GROUP BY c.id, c.name ORDER BY amount DESC, c.id`
	var out []crm.NamedAmount
	if err := sel(ctx, s.db, &out, q, append(args, crm.DateOf(from), crm.DateOf(to))...); err != nil {
		return nil, fmt.Errorf("store: customer revenue: %w", err)
	}
	return out, nil
}

// stageIndexSQL maps a stage column to its pipeline position.
func stageIndexSQL(col string) string {
	return `CASE ` + col + ` WHEN 'initial' THEN 0 WHEN 'needs' THEN 1 WHEN 'proposal' THEN 2 WHEN 'negotiation' THEN 3 WHEN 'contract' THEN 4 ELSE -1 END`
}

// StageReach counts deals created in the period by the furthest stage reached.
func (s *DB) StageReach(ctx context.Context, sc crm.Scope, from, to time.Time) ([]crm.KindCount, error) {
	where, args := scopeWhere(sc)
	reach := `MAX(CASE WHEN h.to_stage = 'lost' THEN ` + stageIndexSQL("h.from_stage") + ` ELSE ` + stageIndexSQL("h.to_stage") + ` END)`
	q := `SELECT CAST(r.mx AS TEXT) AS k, COUNT(*) AS n FROM (
			SELECT d.id, ` + reach + ` AS mx FROM deals d
			JOIN stage_changes h ON h.deal_id = d.id JOIN customers c ON c.id = d.customer_id LEFT JOIN users u ON u.id = c.owner_id
			WHERE ` + where + ` AND d.created_at >= ? AND d.created_at < ? GROUP BY d.id) r
		GROUP BY r.mx ORDER BY r.mx`
	var rows []crm.KindCount
	if err := sel(ctx, s.db, &rows, q, append(args, from.UTC(), to.UTC())...); err != nil {
		return nil, fmt.Errorf("store: stage reach: %w", err)
	}
	out := make([]crm.KindCount, 0, len(rows))
	for _, r := range rows {
		var i int
		if _, err := fmt.Sscan(r.Key, &i); err != nil || i < 0 || i >= len(crm.Stages)-1 {
			continue
		}
		out = append(out, crm.KindCount{Key: string(crm.Stages[i]), N: r.N})
	}
	return out, nil
}

// Closed counts deals won and lost in the period.
func (s *DB) Closed(ctx context.Context, sc crm.Scope, from, to time.Time) (int, int, error) {
	where, args := scopeWhere(sc)
	q := `SELECT h.to_stage AS k, COUNT(DISTINCT h.deal_id) AS n FROM stage_changes h JOIN deals d ON d.id = h.deal_id
		JOIN customers c ON c.id = d.customer_id LEFT JOIN users u ON u.id = c.owner_id
		WHERE ` + where + ` AND h.to_stage IN ('contract', 'lost') AND h.at >= ? AND h.at < ? GROUP BY h.to_stage`
	var rows []crm.KindCount
	if err := sel(ctx, s.db, &rows, q, append(args, from.UTC(), to.UTC())...); err != nil {
		return 0, 0, fmt.Errorf("store: closed deals: %w", err)
	}
	var won, lost int
	for _, r := range rows {
		if r.Key == string(crm.StageContract) {
			won = r.N
		} else {
			lost = r.N
		}
	}
	return won, lost, nil
}

// PerOwner sums a metric per person in scope — the ranking: the work
// credited to each (payments, contract, new_customers, activities).
func (s *DB) PerOwner(ctx context.Context, sc crm.Scope, metric string, from, to time.Time) ([]crm.NamedAmount, error) {
	switch metric {
	case crm.WorkPayments, crm.WorkContract, crm.WorkNewCustomers, crm.WorkActivities:
		return s.CreditPerUser(ctx, metric, sc, from, to)
	}
	return nil, crm.Errorf(crm.CodeInvalid, "stats.invalid")
}
