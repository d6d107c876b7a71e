package crm

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm/company"
)

// Store is everything salesbot keeps. Every write runs in one transaction
// with its audit entries (and, where it causes a push, its outbox rows).
// Reads that return one record return an error with code CodeNotFound when
// there is none, never (zero, nil).
type Store interface {
	OrgStore
	CustomerStore
	PipelineStore
	InboxStore
	StateStore
	OutboxStore
	ReminderStore
	ReportStore
	AnalyticsStore
	CheckInStore
	AttachmentStore
	PoolStore
	Close() error
}

// OrgStore keeps the organisation: departments, users, identities, invites.
type OrgStore interface {
	// CreateDepartment adds a department under parent (0 for top level).
	// Conflict: a department of that name exists.
	CreateDepartment(ctx context.Context, actor int64, name string, parent int64) (Department, error)
	Departments(ctx context.Context) ([]Department, error)
	// DepartmentByName: NotFound.
	DepartmentByName(ctx context.Context, name string) (Department, error)
	// CreateUser adds a user. Invalid: bad role or empty name.
	CreateUser(ctx context.Context, actor int64, u User) (User, error)
	// User: NotFound.
	User(ctx context.Context, id int64) (User, error)
	// UserByName finds an active user by exact name. NotFound.
	UserByName(ctx context.Context, name string) (User, error)
	// Users lists all users, active first, by name.
	Users(ctx context.Context) ([]User, error)
	// FirstAdmin is the earliest active admin. NotFound.
	FirstAdmin(ctx context.Context) (User, error)
	SetUserLocale(ctx context.Context, id int64, locale string) error
	// UpdateUser changes a user's role and department. NotFound, Invalid.
	UpdateUser(ctx context.Context, actor int64, id int64, role Role, dept int64) (User, error)
	// SetActive activates or deactivates a user; deactivating unbinds their
	// chat accounts at once. Invalid "user.owns_customers" while they own
	// customers, "user.last_admin" for the last active admin.
	SetActive(ctx context.Context, actor int64, id int64, active bool) error
	// UserByNameAny finds a user by name, active or not. NotFound.
	UserByNameAny(ctx context.Context, name string) (User, error)
	// IdentityUser returns the active user bound to a chat account. Unbound
	// (CodeUnbound) when none.
	IdentityUser(ctx context.Context, channel, externalID string) (User, error)
	// BindIdentity binds (or rebinds) a chat account to a user.
	BindIdentity(ctx context.Context, id Identity) error
	// Identities lists a user's bound chat accounts.
	Identities(ctx context.Context, userID int64) ([]Identity, error)
	// RegisterGroup makes a group chat the alert group of a department (0:
	// the company); registering again updates it.
	RegisterGroup(ctx context.Context, actor int64, g Group) error
	// Groups lists the registered group chats.
	Groups(ctx context.Context) ([]Group, error)
	// CreateInvite stores a new invite code.
	CreateInvite(ctx context.Context, inv Invite) (Invite, error)
	// RedeemInvite uses an invite code once: it creates the user (named by
	// the invite, else displayName) and binds the identity, in one
	// transaction. NotFound for an unknown code, Invalid with key
	// "invite.used", "invite.expired", "invite.revoked" (Invite.Redeemable)
	// or "invite.chat_retired" (the chat account was a deactivated user's).
	RedeemInvite(ctx context.Context, code string, id Identity, displayName, locale string, now time.Time) (User, error)
	// RecordInviteFailure counts a failed redemption by a chat account.
	RecordInviteFailure(ctx context.Context, channel, externalID string, now time.Time) error
	// InviteAttempts counts failed redemptions since a moment.
	InviteAttempts(ctx context.Context, channel, externalID string, since time.Time) (InviteAttempts, error)
	// ReleaseRetiredIdentities lets a deactivated user's chat accounts be
	// bound again by an invite; it returns how many were released.
	ReleaseRetiredIdentities(ctx context.Context, actor, userID int64) (int, error)
}

