package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/sales"
)

// poolCommand is the shared pool (公海): the list, claims and releases by
// hand.
//
//	/pool [TEXT]                 the pool (matching TEXT), a page at a time
//	/pool claim NAME|#ID         claim one (领取)
//	/pool release #ID [REASON]   put one of mine into the pool (放入); with no
//	                             reason, the usual reasons are offered as buttons
//	/pool release-all NAME [REASON]  managers: NAME's whole book (a rep leaving)
var poolCommand = Command{Name: "pool", Keyword: "公海", HelpKey: "help.pool", Usage: "usage.pool", Run: runPool}

// poolPage marks the page argument of the list's buttons: "/pool +2 青禾".
const poolPage = "+"

// poolReasons are the reasons a release by hand offers as buttons.
var poolReasons = []string{"pool.why.stalled", "pool.why.no_need", "pool.why.unreachable", "pool.why.not_target"}

func runPool(ctx context.Context, r *Request, s *Services) error {
	args := strings.TrimSpace(r.Args)
	verb, rest, _ := strings.Cut(args, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(verb) {
	case "claim", "领取", "认领":
		return poolClaim(ctx, r, s, rest)
	case "release", "放入", "释放":
		return poolRelease(ctx, r, s, rest)
	case "release-all", "全部放入":
		return poolReleaseBook(ctx, r, s, rest)
	}
	page := 1
	if strings.HasPrefix(verb, poolPage) {
		if n, err := strconv.Atoi(verb[len(poolPage):]); err == nil {
			page, args = max(n, 1), rest
		}
	}
	return poolList(ctx, r, s, args, page)
}

// poolList shows a page of the pool with a claim button per customer.
func poolList(ctx context.Context, r *Request, s *Services, text string, page int) error {
	p, err := s.Sales.Pool(ctx, r.Viewer, text, pageSize, (page-1)*pageSize)
	if err != nil {
		return err
	}
	if p.Total == 0 {
		if text != "" {
			r.Sayf("pool.none", text)
		} else {
			r.Sayf("pool.empty")
		}
		return nil
	}
	pages := (p.Total + pageSize - 1) / pageSize
	if page > pages {
		page = pages
		if p, err = s.Sales.Pool(ctx, r.Viewer, text, pageSize, (page-1)*pageSize); err != nil {
			return err
		}
	}
	title := r.T("pool.title", p.Total, page, pages)
	if text != "" {
		title = r.T("pool.title_search", text, p.Total, page, pages)
	}
	menu := s.poolMenu(r, p.Customers)
	nav := func(n int) string { return strings.TrimSpace("/pool " + poolPage + strconv.Itoa(n) + " " + text) }
	if page > 1 {
		menu = append(menu, conversation.Choice{Label: r.T("btn.prev_page"), Value: nav(page - 1)})
	}
	if page < pages {
		menu = append(menu, conversation.Choice{Label: r.T("btn.next_page"), Value: nav(page + 1)})
	}
	return s.offer(ctx, r, title+"\n"+poolLines(r, p.Customers), menu)
}

func (s *Services) poolMenu(r *Request, cs []crm.Customer) []conversation.Choice {
	var menu []conversation.Choice
	for _, c := range cs {
		menu = append(menu, conversation.Choice{Label: r.T("btn.claim_named", conversation.Short(c.Name, 12)), Value: "/pool claim #" + strconv.FormatInt(c.ID, 10)})
	}
	return menu
}

func poolLines(r *Request, cs []crm.Customer) string {
	lines := make([]string, 0, len(cs))
	for i, c := range cs {
		lines = append(lines, strconv.Itoa(i+1)+". "+poolLine(r, c))
	}
	return strings.Join(lines, "\n")
}

// poolLine is a pool customer in a list: name, industry and region, why
// and when it was released, its last contact.
func poolLine(r *Request, c crm.Customer) string {
	parts := []string{c.Name}
	for _, f := range []string{conversation.ChoiceLabel(r.Lang, choice.Industry, c.Choice(choice.Industry)), conversation.ChoiceLabel(r.Lang, choice.Region, c.Choice(choice.Region))} {
		if f != "" {
			parts = append(parts, f)
		}
	}
	parts = append(parts, poolWhy(r, c))
	if c.LastActivityAt != nil {
		parts = append(parts, r.T("list.last_contact", conversation.FormatShortDate(r.Lang, crm.DateOf(c.LastActivityAt.In(r.Now.Location())))))
	} else {
		parts = append(parts, r.T("list.never_contacted"))
	}
	return strings.Join(parts, " · ")
}

// poolWhy says why and when a customer went to the pool.
func poolWhy(r *Request, c crm.Customer) string {
	why := r.T("pool.reason." + cmpOr(c.PoolReason, crm.PoolImport))
	if c.PoolReason == crm.PoolByHand && c.PoolNote != "" {
		why = r.T("pool.reason.hand_note", conversation.Short(c.PoolNote, 30))
	}
	if c.ReleasedAt != nil {
		why += " " + r.T("pool.released_on", conversation.FormatShortDate(r.Lang, crm.DateOf(c.ReleasedAt.In(r.Now.Location()))))
	}
	return why
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// poolClaim claims the pool customer named (or #id): one match is
// claimed, several are listed to choose from.
func poolClaim(ctx context.Context, r *Request, s *Services, name string) error {
	if name == "" {
		r.Sayf("pool.usage")
		return nil
	}
	var id int64
	if strings.HasPrefix(name, "#") {
		id, _ = strconv.ParseInt(name[1:], 10, 64)
	} else {
		p, err := s.Sales.Pool(ctx, r.Viewer, name, pageSize, 0)
		if err != nil {
			return err
		}
		switch {
		case p.Total == 0:
			r.Sayf("pool.none", name)
			return nil
		case p.Total > 1:
			return s.offer(ctx, r, r.T("pool.several", p.Total, name)+"\n"+poolLines(r, p.Customers), s.poolMenu(r, p.Customers))
		}
		id = p.Customers[0].ID
	}
	c, err := s.Sales.Claim(ctx, r.Viewer, id, s.Pool, r.Now)
	if crm.ErrorCode(err) == crm.CodeNotFound {
		r.Sayf("pool.none", name)
		return nil
	}
	if de, ok := crm.AsError(err); ok && de.Key == "pool.cooldown" && len(de.Args) == 2 {
		if d, ok := de.Args[1].(crm.Date); ok { // the day, in the reader's words
			r.Sayf(de.Key, de.Args[0], conversation.FormatShortDate(r.Lang, d))
			return nil
		}
	}
	if err != nil {
		return err
	}
	ref := "#" + strconv.FormatInt(c.ID, 10)
	return s.offer(ctx, r, r.T("pool.claimed", c.Name), []conversation.Choice{
		{Label: r.T("btn.log_visit"), Value: "/visit " + ref},
		{Label: r.T("btn.open_card"), Value: "/customer " + ref},
	})
}

// poolRelease puts a customer into the pool by hand: "#id reason" or
// "NAME reason"; without a reason the usual ones are offered as buttons.
func poolRelease(ctx context.Context, r *Request, s *Services, args string) error {
	ref, note, _ := strings.Cut(args, " ")
	note = strings.TrimSpace(note)
	if ref == "" {
		r.Sayf("pool.usage")
		return nil
	}
	if strings.HasPrefix(ref, "#") {
		id, _ := strconv.ParseInt(ref[1:], 10, 64)
		if c, err := s.Sales.PoolCustomer(ctx, r.Viewer, id); err == nil && c.InPool() {
			r.Sayf("pool.in_pool", c.Name)
			return nil
		}
	}
	found, sure, err := s.Sales.PickCustomer(ctx, r.Viewer, ref, sales.Change, pageSize)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		r.Sayf("find.none", ref)
		return nil
	}
	if !sure {
		return s.sayCustomerList(ctx, r, r.T("find.title", ref, len(found)), found, nil)
	}
	c := found[0]
	id := "#" + strconv.FormatInt(c.ID, 10)
	if note == "" {
		var menu []conversation.Choice
		for _, k := range poolReasons {
			menu = append(menu, conversation.Choice{Label: r.T(k), Value: "/pool release " + id + " " + r.T(k)})
		}
		// A typed reason answers too.
		m, err := s.Engine.OfferTyped(ctx, s.env(r), r.T("pool.release_why", c.Name), menu, "/pool release "+id)
		if err != nil {
			return err
		}
		r.Say(m)
		return nil
	}
	if _, err := s.Sales.Release(ctx, r.Viewer, c.ID, note, r.Now); err != nil {
		return err
	}
	r.Sayf("pool.released", c.Name)
	return nil
}

// poolReleaseBook puts a rep's whole book into the pool (managers and
// admins, for the people they manage): "NAME [reason]".
func poolReleaseBook(ctx context.Context, r *Request, s *Services, args string) error {
	name, note, _ := strings.Cut(args, " ")
	note = strings.TrimSpace(note)
	if name == "" {
		r.Sayf("pool.usage")
		return nil
	}
	if note == "" {
		note = r.T("pool.why.book")
	}
	u, err := s.Sales.AnyUserByName(ctx, name) // a deactivated rep's book too
	if crm.ErrorCode(err) == crm.CodeNotFound {
		r.Sayf("user.not_found", name)
		return nil
	}
	if err != nil {
		return err
	}
	released, kept, err := s.Sales.ReleaseBook(ctx, r.Viewer, u.ID, note, r.Now)
	if err != nil {
		return err
	}
	r.Sayf("pool.book_released", released, u.Name)
	if kept > 0 {
		return s.offer(ctx, r, r.T("pool.book_kept", kept, u.Name), []conversation.Choice{{Label: r.T("btn.handover_first"), Value: "/handover " + u.Name}})
	}
	return nil
}
