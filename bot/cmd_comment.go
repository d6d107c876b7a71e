package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
)

// commentCommand comments on a rep's report.
var commentCommand = Command{Name: "comment", Keyword: "点评", Roles: managers, Hidden: true, HelpKey: "help.comment", Usage: "usage.comment", Run: runComment}

// runComment starts a manager's comment on a report: "/comment #ID".
func runComment(ctx context.Context, r *Request, s *Services) error {
	arg := strings.TrimSpace(r.Args)
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		r.Sayf("report.comment_usage")
		return nil
	}
	rp, rep, ok, err := s.visibleReport(ctx, r, id, false)
	if !ok {
		return err
	}
	out, err := s.Engine.StartWith(ctx, s.env(r), "comment", "", map[string]string{conversation.ReportID: strconv.FormatInt(rp.ID, 10), conversation.ReportRepName: rep.Name})
	for _, m := range out {
		r.Say(m)
	}
	return err
}
