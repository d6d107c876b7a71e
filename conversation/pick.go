package conversation

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// The customer-picking step shared by every flow that acts on a customer:
// a name typed with the command ("/visit 青禾") or at the prompt is matched
// fuzzily within the user's scope; one match is taken, several are offered
// as buttons, none is said. Without a name, recent customers are offered.

const (
	keyCustomer     = "customer_id"
	keyCustomerName = "customer_name"
	pickLimit       = 6
)

// resolveCustomer finds customers for a typed name among those the viewer
// may act on in this flow (reach): logging a visit reaches collaborations
// too, everything else the viewer's own book (and their team's for
// managers). "#123" (from a follow-up button) names one customer by id.
func resolveCustomer(ctx context.Context, env *Env, s *Session, text string) ([]crm.Customer, error) {
	return env.Sales.FindCustomers(ctx, env.Viewer, text, reach(s), pickLimit, 0)
}

// reach is what the session's flow needs of its customer.
func reach(s *Session) sales.Reach {
	if s.Flow == "visit" {
		return sales.See
	}
	return sales.Change
}

// setCustomer stores the picked customer in the session.
func setCustomer(s *Session, c crm.Customer) {
	s.SetInt(keyCustomer, c.ID)
	s.Set(keyCustomerName, c.Name)
}

// beginWithCustomer is a flow's Begin for commands that take a customer
// name: it picks the customer when the name is unambiguous and goes to
// next, else starts at the "customer" step.
func beginWithCustomer(next afterPick) func(ctx context.Context, env *Env, s *Session, args string) (Result, error) {
	return func(ctx context.Context, env *Env, s *Session, args string) (Result, error) {
		if strings.TrimSpace(args) == "" {
			return Result{Next: "customer"}, nil
		}
		found, err := resolveCustomer(ctx, env, s, args)
		if err != nil {
			return Result{}, err
		}
		if len(found) == 1 {
			setCustomer(s, found[0])
			return next(ctx, env, s)
		}
		s.Set("pick_query", args)
		if len(found) == 0 {
			return Result{Next: "customer", Say: []crm.Message{{Text: env.T("pick.none", args)}}}, nil
		}
		return Result{Next: "customer"}, nil
	}
}

// afterPick decides where a flow goes once its customer is known.
type afterPick func(ctx context.Context, env *Env, s *Session) (Result, error)

// goStep is an afterPick that goes to a fixed step.
func goStep(name string) afterPick {
	return func(context.Context, *Env, *Session) (Result, error) { return Result{Next: name}, nil }
}

// customerStep asks which customer; next is the step after it.
func customerStep(next afterPick) *Step {
	return &Step{
		Name: "customer",
		Prompt: func(ctx context.Context, env *Env, s *Session) (Prompt, error) {
			var cs []crm.Customer
			var err error
			text := env.T("pick.prompt")
			if q := s.Get("pick_query"); q != "" {
				cs, err = resolveCustomer(ctx, env, s, q)
				if len(cs) > 1 {
					text = env.T("pick.several", q)
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
				p.Choices = append(p.Choices, Choice{Label: Short(c.Name, 18), Value: "#" + strconv.FormatInt(c.ID, 10)})
			}
			return p, nil
		},
		Parse: func(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
			found, err := resolveCustomer(ctx, env, s, in.Value())
			if err != nil {
				return Result{}, err
			}
			switch len(found) {
			case 0:
				s.Set("pick_query", "")
				return Result{}, crm.Errorf(crm.CodeInvalid, "pick.none", in.Value())
			case 1:
				setCustomer(s, found[0])
				s.Set("pick_query", "")
				return next(ctx, env, s)
			}
			s.Set("pick_query", in.Value())
			return Result{Next: "customer"}, nil
		},
	}
}

// pickedCustomer loads the picked customer again for what the flow does
// with it (the session could be older than a handover).
func pickedCustomer(ctx context.Context, env *Env, s *Session) (crm.Customer, error) {
	return env.Sales.CustomerFor(ctx, env.Viewer, s.Int(keyCustomer), reach(s))
}
