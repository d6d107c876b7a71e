package crm

import (
	"context"
	"time"
)

// StageMove is one deal moving stage, for reports.
type StageMove struct {
	DealID       int64     `db:"deal_id"`
	CustomerName string    `db:"customer_name"`
	From         Stage     `db:"from_stage"`
	To           Stage     `db:"to_stage"`
	Amount       Money     `db:"amount"`
	At           time.Time `db:"at"`
}

// KindCount is a count under a key.
type KindCount struct {
	Key string `db:"k"`
	N   int    `db:"n"`
}

// RepActivity is what one rep did in a period: the objective part of a
// daily, weekly or monthly report.
type RepActivity struct {
	NewCustomers []string    // names, in order of creation
	Activities   []KindCount // by activity kind
	StageMoves   []StageMove // moves the rep made (new deals included)
	Won, Lost    int
	WonAmount    Money
	Payments     Money // received on the rep's customers
}

// TotalActivities sums the activity counts.
func (r RepActivity) TotalActivities() int {
	n := 0
	for _, k := range r.Activities {
		n += k.N
	}
	return n
}

// ReportStore keeps reports and the numbers behind them.
type ReportStore interface {
	// RepActivity gathers what a rep did in [from, to).
	RepActivity(ctx context.Context, userID int64, from, to time.Time) (RepActivity, error)
	// MetricActual measures a target metric in scope over [from, to):
	// payments received (fen), contract amount of deals won (fen), or new
	// customers (count).
	MetricActual(ctx context.Context, m Metric, s Scope, from, to time.Time) (int64, error)
	// SaveReport creates or replaces a rep's report of a period.
	SaveReport(ctx context.Context, actor int64, r Report) (Report, error)
	// Report returns one report. NotFound.
	Report(ctx context.Context, id int64) (Report, error)
	// ReportsOfPeriod lists the reports of a period kind starting on start.
	ReportsOfPeriod(ctx context.Context, kind PeriodKind, start Date) ([]Report, error)
	// CommentReport stores a manager's comment and queues a push telling
	// the rep, in one transaction.
	CommentReport(ctx context.Context, actor int64, id int64, comment string, now time.Time) (Report, error)
}

// NamedAmount is an amount under a name (a customer, a rep).
type NamedAmount struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	Amount int64  `db:"amount"`
}

// AnalyticsStore answers the aggregate questions of /stats, always within a
// scope. Periods are [from, to).
type AnalyticsStore interface {
	// Distribution counts customers by a field: industry, size, region or
	// source (Invalid for any other).
	Distribution(ctx context.Context, s Scope, field string) ([]KindCount, error)
	// CustomerRevenue sums payments received per customer, largest first.
	CustomerRevenue(ctx context.Context, s Scope, from, to time.Time) ([]NamedAmount, error)
	// StageReach counts deals created in the period by the furthest stage
	// they reached (a lost deal counts at the stage it was lost from); the
	// key is the stage.
	StageReach(ctx context.Context, s Scope, from, to time.Time) ([]KindCount, error)
	// Closed counts deals won and lost in the period.
	Closed(ctx context.Context, s Scope, from, to time.Time) (won, lost int, err error)
	// PerOwner sums a metric per owner in scope: "payments", "contract",
	// "new_customers" or "activities" (by the user who logged them).
	PerOwner(ctx context.Context, s Scope, metric string, from, to time.Time) ([]NamedAmount, error)
}
