package crm

import (
	"time"

	"github.com/salesbot-crm/salesbot/crm/choice"
)

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleRep     Role = "rep"
	RoleManager Role = "manager"
	RoleAdmin   Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleRep || r == RoleManager || r == RoleAdmin }

// AtLeast reports whether r ranks at or above o (rep < manager < admin).
func (r Role) AtLeast(o Role) bool { return r.rank() >= o.rank() }

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 3
	case RoleManager:
		return 2
	case RoleRep:
		return 1
	}
	return 0
}

// Department is a node of the organisation tree. ParentID 0 is the root level.
type Department struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	ParentID int64  `db:"parent_id"`
}

// User is a person in the sales organisation.
type User struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Role      Role      `db:"role"`
	DeptID    int64     `db:"dept_id"` // 0: no department
	Active    bool      `db:"active"`
	Locale    string    `db:"locale"` // "zh", "en" or "" (config default)
	CreatedAt time.Time `db:"created_at"`
}

// InboundUpdate is an accepted update not answered yet: its dedupe key,
// the payload the channel stored (AcceptInbound) and, once it was handled,
// the replies still to deliver.
type InboundUpdate struct {
	Key        string    `db:"key"`
	Payload    []byte    `db:"payload"`
	Replies    []byte    `db:"replies"`   // set once handled (HandledInbound)
	Takeovers  int       `db:"takeovers"` // times taken over, this one included
	ReceivedAt time.Time `db:"received_at"`
}

// Identity binds a chat-platform account to a user.
type Identity struct {
	Channel    string    `db:"channel"`     // "telegram", "wecom", "console"
	ExternalID string    `db:"external_id"` // the platform's user id
	UserID     int64     `db:"user_id"`
	ChatID     string    `db:"chat_id"` // where pushes go (private chat)
	Reachable  bool      `db:"reachable"`
	CreatedAt  time.Time `db:"created_at"`
}

// Group is a group chat registered for a department's alerts.
type Group struct {
	Channel   string    `db:"channel"`
	ChatID    string    `db:"chat_id"`
	DeptID    int64     `db:"dept_id"`
	Title     string    `db:"title"`
	CreatedBy int64     `db:"created_by"`
	CreatedAt time.Time `db:"created_at"`
}

// Invite is a one-time code that binds a new person to a role.
type Invite struct {
	Code      string     `db:"code"`
	Role      Role       `db:"role"`
	DeptID    int64      `db:"dept_id"`
	Name      string     `db:"name"` // optional: the invited person's name
	CreatedBy int64      `db:"created_by"`
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedBy    int64      `db:"used_by"`
	UsedAt    *time.Time `db:"used_at"`
	RevokedAt *time.Time `db:"revoked_at"`
}

// InviteTTL is how long an invite code stays valid.
const InviteTTL = 7 * 24 * time.Hour

