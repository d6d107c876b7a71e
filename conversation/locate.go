package conversation

import (
	"context"
	"strconv"

	"github.com/salesbot-crm/salesbot/crm"
)

// Field inputs (SPEC "Field inputs") arrive beside the forms: a location, a
// photo. While a visit is being logged they go to that visit's customer
// and the form stays where it was; otherwise they start their own form
// (/checkin, attach), which asks which customer.

// inForm is the form in progress and its step, when there is one that is
// not waiting for "继续刚才的 / 重新开始".
func (e *Engine) inForm(ctx context.Context, env *Env) (*Session, *Flow, *Step, error) {
	s, err := e.Active(ctx, env)
	if err != nil || !s.InForm() || s.Waiting != nil {
		return nil, nil, nil, err
	}
	f := e.flows[s.Flow]
	if f == nil {
		return nil, nil, nil, nil
	}
	st, _ := f.step(s.Step)
	if st == nil {
		return nil, nil, nil, nil
	}
	return s, f, st, nil
}

// visitCustomer is the customer of a visit being logged (0 when none is).
func visitCustomer(s *Session) int64 {
	if s == nil || s.Flow != "visit" {
		return 0
	}
	id, _ := strconv.ParseInt(s.Data[keyCustomer], 10, 64)
	return id
}

// Locate takes a location the person sent: a step that asks for one reads
// it; while a visit is being logged it is a check-in at that visit's
// customer (the visit, once saved, is one record with it); anything else
// starts /checkin with it.
func (e *Engine) Locate(ctx context.Context, env *Env, loc crm.Location, place string) ([]crm.Message, error) {
	s, f, st, err := e.inForm(ctx, env)
	if err != nil {
		return nil, err
	}
	if st != nil && st.Location {
		return e.answer(ctx, env, f, s, st, Input{Location: &loc, Place: place})
	}
	if id := visitCustomer(s); id != 0 {
		return e.beside(ctx, env, f, s, st, func() (string, error) {
			k, err := env.Sales.CheckIn(ctx, env.Viewer, id, loc, place, env.Now)
			return CheckInReceipt(env.Lang, env.Now.Location(), k), err
		})
	}
	return e.StartWith(ctx, env, "checkin", "", locationFields(loc, place))
}

// File takes a file the person sent and sales kept (a photo, a PDF): while
// a visit is being logged it is filed with that visit's customer;
// otherwise the attach form asks which customer (a caption may name it).
func (e *Engine) File(ctx context.Context, env *Env, a crm.Attachment, caption string) ([]crm.Message, error) {
	s, f, st, err := e.inForm(ctx, env)
	if err != nil {
		return nil, err
	}
	if id := visitCustomer(s); id != 0 {
		return e.beside(ctx, env, f, s, st, func() (string, error) {
			filed, err := env.Sales.FileTo(ctx, env.Viewer, a.ID, id)
			if err != nil {
				return "", err
			}
			return attachReceipt(ctx, env, filed, s.Data[keyCustomerName])
		})
	}
	return e.StartWith(ctx, env, "attach", caption, map[string]string{keyAttachment: itoa(a.ID), keyAttachmentName: a.Name})
}

// beside does what a field input does beside the form in progress and asks
// the form's step again: its receipt, or why it was refused.
func (e *Engine) beside(ctx context.Context, env *Env, f *Flow, s *Session, st *Step, do func() (string, error)) ([]crm.Message, error) {
	var said crm.Message
	text, err := do()
	switch de, ok := crm.AsError(err); {
	case err == nil:
		said.Text = text
	case ok && (de.Code == crm.CodeInvalid || de.Code == crm.CodeNotFound || de.Code == crm.CodeForbidden || de.Code == crm.CodeConflict):
		said.Text = T(env.Lang, de.Key, de.Args...)
	default:
		return nil, err
	}
	return e.goTo(ctx, env, f, s, st.Name, []crm.Message{said})
}
