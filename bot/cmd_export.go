package bot

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/report"
	"github.com/salesbot-crm/salesbot/sales"
)

// exportCommand sends customers, numbers, reports or the audit log as a spreadsheet.
var exportCommand = Command{Name: "export", Keyword: "导出", HelpKey: "help.export", Usage: "usage.export", Run: runExport}

// runExport sends a spreadsheet: "/export" the customers the user may see,
// "/export stats KIND" an analysis, "/export reports [day|week|month]" the
// team's reports (managers), "/export audit" the audit log (admins).
func runExport(ctx context.Context, r *Request, s *Services) error {
	f := strings.Fields(strings.ToLower(r.Args))
	what := "customers"
	if len(f) > 0 {
		what = f[0]
	}
	var buf bytes.Buffer
	var name string
	var n int
	switch what {
	case "customers", "客户":
		var err error
		if n, err = s.Sheets.ExportCustomers(ctx, r.Viewer, &buf, "xlsx", r.Now); err != nil {
			return err
		}
		name = "customers"
	case "stats", "统计":
		kind := ""
		if len(f) > 1 {
			kind = f[1]
		}
		header, rows, err := AnalysisTable(ctx, s.Sales, r.Viewer, r.Lang, kind, r.Now)
		if err != nil {
			return err
		}
		if err := s.Sheets.ExportTable(&buf, "xlsx", kind, header, rows); err != nil {
			return err
		}
		n, name = len(rows), "stats-"+kind
	case "reports", "报告":
		if !r.User.Role.AtLeast(crm.RoleManager) {
			r.Sayf("auth.forbidden_command", "/export reports")
			return nil
		}
		kind := crm.PeriodDay
		if len(f) > 1 {
			kind = crm.PeriodKind(f[1])
		}
		header, rows, err := ReportsTable(ctx, s.Sales, r.Viewer, r.Lang, kind, r.Now)
		if err != nil {
			return err
		}
		if err := s.Sheets.ExportTable(&buf, "xlsx", string(kind), header, rows); err != nil {
			return err
		}
		n, name = len(rows), "reports-"+string(kind)
	case "audit":
		header, rows, err := AuditTable(ctx, s.Sales, r.Viewer, r.Now.Location(), time.Time{}, r.Now.Add(time.Hour))
		if err != nil {
			return err
		}
		if err := s.Sheets.ExportTable(&buf, "xlsx", "audit", header, rows); err != nil {
			return err
		}
		n, name = len(rows), "audit"
	default:
		r.Sayf("export.usage")
		return nil
	}
	file := &crm.File{Name: fmt.Sprintf("%s-%s.xlsx", name, r.Now.Format("20060102")), Data: buf.Bytes()}
	r.Say(crm.Message{Text: r.T("export.done", n), File: file})
	return nil
}

