package conversation

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

func parseStamp(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

// The /complaint flow records a complaint or closes an open one.
func complaintFlow() *Flow {
	return &Flow{
		Name: "complaint",
		Begin: func(ctx context.Context, env *Env, f Form, args string) (Result, error) {
			a := strings.ToLower(strings.TrimSpace(args))
			if a == "close" || a == "关闭" {
				return complaintToWhich(ctx, env)
			}
			if a == "" && f.Get(keyProposal) == "" {
				return Result{Next: "action"}, nil
			}
			return beginWithCustomer(goStep("content"))(ctx, env, f, args)
		},
		Fill: complaintFill,
		Steps: []*Step{
			{Name: "action", Prompt: func(_ context.Context, env *Env, _ Form) (Prompt, error) {
				return Prompt{Text: env.T("complaint.action"), Choices: []Choice{{env.T("btn.complaint_new"), "new"}, {env.T("btn.complaint_close"), "close"}}, Columns: 2}, nil
			}, Parse: func(ctx context.Context, env *Env, _ Form, in Input) (Result, error) {
				v := in.Value()
				switch {
				case v == "close" || strings.Contains(v, "关闭"):
					return complaintToWhich(ctx, env)
				case v == "new" || strings.Contains(v, "记录") || strings.Contains(v, "新"):
					return Result{Next: "customer"}, nil
				}
				return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
			}},
			customerStep(goStep("content")),
			{Name: "content", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("complaint.content", f.Get(keyCustomerName))}, nil
			}, Parse: func(_ context.Context, env *Env, _ Form, in Input) (Result, error) {
				v, err := textAnswer(in, maxNote)
				if err != nil {
					return Result{}, err
				}
				return Result{Next: "confirm", Set: Fields{"content": v}}, nil
			}},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", strings.TrimSuffix(f.Get(keyCustomerName)+" · "+proposedKind(env, f), " · ")+"\n"+f.Get("content")), Choices: confirmChoices(env)}, nil
			}, Parse: complaintSave},
			{Name: "which", Prompt: complaintWhichPrompt, Parse: complaintWhich},
			{Name: "resolution", Optional: true, Prompt: staticPrompt("complaint.resolution", nil), Parse: complaintClose},
			editStep(func(env *Env) []Choice { return []Choice{{env.T("field.content"), "content"}} }),
		},
	}
}

// complaintToWhich goes to the list of open complaints, or ends when there
// are none.
func complaintToWhich(ctx context.Context, env *Env) (Result, error) {
	open, err := env.Sales.OpenComplaints(ctx, env.Viewer, 0)
	if err != nil {
		return Result{}, err
	}
	if len(open) == 0 {
		return Result{Done: true, Say: []crm.Message{{Text: env.T("complaint.none_open")}}}, nil
	}
	return Result{Next: "which"}, nil
}

func complaintWhichPrompt(ctx context.Context, env *Env, _ Form) (Prompt, error) {
	open, err := env.Sales.OpenComplaints(ctx, env.Viewer, 8)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: env.T("complaint.which"), Columns: 1}
	for i, k := range open {
		if i == 8 {
			break
		}
		p.Choices = append(p.Choices, Choice{Labelled(env.Lang, Short(k.Customer.Name, 12), Short(k.Content, 16)), itoa(k.ID)})
	}
	return p, nil
}

// complaintWhich takes the complaint to close, checked against the viewer
// (it may have changed hands since the list), with its customer's name for
// the receipt.
func complaintWhich(ctx context.Context, env *Env, _ Form, in Input) (Result, error) {
	if in.Choice == nil {
		return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
	}
	id, _ := strconv.ParseInt(in.Choice.Value, 10, 64)
	k, err := env.Sales.Complaint(ctx, env.Viewer, id)
	if err != nil {
		return Result{}, err
	}
	return Result{Next: "resolution", Set: Fields{"complaint_id": itoa(k.ID), keyCustomerName: k.Customer.Name}}, nil
}

func complaintSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "content"); !save {
		return res, err
	}
	if _, err := env.Sales.AddComplaint(ctx, env.Viewer, crm.Complaint{CustomerID: f.Int(keyCustomer), Content: f.Get("content")}); err != nil {
		return Result{}, err
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("complaint.saved", f.Get(keyCustomerName)), Edit: in.Choice != nil}}}, nil
}

func complaintClose(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	res, err := optionalTextAnswer(in, maxNote)
	if err != nil {
		return Result{}, err
	}
	if _, err := env.Sales.CloseComplaint(ctx, env.Viewer, f.Int("complaint_id"), res, env.Now); err != nil {
		return Result{}, err
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("complaint.closed_ok", f.Get(keyCustomerName))}}}, nil
}
