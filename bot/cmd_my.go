package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
)

// myCommand lists the user's own customers.
var myCommand = Command{Name: "my", Keyword: "我的客户", HelpKey: "help.my", Run: runMy}

// runMy lists my customers, most recently active first, a page at a time.
func runMy(ctx context.Context, r *Request, s *Services) error {
	page, _ := strconv.Atoi(strings.TrimSpace(r.Args))
	if page < 1 {
		page = 1
	}
	list, total, err := s.Sales.MyCustomers(ctx, r.Viewer, pageSize, (page-1)*pageSize)
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
		if list, _, err = s.Sales.MyCustomers(ctx, r.Viewer, pageSize, (page-1)*pageSize); err != nil {
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
	return s.sayCustomerList(ctx, r, r.T("my.title", total, page, pages), list, nav)
}
