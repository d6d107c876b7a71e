package sales_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var ctx = context.Background()

// world is a small company: 华东 (a manager, two reps in its 上海组), 华南
// (one rep), an admin; rep A owns a customer with a deal, a plan, a
// complaint and an appointment, and rep B collaborates on it.
type world struct {
	svc                          *sales.Service
	db                           *store.DB
	admin, mgr, repA, repB, rep3 crm.Viewer
	cust                         crm.Customer
	deal                         crm.Deal
	plan                         crm.PaymentPlan
	complaint                    crm.Complaint
	appt                         crm.Appointment
	now                          time.Time
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &world{svc: sales.New(db), db: db, now: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)}
	east, err := db.CreateDepartment(ctx, 0, "华东销售部", 0)
	must(err)
	sh, err := db.CreateDepartment(ctx, 0, "上海组", east.ID)
	must(err)
	south, err := db.CreateDepartment(ctx, 0, "华南销售部", 0)
	must(err)
	user := func(name string, role crm.Role, dept int64) crm.Viewer {
		u, err := db.CreateUser(ctx, 0, crm.User{Name: name, Role: role, DeptID: dept})
		must(err)
		v, err := w.svc.ViewerOf(ctx, u)
		must(err)
		return v
	}
	w.admin = user("管理员", crm.RoleAdmin, 0)
	w.mgr = user("王经理", crm.RoleManager, east.ID)
	w.repA = user("张三", crm.RoleRep, sh.ID)
	w.repB = user("李四", crm.RoleRep, sh.ID)
	w.rep3 = user("赵六", crm.RoleRep, south.ID)
	c, taken, err := w.svc.AddCustomer(ctx, w.repA, crm.Customer{Name: "北京青禾新锐科技有限公司"}, w.now)
	must(err)
	if taken != nil {
		t.Fatalf("a new name was taken: %+v", taken)
	}
	w.deal, err = w.svc.SaveDeal(ctx, w.repA, crm.Deal{CustomerID: c.ID, OwnerID: c.OwnerID, Stage: crm.StageInitial, WinPct: 10, Amount: crm.Yuan(100000)})
	must(err)
	w.plan, err = w.svc.AddPaymentPlan(ctx, w.repA, crm.PaymentPlan{CustomerID: c.ID, Amount: crm.Yuan(50000), DueDate: "2026-12-20"})
	must(err)
	w.complaint, err = w.svc.AddComplaint(ctx, w.repA, crm.Complaint{CustomerID: c.ID, Content: "发货慢"})
	must(err)
	w.appt, err = w.svc.AddAppointment(ctx, w.repA, crm.Appointment{CustomerID: c.ID, At: w.now.Add(48 * time.Hour), Place: "公司"})
	must(err)
	// B tried to add it, asked to collaborate, and the manager agreed.
	_, _, err = w.svc.ClaimName(ctx, w.repB, "北京青禾新锐科技有限公司", w.now)
	must(err)
	req, err := w.svc.RequestTransfer(ctx, w.repB, c.ID, crm.TransferCollab, w.now)
	must(err)
	_, err = w.svc.DecideTransfer(ctx, w.mgr, req.ID, true, w.now)
	must(err)
	w.cust, err = w.svc.Customer(ctx, w.repA, c.ID)
	must(err)
	return w
}

