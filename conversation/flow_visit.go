package conversation

import (
	"context"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// The /visit flow: which customer (usually named with the command), what
// happened, the next action and its date in one answer. No card: three
// messages from command to receipt.
func visitFlow() *Flow {
	return &Flow{
		Name:  "visit",
		Begin: beginWithCustomer(goStep("content")),
		Fill:  visitFill,
		Steps: []*Step{
			customerStep(goStep("content")),
			{Name: "content", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("visit.content", f.Get(keyCustomerName))}, nil
			}, Parse: func(_ context.Context, env *Env, _ Form, in Input) (Result, error) {
				v, err := textAnswer(in, maxNote)
				if err != nil {
					return Result{}, err
				}
				return Result{Next: "next", Set: Fields{"content": v}}, nil
			}},
			{Name: "next", Optional: true, Prompt: staticPrompt("visit.next", nil), Parse: visitNext},
			{Name: "nodate", Prompt: visitNoDatePrompt, Parse: visitNoDate},
			// The card, for a visit proposed by a sentence (propose.go).
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", visitCard(env, f)), Choices: confirmChoices(env)}, nil
			}, Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				if res, save, err := cardAnswer(env, in, "edit"); !save {
					return res, err
				}
				nx, err := visitFormNext(env, f)
				if err != nil {
					return Result{}, err
				}
				return visitSave(ctx, env, f, in, nx)
			}},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.content"), "content"}, {env.T("field.next"), "next"}}
			}),
		},
	}
}

// activityKind guesses the kind of contact from what the rep wrote.
func activityKind(content string) crm.ActivityKind {
	c := strings.ToLower(content)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(c, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("电话", "致电", "打给", "call", "phone"):
		return crm.ActCall
	case has("会议", "开会", "meeting", "视频会"):
		return crm.ActMeeting
	case has("微信", "短信", "邮件", "wechat", "email", "message"):
		return crm.ActMessage
	}
	return crm.ActVisit
}

// visitNext reads the next step with typed.NextStep: with a date it is
// saved (with a time, reminded before that time); without one the rep is
// asked whether it really has none.
func visitNext(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if f.Get(keyProposal) != "" {
		return visitNextProposed(env, in)
	}
	if in.Skip {
		return visitSave(ctx, env, f, in, typed.Next{})
	}
	nx, err := readNextStep(env, in.Text)
	if err != nil {
		return Result{}, err
	}
	if nx.Date.IsZero() {
		timeOnly := ""
		if nx.TimeOnly {
			timeOnly = "1"
		}
		return Result{Next: "nodate", Set: Fields{"next_action": nx.Action, "next_time_only": timeOnly}}, nil
	}
	return visitSave(ctx, env, f, in, nx)
}

func visitNoDatePrompt(_ context.Context, env *Env, f Form) (Prompt, error) {
	key := "visit.no_date"
	if f.Get("next_time_only") != "" {
		key = "visit.no_date_time"
	}
	return Prompt{Text: env.T(key, f.Get("next_action")), Columns: 2,
		Choices: []Choice{{env.T("btn.no_reminder"), valSave}, {env.T("btn.add_date"), valEdit}}}, nil
}

// visitNoDate: save without a date, write the step again with one, or a
// new answer typed instead.
func visitNoDate(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	switch {
	case in.Choice != nil && in.Choice.Value == valSave:
		return visitSave(ctx, env, f, in, typed.Next{Action: f.Get("next_action")})
	case in.Choice != nil && in.Choice.Value == valEdit:
		return Result{Next: "next"}, nil
	}
	return visitNext(ctx, env, f, in)
}

func visitSave(ctx context.Context, env *Env, f Form, in Input, nx typed.Next) (Result, error) {
	id := f.Int(keyCustomer)
	a := crm.Activity{CustomerID: id, UserID: env.Viewer.ID, Content: f.Get("content"), Kind: activityKind(f.Get("content")), At: env.Now,
		NextAction: nx.Action, NextAt: nx.At}
	if !nx.Date.IsZero() {
		a.NextDate = crm.DateOf(nx.Date)
	}
	if _, err := env.Sales.LogActivity(ctx, env.Viewer, a); err != nil {
		return Result{}, err
	}
	var text string
	switch {
	case !a.NextAt.IsZero():
		text = env.T("visit.saved_next_at", FormatDateTime(env.Lang, a.NextAt, env.Now.Location()), a.NextAction)
	case a.NextDate != "":
		text = env.T("visit.saved_next", FormatDate(env.Lang, a.NextDate), a.NextAction)
	case a.NextAction != "":
		text = env.T("visit.saved_action", a.NextAction)
	default:
		text = env.T("visit.saved")
	}
	return Result{Done: true, Say: []crm.Message{{Text: text, Edit: in.Choice != nil}},
		Menu: []Choice{{env.T("btn.advance_stage"), "/stage #" + itoa(id)}}}, nil
}

// visitNextProposed is the next step typed again from a proposal's card:
// read as visitNext reads it, kept in the form, and back to the card (a
// proposal is saved only from its card).
func visitNextProposed(env *Env, in Input) (Result, error) {
	set := answered(Fields{"next_action": "", "next_date": "", "next_at": ""}, "next")
	if in.Skip {
		return Result{Next: "confirm", Set: set}, nil
	}
	nx, err := readNextStep(env, in.Text)
	if err != nil {
		return Result{}, err
	}
	set["next_action"] = nx.Action
	if !nx.Date.IsZero() {
		set["next_date"] = string(crm.DateOf(nx.Date))
	}
	if !nx.At.IsZero() {
		set["next_at"] = nx.At.Format(time.RFC3339)
	}
	return Result{Next: "confirm", Set: set}, nil
}

// readNextStep reads a visit's next step whole (typed.NextStep) or says
// why not: a date or time already past, a part it could not read, nothing
// at all, too long.
func readNextStep(env *Env, text string) (typed.Next, error) {
	nx, err := typed.NextStep(text, env.Now)
	if err != nil {
		if de, ok := crm.AsError(err); ok && (de.Key == "date.past" || de.Key == "time.past") {
			return nx, err
		}
		return nx, crm.Errorf(crm.CodeInvalid, "visit.next_partial")
	}
	if nx.Action == "" && nx.Date.IsZero() {
		return nx, crm.Errorf(crm.CodeInvalid, "visit.next_invalid")
	}
	if len([]rune(nx.Action)) > maxNote {
		return nx, crm.Errorf(crm.CodeInvalid, "text.too_long_n", maxNote)
	}
	return nx, nil
}