// Customer is a company a rep sells to.
type Customer struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	NameKey  string `db:"name_key"`  // company.Name.Key, unique
	TradeKey string `db:"trade_key"` // company.Name.Trade
	// The choice fields hold codes of crm/choice's lists; a detail says
	// what "other" is (Choice, SetChoice).
	Industry       string `db:"industry"`
	IndustryDetail string `db:"industry_detail"`
	Size           string `db:"size"`
	SizeDetail     string `db:"size_detail"`
	Region         string `db:"region"`
	RegionDetail   string `db:"region_detail"`
	Source         string `db:"source"`
	SourceDetail   string `db:"source_detail"`
	OwnerID        int64  `db:"owner_id"`
	Note           string `db:"note"`
	Archived       bool   `db:"archived"`
	// CreatedBy is who created the customer (the credit for a new
	// customer; a handover does not move it). 0: the acting user.
	CreatedBy int64 `db:"created_by"`
	// Undated: imported without a creation date, so CreatedAt is the
	// import's time and the customer never counts as new.
	Undated        bool       `db:"undated"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
	LastActivityAt *time.Time `db:"last_activity_at"`
	// In the pool (OwnerID 0): why (PoolInactive…), the reason typed by
	// hand, when, by whom (0: the nightly job) and whose it was.
	PoolReason    string     `db:"pool_reason"`
	PoolNote      string     `db:"pool_note"`
	ReleasedAt    *time.Time `db:"released_at"`
	ReleasedBy    int64      `db:"released_by"`
	ReleasedFrom  int64      `db:"released_from"`
	OwnerName     string     `db:"owner_name"` // filled on reads
	OwnerDept     int64      `db:"owner_dept"` // filled on reads
	Contacts      []Contact  `db:"-"`
	Collaborators []int64    `db:"-"` // users who work on it with the owner
}

// Choice returns a choice field's stored value.
func (c *Customer) Choice(f choice.Field) choice.Value {
	switch f {
	case choice.Industry:
		return choice.Value{Code: c.Industry, Detail: c.IndustryDetail}
	case choice.Size:
		return choice.Value{Code: c.Size, Detail: c.SizeDetail}
	case choice.Region:
		return choice.Value{Code: c.Region, Detail: c.RegionDetail}
	case choice.Source:
		return choice.Value{Code: c.Source, Detail: c.SourceDetail}
	}
	return choice.Value{}
}

// SetChoice sets a choice field.
func (c *Customer) SetChoice(f choice.Field, v choice.Value) {
	switch f {
	case choice.Industry:
		c.Industry, c.IndustryDetail = v.Code, v.Detail
	case choice.Size:
		c.Size, c.SizeDetail = v.Code, v.Detail
	case choice.Region:
		c.Region, c.RegionDetail = v.Code, v.Detail
	case choice.Source:
		c.Source, c.SourceDetail = v.Code, v.Detail
	}
}

// Contact is a person at a customer.
type Contact struct {
	ID         int64  `db:"id"`
	CustomerID int64  `db:"customer_id"`
	Name       string `db:"name"`
	Phone      string `db:"phone"`
	Title      string `db:"title"`
}

// ActivityKind is the kind of a contact with a customer.
type ActivityKind string

// Activity kinds.
const (
	ActVisit   ActivityKind = "visit"
	ActCall    ActivityKind = "call"
	ActMeeting ActivityKind = "meeting"
	ActMessage ActivityKind = "message"
)

// ActivityKinds lists the kinds in display order.
var ActivityKinds = []ActivityKind{ActVisit, ActCall, ActMeeting, ActMessage}

// Activity is one logged contact with a customer.
type Activity struct {
	ID         int64        `db:"id"`
	CustomerID int64        `db:"customer_id"`
	UserID     int64        `db:"user_id"`
	Kind       ActivityKind `db:"kind"`
	Content    string       `db:"content"`
	NextAction string       `db:"next_action"`
	NextDate   Date         `db:"next_date"`
	// NextAt is the next step's time of day on NextDate when one was
	// given ("3天后下午3点"). It is not stored on the activity: the use case
	// books it as an appointment of the one who logged it, reminded before.
	NextAt time.Time `db:"-"`
	At     time.Time `db:"at"`
}

// Deal is a sales opportunity with a customer.
type Deal struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	OwnerID    int64     `db:"owner_id"`
	Title      string    `db:"title"`
	Stage      Stage     `db:"stage"`
	WinPct     int       `db:"win_pct"`
	Amount     Money     `db:"amount"`
	CloseDate  Date      `db:"close_date"`
	Note       string    `db:"note"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
	// filled on reads
	CustomerName string `db:"customer_name"`
}

// StageChange is one step of a deal's history.
type StageChange struct {
	ID     int64     `db:"id"`
	DealID int64     `db:"deal_id"`
	From   Stage     `db:"from_stage"`
	To     Stage     `db:"to_stage"`
	WinPct int       `db:"win_pct"`
	Amount Money     `db:"amount"`
	UserID int64     `db:"user_id"`
	At     time.Time `db:"at"`
}

// PaymentPlan is money a customer is due to pay on a date.
type PaymentPlan struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	DealID     int64     `db:"deal_id"` // 0: none
	Amount     Money     `db:"amount"`
	DueDate    Date      `db:"due_date"`
	Note       string    `db:"note"`
	Paid       Money     `db:"paid"` // received against this plan so far
	CreatedBy  int64     `db:"created_by"`
	CreatedAt  time.Time `db:"created_at"`
	OwnerID    int64     `db:"owner_id"` // the customer's owner, filled by some reads
}

// Open reports whether the plan still expects money.
func (p PaymentPlan) Open() bool { return p.Paid < p.Amount }

// Payment is money received.
type Payment struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	PlanID     int64     `db:"plan_id"` // 0: not against a plan
	Amount     Money     `db:"amount"`
	ReceivedOn Date      `db:"received_on"`
	Note       string    `db:"note"`
	UserID     int64     `db:"user_id"`
	CreatedAt  time.Time `db:"created_at"`
}

// Appointment is a meeting booked with a customer.
type Appointment struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	UserID     int64     `db:"user_id"`
	At         time.Time `db:"at"`
	Place      string    `db:"place"`
	Purpose    string    `db:"purpose"`
	Reminded   bool      `db:"reminded"`
	CreatedAt  time.Time `db:"created_at"`
}

// ComplaintStatus is open or closed.
type ComplaintStatus string

// Complaint statuses.
const (
	ComplaintOpen   ComplaintStatus = "open"
	ComplaintClosed ComplaintStatus = "closed"
)

// Complaint is a customer's complaint and its resolution.
type Complaint struct {
	ID         int64           `db:"id"`
	CustomerID int64           `db:"customer_id"`
	UserID     int64           `db:"user_id"`
	Content    string          `db:"content"`
	Status     ComplaintStatus `db:"status"`
	Resolution string          `db:"resolution"`
	CreatedAt  time.Time       `db:"created_at"`
	ClosedAt   *time.Time      `db:"closed_at"`
}

// Metric is what a target measures.
type Metric string

