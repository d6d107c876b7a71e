package bot

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// targetCommand shows targets' progress, or sets one.
var targetCommand = Command{Name: "target", Keyword: "目标", HelpKey: "help.target", Usage: "usage.target", Run: runTarget}

// runTarget shows this month's target progress for every unit the user
// may see; "/target set" lets managers and admins set one.
func runTarget(ctx context.Context, r *Request, s *Services) error {
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	if arg == "set" || arg == "设定" || arg == "设置" {
		if !r.User.Role.AtLeast(crm.RoleManager) {
			r.Sayf("auth.forbidden_command", "/target set")
			return nil
		}
		return form("target")(ctx, r, s)
	}
	units, err := s.Sales.TargetUnits(ctx, r.Viewer, false)
	if err != nil {
		return err
	}
	start, _ := crm.PeriodRange(crm.PeriodMonth, r.Now)
	lines := []string{r.T("target.title", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, start))}
	var rows []chart.Progress
	for _, u := range units {
		ps, err := s.Sales.Progress(ctx, u, crm.PeriodMonth, r.Now)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			continue
		}
		name := u.Name
		if u.Kind == crm.UnitCompany {
			name = r.T("target.company")
		}
		lines = append(lines, r.T("target.unit_line", name))
		for _, p := range ps {
			lines = append(lines, RenderProgress(r.Lang, p))
			scale := 1.0
			if p.Metric != crm.MetricNewCustomers {
				scale = 100 // fen → yuan
			}
			rows = append(rows, chart.Progress{Label: name + " " + r.T("metric."+string(p.Metric)), Actual: float64(p.Actual) / scale, Target: float64(p.Target) / scale})
		}
	}
	if len(rows) == 0 {
		lines = append(lines, r.T("target.none"))
	}
	text := strings.Join(lines, "\n")
	var menu []conversation.Choice
	if r.User.Role.AtLeast(crm.RoleManager) {
		menu = append(menu, conversation.Choice{Label: r.T("btn.set_target"), Value: "/target set"})
	}
	if len(rows) > 1 {
		if img := s.render(r, "targets", func(c *chart.Renderer) ([]byte, error) {
			return c.ProgressChart(chart.Options{Title: r.T("target.chart_title", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, start))}, rows)
		}); img != nil {
			r.Say(crm.Message{Image: img})
		}
	}
	return s.offer(ctx, r, text, menu)
}

func containsID(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