// AnalysisTable is one /stats analysis as a table (header and rows), within
// the viewer's scope: industry, size, region, source, top, funnel, ranking.
func AnalysisTable(ctx context.Context, svc *sales.Service, v crm.Viewer, lang, kind string, now time.Time) ([]string, [][]string, error) {
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	loc := now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, now)
	switch kind {
	case "industry", "size", "region", "source":
		d, err := svc.Distribution(ctx, v, kind)
		if err != nil {
			return nil, nil, err
		}
		var rows [][]string
		for _, it := range d.Items {
			label := conversation.GroupLabel(lang, choice.Field(kind), it.Key)
			pct := 0
			if d.Total > 0 {
				pct = it.N * 100 / d.Total
			}
			rows = append(rows, []string{label, strconv.Itoa(it.N), strconv.Itoa(pct) + "%"})
		}
		return []string{T("stats.kind_" + kind), T("export.col_customers"), T("export.col_share")}, rows, nil
	case "top":
		yStart, yEnd := crm.PeriodRange(crm.PeriodYear, now)
		rows0, err := svc.CustomerRevenue(ctx, v, yStart.Time(loc), yEnd.Time(loc))
		if err != nil {
			return nil, nil, err
		}
		var total int64
		for _, r := range rows0 {
			total += r.Amount
		}
		var rows [][]string
		var acc int64
		for i, r := range rows0 {
			acc += r.Amount
			rows = append(rows, []string{strconv.Itoa(i + 1), r.Name, crm.Money(r.Amount).String(), strconv.FormatInt(acc*100/max(total, 1), 10) + "%"})
		}
		return []string{"#", T("export.col_customer"), T("export.col_payments"), T("export.col_cumulative")}, rows, nil
	case "funnel":
		fn, err := svc.Funnel(ctx, v, mStart.Time(loc), mEnd.Time(loc))
		if err != nil {
			return nil, nil, err
		}
		var rows [][]string
		for i, s := range fn.Stages {
			conv := ""
			if c := fn.Conversion(i); c >= 0 && i+1 < len(fn.Stages) {
				conv = fmt.Sprintf("%d.%d%%", c/10, c%10)
			}
			rows = append(rows, []string{conversation.StageName(lang, s), strconv.Itoa(fn.Reached[i]), conv})
		}
		return []string{T("field.stage"), T("export.col_deals"), T("export.col_conversion")}, rows, nil
	case "ranking":
		per := map[string]map[int64]int64{}
		names := map[int64]string{}
		var order []int64
		for _, m := range []string{report.RankPayments, report.RankContract, report.RankNewCustomers, report.RankActivities} {
			rows, err := svc.Ranking(ctx, v, m, mStart.Time(loc), mEnd.Time(loc))
			if err != nil {
				return nil, nil, err
			}
			per[m] = map[int64]int64{}
			for _, r := range rows {
				if _, ok := names[r.ID]; !ok {
					names[r.ID] = r.Name
					order = append(order, r.ID)
				}
				per[m][r.ID] = r.Amount
			}
		}
		var rows [][]string
		for _, id := range order {
			rows = append(rows, []string{names[id], crm.Money(per[report.RankPayments][id]).String(), crm.Money(per[report.RankContract][id]).String(),
				strconv.FormatInt(per[report.RankNewCustomers][id], 10), strconv.FormatInt(per[report.RankActivities][id], 10)})
		}
		return []string{T("export.col_rep"), T("metric.payments"), T("metric.contract"), T("metric.new_customers"), T("export.col_activities")}, rows, nil
	}
	return nil, nil, crm.Errorf(crm.CodeInvalid, "export.usage")
}

// ReportsTable lists the reports of the current period of kind of the reps
// the viewer manages (missing ones included, marked).
func ReportsTable(ctx context.Context, svc *sales.Service, v crm.Viewer, lang string, kind crm.PeriodKind, now time.Time) ([]string, [][]string, error) {
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	switch kind {
	case crm.PeriodDay, crm.PeriodWeek, crm.PeriodMonth:
	default:
		return nil, nil, crm.Errorf(crm.CodeInvalid, "report.kind_invalid")
	}
	start, _ := crm.PeriodRange(kind, now)
	users, byUser, err := svc.TeamReports(ctx, v, kind, start)
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	for _, u := range users {
		r, ok := byUser[u.ID]
		if !ok {
			rows = append(rows, []string{u.Name, string(start), T("export.not_filed"), "", ""})
			continue
		}
		rows = append(rows, []string{u.Name, string(start), r.UpdatedAt.In(now.Location()).Format("2006-01-02 15:04"), r.Text, r.Comment})
	}
	return []string{T("export.col_rep"), T("export.col_period"), T("export.col_filed"), T("export.col_text"), T("export.col_comment")}, rows, nil
}

// AuditTable is the audit log in [from, to) as a table.
func AuditTable(ctx context.Context, svc *sales.Service, v crm.Viewer, loc *time.Location, from, to time.Time) ([]string, [][]string, error) {
	entries, err := svc.AuditLog(ctx, v, from, to)
	if err != nil {
		return nil, nil, err
	}
	names, err := svc.UserNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, []string{e.At.In(loc).Format("2006-01-02 15:04:05"), names[e.UserID], e.Entity, strconv.FormatInt(e.EntityID, 10), e.Action, e.Before, e.After})
	}
	return []string{"时间 Time", "操作人 User", "对象 Entity", "编号 ID", "动作 Action", "之前 Before", "之后 After"}, rows, nil
}
