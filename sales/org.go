package sales

import (
	"context"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Identify returns the viewer bound to a chat account: the user with the
// departments their role reaches. Unbound (CodeUnbound) when none.
func (s *Service) Identify(ctx context.Context, channel, externalID string) (crm.Viewer, error) {
	u, err := s.org.IdentityUser(ctx, channel, externalID)
	if err != nil {
		return crm.Viewer{}, err
	}
	return s.ViewerOf(ctx, u)
}

// ViewerOf returns u with the departments their role reaches.
func (s *Service) ViewerOf(ctx context.Context, u crm.User) (crm.Viewer, error) {
	if u.Role != crm.RoleManager {
		return crm.Viewer{User: u}, nil
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return crm.Viewer{}, err
	}
	return crm.ViewerOf(u, depts), nil
}

// User returns a user by id (names on cards and pushes). NotFound.
func (s *Service) User(ctx context.Context, id int64) (crm.User, error) { return s.org.User(ctx, id) }

// Users lists every user, active first, by name.
func (s *Service) Users(ctx context.Context) ([]crm.User, error) { return s.org.Users(ctx) }

// UserNames maps every user's id to their name.
func (s *Service) UserNames(ctx context.Context) (map[int64]string, error) {
	users, err := s.org.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Name
	}
	return out, nil
}

// Departments lists the departments.
func (s *Service) Departments(ctx context.Context) ([]crm.Department, error) {
	return s.org.Departments(ctx)
}

// DepartmentName returns the name of a department, "" for none or an
// unknown one.
func (s *Service) DepartmentName(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return "", err
	}
	for _, d := range depts {
		if d.ID == id {
			return d.Name, nil
		}
	}
	return "", nil
}

// Team lists the active reps the actor manages, by name: whose reports
// they read, whose targets they set, whose numbers their digest counts.
func (s *Service) Team(ctx context.Context, actor crm.Viewer) ([]crm.User, error) {
	users, err := s.org.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []crm.User
	for _, u := range users {
		if u.Active && u.Role == crm.RoleRep && actor.CanManage(u) {
			out = append(out, u)
		}
	}
	return out, nil
}

