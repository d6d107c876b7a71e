package bot

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// customerCommand shows a customer's card or history.
var customerCommand = Command{Name: "customer", Keyword: "客户", HelpKey: "help.customer", Usage: "usage.customer", Run: runCustomer}

// runCustomer shows one customer's card.
func runCustomer(ctx context.Context, r *Request, s *Services) error {
	q, history := splitHistory(strings.TrimSpace(r.Args))
	if q == "" {
		r.Sayf("customer.usage")
		return nil
	}
	found, sure, err := s.Sales.PickCustomer(ctx, r.Viewer, q, sales.See, pageSize)
	if err != nil {
		return err
	}
	switch {
	case len(found) == 0:
		// The same answer for "no such customer" and "not yours": ids
		// reveal nothing.
		r.Sayf("find.none", q)
		return nil
	case !sure:
		return s.sayCustomerList(ctx, r, r.T("find.title", q, len(found)), found, nil)
	}
	c := found[0]
	if history {
		return s.customerHistory(ctx, r, c)
	}
	f, err := s.Sales.CustomerFile(ctx, r.Viewer, c.ID, 3)
	if err != nil {
		return err
	}
	text := customerCard(r, f)
	id := "#" + strconv.FormatInt(c.ID, 10)
	if c.InPool() {
		return s.offer(ctx, r, text, []conversation.Choice{{Label: r.T("btn.claim"), Value: "/pool claim " + id},
			{Label: r.T("btn.history"), Value: "/customer " + id + " history"}})
	}
	menu := []conversation.Choice{{Label: r.T("btn.log_visit"), Value: "/visit " + id}}
	if f.CanChange { // not for collaborators
		menu = append(menu, conversation.Choice{Label: r.T("btn.advance_stage"), Value: "/stage " + id},
			conversation.Choice{Label: r.T("btn.payment"), Value: "/pay " + id},
			conversation.Choice{Label: r.T("btn.release"), Value: "/pool release " + id})
	}
	if f.Attachments > 0 {
		menu = append(menu, conversation.Choice{Label: r.T("btn.files"), Value: "/files " + id})
	}
	menu = append(menu, conversation.Choice{Label: r.T("btn.history"), Value: "/customer " + id + " history"})
	return s.offer(ctx, r, text, menu)
}

// historyWords end a /customer argument that asks for the history.
var historyWords = []string{"history", "历史", "记录", "变更"}

// splitHistory tells "青禾 history" → ("青禾", true).
func splitHistory(args string) (string, bool) {
	f := strings.Fields(args)
	if len(f) >= 2 {
		last := strings.ToLower(f[len(f)-1])
		for _, w := range historyWords {
			if last == w {
				return strings.Join(f[:len(f)-1], " "), true
			}
		}
	}
	return args, false
}

// customerHistory shows who changed what on a customer, and when.
func (s *Services) customerHistory(ctx context.Context, r *Request, c crm.Customer) error {
	entries, err := s.Sales.History(ctx, r.Viewer, c.ID, 30)
	if err != nil {
		return err
	}
	names, err := s.Sales.UserNames(ctx)
	if err != nil {
		return err
	}
	lines := []string{r.T("history.title", c.Name)}
	for _, e := range entries {
		who := names[e.UserID]
		if who == "" {
			who = r.T("history.system")
		}
		when := conversation.FormatShortDate(r.Lang, crm.DateOf(e.At.In(r.Now.Location()))) + " " + e.At.In(r.Now.Location()).Format("15:04")
		lines = append(lines, "· "+when+" "+who+" "+s.describeAudit(r, e, names))
	}
	if len(entries) == 0 {
		lines = append(lines, r.T("history.none"))
	}
	r.Say(crm.Message{Text: strings.Join(lines, "\n")})
	return nil
}

// describeAudit says what an audit entry changed, in the reader's words.
func (s *Services) describeAudit(r *Request, e crm.AuditEntry, names map[int64]string) string {
	var after map[string]any
	_ = json.Unmarshal([]byte(e.After), &after)
	str := func(k string) string {
		if v, ok := after[k].(string); ok {
			return v
		}
		return ""
	}
	num := func(k string) int64 {
		if v, ok := after[k].(float64); ok {
			return int64(v)
		}
		return 0
	}
	key := "history." + e.Entity + "." + e.Action
	switch key {
	case "history.activity.create":
		return r.T(key, conversation.Short(str("Content"), 30))
	case "history.deal.create", "history.deal.update":
		return r.T(key, conversation.StageName(r.Lang, crm.Stage(str("Stage"))), num("WinPct"), crm.Money(num("Amount")).String())
	case "history.payment.create", "history.payment_plan.create":
		return r.T(key, crm.Money(num("Amount")).String())
	case "history.customer.handover", "history.deal.handover", "history.appointment.handover":
		var before map[string]any
		_ = json.Unmarshal([]byte(e.Before), &before)
		from, _ := before["owner_id"].(float64)
		if from == 0 {
			from, _ = before["user_id"].(float64)
		}
		to := num("owner_id")
		if to == 0 {
			to = num("user_id")
		}
		return r.T(key, names[int64(from)], names[to])
	case "history.customer.duplicate_claim":
		return r.T(key, str("RawName"))
	case "history.attachment.create":
		return r.T(key, str("Name"))
	case "history.checkin.create":
		how := r.T("history.checkin.first")
		if d, ok := after["distance_m"].(float64); ok {
			how = r.T("history.checkin.distance", conversation.FormatDistance(r.Lang, d))
		}
		return r.T(key, how)
	}
	if conversation.HasKey(key) {
		return r.T(key)
	}
	return r.T("history.other", e.Entity, e.Action)
}
