package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
	"github.com/salesbot-crm/salesbot/sales"
)

// The target flow: a manager or admin sets a target for a unit they manage
// (the company, a department of their subtree, a rep in it), a metric and
// a current or coming period; a department's (or the company's) target can
// then be split across its direct children — sub-departments and its own
// reps — evenly or by their share of the last period, and the proposal
// adjusted before it is saved.

// MaxTargetYuan bounds a money target: more than this is a typo.
const MaxTargetYuan = 100_000_000_000 // ¥1000亿

func targetFlow() *Flow {
	return &Flow{
		Name: "target",
		Steps: []*Step{
			{Name: "unit", Prompt: targetUnitPrompt, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Choice == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "target.pick_unit")
				}
				return Result{Next: afterEdit(f, "metric"), Set: Fields{"unit": in.Choice.Value, "unit_label": in.Choice.Label}}, nil
			}},
			{Name: "metric", Prompt: func(_ context.Context, env *Env, _ Form) (Prompt, error) {
				var cs []Choice
				for _, m := range []crm.Metric{crm.MetricPayments, crm.MetricContract, crm.MetricNewCustomers} {
					cs = append(cs, Choice{env.T("metric." + string(m)), string(m)})
				}
				return Prompt{Text: env.T("target.metric"), Choices: cs}, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Choice == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				return Result{Next: afterEdit(f, "period"), Set: Fields{"metric": in.Choice.Value}}, nil
			}},
			{Name: "period", Prompt: targetPeriodPrompt, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Choice == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "target.pick_period")
				}
				kind, start, _ := strings.Cut(in.Choice.Value, ":")
				return Result{Next: afterEdit(f, "value"), Set: Fields{"period": kind, "start": start, "period_label": in.Choice.Label}}, nil
			}},
			{Name: "value", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				if crm.Metric(f.Get("metric")) == crm.MetricNewCustomers {
					return Prompt{Text: env.T("target.value_count")}, nil
				}
				return Prompt{Text: env.T("target.value_money")}, nil
			}, Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
				v, err := parseTargetValue(crm.Metric(f.Get("metric")), in.Text)
				if err != nil {
					return Result{}, err
				}
				return Result{Next: "confirm", Set: Fields{"value": itoa(v)}}, nil
			}},
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("card.confirm", targetCard(env, f)), Choices: confirmChoices(env)}, nil
			}, Parse: targetSave},
			{Name: "split", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("target.split_ask", f.Get("unit_label")), Choices: []Choice{
					{env.T("btn.split_even"), "even"}, {env.T("btn.split_share"), "share"}, {env.T("btn.split_none"), "none"}}, Columns: 3}, nil
			}, Parse: targetSplitParse},
			{Name: "split_confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("target.split_card", f.Get("split_text")), Choices: []Choice{
					{env.T("btn.save"), valSave}, {env.T("btn.split_adjust"), valEdit}, {env.T("btn.cancel"), valCancel}}, Columns: 3}, nil
			}, Parse: targetSplitSave},
			{Name: "split_adjust", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				ex := ""
				if plan := splitPlan(f); len(plan) > 0 {
					ex = plan[0].Name
				}
				return Prompt{Text: env.T("target.adjust_ask", ex)}, nil
			}, Parse: targetSplitAdjust},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.unit"), "unit"}, {env.T("field.metric"), "metric"}, {env.T("field.period"), "period"}, {env.T("field.value"), "value"}}
			}),
		},
	}
}

// parseTargetValue reads a positive, sane target value: fen for money, a
// count for new customers.
func parseTargetValue(m crm.Metric, text string) (int64, error) {
	if m == crm.MetricNewCustomers {
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(text), "家"), "个"), 10, 64)
		if err != nil || n <= 0 {
			return 0, crm.Errorf(crm.CodeInvalid, "target.count_invalid")
		}
		if n > 1_000_000 {
			return 0, crm.Errorf(crm.CodeInvalid, "target.too_large")
		}
		return n, nil
	}
	v, err := typed.Amount(text)
	if err != nil {
		if de, ok := crm.AsError(err); ok && de.Key == "amount.too_large" {
			return 0, crm.Errorf(crm.CodeInvalid, "target.too_large")
		}
		return 0, crm.Errorf(crm.CodeInvalid, "target.money_invalid")
	}
	if crm.Money(v) > crm.Yuan(MaxTargetYuan) {
		return 0, crm.Errorf(crm.CodeInvalid, "target.too_large")
	}
	return int64(v), nil
}

