package conversation

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// The customer-picking step shared by every flow that acts on a customer:
// a name typed with the command ("/visit 青禾") or at the prompt is read by
// sales.PickCustomer within the user's reach; a name that means one
// customer unambiguously is taken, anything else is offered as buttons
// (several matches, or candidates found only by part of the name), none is
// said. Without a name, recent customers are offered.

const (
	keyCustomer     = "customer_id"
	keyCustomerName = "customer_name"
	pickLimit       = 6
)

// resolveCustomer finds customers for a typed name among those the viewer
// may act on in this flow (reach): logging a visit reaches collaborations
// too, everything else the viewer's own book (and their team's for
// managers). "#123" (from a follow-up button) names one customer by id.
// sure reports whether the text means exactly one of them.
func resolveCustomer(ctx context.Context, env *Env, f Form, text string) (found []crm.Customer, sure bool, err error) {
	return env.Sales.PickCustomer(ctx, env.Viewer, text, reach(f), pickLimit)
}

// reach is what the form's flow needs of its customer.
func reach(f Form) sales.Reach {
	switch f.Flow() {
	case "visit", "checkin", "contact": // what collaborators do too
		return sales.See
	}
	return sales.Change
}

// picked is the customer picked, and the search that found it done with.
func picked(c crm.Customer) Fields {
	return Fields{keyCustomer: itoa(c.ID), keyCustomerName: c.Name, "pick_query": ""}
}

// pickedThen goes on from a customer just picked: next decides with the
// customer in the form, and the result sets it.
func pickedThen(ctx context.Context, env *Env, f Form, c crm.Customer, next afterPick) (Result, error) {
	set := picked(c)
	res, err := next(ctx, env, f.With(set))
	if err != nil {
		return Result{}, err
	}
	return res.with(set), nil
}

// beginWithCustomer is a flow's Begin for commands that take a customer
// name: it picks the customer when the name is unambiguous and goes to
// next, else starts at the "customer" step.
func beginWithCustomer(next afterPick) func(ctx context.Context, env *Env, f Form, args string) (Result, error) {
	return func(ctx context.Context, env *Env, f Form, args string) (Result, error) {
		if strings.TrimSpace(args) == "" {
			if f.Get(keyProposal) != "" { // a plain sentence's proposal
				return beginSeeded(ctx, env, f, next, sales.Proposal{})
			}
			return Result{Next: "customer"}, nil
		}
		found, sure, err := resolveCustomer(ctx, env, f, args)
		if err != nil {
			return Result{}, err
		}
		if sure {
			return pickedThen(ctx, env, f, found[0], next)
		}
		// More than a name: "/visit 青禾 见了王总，下周五发报价".
		if strings.ContainsAny(strings.TrimSpace(args), " \t") || len(found) == 0 {
			if res, ok, err := beginSentence(ctx, env, f, args, next); ok || err != nil {
				return res, err
			}
		}
		// Several, a partial match or none: the customer step says which.
		return Result{Next: "customer", Set: Fields{"pick_query": args}}, nil
	}
}

// afterPick decides where a flow goes once its customer is known.
type afterPick func(ctx context.Context, env *Env, f Form) (Result, error)

// goStep is an afterPick that goes to a fixed step.
func goStep(name string) afterPick {
	return func(context.Context, *Env, Form) (Result, error) { return Result{Next: name}, nil }
}

// customerStep asks which customer; next is the step after it.
func customerStep(next afterPick) *Step {
	return &Step{
		Name: "customer",
		Prompt: func(ctx context.Context, env *Env, f Form) (Prompt, error) {
			var cs []crm.Customer
			var err error
			text := env.T("pick.prompt")
			if q := f.Get("pick_query"); q != "" {
				cs, _, err = resolveCustomer(ctx, env, f, q)
				switch {
				case len(cs) == 1: // found only by part of the name
					text = env.T("pick.maybe", q)
				case len(cs) > 1:
					text = env.T("pick.several", q)
				case err == nil:
					// None: the nearest names the user may reach, else
					// the recent customers.
					if cs, err = env.Sales.ClosestCustomers(ctx, env.Viewer, q, reach(f), pickLimit); len(cs) > 0 {
						text = env.T("pick.closest", q)
					} else {
						text = env.T("pick.none", q) + "\n" + text
					}
				}
			}
			if err == nil && len(cs) == 0 {
				cs, err = env.Sales.RecentCustomers(ctx, env.Viewer, pickLimit)
				if len(cs) == 0 && err == nil {
					text = env.T("pick.prompt_empty")
				}
			}
			if err != nil {
				return Prompt{}, err
			}
			p := Prompt{Text: text, Columns: 2}
			for _, c := range cs {
				p.Choices = append(p.Choices, Choice{Label: Short(c.Name, 18), Value: "#" + itoa(c.ID)})
			}
			return p, nil
		},
		Parse: pickAnswer(next),
	}
}

// pickAnswer reads a customer named (or pressed) at a prompt: one sure
// match goes on to next, several or a partial one go to the "customer"
// step's candidates, none is refused.
func pickAnswer(next afterPick) func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	return func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
		found, sure, err := resolveCustomer(ctx, env, f, in.Value())
		if err != nil {
			return Result{}, err
		}
		switch {
		case len(found) == 0:
			return Result{}, crm.Errorf(crm.CodeInvalid, "pick.none", in.Value())
		case sure:
			return pickedThen(ctx, env, f, found[0], next)
		}
		return Result{Next: "customer", Set: Fields{"pick_query": in.Value()}}, nil
	}
}

// pickedCustomer loads the picked customer again for what the flow does
// with it (the form could be older than a handover).
func pickedCustomer(ctx context.Context, env *Env, f Form) (crm.Customer, error) {
	return env.Sales.CustomerFor(ctx, env.Viewer, f.Int(keyCustomer), reach(f))
}
