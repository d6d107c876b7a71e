// Package report computes salesbot's numbers as plain structs: the
// objective part of daily, weekly and monthly reports, target progress, and
// (in analytics.go) distributions, Pareto, funnel, win rate and rankings.
// It reads through crm's store interfaces and renders nothing.
package report

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Progress is one target against what was achieved.
type Progress struct {
	Metric crm.Metric
	Unit   crm.UnitKind
	UnitID int64
	Target int64 // fen for money metrics, a count for new customers
	Actual int64
}

// Pct is the share of the target achieved, in whole percent (0 without a target).
func (p Progress) Pct() int {
	if p.Target <= 0 {
		return 0
	}
	return int(p.Actual * 100 / p.Target)
}

// Gap is what is left to reach the target (0 when reached).
func (p Progress) Gap() int64 {
	if p.Actual >= p.Target {
		return 0
	}
	return p.Target - p.Actual
}

// Body is the objective part of a rep's report for one period.
type Body struct {
	User     crm.User
	Kind     crm.PeriodKind // day, week or month
	Start    crm.Date       // first day of the period
	End      crm.Date       // first day after it
	Activity crm.RepActivity
	// Targets is the rep's progress on the month (or, for a month report,
	// that month) containing the period.
	Targets []Progress
}

// RepBody computes a rep's report body for the period of kind containing now
// (day; ISO week, Monday first; month), in now's location.
func RepBody(ctx context.Context, st Store, u crm.User, kind crm.PeriodKind, now time.Time) (Body, error) {
	switch kind {
	case crm.PeriodDay, crm.PeriodWeek, crm.PeriodMonth:
	default:
		return Body{}, crm.Errorf(crm.CodeInvalid, "report.kind_invalid")
	}
	start, end := crm.PeriodRange(kind, now)
	loc := now.Location()
	b := Body{User: u, Kind: kind, Start: start, End: end}
	var err error
	if b.Activity, err = st.RepActivity(ctx, u.ID, start.Time(loc), end.Time(loc)); err != nil {
		return b, fmt.Errorf("report: %w", err)
	}
	if b.Targets, err = UnitProgress(ctx, st, crm.UnitUser, u.ID, crm.Scope{OwnerID: u.ID}, crm.PeriodMonth, now); err != nil {
		return b, err
	}
	return b, nil
}

// UnitProgress measures every target set for one unit over the period of
// kind containing now.
func UnitProgress(ctx context.Context, st Store, unit crm.UnitKind, unitID int64, sc crm.Scope, kind crm.PeriodKind, now time.Time) ([]Progress, error) {
	start, end := crm.PeriodRange(kind, now)
	loc := now.Location()
	targets, err := st.Targets(ctx, kind, start)
	if err != nil {
		return nil, fmt.Errorf("report: targets: %w", err)
	}
	var out []Progress
	for _, t := range targets {
		if t.Unit != unit || t.UnitID != unitID {
			continue
		}
		actual, err := st.MetricActual(ctx, t.Metric, sc, start.Time(loc), end.Time(loc))
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		out = append(out, Progress{Metric: t.Metric, Unit: unit, UnitID: unitID, Target: t.Value, Actual: actual})
	}
	return out, nil
}

// Store is what the numbers are read from.
type Store interface {
	crm.OrgStore
	crm.PipelineStore
	crm.ReportStore
	crm.AnalyticsStore
}
