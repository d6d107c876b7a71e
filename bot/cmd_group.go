package bot

import (
	"context"
)

// groupCommand makes a group chat the team's alert group.
var groupCommand = Command{Name: "group", Keyword: "群", Roles: managers, Public: true, InGroup: true, HelpKey: "help.group", Run: runGroup}

// runGroup registers a group chat as the alert group of the manager's
// department (an admin's: the whole company).
func runGroup(ctx context.Context, r *Request, s *Services) error {
	if !r.Group {
		r.Sayf("group.only_in_group")
		return nil
	}
	if !r.Bound() {
		r.Sayf("group.bind_first")
		return nil
	}
	name, err := s.Sales.RegisterGroup(ctx, r.Viewer, r.Channel, r.ChatID, r.Now)
	if err != nil {
		return err
	}
	if name == "" {
		name = r.T("start.no_dept")
	}
	r.Sayf("group.registered", name)
	return nil
}
