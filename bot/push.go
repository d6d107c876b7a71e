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
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/report"
	"github.com/salesbot-crm/salesbot/sales"
)

// pushRequest is one outbox row being rendered: for whom, in which
// language, at what time.
type pushRequest struct {
	Item   crm.OutboxItem
	Viewer crm.Viewer // the recipient; sales.System() for a group push
	Lang   string
	Now    time.Time
}

func (p *pushRequest) T(k string, a ...any) string { return conversation.T(p.Lang, k, a...) }

// pushed is what a push renderer says: text with follow-up buttons (each a
// command line), or whole messages (a digest with charts). Nothing at all
// means there is nothing to say any more.
type pushed struct {
	Text     string
	Menu     []conversation.Choice
	Messages []crm.Message
}

// pushKind renders one kind of outbox row from its typed payload.
type pushKind interface {
	render(ctx context.Context, s *Services, p *pushRequest) (pushed, error)
}

// pushRow is a push kind with payload type P and its renderer.
type pushRow[P crm.PushPayload] func(ctx context.Context, s *Services, p *pushRequest, payload P) (pushed, error)

func (f pushRow[P]) render(ctx context.Context, s *Services, p *pushRequest) (pushed, error) {
	var payload P
	if err := json.Unmarshal([]byte(p.Item.Payload), &payload); err != nil {
		return pushed{}, fmt.Errorf("push %d: payload: %w", p.Item.ID, err)
	}
	return f(ctx, s, p, payload)
}

// pushTable is the one list of push kinds: a new kind is one row here, a
// payload type in crm and its renderer.
func pushTable() map[string]pushKind {
	return map[string]pushKind{
		crm.PushDuplicateClaim:  pushRow[crm.DuplicateClaim](renderDuplicateClaim),
		crm.PushWorkbench:       pushRow[crm.DayPush](renderWorkbenchPush),
		crm.PushAppointment:     pushRow[crm.AppointmentPush](renderAppointment),
		crm.PushPaymentDue:      pushRow[crm.PaymentDuePush](renderPaymentDue),
		crm.PushStale:           pushRow[crm.DayPush](renderStale),
		crm.PushReportDue:       pushRow[crm.ReportDuePush](renderReportDue),
		crm.PushReportComment:   pushRow[crm.ReportCommentPush](renderReportComment),
		crm.PushHandover:        pushRow[crm.HandoverPush](renderHandover),
		crm.PushTransferRequest: pushRow[crm.TransferPush](renderTransferRequest),
		crm.PushTransferDecided: pushRow[crm.TransferPush](renderTransferDecided),
		crm.PushDigest:          pushRow[crm.DayPush](renderDigest),
		crm.PushMemberLeft:      pushRow[crm.MemberLeftPush](renderMemberLeft),
		crm.PushPoolReleased:    pushRow[crm.PoolPush](renderPoolReleased),
	}
}

// RenderPush turns an outbox row into the messages for one chat, in the
// recipient's language, from the data as it is now (a plan paid since the
// reminder was queued says nothing). Buttons on a user's push are live
// follow-up actions in that chat. It is the scheduler's RenderFunc.
func (b *Bot) RenderPush(ctx context.Context, it crm.OutboxItem, to crm.Identity) ([]crm.Message, error) {
	msgs, lang, err := b.renderPush(ctx, it, to)
	for i := range msgs {
		msgs[i].Lang = lang
	}
	return msgs, err
}