// Unit choices are encoded "company:0", "department:ID", "user:ID".
func targetUnitPrompt(ctx context.Context, env *Env, _ Form) (Prompt, error) {
	p := Prompt{Text: env.T("target.unit"), Columns: 2}
	units, err := env.Sales.TargetUnits(ctx, env.Viewer, true)
	if err != nil {
		return p, err
	}
	for _, u := range units {
		name := u.Name
		if u.Kind == crm.UnitCompany {
			name = env.T("target.company")
		}
		p.Choices = append(p.Choices, Choice{name, fmt.Sprintf("%s:%d", u.Kind, u.ID)})
	}
	return p, nil
}

// targetPeriodPrompt offers the current and the next month, quarter and
// year: a past period cannot be chosen.
func targetPeriodPrompt(_ context.Context, env *Env, _ Form) (Prompt, error) {
	now := env.Now
	var cs []Choice
	add := func(kind crm.PeriodKind, t time.Time, key string) {
		start, _ := crm.PeriodRange(kind, t)
		cs = append(cs, Choice{env.T(key, periodLabel(env.Lang, kind, start)), string(kind) + ":" + string(start)})
	}
	ms, me := crm.PeriodRange(crm.PeriodMonth, now)
	add(crm.PeriodMonth, now, "target.this")
	add(crm.PeriodMonth, me.Time(now.Location()), "target.next")
	_, qe := crm.PeriodRange(crm.PeriodQuarter, now)
	add(crm.PeriodQuarter, now, "target.this")
	add(crm.PeriodQuarter, qe.Time(now.Location()), "target.next")
	_, ye := crm.PeriodRange(crm.PeriodYear, now)
	add(crm.PeriodYear, now, "target.this")
	add(crm.PeriodYear, ye.Time(now.Location()), "target.next")
	_ = ms
	return Prompt{Text: env.T("target.period"), Choices: cs, Columns: 2}, nil
}