// reads are every use case that reads one customer's data, by what it needs.
func reads(w *world) []struct {
	name  string
	reach sales.Reach
	call  func(actor crm.Viewer) error
} {
	id := w.cust.ID
	return []struct {
		name  string
		reach sales.Reach
		call  func(actor crm.Viewer) error
	}{
		{"Customer", sales.See, func(a crm.Viewer) error { _, err := w.svc.Customer(ctx, a, id); return err }},
		{"CustomerToChange", sales.Change, func(a crm.Viewer) error { _, err := w.svc.CustomerToChange(ctx, a, id); return err }},
		{"CustomerFile", sales.See, func(a crm.Viewer) error { _, err := w.svc.CustomerFile(ctx, a, id, 3); return err }},
		{"History", sales.See, func(a crm.Viewer) error { _, err := w.svc.History(ctx, a, id, 10); return err }},
		{"Deals", sales.See, func(a crm.Viewer) error { _, err := w.svc.Deals(ctx, a, id); return err }},
		{"Deal", sales.See, func(a crm.Viewer) error { _, err := w.svc.Deal(ctx, a, w.deal.ID); return err }},
		{"PaymentPlans", sales.See, func(a crm.Viewer) error { _, err := w.svc.PaymentPlans(ctx, a, id); return err }},
		{"PaymentPlanFor", sales.See, func(a crm.Viewer) error { _, _, err := w.svc.PaymentPlanFor(ctx, a, w.plan.ID); return err }},
		{"Complaint", sales.Change, func(a crm.Viewer) error { _, err := w.svc.Complaint(ctx, a, w.complaint.ID); return err }},
		{"FindCustomers #id", sales.See, func(a crm.Viewer) error {
			found, err := w.svc.FindCustomers(ctx, a, fmt.Sprintf("#%d", id), sales.See, 5, 0)
			if err == nil && len(found) == 0 {
				return crm.ErrNotFound
			}
			return err
		}},
		{"FindCustomers by name", sales.See, func(a crm.Viewer) error {
			found, err := w.svc.FindCustomers(ctx, a, "青禾新锐", sales.See, 5, 0)
			if err == nil && len(found) == 0 {
				return crm.ErrNotFound
			}
			return err
		}},
	}
}

// Every read of a customer's data answers NotFound to someone who may not
// see the customer, exactly as for one that does not exist; a collaborator
// sees but may not change; the owner, their manager and admins may both.
func TestReadsAnswerNotFoundForWhatTheActorMayNotSee(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for _, r := range reads(w) {
			for _, who := range []struct {
				name  string
				actor crm.Viewer
				see   bool // may see (and log activities)
				chg   bool // may change
			}{
				{"owner", w.repA, true, true},
				{"manager", w.mgr, true, true},
				{"admin", w.admin, true, true},
				{"collaborator", w.repB, true, false},
				{"other team", w.rep3, false, false},
			} {
				err := r.call(who.actor)
				allowed := who.see
				if r.reach == sales.Change {
					allowed = who.chg
				}
				switch {
				case allowed && err != nil:
					t.Errorf("%s by %s: %v", r.name, who.name, err)
				case !allowed && who.see && crm.ErrorCode(err) != crm.CodeForbidden:
					t.Errorf("%s by %s (sees, may not change): %v, want Forbidden", r.name, who.name, err)
				case !allowed && !who.see && !errors.Is(err, crm.ErrNotFound):
					t.Errorf("%s by %s: %v, want NotFound", r.name, who.name, err)
				}
			}
		}
		// Ids that do not exist say the same.
		if _, err := w.svc.Customer(ctx, w.rep3, w.cust.ID+1000); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("missing customer: %v", err)
		}
	})
}

// Every write on a customer is refused to someone who may not reach it,
// and nothing is written.
func TestWritesAreRefusedToWhoMayNotReachTheCustomer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		id := w.cust.ID
		writes := []struct {
			name  string
			reach sales.Reach
			call  func(a crm.Viewer) error
		}{
			{"LogActivity", sales.See, func(a crm.Viewer) error {
				_, err := w.svc.LogActivity(ctx, a, crm.Activity{CustomerID: id, Kind: crm.ActVisit, Content: "拜访", At: w.now})
				return err
			}},
			{"SaveDeal", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.SaveDeal(ctx, a, crm.Deal{CustomerID: id, Stage: crm.StageInitial, WinPct: 10})
				return err
			}},
			{"AddPaymentPlan", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.AddPaymentPlan(ctx, a, crm.PaymentPlan{CustomerID: id, Amount: crm.Yuan(1), DueDate: "2026-12-30"})
				return err
			}},
			{"AddPayment", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.AddPayment(ctx, a, crm.Payment{CustomerID: id, Amount: crm.Yuan(1), ReceivedOn: "2026-12-07"})
				return err
			}},
			{"AddAppointment", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.AddAppointment(ctx, a, crm.Appointment{CustomerID: id, At: w.now.Add(time.Hour)})
				return err
			}},
			{"AddComplaint", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.AddComplaint(ctx, a, crm.Complaint{CustomerID: id, Content: "投诉"})
				return err
			}},
			{"SnoozeStale", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.SnoozeStale(ctx, a, id, w.now)
				return err
			}},
			{"CloseComplaint", sales.Change, func(a crm.Viewer) error {
				_, err := w.svc.CloseComplaint(ctx, a, w.complaint.ID, "已处理", w.now)
				return err
			}},
		}
		before := auditCount(t, w)
		for _, wr := range writes {
			if err := wr.call(w.rep3); !errors.Is(err, crm.ErrNotFound) {
				t.Errorf("%s by another team's rep: %v, want NotFound", wr.name, err)
			}
			err := wr.call(w.repB)
			if wr.reach == sales.Change && crm.ErrorCode(err) != crm.CodeForbidden {
				t.Errorf("%s by a collaborator: %v, want Forbidden", wr.name, err)
			}
			if wr.reach == sales.See && err != nil {
				t.Errorf("%s by a collaborator: %v", wr.name, err)
			}
		}
		// Only the collaborator's activity was written.
		if got := auditCount(t, w); got != before+1 {
			t.Errorf("audit entries %d → %d: a refused write wrote something", before, got)
		}
	})
}

