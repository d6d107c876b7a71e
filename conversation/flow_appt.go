package conversation

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// The /appt flow books an appointment: when, where, what for.
func apptFlow() *Flow {
	return &Flow{
		Name:  "appt",
		Begin: beginWithCustomer(goStep("when")),
		Fill:  apptFill,
		Steps: []*Step{
			customerStep(goStep("when")),
			{Name: "when", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("appt.when", f.Get(keyCustomerName))}, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				t, err := typed.DateTime(in.Text, env.Now, 0, 0, false)
				if err != nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "appt.when_invalid")
				}
				if !t.After(env.Now) {
					return Result{}, crm.Errorf(crm.CodeInvalid, "appt.past")
				}
				return Result{Next: afterEdit(f, "place"), Set: Fields{"at": t.Format(time.RFC3339)}}, nil
			}},
			{Name: "place", Optional: true, Prompt: staticPrompt("appt.place", nil), Parse: optionalText("place", "purpose")},
			{Name: "purpose", Optional: true, Prompt: staticPrompt("appt.purpose", nil), Parse: optionalText("purpose", "confirm")},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", apptCard(env, f)), Choices: confirmChoices(env)}, nil
			}, Parse: apptSave},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.when"), "when"}, {env.T("field.place"), "place"}, {env.T("field.purpose"), "purpose"}}
			}),
		},
	}
}

// optionalText stores an optional free-text answer.
func optionalText(key, next string) func(context.Context, *Env, Form, Input) (Result, error) {
	return optionalAnswer(key, next, maxNote)
}

func apptTime(env *Env, f Form) string {
	t, err := parseStamp(f.Get("at"))
	if err != nil {
		return "-"
	}
	return FormatDateTime(env.Lang, t, env.Now.Location())
}

func apptCard(env *Env, f Form) string {
	card := f.Get(keyCustomerName) + " · " + proposedKind(env, f) + apptTime(env, f)
	if p := f.Get("place"); p != "" {
		card += " · " + p
	}
	if p := f.Get("purpose"); p != "" {
		card += "\n" + p
	}
	return card
}

func apptSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	at, err := parseStamp(f.Get("at"))
	if err != nil {
		return Result{}, err
	}
	a := crm.Appointment{CustomerID: f.Int(keyCustomer), At: at, Place: f.Get("place"), Purpose: f.Get("purpose")}
	if _, err := env.Sales.AddAppointment(ctx, env.Viewer, a); err != nil {
		return Result{}, err
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("appt.saved", f.Get(keyCustomerName), apptTime(env, f)), Edit: in.Choice != nil}}}, nil
}
