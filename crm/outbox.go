package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"
)

// Push kinds: what an outbox row asks to say. Each has one payload type.
const (
	PushDuplicateClaim  = "duplicate_claim"  // payload: DuplicateClaim
	PushWorkbench       = "workbench"        // payload: DayPush
	PushAppointment     = "appointment"      // payload: AppointmentPush
	PushPaymentDue      = "payment_due"      // payload: PaymentDuePush
	PushStale           = "stale"            // payload: DayPush
	PushDigest          = "digest"           // payload: DayPush
	PushReportDue       = "report_due"       // payload: ReportDuePush
	PushReportComment   = "report_comment"   // payload: ReportCommentPush
	PushHandover        = "handover"         // payload: HandoverPush
	PushTransferRequest = "transfer_request" // payload: TransferPush
	PushTransferDecided = "transfer_decided" // payload: TransferPush
	PushMemberLeft      = "member_left"      // payload: MemberLeftPush
)

// DayPush is the payload of a push about a day (the workbench, the quiet
// customers, the digest): the day it was queued for.
type DayPush struct {
	Date Date `json:"date"`
}

// AppointmentPush reminds of an appointment.
type AppointmentPush struct {
	AppointmentID int64 `json:"appointment_id"`
}

// PaymentDuePush reminds of a payment plan due in Days (0: today).
type PaymentDuePush struct {
	PlanID int64 `json:"plan_id"`
	Days   int   `json:"days"`
}

// ReportDuePush reminds a rep to file the report of a period.
type ReportDuePush struct {
	Kind PeriodKind `json:"kind"`
	Date Date       `json:"date"`
}

// ReportCommentPush tells a rep their manager commented on a report.
type ReportCommentPush struct {
	ReportID int64 `json:"report_id"`
}

// HandoverPush tells both reps what a handover moved.
type HandoverPush struct {
	From         int64 `json:"from"`
	To           int64 `json:"to"`
	By           int64 `json:"by"`
	Customers    int   `json:"customers"`
	Deals        int   `json:"deals"`
	Appointments int   `json:"appointments"`
	Plans        int   `json:"plans"`
	Complaints   int   `json:"complaints"`
}

// TransferPush asks for, or tells of, a decision on a transfer request.
type TransferPush struct {
	RequestID int64 `json:"request_id"`
}

// MemberLeftPush asks a manager to hand over the customers of someone who
// left the WeCom directory (and was deactivated).
type MemberLeftPush struct {
	UserID    int64 `json:"user_id"`
	Customers int   `json:"customers"`
}

// PushPayload is any of the payload types.
type PushPayload interface {
	DayPush | AppointmentPush | PaymentDuePush | ReportDuePush | ReportCommentPush | HandoverPush | TransferPush | DuplicateClaim | MemberLeftPush | PoolPush
}

// NewPush is an outbox row of a kind to a user, with its payload.
func NewPush[P PushPayload](key, kind string, userID int64, payload P) OutboxItem {
	b, err := json.Marshal(payload)
	if err != nil { // the payload types above always encode
		panic(fmt.Sprintf("crm: push %s payload: %v", kind, err))
	}
	return OutboxItem{Key: key, Kind: kind, UserID: userID, Payload: string(b)}
}

