package conversation

import (
	"context"

	"github.com/salesbot-crm/salesbot/crm"
)

// The attach flow files a photo or PDF the rep sent (kept by sales
// already) with a customer: the one its caption names, or one picked.

const (
	keyAttachment     = "attachment_id"
	keyAttachmentName = "attachment_name"
)

func attachFlow() *Flow {
	return &Flow{
		Name: "attach",
		Begin: func(ctx context.Context, env *Env, f Form, caption string) (Result, error) {
			res, err := beginWithCustomer(attachSave)(ctx, env, f, caption)
			if err == nil && res.Next == "customer" {
				res.Say = append([]crm.Message{{Text: env.T("file.which", f.Get(keyAttachmentName))}}, res.Say...)
			}
			return res, err
		},
		Steps: []*Step{customerStep(attachSave)},
	}
}

// attachSave files the waiting file with the customer picked.
func attachSave(ctx context.Context, env *Env, f Form) (Result, error) {
	a, err := env.Sales.FileTo(ctx, env.Viewer, f.Int(keyAttachment), f.Int(keyCustomer))
	if err != nil {
		if de, ok := crm.AsError(err); ok && de.Code == crm.CodeConflict {
			return Result{Done: true, Say: []crm.Message{{Text: env.T("file.gone")}}}, nil
		}
		return Result{}, err
	}
	text, err := attachReceipt(ctx, env, a, f.Get(keyCustomerName))
	if err != nil {
		return Result{}, err
	}
	id := "#" + itoa(a.CustomerID)
	return Result{Done: true, Say: []crm.Message{{Text: text}},
		Menu: []Choice{{env.T("btn.files"), "/files " + id}, {env.T("btn.open_card"), "/customer " + id}}}, nil
}

// attachReceipt says where a file went and how many the customer has.
func attachReceipt(ctx context.Context, env *Env, a crm.Attachment, customer string) (string, error) {
	all, err := env.Sales.Attachments(ctx, env.Viewer, a.CustomerID, 1000)
	if err != nil {
		return "", err
	}
	return env.T("file.saved", a.Name, customer, len(all)), nil
}
