package conversation

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// The /pay flow records a payment plan (amount and due date) or money
// received (amount, date, optionally against an open plan).
const (
	payPlan     = "plan"
	payReceived = "received"
)

func payFlow() *Flow {
	return &Flow{
		Name:  "pay",
		Begin: beginWithCustomer(goStep("kind")),
		Fill:  payFill,
		Steps: []*Step{
			customerStep(goStep("kind")),
			{Name: "kind", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("pay.kind", f.Get(keyCustomerName)), Choices: []Choice{{env.T("btn.pay_received"), payReceived}, {env.T("btn.pay_plan"), payPlan}}, Columns: 2}, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				v := in.Value()
				kind := ""
				switch {
				case v == payPlan || strings.Contains(v, "计划") || strings.Contains(strings.ToLower(v), "plan"):
					kind = payPlan
				case v == payReceived || strings.Contains(v, "收") || strings.Contains(strings.ToLower(v), "receiv"):
					kind = payReceived
				default:
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				return Result{Next: afterEdit(f, "amount"), Set: Fields{"kind": kind}}, nil
			}},
			{Name: "amount", Prompt: staticPrompt("pay.amount", nil), Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				m, err := typed.Amount(in.Text)
				if err != nil {
					return Result{}, amountError(err, "amount.explain_required")
				}
				return Result{Next: afterEdit(f, "date"), Set: Fields{"amount": itoa(int64(m))}}, nil
			}},
			{Name: "date", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				if f.Get("kind") == payPlan {
					return Prompt{Text: env.T("pay.due")}, nil
				}
				return Prompt{Text: env.T("pay.received_on"), Choices: []Choice{{env.T("btn.today"), string(crm.DateOf(env.Now))}}}, nil
			}, Parse: payDateParse},
			{Name: "plan", Prompt: payPlanPrompt, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Choice == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				return Result{Next: afterEdit(f, "note"), Set: Fields{"plan_id": in.Choice.Value}}, nil
			}},
			{Name: "note", Optional: true, Prompt: staticPrompt("pay.note", nil), Parse: optionalAnswer("note", "confirm", maxNote)},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", payCard(env, f)), Choices: confirmChoices(env)}, nil
			}, Parse: paySave},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.amount"), "amount"}, {env.T("field.date"), "date"}, {env.T("field.note"), "note"}}
			}),
		},
	}
}

func payDateParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	var d crm.Date
	if in.Choice != nil {
		d = crm.Date(in.Choice.Value)
	} else {
		read := typed.Date // money received: on a day that has been
		if f.Get("kind") == payPlan {
			read = typed.DueDate // due: the next such day, never a past one
		}
		t, err := read(in.Text, env.Now)
		if err != nil {
			if de, ok := crm.AsError(err); ok && de.Key == "date.past" {
				return Result{}, err
			}
			return Result{}, crm.Errorf(crm.CodeInvalid, "date.explain")
		}
		d = crm.DateOf(t)
	}
	if f.Get("kind") == payReceived && d > crm.DateOf(env.Now) {
		return Result{}, crm.Errorf(crm.CodeInvalid, "pay.received_future")
	}
	res := Result{Next: afterEdit(f, "note"), Set: Fields{"date": string(d)}}
	if f.Get("kind") == payReceived && f.Get("_edit") == "" {
		plans, err := env.Sales.PaymentPlans(ctx, env.Viewer, f.Int(keyCustomer))
		if err != nil {
			return Result{}, err
		}
		for _, p := range plans {
			if p.Open() {
				res.Next = "plan"
			}
		}
	}
	return res, nil
}

func payPlanPrompt(ctx context.Context, env *Env, f Form) (Prompt, error) {
	plans, err := env.Sales.PaymentPlans(ctx, env.Viewer, f.Int(keyCustomer))
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: env.T("pay.which_plan"), Columns: 1}
	for _, pl := range plans {
		if pl.Open() {
			p.Choices = append(p.Choices, Choice{env.T("pay.plan_line", FormatShortDate(env.Lang, pl.DueDate), (pl.Amount - pl.Paid).String()), itoa(pl.ID)})
		}
	}
	p.Choices = append(p.Choices, Choice{env.T("btn.no_plan"), "0"})
	return p, nil
}

func payCard(env *Env, f Form) string {
	key := "pay.card_received"
	if f.Get("kind") == payPlan {
		key = "pay.card_plan"
	}
	card := env.T(key, f.Get(keyCustomerName), crm.Money(f.Int("amount")).String(), FormatDate(env.Lang, crm.Date(f.Get("date"))))
	if n := f.Get("note"); n != "" {
		card += "\n" + n
	}
	return card
}

func paySave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	id, name := f.Int(keyCustomer), f.Get(keyCustomerName)
	amount := crm.Money(f.Int("amount"))
	var text string
	if f.Get("kind") == payPlan {
		if _, err := env.Sales.AddPaymentPlan(ctx, env.Viewer, crm.PaymentPlan{CustomerID: id, Amount: amount, DueDate: crm.Date(f.Get("date")), Note: f.Get("note")}); err != nil {
			return Result{}, err
		}
		text = env.T("pay.saved_plan", name, amount.String(), FormatDate(env.Lang, crm.Date(f.Get("date"))))
	} else {
		if _, err := env.Sales.AddPayment(ctx, env.Viewer, crm.Payment{CustomerID: id, PlanID: f.Int("plan_id"), Amount: amount, ReceivedOn: crm.Date(f.Get("date")), Note: f.Get("note")}); err != nil {
			return Result{}, err
		}
		text = env.T("pay.saved_received", name, amount.String())
	}
	return Result{Done: true, Say: []crm.Message{{Text: text, Edit: in.Choice != nil}}}, nil
}
