package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var ctx = context.Background()

// org makes a small organisation: a root department with a child, a manager
// of the root, two reps in the child and one rep elsewhere.
type org struct {
	root, child, other           crm.Department
	admin, mgr, repA, repB, rep3 crm.User
}

func mkOrg(t *testing.T, db *store.DB) org {
	t.Helper()
	var o org
	var err error
	must := func(e error) {
		t.Helper()
		if e != nil {
			t.Fatal(e)
		}
	}
	o.root, err = db.CreateDepartment(ctx, 0, "华东销售部", 0)
	must(err)
	o.child, err = db.CreateDepartment(ctx, 0, "上海组", o.root.ID)
	must(err)
	o.other, err = db.CreateDepartment(ctx, 0, "华南销售部", 0)
	must(err)
	o.admin, err = db.CreateUser(ctx, 0, crm.User{Name: "管理员", Role: crm.RoleAdmin})
	must(err)
	o.mgr, err = db.CreateUser(ctx, 0, crm.User{Name: "王经理", Role: crm.RoleManager, DeptID: o.root.ID})
	must(err)
	o.repA, err = db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep, DeptID: o.child.ID})
	must(err)
	o.repB, err = db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep, DeptID: o.child.ID})
	must(err)
	o.rep3, err = db.CreateUser(ctx, 0, crm.User{Name: "赵六", Role: crm.RoleRep, DeptID: o.other.ID})
	must(err)
	return o
}

func TestMigrationsReachSameVersion(t *testing.T) {
	pg, _ := store.Migrations(store.Postgres)
	lite, _ := store.Migrations(store.SQLite)
	if len(pg) == 0 || len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d", len(pg), len(lite))
	}
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		v, err := db.SchemaVersion(ctx)
		if err != nil || v != len(pg) {
			t.Fatalf("schema version %d, %v; want %d", v, err, len(pg))
		}
		// Migrating again is a no-op.
		if v2, err := db.Migrate(ctx); err != nil || v2 != v {
			t.Fatalf("re-migrate: %d, %v", v2, err)
		}
	})
}

func TestCustomerDuplicateByNormalisedName(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		c, err := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: o.repA.ID,
			Contacts: []crm.Contact{{Name: "王经理", Phone: "13800138000"}}})
		if err != nil {
			t.Fatal(err)
		}
		if c.OwnerName != "张三" || len(c.Contacts) != 1 || c.Contacts[0].Phone != "13800138000" {
			t.Fatalf("customer read back wrong: %+v", c)
		}
		for _, variant := range []string{"青禾新锐科技（北京）有限公司", "青禾新锐科技有限公司", " 北京 青禾新锐科技有限公司 "} {
			_, err := db.CreateCustomer(ctx, o.repB.ID, crm.Customer{Name: variant, OwnerID: o.repB.ID})
			e, ok := crm.AsError(err)
			if !ok || e.Code != crm.CodeConflict || e.Key != "customer.duplicate" {
				t.Fatalf("%s: got %v, want customer.duplicate conflict", variant, err)
			}
			got, err := db.CustomerByKey(ctx, company.Parse(variant).Key)
			if err != nil || got.ID != c.ID {
				t.Fatalf("%s: by key %v %v", variant, got.ID, err)
			}
		}
		sim, err := db.SimilarCustomers(ctx, company.Parse("青禾新锐软件有限公司"), 10)
		if err != nil || len(sim) == 0 || sim[0].ID != c.ID {
			t.Fatalf("similar: %v %v", sim, err)
		}
		if _, err := db.Customer(ctx, 99999); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("missing customer: %v", err)
		}
	})
}

func TestConcurrentCreateSameCompany(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		names := []string{"北京青禾新锐科技有限公司", "青禾新锐科技（北京）有限公司", "青禾新锐科技有限公司", "北京市青禾新锐科技有限公司"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		var others []error
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				owner := o.repA.ID
				if i%2 == 1 {
					owner = o.repB.ID
				}
				_, err := db.CreateCustomer(ctx, owner, crm.Customer{Name: names[i%len(names)], OwnerID: owner})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case crm.ErrorCode(err) == crm.CodeConflict:
					conflicts++
				default:
					others = append(others, err)
				}
			}(i)
		}
		wg.Wait()
		if ok != 1 || conflicts != 19 || len(others) > 0 {
			t.Fatalf("ok=%d conflicts=%d others=%v; want 1 and 19", ok, conflicts, others)
		}
		n, _ := db.CountCustomers(ctx, crm.Scope{All: true})
		if n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}
	})
}

