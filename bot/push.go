package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
)

// RenderPush turns an outbox row into the messages for one chat, in the
// recipient's language, from the data as it is now (a plan paid since the
// reminder was queued says nothing). Buttons on a user's push are live
// follow-up actions in that chat. It is the scheduler's RenderFunc.
func (b *Bot) RenderPush(ctx context.Context, it crm.OutboxItem, to crm.Identity) ([]crm.Message, error) {
	lang := b.opt.DefaultLang
	var u crm.User
	if it.UserID != 0 {
		var err error
		if u, err = b.opt.Store.User(ctx, it.UserID); err != nil {
			return nil, err
		}
		if u.Locale != "" {
			lang = u.Locale
		}
	}
	now := b.opt.Now().In(b.opt.Location)
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	var p struct {
		Date          crm.Date       `json:"date"`
		AppointmentID int64          `json:"appointment_id"`
		PlanID        int64          `json:"plan_id"`
		Days          int            `json:"days"`
		Kind          crm.PeriodKind `json:"kind"`
		ReportID      int64          `json:"report_id"`
		RequestID     int64          `json:"request_id"`
		From          int64          `json:"from"`
		To            int64          `json:"to"`
		By            int64          `json:"by"`
		Customers     int            `json:"customers"`
		Deals         int            `json:"deals"`
		Appointments  int            `json:"appointments"`
	}
	if it.Kind != crm.PushDuplicateClaim {
		if err := json.Unmarshal([]byte(it.Payload), &p); err != nil {
			return nil, fmt.Errorf("push %d: payload: %w", it.ID, err)
		}
	}
	var text string
	var menu []conversation.Choice
	switch it.Kind {
	case crm.PushDuplicateClaim:
		var d crm.DuplicateClaim
		if err := json.Unmarshal([]byte(it.Payload), &d); err != nil {
			return nil, fmt.Errorf("push %d: payload: %w", it.ID, err)
		}
		claimant, err := b.opt.Store.User(ctx, d.ClaimantID)
		if err != nil {
			return nil, err
		}
		c, err := b.opt.Store.Customer(ctx, d.CustomerID)
		if err != nil {
			return nil, err
		}
		owner := c.OwnerName
		if dept := b.deptName(ctx, c.OwnerDept); dept != "" {
			owner = T("owner.with_dept", c.OwnerName, dept)
		}
		text = T("push.duplicate_claim", claimant.Name, d.RawName, owner,
			conversation.FormatShortDate(lang, crm.DateOf(c.CreatedAt.In(now.Location()))), d.At.In(now.Location()).Format("15:04"))
	case crm.PushWorkbench:
		w, err := crm.BuildWorkbench(ctx, b.opt.Store, u, now, b.opt.StaleDays)
		if err != nil {
			return nil, err
		}
		if w.Empty() {
			return nil, nil
		}
		text, menu = RenderWorkbench(lang, w, now, b.opt.StaleDays)
		text = T("push.good_morning") + text
	case crm.PushAppointment:
		a, c, err := b.appointment(ctx, p.AppointmentID)
		if errors.Is(err, crm.ErrNotFound) || (err == nil && !a.At.After(now)) {
			return nil, nil // moved or already past
		}
		if err != nil {
			return nil, err
		}
		what := c.Name
		var extra []string
		for _, x := range []string{a.Place, a.Purpose} {
			if x != "" {
				extra = append(extra, x)
			}
		}
		if len(extra) > 0 {
			what += "（" + strings.Join(extra, "，") + "）"
		}
		text = T("push.appointment", a.At.In(now.Location()).Format("15:04"), what)
		menu = []conversation.Choice{{Label: T("btn.log_visit"), Value: "/visit #" + strconv.FormatInt(c.ID, 10)}}
	case crm.PushPaymentDue:
		plan, c, err := b.plan(ctx, p.PlanID)
		if err != nil {
			return nil, err
		}
		if !plan.Open() {
			return nil, nil
		}
		left := (plan.Amount - plan.Paid).String()
		if p.Days <= 0 {
			text = T("push.payment_today", c.Name, left)
		} else {
			text = T("push.payment_soon", c.Name, left, p.Days, conversation.FormatDate(lang, plan.DueDate))
		}
		menu = []conversation.Choice{{Label: T("btn.payment"), Value: "/pay #" + strconv.FormatInt(c.ID, 10)}}
	case crm.PushStale:
		stale, err := b.opt.Store.StaleCustomers(ctx, crm.Scope{OwnerID: u.ID}, now.AddDate(0, 0, -b.opt.StaleDays), crm.WorkbenchStale)
		if err != nil {
			return nil, err
		}
		if len(stale) == 0 {
			return nil, nil
		}
		var items []string
		for _, c := range stale {
			since := c.CreatedAt
			if c.LastActivityAt != nil {
				since = *c.LastActivityAt
			}
			items = append(items, T("today.stale_item", conversation.ShortName(c.Name), crm.DateOf(since.In(now.Location())).DaysUntil(crm.DateOf(now))))
		}
		text = T("push.stale", b.opt.StaleDays, strings.Join(items, "，"))
		menu = []conversation.Choice{{Label: T("btn.log_visit_for", conversation.ShortName(stale[0].Name)), Value: "/visit #" + strconv.FormatInt(stale[0].ID, 10)}}
	case crm.PushReportDue:
		start, _ := crm.PeriodRange(p.Kind, now)
		if _, err := b.opt.Store.ReportFor(ctx, u.ID, p.Kind, start); err == nil {
			return nil, nil // filed since the reminder was queued
		}
		text = T("push.report_due_"+string(p.Kind), u.Name)
		arg := ""
		if p.Kind != crm.PeriodDay {
			arg = " " + string(p.Kind)
		}
		menu = []conversation.Choice{{Label: T("btn.write_report"), Value: "/report" + arg}}
	case crm.PushReportComment:
		rp, err := b.opt.Store.Report(ctx, p.ReportID)
		if err != nil {
			return nil, err
		}
		by, err := b.opt.Store.User(ctx, rp.CommentBy)
		if err != nil {
			return nil, err
		}
		text = T("push.report_comment", by.Name, T("report.kind_"+string(rp.Kind)), rp.Comment)
	case crm.PushHandover:
		names, err := b.userNames(ctx)
		if err != nil {
			return nil, err
		}
		if u.ID == p.From {
			text = T("push.handover_from", names[p.By], p.Customers, names[p.To])
		} else {
			text = T("push.handover_to", names[p.By], names[p.From], p.Customers, p.Deals, p.Appointments)
		}
	case crm.PushTransferRequest:
		req, err := b.opt.Store.TransferRequest(ctx, p.RequestID)
		if err != nil {
			return nil, err
		}
		if req.Status != crm.RequestPending {
			return nil, nil // decided already (by another manager)
		}
		line, err := b.transferText(ctx, lang, req)
		if err != nil {
			return nil, err
		}
		text = T("push.transfer_request", line)
		id := strconv.FormatInt(req.ID, 10)
		menu = []conversation.Choice{{Label: T("btn.approve"), Value: "/transfer approve #" + id}, {Label: T("btn.reject"), Value: "/transfer reject #" + id}}
	case crm.PushTransferDecided:
		req, err := b.opt.Store.TransferRequest(ctx, p.RequestID)
		if err != nil {
			return nil, err
		}
		line, err := b.transferText(ctx, lang, req)
		if err != nil {
			return nil, err
		}
		text = T("push.transfer_"+req.Status, line)
	case crm.PushDigest:
		var err error
		if text, err = b.digest(ctx, lang, u, now); err != nil {
			return nil, err
		}
		imgs, err := b.digestCharts(ctx, lang, u, now)
		if err != nil {
			return nil, err
		}
		out := []crm.Message{{Text: text}}
		for _, img := range imgs {
			out = append(out, crm.Message{Image: img})
		}
		return out, nil
	default:
		return nil, fmt.Errorf("push %d: unknown kind %q", it.ID, it.Kind)
	}
	if len(menu) == 0 || to.UserID == 0 {
		return []crm.Message{{Text: text}}, nil
	}
	env := &conversation.Env{Store: b.opt.Store, Viewer: crm.Viewer{User: u}, Lang: lang, Now: now, Channel: to.Channel, ChatID: to.ChatID, UserKey: to.ExternalID}
	m, err := b.engine.Offer(ctx, env, text, menu)
	if err != nil {
		return nil, err
	}
	return []crm.Message{m}, nil
}