// InboxStore keeps what the channels receive until it is answered, and
// whether a chat account can be reached: the bot's own bookkeeping, no
// customer data.
type InboxStore interface {
	// ClaimInbound records an inbound update key (a Telegram update_id, a
	// WeCom MsgId or payload hash) and reports whether it is new: a
	// redelivered update returns false and must not be processed again.
	ClaimInbound(ctx context.Context, channel, key string, now time.Time) (bool, error)
	// AcceptInbound is ClaimInbound that also keeps the update's payload
	// until FinishInbound: an update acknowledged to the platform but not
	// answered when its process stopped is found by ClaimStaleInbound.
	AcceptInbound(ctx context.Context, channel, key string, payload []byte, now time.Time) (bool, error)
	// HandledInbound keeps an accepted update's replies once it has been
	// handled, until FinishInbound: ClaimStaleInbound then returns them,
	// and the next process delivers them instead of handling it again.
	HandledInbound(ctx context.Context, channel, key string, replies []byte) error
	// FinishInbound marks an accepted update answered (its payload goes).
	FinishInbound(ctx context.Context, channel, key string) error
	// ReleaseInbound gives up this process's claim on unanswered updates
	// (it is stopping), so the next ClaimStaleInbound takes them at once.
	ReleaseInbound(ctx context.Context, channel string, keys []string) error
	// ClaimStaleInbound takes over accepted updates of the channel that are
	// unanswered and were claimed longer than lease ago (their process
	// stopped or died), claiming them anew, oldest first.
	ClaimStaleInbound(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]InboundUpdate, error)
	// SetReachable marks a chat account reachable or not (a user who blocked
	// the bot is not pushed to until they write again).
	SetReachable(ctx context.Context, channel, externalID string, reachable bool) error
}