// Target metrics.
const (
	MetricPayments     Metric = "payments"      // 回款额, fen
	MetricContract     Metric = "contract"      // 合同订单额 (deals won), fen
	MetricNewCustomers Metric = "new_customers" // 客户数, count
)

// Kinds of work counted for the person who did it, at the moment it
// happened (SPEC "Credit follows the person"): activities, stage moves and
// payments for who recorded them, new customers for who created them. A
// handover moves customers, never credit. The first three are the target
// metrics.
const (
	WorkPayments     = string(MetricPayments)
	WorkContract     = string(MetricContract)
	WorkNewCustomers = string(MetricNewCustomers)
	WorkActivities   = "activities"
	WorkStageMoves   = "stage_moves"
	WorkWon          = "won"
	// WorkVisits are visits (activities of kind visit); WorkCheckedVisits
	// those of them that are one record with a check-in.
	WorkVisits        = "visits"
	WorkCheckedVisits = "checked_visits"
)

// PeriodKind is the length of a target or report period.
type PeriodKind string

// Period kinds.
const (
	PeriodDay     PeriodKind = "day"
	PeriodWeek    PeriodKind = "week"
	PeriodMonth   PeriodKind = "month"
	PeriodQuarter PeriodKind = "quarter"
	PeriodYear    PeriodKind = "year"
)

// UnitKind is what a target is set for.
type UnitKind string

// Target units.
const (
	UnitCompany    UnitKind = "company"
	UnitDepartment UnitKind = "department"
	UnitUser       UnitKind = "user"
)

// Target is a goal for a unit over a period. Value is fen for money metrics
// and a count for new customers.
type Target struct {
	ID          int64      `db:"id"`
	Metric      Metric     `db:"metric"`
	Period      PeriodKind `db:"period"`
	PeriodStart Date       `db:"period_start"`
	Unit        UnitKind   `db:"unit"`
	UnitID      int64      `db:"unit_id"` // 0 for the company
	Value       int64      `db:"value"`
	SetBy       int64      `db:"set_by"`
	UpdatedAt   time.Time  `db:"updated_at"`
}

// Report is a rep's daily, weekly or monthly report.
type Report struct {
	ID          int64      `db:"id"`
	UserID      int64      `db:"user_id"`
	Kind        PeriodKind `db:"kind"` // day, week or month
	PeriodStart Date       `db:"period_start"`
	Objective   string     `db:"objective"` // JSON snapshot of the computed part
	Text        string     `db:"text"`
	Comment     string     `db:"comment"`
	CommentBy   int64      `db:"comment_by"`
	CreatedAt   time.Time  `db:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at"`
}

// DuplicateClaim records a refused attempt to add a company someone else owns.
type DuplicateClaim struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	ClaimantID int64     `db:"claimant_id"`
	OwnerID    int64     `db:"owner_id"`
	RawName    string    `db:"raw_name"`
	At         time.Time `db:"at"`
}

// AuditEntry records one change to data: who, when, what, before and after.
type AuditEntry struct {
	ID       int64     `db:"id"`
	UserID   int64     `db:"user_id"` // 0: the system
	Entity   string    `db:"entity"`
	EntityID int64     `db:"entity_id"`
	Action   string    `db:"action"`
	Before   string    `db:"before"` // JSON, "" for creations
	After    string    `db:"after"`  // JSON
	At       time.Time `db:"at"`
}

// Transfer request kinds and statuses.
const (
	TransferOwnership = "transfer"
	TransferCollab    = "collaborate"

	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRejected = "rejected"
	// RequestVoid: the customer changed hands (a handover, another
	// request approved) before anyone decided; the requester is told.
	RequestVoid = "void"
)

// TransferRequest asks for a customer someone else owns.
type TransferRequest struct {
	ID          int64      `db:"id"`
	CustomerID  int64      `db:"customer_id"`
	RequesterID int64      `db:"requester_id"`
	OwnerID     int64      `db:"owner_id"`
	Kind        string     `db:"kind"`
	Status      string     `db:"status"`
	DecidedBy   int64      `db:"decided_by"`
	CreatedAt   time.Time  `db:"created_at"`
	DecidedAt   *time.Time `db:"decided_at"`
}

// HandoverResult counts what a handover moved.
type HandoverResult struct {
	Customers, Deals, Appointments, Complaints, PaymentPlans int
}

// Check applies the length rules to a customer's fields (CheckLength): the
// name, the short fields and contacts, the note.
func (c Customer) Check() error {
	if err := CheckLength(c.Name, MaxNameRunes); err != nil {
		return err
	}
	for _, f := range choice.Fields {
		v := c.Choice(f)
		if err := CheckLength(v.Code, MaxShortRunes); err != nil {
			return err
		}
		if err := CheckLength(v.Detail, choice.MaxDetailRunes); err != nil {
			return err
		}
	}
	for _, ct := range c.Contacts {
		for _, f := range []string{ct.Name, ct.Phone, ct.Title} {
			if err := CheckLength(f, MaxShortRunes); err != nil {
				return err
			}
		}
	}
	return CheckLength(c.Note, MaxNoteRunes)
}
