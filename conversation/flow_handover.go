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
		Begin: func(ctx context.Context, env *Env, _ Form, args string) (Result, error) {
			// "/handover 张三" (e.g. from deactivation) names the leaver.
			if name := strings.TrimSpace(args); name != "" {
				return handoverFrom(ctx, env, name)
			}
			return Result{}, nil
		},
		Steps: []*Step{
			{Name: "from", Prompt: func(ctx context.Context, env *Env, _ Form) (Prompt, error) {
				return handoverUsersPrompt(ctx, env, env.T("handover.from"), 0, true)
			}, Parse: func(ctx context.Context, env *Env, _ Form, in Input) (Result, error) {
				return handoverFrom(ctx, env, in.Value())
			}},
			{Name: "to", Prompt: func(ctx context.Context, env *Env, f Form) (Prompt, error) {
				return handoverUsersPrompt(ctx, env, env.T("handover.to", f.Get("from_name")), f.Int("from"), false)
			}, Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				u, err := handoverUser(ctx, env, in.Value(), f.Int("from"))
				if err != nil {
					return Result{}, err
				}
				n, err := env.Sales.CountOwned(ctx, env.Viewer, f.Int("from"))
				if err != nil {
					return Result{}, err
				}
				return Result{Next: "which", Set: Fields{"to": itoa(u.ID), "to_name": u.Name, "count": itoa(int64(n))}}, nil
			}},
			{Name: "which", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				n := f.Int("count")
				return Prompt{Text: env.T("handover.which", f.Get("from_name"), n), Choices: []Choice{{env.T("btn.handover_all", n), "all"}, {env.T("btn.handover_some"), "some"}}, Columns: 2}, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				if f.Int("count") == 0 {
					return Result{Done: true, Say: []crm.Message{{Text: env.T("handover.nothing")}}}, nil
				}
				switch in.Value() {
				case "all":
					return Result{Next: "confirm", Set: Fields{"ids": "", "names": ""}}, nil
				case "some":
					return Result{Next: "pick"}, nil
				}
				return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
			}},
			{Name: "pick", Prompt: staticPrompt("handover.pick", nil), Parse: handoverPick},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				what := env.T("handover.all_of", f.Int("count"))
				if f.Get("ids") != "" {
					what = f.Get("names")
				}
				return Prompt{Text: env.T("handover.card", f.Get("from_name"), f.Get("to_name"), what), Choices: []Choice{{env.T("btn.handover_do"), valSave}, {env.T("btn.cancel"), valCancel}}, Columns: 2}, nil
			}, Parse: handoverSave},
		},
	}
}

// handoverFrom takes the person whose customers move.
func handoverFrom(ctx context.Context, env *Env, name string) (Result, error) {
	u, err := handoverUser(ctx, env, name, 0)
	if err != nil {
		return Result{}, err
	}
	return Result{Next: "to", Set: Fields{"from": itoa(u.ID), "from_name": u.Name}}, nil
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
func handoverPick(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	words := strings.FieldsFunc(in.Text, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n' })
	var ids, names []string
	seen := map[int64]bool{}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		found, err := env.Sales.FindOwned(ctx, env.Viewer, f.Int("from"), w, 2)
		if err != nil {
			return Result{}, err
		}
		if len(found) != 1 {
			return Result{}, crm.Errorf(crm.CodeInvalid, "handover.pick_unclear", w)
		}
		if !seen[found[0].ID] {
			seen[found[0].ID] = true
			ids = append(ids, itoa(found[0].ID))
			names = append(names, found[0].Name)
		}
	}
	if len(ids) == 0 {
		return Result{}, crm.Errorf(crm.CodeInvalid, "handover.pick_unclear", in.Text)
	}
	return Result{Next: "confirm", Set: Fields{"ids": strings.Join(ids, ","), "names": Enum(env.Lang, names)}}, nil
}

func handoverSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, ""); !save {
		return res, err
	}
	var ids []int64
	if f.Get("ids") != "" {
		for _, x := range strings.Split(f.Get("ids"), ",") {
			id, _ := strconv.ParseInt(x, 10, 64)
			ids = append(ids, id)
		}
	}
	res, from, to, err := env.Sales.Handover(ctx, env.Viewer, f.Int("from"), f.Int("to"), ids, env.Now)
	if err != nil {
		return Result{}, err
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("handover.done", res.Customers, from.Name, to.Name, res.Deals, res.PaymentPlans, res.Appointments, res.Complaints), Edit: in.Choice != nil}}}, nil
}