func auditCount(t *testing.T, w *world) int {
	t.Helper()
	entries, err := w.svc.History(ctx, w.admin, w.cust.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// A handover is a manager's act on people they manage, to someone active.
func TestHandoverRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		cases := []struct {
			name     string
			actor    crm.Viewer
			from, to int64
			code     crm.Code
			key      string
		}{
			{"a rep", w.repB, w.repA.ID, w.repB.ID, crm.CodeForbidden, "handover.not_yours"},
			{"another team's people", w.mgr, w.repA.ID, w.rep3.ID, crm.CodeForbidden, "handover.not_yours"},
			{"to the same rep", w.mgr, w.repA.ID, w.repA.ID, crm.CodeInvalid, "handover.same"},
		}
		for _, c := range cases {
			_, _, _, err := w.svc.Handover(ctx, c.actor, c.from, c.to, nil, w.now)
			if e, ok := crm.AsError(err); !ok || e.Code != c.code || e.Key != c.key {
				t.Errorf("%s: %v, want %s %s", c.name, err, c.code, c.key)
			}
		}
		if err := w.svc.SetActive(ctx, w.admin, w.repB.User, false); err != nil {
			t.Fatal(err)
		}
		_, _, _, err := w.svc.Handover(ctx, w.mgr, w.repA.ID, w.repB.ID, nil, w.now)
		if e, ok := crm.AsError(err); !ok || e.Key != "handover.inactive" {
			t.Errorf("to an inactive rep: %v", err)
		}
		res, from, to, err := w.svc.Handover(ctx, w.admin, w.repA.ID, w.rep3.ID, nil, w.now)
		if err != nil || res.Customers != 1 || from.ID != w.repA.ID || to.ID != w.rep3.ID {
			t.Fatalf("handover: %+v %v", res, err)
		}
		// The customer follows: rep 3 sees it now, rep A does not.
		if _, err := w.svc.Customer(ctx, w.rep3, w.cust.ID); err != nil {
			t.Errorf("new owner: %v", err)
		}
		if _, err := w.svc.Customer(ctx, w.repA, w.cust.ID); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("old owner: %v, want NotFound", err)
		}
	})
}

