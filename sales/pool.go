package sales

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
)

// The shared pool (公海, SPEC "Shared pool"): customers no one owns. The
// pool is company-wide: every active user sees all of it and may claim
// from it within crm.PoolRules. A release by hand is for the owner and
// those who may change the customer (its owner's managers, admins).
//
// What a release does to what was open on the customer: its deals stay
// with it (and go to whoever claims it); its coming appointments go to the
// releaser's manager when the owner releases it, to the releasing manager
// when a manager does (the nightly job never releases a customer with a
// coming appointment); its collaborators leave it; next actions and open
// complaints stay on it for the next owner. A customer with money still
// due (an unpaid payment plan) is not released, by hand or by rule: the
// plan first needs someone.

// PoolPage is one page of the pool for a reader.
type PoolPage struct {
	Customers []crm.Customer
	Total     int
}

// Pool lists the pool customers whose name, contacts or phone hold text
// ("" for all), most recently released first; when nothing matches the
// text as typed, its trade name is tried as FindCustomers does.
func (s *Service) Pool(ctx context.Context, actor crm.Viewer, text string, limit, offset int) (PoolPage, error) {
	var p PoolPage
	if !actor.Active {
		return p, nil
	}
	var err error
	if p.Total, err = s.pool.CountPoolCustomers(ctx, text); err != nil {
		return p, err
	}
	if p.Total == 0 && text != "" {
		if n := company.Parse(text); n.Trade != "" && n.Trade != crm.FoldSearch(text) {
			text = n.Trade
			if p.Total, err = s.pool.CountPoolCustomers(ctx, text); err != nil {
				return p, err
			}
		}
	}
	if p.Total == 0 {
		return p, nil
	}
	p.Customers, err = s.pool.PoolCustomers(ctx, text, limit, offset)
	return p, err
}

// PoolCustomer returns a customer in the pool (any active user may see
// one): NotFound when there is none or it has an owner the actor may not
// see — then it is not theirs to claim either.
func (s *Service) PoolCustomer(ctx context.Context, actor crm.Viewer, id int64) (crm.Customer, error) {
	c, err := s.cust.Customer(ctx, id)
	if err != nil {
		return crm.Customer{}, err
	}
	if !actor.Active || c.Archived || (!c.InPool() && !actor.CanSeeCustomer(c)) {
		return crm.Customer{}, notFound()
	}
	return c, nil
}

// Claim gives the actor a pool customer under the rules (crm.PoolRules.
// CheckClaim): Conflict "pool.taken" when someone owns it (another claim
// won meanwhile), "pool.yours" when the actor does, Invalid "pool.max_customers", "pool.claim_limit" or
// "pool.cooldown" with the reason; NotFound as PoolCustomer. "Today" is
// the day of now in now's location.
func (s *Service) Claim(ctx context.Context, actor crm.Viewer, id int64, rules crm.PoolRules, now time.Time) (crm.Customer, error) {
	c, err := s.cust.Customer(ctx, id)
	if err != nil {
		return c, err
	}
	switch {
	case !actor.Active || c.Archived:
		return crm.Customer{}, notFound()
	case c.OwnerID == actor.ID:
		return c, crm.Errorf(crm.CodeConflict, "pool.yours", c.Name)
	case !c.InPool():
		// Someone owns it (another claim won meanwhile): said without
		// its name, which the actor may not see.
		return crm.Customer{}, crm.Errorf(crm.CodeConflict, "pool.taken")
	}
	st, err := s.pool.ClaimStanding(ctx, actor.ID, crm.DateOf(now).Time(now.Location()))
	if err != nil {
		return c, err
	}
	if err := rules.CheckClaim(actor.ID, c, st, now); err != nil {
		return c, err
	}
	if err := s.pool.ClaimCustomer(ctx, actor.ID, c.ID, now); err != nil {
		return c, err
	}
	return s.cust.Customer(ctx, c.ID)
}

