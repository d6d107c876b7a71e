package bot

import (
	"context"

	"github.com/salesbot-crm/salesbot/crm"
)

// cmdGroup registers a group chat as the alert group of the manager's
// department (an admin's: the whole company).
func (b *Bot) cmdGroup(ctx context.Context, r *Request) error {
	if !r.Group {
		r.Sayf("group.only_in_group")
		return nil
	}
	if !r.Bound() {
		r.Sayf("group.bind_first")
		return nil
	}
	dept := r.User.DeptID
	if r.User.Role == crm.RoleAdmin {
		dept = 0
	}
	if err := b.opt.Store.RegisterGroup(ctx, r.User.ID, crm.Group{Channel: r.Channel, ChatID: r.ChatID, DeptID: dept, CreatedAt: r.Now}); err != nil {
		return err
	}
	name := r.T("start.no_dept")
	if dept != 0 {
		depts, err := b.opt.Store.Departments(ctx)
		if err != nil {
			return err
		}
		for _, d := range depts {
			if d.ID == dept {
				name = d.Name
			}
		}
	}
	r.Sayf("group.registered", name)
	return nil
}