// CustomerStore keeps customers, contacts and duplicate claims.
type CustomerStore interface {
	// CreateCustomer adds a customer with its contacts. Conflict with key
	// "customer.duplicate" when the normalised name is taken (also under
	// concurrency: exactly one of many concurrent inserts wins).
	CreateCustomer(ctx context.Context, actor int64, c Customer) (Customer, error)
	// Customer returns one customer with contacts and owner. NotFound.
	Customer(ctx context.Context, id int64) (Customer, error)
	// CustomerNames returns the names of the customers with the ids.
	CustomerNames(ctx context.Context, ids []int64) (map[int64]string, error)
	// CustomerByKey finds the customer with a normalised name. NotFound.
	CustomerByKey(ctx context.Context, key string) (Customer, error)
	// SimilarCustomers returns customers whose names share search grams with
	// n, best candidates first, at most limit (the caller scores them).
	SimilarCustomers(ctx context.Context, n company.Name, limit int) ([]Customer, error)
	// FindCustomers searches names, contacts and phones within scope.
	FindCustomers(ctx context.Context, s Scope, text string, limit, offset int) ([]Customer, error)
	// ListCustomers lists customers in scope, most recently active first.
	ListCustomers(ctx context.Context, s Scope, limit, offset int) ([]Customer, error)
	CountCustomers(ctx context.Context, s Scope) (int, error)
	// StaleCustomers lists customers in scope with no activity since before
	// (customers never contacted count from their creation), oldest first.
	StaleCustomers(ctx context.Context, s Scope, before time.Time, limit int) ([]Customer, error)
	// CountStaleCustomers counts what StaleCustomers lists, without a limit.
	CountStaleCustomers(ctx context.Context, s Scope, before time.Time) (int, error)
	// SnoozeStale keeps a customer off the quiet list (StaleCustomers) until
	// base falls before the list's cut-off: to snooze for a day with a
	// window of N days, base = now + 1 day - N days.
	SnoozeStale(ctx context.Context, actor, customerID int64, base time.Time) error
	// AddContact adds a contact to a customer.
	AddContact(ctx context.Context, actor int64, c Contact) (Contact, error)
	// Handover moves a rep's customers (all when ids is nil) to another
	// active user in one transaction, with their deals and coming
	// appointments; open plans, complaints and next actions follow the
	// customers; requests still pending on them are void (VoidTransfer).
	// Both reps are told. A zero result (nothing queued) when
	// from owns none of them; Conflict "changed_meanwhile" when to is not
	// active.
	Handover(ctx context.Context, actor, from, to int64, ids []int64, now time.Time) (HandoverResult, error)
	// CountOwned counts the customers a user owns.
	CountOwned(ctx context.Context, userID int64) (int, error)
	// RequestTransfer records a request for a customer (transfer or
	// collaborate) and queues its decision card to each of the deciders.
	// Conflict "transfer.pending" when one is open already.
	RequestTransfer(ctx context.Context, r TransferRequest, deciders []int64) (TransferRequest, error)
	// TransferRequest: NotFound.
	TransferRequest(ctx context.Context, id int64) (TransferRequest, error)
	// PendingTransfers lists the requests waiting for a decision, oldest
	// first.
	PendingTransfers(ctx context.Context) ([]TransferRequest, error)
	// DecideTransfer approves or rejects a pending request. Conflict
	// "changed_meanwhile" when it was decided, the customer handed over or
	// the requester deactivated since it was read.
	DecideTransfer(ctx context.Context, actor, id int64, approve bool, now time.Time) (TransferRequest, error)
	// VoidTransfer marks a pending request void (its customer changed
	// hands before anyone decided) and queues the notice to its requester;
	// a request decided already is left as it is. NotFound.
	VoidTransfer(ctx context.Context, actor, id int64, now time.Time) error
	// HasClaimed reports whether a user tried to add a customer's company
	// (and was refused).
	HasClaimed(ctx context.Context, customerID, userID int64) (bool, error)
	// RecordDuplicateClaim stores a refused claim and, in the same
	// transaction, queues its alert to each of the users and groups under
	// keys that start with alertKey: an alert queued under the same key
	// before is not queued again (the caller's key says what "again" is).
	RecordDuplicateClaim(ctx context.Context, d DuplicateClaim, alertKey string, users []int64, groups []Group) (DuplicateClaim, error)
	// CustomerHistory returns the audit entries of a customer and its
	// records, newest first.
	CustomerHistory(ctx context.Context, customerID int64, limit int) ([]AuditEntry, error)
	// AuditLog lists audit entries in [from, to), oldest first.
	AuditLog(ctx context.Context, from, to time.Time, limit int) ([]AuditEntry, error)
	// Audit returns the audit entries of one record, newest first.
	Audit(ctx context.Context, entity string, id int64, limit int) ([]AuditEntry, error)
}