// A name already in the book is a claim: the owner's own is offered back,
// someone else's is refused, recorded once and alerted.
func TestClaimingATakenName(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		nc, taken, err := w.svc.ClaimName(ctx, w.repA, "青禾新锐科技（北京）有限公司", w.now)
		if err != nil || taken == nil || !taken.Own || nc.Existing == nil {
			t.Fatalf("own name: %+v %+v %v", nc, taken, err)
		}
		_, taken, err = w.svc.ClaimName(ctx, w.rep3, "北京青禾新锐科技有限公司", w.now)
		if err != nil || taken == nil || taken.Own || taken.Customer.ID != w.cust.ID || taken.OwnerDept != "上海组" {
			t.Fatalf("someone else's: %+v %v", taken, err)
		}
		// Someone else adding it anyway meets the same answer.
		_, taken, err = w.svc.AddCustomer(ctx, w.rep3, crm.Customer{Name: "北京青禾新锐科技有限公司"}, w.now)
		if err != nil || taken == nil || taken.Own {
			t.Fatalf("add a taken name: %+v %v", taken, err)
		}
		items, err := db.OutboxItems(ctx, crm.OutboxPending, 100)
		if err != nil {
			t.Fatal(err)
		}
		alerts := 0
		for _, it := range items {
			if it.Kind == crm.PushDuplicateClaim {
				alerts++
			}
		}
		if alerts != 3 { // the setup's claim and these two, each to the owner's manager
			t.Errorf("%d claim alerts, want 3", alerts)
		}
		// A similar name is offered, not refused.
		nc, taken, err = w.svc.ClaimName(ctx, w.rep3, "青禾新锐", w.now)
		if err != nil || taken != nil || len(nc.Similar) != 1 {
			t.Fatalf("similar: %+v %+v %v", nc, taken, err)
		}
		for _, bad := range []string{"", "（）", string(make([]rune, crm.MaxNameRunes+1))} {
			if _, _, err := w.svc.ClaimName(ctx, w.rep3, bad, w.now); crm.ErrorCode(err) != crm.CodeInvalid {
				t.Errorf("name %q: %v, want Invalid", bad, err)
			}
		}
	})
}

// Org changes are an admin's.
func TestAdminOnlyActs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for _, a := range []crm.Viewer{w.mgr, w.repA} {
			if _, err := w.svc.AddDepartment(ctx, a, "新部门", 0); crm.ErrorCode(err) != crm.CodeForbidden {
				t.Errorf("%s adds a department: %v", a.Name, err)
			}
			if _, err := w.svc.SetRole(ctx, a, w.repB.User, crm.RoleAdmin); crm.ErrorCode(err) != crm.CodeForbidden {
				t.Errorf("%s sets a role: %v", a.Name, err)
			}
			if err := w.svc.SetActive(ctx, a, w.repB.User, false); crm.ErrorCode(err) != crm.CodeForbidden {
				t.Errorf("%s deactivates: %v", a.Name, err)
			}
			if _, err := w.svc.AuditLog(ctx, a, time.Time{}, w.now); crm.ErrorCode(err) != crm.CodeForbidden {
				t.Errorf("%s reads the audit log: %v", a.Name, err)
			}
		}
		if err := w.svc.SetActive(ctx, w.admin, w.admin.User, false); crm.ErrorCode(err) != crm.CodeInvalid {
			t.Errorf("an admin deactivates themselves: %v", err)
		}
		if _, err := w.svc.CreateInvite(ctx, w.mgr, "CODE1234", crm.RoleAdmin, w.now); crm.ErrorCode(err) != crm.CodeForbidden {
			t.Errorf("a manager invites an admin: %v", err)
		}
	})
}

// Targets are set only for units the actor may set them for.
func TestTargetsOnlyForOwnUnits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		start, _ := crm.PeriodRange(crm.PeriodMonth, w.now)
		target := func(unit crm.UnitKind, id int64) crm.Target {
			return crm.Target{Metric: crm.MetricPayments, Period: crm.PeriodMonth, PeriodStart: start, Unit: unit, UnitID: id, Value: int64(crm.Yuan(100000))}
		}
		if _, err := w.svc.SetTarget(ctx, w.mgr, target(crm.UnitUser, w.repA.ID)); err != nil {
			t.Errorf("manager, own rep: %v", err)
		}
		for _, c := range []struct {
			name  string
			actor crm.Viewer
			t     crm.Target
		}{
			{"manager, other team's rep", w.mgr, target(crm.UnitUser, w.rep3.ID)},
			{"manager, the company", w.mgr, target(crm.UnitCompany, 0)},
			{"rep, themselves", w.repA, target(crm.UnitUser, w.repA.ID)},
		} {
			if _, err := w.svc.SetTarget(ctx, c.actor, c.t); crm.ErrorCode(err) != crm.CodeForbidden {
				t.Errorf("%s: %v, want Forbidden", c.name, err)
			}
		}
		if _, err := w.svc.SetTarget(ctx, w.admin, target(crm.UnitCompany, 0)); err != nil {
			t.Errorf("admin, the company: %v", err)
		}
	})
}
