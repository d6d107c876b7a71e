package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// cmdTransfer handles the transfer-request buttons:
// "request #CUSTOMER transfer|collaborate" (a rep refused at /new) and
// "approve #ID" / "reject #ID" (the owner's manager).
func (b *Bot) cmdTransfer(ctx context.Context, r *Request) error {
	f := strings.Fields(r.Args)
	if len(f) < 2 || !strings.HasPrefix(f[1], "#") {
		r.Sayf("transfer.usage")
		return nil
	}
	id, err := strconv.ParseInt(f[1][1:], 10, 64)
	if err != nil {
		r.Sayf("transfer.usage")
		return nil
	}
	switch f[0] {
	case "request":
		kind := crm.TransferOwnership
		if len(f) > 2 && f[2] == crm.TransferCollab {
			kind = crm.TransferCollab
		}
		_, err := b.opt.Store.RequestTransfer(ctx, crm.TransferRequest{CustomerID: id, RequesterID: r.User.ID, Kind: kind, CreatedAt: r.Now})
		if err != nil {
			return err
		}
		r.Sayf("transfer.requested_" + kind)
		return nil
	case "approve", "reject":
		if !r.User.Role.AtLeast(crm.RoleManager) {
			r.Sayf("auth.forbidden_command", "/transfer "+f[0])
			return nil
		}
		req, err := b.opt.Store.TransferRequest(ctx, id)
		if crm.ErrorCode(err) == crm.CodeNotFound {
			r.Sayf("transfer.not_found")
			return nil
		}
		if err != nil {
			return err
		}
		owner, err := b.opt.Store.User(ctx, req.OwnerID)
		if err != nil {
			return err
		}
		if !r.Viewer.CanManage(owner) {
			r.Sayf("transfer.not_found")
			return nil
		}
		req, err = b.opt.Store.DecideTransfer(ctx, r.User.ID, id, f[0] == "approve", r.Now)
		if err != nil {
			return err
		}
		text, err := b.transferText(ctx, r.Lang, req)
		if err != nil {
			return err
		}
		r.Say(crm.Message{Text: r.T("transfer.decided_"+req.Status) + "\n" + text, Edit: r.Button != ""})
		return nil
	}
	r.Sayf("transfer.usage")
	return nil
}

// transferText describes a request: who asks for which customer of whose.
func (b *Bot) transferText(ctx context.Context, lang string, req crm.TransferRequest) (string, error) {
	c, err := b.opt.Store.Customer(ctx, req.CustomerID)
	if err != nil {
		return "", err
	}
	requester, err := b.opt.Store.User(ctx, req.RequesterID)
	if err != nil {
		return "", err
	}
	owner, err := b.opt.Store.User(ctx, req.OwnerID)
	if err != nil {
		return "", err
	}
	return conversation.T(lang, "transfer.line_"+req.Kind, requester.Name, c.Name, owner.Name), nil
}
