package crm

import (
	"context"
	"time"
	"unicode/utf8"
)

// Why a customer is in the pool (Customer.PoolReason).
const (
	PoolInactive = "inactive" // no activity for PoolRules.ReleaseDays
	PoolNoDeal   = "no_deal"  // no deal movement for PoolRules.DealDays
	PoolByHand   = "hand"     // released by its owner or a manager, with a note
	PoolImport   = "import"   // imported with the owner "公海"
)

// Pool moves (PoolMove.Kind).
const (
	MoveRelease = "release"
	MoveClaim   = "claim"
)

// PoolOwnerName is the word in a spreadsheet's owner column for no owner:
// an import puts the row in the pool, an export writes it for a pool
// customer (a data token, like choice codes, not a reply).
const PoolOwnerName = "公海"

// MaxPoolNoteRunes bounds the reason typed for a release by hand.
const MaxPoolNoteRunes = 200

// PoolRules are the pool's numbers (config pool.*). A zero ClaimLimit,
// CooldownDays or MaxCustomers is no limit.
type PoolRules struct {
	ReleaseDays  int // no activity for this many days sends a customer to the pool
	DealDays     int // no deal movement for this many days does too
	WarnDays     int // the owner is warned this many days before
	ClaimLimit   int // claims a rep may make a day
	CooldownDays int // the owner at release may not claim it back for this long
	MaxCustomers int // customers a rep may hold (won ones not counted) to claim
}

// DefaultPoolRules are SPEC's defaults.
func DefaultPoolRules() PoolRules {
	return PoolRules{ReleaseDays: 30, DealDays: 90, WarnDays: 3, ClaimLimit: 10, CooldownDays: 7}
}

// InPool reports whether the customer has no owner.
func (c Customer) InPool() bool { return c.OwnerID == 0 }

// ReleaseCutoffs are the moments before which a customer's last activity
// (its creation when never contacted) or last deal movement (its creation
// when it has no deal) sends it to the pool at now. Days are whole days in
// now's location: with 30 days, a customer last contacted on 1 November
// goes in the first run on 2 December.
func (r PoolRules) ReleaseCutoffs(now time.Time) (activity, deal time.Time) {
	today := DateOf(now).Time(now.Location())
	return today.AddDate(0, 0, -r.ReleaseDays), today.AddDate(0, 0, -r.DealDays)
}

// ClaimStanding is what a claim is checked against besides the customer.
type ClaimStanding struct {
	Held         int // customers the claimant owns, won ones not counted
	ClaimedToday int // customers the claimant claimed today
}

// CheckClaim is the pool's rule for a claim by claimant at now: the
// customer must be in the pool (Conflict "pool.taken" when someone owns it),
// the claimant under MaxCustomers ("pool.max_customers") and ClaimLimit
// ("pool.claim_limit"), and not its owner at its release less than
// CooldownDays ago ("pool.cooldown", with the first day they may).
func (r PoolRules) CheckClaim(claimant int64, c Customer, st ClaimStanding, now time.Time) error {
	if !c.InPool() {
		return Errorf(CodeConflict, "pool.taken")
	}
	if r.MaxCustomers > 0 && st.Held >= r.MaxCustomers {
		return Errorf(CodeInvalid, "pool.max_customers", r.MaxCustomers)
	}
	if r.ClaimLimit > 0 && st.ClaimedToday >= r.ClaimLimit {
		return Errorf(CodeInvalid, "pool.claim_limit", r.ClaimLimit)
	}
	if r.CooldownDays > 0 && c.ReleasedFrom == claimant && c.ReleasedAt != nil {
		if until := c.ReleasedAt.AddDate(0, 0, r.CooldownDays); now.Before(until) {
			return Errorf(CodeInvalid, "pool.cooldown", r.CooldownDays, DateOf(until.In(now.Location())))
		}
	}
	return nil
}

// CheckPoolNote checks the reason of a release by hand: Invalid
// "pool.note_empty" or "pool.note_too_long".
func CheckPoolNote(note string) error {
	switch {
	case note == "":
		return Errorf(CodeInvalid, "pool.note_empty")
	case utf8.RuneCountInString(note) > MaxPoolNoteRunes:
		return Errorf(CodeInvalid, "pool.note_too_long", MaxPoolNoteRunes)
	}
	return nil
}

// PoolRelease is a release by hand: the customer, who had it, the reason,
// and who takes over its coming appointments (0: they stay).
type PoolRelease struct {
	CustomerID int64
	From       int64
	Note       string
	ApptsTo    int64
	At         time.Time
}

