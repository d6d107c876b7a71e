package sales

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// LogActivity logs a visit, call, meeting or message on a customer the
// actor may see (collaborators too). The activity is the actor's. A next
// step with a time (a.NextAt) is also booked as the actor's appointment
// at that time, so it is reminded before it like any appointment.
func (s *Service) LogActivity(ctx context.Context, actor crm.Viewer, a crm.Activity) (crm.Activity, error) {
	if _, err := s.Customer(ctx, actor, a.CustomerID); err != nil {
		return a, err
	}
	if a.Kind == "" {
		a.Kind = crm.ActVisit
	}
	if err := a.Check(); err != nil {
		return a, err
	}
	a.UserID = actor.ID
	// A next step with a time is reminded before that time, as an
	// appointment of the one who logged it (a collaborator included):
	// checked before anything is saved.
	var appt *crm.Appointment
	if !a.NextAt.IsZero() {
		appt = &crm.Appointment{CustomerID: a.CustomerID, UserID: actor.ID, At: a.NextAt, Purpose: a.NextAction}
		if err := appt.Check(); err != nil {
			return a, err
		}
	}
	saved, err := s.pipe.AddActivity(ctx, actor.ID, a)
	if err != nil {
		return saved, err
	}
	// The visit is saved: joining it to a check-in is secondary, and a
	// failure to join must not make the rep log the visit twice.
	_, _ = s.joinCheckIn(ctx, saved)
	if appt == nil {
		return saved, nil
	}
	if _, err := s.pipe.AddAppointment(ctx, actor.ID, *appt); err != nil {
		return saved, fmt.Errorf("sales: next step reminder: %w", err)
	}
	saved.NextAt = a.NextAt
	return saved, nil
}

// SnoozeStale keeps a customer the actor may change off the quiet list
// until base falls before the list's cut-off (crm.Store.SnoozeStale).
func (s *Service) SnoozeStale(ctx context.Context, actor crm.Viewer, customerID int64, base time.Time) (crm.Customer, error) {
	c, err := s.CustomerToChange(ctx, actor, customerID)
	if err != nil {
		return c, err
	}
	return c, s.cust.SnoozeStale(ctx, actor.ID, customerID, base)
}

// Deals lists the deals of a customer the actor may see, open first.
func (s *Service) Deals(ctx context.Context, actor crm.Viewer, customerID int64) ([]crm.Deal, error) {
	if _, err := s.Customer(ctx, actor, customerID); err != nil {
		return nil, err
	}
	return s.pipe.Deals(ctx, customerID)
}

// Deal returns a deal of a customer the actor may see. NotFound otherwise.
func (s *Service) Deal(ctx context.Context, actor crm.Viewer, id int64) (crm.Deal, error) {
	d, err := s.pipe.Deal(ctx, id)
	if err != nil {
		return d, err
	}
	if _, err := s.Customer(ctx, actor, d.CustomerID); err != nil {
		return crm.Deal{}, err
	}
	return d, nil
}

// SaveDeal creates a deal (ID 0) or moves one, on a customer the actor may
// change, as the stage model allows (crm.Deal.Check); a deal named by ID
// must belong to that customer.
func (s *Service) SaveDeal(ctx context.Context, actor crm.Viewer, d crm.Deal) (crm.Deal, error) {
	if _, err := s.CustomerToChange(ctx, actor, d.CustomerID); err != nil {
		return d, err
	}
	from := crm.Stage("")
	if d.ID != 0 {
		old, err := s.pipe.Deal(ctx, d.ID)
		if err != nil {
			return d, err
		}
		if old.CustomerID != d.CustomerID {
			return d, forbidden()
		}
		if d.Title == "" {
			d.Title = old.Title
		}
		from = old.Stage
	}
	if err := d.Check(from); err != nil {
		return d, err
	}
	return s.pipe.SaveDeal(ctx, actor.ID, d)
}

// PaymentPlans lists the plans of a customer the actor may see.
func (s *Service) PaymentPlans(ctx context.Context, actor crm.Viewer, customerID int64) ([]crm.PaymentPlan, error) {
	if _, err := s.Customer(ctx, actor, customerID); err != nil {
		return nil, err
	}
	return s.pipe.PaymentPlans(ctx, customerID)
}

