package report

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Distribution is a count of customers by one field.
type Distribution struct {
	Field string
	Total int
	Items []crm.KindCount // largest first; "" is "not filled in"
}

// CustomerDistribution counts customers in scope by field.
func CustomerDistribution(ctx context.Context, st Store, sc crm.Scope, field string) (Distribution, error) {
	items, err := st.Distribution(ctx, sc, field)
	if err != nil {
		return Distribution{}, fmt.Errorf("report: %w", err)
	}
	d := Distribution{Field: field, Items: items}
	for _, it := range items {
		d.Total += it.N
	}
	return d, nil
}

// Pareto is the 80/20 view of revenue: how much the top 20% of paying
// customers bring.
type Pareto struct {
	Customers int   // customers who paid in the period
	Total     int64 // all payments, fen
	TopCount  int   // the top 20% (at least 1 when anyone paid)
	TopAmount int64
	Top       []crm.NamedAmount // the top customers, largest first (at most 20 listed)
}

// TopShare is the top group's share of revenue in whole percent.
func (p Pareto) TopShare() int {
	if p.Total <= 0 {
		return 0
	}
	return int(p.TopAmount * 100 / p.Total)
}

// TopCustomers computes the Pareto view of payments in [from, to).
func TopCustomers(ctx context.Context, st Store, sc crm.Scope, from, to time.Time) (Pareto, error) {
	rows, err := st.CustomerRevenue(ctx, sc, from, to)
	if err != nil {
		return Pareto{}, fmt.Errorf("report: %w", err)
	}
	p := Pareto{Customers: len(rows)}
	for _, r := range rows {
		p.Total += r.Amount
	}
	if len(rows) == 0 {
		return p, nil
	}
	p.TopCount = (len(rows) + 4) / 5 // ceil(20%)
	for i, r := range rows[:p.TopCount] {
		p.TopAmount += r.Amount
		if i < 20 {
			p.Top = append(p.Top, r)
		}
	}
	return p, nil
}

// Funnel is the stage funnel of deals opened in a period: how many reached
// each stage, and the conversion from each stage to the next.
type Funnel struct {
	Stages  []crm.Stage // the five pipeline stages
	Reached []int       // deals that reached at least that stage
	Won     int         // won in the period (any deal)
	Lost    int         // lost in the period (any deal)
}

// Conversion is the share of deals at stage i that went on to stage i+1, in
// tenths of a percent, rounded (-1 when none reached stage i).
func (f Funnel) Conversion(i int) int {
	if i+1 >= len(f.Reached) || f.Reached[i] == 0 {
		return -1
	}
	return (f.Reached[i+1]*1000 + f.Reached[i]/2) / f.Reached[i]
}

// WinRate is won / (won + lost) in whole percent (-1 when nothing closed).
func (f Funnel) WinRate() int {
	if f.Won+f.Lost == 0 {
		return -1
	}
	return f.Won * 100 / (f.Won + f.Lost)
}

// StageFunnel computes the funnel of deals opened in [from, to) and the
// win rate of deals closed in it.
func StageFunnel(ctx context.Context, st Store, sc crm.Scope, from, to time.Time) (Funnel, error) {
	reach, err := st.StageReach(ctx, sc, from, to)
	if err != nil {
		return Funnel{}, fmt.Errorf("report: %w", err)
	}
	f := Funnel{Stages: crm.Stages[:5], Reached: make([]int, 5)}
	for _, r := range reach {
		idx := crm.Stage(r.Key).Index()
		for i := 0; i <= idx && i < 5; i++ {
			f.Reached[i] += r.N
		}
	}
	if f.Won, f.Lost, err = st.Closed(ctx, sc, from, to); err != nil {
		return f, fmt.Errorf("report: %w", err)
	}
	return f, nil
}

// Ranking metrics.
const (
	RankPayments     = "payments"
	RankContract     = "contract"
	RankNewCustomers = "new_customers"
	RankActivities   = "activities"
)

// Ranking orders the reps in scope by a metric over [from, to); reps with
// nothing are listed last with zero so nobody is missing from the board.
func Ranking(ctx context.Context, st Store, v crm.Viewer, metric string, from, to time.Time) ([]crm.NamedAmount, error) {
	rows, err := st.PerOwner(ctx, v.Scope(), metric, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	users, err := st.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	seen := map[int64]bool{}
	for _, r := range rows {
		seen[r.ID] = true
	}
	for _, u := range users {
		if u.Active && u.Role == crm.RoleRep && !seen[u.ID] && v.CanManage(u) {
			rows = append(rows, crm.NamedAmount{ID: u.ID, Name: u.Name})
		}
	}
	return rows, nil
}
