package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
)

// reportCommand files a daily, weekly or monthly report, or reads the team's.
var reportCommand = Command{Name: "report", Keyword: "日报", Aliases: []string{"周报", "月报"}, HelpKey: "help.report", Usage: "usage.report", Run: runReport}

// runReport: "/report [day|week|month]" files the rep's report;
// "/report team [day|week|month]" shows a manager who filed;
// "/report #ID" reads one (from the team list's buttons).
func runReport(ctx context.Context, r *Request, s *Services) error {
	args := strings.Fields(strings.ToLower(r.Args))
	if len(args) > 0 && strings.HasPrefix(args[0], "#") {
		id, err := strconv.ParseInt(args[0][1:], 10, 64)
		if err != nil {
			r.Sayf("report.usage")
			return nil
		}
		return s.readReport(ctx, r, id)
	}
	team := false
	if len(args) > 0 && (args[0] == "team" || args[0] == "团队") {
		team, args = true, args[1:]
	}
	kind := crm.PeriodDay
	if len(args) > 0 {
		switch args[0] {
		case "day", "日报", "今天", "daily":
		case "week", "周报", "本周", "weekly":
			kind = crm.PeriodWeek
		case "month", "月报", "本月", "monthly":
			kind = crm.PeriodMonth
		default:
			r.Sayf("report.usage")
			return nil
		}
	}
	if team {
		if !r.User.Role.AtLeast(crm.RoleManager) {
			r.Sayf("auth.forbidden_command", "/report team")
			return nil
		}
		return s.teamReports(ctx, r, kind)
	}
	body, err := s.Sales.MyReportBody(ctx, r.Viewer, kind, r.Now)
	if err != nil {
		return err
	}
	snapshot, err := json.Marshal(body.Activity)
	if err != nil {
		return err
	}
	seed := map[string]string{
		conversation.ReportKind:      string(kind),
		conversation.ReportStart:     string(body.Start),
		conversation.ReportObjective: string(snapshot),
		conversation.ReportSummary:   RenderReportBody(r.Lang, body),
	}
	if rp, err := s.Sales.MyReport(ctx, r.Viewer, kind, body.Start); err == nil {
		seed[conversation.ReportExisting] = "1"
		seed[conversation.ReportText] = rp.Text
		if rp.Comment != "" {
			_, by, err := s.Sales.ReportCommentFor(ctx, r.Viewer, rp.ID)
			if err != nil {
				return err
			}
			seed[conversation.ReportComment], seed[conversation.ReportCommentBy] = rp.Comment, by.Name
		}
	}
	out, err := s.Engine.StartWith(ctx, s.env(r), "report", "", seed)
	for _, m := range out {
		r.Say(m)
	}
	return err
}

// periodName says which period a report covers: 今天 / 本周（12月1日–12月7日）/ 11月.
func periodName(lang string, kind crm.PeriodKind, start, end crm.Date) string {
	switch kind {
	case crm.PeriodWeek:
		return conversation.T(lang, "report.period_week", conversation.FormatShortDate(lang, start), conversation.FormatShortDate(lang, end.AddDays(-1)))
	case crm.PeriodMonth:
		t := start.Time(time.UTC)
		return conversation.T(lang, "report.period_month", int(t.Month()), t.Format("January"))
	}
	return conversation.T(lang, "report.period_day", conversation.FormatDate(lang, start))
}

// RenderReportBody writes the objective part of a report.
func RenderReportBody(lang string, b report.Body) string {
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	a := b.Activity
	var parts []string
	nc := T("report.new_customers", len(a.NewCustomers))
	if len(a.NewCustomers) > 0 {
		var names []string
		for i, n := range a.NewCustomers {
			if i == 5 {
				names = append(names, "…")
				break
			}
			names = append(names, conversation.ShortName(n))
		}
		nc += conversation.Aside(lang, conversation.Enum(lang, names))
	}
	parts = append(parts, nc)
	act := T("report.activities", a.TotalActivities())
	if len(a.Activities) > 1 {
		var kinds []string
		for _, k := range a.Activities {
			kinds = append(kinds, T("activity."+k.Key)+" "+strconv.Itoa(k.N))
		}
		act += conversation.Aside(lang, conversation.Enum(lang, kinds))
	}
	parts = append(parts, act)
	mv := T("report.moves", len(a.StageMoves))
	if len(a.StageMoves) > 0 {
		var items []string
		for i, m := range a.StageMoves {
			if i == 4 {
				items = append(items, "…")
				break
			}
			items = append(items, conversation.ShortName(m.CustomerName)+" → "+conversation.StageName(lang, m.To))
		}
		mv += conversation.Aside(lang, conversation.List(lang, items))
	}
	parts = append(parts, mv)
	if a.Won > 0 || a.Lost > 0 {
		parts = append(parts, T("report.won_lost", a.Won, a.WonAmount.String(), a.Lost))
	}
	parts = append(parts, T("report.payments", a.Payments.String()))
	lines := []string{
		T("report.title", b.User.Name, periodName(lang, b.Kind, b.Start, b.End)),
		T("report.objective", strings.Join(parts, " · ")),
	}
	for _, p := range b.Targets {
		lines = append(lines, RenderProgress(lang, p))
	}
	return strings.Join(lines, "\n")
}