// renderPush renders a push and says its language.
func (b *Bot) renderPush(ctx context.Context, it crm.OutboxItem, to crm.Identity) ([]crm.Message, string, error) {
	s := b.svc
	kind, ok := pushTable()[it.Kind]
	if !ok {
		return nil, "", fmt.Errorf("push %d: unknown kind %q", it.ID, it.Kind)
	}
	// A group push was queued by a rule for the team (System reads it); a
	// user's push is read as that user.
	p := &pushRequest{Item: it, Viewer: sales.System(), Lang: s.DefaultLang, Now: s.Now().In(s.Location)}
	if it.UserID != 0 {
		u, err := s.Sales.User(ctx, it.UserID)
		if err != nil {
			return nil, "", err
		}
		if p.Viewer, err = s.Sales.ViewerOf(ctx, u); err != nil {
			return nil, "", err
		}
		if u.Locale != "" {
			p.Lang = u.Locale
		}
	}
	out, err := kind.render(ctx, s, p)
	if err != nil || out.Messages != nil || out.Text == "" {
		return out.Messages, p.Lang, err
	}
	if len(out.Menu) == 0 || to.UserID == 0 {
		return []crm.Message{{Text: out.Text}}, p.Lang, nil
	}
	env := &conversation.Env{Sales: s.Sales, Viewer: p.Viewer, Lang: p.Lang, Now: p.Now, Channel: to.Channel, ChatID: to.ChatID, UserKey: to.ExternalID}
	m, err := s.Engine.Offer(ctx, env, out.Text, out.Menu)
	if err != nil {
		return nil, "", err
	}
	return []crm.Message{m}, p.Lang, nil
}

// gone reports a read that found nothing: what the push was about was
// moved, deleted or handed to someone else since it was queued.
func gone(err error) bool { return errors.Is(err, crm.ErrNotFound) }

func renderDuplicateClaim(ctx context.Context, s *Services, p *pushRequest, d crm.DuplicateClaim) (pushed, error) {
	a, err := s.Sales.ClaimAlert(ctx, d)
	if err != nil {
		return pushed{}, err
	}
	loc := p.Now.Location()
	return pushed{Text: p.T("push.duplicate_claim", a.Claimant.Name, d.RawName, conversation.OwnerLabel(p.Lang, a.Customer.OwnerName, a.OwnerDept),
		conversation.FormatShortDate(p.Lang, crm.DateOf(a.Customer.CreatedAt.In(loc))), d.At.In(loc).Format("15:04"))}, nil
}

func renderWorkbenchPush(ctx context.Context, s *Services, p *pushRequest, _ crm.DayPush) (pushed, error) {
	w, err := s.Sales.Workbench(ctx, p.Viewer, p.Now, s.StaleDays)
	if err != nil {
		return pushed{}, err
	}
	if w.PoolSoon, err = s.Sales.PoolSoon(ctx, p.Viewer, s.Pool, p.Now); err != nil || w.Empty() {
		return pushed{}, err
	}
	text, menu := RenderWorkbench(p.Lang, w, p.Now, s.StaleDays)
	return pushed{Text: p.T("push.good_morning") + text, Menu: menu}, nil
}

func renderAppointment(ctx context.Context, s *Services, p *pushRequest, ap crm.AppointmentPush) (pushed, error) {
	a, c, err := s.Sales.AppointmentFor(ctx, p.Viewer, ap.AppointmentID)
	if gone(err) || (err == nil && !a.At.After(p.Now)) {
		return pushed{}, nil // moved or already past
	}
	if err != nil {
		return pushed{}, err
	}
	what := c.Name
	var extra []string
	for _, x := range []string{a.Place, a.Purpose} {
		if x != "" {
			extra = append(extra, x)
		}
	}
	if len(extra) > 0 {
		what += conversation.Aside(p.Lang, conversation.List(p.Lang, extra))
	}
	// The time left as it is when the reminder goes out (the job runs
	// every few minutes; a late push is not "in 30 minutes").
	at := a.At.In(p.Now.Location()).Format("15:04")
	text := p.T("push.appointment_now", at, what)
	if mins := int(a.At.Sub(p.Now).Round(time.Minute) / time.Minute); mins > 1 {
		text = p.T("push.appointment", mins, at, what)
	}
	return pushed{Text: text,
		Menu: []conversation.Choice{{Label: p.T("btn.log_visit"), Value: "/visit #" + strconv.FormatInt(c.ID, 10)}}}, nil
}

func renderPaymentDue(ctx context.Context, s *Services, p *pushRequest, pd crm.PaymentDuePush) (pushed, error) {
	plan, c, err := s.Sales.PaymentPlanFor(ctx, p.Viewer, pd.PlanID)
	if gone(err) {
		return pushed{}, nil
	}
	if err != nil || !plan.Open() {
		return pushed{}, err
	}
	left := (plan.Amount - plan.Paid).String()
	text := p.T("push.payment_today", c.Name, left)
	if pd.Days > 0 {
		text = p.T("push.payment_soon", c.Name, left, pd.Days, conversation.FormatDate(p.Lang, plan.DueDate))
	}
	return pushed{Text: text, Menu: []conversation.Choice{{Label: p.T("btn.payment"), Value: "/pay #" + strconv.FormatInt(c.ID, 10)}}}, nil
}

