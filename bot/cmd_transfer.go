package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// transferCommand asks for, approves or rejects a customer's transfer.
var transferCommand = Command{Name: "transfer", Keyword: "转移", Hidden: true, HelpKey: "help.transfer", Run: runTransfer}

// runTransfer handles the transfer-request buttons:
// "request #CUSTOMER transfer|collaborate" (a rep refused at /new) and
// "approve #ID" / "reject #ID" (the owner's manager).
func runTransfer(ctx context.Context, r *Request, s *Services) error {
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
		_, err := s.Sales.RequestTransfer(ctx, r.Viewer, id, kind, r.Now)
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
		t, err := s.Sales.DecideTransfer(ctx, r.Viewer, id, f[0] == "approve", r.Now)
		if err != nil {
			return err
		}
		r.Say(crm.Message{Text: r.T("transfer.decided_"+t.Status) + "\n" + transferText(r.Lang, t), Edit: r.Button != ""})
		return nil
	}
	r.Sayf("transfer.usage")
	return nil
}

// transferText describes a request: who asks for which customer of whose.
func transferText(lang string, t sales.Transfer) string {
	return conversation.T(lang, "transfer.line_"+t.Kind, t.Requester.Name, t.Customer.Name, t.OwnerName())
}
