package sales

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
)

// MaxSimilar is how many similar customers a name check names.
const MaxSimilar = 3

// SimilarCandidates is how many customers sharing search grams with a name
// are compared with it, in chat and import alike (an import compares a
// row with as many earlier rows).
const SimilarCandidates = 20

// NameCheck is what the store knows of a company name.
type NameCheck struct {
	Raw  string
	Name company.Name
	// Existing is the customer with the same normalised name, if any.
	Existing *crm.Customer
	// Similar are customers with similar names (company.Compare),
	// best first, at most MaxSimilar; empty when Existing is set.
	Similar []crm.Customer
}

// ParseName checks a company name typed or imported for a new customer:
// Invalid "new.name_empty", "text.too_long_n" or "new.name_invalid" (no
// letters or digits). The one rule for chat and import.
func ParseName(raw string) (company.Name, error) {
	switch {
	case raw == "":
		return company.Name{}, crm.Errorf(crm.CodeInvalid, "new.name_empty")
	case utf8.RuneCountInString(raw) > crm.MaxNameRunes:
		return company.Name{}, crm.Errorf(crm.CodeInvalid, "text.too_long_n", crm.MaxNameRunes)
	}
	n := company.Parse(raw)
	if n.Key == "" {
		return n, crm.Errorf(crm.CodeInvalid, "new.name_invalid")
	}
	return n, nil
}

// CheckName looks a company name up: the customer of the same normalised
// name, else (with similar) the customers of similar names.
func (s *Service) CheckName(ctx context.Context, raw string, similar bool) (NameCheck, error) {
	n, err := ParseName(raw)
	if err != nil {
		return NameCheck{Raw: raw}, err
	}
	nc := NameCheck{Raw: raw, Name: n}
	ex, err := s.cust.CustomerByKey(ctx, n.Key)
	switch {
	case err == nil:
		nc.Existing = &ex
		return nc, nil
	case !isNotFound(err):
		return nc, err
	}
	if !similar {
		return nc, nil
	}
	cands, err := s.cust.SimilarCustomers(ctx, n, SimilarCandidates)
	if err != nil {
		return nc, err
	}
	for _, c := range cands {
		if company.Compare(raw, c.Name) != company.Different {
			nc.Similar = append(nc.Similar, c)
			if len(nc.Similar) == MaxSimilar {
				break
			}
		}
	}
	return nc, nil
}

// Taken is a company that is a customer already: the actor's own, or
// someone else's (then the actor's claim was refused and recorded, and the
// owner's managers and the team's alert groups are told: 撞单).
type Taken struct {
	Customer crm.Customer
	Own      bool
	// Pool: no one owns it; the actor may claim it (Claim) instead.
	Pool      bool
	OwnerDept string // the name of the owner's department, "" for none
}

// ClaimName checks a name the actor wants as a new customer. When it is a
// customer already, Taken says whose (and a claim on someone else's is
// recorded); otherwise the check names the similar customers to confirm.
func (s *Service) ClaimName(ctx context.Context, actor crm.Viewer, raw string, at time.Time) (NameCheck, *Taken, error) {
	nc, err := s.CheckName(ctx, raw, true)
	if err != nil || nc.Existing == nil {
		return nc, nil, err
	}
	t, err := s.claim(ctx, actor, raw, *nc.Existing, at)
	return nc, t, err
}

// ClaimSimilar is the actor saying that the customer id, offered as
// similar, is the company they meant: Taken as ClaimName.
func (s *Service) ClaimSimilar(ctx context.Context, actor crm.Viewer, raw string, id int64, at time.Time) (*Taken, error) {
	c, err := s.cust.Customer(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.claim(ctx, actor, raw, c, at)
}

func (s *Service) claim(ctx context.Context, actor crm.Viewer, raw string, c crm.Customer, at time.Time) (*Taken, error) {
	t := &Taken{Customer: c, Own: c.OwnerID == actor.ID, Pool: c.InPool()}
	if t.Own || t.Pool { // a pool customer is no one's: no claim on anyone
		return t, nil
	}
	org, err := s.orgChart(ctx)
	if err != nil {
		return nil, err
	}
	t.OwnerDept = org.deptName(c.OwnerDept)
	// Who hears of it: the owner's managers (admins when there are none),
	// never the claimant, and the alert groups of the owner's department,
	// the departments above it and the company.
	managers := without(crm.ManagersOf(c.OwnerDept, org.depts, org.users), actor.ID)
	groups, err := s.org.Groups(ctx)
	if err != nil {
		return nil, err
	}
	d := crm.DuplicateClaim{CustomerID: c.ID, ClaimantID: actor.ID, OwnerID: c.OwnerID, RawName: raw, At: at}
	if _, err := s.cust.RecordDuplicateClaim(ctx, d, claimAlertKey(d), managers, crm.AlertGroups(c.OwnerDept, org.depts, groups)); err != nil {
		return nil, err
	}
	return t, nil
}

// claimAlertKey is the key of a claim's alerts: one per claimant and
// company a day (the day of the claim where it was made), however often the
// claimant retries. Every claim is recorded all the same.
func claimAlertKey(d crm.DuplicateClaim) string {
	return fmt.Sprintf("dup:%d:%d:%s", d.CustomerID, d.ClaimantID, crm.DateOf(d.At))
}

// AddCustomer saves a new customer owned by the actor. When someone saved
// the same company meanwhile, Taken says whose, as ClaimName.
func (s *Service) AddCustomer(ctx context.Context, actor crm.Viewer, c crm.Customer, at time.Time) (crm.Customer, *Taken, error) {
	c.OwnerID = actor.ID
	saved, existing, err := s.create(ctx, actor, c)
	if existing != nil {
		t, cerr := s.claim(ctx, actor, c.Name, *existing, at)
		return saved, t, cerr
	}
	return saved, nil, err
}

// ImportCustomer saves a customer read from a spreadsheet for its owner,
// as someone who may import (crm.Viewer.CanImport; Forbidden
// "import.admins_only" otherwise). Existing is set (and nothing saved)
// when the company is a customer already: an import is not a claim.
func (s *Service) ImportCustomer(ctx context.Context, actor crm.Viewer, c crm.Customer) (saved crm.Customer, existing *crm.Customer, err error) {
	if !actor.CanImport() {
		return c, nil, crm.Errorf(crm.CodeForbidden, "import.admins_only")
	}
	return s.create(ctx, actor, c)
}

func (s *Service) create(ctx context.Context, actor crm.Viewer, c crm.Customer) (crm.Customer, *crm.Customer, error) {
	n, err := ParseName(c.Name)
	if err != nil {
		return c, nil, err
	}
	if err := c.Check(); err != nil {
		return c, nil, err
	}
	saved, err := s.cust.CreateCustomer(ctx, actor.ID, c)
	if errors.Is(err, crm.Errorf(crm.CodeConflict, "customer.duplicate")) {
		ex, ferr := s.cust.CustomerByKey(ctx, n.Key)
		if ferr != nil {
			return c, nil, fmt.Errorf("sales: customer %s taken meanwhile: %w", strconv.Quote(c.Name), ferr)
		}
		return c, &ex, nil
	}
	return saved, nil, err
}

// SimilarCustomer is a customer offered as similar to a new name: only
// what the offer shows (its name and owner), whoever owns it.
func (s *Service) SimilarCustomer(ctx context.Context, id int64) (crm.Customer, error) {
	c, err := s.cust.Customer(ctx, id)
	if err != nil {
		return crm.Customer{}, err
	}
	return crm.Customer{ID: c.ID, Name: c.Name, OwnerID: c.OwnerID, OwnerName: c.OwnerName}, nil
}