// PipelineStore keeps what happens with customers.
type PipelineStore interface {
	// AddActivity logs an activity and moves the customer's last activity.
	AddActivity(ctx context.Context, actor int64, a Activity) (Activity, error)
	Activities(ctx context.Context, customerID int64, limit int) ([]Activity, error)
	// NextActionsDue lists the next actions set for a date on customers the
	// user owns (whoever set them: they follow a handover).
	NextActionsDue(ctx context.Context, userID int64, date Date) ([]Activity, error)
	// SaveDeal creates a deal (ID 0) or moves an existing one to d.Stage with
	// d's probability, amount, date and note, recording the stage history.
	SaveDeal(ctx context.Context, actor int64, d Deal) (Deal, error)
	// Deal: NotFound.
	Deal(ctx context.Context, id int64) (Deal, error)
	// Deals lists a customer's deals, open first.
	Deals(ctx context.Context, customerID int64) ([]Deal, error)
	// OpenDealsInScope lists open deals in scope, by win% × amount.
	OpenDealsInScope(ctx context.Context, s Scope, limit int) ([]Deal, error)
	StageHistory(ctx context.Context, dealID int64) ([]StageChange, error)
	AddPaymentPlan(ctx context.Context, actor int64, p PaymentPlan) (PaymentPlan, error)
	// AddPayment records money received; against a plan it adds to Paid.
	AddPayment(ctx context.Context, actor int64, p Payment) (Payment, error)
	// PaymentPlans lists a customer's plans, open first, by due date.
	PaymentPlans(ctx context.Context, customerID int64) ([]PaymentPlan, error)
	Payments(ctx context.Context, customerID int64, limit int) ([]Payment, error)
	// WorkbenchLists reads the workbench lists of many users at once, one
	// query per list (crm.BuildWorkbenches); users with nothing in any list
	// may be missing from the map.
	WorkbenchLists(ctx context.Context, q WorkbenchQuery) (map[int64]*WorkbenchLists, error)
	// PlansDue lists open plans in scope due in [from, to).
	PlansDue(ctx context.Context, s Scope, from, to Date) ([]PaymentPlan, error)
	AddAppointment(ctx context.Context, actor int64, a Appointment) (Appointment, error)
	// Appointment: NotFound.
	Appointment(ctx context.Context, id int64) (Appointment, error)
	// PaymentPlan: NotFound.
	PaymentPlan(ctx context.Context, id int64) (PaymentPlan, error)
	// Appointments lists a user's appointments in [from, to), by time.
	Appointments(ctx context.Context, userID int64, from, to time.Time) ([]Appointment, error)
	AddComplaint(ctx context.Context, actor int64, c Complaint) (Complaint, error)
	// CloseComplaint closes an open complaint. NotFound; Invalid
	// "complaint.closed" when already closed.
	CloseComplaint(ctx context.Context, actor int64, id int64, resolution string, at time.Time) (Complaint, error)
	// Complaint: NotFound.
	Complaint(ctx context.Context, id int64) (Complaint, error)
	// OpenComplaints lists open complaints in scope, oldest first; with
	// customerID > 0 only that customer's.
	OpenComplaints(ctx context.Context, s Scope, customerID int64) ([]Complaint, error)
	// SetTarget creates or replaces the target of (metric, period, start,
	// unit, unit id). Invalid for an unknown metric, period or unit or a
	// negative value.
	SetTarget(ctx context.Context, actor int64, t Target) (Target, error)
	// Targets lists the targets of periods starting on start.
	Targets(ctx context.Context, period PeriodKind, start Date) ([]Target, error)
	// TeamStats counts what happened in scope between from and to.
	TeamStats(ctx context.Context, s Scope, from, to time.Time) (TeamStats, error)
	// ReportsFiled returns which of the users filed a report of the period.
	ReportsFiled(ctx context.Context, kind PeriodKind, start Date, userIDs []int64) (map[int64]bool, error)
	// ReportFor returns a user's report of a period. NotFound.
	ReportFor(ctx context.Context, userID int64, kind PeriodKind, start Date) (Report, error)
}

// ConversationState is a user's place in a multi-step form.
type ConversationState struct {
	Channel   string    `db:"channel"`
	ChatID    string    `db:"chat_id"`
	UserKey   string    `db:"user_key"`
	Flow      string    `db:"flow"`
	Step      string    `db:"step"`
	Data      string    `db:"data"` // JSON
	ExpiresAt time.Time `db:"expires_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// StateStore keeps conversation state and one-time button tokens.
type StateStore interface {
	// State returns the unexpired state of (channel, chat, user). NotFound.
	State(ctx context.Context, channel, chatID, userKey string, now time.Time) (ConversationState, error)
	PutState(ctx context.Context, s ConversationState) error
	DeleteState(ctx context.Context, channel, chatID, userKey string) error
	// PurgeExpiredStates removes abandoned forms; it returns how many.
	PurgeExpiredStates(ctx context.Context, now time.Time) (int, error)
}
