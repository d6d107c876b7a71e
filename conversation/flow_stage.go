package conversation

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// The /stage flow opens a deal or moves one: stage, win probability,
// expected amount, expected close date, status note, a card, a receipt.
func stageFlow() *Flow {
	return &Flow{
		Name:  "stage",
		Begin: beginWithCustomer(stageAfterPick),
		Steps: []*Step{
			customerStep(stageAfterPick),
			{Name: "deal", Prompt: stageDealPrompt, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				if in.Choice == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				s.Set("deal_id", in.Choice.Value)
				return Result{Next: "stage"}, nil
			}},
			{Name: "stage", Prompt: stageStagePrompt, Parse: stageStageParse},
			{Name: "pct", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				def := crm.Stage(s.Get("stage")).DefaultWinPct()
				return Prompt{Text: env.T("stage.pct"), Choices: []Choice{{env.T("btn.default_pct", def), strconv.Itoa(def)}}}, nil
			}, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				p, err := typed.Percent(in.Value())
				if err != nil {
					return Result{}, err
				}
				st := crm.Stage(s.Get("stage"))
				if err := crm.CheckStageMove("", st, p); err != nil {
					return Result{}, err
				}
				s.SetInt("pct", int64(p))
				return Result{Next: afterEdit(s, "amount")}, nil
			}},
			{Name: "amount", Optional: true, Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				p := Prompt{Text: env.T("stage.amount")}
				if a := s.Int("amount"); a > 0 {
					p.Choices = append(p.Choices, Choice{env.T("btn.keep", crm.Money(a)), strconv.FormatInt(a, 10) + "fen"})
				}
				return p, nil
			}, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				switch {
				case in.Skip:
					s.SetInt("amount", 0)
				case in.Choice != nil && strings.HasSuffix(in.Choice.Value, "fen"):
				default:
					m, err := typed.Amount(in.Text)
					if err != nil {
						return Result{}, crm.Errorf(crm.CodeInvalid, "amount.explain")
					}
					s.SetInt("amount", int64(m))
				}
				return Result{Next: afterEdit(s, "close")}, nil
			}},
			{Name: "close", Optional: true, Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				p := Prompt{Text: env.T("stage.close")}
				if d := s.Get("close"); d != "" {
					p.Choices = append(p.Choices, Choice{env.T("btn.keep", FormatDate(env.Lang, crm.Date(d))), d})
				}
				return p, nil
			}, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				switch {
				case in.Skip:
					s.Set("close", "")
				case in.Choice != nil:
				default:
					d, err := typed.Date(in.Text, env.Now)
					if err != nil {
						return Result{}, crm.Errorf(crm.CodeInvalid, "date.explain")
					}
					s.Set("close", string(crm.DateOf(d)))
				}
				return Result{Next: afterEdit(s, "note")}, nil
			}},
			{Name: "note", Optional: true, Prompt: staticPrompt("stage.note", nil), Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
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
			{Name: "confirm", Prompt: stageConfirmPrompt, Parse: stageSave},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.stage"), "stage"}, {env.T("field.pct"), "pct"}, {env.T("field.amount"), "amount"},
					{env.T("field.close"), "close"}, {env.T("field.note"), "note"}}
			}),
		},
	}
}

// stageAfterPick goes to the deal choice when the customer has open deals,
// else straight to a new deal's stage.
func stageAfterPick(ctx context.Context, env *Env, s *Session) (Result, error) {
	c, err := pickedCustomer(ctx, env, s)
	if err != nil {
		return Result{}, err
	}
	deals, err := env.Sales.Deals(ctx, env.Viewer, c.ID)
	if err != nil {
		return Result{}, err
	}
	for _, d := range deals {
		if !d.Stage.Closed() {
			return Result{Next: "deal"}, nil
		}
	}
	s.Set("deal_id", "0")
	return Result{Next: "stage"}, nil
}

func stageDealPrompt(ctx context.Context, env *Env, s *Session) (Prompt, error) {
	deals, err := env.Sales.Deals(ctx, env.Viewer, s.Int(keyCustomer))
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: env.T("stage.which_deal", s.Get(keyCustomerName)), Columns: 1}
	for _, d := range deals {
		if d.Stage.Closed() {
			continue
		}
		label := StageName(env.Lang, d.Stage) + " " + strconv.Itoa(d.WinPct) + "% " + d.Amount.String()
		if d.Title != "" {
			label = Short(d.Title, 12) + " · " + label
		}
		p.Choices = append(p.Choices, Choice{label, strconv.FormatInt(d.ID, 10)})
	}
	p.Choices = append(p.Choices, Choice{env.T("btn.new_deal"), "0"})
	return p, nil
}

