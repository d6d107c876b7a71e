package sales_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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
		// The setup's claim and rep3's: rep3's two tries on one day alert
		// the owner's manager once.
		if alerts != 2 {
			t.Errorf("%d claim alerts, want 2", alerts)
		}
		var claims int
		if err := db.SQL().Get(&claims, db.SQL().Rebind(`SELECT COUNT(*) FROM duplicate_claims WHERE claimant_id = ?`), w.rep3.ID); err != nil || claims != 2 {
			t.Errorf("rep3's claims recorded: %d %v, want 2", claims, err)
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

// A claim is heard by the managers of the owner's department and the
// departments above it (admins when there are none), never by the
// claimant, and by the alert groups of those departments and the company.
func TestClaimAlertsReachTheOwnersManagersAndGroups(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		east, err := db.DepartmentByName(ctx, "华东销售部")
		if err != nil {
			t.Fatal(err)
		}
		south, err := db.DepartmentByName(ctx, "华南销售部")
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []crm.Group{{Channel: "telegram", ChatID: "-east", DeptID: east.ID}, {Channel: "telegram", ChatID: "-south", DeptID: south.ID},
			{Channel: "wecom", ChatID: "robot", DeptID: 0}} {
			if err := db.RegisterGroup(ctx, w.admin.ID, g); err != nil {
				t.Fatal(err)
			}
		}
		before := pendingClaims(t, db)
		if _, taken, err := w.svc.ClaimName(ctx, w.rep3, "北京青禾新锐科技有限公司", w.now); err != nil || taken == nil {
			t.Fatalf("claim: %v %v", taken, err)
		}
		got := pendingClaims(t, db)[len(before):]
		want := []string{fmt.Sprintf("user %d", w.mgr.ID), "telegram -east", "wecom robot"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("alerts to %v, want %v", got, want)
		}
		// 华南 has no manager: a claim on its customer goes to the admins;
		// the claimant (here an admin too) is never told of their own.
		c, _, err := w.svc.AddCustomer(ctx, w.rep3, crm.Customer{Name: "广州恒通物流有限公司"}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		before = pendingClaims(t, db)
		if _, taken, err := w.svc.ClaimName(ctx, w.repA, c.Name, w.now); err != nil || taken == nil {
			t.Fatalf("claim: %v %v", taken, err)
		}
		got = pendingClaims(t, db)[len(before):]
		want = []string{fmt.Sprintf("user %d", w.admin.ID), "telegram -south", "wecom robot"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("alerts to %v, want %v", got, want)
		}
		before = pendingClaims(t, db)
		if _, _, err := w.svc.ClaimName(ctx, w.admin, c.Name, w.now); err != nil {
			t.Fatal(err)
		}
		got = pendingClaims(t, db)[len(before):]
		if want = []string{"telegram -south", "wecom robot"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the admin's own claim: alerts to %v, want %v", got, want)
		}
	})
}

