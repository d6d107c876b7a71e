package conversation

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// The /handover flow: a manager moves one rep's customers — all, or some
// picked by name — with their deals, plans, appointments, complaints and
// next actions, to another active rep in their scope, in one step.
func handoverFlow() *Flow {
	return &Flow{
		Name: "handover",
		Begin: func(ctx context.Context, env *Env, s *Session, args string) (Result, error) {
			// "/handover 张三" (e.g. from deactivation) names the leaver.
			if name := strings.TrimSpace(args); name != "" {
				u, err := handoverUser(ctx, env, name, 0)
				if err != nil {
					return Result{}, err
				}
				s.SetInt("from", u.ID)
				s.Set("from_name", u.Name)
				return Result{Next: "to"}, nil
			}
			return Result{}, nil
		},
		Steps: []*Step{
			{Name: "from", Prompt: func(ctx context.Context, env *Env, s *Session) (Prompt, error) {
				return handoverUsersPrompt(ctx, env, env.T("handover.from"), 0, true)
			}, Parse: func(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
				u, err := handoverUser(ctx, env, in.Value(), 0)
				if err != nil {
					return Result{}, err
				}
				s.SetInt("from", u.ID)
				s.Set("from_name", u.Name)
				return Result{Next: "to"}, nil
			}},
			{Name: "to", Prompt: func(ctx context.Context, env *Env, s *Session) (Prompt, error) {
				return handoverUsersPrompt(ctx, env, env.T("handover.to", s.Get("from_name")), s.Int("from"), false)
			}, Parse: func(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
				u, err := handoverUser(ctx, env, in.Value(), s.Int("from"))
				if err != nil {
					return Result{}, err
				}
				s.SetInt("to", u.ID)
				s.Set("to_name", u.Name)
				return Result{Next: "which"}, nil
			}},
			{Name: "which", Prompt: func(ctx context.Context, env *Env, s *Session) (Prompt, error) {
				n, err := env.Sales.CountOwned(ctx, env.Viewer, s.Int("from"))
				if err != nil {
					return Prompt{}, err
				}
				s.SetInt("count", int64(n))
				return Prompt{Text: env.T("handover.which", s.Get("from_name"), n), Choices: []Choice{{env.T("btn.handover_all", n), "all"}, {env.T("btn.handover_some"), "some"}}, Columns: 2}, nil
			}, Parse: func(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
				if s.Int("count") == 0 {
					return Result{Done: true, Say: []crm.Message{{Text: env.T("handover.nothing")}}}, nil
				}
				switch in.Value() {
				case "all":
					s.Set("ids", "")
					return Result{Next: "confirm"}, nil
				case "some":
					return Result{Next: "pick"}, nil
				}
				return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
			}},
			{Name: "pick", Prompt: staticPrompt("handover.pick", nil), Parse: handoverPick},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				what := env.T("handover.all_of", s.Int("count"))
				if s.Get("ids") != "" {
					what = s.Get("names")
				}
				return Prompt{Text: env.T("handover.card", s.Get("from_name"), s.Get("to_name"), what), Choices: []Choice{{env.T("btn.handover_do"), valSave}, {env.T("btn.cancel"), valCancel}}, Columns: 2}, nil
			}, Parse: handoverSave},
		},
	}
}

// handoverUsersPrompt lists the people the viewer may hand customers over
// from (withCustomersOnly) or to, except one.
func handoverUsersPrompt(ctx context.Context, env *Env, text string, except int64, withCustomersOnly bool) (Prompt, error) {
	users, err := env.Sales.HandoverCandidates(ctx, env.Viewer, except, withCustomersOnly)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: text, Columns: 3}
	for _, u := range users {
		p.Choices = append(p.Choices, Choice{u.Name, u.Name})
	}
	if len(p.Choices) == 0 {
		p.Text += "\n" + env.T("handover.no_one")
	}
	return p, nil
}

// handoverUser finds by name a person the viewer manages (the receiver,
// named with except set, must be active).
func handoverUser(ctx context.Context, env *Env, name string, except int64) (crm.User, error) {
	return env.Sales.HandoverUser(ctx, env.Viewer, name, except, except != 0)
}

// handoverPick resolves typed names (comma or space separated) among the
// leaving rep's customers.
func handoverPick(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
	words := strings.FieldsFunc(in.Text, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n' })
	var ids, names []string
	seen := map[int64]bool{}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		found, err := env.Sales.FindOwned(ctx, env.Viewer, s.Int("from"), w, 2)
		if err != nil {
			return Result{}, err
		}
		if len(found) != 1 {
			return Result{}, crm.Errorf(crm.CodeInvalid, "handover.pick_unclear", w)
		}
		if !seen[found[0].ID] {
			seen[found[0].ID] = true
			ids = append(ids, strconv.FormatInt(found[0].ID, 10))
			names = append(names, found[0].Name)
		}
	}
	if len(ids) == 0 {
		return Result{}, crm.Errorf(crm.CodeInvalid, "handover.pick_unclear", in.Text)
	}
	s.Set("ids", strings.Join(ids, ","))
	s.Set("names", strings.Join(names, "、"))
	return Result{Next: "confirm"}, nil
}

func handoverSave(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, ""); !save {
		return res, err
	}
	var ids []int64
	if s.Get("ids") != "" {
		for _, x := range strings.Split(s.Get("ids"), ",") {
			id, _ := strconv.ParseInt(x, 10, 64)
			ids = append(ids, id)
		}
	}
	res, from, to, err := env.Sales.Handover(ctx, env.Viewer, s.Int("from"), s.Int("to"), ids, env.Now)
	if err != nil {
		return Result{}, err
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("handover.done", res.Customers, from.Name, to.Name, res.Deals, res.PaymentPlans, res.Appointments, res.Complaints), Edit: in.Choice != nil}}}, nil
}
