package sales

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
)

// Reach is what an act needs of a customer.
type Reach int

const (
	// See: read the customer and log activities on it — its owner, the
	// owner's managers, admins and collaborators.
	See Reach = iota
	// Change: stages, payments, appointments, complaints, handover — the
	// owner, the owner's managers and admins (not collaborators).
	Change
)

func (r Reach) allows(actor crm.Viewer, c crm.Customer) bool {
	if r == Change {
		return actor.CanChange(c.OwnerID, c.OwnerDept)
	}
	return actor.CanSeeCustomer(c)
}

func (r Reach) scope(actor crm.Viewer) crm.Scope {
	if r == Change {
		return actor.Scope()
	}
	return actor.VisibleScope()
}

// Customer returns a customer the actor may see, with its contacts and
// owner. NotFound for one that does not exist and for one the actor may not
// see alike: an id reveals nothing.
func (s *Service) Customer(ctx context.Context, actor crm.Viewer, id int64) (crm.Customer, error) {
	return s.customer(ctx, actor, id, See)
}

// CustomerToChange returns a customer the actor may change. NotFound as
// Customer; Forbidden "auth.customer_forbidden" for a customer the actor
// sees only as a collaborator.
func (s *Service) CustomerToChange(ctx context.Context, actor crm.Viewer, id int64) (crm.Customer, error) {
	return s.customer(ctx, actor, id, Change)
}

// CustomerFor is Customer or CustomerToChange by reach.
func (s *Service) CustomerFor(ctx context.Context, actor crm.Viewer, id int64, reach Reach) (crm.Customer, error) {
	return s.customer(ctx, actor, id, reach)
}

func (s *Service) customer(ctx context.Context, actor crm.Viewer, id int64, reach Reach) (crm.Customer, error) {
	c, err := s.cust.Customer(ctx, id)
	if err != nil {
		return crm.Customer{}, err
	}
	if !actor.CanSeeCustomer(c) {
		return crm.Customer{}, notFound()
	}
	if !reach.allows(actor, c) {
		return crm.Customer{}, forbidden()
	}
	return c, nil
}

// FindCustomers searches the names, contacts and phones of the customers
// the actor may reach; when nothing matches the text as typed, the trade
// name of it is tried ("青禾新锐科技" finds "北京青禾新锐科技有限公司").
// "#123" (a button's reference) names one customer by id.
func (s *Service) FindCustomers(ctx context.Context, actor crm.Viewer, text string, reach Reach, limit, offset int) ([]crm.Customer, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "#") {
		id, err := strconv.ParseInt(text[1:], 10, 64)
		if err != nil {
			return nil, nil
		}
		c, err := s.customer(ctx, actor, id, reach)
		if crm.ErrorCode(err) == crm.CodeNotFound || crm.ErrorCode(err) == crm.CodeForbidden {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []crm.Customer{c}, nil
	}
	sc := reach.scope(actor)
	found, err := s.cust.FindCustomers(ctx, sc, text, limit, offset)
	if err != nil || len(found) > 0 || offset > 0 {
		return found, err
	}
	if n := company.Parse(text); n.Trade != "" && n.Trade != crm.FoldSearch(text) {
		return s.cust.FindCustomers(ctx, sc, n.Trade, limit, offset)
	}
	return nil, nil
}

// PickCustomer reads a name typed to choose one customer (/visit 青禾, a
// reply to "哪个客户？"): the customers it may mean among those the actor
// may reach, and whether it means exactly one of them (sure). It is sure
// only when the text as typed matches one customer (its name, a contact or
// a phone), or names one customer exactly (the same company key, as the
// duplicate check reads names). Candidates found only by a part of the
// text — the trade name with the rest dropped ("东莞市青禾" → 青禾) — are
// offered, never taken: a visit is not logged on a customer the rep did
// not choose.
func (s *Service) PickCustomer(ctx context.Context, actor crm.Viewer, text string, reach Reach, limit int) (found []crm.Customer, sure bool, err error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "#") {
		found, err = s.FindCustomers(ctx, actor, text, reach, limit, 0)
		return found, len(found) == 1, err
	}
	sc := reach.scope(actor)
	n := company.Parse(text)
	if found, err = s.cust.FindCustomers(ctx, sc, text, limit, 0); err != nil {
		return nil, false, err
	}
	if len(found) == 0 && n.Trade != "" && n.Trade != crm.FoldSearch(text) {
		if found, err = s.cust.FindCustomers(ctx, sc, n.Trade, limit, 0); err != nil {
			return nil, false, err
		}
		if c, ok := namedExactly(found, n); ok {
			return []crm.Customer{c}, true, nil
		}
		return found, false, nil
	}
	if len(found) == 1 {
		return found, true, nil
	}
	if c, ok := namedExactly(found, n); ok {
		return []crm.Customer{c}, true, nil
	}
	return found, false, nil
}