// Reachable lists the departments whose targets the actor may set: every
// department for an admin, a manager's subtree, none for a rep.
func (s *Service) Reachable(ctx context.Context, actor crm.Viewer) ([]crm.Department, error) {
	if actor.Role == crm.RoleRep {
		return nil, nil
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	if actor.Role == crm.RoleAdmin {
		return depts, nil
	}
	v := crm.ViewerOf(actor.User, depts)
	var out []crm.Department
	for _, d := range depts {
		for _, id := range v.Depts {
			if d.ID == id {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// ManagedUser returns a user the actor may act on as a manager.
// Forbidden "auth.not_your_team" otherwise; NotFound.
func (s *Service) ManagedUser(ctx context.Context, actor crm.Viewer, id int64) (crm.User, error) {
	u, err := s.org.User(ctx, id)
	if err != nil {
		return u, err
	}
	if !actor.CanManage(u) {
		return u, crm.Errorf(crm.CodeForbidden, "auth.not_your_team", u.Name)
	}
	return u, nil
}

// HandoverCandidates lists the people whose customers the actor may hand
// over (withCustomers: only those who own some, active or not) or to whom
// (active ones), except one: reps and managers the actor manages, never
// admins.
func (s *Service) HandoverCandidates(ctx context.Context, actor crm.Viewer, except int64, withCustomers bool) ([]crm.User, error) {
	users, err := s.org.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []crm.User
	for _, u := range users {
		if u.ID == except || !actor.CanManage(u) || u.Role == crm.RoleAdmin {
			continue
		}
		if !withCustomers && !u.Active {
			continue
		}
		if withCustomers {
			if n, err := s.cust.CountOwned(ctx, u.ID); err != nil || n == 0 {
				continue
			}
		}
		out = append(out, u)
	}
	return out, nil
}

// HandoverUser finds, by name, a person whose customers the actor may hand
// over (from) or to whom (to, then active), other than except. Invalid
// "handover.no_user", "handover.not_yours", "handover.inactive".
func (s *Service) HandoverUser(ctx context.Context, actor crm.Viewer, name string, except int64, to bool) (crm.User, error) {
	users, err := s.org.Users(ctx)
	if err != nil {
		return crm.User{}, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Name, strings.TrimSpace(name)) && u.ID != except {
			if !actor.CanManage(u) || u.Role == crm.RoleAdmin {
				return u, crm.Errorf(crm.CodeInvalid, "handover.not_yours", u.Name)
			}
			if to && !u.Active {
				return u, crm.Errorf(crm.CodeInvalid, "handover.inactive", u.Name)
			}
			return u, nil
		}
	}
	return crm.User{}, crm.Errorf(crm.CodeInvalid, "handover.no_user", name)
}

// CountOwned counts the customers of a user the actor manages.
func (s *Service) CountOwned(ctx context.Context, actor crm.Viewer, userID int64) (int, error) {
	if _, err := s.ManagedUser(ctx, actor, userID); err != nil {
		return 0, err
	}
	return s.cust.CountOwned(ctx, userID)
}

// FindOwned finds, among the customers of a user the actor manages, those
// matching text (a handover's picked customers).
func (s *Service) FindOwned(ctx context.Context, actor crm.Viewer, ownerID int64, text string, limit int) ([]crm.Customer, error) {
	if _, err := s.ManagedUser(ctx, actor, ownerID); err != nil {
		return nil, err
	}
	return s.cust.FindCustomers(ctx, crm.Scope{OwnerID: ownerID}, text, limit, 0)
}

// Handover moves customers of from (all when ids is nil) to to: both must
// be people the actor manages (checked again: a form may be older than a
// change). Invalid "handover.inactive" (to is inactive), "handover.same",
// "handover.nothing".
func (s *Service) Handover(ctx context.Context, actor crm.Viewer, from, to int64, ids []int64, at time.Time) (crm.HandoverResult, crm.User, crm.User, error) {
	f, err := s.org.User(ctx, from)
	if err != nil {
		return crm.HandoverResult{}, f, crm.User{}, err
	}
	t, err := s.org.User(ctx, to)
	if err != nil {
		return crm.HandoverResult{}, f, t, err
	}
	if !actor.CanManage(f) || !actor.CanManage(t) {
		return crm.HandoverResult{}, f, t, crm.Errorf(crm.CodeForbidden, "handover.not_yours", t.Name)
	}
	if f.ID == t.ID {
		return crm.HandoverResult{}, f, t, crm.Errorf(crm.CodeInvalid, "handover.same")
	}
	if !t.Active {
		return crm.HandoverResult{}, f, t, crm.Errorf(crm.CodeInvalid, "handover.inactive", t.Name)
	}
	res, err := s.cust.Handover(ctx, actor.ID, f.ID, t.ID, ids, at)
	if err == nil && res.Customers == 0 {
		err = crm.Errorf(crm.CodeInvalid, "handover.nothing")
	}
	return res, f, t, err
}

// RequestTransfer asks the managers of a customer's owner to give the
// actor the customer (crm.TransferOwnership) or let them work on it
// (crm.TransferCollab). Only someone who tried to add the company (and was
// refused) may ask: an id typed by hand reaches nothing (NotFound
// "transfer.not_found"). Invalid "transfer.kind_invalid", "transfer.own";
// Conflict "transfer.pending".
func (s *Service) RequestTransfer(ctx context.Context, actor crm.Viewer, customerID int64, kind string, at time.Time) (crm.TransferRequest, error) {
	if kind != crm.TransferOwnership && kind != crm.TransferCollab {
		return crm.TransferRequest{}, crm.Errorf(crm.CodeInvalid, "transfer.kind_invalid")
	}
	notFound := crm.Errorf(crm.CodeNotFound, "transfer.not_found")
	c, err := s.cust.Customer(ctx, customerID)
	if isNotFound(err) {
		return crm.TransferRequest{}, notFound
	}
	if err != nil {
		return crm.TransferRequest{}, err
	}
	if c.OwnerID == actor.ID {
		return crm.TransferRequest{}, crm.Errorf(crm.CodeInvalid, "transfer.own")
	}
	claimed, err := s.cust.HasClaimed(ctx, customerID, actor.ID)
	if err != nil {
		return crm.TransferRequest{}, err
	}
	if !claimed {
		return crm.TransferRequest{}, notFound
	}
	org, err := s.orgChart(ctx)
	if err != nil {
		return crm.TransferRequest{}, err
	}
	deciders := without(crm.ManagersOf(c.OwnerDept, org.depts, org.users), actor.ID)
	return s.cust.RequestTransfer(ctx, crm.TransferRequest{CustomerID: customerID, RequesterID: actor.ID, Kind: kind, CreatedAt: at}, deciders)
}

// orgChart is the departments and users, read together for rules that
// walk the organisation.
type orgChart struct {
	depts []crm.Department
	users []crm.User
}

func (s *Service) orgChart(ctx context.Context) (orgChart, error) {
	var o orgChart
	var err error
	if o.depts, err = s.org.Departments(ctx); err != nil {
		return o, err
	}
	o.users, err = s.org.Users(ctx)
	return o, err
}

func (o orgChart) deptName(id int64) string {
	for _, d := range o.depts {
		if d.ID == id && id != 0 {
			return d.Name
		}
	}
	return ""
}

// without returns ids without one.
func without(ids []int64, id int64) []int64 {
	out := ids[:0:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// Transfer is a transfer request with the people and customer it names.
type Transfer struct {
	crm.TransferRequest
	Customer  crm.Customer
	Requester crm.User
	Owner     crm.User
}

// OwnerName is the owner a request's card names: of a pending request, the
// customer's owner now (a handover may have moved it since it was asked,
// as the claim alert and the digest tell it); of a decided one, the owner
// it was asked of.
func (t Transfer) OwnerName() string {
	if t.Status == crm.RequestPending {
		return t.Customer.OwnerName
	}
	return t.Owner.Name
}

// transfer reads a request with what it names.
func (s *Service) transfer(ctx context.Context, id int64) (Transfer, error) {
	req, err := s.cust.TransferRequest(ctx, id)
	if err != nil {
		return Transfer{}, err
	}
	t := Transfer{TransferRequest: req}
	if t.Customer, err = s.cust.Customer(ctx, req.CustomerID); err != nil {
		return t, err
	}
	if t.Requester, err = s.org.User(ctx, req.RequesterID); err != nil {
		return t, err
	}
	t.Owner, err = s.org.User(ctx, req.OwnerID)
	return t, err
}

// TransferFor returns a request for one of the people it concerns: the
// requester, the owner, or a manager of the owner. NotFound "transfer.not_found"
// for anyone else.
func (s *Service) TransferFor(ctx context.Context, actor crm.Viewer, id int64) (Transfer, error) {
	t, err := s.transfer(ctx, id)
	if isNotFound(err) {
		return t, crm.Errorf(crm.CodeNotFound, "transfer.not_found")
	}
	if err != nil {
		return t, err
	}
	if actor.ID != t.RequesterID && actor.ID != t.OwnerID && !actor.CanManage(t.Owner) {
		return Transfer{}, crm.Errorf(crm.CodeNotFound, "transfer.not_found")
	}
	return t, nil
}

// TransfersToDecide lists the pending requests the actor may decide (as a
// manager of the customer's owner), oldest first: none for a rep. A request
// whose customer changed hands since it was asked is not among them (it is
// void; DecideTransfer says so).
func (s *Service) TransfersToDecide(ctx context.Context, actor crm.Viewer) ([]Transfer, error) {
	if !actor.Role.AtLeast(crm.RoleManager) {
		return nil, nil
	}
	reqs, err := s.cust.PendingTransfers(ctx)
	if err != nil {
		return nil, err
	}
	var out []Transfer
	for _, r := range reqs {
		t, err := s.transfer(ctx, r.ID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if t.Status == crm.RequestPending && t.Customer.OwnerID == t.OwnerID && t.RequesterID != actor.ID && actor.CanManage(t.Owner) {
			out = append(out, t)
		}
	}
	return out, nil
}

// DecideTransfer approves or rejects a pending request as a manager of the
// customer's owner. NotFound "transfer.not_found" for a request the actor
// may not decide; Invalid "transfer.decided", "transfer.owner_changed"
// (handed over since: the request is void, and its requester told),
// "handover.inactive" (the requester left).
func (s *Service) DecideTransfer(ctx context.Context, actor crm.Viewer, id int64, approve bool, at time.Time) (Transfer, error) {
	t, err := s.transfer(ctx, id)
	if isNotFound(err) {
		return t, crm.Errorf(crm.CodeNotFound, "transfer.not_found")
	}
	if err != nil {
		return t, err
	}
	if !actor.Role.AtLeast(crm.RoleManager) || !actor.CanManage(t.Owner) {
		return Transfer{}, crm.Errorf(crm.CodeNotFound, "transfer.not_found")
	}
	switch {
	case t.Status == crm.RequestVoid:
		return t, crm.Errorf(crm.CodeInvalid, "transfer.owner_changed")
	case t.Status != crm.RequestPending:
		return t, crm.Errorf(crm.CodeInvalid, "transfer.decided")
	case t.Customer.OwnerID != t.OwnerID:
		// Left pending by a move made before moves voided requests: void
		// it now, and its requester hears so.
		if err := s.cust.VoidTransfer(ctx, actor.ID, id, at); err != nil {
			return t, err
		}
		return t, crm.Errorf(crm.CodeInvalid, "transfer.owner_changed")
	case approve && !t.Requester.Active:
		return t, crm.Errorf(crm.CodeInvalid, "handover.inactive", t.Requester.Name)
	}
	if t.TransferRequest, err = s.cust.DecideTransfer(ctx, actor.ID, id, approve, at); err != nil {
		return t, err
	}
	return t, nil
}
