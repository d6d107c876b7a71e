package conversation

import (
	"context"
	"strconv"
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
		Steps: []*Step{
			customerStep(goStep("kind")),
			{Name: "kind", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				return Prompt{Text: env.T("pay.kind", s.Get(keyCustomerName)), Choices: []Choice{{env.T("btn.pay_received"), payReceived}, {env.T("btn.pay_plan"), payPlan}}, Columns: 2}, nil
			}, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				v := in.Value()
				switch {
				case v == payPlan || strings.Contains(v, "计划") || strings.Contains(strings.ToLower(v), "plan"):
					s.Set("kind", payPlan)
				case v == payReceived || strings.Contains(v, "收") || strings.Contains(strings.ToLower(v), "receiv"):
					s.Set("kind", payReceived)
				default:
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				return Result{Next: afterEdit(s, "amount")}, nil
			}},
			{Name: "amount", Prompt: staticPrompt("pay.amount", nil), Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				m, err := typed.Amount(in.Text)
				if err != nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "amount.explain_required")
				}
				s.SetInt("amount", int64(m))
				return Result{Next: afterEdit(s, "date")}, nil
			}},
			{Name: "date", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				if s.Get("kind") == payPlan {
					return Prompt{Text: env.T("pay.due")}, nil
				}
				return Prompt{Text: env.T("pay.received_on"), Choices: []Choice{{env.T("btn.today"), string(crm.DateOf(env.Now))}}}, nil
			}, Parse: payDateParse},
			{Name: "plan", Prompt: payPlanPrompt, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				if in.Choice == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				s.Set("plan_id", in.Choice.Value)
				return Result{Next: afterEdit(s, "note")}, nil
			}},
			{Name: "note", Optional: true, Prompt: staticPrompt("pay.note", nil), Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				if in.Skip {
					s.Set("note", "")
				} else {
					v, err := textAnswer(in, maxNote)
					if err != nil {
						return Result{}, err
					}
					s.Set("note", v)
				}
				return Result{Next: "confirm"}, nil
			}},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", payCard(env, s)), Choices: confirmChoices(env)}, nil
			}, Parse: paySave},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.amount"), "amount"}, {env.T("field.date"), "date"}, {env.T("field.note"), "note"}}
			}),
		},
	}
}

func payDateParse(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
	var d crm.Date
	if in.Choice != nil {
		d = crm.Date(in.Choice.Value)
	} else {
		t, err := typed.Date(in.Text, env.Now)
		if err != nil {
			return Result{}, crm.Errorf(crm.CodeInvalid, "date.explain")
		}
		d = crm.DateOf(t)
	}
	if s.Get("kind") == payReceived && d > crm.DateOf(env.Now) {
		return Result{}, crm.Errorf(crm.CodeInvalid, "pay.received_future")
	}
	s.Set("date", string(d))
	if s.Get("kind") == payReceived && s.Get("_edit") == "" {
		plans, err := env.Sales.PaymentPlans(ctx, env.Viewer, s.Int(keyCustomer))
		if err != nil {
			return Result{}, err
		}
		for _, p := range plans {
			if p.Open() {
				return Result{Next: "plan"}, nil
			}
		}
	}
	return Result{Next: afterEdit(s, "note")}, nil
}

func payPlanPrompt(ctx context.Context, env *Env, s *Session) (Prompt, error) {
	plans, err := env.Sales.PaymentPlans(ctx, env.Viewer, s.Int(keyCustomer))
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: env.T("pay.which_plan"), Columns: 1}
	for _, pl := range plans {
		if pl.Open() {
			p.Choices = append(p.Choices, Choice{env.T("pay.plan_line", FormatShortDate(env.Lang, pl.DueDate), (pl.Amount - pl.Paid).String()), strconv.FormatInt(pl.ID, 10)})
		}
	}
	p.Choices = append(p.Choices, Choice{env.T("btn.no_plan"), "0"})
	return p, nil
}

func payCard(env *Env, s *Session) string {
	key := "pay.card_received"
	if s.Get("kind") == payPlan {
		key = "pay.card_plan"
	}
	card := env.T(key, s.Get(keyCustomerName), crm.Money(s.Int("amount")).String(), FormatDate(env.Lang, crm.Date(s.Get("date"))))
	if n := s.Get("note"); n != "" {
		card += "\n" + n
	}
	return card
}

func paySave(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	c, err := pickedCustomer(ctx, env, s)
	if err != nil {
		return Result{}, err
	}
	amount := crm.Money(s.Int("amount"))
	var text string
	if s.Get("kind") == payPlan {
		if _, err := env.Sales.AddPaymentPlan(ctx, env.Viewer, crm.PaymentPlan{CustomerID: c.ID, Amount: amount, DueDate: crm.Date(s.Get("date")), Note: s.Get("note")}); err != nil {
			return Result{}, err
		}
		text = env.T("pay.saved_plan", c.Name, amount.String(), FormatDate(env.Lang, crm.Date(s.Get("date"))))
	} else {
		if _, err := env.Sales.AddPayment(ctx, env.Viewer, crm.Payment{CustomerID: c.ID, PlanID: s.Int("plan_id"), Amount: amount, ReceivedOn: crm.Date(s.Get("date")), Note: s.Get("note")}); err != nil {
			return Result{}, err
		}
		text = env.T("pay.saved_received", c.Name, amount.String())
	}
	return Result{Done: true, Say: []crm.Message{{Text: text, Edit: in.Choice != nil}}}, nil
}
