package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// todayCommand shows the workbench now.
var todayCommand = Command{Name: "today", Keyword: "工作台", HelpKey: "help.today", Run: runToday}

// runToday shows the workbench now.
func runToday(ctx context.Context, r *Request, s *Services) error {
	w, err := s.Sales.Workbench(ctx, r.Viewer, r.Now, s.StaleDays)
	if err != nil {
		return err
	}
	if w.PoolSoon, err = s.Sales.PoolSoon(ctx, r.Viewer, s.Pool, r.Now); err != nil {
		return err
	}
	reqText, reqMenu, err := requestsToDecide(ctx, r, s)
	if err != nil {
		return err
	}
	if w.Empty() && w.ReportFiled && reqText == "" {
		r.Sayf("today.nothing", r.User.Name)
		return nil
	}
	text, menu := RenderWorkbench(r.Lang, w, r.Now, s.StaleDays)
	if reqText != "" {
		text, menu = text+"\n"+reqText, append(menu, reqMenu...)
	}
	return s.offer(ctx, r, text, menu)
}

// quietCustomers words the quietest customers of a total (the workbench's
// and the quiet-customers push's list) and gives each its own row of
// buttons: log a visit, mark contacted, snooze.
func quietCustomers(lang string, list []crm.Customer, total int, now time.Time) (string, []conversation.Choice) {
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	var items []string
	var menu []conversation.Choice
	for _, c := range list {
		since := c.CreatedAt
		if c.LastActivityAt != nil {
			since = *c.LastActivityAt
		}
		days := crm.DateOf(since.In(now.Location())).DaysUntil(crm.DateOf(now))
		name := conversation.ShortName(c.Name)
		items = append(items, T("today.stale_item", name, days))
		id := strconv.FormatInt(c.ID, 10)
		menu = append(menu, conversation.Choice{Label: T("btn.log_visit_for", name), Value: "/visit #" + id},
			conversation.Choice{Label: T("btn.mark_contacted_for", name), Value: "/contacted #" + id},
			conversation.Choice{Label: T("btn.snooze_for", name), Value: "/snooze #" + id})
	}
	if total > len(list) {
		items = append(items, "…")
	}
	return conversation.List(lang, items), menu
}

// RenderWorkbench writes a workbench as one message and its action
// buttons (each a command line). The scheduler's morning push uses it too.
func RenderWorkbench(lang string, w crm.Workbench, now time.Time, staleDays int) (string, []conversation.Choice) {
	T := func(k string, a ...any) string { return conversation.T(lang, k, a...) }
	name := func(id int64) string { return conversation.ShortName(w.CustomerNames[id]) }
	lines := []string{T("today.title", w.User.Name, conversation.FormatDate(lang, w.Date))}
	var menu []conversation.Choice
	if len(w.PaymentsDue) > 0 {
		var items []string
		for i, p := range w.PaymentsDue {
			if i == 3 {
				items = append(items, "…")
				break
			}
			when := conversation.FormatShortDate(lang, p.DueDate)
			if p.DueDate < w.Date {
				when = T("today.overdue", when)
			}
			items = append(items, name(p.CustomerID)+" "+(p.Amount-p.Paid).String()+conversation.Aside(lang, when))
		}
		lines = append(lines, T("today.payments", len(w.PaymentsDue), w.DueTotal.String(), conversation.List(lang, items)))
	}
	if len(w.TopDeals) > 0 {
		var items []string
		for _, d := range w.TopDeals {
			item := name(d.CustomerID) + " " + conversation.StageName(lang, d.Stage) + " " + strconv.Itoa(d.WinPct) + "% " + d.Amount.String()
			if d.Overdue(w.Date) {
				item += conversation.Aside(lang, T("today.deal_overdue", conversation.FormatShortDate(lang, d.CloseDate)))
			}
			items = append(items, item)
		}
		lines = append(lines, T("today.deals", conversation.List(lang, items)))
	}
	if len(w.Stale) > 0 {
		items, buttons := quietCustomers(lang, w.Stale, w.StaleTotal, now)
		lines = append(lines, T("today.stale", staleDays, max(w.StaleTotal, len(w.Stale)), items))
		menu = append(menu, buttons...)
	}
	if len(w.PoolSoon) > 0 {
		var items []string
		for _, c := range w.PoolSoon {
			name := conversation.ShortName(c.Name)
			items = append(items, T("today.pool_soon_item", name, c.Days))
			menu = append(menu, conversation.Choice{Label: T("btn.log_visit_for", name), Value: "/visit #" + strconv.FormatInt(c.CustomerID, 10)})
		}
		lines = append(lines, T("today.pool_soon", conversation.Semi(lang, items)))
	}
	if len(w.Appointments) > 0 {
		var items []string
		for _, a := range w.Appointments {
			item := a.At.In(now.Location()).Format("15:04") + " " + name(a.CustomerID)
			var extra []string
			for _, x := range []string{a.Place, a.Purpose} {
				if x != "" {
					extra = append(extra, conversation.Short(x, 16))
				}
			}
			if len(extra) > 0 {
				item += conversation.Aside(lang, conversation.List(lang, extra))
			}
			items = append(items, item)
		}
		lines = append(lines, T("today.appointments", conversation.Semi(lang, items)))
	}
	if len(w.NextActions) > 0 {
		var items []string
		for _, a := range w.NextActions {
			items = append(items, name(a.CustomerID)+" "+conversation.Short(a.NextAction, 20))
		}
		lines = append(lines, T("today.next_actions", conversation.Semi(lang, items)))
	}
	if len(w.Complaints) > 0 {
		var items []string
		for i, k := range w.Complaints {
			if i == 3 {
				items = append(items, "…")
				break
			}
			days := crm.DateOf(k.CreatedAt.In(now.Location())).DaysUntil(w.Date)
			items = append(items, name(k.CustomerID)+conversation.Aside(lang, conversation.List(lang, []string{conversation.Short(k.Content, 12), T("today.days", days)})))
		}
		lines = append(lines, T("today.complaints", len(w.Complaints), conversation.List(lang, items)))
		menu = append(menu, conversation.Choice{Label: T("btn.complaint_close"), Value: "/complaint close"})
	}
	if !w.ReportFiled {
		lines = append(lines, T("today.no_report"))
	}
	if w.Empty() {
		lines = append(lines, T("today.all_clear"))
	}
	return strings.Join(lines, "\n"), menu
}
