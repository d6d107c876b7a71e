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
	ReportID        = "report_id"
	ReportRepName   = "rep_name"
)

// The /report flow: the computed part is shown, the rep writes the rest in
// one message, and the report is filed (replacing an earlier one of the
// same period).
func reportFlow() *Flow {
	return &Flow{
		Name: "report",
		Steps: []*Step{{
			Name: "text",
			Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				text := f.Get(ReportSummary) + "\n" + env.T("report.ask_"+f.Get(ReportKind))
				if f.Get(ReportExisting) != "" {
					text += env.T("report.replaces")
				}
				return Prompt{Text: text}, nil
			},
			Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				v, err := textAnswer(in, maxNote)
				if err != nil {
					return Result{}, err
				}
				_, err = env.Sales.SaveReport(ctx, env.Viewer, crm.Report{Kind: crm.PeriodKind(f.Get(ReportKind)),
					PeriodStart: crm.Date(f.Get(ReportStart)), Objective: f.Get(ReportObjective), Text: v})
				if err != nil {
					return Result{}, err
				}
				return Result{Done: true, Say: []crm.Message{{Text: env.T("report.saved_" + f.Get(ReportKind))}}}, nil
			},
		}},
	}
}

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
