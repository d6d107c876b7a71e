package bot

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/sales"
)

// findCommand searches customers by name, contact or phone.
var findCommand = Command{Name: "find", Keyword: "查找", HelpKey: "help.find", Usage: "usage.find", Run: runFind}

// runFind searches my (or my team's) customers by name, contact or phone.
func runFind(ctx context.Context, r *Request, s *Services) error {
	q := strings.TrimSpace(r.Args)
	if q == "" {
		r.Sayf("find.usage")
		return nil
	}
	if len([]rune(q)) > 100 {
		r.Sayf("text.too_long_n", 100)
		return nil
	}
	found, err := s.Sales.FindCustomers(ctx, r.Viewer, q, sales.See, pageSize, 0)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		r.Sayf("find.none", q)
		return nil
	}
	return s.sayCustomerList(ctx, r, r.T("find.title", q, len(found)), found, nil)
}
