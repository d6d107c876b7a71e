package conversation

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/crm"
)

// allFlows lists every form of the product.
func allFlows() []*Flow {
	return []*Flow{newCustomerFlow(), visitFlow(), stageFlow(), payFlow(), apptFlow(), complaintFlow(), reportFlow(), commentFlow(), targetFlow(), handoverFlow(), checkinFlow(), contactFlow(), attachFlow()}
}

// Answers shared by confirmation cards.
const (
	valSave   = "save"
	valEdit   = "edit"
	valCancel = "cancel"
	valYes    = "yes"
	valNo     = "no"
)

func confirmChoices(env *Env) []Choice {
	return []Choice{{env.T("btn.save"), valSave}, {env.T("btn.edit"), valEdit}, {env.T("btn.cancel"), valCancel}}
}

// cardAnswer reads the answer to a confirmation card: "edit" goes to
// editStep (a card without one has ""), "cancel" ends the form, "save"
// returns save=true for the caller to save; anything else is asked again.
func cardAnswer(env *Env, in Input, editStep string) (res Result, save bool, err error) {
	switch confirmAnswer(in) {
	case valSave:
		return Result{}, true, nil
	case valEdit:
		if editStep != "" {
			return Result{Next: editStep}, false, nil
		}
	case valCancel:
		return Result{Done: true, Say: []crm.Message{{Text: env.T("flow.cancelled"), Edit: in.Choice != nil}}}, false, nil
	}
	return Result{}, false, crm.Errorf(crm.CodeInvalid, "input.pick_button")
}

// amountError says why an amount was refused when the parser knows
// (zero or negative: "金额要大于0"; too large), else the fallback key that
// lists the accepted forms.
func amountError(err error, fallback string) error {
	if de, ok := crm.AsError(err); ok {
		switch de.Key {
		case "amount.zero", "amount.negative", "amount.too_large":
			return crm.Errorf(crm.CodeInvalid, de.Key)
		}
	}
	return crm.Errorf(crm.CodeInvalid, fallback)
}

// textAnswer validates free text: not empty, at most max runes.
func textAnswer(in Input, max int) (string, error) {
	t := strings.TrimSpace(in.Value())
	if t == "" {
		return "", crm.Errorf(crm.CodeInvalid, "input.required")
	}
	if utf8.RuneCountInString(t) > max {
		return "", crm.Errorf(crm.CodeInvalid, "text.too_long_n", max)
	}
	return t, nil
}

// optionalTextAnswer is textAnswer for an optional field: "" when skipped.
func optionalTextAnswer(in Input, max int) (string, error) {
	if in.Skip {
		return "", nil
	}
	return textAnswer(in, max)
}

// optionalAnswer stores an optional free-text answer of at most max runes
// ("" when skipped) and goes to next (or back to the card).
func optionalAnswer(key, next string, max int) func(context.Context, *Env, Form, Input) (Result, error) {
	return func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
		v, err := optionalTextAnswer(in, max)
		if err != nil {
			return Result{}, err
		}
		return Result{Next: afterEdit(f, next), Set: Fields{key: v}}, nil
	}
}

// Lengths allowed for short fields and notes: crm's, the same for chat,
// import and the store's callers.
const (
	maxName  = crm.MaxNameRunes
	maxShort = crm.MaxShortRunes
	maxNote  = crm.MaxNoteRunes
)

// staticPrompt is a prompt with fixed text and choices.
func staticPrompt(key string, choices func(env *Env) []Choice) func(context.Context, *Env, Form) (Prompt, error) {
	return func(_ context.Context, env *Env, _ Form) (Prompt, error) {
		p := Prompt{Text: env.T(key)}
		if choices != nil {
			p.Choices = choices(env)
		}
		return p, nil
	}
}

// afterEdit is where a step goes next: back to the card when the user came
// to it from the card's "edit" button, else def.
func afterEdit(f Form, def string) string {
	if f.Get("_edit") != "" {
		return "confirm"
	}
	return def
}

// editStep asks which field of a card to change.
func editStep(fields func(env *Env) []Choice) *Step {
	return &Step{
		Name: "edit",
		Prompt: func(_ context.Context, env *Env, _ Form) (Prompt, error) {
			return Prompt{Text: env.T("edit.which"), Choices: fields(env), Columns: 3}, nil
		},
		Parse: func(_ context.Context, env *Env, _ Form, in Input) (Result, error) {
			if in.Choice == nil {
				return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
			}
			return Result{Next: in.Choice.Value, Set: Fields{"_edit": "1"}}, nil
		},
	}
}