// periodLabel names a period: 2026年12月 / 2026年Q4 / 2026年, or Dec 2026 …
func periodLabel(lang string, kind crm.PeriodKind, start crm.Date) string {
	t := start.Time(time.UTC)
	switch kind {
	case crm.PeriodQuarter:
		return T(lang, "period.quarter", t.Year(), (int(t.Month())-1)/3+1)
	case crm.PeriodYear:
		return T(lang, "period.year", t.Year())
	}
	if lang == LangEN {
		return t.Format("Jan 2006")
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// PeriodLabel is periodLabel for other packages.
func PeriodLabel(lang string, kind crm.PeriodKind, start crm.Date) string {
	return periodLabel(lang, kind, start)
}

func targetValueText(m crm.Metric, v int64) string {
	if m == crm.MetricNewCustomers {
		return strconv.FormatInt(v, 10)
	}
	return crm.Money(v).String()
}

func targetCard(env *Env, f Form) string {
	m := crm.Metric(f.Get("metric"))
	return env.T("target.card", f.Get("unit_label"), f.Get("period_label"), env.T("metric."+string(m)), targetValueText(m, f.Int("value")))
}

// targetUnit decodes the chosen unit (SetTarget checks it against the
// viewer).
func targetUnit(f Form) (crm.UnitKind, int64) {
	kind, idS, _ := strings.Cut(f.Get("unit"), ":")
	id, _ := strconv.ParseInt(idS, 10, 64)
	return crm.UnitKind(kind), id
}

// targetSave sets the target, then (not one use case: see the package
// doc) says where targets and the targets of the units under them do not
// add up, and offers to split a department's (or the company's) target
// across its direct children.
func targetSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	unit, id := targetUnit(f)
	t := crm.Target{Metric: crm.Metric(f.Get("metric")), Period: crm.PeriodKind(f.Get("period")), PeriodStart: crm.Date(f.Get("start")), Unit: unit, UnitID: id, Value: f.Int("value")}
	if _, err := env.Sales.SetTarget(ctx, env.Viewer, t); err != nil {
		return Result{}, err
	}
	say := []crm.Message{{Text: env.T("target.saved", targetCard(env, f)), Edit: in.Choice != nil}}
	if w := targetSumWarnings(ctx, env, t); w != "" {
		say = append(say, crm.Message{Text: w})
	}
	if unit != crm.UnitUser {
		if kids, _ := env.Sales.TargetChildren(ctx, env.Viewer, unit, id); len(kids) > 0 {
			return Result{Next: "split", Say: say, Saved: true}, nil
		}
	}
	return Result{Done: true, Say: say}, nil
}

// targetSumWarnings says where a target and its unit's direct children's
// targets disagree (sales.TargetMismatches), one line each.
func targetSumWarnings(ctx context.Context, env *Env, t crm.Target) string {
	sums, err := env.Sales.TargetMismatches(ctx, env.Viewer, t)
	if err != nil {
		return ""
	}
	var lines []string
	for _, sm := range sums {
		var parts []string
		for _, p := range sm.Parts {
			parts = append(parts, targetUnitName(env, p.Unit)+" "+targetValueText(sm.Metric, p.Value))
		}
		lines = append(lines, env.T("target.sum_warning", targetUnitName(env, sm.Unit), targetValueText(sm.Metric, sm.Sum),
			Enum(env.Lang, parts), targetValueText(sm.Metric, sm.Target)))
	}
	return strings.Join(lines, "\n")
}

// targetUnitName names a unit: the company in the reader's language.
func targetUnitName(env *Env, u sales.TargetUnit) string {
	if u.Kind == crm.UnitCompany {
		return env.T("target.company")
	}
	return u.Name
}

// splitPart is one child's share of a split: the plan kept in the form.
type splitPart struct {
	Kind  crm.UnitKind `json:"kind"`
	ID    int64        `json:"id"`
	Name  string       `json:"name"`
	Value int64        `json:"value"`
}

func splitPlan(f Form) []splitPart {
	var plan []splitPart
	_ = json.Unmarshal([]byte(f.Get("split_plan")), &plan)
	return plan
}

// splitFields keeps a plan and its card's text in the form.
func splitFields(env *Env, f Form, plan []splitPart, note string) Fields {
	m := crm.Metric(f.Get("metric"))
	var lines []string
	if note != "" {
		lines = append(lines, note)
	}
	var sum int64
	for _, p := range plan {
		lines = append(lines, fmt.Sprintf("· %s %s", p.Name, targetValueText(m, p.Value)))
		sum += p.Value
	}
	if total := f.Int("value"); sum != total {
		lines = append(lines, env.T("target.split_off", targetValueText(m, sum), targetValueText(m, total)))
	}
	b, _ := json.Marshal(plan)
	return Fields{"split_text": strings.Join(lines, "\n"), "split_plan": string(b), "split_note": note}
}

func targetSplitParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if in.Choice == nil {
		return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
	}
	if in.Choice.Value == "none" {
		return Result{Done: true, Say: []crm.Message{{Text: env.T("target.no_split")}}}, nil
	}
	unit, id := targetUnit(f)
	kids, err := env.Sales.TargetChildren(ctx, env.Viewer, unit, id)
	if err != nil {
		return Result{}, err
	}
	m := crm.Metric(f.Get("metric"))
	total := f.Int("value")
	note := ""
	weights := make([]int64, len(kids))
	for i := range weights {
		weights[i] = 1
	}
	if in.Choice.Value == "share" {
		// Last period's actuals of the same length.
		kind := crm.PeriodKind(f.Get("period"))
		start := crm.Date(f.Get("start")).Time(env.Now.Location())
		prevStart, _ := crm.PeriodRange(kind, start.AddDate(0, 0, -1))
		var sum int64
		for i, k := range kids {
			v, err := env.Sales.UnitActual(ctx, env.Viewer, m, k.Kind, k.ID, prevStart.Time(env.Now.Location()), start)
			if err != nil {
				return Result{}, err
			}
			weights[i] = v
			sum += v
		}
		if sum == 0 { // nothing to go by: even
			for i := range weights {
				weights[i] = 1
			}
			note = env.T("target.split_no_history")
		}
	}
	parts := crm.SplitByWeights(total, weights)
	plan := make([]splitPart, len(kids))
	for i, k := range kids {
		plan[i] = splitPart{Kind: k.Kind, ID: k.ID, Name: k.Name, Value: parts[i]}
	}
	return Result{Next: "split_confirm", Set: splitFields(env, f, plan, note)}, nil
}

