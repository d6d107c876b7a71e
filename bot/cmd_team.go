package bot

import (
	"context"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
)

// teamCommand a manager's summary of today.
var teamCommand = Command{Name: "team", Keyword: "团队", Roles: managers, HelpKey: "help.team", Run: runTeam}

// runTeam is a manager's summary of today: the team's numbers, who filed
// their report, and this month's target progress and payments ranking as
// charts.
func runTeam(ctx context.Context, r *Request, s *Services) error {
	text, err := s.digest(ctx, &pushRequest{Viewer: r.Viewer, Lang: r.Lang, Now: r.Now})
	if err != nil {
		return err
	}
	loc := r.Now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, r.Now)
	rows, err := s.Sales.Ranking(ctx, r.Viewer, report.RankPayments, mStart.Time(loc), mEnd.Time(loc))
	if err != nil {
		return err
	}
	var bars []chart.Bar
	for _, row := range rows {
		bars = append(bars, chart.Bar{Label: row.Name, Value: float64(row.Amount) / 100})
	}
	if len(bars) > 0 {
		if img := s.render(r, "team-payments", func(c *chart.Renderer) ([]byte, error) {
			return c.RankingChart(chart.Options{Title: r.T("stats.rank_chart_title"), ValueFormat: yuanFormat}, bars)
		}); img != nil {
			r.Say(crm.Message{Image: img})
		}
	}
	m, err := s.Engine.Offer(ctx, s.env(r), text, []conversation.Choice{
		{Label: r.T("btn.team_reports"), Value: "/report team"},
		{Label: r.T("btn.targets"), Value: "/target"},
		{Label: r.T("stats.kind_ranking"), Value: "/stats ranking"},
	})
	if err != nil {
		return err
	}
	r.Say(m)
	return nil
}