// Release sends a customer the actor may change to the pool by hand with
// a reason (crm.CheckPoolNote): Conflict "pool.in_pool" when it is there
// already, Invalid "pool.unpaid" while a payment plan is unpaid;
// NotFound/Forbidden as CustomerToChange.
func (s *Service) Release(ctx context.Context, actor crm.Viewer, id int64, note string, now time.Time) (crm.Customer, error) {
	c, err := s.cust.Customer(ctx, id)
	if err != nil {
		return c, err
	}
	if c.InPool() {
		return c, crm.Errorf(crm.CodeConflict, "pool.in_pool", c.Name)
	}
	if c, err = s.CustomerToChange(ctx, actor, id); err != nil {
		return c, err
	}
	if err := crm.CheckPoolNote(note); err != nil {
		return c, err
	}
	plans, err := s.pipe.PaymentPlans(ctx, c.ID)
	if err != nil {
		return c, err
	}
	for _, p := range plans {
		if p.Open() {
			return c, crm.Errorf(crm.CodeInvalid, "pool.unpaid", c.Name)
		}
	}
	r := crm.PoolRelease{CustomerID: c.ID, From: c.OwnerID, Note: note, At: now}
	if actor.ID != c.OwnerID {
		r.ApptsTo = actor.ID
	} else {
		org, err := s.orgChart(ctx)
		if err != nil {
			return c, err
		}
		if m := without(crm.ManagersOf(c.OwnerDept, org.depts, org.users), c.OwnerID); len(m) > 0 {
			r.ApptsTo = m[0]
		}
	}
	if err := s.pool.ReleaseCustomer(ctx, actor.ID, r); err != nil {
		return c, err
	}
	return s.cust.Customer(ctx, c.ID)
}

// SweepPool is the nightly release (job pool_release): every owned
// customer the rules send to the pool at now, in one pass, each former
// owner pushed the names. The rules' numbers must be valid (config).
func (s *Service) SweepPool(ctx context.Context, rules crm.PoolRules, now time.Time) ([]crm.Released, error) {
	act, deal := rules.ReleaseCutoffs(now)
	return s.pool.SweepPool(ctx, crm.PoolSweep{ActivityBefore: act, DealBefore: deal, At: now})
}

// PoolWarnings lists, for each of the users, their customers the nightly
// job will send to the pool within rules.WarnDays, soonest first.
func (s *Service) PoolWarnings(ctx context.Context, users []int64, rules crm.PoolRules, now time.Time, limit int) (map[int64][]crm.PoolWarning, error) {
	if rules.WarnDays <= 0 {
		return map[int64][]crm.PoolWarning{}, nil
	}
	act, deal := rules.ReleaseCutoffs(now.AddDate(0, 0, rules.WarnDays))
	return s.pool.PoolWarnings(ctx, users, crm.PoolSweep{ActivityBefore: act, DealBefore: deal, At: now}, limit)
}

// PoolCounts counts the day's releases and claims (the digest's line).
func (s *Service) PoolCounts(ctx context.Context, from, to time.Time) (crm.PoolCounts, error) {
	return s.pool.PoolCounts(ctx, from, to)
}

// MaxPoolSoon bounds the workbench's list of customers going to the pool.
const MaxPoolSoon = 3

// PoolSoon lists the actor's customers the nightly job will send to the
// pool within rules.WarnDays, soonest first, with the days left.
func (s *Service) PoolSoon(ctx context.Context, actor crm.Viewer, rules crm.PoolRules, now time.Time) ([]crm.PoolSoon, error) {
	ws, err := s.PoolWarnings(ctx, []int64{actor.ID}, rules, now, MaxPoolSoon)
	if err != nil {
		return nil, err
	}
	var out []crm.PoolSoon
	for _, w := range ws[actor.ID] {
		out = append(out, crm.PoolSoon{CustomerID: w.Customer.ID, Name: w.Customer.Name, Days: rules.DaysLeft(w, now)})
	}
	return out, nil
}

// ReleaseBook sends every customer of a user the actor manages to the pool
// by hand with a reason (a rep leaving or moving: the deactivation path),
// as Release does one: customers with money due stay with them for a
// handover; coming appointments go to the actor. Forbidden
// "auth.not_your_team" for someone else's team.
func (s *Service) ReleaseBook(ctx context.Context, actor crm.Viewer, userID int64, note string, now time.Time) (released, kept int, err error) {
	u, err := s.ManagedUser(ctx, actor, userID)
	if err != nil {
		return 0, 0, err
	}
	if u.ID == actor.ID {
		return 0, 0, crm.Errorf(crm.CodeInvalid, "pool.book_own")
	}
	if err := crm.CheckPoolNote(note); err != nil {
		return 0, 0, err
	}
	return s.pool.ReleaseBook(ctx, actor.ID, crm.PoolRelease{From: u.ID, Note: note, ApptsTo: actor.ID, At: now})
}