// userNames maps user ids to names.
func (b *Bot) userNames(ctx context.Context) (map[int64]string, error) {
	users, err := b.opt.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Name
	}
	return out, nil
}

func (b *Bot) deptName(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	depts, err := b.opt.Store.Departments(ctx)
	if err != nil {
		return ""
	}
	for _, d := range depts {
		if d.ID == id {
			return d.Name
		}
	}
	return ""
}

func (b *Bot) appointment(ctx context.Context, id int64) (crm.Appointment, crm.Customer, error) {
	a, err := b.opt.Store.Appointment(ctx, id)
	if err != nil {
		return a, crm.Customer{}, err
	}
	c, err := b.opt.Store.Customer(ctx, a.CustomerID)
	return a, c, err
}

func (b *Bot) plan(ctx context.Context, id int64) (crm.PaymentPlan, crm.Customer, error) {
	p, err := b.opt.Store.PaymentPlan(ctx, id)
	if err != nil {
		return p, crm.Customer{}, err
	}
	c, err := b.opt.Store.Customer(ctx, p.CustomerID)
	return p, c, err
}

// digest writes a manager's day: the team's numbers, who filed their daily
// report, and the day's duplicate claims.
func (b *Bot) digest(ctx context.Context, lang string, m crm.User, now time.Time) (string, error) {
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	depts, err := b.opt.Store.Departments(ctx)
	if err != nil {
		return "", err
	}
	v := crm.ViewerOf(m, depts)
	sc := v.Scope()
	dayStart, dayEnd := crm.PeriodRange(crm.PeriodDay, now)
	st, err := b.opt.Store.TeamStats(ctx, sc, dayStart.Time(now.Location()), dayEnd.Time(now.Location()))
	if err != nil {
		return "", err
	}
	team := T("start.no_dept")
	if n := b.deptName(ctx, m.DeptID); n != "" && m.Role == crm.RoleManager {
		team = n
	}
	lines := []string{T("digest.title", team, conversation.FormatDate(lang, dayStart), st.NewCustomers, st.Activities, st.StageMoves, st.Payments.String())}
	users, err := b.opt.Store.Users(ctx)
	if err != nil {
		return "", err
	}
	var reps []crm.User
	var ids []int64
	for _, u := range users {
		if u.Active && u.Role == crm.RoleRep && v.CanManage(u) {
			reps = append(reps, u)
			ids = append(ids, u.ID)
		}
	}
	if len(reps) > 0 {
		filed, err := b.opt.Store.ReportsFiled(ctx, crm.PeriodDay, dayStart, ids)
		if err != nil {
			return "", err
		}
		var missing []string
		for _, u := range reps {
			if !filed[u.ID] {
				missing = append(missing, u.Name)
			}
		}
		line := T("digest.reports", len(reps)-len(missing), len(reps))
		if len(missing) > 0 {
			line += T("digest.reports_missing", strings.Join(missing, "、"))
		}
		lines = append(lines, line)
	}
	if len(st.Claims) > 0 {
		names := map[int64]string{}
		for _, u := range users {
			names[u.ID] = u.Name
		}
		var items []string
		for _, c := range st.Claims {
			items = append(items, T("digest.claim", names[c.ClaimantID], conversation.Short(c.RawName, 14), names[c.OwnerID]))
		}
		lines = append(lines, T("digest.claims", len(st.Claims), strings.Join(items, "；")))
	}
	if m.Role == crm.RoleAdmin {
		// Pushes nobody could receive (a rep not bound to any chat, or who
		// blocked the bot) are the admin's to fix.
		dead, err := b.opt.Store.OutboxItems(ctx, crm.OutboxDead, 200)
		if err != nil {
			return "", err
		}
		names := map[int64]string{}
		for _, u := range users {
			names[u.ID] = u.Name
		}
		// Pushes that may have arrived (no answer came; not resent) are
		// listed apart: nothing is wrong with those people's accounts.
		who, unsure := map[string]bool{}, map[string]bool{}
		var list, unsureList []string
		for _, it := range dead {
			if it.CreatedAt.Before(dayStart.Time(now.Location())) {
				continue
			}
			n := names[it.UserID]
			if it.UserID == 0 {
				n = it.Channel + ":" + it.ChatID
			}
			if strings.Contains(it.LastError, "uncertain") {
				if !unsure[n] {
					unsure[n] = true
					unsureList = append(unsureList, n)
				}
				continue
			}
			if !who[n] {
				who[n] = true
				list = append(list, n)
			}
		}
		if len(list) > 0 {
			lines = append(lines, T("digest.undelivered", len(list), strings.Join(list, "、")))
		}
		if len(unsureList) > 0 {
			lines = append(lines, T("digest.uncertain", len(unsureList), strings.Join(unsureList, "、")))
		}
	}
	return strings.Join(lines, "\n"), nil
}