// AddPaymentPlan plans money to come from a customer the actor may change.
func (s *Service) AddPaymentPlan(ctx context.Context, actor crm.Viewer, p crm.PaymentPlan) (crm.PaymentPlan, error) {
	if _, err := s.CustomerToChange(ctx, actor, p.CustomerID); err != nil {
		return p, err
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	return s.pipe.AddPaymentPlan(ctx, actor.ID, p)
}

// AddPayment records money received from a customer the actor may change,
// against one of its plans (PlanID) or none. Invalid
// "payment.plan_mismatch" for another customer's plan.
func (s *Service) AddPayment(ctx context.Context, actor crm.Viewer, p crm.Payment) (crm.Payment, error) {
	if _, err := s.CustomerToChange(ctx, actor, p.CustomerID); err != nil {
		return p, err
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	if p.PlanID != 0 {
		plan, err := s.pipe.PaymentPlan(ctx, p.PlanID)
		if err != nil && !isNotFound(err) {
			return p, err
		}
		if err != nil || plan.CustomerID != p.CustomerID {
			return p, crm.Errorf(crm.CodeInvalid, "payment.plan_mismatch")
		}
	}
	return s.pipe.AddPayment(ctx, actor.ID, p)
}

// AddAppointment books the actor's appointment with a customer they may
// change.
func (s *Service) AddAppointment(ctx context.Context, actor crm.Viewer, a crm.Appointment) (crm.Appointment, error) {
	if _, err := s.CustomerToChange(ctx, actor, a.CustomerID); err != nil {
		return a, err
	}
	if err := a.Check(); err != nil {
		return a, err
	}
	a.UserID = actor.ID
	return s.pipe.AddAppointment(ctx, actor.ID, a)
}

// AddComplaint records a complaint of a customer the actor may change.
func (s *Service) AddComplaint(ctx context.Context, actor crm.Viewer, k crm.Complaint) (crm.Complaint, error) {
	if _, err := s.CustomerToChange(ctx, actor, k.CustomerID); err != nil {
		return k, err
	}
	if err := k.Check(); err != nil {
		return k, err
	}
	k.UserID = actor.ID
	return s.pipe.AddComplaint(ctx, actor.ID, k)
}

// OpenComplaint is an open complaint with its customer.
type OpenComplaint struct {
	crm.Complaint
	Customer crm.Customer
}

// OpenComplaints lists the open complaints of the customers the actor may
// change, oldest first, at most limit with their customers (0: none).
func (s *Service) OpenComplaints(ctx context.Context, actor crm.Viewer, limit int) ([]OpenComplaint, error) {
	open, err := s.pipe.OpenComplaints(ctx, actor.Scope(), 0)
	if err != nil {
		return nil, err
	}
	out := make([]OpenComplaint, len(open))
	for i, k := range open {
		out[i].Complaint = k
		if i < limit {
			if out[i].Customer, err = s.cust.Customer(ctx, k.CustomerID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Complaint returns a complaint of a customer the actor may change, with
// that customer. NotFound for one they may not see, Forbidden for one they
// may only see.
func (s *Service) Complaint(ctx context.Context, actor crm.Viewer, id int64) (OpenComplaint, error) {
	k, err := s.pipe.Complaint(ctx, id)
	if err != nil {
		return OpenComplaint{}, err
	}
	c, err := s.CustomerToChange(ctx, actor, k.CustomerID)
	if err != nil {
		return OpenComplaint{}, err
	}
	return OpenComplaint{Complaint: k, Customer: c}, nil
}

// CloseComplaint closes an open complaint of a customer the actor may
// change. Invalid "complaint.closed" when it was closed already.
func (s *Service) CloseComplaint(ctx context.Context, actor crm.Viewer, id int64, resolution string, at time.Time) (crm.Complaint, error) {
	k, err := s.Complaint(ctx, actor, id)
	if err != nil {
		return crm.Complaint{}, err
	}
	if k.Status == crm.ComplaintClosed {
		return k.Complaint, crm.Errorf(crm.CodeInvalid, "complaint.closed")
	}
	if err := crm.CheckResolution(resolution); err != nil {
		return k.Complaint, err
	}
	return s.pipe.CloseComplaint(ctx, actor.ID, id, resolution, at)
}
