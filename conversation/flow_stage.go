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
		Fill:  stageFill,
		Steps: []*Step{
			customerStep(stageAfterPick),
			{Name: "deal", Prompt: stageDealPrompt, Parse: stageDealParse},
			{Name: "stage", Prompt: stageStagePrompt, Parse: stageStageParse},
			{Name: "pct", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				def := crm.Stage(f.Get("stage")).DefaultWinPct()
				return Prompt{Text: env.T("stage.pct"), Choices: []Choice{{env.T("btn.default_pct", def), strconv.Itoa(def)}}}, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				p, err := typed.Percent(in.Value())
				if err != nil {
					return Result{}, err
				}
				if err := crm.CheckStageMove("", crm.Stage(f.Get("stage")), p); err != nil {
					return Result{}, err
				}
				return Result{Next: afterEdit(f, "amount"), Set: Fields{"pct": strconv.Itoa(p)}}, nil
			}},
			{Name: "amount", Optional: true, Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				p := Prompt{Text: env.T(wonKey(f, "stage.amount"))}
				if a := f.Int("amount"); a > 0 {
					p.Choices = append(p.Choices, Choice{env.T("btn.keep", crm.Money(a)), itoa(a) + "fen"})
				}
				return p, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				res := Result{Next: afterEdit(f, "close"), Set: answered(Fields{}, "amount")}
				switch {
				case in.Skip:
					res.Set["amount"] = ""
				case in.Choice != nil && strings.HasSuffix(in.Choice.Value, "fen"): // kept
				default:
					m, err := typed.Amount(in.Text)
					if err != nil {
						return Result{}, amountError(err, "amount.explain")
					}
					res.Set["amount"] = itoa(int64(m))
				}
				return res, nil
			}},
			{Name: "close", Optional: true, Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				p := Prompt{Text: env.T(wonKey(f, "stage.close"))}
				if d := f.Get("close"); d != "" {
					p.Choices = append(p.Choices, Choice{env.T("btn.keep", FormatDate(env.Lang, crm.Date(d))), d})
				}
				if today := string(crm.DateOf(env.Now)); crm.Stage(f.Get("stage")) == crm.StageContract && f.Get("close") != today {
					p.Choices = append(p.Choices, Choice{env.T("btn.today"), today})
				}
				return p, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				res := Result{Next: afterEdit(f, "note"), Set: answered(Fields{}, "close")}
				switch {
				case in.Skip:
					res.Set["close"] = ""
				case in.Choice != nil: // kept, or today
					res.Set["close"] = in.Choice.Value
				default:
					d, err := typed.Date(in.Text, env.Now)
					if err != nil {
						return Result{}, crm.Errorf(crm.CodeInvalid, "date.explain")
					}
					res.Set["close"] = string(crm.DateOf(d))
				}
				return res, nil
			}},
			{Name: "note", Optional: true, Prompt: stageNotePrompt, Parse: stageNoteParse},
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
func stageAfterPick(ctx context.Context, env *Env, f Form) (Result, error) {
	deals, err := env.Sales.Deals(ctx, env.Viewer, f.Int(keyCustomer))
	if err != nil {
		return Result{}, err
	}
	for _, d := range deals {
		if !d.Stage.Closed() {
			return Result{Next: "deal"}, nil
		}
	}
	return Result{Next: "stage", Set: keepProposed(f, dealFields(nil))}, nil
}

// dealFields are the deal a card moves (nil for a new one): its id, where
// it stands, and its amount, close date and note as the card's defaults.
func dealFields(d *crm.Deal) Fields {
	if d == nil {
		return Fields{"deal_id": "0", "deal_stage": "", "deal_pct": "", "deal_note": "", "amount": "", "close": "", "note": ""}
	}
	return Fields{"deal_id": itoa(d.ID), "deal_stage": string(d.Stage), "deal_pct": strconv.Itoa(d.WinPct), "deal_note": d.Note,
		"amount": itoa(int64(d.Amount)), "close": string(d.CloseDate), "note": d.Note}
}

func stageDealPrompt(ctx context.Context, env *Env, f Form) (Prompt, error) {
	deals, err := env.Sales.Deals(ctx, env.Viewer, f.Int(keyCustomer))
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{Text: env.T("stage.which_deal", f.Get(keyCustomerName)), Columns: 1}
	for _, d := range deals {
		if d.Stage.Closed() {
			continue
		}
		label := StageName(env.Lang, d.Stage) + " " + strconv.Itoa(d.WinPct) + "% " + d.Amount.String()
		if d.Title != "" {
			label = Short(d.Title, 12) + " · " + label
		}
		p.Choices = append(p.Choices, Choice{label, itoa(d.ID)})
	}
	p.Choices = append(p.Choices, Choice{env.T("btn.new_deal"), "0"})
	return p, nil
}

// stageDealParse takes the deal to move, read again for where it stands
// now, or a new one.
func stageDealParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if in.Choice == nil {
		return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
	}
	id, _ := strconv.ParseInt(in.Choice.Value, 10, 64)
	if id == 0 {
		return Result{Next: "stage", Set: keepProposed(f, dealFields(nil))}, nil
	}
	d, err := env.Sales.Deal(ctx, env.Viewer, id)
	if err != nil {
		return Result{}, err
	}
	return Result{Next: "stage", Set: keepProposed(f, dealFields(&d))}, nil
}