// digestCharts draws the manager digest's pictures: this month's target
// progress (or, with no targets, payments) per rep, and where the team's
// customers come from. No font or no data: no pictures.
func (b *Bot) digestCharts(ctx context.Context, lang string, m crm.User, now time.Time) ([]*crm.Image, error) {
	if b.opt.Charts == nil {
		return nil, nil
	}
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	depts, err := b.opt.Store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	v := crm.ViewerOf(m, depts)
	var out []*crm.Image
	loc := now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, now)
	users, err := b.opt.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	var rows []chart.Progress
	for _, u := range users {
		if !u.Active || u.Role != crm.RoleRep || !v.CanManage(u) {
			continue
		}
		ps, err := report.UnitProgress(ctx, b.opt.Store, crm.UnitUser, u.ID, crm.Scope{OwnerID: u.ID}, crm.PeriodMonth, now)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Metric == crm.MetricPayments {
				rows = append(rows, chart.Progress{Label: u.Name, Actual: float64(p.Actual) / 100, Target: float64(p.Target) / 100})
			}
		}
	}
	if len(rows) > 0 {
		if png, err := b.opt.Charts.ProgressChart(chart.Options{Title: T("digest.chart_targets")}, rows); err == nil {
			out = append(out, &crm.Image{Name: "digest-targets.png", PNG: png})
		}
	} else {
		ranking, err := report.Ranking(ctx, b.opt.Store, v, report.RankPayments, mStart.Time(loc), mEnd.Time(loc))
		if err != nil {
			return nil, err
		}
		var bars []chart.Bar
		for _, r := range ranking {
			bars = append(bars, chart.Bar{Label: r.Name, Value: float64(r.Amount) / 100})
		}
		if png, err := b.opt.Charts.RankingChart(chart.Options{Title: T("stats.rank_chart_title"), ValueFormat: yuanFormat}, bars); err == nil {
			out = append(out, &crm.Image{Name: "digest-payments.png", PNG: png})
		}
	}
	d, err := report.CustomerDistribution(ctx, b.opt.Store, v.Scope(), "source")
	if err != nil {
		return nil, err
	}
	var slices []chart.Bar
	for _, it := range d.Items {
		label := it.Key
		if label == "" {
			label = T("stats.unset")
		}
		slices = append(slices, chart.Bar{Label: label, Value: float64(it.N)})
	}
	if png, err := b.opt.Charts.PieChart(chart.Options{Title: T("digest.chart_sources"), OtherLabel: T("industry.other")}, slices); err == nil {
		out = append(out, &crm.Image{Name: "digest-sources.png", PNG: png})
	}
	return out, nil
}