// namedExactly is the one customer whose company key is the typed name's,
// when the typed name's region (if any) is not another one.
func namedExactly(cs []crm.Customer, n company.Name) (crm.Customer, bool) {
	var hit []crm.Customer
	for _, c := range cs {
		if n.Key == "" || c.NameKey != n.Key {
			continue
		}
		if r := company.Parse(c.Name).Region; n.Region != "" && r != "" && r != n.Region {
			continue
		}
		hit = append(hit, c)
	}
	if len(hit) != 1 {
		return crm.Customer{}, false
	}
	return hit[0], true
}

// MyCustomers lists the customers the actor owns, most recently active
// first, with how many there are in all.
func (s *Service) MyCustomers(ctx context.Context, actor crm.Viewer, limit, offset int) (list []crm.Customer, total int, err error) {
	sc := crm.Scope{OwnerID: actor.ID}
	if total, err = s.cust.CountCustomers(ctx, sc); err != nil || total == 0 {
		return nil, total, err
	}
	list, err = s.cust.ListCustomers(ctx, sc, limit, offset)
	return list, total, err
}

// RecentCustomers lists the actor's own customers, most recently active
// first.
func (s *Service) RecentCustomers(ctx context.Context, actor crm.Viewer, limit int) ([]crm.Customer, error) {
	return s.cust.ListCustomers(ctx, crm.Scope{OwnerID: actor.ID}, limit, 0)
}

// File is everything the customer card shows.
type File struct {
	Customer   crm.Customer
	CanChange  bool // the actor is not only a collaborator
	Deals      []crm.Deal
	Activities []crm.Activity // the latest few
	Plans      []crm.PaymentPlan
	Payments   int // how many were received
	Received   crm.Money
	Complaints []crm.Complaint // open ones
	CheckIns   []crm.CheckIn   // newest first
	// Attachments counts the customer's files.
	Attachments int
}

// CustomerFile reads a customer's card for the actor. NotFound as Customer.
func (s *Service) CustomerFile(ctx context.Context, actor crm.Viewer, id int64, activities int) (File, error) {
	c, err := s.Customer(ctx, actor, id)
	if err != nil {
		return File{}, err
	}
	f := File{Customer: c, CanChange: Change.allows(actor, c)}
	if f.Deals, err = s.pipe.Deals(ctx, c.ID); err != nil {
		return f, err
	}
	if f.Activities, err = s.pipe.Activities(ctx, c.ID, activities); err != nil {
		return f, err
	}
	if f.Plans, err = s.pipe.PaymentPlans(ctx, c.ID); err != nil {
		return f, err
	}
	pays, err := s.pipe.Payments(ctx, c.ID, 100)
	if err != nil {
		return f, err
	}
	f.Payments = len(pays)
	for _, p := range pays {
		f.Received += p.Amount
	}
	if f.Complaints, err = s.pipe.OpenComplaints(ctx, crm.Scope{All: true}, c.ID); err != nil {
		return f, err
	}
	if f.CheckIns, err = s.geo.CheckIns(ctx, c.ID, maxCardCheckIns); err != nil {
		return f, err
	}
	files, err := s.files.Attachments(ctx, c.ID, maxCardCheckIns)
	f.Attachments = len(files)
	return f, err
}

// maxCardCheckIns bounds the check-ins a customer's file reads (the card
// counts them and shows the latest).
const maxCardCheckIns = 100

// History returns the audit trail of a customer the actor may see, newest
// first.
func (s *Service) History(ctx context.Context, actor crm.Viewer, id int64, limit int) ([]crm.AuditEntry, error) {
	if _, err := s.Customer(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.cust.CustomerHistory(ctx, id, limit)
}

// isNotFound reports a not-found error.
func isNotFound(err error) bool { return errors.Is(err, crm.ErrNotFound) }

// ClosestCustomers are the customers the actor may reach whose names are
// nearest a name that found none (a slip, another city, a word left out):
// candidates sharing the name's search grams, best first by
// company.Similarity, at most limit; none when nothing shares a gram.
func (s *Service) ClosestCustomers(ctx context.Context, actor crm.Viewer, text string, reach Reach, limit int) ([]crm.Customer, error) {
	n := company.Parse(strings.TrimSpace(text))
	if n.Key == "" {
		return nil, nil
	}
	cands, err := s.cust.SimilarCustomers(ctx, n, 10*limit)
	if err != nil {
		return nil, err
	}
	type scored struct {
		c crm.Customer
		s float64
	}
	var out []scored
	for _, c := range cands {
		if !actor.CanSeeCustomer(c) || !reach.allows(actor, c) {
			continue
		}
		out = append(out, scored{c, company.Similarity(n, company.Parse(c.Name))})
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		switch {
		case a.s > b.s:
			return -1
		case a.s < b.s:
			return 1
		}
		return 0
	})
	var cs []crm.Customer
	for _, o := range out {
		if len(cs) == limit {
			break
		}
		cs = append(cs, o.c)
	}
	return cs, nil
}
