package conversation

import (
	"context"

	"github.com/salesbot-crm/salesbot/crm"
)

// Seed fields of the report flows (the bot computes the objective part and
// starts the flow with it).
const (
	ReportKind      = "kind"
	ReportStart     = "start"
	ReportObjective = "objective"      // JSON snapshot, stored with the report
	ReportSummary   = "objective_text" // the same, as the rep reads it
	ReportExisting  = "existing"       // "1" when this replaces a filed report
	ReportText      = "earlier_text"   // what the filed report says
	ReportComment   = "earlier_comment"
	ReportCommentBy = "comment_by" // who commented, by name
	ReportID        = "report_id"
	ReportRepName   = "rep_name"
)

// The /report flow: the computed part is shown, the rep writes the rest in
// one message, and the report is filed (replacing an earlier one of the
// same period). Re-opened, it shows what was filed and the manager's
// comment, and the rep adds to it (补充), keeps it (不改) or writes it anew;
// the comment stays.
func reportFlow() *Flow {
	save := func(ctx context.Context, env *Env, f Form, text string) (Result, error) {
		_, err := env.Sales.SaveReport(ctx, env.Viewer, crm.Report{Kind: crm.PeriodKind(f.Get(ReportKind)),
			PeriodStart: crm.Date(f.Get(ReportStart)), Objective: f.Get(ReportObjective), Text: text})
		if err != nil {
			return Result{}, err
		}
		return Result{Done: true, Say: []crm.Message{{Text: env.T("report.saved_" + f.Get(ReportKind))}}}, nil
	}
	return &Flow{
		Name: "report",
		Steps: []*Step{{
			Name: "text",
			Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				text := f.Get(ReportSummary)
				if f.Get(ReportExisting) == "" {
					return Prompt{Text: text + "\n" + env.T("report.ask_"+f.Get(ReportKind))}, nil
				}
				if earlier := f.Get(ReportText); earlier != "" {
					text += "\n" + env.T("report.earlier", earlier)
				}
				if c := f.Get(ReportComment); c != "" {
					text += "\n" + env.T("report.earlier_comment", f.Get(ReportCommentBy), c)
				}
				text += "\n" + env.T("report.ask_"+f.Get(ReportKind)) + env.T("report.replaces")
				var choices []Choice
				if f.Get(ReportText) != "" {
					choices = []Choice{{Label: env.T("btn.report_append"), Value: reportAppend}, {Label: env.T("btn.report_keep"), Value: reportKeep}}
				}
				return Prompt{Text: text, Choices: choices, Columns: 2}, nil
			},
			Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Choice != nil {
					switch in.Choice.Value {
					case reportAppend:
						return Result{Next: "more"}, nil
					case reportKeep:
						return Result{Done: true, Say: []crm.Message{{Text: env.T("report.kept")}}}, nil
					}
				}
				v, err := textAnswer(in, maxNote)
				if err != nil {
					return Result{}, err
				}
				return save(ctx, env, f, v)
			},
		}, {
			Name: "more",
			Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("report.ask_more")}, nil
			},
			Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				v, err := textAnswer(in, maxNote)
				if err != nil {
					return Result{}, err
				}
				return save(ctx, env, f, f.Get(ReportText)+"\n"+v)
			},
		}},
	}
}

// The choices of a re-opened report.
const (
	reportAppend = "append"
	reportKeep   = "keep"
)

// The comment flow: a manager comments on a report; the rep is told.
func commentFlow() *Flow {
	return &Flow{
		Name: "comment",
		Steps: []*Step{{
			Name: "comment",
			Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("report.comment_ask", f.Get(ReportRepName))}, nil
			},
			Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				v, err := textAnswer(in, maxNote)
				if err != nil {
					return Result{}, err
				}
				_, rep, err := env.Sales.CommentReport(ctx, env.Viewer, f.Int(ReportID), v, env.Now)
				if err != nil {
					return Result{}, err
				}
				return Result{Done: true, Say: []crm.Message{{Text: env.T("report.comment_saved", rep.Name)}}}, nil
			},
		}},
	}
}