// RenderProgress writes one target's progress: 本月回款 62%（¥186,000/¥300,000，还差 ¥114,000）.
func RenderProgress(lang string, p report.Progress) string {
	val := func(v int64) string {
		if p.Metric == crm.MetricNewCustomers {
			return strconv.FormatInt(v, 10)
		}
		return crm.Money(v).String()
	}
	s := conversation.T(lang, "target.progress", conversation.T(lang, "metric."+string(p.Metric)), p.Pct(), val(p.Actual), val(p.Target))
	if g := p.Gap(); g > 0 {
		s += conversation.T(lang, "target.gap", val(g))
	} else {
		s += conversation.T(lang, "target.reached")
	}
	return s
}

// teamReports shows a manager who in their scope filed a report of the
// current period, with a button to read each one.
func (s *Services) teamReports(ctx context.Context, r *Request, kind crm.PeriodKind) error {
	start, end := crm.PeriodRange(kind, r.Now)
	users, byUser, err := s.Sales.TeamReports(ctx, r.Viewer, kind, start)
	if err != nil {
		return err
	}
	var filed, missing []string
	var menu []conversation.Choice
	total := 0
	for _, u := range users {
		total++
		if rp, ok := byUser[u.ID]; ok {
			filed = append(filed, u.Name)
			menu = append(menu, conversation.Choice{Label: u.Name, Value: "/report #" + strconv.FormatInt(rp.ID, 10)})
		} else {
			missing = append(missing, u.Name)
		}
	}
	text := r.T("report.team", periodName(r.Lang, kind, start, end), len(filed), total)
	if len(missing) > 0 {
		text += "\n" + r.T("report.team_missing", conversation.Enum(r.Lang, missing))
	}
	if len(filed) > 0 {
		text += "\n" + r.T("report.team_read")
	}
	return s.offer(ctx, r, text, menu)
}

// visibleReport loads a report and its rep for a reader: the rep
// themselves (when ownOK) or their manager. ok=false means "not found" has
// been said — the same answer whether the report is missing or not the
// reader's, so ids reveal nothing.
func (s *Services) visibleReport(ctx context.Context, r *Request, id int64, ownOK bool) (crm.Report, crm.User, bool, error) {
	rp, rep, err := s.Sales.ReportToRead(ctx, r.Viewer, id, ownOK)
	if crm.ErrorCode(err) == crm.CodeNotFound {
		r.Sayf("report.not_found")
		return rp, rep, false, nil
	}
	return rp, rep, err == nil, err
}

// readReport shows one report to its rep or their manager, with a button
// to comment for the manager.
func (s *Services) readReport(ctx context.Context, r *Request, id int64) error {
	rp, rep, ok, err := s.visibleReport(ctx, r, id, true)
	if !ok {
		return err
	}
	start := rp.PeriodStart.Time(r.Now.Location())
	_, end := crm.PeriodRange(rp.Kind, start)
	var act crm.RepActivity
	_ = json.Unmarshal([]byte(rp.Objective), &act)
	body := report.Body{User: rep, Kind: rp.Kind, Start: rp.PeriodStart, End: end, Activity: act}
	text := RenderReportBody(r.Lang, body) + "\n" + r.T("report.text", rp.Text)
	if rp.Comment != "" {
		text += "\n" + r.T("report.comment", rp.Comment)
	}
	if rep.ID == r.User.ID {
		r.Say(crm.Message{Text: text})
		return nil
	}
	return s.offer(ctx, r, text, []conversation.Choice{{Label: r.T("btn.comment"), Value: fmt.Sprintf("/comment #%d", rp.ID)}})
}
