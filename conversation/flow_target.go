package conversation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// The target flow: a manager or admin sets a target for a unit they manage
// (the company, a department of their subtree, a rep in it), a metric and
// a current or coming period; a department's target can then be split
// across its reps, evenly or by their share of the last period.

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
				return Prompt{Text: env.T("target.split_card", f.Get("split_text")), Choices: []Choice{{env.T("btn.save"), valSave}, {env.T("btn.cancel"), valCancel}}, Columns: 2}, nil
			}, Parse: targetSplitSave},
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
// doc) says when the department's reps' targets do not add up to it, and
// offers a department's split.
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
	if w := targetSumWarning(ctx, env, t); w != "" {
		say = append(say, crm.Message{Text: w})
	}
	if unit == crm.UnitDepartment {
		if reps, _ := deptReps(ctx, env, id); len(reps) > 0 {
			return Result{Next: "split", Say: say, Saved: true}, nil
		}
	}
	return Result{Done: true, Say: say}, nil
}

// deptReps lists the active reps of a department (not its sub-departments:
// those have targets of their own).
func deptReps(ctx context.Context, env *Env, dept int64) ([]crm.User, error) {
	return env.Sales.DepartmentReps(ctx, dept)
}

// targetSumWarning says when a department's reps' targets do not add up to
// the department's target for the same metric and period.
func targetSumWarning(ctx context.Context, env *Env, t crm.Target) string {
	dept := t.UnitID
	if t.Unit == crm.UnitUser {
		u, err := env.Sales.User(ctx, t.UnitID)
		if err != nil || u.DeptID == 0 {
			return ""
		}
		dept = u.DeptID
	} else if t.Unit != crm.UnitDepartment {
		return ""
	}
	all, err := env.Sales.Targets(ctx, t.Period, t.PeriodStart)
	if err != nil {
		return ""
	}
	reps, err := deptReps(ctx, env, dept)
	if err != nil || len(reps) == 0 {
		return ""
	}
	var parent, sum int64
	hasParent, children := false, 0
	for _, x := range all {
		if x.Metric != t.Metric {
			continue
		}
		if x.Unit == crm.UnitDepartment && x.UnitID == dept {
			parent, hasParent = x.Value, true
		}
		for _, r := range reps {
			if x.Unit == crm.UnitUser && x.UnitID == r.ID {
				sum += x.Value
				children++
			}
		}
	}
	if !hasParent || children == 0 || sum == parent {
		return ""
	}
	return env.T("target.sum_warning", targetValueText(t.Metric, sum), targetValueText(t.Metric, parent))
}

func targetSplitParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if in.Choice == nil {
		return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
	}
	if in.Choice.Value == "none" {
		return Result{Done: true, Say: []crm.Message{{Text: env.T("target.no_split")}}}, nil
	}
	_, dept := targetUnit(f)
	reps, err := deptReps(ctx, env, dept)
	if err != nil {
		return Result{}, err
	}
	m := crm.Metric(f.Get("metric"))
	total := f.Int("value")
	note := ""
	weights := make([]int64, len(reps))
	for i := range weights {
		weights[i] = 1
	}
	if in.Choice.Value == "share" {
		// Last period's actuals of the same length.
		kind := crm.PeriodKind(f.Get("period"))
		start := crm.Date(f.Get("start")).Time(env.Now.Location())
		prevStart, _ := crm.PeriodRange(kind, start.AddDate(0, 0, -1))
		var sum int64
		for i, r := range reps {
			v, err := env.Sales.RepActual(ctx, env.Viewer, m, r.ID, prevStart.Time(env.Now.Location()), start)
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
	var lines, plan []string
	for i, r := range reps {
		lines = append(lines, fmt.Sprintf("· %s %s", r.Name, targetValueText(m, parts[i])))
		plan = append(plan, fmt.Sprintf("%d=%d", r.ID, parts[i]))
	}
	text := strings.Join(lines, "\n")
	if note != "" {
		text = note + "\n" + text
	}
	return Result{Next: "split_confirm", Set: Fields{"split_text": text, "split_plan": strings.Join(plan, ",")}}, nil
}

// targetSplitSave sets each rep's target: one use case a rep (sales has no
// "set these targets together", so a failure half way leaves the first
// ones set).
func targetSplitSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if confirmAnswer(in) != valSave {
		if confirmAnswer(in) == valCancel || in.Choice != nil {
			return Result{Done: true, Say: []crm.Message{{Text: env.T("target.no_split")}}}, nil
		}
		return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
	}
	base := crm.Target{Metric: crm.Metric(f.Get("metric")), Period: crm.PeriodKind(f.Get("period")), PeriodStart: crm.Date(f.Get("start")), Unit: crm.UnitUser}
	for _, item := range strings.Split(f.Get("split_plan"), ",") {
		idS, vS, _ := strings.Cut(item, "=")
		id, _ := strconv.ParseInt(idS, 10, 64)
		v, _ := strconv.ParseInt(vS, 10, 64)
		t := base
		t.UnitID, t.Value = id, v
		if _, err := env.Sales.SetTarget(ctx, env.Viewer, t); err != nil {
			return Result{}, err
		}
	}
	return Result{Done: true, Say: []crm.Message{{Text: env.T("target.split_saved"), Edit: in.Choice != nil}}}, nil
}