// targetSplitAdjust changes parts of the proposed split: "李娜 50万",
// several at once separated by commas, semicolons or lines.
func targetSplitAdjust(_ context.Context, env *Env, f Form, in Input) (Result, error) {
	plan := splitPlan(f)
	m := crm.Metric(f.Get("metric"))
	hint := func() error {
		ex := ""
		if len(plan) > 0 {
			ex = plan[0].Name
		}
		return crm.Errorf(crm.CodeInvalid, "target.adjust_invalid", ex)
	}
	items := strings.FieldsFunc(in.Text, func(r rune) bool { return strings.ContainsRune("\n,，;；、", r) })
	if len(items) == 0 {
		return Result{}, hint()
	}
	for _, item := range items {
		item = strings.TrimSpace(item)
		best := -1
		for i, p := range plan { // the longest name the item starts with
			if strings.HasPrefix(item, p.Name) && (best < 0 || len(p.Name) > len(plan[best].Name)) {
				best = i
			}
		}
		if best < 0 {
			return Result{}, hint()
		}
		rest := strings.TrimLeft(strings.TrimSpace(strings.TrimPrefix(item, plan[best].Name)), ":：=")
		v, err := parseTargetValue(m, strings.TrimSpace(rest))
		if err != nil {
			return Result{}, err
		}
		plan[best].Value = v
	}
	return Result{Next: "split_confirm", Set: splitFields(env, f, plan, f.Get("split_note"))}, nil
}

// targetSplitSave sets each child's target: one use case a unit (sales
// has no "set these targets together", so a failure half way leaves the
// first ones set). Typed parts ("李娜 50万") adjust the plan first.
func targetSplitSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	switch a := confirmAnswer(in); {
	case a == valEdit:
		return Result{Next: "split_adjust"}, nil
	case a == valCancel || (a != valSave && in.Choice != nil):
		return Result{Done: true, Say: []crm.Message{{Text: env.T("target.no_split")}}}, nil
	case a != valSave:
		if in.Text == "" {
			return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
		}
		return targetSplitAdjust(ctx, env, f, in)
	}
	base := crm.Target{Metric: crm.Metric(f.Get("metric")), Period: crm.PeriodKind(f.Get("period")), PeriodStart: crm.Date(f.Get("start"))}
	for _, p := range splitPlan(f) {
		t := base
		t.Unit, t.UnitID, t.Value = p.Kind, p.ID, p.Value
		if _, err := env.Sales.SetTarget(ctx, env.Viewer, t); err != nil {
			return Result{}, err
		}
	}
	say := []crm.Message{{Text: env.T("target.split_saved"), Edit: in.Choice != nil}}
	unit, id := targetUnit(f)
	if w := targetSumWarnings(ctx, env, crm.Target{Metric: base.Metric, Period: base.Period, PeriodStart: base.PeriodStart, Unit: unit, UnitID: id}); w != "" {
		say = append(say, crm.Message{Text: w})
	}
	return Result{Done: true, Say: say}, nil
}
