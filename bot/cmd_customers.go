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
	if c.OwnerID != r.User.ID {
		line += " · " + c.OwnerName
	}
	if c.LastActivityAt != nil {
		line += " · " + r.T("list.last_contact", conversation.FormatShortDate(r.Lang, crm.DateOf(c.LastActivityAt.In(r.Now.Location()))))
	} else {
		line += " · " + r.T("list.never_contacted")
	}
	return line
}

// cmdFind searches my (or my team's) customers by name, contact or phone.
func (b *Bot) cmdFind(ctx context.Context, r *Request) error {
	q := strings.TrimSpace(r.Args)
	if q == "" {
		r.Sayf("find.usage")
		return nil
	}
	if len([]rune(q)) > 100 {
		r.Sayf("text.too_long_n", 100)
		return nil
	}
	found, err := b.opt.Sales.FindCustomers(ctx, r.Viewer, q, sales.See, pageSize, 0)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		r.Sayf("find.none", q)
		return nil
	}
	return b.sayCustomerList(ctx, r, r.T("find.title", q, len(found)), found, nil)
}

// cmdMy lists my customers, most recently active first, a page at a time.
func (b *Bot) cmdMy(ctx context.Context, r *Request) error {
	page, _ := strconv.Atoi(strings.TrimSpace(r.Args))
	if page < 1 {
		page = 1
	}
	list, total, err := b.opt.Sales.MyCustomers(ctx, r.Viewer, pageSize, (page-1)*pageSize)
	if err != nil {
		return err
	}
	if total == 0 {
		r.Sayf("my.empty")
		return nil
	}
	pages := (total + pageSize - 1) / pageSize
	if page > pages {
		// Past the last page: show the last one.
		page = pages
		if list, _, err = b.opt.Sales.MyCustomers(ctx, r.Viewer, pageSize, (page-1)*pageSize); err != nil {
			return err
		}
	}
	var nav []conversation.Choice
	if page > 1 {
		nav = append(nav, conversation.Choice{Label: r.T("btn.prev_page"), Value: "/my " + strconv.Itoa(page-1)})
	}
	if page < pages {
		nav = append(nav, conversation.Choice{Label: r.T("btn.next_page"), Value: "/my " + strconv.Itoa(page+1)})
	}
	return b.sayCustomerList(ctx, r, r.T("my.title", total, page, pages), list, nav)
}

// sayCustomerList shows customers numbered, with a button per customer that
// opens its card, plus any navigation buttons.
func (b *Bot) sayCustomerList(ctx context.Context, r *Request, title string, cs []crm.Customer, nav []conversation.Choice) error {
	lines := []string{title}
	var menu []conversation.Choice
	for i, c := range cs {
		lines = append(lines, customerLine(r, i+1, c))
		menu = append(menu, conversation.Choice{Label: conversation.Short(c.Name, 14), Value: "/customer #" + strconv.FormatInt(c.ID, 10)})
	}
	menu = append(menu, nav...)
	m, err := b.engine.Offer(ctx, b.env(r), strings.Join(lines, "\n"), menu)
	if err != nil {
		return err
	}
	r.Say(m)
	return nil
}

// cmdCustomer shows one customer's card.
func (b *Bot) cmdCustomer(ctx context.Context, r *Request) error {
	q, history := splitHistory(strings.TrimSpace(r.Args))
	if q == "" {
		r.Sayf("customer.usage")
		return nil
	}
	found, err := b.opt.Sales.FindCustomers(ctx, r.Viewer, q, sales.See, pageSize, 0)
	if err != nil {
		return err
	}
	switch len(found) {
	case 0:
		// The same answer for "no such customer" and "not yours": ids
		// reveal nothing.
		r.Sayf("find.none", q)
		return nil
	case 1:
	default:
		return b.sayCustomerList(ctx, r, r.T("find.title", q, len(found)), found, nil)
	}
	c := found[0]
	if history {
		return b.customerHistory(ctx, r, c)
	}
	f, err := b.opt.Sales.CustomerFile(ctx, r.Viewer, c.ID, 3)
	if err != nil {
		return err
	}
	text := customerCard(r, f)
	id := "#" + strconv.FormatInt(c.ID, 10)
	menu := []conversation.Choice{{Label: r.T("btn.log_visit"), Value: "/visit " + id}}
	if f.CanChange { // not for collaborators
		menu = append(menu, conversation.Choice{Label: r.T("btn.advance_stage"), Value: "/stage " + id},
			conversation.Choice{Label: r.T("btn.payment"), Value: "/pay " + id})
	}
	menu = append(menu, conversation.Choice{Label: r.T("btn.history"), Value: "/customer " + id + " history"})
	m, err := b.engine.Offer(ctx, b.env(r), text, menu)
	if err != nil {
		return err
	}
	r.Say(m)
	return nil
}

func customerCard(r *Request, f sales.File) string {
	c := f.Customer
	var sb strings.Builder
	sb.WriteString("🏢 " + c.Name)
	var facts []string
	for _, f := range []string{c.Industry, c.Size, c.Region, c.Source} {
		if f != "" {
			facts = append(facts, f)
		}
	}
	if len(facts) > 0 {
		sb.WriteString("\n" + strings.Join(facts, " · "))
	}
	sb.WriteString("\n" + r.T("card.owner", c.OwnerName, conversation.FormatShortDate(r.Lang, crm.DateOf(c.CreatedAt.In(r.Now.Location())))))
	for _, ct := range c.Contacts {
		sb.WriteString("\n" + r.T("card.contact", strings.TrimSpace(ct.Name+" "+ct.Title+" "+ct.Phone)))
	}
	if deals := f.Deals; len(deals) > 0 {
		sb.WriteString("\n\n" + r.T("card.deals"))
		for _, d := range deals {
			line := "\n· " + conversation.StageName(r.Lang, d.Stage) + " " + strconv.Itoa(d.WinPct) + "% " + d.Amount.String()
			if d.CloseDate != "" {
				line += " · " + r.T("stage.close_by", conversation.FormatShortDate(r.Lang, d.CloseDate))
			}
			sb.WriteString(line)
		}
	}
	if acts := f.Activities; len(acts) > 0 {
		sb.WriteString("\n\n" + r.T("card.activities"))
		for _, a := range acts {
			line := "\n· " + conversation.FormatShortDate(r.Lang, crm.DateOf(a.At.In(r.Now.Location()))) + " " + r.T("activity."+string(a.Kind)) + "：" + conversation.Short(a.Content, 40)
			if a.NextAction != "" || a.NextDate != "" {
				line += r.T("card.next", strings.TrimSpace(conversation.FormatShortDate(r.Lang, a.NextDate)+" "+a.NextAction))
			}
			sb.WriteString(line)
		}
	}
	if len(f.Plans) > 0 || f.Payments > 0 {
		sb.WriteString("\n\n" + r.T("card.payments", f.Received.String()))
		for _, p := range f.Plans {
			if p.Open() {
				sb.WriteString("\n· " + r.T("pay.plan_line", conversation.FormatShortDate(r.Lang, p.DueDate), (p.Amount-p.Paid).String()))
			}
		}
	}
	for _, k := range f.Complaints {
		sb.WriteString("\n❗ " + conversation.Short(k.Content, 40))
	}
	if c.Note != "" {
		sb.WriteString("\n\n" + c.Note)
	}
	return sb.String()
}
