package bot

import (
	"context"
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
	name, err := b.opt.Sales.RegisterGroup(ctx, r.Viewer, r.Channel, r.ChatID, r.Now)
	if err != nil {
		return err
	}
	if name == "" {
		name = r.T("start.no_dept")
	}
	r.Sayf("group.registered", name)
	return nil
}
