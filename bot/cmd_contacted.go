package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// contactedCommand records a quick contact from the workbench.
var contactedCommand = Command{Name: "contacted", Hidden: true, HelpKey: "help.contacted", Run: runContacted}

// runContacted records a quick contact with a customer (the workbench's
// "mark contacted" button): an activity without a report, so the customer
// leaves the quiet list.
func runContacted(ctx context.Context, r *Request, s *Services) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.Args), "#"), 10, 64)
	if err != nil {
		r.Sayf("find.none", r.Args)
		return nil
	}
	c, err := s.Sales.MarkContacted(ctx, r.Viewer, id, r.T("activity.marked_contacted"), r.Now)
	if crm.ErrorCode(err) == crm.CodeNotFound {
		r.Sayf("find.none", r.Args)
		return nil
	}
	if err != nil {
		return err
	}
	// Not an edit: the workbench it was pressed on keeps the other
	// customers' buttons.
	r.Sayf("contacted.saved", c.Name)
	return nil
}