func renderStale(ctx context.Context, s *Services, p *pushRequest, _ crm.DayPush) (pushed, error) {
	stale, total, err := s.Sales.StaleCustomers(ctx, p.Viewer, p.Now.AddDate(0, 0, -s.StaleDays), crm.WorkbenchStale)
	if err != nil || len(stale) == 0 {
		return pushed{}, err
	}
	items, menu := quietCustomers(p.Lang, stale, total, p.Now)
	return pushed{Text: p.T("push.stale", total, s.StaleDays, items), Menu: menu}, nil
}

func renderReportDue(ctx context.Context, s *Services, p *pushRequest, rd crm.ReportDuePush) (pushed, error) {
	start, _ := crm.PeriodRange(rd.Kind, p.Now)
	if _, err := s.Sales.MyReport(ctx, p.Viewer, rd.Kind, start); err == nil {
		return pushed{}, nil // filed since the reminder was queued
	}
	arg := ""
	if rd.Kind != crm.PeriodDay {
		arg = " " + string(rd.Kind)
	}
	return pushed{Text: p.T("push.report_due_"+string(rd.Kind), p.Viewer.Name),
		Menu: []conversation.Choice{{Label: p.T("btn.write_report"), Value: "/report" + arg}}}, nil
}

func renderReportComment(ctx context.Context, s *Services, p *pushRequest, rc crm.ReportCommentPush) (pushed, error) {
	rp, by, err := s.Sales.ReportCommentFor(ctx, p.Viewer, rc.ReportID)
	if err != nil {
		return pushed{}, err
	}
	return pushed{Text: p.T("push.report_comment", by.Name, p.T("report.kind_"+string(rp.Kind)), rp.Comment)}, nil
}

func renderHandover(ctx context.Context, s *Services, p *pushRequest, h crm.HandoverPush) (pushed, error) {
	names, err := s.Sales.UserNames(ctx)
	if err != nil {
		return pushed{}, err
	}
	if p.Viewer.ID == h.From {
		return pushed{Text: p.T("push.handover_from", names[h.By], h.Customers, names[h.To])}, nil
	}
	return pushed{Text: p.T("push.handover_to", names[h.By], names[h.From], h.Customers, h.Deals, h.Appointments)}, nil
}

// renderMemberLeft asks a manager to hand over the customers of someone
// who left WeCom: the button starts the handover form with them (nothing
// once the customers are handed over).
func renderMemberLeft(ctx context.Context, s *Services, p *pushRequest, ml crm.MemberLeftPush) (pushed, error) {
	u, err := s.Sales.User(ctx, ml.UserID)
	if gone(err) {
		return pushed{}, nil
	}
	if err != nil {
		return pushed{}, err
	}
	n, err := s.Sales.CountOwned(ctx, p.Viewer, u.ID)
	if err != nil || n == 0 {
		return pushed{}, err
	}
	return pushed{Text: p.T("push.member_left", u.Name, n),
		Menu: []conversation.Choice{{Label: p.T("push.member_left_button", u.Name), Value: "/handover " + u.Name},
			{Label: p.T("push.member_left_pool"), Value: "/pool release-all " + u.Name}}}, nil
}

func renderTransferRequest(ctx context.Context, s *Services, p *pushRequest, tp crm.TransferPush) (pushed, error) {
	t, err := s.Sales.TransferFor(ctx, p.Viewer, tp.RequestID)
	if err != nil || t.Status != crm.RequestPending {
		return pushed{}, err // decided already (by another manager)
	}
	id := strconv.FormatInt(t.ID, 10)
	return pushed{Text: p.T("push.transfer_request", transferText(p.Lang, t)),
		Menu: []conversation.Choice{{Label: p.T("btn.approve"), Value: "/transfer approve #" + id}, {Label: p.T("btn.reject"), Value: "/transfer reject #" + id}}}, nil
}