func stageStagePrompt(_ context.Context, env *Env, f Form) (Prompt, error) {
	p := Prompt{Text: env.T("stage.stage", f.Get(keyCustomerName)), Columns: 3}
	cur := crm.Stage("")
	if f.Int("deal_id") != 0 {
		cur = crm.Stage(f.Get("deal_stage"))
		p.Text = env.T("stage.stage_current", f.Get(keyCustomerName), StageName(env.Lang, cur), f.Int("deal_pct"))
	}
	// Every stage, always in the same order, so an option's number means
	// the same stage whether the deal is new or moving; the current one is
	// marked (choosing it keeps the stage and updates the rest).
	for _, st := range crm.Stages {
		label := StageName(env.Lang, st)
		if st == cur {
			label = env.T("stage.current_choice", label)
		}
		p.Choices = append(p.Choices, Choice{label, string(st)})
	}
	return p, nil
}

// wonKey is the won-deal wording of a prompt key: a signed contract has a
// contract amount and a signing date, not an expected amount and close.
func wonKey(f Form, key string) string {
	if crm.Stage(f.Get("stage")) == crm.StageContract {
		return key + "_won"
	}
	return key
}

// stageNotePrompt asks for the status note, offering to keep the deal's.
func stageNotePrompt(_ context.Context, env *Env, f Form) (Prompt, error) {
	p := Prompt{Text: env.T("stage.note")}
	if n := f.Get("deal_note"); n != "" {
		p.Text = env.T("stage.note_current", Short(n, 60))
		p.Choices = []Choice{{env.T("btn.keep_note"), keepNote}}
	}
	return p, nil
}

// keepNote is the value of the "keep the note" choice.
const keepNote = "keep"

// stageNoteParse takes the note typed, keeps the deal's on the keep
// choice (its button, or its number where there are no buttons), and
// clears it on "-".
func stageNoteParse(_ context.Context, _ *Env, f Form, in Input) (Result, error) {
	if in.Choice != nil && in.Choice.Value == keepNote {
		return Result{Next: afterEdit(f, "confirm"), Set: Fields{"note": f.Get("deal_note")}}, nil
	}
	v, err := optionalTextAnswer(in, maxNote)
	if err != nil {
		return Result{}, err
	}
	return Result{Next: afterEdit(f, "confirm"), Set: Fields{"note": v}}, nil
}

func stageStageParse(_ context.Context, env *Env, f Form, in Input) (Result, error) {
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
	if st.Closed() { // won is 100%, lost is 0%: nothing to ask
		pct := "0"
		if st == crm.StageContract {
			pct = "100"
		}
		return Result{Next: afterEdit(f, "amount"), Set: Fields{"stage": string(st), "pct": pct}}, nil
	}
	return Result{Next: "pct", Set: Fields{"stage": string(st)}}, nil
}

func stageCard(env *Env, f Form) string {
	parts := []string{f.Get(keyCustomerName), StageName(env.Lang, crm.Stage(f.Get("stage"))), itoa(f.Int("pct")) + "%"}
	if a := f.Int("amount"); a > 0 {
		parts = append(parts, crm.Money(a).String())
	}
	if d := f.Get("close"); d != "" {
		parts = append(parts, env.T(wonKey(f, "stage.close_by"), FormatDate(env.Lang, crm.Date(d))))
	}
	card := strings.Join(parts, " · ")
	if n := f.Get("note"); n != "" {
		card += "\n" + n
	}
	return card
}

func stageConfirmPrompt(_ context.Context, env *Env, f Form) (Prompt, error) {
	return Prompt{Text: env.T("card.confirm", stageCard(env, f)), Choices: confirmChoices(env)}, nil
}

// stageSave saves the card. The customer is read again for its owner, who
// owns a new deal (sales.SaveDeal could take it from the customer it
// checks: then this step would call SaveDeal alone).
func stageSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	c, err := pickedCustomer(ctx, env, f)
	if err != nil {
		return Result{}, err
	}
	d := crm.Deal{ID: f.Int("deal_id"), CustomerID: c.ID, OwnerID: c.OwnerID, Stage: crm.Stage(f.Get("stage")), WinPct: int(f.Int("pct")),
		Amount: crm.Money(f.Int("amount")), CloseDate: crm.Date(f.Get("close")), Note: f.Get("note")}
	saved, err := env.Sales.SaveDeal(ctx, env.Viewer, d)
	if err != nil {
		return Result{}, err
	}
	id := "#" + itoa(c.ID)
	menu := []Choice{{env.T("btn.log_visit"), "/visit " + id}}
	if saved.Stage == crm.StageContract {
		menu = append(menu, Choice{env.T("btn.payment_plan"), "/pay " + id})
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("stage.saved", saved.CustomerName, StageName(env.Lang, saved.Stage), saved.WinPct), Edit: in.Choice != nil}},
		Menu: menu}, nil
}
