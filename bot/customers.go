package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// pageSize is how many customers a list shows at once.
const pageSize = 10

// customerLine is one customer in a list: name, owner (when not mine),
// last contact.
func customerLine(r *Request, i int, c crm.Customer) string {
	line := fmt.Sprintf("%d. %s", i, c.Name)
	if c.InPool() {
		line += " · " + r.T("card.pool", poolWhy(r, c))
	} else if c.OwnerID != r.User.ID {
		line += " · " + c.OwnerName
	}
	if c.LastActivityAt != nil {
		line += " · " + r.T("list.last_contact", conversation.FormatShortDate(r.Lang, crm.DateOf(c.LastActivityAt.In(r.Now.Location()))))
	} else {
		line += " · " + r.T("list.never_contacted")
	}
	return line
}

// sayCustomerList shows customers numbered, with a button per customer that
// opens its card, plus any navigation buttons.
func (s *Services) sayCustomerList(ctx context.Context, r *Request, title string, cs []crm.Customer, nav []conversation.Choice) error {
	lines := []string{title}
	var menu []conversation.Choice
	for i, c := range cs {
		lines = append(lines, customerLine(r, i+1, c))
		menu = append(menu, conversation.Choice{Label: conversation.Short(c.Name, 14), Value: "/customer #" + strconv.FormatInt(c.ID, 10)})
	}
	menu = append(menu, nav...)
	return s.offer(ctx, r, strings.Join(lines, "\n"), menu)
}

func customerCard(r *Request, f sales.File) string {
	c := f.Customer
	var sb strings.Builder
	sb.WriteString("🏢 " + c.Name)
	if facts := conversation.CustomerFacts(r.Lang, c); len(facts) > 0 {
		sb.WriteString("\n" + strings.Join(facts, " · "))
	}
	if c.InPool() {
		sb.WriteString("\n" + r.T("card.pool", poolWhy(r, c)))
	} else {
		sb.WriteString("\n" + r.T("card.owner", c.OwnerName, conversation.FormatShortDate(r.Lang, crm.DateOf(c.CreatedAt.In(r.Now.Location())))))
	}
	for _, ct := range c.Contacts {
		sb.WriteString("\n" + r.T("card.contact", strings.Join(strings.Fields(ct.Name+" "+ct.Title+" "+ct.Phone), " ")))
	}
	if deals := f.Deals; len(deals) > 0 {
		sb.WriteString("\n\n" + r.T("card.deals"))
		for _, d := range deals {
			line := "\n· " + conversation.StageName(r.Lang, d.Stage) + " " + strconv.Itoa(d.WinPct) + "% " + d.Amount.String()
			if d.CloseDate != "" {
				key := "stage.close_by"
				if d.Stage == crm.StageContract {
					key = "stage.close_by_won"
				}
				line += " · " + r.T(key, conversation.FormatShortDate(r.Lang, d.CloseDate))
				if d.Overdue(crm.DateOf(r.Now)) {
					line += conversation.Aside(r.Lang, r.T("deal.overdue"))
				}
			}
			if d.Note != "" {
				line += "\n  " + r.T("card.deal_note", conversation.Short(d.Note, 60))
			}
			sb.WriteString(line)
		}
	}
	if acts := f.Activities; len(acts) > 0 {
		sb.WriteString("\n\n" + r.T("card.activities"))
		for _, a := range acts {
			line := "\n· " + conversation.FormatShortDate(r.Lang, crm.DateOf(a.At.In(r.Now.Location()))) + " " + conversation.Labelled(r.Lang, r.T("activity."+string(a.Kind)), conversation.Short(a.Content, 40))
			if a.NextAction != "" || a.NextDate != "" {
				line += r.T("card.next", strings.TrimSpace(conversation.FormatShortDate(r.Lang, a.NextDate)+" "+a.NextAction))
			}
			sb.WriteString(line)
		}
	}
	if len(f.Plans) > 0 || f.Payments > 0 {
		sb.WriteString("\n\n" + r.T("card.payments", f.Received.String()))
		due := false
		for _, p := range f.Plans {
			if p.Open() {
				if !due {
					sb.WriteString(r.T("card.payments_due"))
					due = true
				}
				sb.WriteString("\n· " + r.T("pay.plan_line", conversation.FormatShortDate(r.Lang, p.DueDate), (p.Amount-p.Paid).String()))
			}
		}
	}
	if f.Attachments > 0 {
		sb.WriteString("\n" + r.T("card.files", f.Attachments))
	}
	if n := len(f.CheckIns); n > 0 {
		k := f.CheckIns[0]
		at := k.At.In(r.Now.Location())
		line := r.T("card.checkins", n, conversation.FormatShortDate(r.Lang, crm.DateOf(at))+" "+at.Format("15:04"))
		if k.Far() {
			line += " ⚠️ " + conversation.FormatDistance(r.Lang, float64(*k.DistanceM))
		}
		sb.WriteString("\n\n" + line)
	}
	for _, k := range f.Complaints {
		sb.WriteString("\n❗ " + conversation.Short(k.Content, 40))
	}
	if c.Note != "" {
		sb.WriteString("\n\n" + c.Note)
	}
	return sb.String()
}