func renderTransferDecided(ctx context.Context, s *Services, p *pushRequest, tp crm.TransferPush) (pushed, error) {
	t, err := s.Sales.TransferFor(ctx, p.Viewer, tp.RequestID)
	if err != nil {
		return pushed{}, err
	}
	if t.Status == crm.RequestVoid {
		what := p.T("transfer.request_" + t.Kind)
		if t.Customer.OwnerID == p.Viewer.ID {
			return pushed{Text: p.T("push.transfer_void_yours", t.Customer.Name, what)}, nil
		}
		return pushed{Text: p.T("push.transfer_void", t.Customer.Name, what, t.Customer.OwnerName)}, nil
	}
	return pushed{Text: p.T("push.transfer_"+t.Status, transferText(p.Lang, t))}, nil
}

func renderDigest(ctx context.Context, s *Services, p *pushRequest, _ crm.DayPush) (pushed, error) {
	text, err := s.digest(ctx, p)
	if err != nil {
		return pushed{}, err
	}
	imgs, err := s.digestCharts(ctx, p)
	if err != nil {
		return pushed{}, err
	}
	out := []crm.Message{{Text: text}}
	for _, img := range imgs {
		out = append(out, crm.Message{Image: img})
	}
	return pushed{Messages: out}, nil
}

