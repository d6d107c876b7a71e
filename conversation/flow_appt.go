package conversation

import (
	"context"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// The /appt flow books an appointment: when, where, what for.
func apptFlow() *Flow {
	return &Flow{
		Name:  "appt",
		Begin: beginWithCustomer(goStep("when")),
		Steps: []*Step{
			customerStep(goStep("when")),
			{Name: "when", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				return Prompt{Text: env.T("appt.when", s.Get(keyCustomerName))}, nil
			}, Parse: func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
				t, err := typed.DateTime(in.Text, env.Now, 0, 0, false)
				if err != nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "appt.when_invalid")
				}
				if !t.After(env.Now) {
					return Result{}, crm.Errorf(crm.CodeInvalid, "appt.past")
				}
				s.Set("at", t.Format("2006-01-02T15:04:05Z07:00"))
				return Result{Next: afterEdit(s, "place")}, nil
			}},
			{Name: "place", Optional: true, Prompt: staticPrompt("appt.place", nil), Parse: optionalText("place", "purpose")},
			{Name: "purpose", Optional: true, Prompt: staticPrompt("appt.purpose", nil), Parse: optionalText("purpose", "confirm")},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, s *Session) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", apptCard(env, s)), Choices: confirmChoices(env)}, nil
			}, Parse: apptSave},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.when"), "when"}, {env.T("field.place"), "place"}, {env.T("field.purpose"), "purpose"}}
			}),
		},
	}
}

// optionalText stores an optional free-text answer.
func optionalText(key, next string) func(context.Context, *Env, *Session, Input) (Result, error) {
	return func(_ context.Context, env *Env, s *Session, in Input) (Result, error) {
		if in.Skip {
			s.Set(key, "")
			return Result{Next: afterEdit(s, next)}, nil
		}
		v, err := textAnswer(in, maxNote)
		if err != nil {
			return Result{}, err
		}
		s.Set(key, v)
		return Result{Next: afterEdit(s, next)}, nil
	}
}

func apptTime(env *Env, s *Session) string {
	t, err := parseStamp(s.Get("at"))
	if err != nil {
		return "-"
	}
	return FormatDateTime(env.Lang, t, env.Now.Location())
}

func apptCard(env *Env, s *Session) string {
	card := s.Get(keyCustomerName) + " · " + apptTime(env, s)
	if p := s.Get("place"); p != "" {
		card += " · " + p
	}
	if p := s.Get("purpose"); p != "" {
		card += "\n" + p
	}
	return card
}

func apptSave(ctx context.Context, env *Env, s *Session, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	c, err := pickedCustomer(ctx, env, s)
	if err != nil {
		return Result{}, err
	}
	at, err := parseStamp(s.Get("at"))
	if err != nil {
		return Result{}, err
	}
	if _, err := env.Sales.AddAppointment(ctx, env.Viewer, crm.Appointment{CustomerID: c.ID, At: at, Place: s.Get("place"), Purpose: s.Get("purpose")}); err != nil {
		return Result{}, err
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("appt.saved", c.Name, apptTime(env, s)), Edit: in.Choice != nil}}}, nil
}