// pendingClaims lists the claim alerts queued, by id: who each goes to.
func pendingClaims(t *testing.T, db *store.DB) []string {
	t.Helper()
	items, err := db.OutboxItems(ctx, crm.OutboxPending, 1000)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(items, func(a, b crm.OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
	var out []string
	for _, it := range items {
		if it.Kind != crm.PushDuplicateClaim {
			continue
		}
		if it.UserID != 0 {
			out = append(out, fmt.Sprintf("user %d", it.UserID))
		} else {
			out = append(out, it.Channel+" "+it.ChatID)
		}
	}
	return out
}

// What a record must hold is checked before anything is kept, the same for
// every caller (the rules of crm/check.go, applied by the use cases).
func TestRecordChecks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		id := w.cust.ID
		other, _, err := w.svc.AddCustomer(ctx, w.repA, crm.Customer{Name: "上海金桥贸易有限公司"}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		long := string(make([]rune, crm.MaxNoteRunes+1))
		cases := []struct {
			name string
			key  string
			call func() error
		}{
			{"won at 50%", "stage.won_pct", func() error {
				d := w.deal
				d.Stage, d.WinPct = crm.StageContract, 50
				_, err := w.svc.SaveDeal(ctx, w.repA, d)
				return err
			}},
			{"negative deal", "amount.invalid", func() error {
				_, err := w.svc.SaveDeal(ctx, w.repA, crm.Deal{CustomerID: id, Stage: crm.StageInitial, WinPct: 10, Amount: -1})
				return err
			}},
			{"empty activity", "activity.empty", func() error {
				_, err := w.svc.LogActivity(ctx, w.repA, crm.Activity{CustomerID: id, Content: "  ", At: w.now})
				return err
			}},
			{"overlong next action", "text.too_long_n", func() error {
				_, err := w.svc.LogActivity(ctx, w.repA, crm.Activity{CustomerID: id, Content: "拜访", NextAction: long, At: w.now})
				return err
			}},
			{"plan of nothing", "amount.invalid", func() error {
				_, err := w.svc.AddPaymentPlan(ctx, w.repA, crm.PaymentPlan{CustomerID: id, DueDate: "2026-12-31"})
				return err
			}},
			{"plan without a date", "date.invalid", func() error {
				_, err := w.svc.AddPaymentPlan(ctx, w.repA, crm.PaymentPlan{CustomerID: id, Amount: crm.Yuan(1)})
				return err
			}},
			{"payment against another customer's plan", "payment.plan_mismatch", func() error {
				_, err := w.svc.AddPayment(ctx, w.repA, crm.Payment{CustomerID: other.ID, PlanID: w.plan.ID, Amount: crm.Yuan(1), ReceivedOn: "2026-12-07"})
				return err
			}},
			{"empty complaint", "complaint.empty", func() error {
				_, err := w.svc.AddComplaint(ctx, w.repA, crm.Complaint{CustomerID: id})
				return err
			}},
			{"unknown metric", "target.metric_invalid", func() error {
				_, err := w.svc.SetTarget(ctx, w.admin, crm.Target{Metric: "calls", Period: crm.PeriodMonth, PeriodStart: "2026-12-01", Unit: crm.UnitCompany})
				return err
			}},
			{"empty report", "report.empty", func() error {
				_, err := w.svc.SaveReport(ctx, w.repA, crm.Report{Kind: crm.PeriodDay, PeriodStart: "2026-12-07", Text: " "})
				return err
			}},
		}
		for _, c := range cases {
			err := c.call()
			if e, ok := crm.AsError(err); !ok || e.Code != crm.CodeInvalid || e.Key != c.key {
				t.Errorf("%s: %v, want Invalid %s", c.name, err, c.key)
			}
		}
		// A complaint is closed once.
		if _, err := w.svc.CloseComplaint(ctx, w.repA, w.complaint.ID, "已补发", w.now); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.CloseComplaint(ctx, w.repA, w.complaint.ID, "again", w.now); !errors.Is(err, crm.Errorf(crm.CodeInvalid, "complaint.closed")) {
			t.Errorf("closed twice: %v", err)
		}
		// An empty comment, on a report the manager may comment on.
		rp, err := w.svc.SaveReport(ctx, w.repA, crm.Report{Kind: crm.PeriodDay, PeriodStart: "2026-12-07", Text: "拜访两家"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.CommentReport(ctx, w.mgr, rp.ID, "", w.now); !errors.Is(err, crm.Errorf(crm.CodeInvalid, "report.comment_empty")) {
			t.Errorf("empty comment: %v", err)
		}
	})
}

// A transfer is asked for by someone who tried to add the company, and
// decided once by the owner's manager.
func TestTransferRules(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		if _, err := w.svc.RequestTransfer(ctx, w.rep3, w.cust.ID, crm.TransferOwnership, w.now); !errors.Is(err, crm.Errorf(crm.CodeNotFound, "transfer.not_found")) {
			t.Errorf("without a claim: %v", err)
		}
		if _, err := w.svc.RequestTransfer(ctx, w.repA, w.cust.ID, crm.TransferOwnership, w.now); !errors.Is(err, crm.Errorf(crm.CodeInvalid, "transfer.own")) {
			t.Errorf("one's own: %v", err)
		}
		if _, _, err := w.svc.ClaimName(ctx, w.rep3, w.cust.Name, w.now); err != nil {
			t.Fatal(err)
		}
		req, err := w.svc.RequestTransfer(ctx, w.rep3, w.cust.ID, crm.TransferOwnership, w.now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.RequestTransfer(ctx, w.rep3, w.cust.ID, crm.TransferOwnership, w.now); !errors.Is(err, crm.Errorf(crm.CodeConflict, "transfer.pending")) {
			t.Errorf("twice: %v", err)
		}
		if _, err := w.svc.DecideTransfer(ctx, w.repB, req.ID, true, w.now); !errors.Is(err, crm.ErrNotFound) {
			t.Errorf("decided by a rep: %v", err)
		}
		tr, err := w.svc.DecideTransfer(ctx, w.mgr, req.ID, true, w.now)
		if err != nil || tr.Status != crm.RequestApproved {
			t.Fatalf("approve: %+v %v", tr, err)
		}
		if _, err := w.svc.DecideTransfer(ctx, w.admin, req.ID, false, w.now); !errors.Is(err, crm.Errorf(crm.CodeInvalid, "transfer.decided")) {
			t.Errorf("decided twice: %v", err)
		}
		if _, err := w.svc.CustomerToChange(ctx, w.rep3, w.cust.ID); err != nil {
			t.Errorf("the new owner: %v", err)
		}
	})
}
