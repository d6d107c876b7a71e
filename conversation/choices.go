package conversation

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
)

// Choice fields (crm/choice): a form stores the code under the field's
// key and what "other" is under key+"_detail"; everything shown reads the
// label in the reader's language.

// ChoiceLabel is a stored choice as lang reads it ("" for none).
func ChoiceLabel(lang string, f choice.Field, v choice.Value) string {
	return choice.Label(lang, f, v)
}

// CustomerFacts are a customer's choice fields as lang reads them, in
// the form's order, the empty ones left out.
func CustomerFacts(lang string, c crm.Customer) []string {
	var out []string
	for _, f := range choice.Fields {
		if s := ChoiceLabel(lang, f, c.Choice(f)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// GroupLabel names a group of an analysis by a choice field: the label
// without detail ("其他" is one group), "未填写" for none.
func GroupLabel(lang string, f choice.Field, code string) string {
	if code == "" {
		return T(lang, "stats.unset")
	}
	return ChoiceLabel(lang, f, choice.Value{Code: code})
}

// OtherLabel is the label of "other" in lang (a chart's small slices are
// merged into it).
func OtherLabel(lang string) string {
	return ChoiceLabel(lang, choice.Industry, choice.Value{Code: choice.Other})
}

// choiceButtons offers a list's options, labelled in the reader's
// language, each answering with its code.
func choiceButtons(env *Env, f choice.Field) []Choice {
	l := choice.Of(f)
	out := make([]Choice, 0, l.Shown)
	for _, o := range l.Offered() {
		out = append(out, Choice{Label: l.Label(env.Lang, choice.Value{Code: o.Code}), Value: o.Code})
	}
	return out
}

// formChoice reads a form's stored choice.
func formChoice(f Form, field choice.Field) choice.Value {
	k := string(field)
	return choice.Value{Code: f.Get(k), Detail: f.Get(k + "_detail")}
}

// choiceAnswer reads the answer to a choice step: a pressed option, or a
// typed label, synonym or number. "Other" without what it is goes to the
// field's detail step; anything else is refused with the list (the form
// stays where it is).
func choiceAnswer(field choice.Field, optional bool, next string) func(context.Context, *Env, Form, Input) (Result, error) {
	k := string(field)
	return func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
		if optional && in.Skip {
			return Result{Next: afterEdit(f, next), Set: Fields{k: "", k + "_detail": ""}}, nil
		}
		l := choice.Of(field)
		var v choice.Value
		res := choice.NoMatch
		if in.Choice != nil {
			if _, ok := l.Option(in.Choice.Value); ok {
				v, res = choice.Value{Code: in.Choice.Value}, choice.Matched
				if v.Code == choice.Other && l.Other {
					res = choice.NeedsDetail
				}
			}
		} else {
			v, res = l.Match(in.Text)
		}
		switch res {
		case choice.Matched:
			return Result{Next: afterEdit(f, next), Set: Fields{k: v.Code, k + "_detail": v.Detail}}, nil
		case choice.NeedsDetail:
			return Result{Next: k + "_detail", Set: Fields{k: choice.Other, k + "_detail": ""}}, nil
		}
		var labels []string
		for _, c := range choiceButtons(env, field) {
			labels = append(labels, c.Label)
		}
		key := "choice.refused"
		if field == choice.Region {
			key = "choice.refused_region"
		}
		return Result{}, crm.Errorf(crm.CodeInvalid, key, strings.Join(labels, env.T("choice.sep")))
	}
}

// choiceDetailStep asks what "other" is, and goes on to next.
func choiceDetailStep(field choice.Field, next string) *Step {
	k := string(field)
	return &Step{Name: k + "_detail", Prompt: staticPrompt("choice.detail_"+k, nil),
		Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
			t, err := textAnswer(in, choice.MaxDetailRunes)
			if err != nil {
				return Result{}, err
			}
			if rest, isOther := strings.CutPrefix(t, "其他"); isOther && strings.TrimSpace(rest) == "" {
				return Result{}, crm.Errorf(crm.CodeInvalid, "input.required")
			}
			return Result{Next: afterEdit(f, next), Set: Fields{k: choice.Other, k + "_detail": choice.Detail(t)}}, nil
		}}
}
