package bot

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
)

// cmdTarget shows this month's target progress for every unit the user
// may see; "/target set" lets managers and admins set one.
func (b *Bot) cmdTarget(ctx context.Context, r *Request) error {
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	if arg == "set" || arg == "设定" || arg == "设置" {
		if !r.User.Role.AtLeast(crm.RoleManager) {
			r.Sayf("auth.forbidden_command", "/target set")
			return nil
		}
		return b.flow("target")(ctx, r)
	}
	units, err := b.targetUnits(ctx, r)
	if err != nil {
		return err
	}
	start, _ := crm.PeriodRange(crm.PeriodMonth, r.Now)
	lines := []string{r.T("target.title", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, start))}
	var rows []chart.Progress
	for _, u := range units {
		ps, err := report.UnitProgress(ctx, b.opt.Store, u.kind, u.id, u.scope, crm.PeriodMonth, r.Now)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			continue
		}
		lines = append(lines, r.T("target.unit_line", u.name))
		for _, p := range ps {
			lines = append(lines, RenderProgress(r.Lang, p))
			scale := 1.0
			if p.Metric != crm.MetricNewCustomers {
				scale = 100 // fen → yuan
			}
			rows = append(rows, chart.Progress{Label: u.name + " " + r.T("metric."+string(p.Metric)), Actual: float64(p.Actual) / scale, Target: float64(p.Target) / scale})
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
		if img := b.render(r, "targets", func(c *chart.Renderer) ([]byte, error) {
			return c.ProgressChart(chart.Options{Title: r.T("target.chart_title", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, start))}, rows)
		}); img != nil {
			r.Say(crm.Message{Image: img})
		}
	}
	m, err := b.engine.Offer(ctx, b.env(r), text, menu)
	if err != nil {
		return err
	}
	r.Say(m)
	return nil
}

type targetUnit struct {
	kind  crm.UnitKind
	id    int64
	name  string
	scope crm.Scope
}

// targetUnits lists the units whose targets the user may see: a rep their
// own; a manager their departments and reps; an admin the company and the
// departments.
func (b *Bot) targetUnits(ctx context.Context, r *Request) ([]targetUnit, error) {
	if r.User.Role == crm.RoleRep {
		return []targetUnit{{crm.UnitUser, r.User.ID, r.User.Name, crm.Scope{OwnerID: r.User.ID}}}, nil
	}
	depts, err := b.opt.Store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	var out []targetUnit
	if r.User.Role == crm.RoleAdmin {
		out = append(out, targetUnit{crm.UnitCompany, 0, r.T("target.company"), crm.Scope{All: true}})
	}
	for _, d := range depts {
		if r.User.Role == crm.RoleAdmin || containsID(r.Viewer.Depts, d.ID) {
			out = append(out, targetUnit{crm.UnitDepartment, d.ID, d.Name, crm.Scope{DeptIDs: crm.Subtree(depts, d.ID), OwnerID: -1}})
		}
	}
	if r.User.Role == crm.RoleManager {
		users, err := b.opt.Store.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Active && u.Role == crm.RoleRep && r.Viewer.CanManage(u) {
				out = append(out, targetUnit{crm.UnitUser, u.ID, u.Name, crm.Scope{OwnerID: u.ID}})
			}
		}
	}
	return out, nil
}

func containsID(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