func TestScopes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		for i, owner := range []crm.User{o.repA, o.repA, o.repB, o.rep3, o.mgr} {
			if _, err := db.CreateCustomer(ctx, owner.ID, crm.Customer{Name: fmt.Sprintf("测试%d号科技有限公司", i), OwnerID: owner.ID}); err != nil {
				t.Fatal(err)
			}
		}
		depts, _ := db.Departments(ctx)
		count := func(u crm.User) int {
			n, err := db.CountCustomers(ctx, crm.ViewerOf(u, depts).Scope())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := count(o.repA); got != 2 {
			t.Errorf("rep A sees %d, want 2", got)
		}
		if got := count(o.mgr); got != 4 { // A×2, B, own
			t.Errorf("manager sees %d, want 4", got)
		}
		if got := count(o.admin); got != 5 {
			t.Errorf("admin sees %d, want 5", got)
		}
		found, _ := db.FindCustomers(ctx, crm.ViewerOf(o.repB, depts).Scope(), "测试", 10, 0)
		if len(found) != 1 || found[0].OwnerID != o.repB.ID {
			t.Errorf("rep B finds %v", found)
		}
	})
}

func TestSearchIsLiteral(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		weird := []string{"100%纯净水有限公司", "A_B 贸易有限公司", `反斜杠\科技有限公司`, "'; DROP TABLE customers; --公司", "<b>粗体</b>有限公司"}
		for _, n := range weird {
			if _, err := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: n, OwnerID: o.repA.ID}); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
		}
		if _, err := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "100纯净水有限公司", OwnerID: o.repA.ID}); err != nil && crm.ErrorCode(err) != crm.CodeConflict {
			t.Fatal(err)
		}
		sc := crm.Scope{All: true}
		for q, want := range map[string]string{"%": "100%纯净水有限公司", "_": "A_B 贸易有限公司", `\`: `反斜杠\科技有限公司`, "DROP TABLE": "'; DROP TABLE customers; --公司", "<b>": "<b>粗体</b>有限公司"} {
			got, err := db.FindCustomers(ctx, sc, q, 10, 0)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if len(got) != 1 || got[0].Name != want {
				names := []string{}
				for _, c := range got {
					names = append(names, c.Name)
				}
				t.Errorf("find %q = %v, want only %q", q, names, want)
			}
		}
		// Contacts' phones are searchable.
		c, _ := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "恒通物流有限公司", OwnerID: o.repA.ID, Contacts: []crm.Contact{{Name: "刘总", Phone: "13912345678"}}})
		if got, _ := db.FindCustomers(ctx, sc, "1391234", 10, 0); len(got) != 1 || got[0].ID != c.ID {
			t.Errorf("phone search: %v", got)
		}
	})
}

func TestInviteSingleUseAndExpiry(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		now := time.Now()
		inv, err := db.CreateInvite(ctx, crm.Invite{Code: "ABC123", Role: crm.RoleRep, DeptID: o.child.ID, Name: "孙七", CreatedBy: o.mgr.ID, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.RedeemInvite(ctx, inv.Code, crm.Identity{Channel: "telegram", ExternalID: "42", ChatID: "42"}, "Sun Qi", "zh", now)
		if err != nil || u.Name != "孙七" || u.DeptID != o.child.ID || u.Role != crm.RoleRep {
			t.Fatalf("redeem: %+v %v", u, err)
		}
		bound, err := db.IdentityUser(ctx, "telegram", "42")
		if err != nil || bound.ID != u.ID {
			t.Fatalf("bound: %v %v", bound, err)
		}
		_, err = db.RedeemInvite(ctx, inv.Code, crm.Identity{Channel: "telegram", ExternalID: "43", ChatID: "43"}, "x", "", now)
		if e, _ := crm.AsError(err); e == nil || e.Key != "invite.used" {
			t.Fatalf("second use: %v", err)
		}
		old, _ := db.CreateInvite(ctx, crm.Invite{Code: "OLD999", Role: crm.RoleRep, CreatedBy: o.mgr.ID, CreatedAt: now.Add(-8 * 24 * time.Hour)})
		_, err = db.RedeemInvite(ctx, old.Code, crm.Identity{Channel: "telegram", ExternalID: "44", ChatID: "44"}, "x", "", now)
		if e, _ := crm.AsError(err); e == nil || e.Key != "invite.expired" {
			t.Fatalf("expired: %v", err)
		}
		if _, err := db.IdentityUser(ctx, "telegram", "44"); crm.ErrorCode(err) != crm.CodeUnbound {
			t.Fatalf("unbound: %v", err)
		}
		// Concurrent redemption: exactly one wins.
		db.CreateInvite(ctx, crm.Invite{Code: "RACE01", Role: crm.RoleRep, CreatedBy: o.mgr.ID, CreatedAt: now})
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := db.RedeemInvite(ctx, "RACE01", crm.Identity{Channel: "wecom", ExternalID: fmt.Sprint("u", i), ChatID: "c"}, fmt.Sprint("u", i), "", now)
				if err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d concurrent redemptions won", wins)
		}
	})
}

func TestDealsPaymentsComplaintsAndAudit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		c, _ := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: o.repA.ID})
		d, err := db.SaveDeal(ctx, o.repA.ID, crm.Deal{CustomerID: c.ID, OwnerID: o.repA.ID, Stage: crm.StageInitial, WinPct: 10, Amount: crm.Yuan(50000)})
		if err != nil {
			t.Fatal(err)
		}
		d.Stage, d.WinPct, d.Amount, d.CloseDate = crm.StageProposal, 60, crm.Yuan(120000), "2026-12-31"
		if d, err = db.SaveDeal(ctx, o.repA.ID, d); err != nil {
			t.Fatal(err)
		}
		if d.CustomerName != "瑞丰机械有限公司" || d.Amount != crm.Yuan(120000) {
			t.Fatalf("deal: %+v", d)
		}
		h, _ := db.StageHistory(ctx, d.ID)
		if len(h) != 2 || h[1].From != crm.StageInitial || h[1].To != crm.StageProposal {
			t.Fatalf("history: %+v", h)
		}
		// The stage model (won at 50%: refused) is sales': TestRecordChecks.
		top, _ := db.OpenDealsInScope(ctx, crm.Scope{OwnerID: o.repA.ID}, 5)
		if len(top) != 1 {
			t.Fatalf("open deals: %v", top)
		}
		p, err := db.AddPaymentPlan(ctx, o.repA.ID, crm.PaymentPlan{CustomerID: c.ID, Amount: crm.Yuan(50000), DueDate: "2026-12-05"})
		if err != nil {
			t.Fatal(err)
		}
		due, _ := db.PlansDue(ctx, crm.Scope{OwnerID: o.repA.ID}, "2026-12-01", "2027-01-01")
		if len(due) != 1 {
			t.Fatalf("due: %v", due)
		}
		if _, err := db.AddPayment(ctx, o.repA.ID, crm.Payment{CustomerID: c.ID, PlanID: p.ID, Amount: crm.Yuan(50000), ReceivedOn: "2026-12-04"}); err != nil {
			t.Fatal(err)
		}
		due, _ = db.PlansDue(ctx, crm.Scope{OwnerID: o.repA.ID}, "2026-12-01", "2027-01-01")
		if len(due) != 0 {
			t.Fatalf("paid plan still due: %v", due)
		}
		k, _ := db.AddComplaint(ctx, o.repA.ID, crm.Complaint{CustomerID: c.ID, UserID: o.repA.ID, Content: "发票错误"})
		open, _ := db.OpenComplaints(ctx, crm.Scope{OwnerID: o.repA.ID}, 0)
		if len(open) != 1 {
			t.Fatalf("open complaints %v", open)
		}
		if _, err := db.CloseComplaint(ctx, o.repA.ID, k.ID, "已重开", time.Now()); err != nil {
			t.Fatal(err)
		}
		// Closed meanwhile (the message is sales': TestRecordChecks).
		if _, err := db.CloseComplaint(ctx, o.repA.ID, k.ID, "again", time.Now()); crm.ErrorCode(err) != crm.CodeConflict {
			t.Fatalf("close twice: %v", err)
		}
		a, _ := db.Audit(ctx, "deal", d.ID, 10)
		if len(a) != 2 || a[0].Action != "update" || a[0].Before == "" || a[0].UserID != o.repA.ID {
			t.Fatalf("audit: %+v", a)
		}
	})
}

func TestActivityMovesLastActivityAndStale(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		start := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return start }
		c1, _ := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "恒通物流有限公司", OwnerID: o.repA.ID})
		c2, _ := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "金桥贸易有限公司", OwnerID: o.repA.ID})
		if _, err := db.AddActivity(ctx, o.repA.ID, crm.Activity{CustomerID: c2.ID, UserID: o.repA.ID, Content: "拜访", NextDate: "2026-11-20", At: start.Add(10 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		stale, _ := db.StaleCustomers(ctx, crm.Scope{OwnerID: o.repA.ID}, start.Add(5*24*time.Hour), 10)
		if len(stale) != 1 || stale[0].ID != c1.ID {
			t.Fatalf("stale: %v", stale)
		}
		list, _ := db.ListCustomers(ctx, crm.Scope{OwnerID: o.repA.ID}, 10, 0)
		if len(list) != 2 || list[0].ID != c2.ID {
			t.Fatalf("list order: %v", list)
		}
		acts, _ := db.Activities(ctx, c2.ID, 5)
		if len(acts) != 1 || acts[0].NextDate != "2026-11-20" {
			t.Fatalf("activities: %+v", acts)
		}
	})
}

// A refused claim is kept with its alerts, in one transaction (who hears
// of it is sales' rule: TestClaimAlertsReachTheOwnersManagersAndGroups).
func TestDuplicateClaimQueuesAlerts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		c, _ := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: o.repA.ID})
		group := crm.Group{Channel: "telegram", ChatID: "-100", DeptID: o.root.ID}
		// Recorded twice under one alert key: two claims, one alert each.
		for range 2 {
			if _, err := db.RecordDuplicateClaim(ctx, crm.DuplicateClaim{CustomerID: c.ID, ClaimantID: o.repB.ID, OwnerID: o.repA.ID, RawName: "青禾新锐科技（北京）有限公司"},
				"dup:test", []int64{o.mgr.ID}, []crm.Group{group}); err != nil {
				t.Fatal(err)
			}
		}
		var claims int
		if err := db.SQL().Get(&claims, `SELECT COUNT(*) FROM duplicate_claims`); err != nil || claims != 2 {
			t.Fatalf("claims recorded: %d %v", claims, err)
		}
		if ok, err := db.HasClaimed(ctx, c.ID, o.repB.ID); !ok || err != nil {
			t.Fatalf("HasClaimed: %v %v", ok, err)
		}
		var rows []struct {
			UserID int64  `db:"user_id"`
			ChatID string `db:"chat_id"`
		}
		if err := db.SQL().Select(&rows, `SELECT user_id, chat_id FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].UserID != o.mgr.ID || rows[1].ChatID != "-100" {
			t.Fatalf("outbox: %+v", rows)
		}
	})
}