// digest writes a manager's day: the team's numbers, who filed their daily
// report, and the day's duplicate claims.
func (s *Services) digest(ctx context.Context, p *pushRequest) (string, error) {
	now := p.Now
	dayStart, dayEnd := crm.PeriodRange(crm.PeriodDay, now)
	d, err := s.Sales.TeamDay(ctx, p.Viewer, dayStart.Time(now.Location()), dayEnd.Time(now.Location()))
	if err != nil {
		return "", err
	}
	st := d.Stats
	team := d.Team
	if team == "" {
		team = p.T("start.no_dept")
	}
	lines := []string{p.T("digest.title", team, conversation.FormatDate(p.Lang, dayStart), st.NewCustomers, st.Activities, st.StageMoves, st.Payments.String())}
	if st.Visits > 0 {
		lines = append(lines, p.T("digest.visits", st.Visits, st.CheckedVisits))
	}
	if len(d.Reps) > 0 {
		var missing []string
		for _, u := range d.Reps {
			if !d.Filed[u.ID] {
				missing = append(missing, u.Name)
			}
		}
		line := p.T("digest.reports", len(d.Reps)-len(missing), len(d.Reps))
		if len(missing) > 0 {
			line += p.T("digest.reports_missing", conversation.Enum(p.Lang, missing))
		}
		lines = append(lines, line)
	}
	if len(st.Claims) > 0 {
		var items []string
		for _, c := range st.Claims {
			items = append(items, p.T("digest.claim", d.Names[c.ClaimantID], conversation.Short(c.RawName, 14), d.Names[c.OwnerID]))
		}
		lines = append(lines, p.T("digest.claims", len(st.Claims), conversation.Semi(p.Lang, items)))
	}
	if pc, err := s.Sales.PoolCounts(ctx, dayStart.Time(now.Location()), dayEnd.Time(now.Location())); err != nil {
		return "", err
	} else if pc.Released > 0 || pc.Claimed > 0 || pc.InPool > 0 {
		lines = append(lines, p.T("digest.pool", pc.InPool, pc.Released, pc.Claimed))
	}
	// Pushes nobody could receive (a rep not bound to any chat, or who
	// blocked the bot) are the admin's to fix; those that may have arrived
	// (no answer came; not resent) are listed apart: nothing is wrong with
	// those people's accounts.
	who, unsure, left := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var list, unsureList, leftList []string
	for _, it := range d.Dead {
		n := d.Names[it.UserID]
		if it.UserID == 0 {
			n = it.Channel + ":" + it.ChatID
		}
		if strings.Contains(it.LastError, "is inactive") {
			// Deactivated (left WeCom, or by an admin): their pushes
			// are listed so that nothing they were due is lost.
			if !left[n] {
				left[n] = true
				leftList = append(leftList, n)
			}
			continue
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
		lines = append(lines, p.T("digest.undelivered", len(list), conversation.Enum(p.Lang, list)))
	}
	if len(unsureList) > 0 {
		lines = append(lines, p.T("digest.uncertain", len(unsureList), conversation.Enum(p.Lang, unsureList)))
	}
	if len(leftList) > 0 {
		lines = append(lines, p.T("digest.undelivered_left", conversation.Enum(p.Lang, leftList)))
	}
	return strings.Join(lines, "\n"), nil
}

// digestCharts draws the manager digest's pictures: this month's target
// progress (or, with no targets, payments) per rep, and where the team's
// customers come from. No font or no data: no pictures.
func (s *Services) digestCharts(ctx context.Context, p *pushRequest) ([]*crm.Image, error) {
	if s.Charts == nil {
		return nil, nil
	}
	v, now := p.Viewer, p.Now
	var out []*crm.Image
	loc := now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, now)
	team, err := s.Sales.Team(ctx, v)
	if err != nil {
		return nil, err
	}
	var rows []chart.Progress
	for _, u := range team {
		ps, err := s.Sales.Progress(ctx, sales.RepUnit(u), crm.PeriodMonth, now)
		if err != nil {
			return nil, err
		}
		for _, pr := range ps {
			if pr.Metric == crm.MetricPayments {
				rows = append(rows, chart.Progress{Label: u.Name, Actual: float64(pr.Actual) / 100, Target: float64(pr.Target) / 100})
			}
		}
	}
	if len(rows) > 0 {
		if png, err := s.Charts.ProgressChart(chart.Options{Title: p.T("digest.chart_targets")}, rows); err == nil {
			out = append(out, &crm.Image{Name: "digest-targets.png", PNG: png})
		}
	} else {
		ranking, err := s.Sales.Ranking(ctx, v, report.RankPayments, mStart.Time(loc), mEnd.Time(loc))
		if err != nil {
			return nil, err
		}
		var bars []chart.Bar
		for _, r := range ranking {
			bars = append(bars, chart.Bar{Label: r.Name, Value: float64(r.Amount) / 100})
		}
		if png, err := s.Charts.RankingChart(chart.Options{Title: p.T("stats.rank_chart_title"), ValueFormat: yuanFormat}, bars); err == nil {
			out = append(out, &crm.Image{Name: "digest-payments.png", PNG: png})
		}
	}
	d, err := s.Sales.Distribution(ctx, v, "source")
	if err != nil {
		return nil, err
	}
	var slices []chart.Bar
	for _, it := range d.Items {
		label := conversation.GroupLabel(p.Lang, choice.Source, it.Key)
		slices = append(slices, chart.Bar{Label: label, Value: float64(it.N)})
	}
	if png, err := s.Charts.PieChart(chart.Options{Title: p.T("digest.chart_sources"), OtherLabel: conversation.OtherLabel(p.Lang)}, slices); err == nil {
		out = append(out, &crm.Image{Name: "digest-sources.png", PNG: png})
	}
	return out, nil
}

// renderPoolReleased tells a former owner which of their customers the
// nightly job sent to the pool ("青禾新锐 已进入公海").
func renderPoolReleased(ctx context.Context, s *Services, p *pushRequest, pp crm.PoolPush) (pushed, error) {
	var names []string
	var first crm.Customer
	for _, id := range pp.Customers {
		c, err := s.Sales.PoolCustomer(ctx, p.Viewer, id)
		if gone(err) {
			continue // claimed by someone else since
		}
		if err != nil {
			return pushed{}, err
		}
		if first.ID == 0 {
			first = c
		}
		names = append(names, conversation.ShortName(c.Name))
	}
	switch {
	case pp.Count == 1 && first.ID != 0:
		return pushed{Text: p.T("push.pool_released", names[0], p.T("pool.reason."+first.PoolReason))}, nil
	case pp.Count > 1:
		if pp.Count > len(names) {
			names = append(names, "…")
		}
		return pushed{Text: p.T("push.pool_released_n", pp.Count, conversation.Enum(p.Lang, names))}, nil
	}
	return pushed{}, nil
}