// OutboxItem is one push waiting to be sent, sent, or given up on. It goes
// to a user (through one of their reachable chat accounts) or to a group
// chat (Channel and ChatID).
type OutboxItem struct {
	ID            int64      `db:"id"`
	Key           string     `db:"key"` // unique: a push is queued once
	Kind          string     `db:"kind"`
	UserID        int64      `db:"user_id"`
	Channel       string     `db:"channel"`
	ChatID        string     `db:"chat_id"`
	Payload       string     `db:"payload"` // JSON
	Status        string     `db:"status"`  // pending, sent, dead
	Attempts      int        `db:"attempts"`
	NextAttemptAt time.Time  `db:"next_attempt_at"`
	ClaimedUntil  *time.Time `db:"claimed_until"`
	LastError     string     `db:"last_error"`
	CreatedAt     time.Time  `db:"created_at"`
	SentAt        *time.Time `db:"sent_at"`
	// SendStartedAt is set while a send is under way (StartSend): on a
	// push taken over from a stopped process it means the send may have
	// arrived.
	SendStartedAt *time.Time `db:"send_started_at"`
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// OutboxStore keeps pushes and the claims of scheduled runs.
type OutboxStore interface {
	// Enqueue queues pushes in one transaction; keys already queued are
	// skipped. It returns how many were new.
	Enqueue(ctx context.Context, items []OutboxItem, now time.Time) (int, error)
	// ClaimOutbox takes up to limit pushes that are due and not claimed by
	// a live worker, claiming them until now+lease. Rows claimed by a
	// crashed worker come back once their lease ends.
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error)
	// ClaimOutboxFor is ClaimOutbox for the pushes to one user only.
	ClaimOutboxFor(ctx context.Context, userID int64, now time.Time, lease time.Duration, limit int) ([]OutboxItem, error)
	// StartSend records that a claimed push's send begins.
	StartSend(ctx context.Context, id int64, now time.Time) error
	// MarkSent, MarkRetry, MarkDead and Release end a claim.
	MarkSent(ctx context.Context, id int64, now time.Time) error
	MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error
	MarkDead(ctx context.Context, id int64, lastErr string) error
	Release(ctx context.Context, id int64) error
	// OutboxItems lists pushes by status (newest first), for tests and ops.
	OutboxItems(ctx context.Context, status string, limit int) ([]OutboxItem, error)
	// OutboxCounts counts rows by status.
	OutboxCounts(ctx context.Context) (map[string]int, error)
	// OldestPending is the creation time of the oldest pending push (zero
	// when none).
	OldestPending(ctx context.Context) (time.Time, error)
	// ClaimJobRun claims one scheduled run of a job: true for exactly one
	// caller across instances (or again after lease if the claimant never
	// finished).
	ClaimJobRun(ctx context.Context, job, slot string, now time.Time, lease time.Duration) (bool, error)
	FinishJobRun(ctx context.Context, job, slot string, now time.Time) error
	// PurgeInbound forgets inbound keys older than before.
	PurgeInbound(ctx context.Context, before time.Time) (int, error)
}

// InboundRetention is how long the inbox keeps an update's key (the
// channel's dedupe key) before housekeeping purges it. A key must outlive
// every delivery of its update that a channel would still accept: WeCom
// callbacks are refused once their signed timestamp is more than
// wecom.CallbackWindow (5 minutes) from now, so a key is needed for about
// twice that plus WeCom's retries (well under an hour); Telegram keeps an
// unconfirmed update for at most 24 hours. Seven days covers both with
// room, and lets an operator look at a week of deliveries.
const InboundRetention = 7 * 24 * time.Hour

// TeamStats is what a team did in a period.
type TeamStats struct {
	NewCustomers int   `db:"new_customers"`
	Activities   int   `db:"activities"`
	StageMoves   int   `db:"stage_moves"`
	Won          int   `db:"won"`
	Payments     Money `db:"payments"`
	// Visits and, of them, those with a check-in (SPEC "Field inputs").
	Visits        int `db:"visits"`
	CheckedVisits int `db:"checked_visits"`
	Claims        []DuplicateClaim
}

// SpreadPush moves a scheduled push that would go out in the first two
// minutes after :00 or :30 — when every app's cron fires and WeCom's
// servers are busiest — to a moment 2 to 5 minutes past, the same for the
// same key. Other times are kept.
func SpreadPush(at time.Time, key string) time.Time {
	m := at.Minute() % 30
	if m >= 2 {
		return at
	}
	mark := at.Truncate(time.Minute).Add(-time.Duration(m) * time.Minute)
	h := fnv.New32a()
	h.Write([]byte(key))
	return mark.Add(2*time.Minute + time.Duration(h.Sum32()%180)*time.Second)
}

// ReminderStore finds what the reminder jobs remind of.
type ReminderStore interface {
	// DueAppointments returns appointments starting in (from, to] not yet
	// reminded.
	DueAppointments(ctx context.Context, from, to time.Time) ([]Appointment, error)
	// RemindAppointments queues the reminders and marks the appointments
	// reminded in one transaction.
	RemindAppointments(ctx context.Context, items []OutboxItem, ids []int64, now time.Time) error
	// PlansDueOn lists open payment plans due on one of the dates, with
	// their customer's owner in OwnerID.
	PlansDueOn(ctx context.Context, dates []Date) ([]PaymentPlan, error)
}