func TestConversationState(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		now := time.Now()
		st := crm.ConversationState{Channel: "console", ChatID: "1", UserKey: "1", Flow: "new", Step: "name", Data: `{"a":1}`, ExpiresAt: now.Add(time.Hour)}
		if err := db.PutState(ctx, st); err != nil {
			t.Fatal(err)
		}
		st.Step = "industry"
		if err := db.PutState(ctx, st); err != nil {
			t.Fatal(err)
		}
		got, err := db.State(ctx, "console", "1", "1", now)
		if err != nil || got.Step != "industry" || got.Data != `{"a":1}` {
			t.Fatalf("state: %+v %v", got, err)
		}
		if _, err := db.State(ctx, "console", "1", "1", now.Add(2*time.Hour)); !errors.Is(err, crm.ErrNotFound) {
			t.Fatalf("expired state: %v", err)
		}
		if n, _ := db.PurgeExpiredStates(ctx, now.Add(2*time.Hour)); n != 1 {
			t.Fatalf("purged %d", n)
		}
	})
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://bob:s3cret@db.example:5432/crm?sslmode=disable": "postgres://bob@db.example:5432/crm?sslmode=disable",
		"host=db user=bob password=s3cret dbname=crm":               "host=db user=bob dbname=crm",
		"file:/tmp/x.db?_pragma=foreign_keys(1)":                    "/tmp/x.db",
	} {
		if got := store.RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFailedMigrationLeavesSchemaUnchanged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ms, _ := store.Migrations(db.Driver())
		v0 := len(ms)
		bad := append(ms, store.Migration{Version: v0 + 1, Name: "bad.sql",
			SQL: "CREATE TABLE half_done (id INTEGER); ALTER TABLE no_such_table ADD COLUMN x INTEGER;"})
		if _, err := db.MigrateWith(ctx, bad); err == nil {
			t.Fatal("a broken migration succeeded")
		}
		if v, _ := db.SchemaVersion(ctx); v != v0 {
			t.Fatalf("version %d after a failed migration, want %d", v, v0)
		}
		var n int
		err := db.SQL().Get(&n, `SELECT COUNT(*) FROM half_done`)
		if err == nil {
			t.Fatal("the failed migration left a table behind")
		}
	})
}

