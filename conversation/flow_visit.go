package conversation

import (
	"context"
	"strings"

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
			{Name: "next", Optional: true, Prompt: staticPrompt("visit.next", nil), Parse: visitSave},
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

func visitSave(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	id := f.Int(keyCustomer)
	a := crm.Activity{CustomerID: id, UserID: env.Viewer.ID, Content: f.Get("content"), Kind: activityKind(f.Get("content")), At: env.Now}
	if !in.Skip {
		d, rest, ok := typed.LeadingDate(in.Text, env.Now)
		if ok && crm.DateOf(d) < crm.DateOf(env.Now) {
			return Result{}, crm.Errorf(crm.CodeInvalid, "date.past")
		}
		if ok {
			a.NextDate = crm.DateOf(d)
		}
		a.NextAction = strings.TrimSpace(rest)
		if !ok && a.NextAction == "" {
			return Result{}, crm.Errorf(crm.CodeInvalid, "visit.next_invalid")
		}
		if len([]rune(a.NextAction)) > maxNote {
			return Result{}, crm.Errorf(crm.CodeInvalid, "text.too_long_n", maxNote)
		}
	}
	if _, err := env.Sales.LogActivity(ctx, env.Viewer, a); err != nil {
		return Result{}, err
	}
	var text string
	switch {
	case a.NextDate != "":
		text = env.T("visit.saved_next", FormatDate(env.Lang, a.NextDate), a.NextAction)
	case a.NextAction != "":
		text = env.T("visit.saved_action", a.NextAction)
	default:
		text = env.T("visit.saved")
	}
	return Result{Done: true, Say: []crm.Message{{Text: text}},
		Menu: []Choice{{env.T("btn.advance_stage"), "/stage #" + itoa(id)}}}, nil
}
