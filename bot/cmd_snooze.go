package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// snoozeCommand keeps a quiet customer off the workbench for a day.
var snoozeCommand = Command{Name: "snooze", Hidden: true, HelpKey: "help.snooze", Run: runSnooze}

// runSnooze keeps a quiet customer off the workbench for a day (the
// workbench's "snooze" button).
func runSnooze(ctx context.Context, r *Request, s *Services) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.Args), "#"), 10, 64)
	if err != nil {
		r.Sayf("find.none", r.Args)
		return nil
	}
	base := r.Now.Add(24*time.Hour).AddDate(0, 0, -s.StaleDays)
	c, err := s.Sales.SnoozeStale(ctx, r.Viewer, id, base)
	if code := crm.ErrorCode(err); code == crm.CodeNotFound || code == crm.CodeForbidden {
		r.Sayf("find.none", r.Args)
		return nil
	}
	if err != nil {
		return err
	}
	// Not an edit: the workbench it was pressed on keeps the other
	// customers' buttons.
	r.Sayf("snooze.saved", c.Name)
	return nil
}