// PoolSweep is one pass of the nightly release at At: customers owned
// with no activity since ActivityBefore or no deal movement since
// DealBefore, except those with a deal at 商务谈判 or 合同签订, an unpaid
// payment plan or an appointment from the start of At's day on (so that a
// second run the same day releases nothing the first did not).
type PoolSweep struct {
	ActivityBefore time.Time
	DealBefore     time.Time
	At             time.Time
}

// ApptsFrom is the start of the sweep's day: an appointment from then on
// keeps a customer.
func (sw PoolSweep) ApptsFrom() time.Time { return DateOf(sw.At).Time(sw.At.Location()) }

// Released is a customer the sweep sent to the pool, and whose it was.
type Released struct {
	CustomerID int64  `db:"id"`
	Name       string `db:"name"`
	From       int64  `db:"released_from"`
	Reason     string `db:"pool_reason"`
}

// PoolWarning is a customer about to go to the pool: its last activity
// (its creation when never contacted) and last deal movement (its creation
// when it has no deal).
type PoolWarning struct {
	Customer Customer
	Activity time.Time
	Deal     time.Time
}

// ReleaseOn is the day (in loc) of the first run that sends the warned
// customer to the pool.
func (r PoolRules) ReleaseOn(w PoolWarning, loc *time.Location) Date {
	a := DateOf(w.Activity.In(loc)).AddDays(r.ReleaseDays + 1)
	if d := DateOf(w.Deal.In(loc)).AddDays(r.DealDays + 1); d < a {
		return d
	}
	return a
}

// DaysLeft is how many days from now (at least 1) until the job sends the
// warned customer to the pool: the "N 天后进入公海" of the workbench.
func (r PoolRules) DaysLeft(w PoolWarning, now time.Time) int {
	return max(DateOf(now).DaysUntil(r.ReleaseOn(w, now.Location())), 1)
}

// PoolCounts is what the digest says of the pool for a day.
type PoolCounts struct {
	Released int `db:"released"`
	Claimed  int `db:"claimed"`
	InPool   int `db:"in_pool"` // customers in the pool now
}

// PoolStore keeps the pool's moves.
type PoolStore interface {
	// PoolCustomers lists the customers in the pool whose search text
	// holds text ("" for all), most recently released first.
	PoolCustomers(ctx context.Context, text string, limit, offset int) ([]Customer, error)
	// CountPoolCustomers counts what PoolCustomers lists.
	CountPoolCustomers(ctx context.Context, text string) (int, error)
	// ClaimStanding counts a user's customers (won ones not counted) and
	// their claims since a moment.
	ClaimStanding(ctx context.Context, userID int64, since time.Time) (ClaimStanding, error)
	// ClaimCustomer gives a pool customer to the claimant, with its deals,
	// in one transaction that records the move. Conflict "pool.taken"
	// when it is not in the pool any more (another claim won: exactly one
	// of many concurrent claims does).
	ClaimCustomer(ctx context.Context, actor, customerID int64, at time.Time) error
	// ReleaseCustomer sends an owned customer to the pool by hand.
	// Conflict "changed_meanwhile" when r.From does not own it any more.
	ReleaseCustomer(ctx context.Context, actor int64, r PoolRelease) error
	// ReleaseBook sends every customer r.From owns to the pool by hand
	// (r.CustomerID is not used) except those with an unpaid payment
	// plan, in set-based statements; it returns how many went and how
	// many stay with r.From.
	ReleaseBook(ctx context.Context, actor int64, r PoolRelease) (released, kept int, err error)
	// SweepPool releases, in one statement, every customer the sweep's
	// rule names, and queues each former owner a push; a second sweep
	// with the same cut-offs releases nothing more.
	SweepPool(ctx context.Context, sw PoolSweep) ([]Released, error)
	// PoolWarnings lists, per owner among users, the customers a sweep at
	// the cut-offs would release, soonest first, at most limit each.
	PoolWarnings(ctx context.Context, users []int64, sw PoolSweep, limit int) (map[int64][]PoolWarning, error)
	// PoolCounts counts releases and claims in [from, to), and the
	// customers in the pool now.
	PoolCounts(ctx context.Context, from, to time.Time) (PoolCounts, error)
}

// PushPoolReleased tells a former owner which of their customers the
// nightly job sent to the pool.
const PushPoolReleased = "pool_released" // payload: PoolPush

// PoolPush names the customers released from one owner on a day (at most
// MaxPoolPushNames of them; Count says how many in all).
type PoolPush struct {
	Date      Date    `json:"date"`
	Customers []int64 `json:"customers"`
	Count     int     `json:"count"`
}

// MaxPoolPushNames bounds the customers a pool push names.
const MaxPoolPushNames = 10

// PoolSoon is an owned customer the nightly job sends to the pool in Days
// days (the workbench's warning).
type PoolSoon struct {
	CustomerID int64
	Name       string
	Days       int
}