func TestGroupsInboundAndReachability(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		if err := db.RegisterGroup(ctx, o.mgr.ID, crm.Group{Channel: "telegram", ChatID: "-1", DeptID: o.root.ID, Title: "华东"}); err != nil {
			t.Fatal(err)
		}
		if err := db.RegisterGroup(ctx, o.mgr.ID, crm.Group{Channel: "telegram", ChatID: "-1", DeptID: o.child.ID, Title: "上海"}); err != nil {
			t.Fatal(err)
		}
		gs, _ := db.Groups(ctx)
		if len(gs) != 1 || gs[0].DeptID != o.child.ID {
			t.Fatalf("groups: %+v", gs)
		}
		now := time.Now()
		first, err := db.ClaimInbound(ctx, "telegram", "1001", now)
		again, _ := db.ClaimInbound(ctx, "telegram", "1001", now)
		other, _ := db.ClaimInbound(ctx, "wecom", "1001", now)
		if err != nil || !first || again || !other {
			t.Fatalf("claims: %v %v %v %v", first, again, other, err)
		}
		db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "7", UserID: o.repA.ID, ChatID: "7"})
		db.SetReachable(ctx, "telegram", "7", false)
		ids, _ := db.Identities(ctx, o.repA.ID)
		if len(ids) != 1 || ids[0].Reachable {
			t.Fatalf("identities: %+v", ids)
		}
	})
}

