package sales

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Workbench computes the actor's workbench at now: their own book,
// whatever their role.
func (s *Service) Workbench(ctx context.Context, actor crm.Viewer, now time.Time, staleDays int) (crm.Workbench, error) {
	return crm.BuildWorkbench(ctx, s.all, actor.User, now, staleDays)
}

// Workbenches computes the workbenches of many users at once (the morning
// push), one query per list.
func (s *Service) Workbenches(ctx context.Context, users []crm.User, now time.Time, staleDays int) ([]crm.Workbench, error) {
	return crm.BuildWorkbenches(ctx, s.all, users, now, staleDays)
}

// StaleCustomers lists the actor's own customers with no activity since
// before, oldest first, at most limit, and says how many there are in all.
func (s *Service) StaleCustomers(ctx context.Context, actor crm.Viewer, before time.Time, limit int) ([]crm.Customer, int, error) {
	own := crm.Scope{OwnerID: actor.ID}
	list, err := s.cust.StaleCustomers(ctx, own, before, limit)
	if err != nil || len(list) == 0 {
		return nil, 0, err
	}
	n, err := s.cust.CountStaleCustomers(ctx, own, before)
	return list, n, err
}

// MarkContacted logs that the actor contacted a customer they may see,
// with the given content (the workbench's "contacted" button).
func (s *Service) MarkContacted(ctx context.Context, actor crm.Viewer, customerID int64, content string, at time.Time) (crm.Customer, error) {
	c, err := s.Customer(ctx, actor, customerID)
	if err != nil {
		return c, err
	}
	_, err = s.LogActivity(ctx, actor, crm.Activity{CustomerID: c.ID, Kind: crm.ActMessage, Content: content, At: at})
	return c, err
}

// AppointmentFor returns one of the actor's appointments with its customer
// (a reminder). NotFound for someone else's.
func (s *Service) AppointmentFor(ctx context.Context, actor crm.Viewer, id int64) (crm.Appointment, crm.Customer, error) {
	a, err := s.pipe.Appointment(ctx, id)
	if err != nil {
		return a, crm.Customer{}, err
	}
	if a.UserID != actor.ID {
		return crm.Appointment{}, crm.Customer{}, crm.Errorf(crm.CodeNotFound, "not_found")
	}
	c, err := s.cust.Customer(ctx, a.CustomerID)
	return a, c, err
}

// PaymentPlanFor returns a payment plan of a customer the actor may see,
// with the customer (a reminder).
func (s *Service) PaymentPlanFor(ctx context.Context, actor crm.Viewer, id int64) (crm.PaymentPlan, crm.Customer, error) {
	p, err := s.pipe.PaymentPlan(ctx, id)
	if err != nil {
		return p, crm.Customer{}, err
	}
	c, err := s.Customer(ctx, actor, p.CustomerID)
	if err != nil {
		return crm.PaymentPlan{}, c, err
	}
	return p, c, nil
}

// ClaimAlert is a refused claim as its alert tells it.
type ClaimAlert struct {
	Claim     crm.DuplicateClaim
	Claimant  crm.User
	Customer  crm.Customer
	OwnerDept string
}

// ClaimAlert reads a refused claim for its alert. The alert's recipients
// (the owner's managers, the team's groups) were chosen when the claim was
// recorded; the alert names the customer and owner, nothing more.
func (s *Service) ClaimAlert(ctx context.Context, d crm.DuplicateClaim) (ClaimAlert, error) {
	a := ClaimAlert{Claim: d}
	var err error
	if a.Claimant, err = s.org.User(ctx, d.ClaimantID); err != nil {
		return a, err
	}
	if a.Customer, err = s.cust.Customer(ctx, d.CustomerID); err != nil {
		return a, err
	}
	a.OwnerDept, err = s.DepartmentName(ctx, a.Customer.OwnerDept)
	return a, err
}