func stageStagePrompt(ctx context.Context, env *Env, s *Session) (Prompt, error) {
	p := Prompt{Text: env.T("stage.stage", s.Get(keyCustomerName)), Columns: 3}
	cur := crm.Stage("")
	if id := s.Int("deal_id"); id != 0 {
		d, err := env.Sales.Deal(ctx, env.Viewer, id)
		if err != nil {
			return p, err
		}
		cur = d.Stage
		p.Text = env.T("stage.stage_current", s.Get(keyCustomerName), StageName(env.Lang, d.Stage), d.WinPct)
		if s.Get("_loaded") == "" { // keep the deal's values as defaults
			s.Set("_loaded", "1")
			s.SetInt("amount", int64(d.Amount))
			s.Set("close", string(d.CloseDate))
			s.Set("note", d.Note)
		}
	}
	for _, st := range crm.Stages {
		if st == cur {
			continue
		}
		p.Choices = append(p.Choices, Choice{StageName(env.Lang, st), string(st)})
	}
	return p, nil
}

func stageStageParse(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
	st := crm.Stage(in.Value())
	if in.Choice == nil {
		st = crm.Stage("")
		for _, x := range crm.Stages {
			if strings.EqualFold(in.Text, StageName(LangZH, x)) || strings.EqualFold(in.Text, StageName(LangEN, x)) || in.Text == string(x) {
				st = x
			}
		}
	}
	if !st.Valid() {
		return Result{}, crm.Errorf(crm.CodeInvalid, "stage.pick")
	}
	s.Set("stage", string(st))
	if st.Closed() { // won is 100%, lost is 0%: nothing to ask
		if st == crm.StageContract {
			s.SetInt("pct", 100)
		} else {
			s.SetInt("pct", 0)
		}
		return Result{Next: afterEdit(s, "amount")}, nil
	}
	if s.Get("_edit") != "" {
		return Result{Next: "pct"}, nil
	}
	return Result{Next: "pct"}, nil
}

func stageCard(env *Env, s *Session) string {
	parts := []string{s.Get(keyCustomerName), StageName(env.Lang, crm.Stage(s.Get("stage"))), strconv.FormatInt(s.Int("pct"), 10) + "%"}
	if a := s.Int("amount"); a > 0 {
		parts = append(parts, crm.Money(a).String())
	}
	if d := s.Get("close"); d != "" {
		parts = append(parts, env.T("stage.close_by", FormatDate(env.Lang, crm.Date(d))))
	}
	card := strings.Join(parts, " · ")
	if n := s.Get("note"); n != "" {
		card += "\n" + n
	}
	return card
}

func stageConfirmPrompt(_ context.Context, env *Env, s *Session) (Prompt, error) {
	return Prompt{Text: env.T("card.confirm", stageCard(env, s)), Choices: confirmChoices(env)}, nil
}

func stageSave(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	c, err := pickedCustomer(ctx, env, s)
	if err != nil {
		return Result{}, err
	}
	d := crm.Deal{ID: s.Int("deal_id"), CustomerID: c.ID, OwnerID: c.OwnerID, Stage: crm.Stage(s.Get("stage")), WinPct: int(s.Int("pct")),
		Amount: crm.Money(s.Int("amount")), CloseDate: crm.Date(s.Get("close")), Note: s.Get("note")}
	saved, err := env.Sales.SaveDeal(ctx, env.Viewer, d)
	if err != nil {
		return Result{}, err
	}
	id := "#" + strconv.FormatInt(c.ID, 10)
	menu := []Choice{{env.T("btn.log_visit"), "/visit " + id}}
	if saved.Stage == crm.StageContract {
		menu = append(menu, Choice{env.T("btn.payment_plan"), "/pay " + id})
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("stage.saved", saved.CustomerName, StageName(env.Lang, saved.Stage), saved.WinPct), Edit: in.Choice != nil}},
		Menu: menu}, nil
}