func TestHandover300Customers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := mkOrg(t, db)
		now := time.Now()
		var deals int
		for i := 0; i < 300; i++ {
			c, err := db.CreateCustomer(ctx, o.repA.ID, crm.Customer{Name: fmt.Sprintf("交接%d号贸易有限公司", i), OwnerID: o.repA.ID})
			if err != nil {
				t.Fatal(err)
			}
			st := crm.Stages[i%len(crm.Stages)]
			d, err := db.SaveDeal(ctx, o.repA.ID, crm.Deal{CustomerID: c.ID, OwnerID: o.repA.ID, Stage: crm.StageInitial, WinPct: 10, Amount: crm.Yuan(1000)})
			if err != nil {
				t.Fatal(err)
			}
			deals++
			if st != crm.StageInitial {
				d.Stage, d.WinPct = st, st.DefaultWinPct()
				if _, err := db.SaveDeal(ctx, o.repA.ID, d); err != nil {
					t.Fatal(err)
				}
			}
			if i%10 == 0 {
				db.AddPaymentPlan(ctx, o.repA.ID, crm.PaymentPlan{CustomerID: c.ID, Amount: crm.Yuan(500), DueDate: "2027-01-01"})
				db.AddAppointment(ctx, o.repA.ID, crm.Appointment{CustomerID: c.ID, UserID: o.repA.ID, At: now.Add(48 * time.Hour)})
			}
		}
		if _, err := db.Handover(ctx, o.mgr.ID, o.repA.ID, o.rep3.ID, nil, now); err != nil {
			t.Fatal(err)
		}
		// To a rep deactivated meanwhile: nothing moves (the rule and its
		// message are sales': TestHandoverRules).
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE users SET active = ? WHERE id = ?`), false, o.repB.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Handover(ctx, o.mgr.ID, o.rep3.ID, o.repB.ID, nil, now); crm.ErrorCode(err) != crm.CodeConflict {
			t.Fatalf("handover to an inactive rep: %v", err)
		}
		if n, _ := db.CountOwned(ctx, o.repA.ID); n != 0 {
			t.Fatalf("rep A still owns %d", n)
		}
		if n, _ := db.CountOwned(ctx, o.rep3.ID); n != 300 {
			t.Fatalf("rep 3 owns %d", n)
		}
		var counts struct {
			Deals  int `db:"deals"`
			Hist   int `db:"hist"`
			Appts  int `db:"appts"`
			Audits int `db:"audits"`
			Pushes int `db:"pushes"`
		}
		q := db.SQL().Rebind(`SELECT
			(SELECT COUNT(*) FROM deals WHERE owner_id = ?) AS deals,
			(SELECT COUNT(*) FROM stage_changes) AS hist,
			(SELECT COUNT(*) FROM appointments WHERE user_id = ?) AS appts,
			(SELECT COUNT(*) FROM audit_log WHERE action = 'handover') AS audits,
			(SELECT COUNT(*) FROM outbox WHERE kind = 'handover') AS pushes`)
		if err := db.SQL().Get(&counts, q, o.rep3.ID, o.rep3.ID); err != nil {
			t.Fatal(err)
		}
		if counts.Deals != 300 || counts.Hist != 550 || counts.Appts != 30 || counts.Audits != 630 || counts.Pushes != 2 {
			t.Fatalf("after handover: %+v", counts)
		}
		// Stages are intact: one deal per stage in turn.
		for _, st := range crm.Stages {
			var n int
			db.SQL().Get(&n, db.SQL().Rebind(`SELECT COUNT(*) FROM deals WHERE stage = ?`), st)
			if n != 50 {
				t.Fatalf("%d deals at %s, want 50", n, st)
			}
		}
	})
}
