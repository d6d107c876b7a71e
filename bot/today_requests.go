package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
)

// maxTodayRequests is how many pending requests /today lists one by one.
const maxTodayRequests = 5

// requestsToDecide is the workbench's block for a manager: the transfer and
// collaboration requests waiting for their decision, each with its own
// approve and reject buttons. Nothing for a rep or when none wait.
func requestsToDecide(ctx context.Context, r *Request, s *Services) (string, []conversation.Choice, error) {
	ts, err := s.Sales.TransfersToDecide(ctx, r.Viewer)
	if err != nil || len(ts) == 0 {
		return "", nil, err
	}
	lines := []string{r.T("today.requests", len(ts))}
	var menu []conversation.Choice
	for i, t := range ts {
		if i == maxTodayRequests {
			lines = append(lines, "  …")
			break
		}
		lines = append(lines, "  · "+transferText(r.Lang, t))
		id := strconv.FormatInt(t.ID, 10)
		who := t.Requester.Name + " · " + conversation.ShortName(t.Customer.Name)
		menu = append(menu,
			conversation.Choice{Label: r.T("btn.approve_for", who), Value: "/transfer approve #" + id},
			conversation.Choice{Label: r.T("btn.reject_for", who), Value: "/transfer reject #" + id})
	}
	return strings.Join(lines, "\n"), menu, nil
}
