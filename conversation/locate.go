package conversation

import (
	"context"
	"strconv"

	"github.com/salesbot-crm/salesbot/crm"
)

// Locate takes a location the person sent (SPEC "Field inputs"): a step
// that asks for one reads it; while a visit is being logged it is a
// check-in at that visit's customer and the form stays where it was (the
// visit, once saved, is one record with it); anything else starts
// /checkin with it, which asks which customer.
func (e *Engine) Locate(ctx context.Context, env *Env, loc crm.Location, place string) ([]crm.Message, error) {
	s, err := e.Active(ctx, env)
	if err != nil {
		return nil, err
	}
	if s.InForm() && s.Waiting == nil {
		if f := e.flows[s.Flow]; f != nil {
			if st, _ := f.step(s.Step); st != nil {
				if st.Location {
					return e.answer(ctx, env, f, s, st, Input{Location: &loc, Place: place})
				}
				if id, _ := strconv.ParseInt(s.Data[keyCustomer], 10, 64); s.Flow == "visit" && id != 0 {
					return e.checkInDuring(ctx, env, f, s, st, id, loc, place)
				}
			}
		}
	}
	return e.StartWith(ctx, env, "checkin", "", locationFields(loc, place))
}

// checkInDuring checks in at the customer of the form in progress and asks
// its step again.
func (e *Engine) checkInDuring(ctx context.Context, env *Env, f *Flow, s *Session, st *Step, customerID int64, loc crm.Location, place string) ([]crm.Message, error) {
	var said crm.Message
	k, err := env.Sales.CheckIn(ctx, env.Viewer, customerID, loc, place, env.Now)
	switch de, ok := crm.AsError(err); {
	case err == nil:
		said.Text = CheckInReceipt(env.Lang, env.Now.Location(), k)
	case ok && (de.Code == crm.CodeInvalid || de.Code == crm.CodeNotFound || de.Code == crm.CodeForbidden):
		said.Text = T(env.Lang, de.Key, de.Args...)
	default:
		return nil, err
	}
	return e.goTo(ctx, env, f, s, st.Name, []crm.Message{said})
}
