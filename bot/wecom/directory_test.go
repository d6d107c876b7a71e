package wecom_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// wecomSyncOrg fills the fake's contacts with a small company:
//
//	1 青禾科技 (leader boss)
//	├── 2 销售部 (leader wangli)
//	│   ├── 3 华东组 (leader zhaomin): zhangsan, lisi (main department 4)
//	│   └── 4 华北组: lisi, gone (left), disabled (disabled)
//	└── 5 研发部: dev
func wecomSyncOrg(f *fakewecom.Fake) {
	f.AddDepartment(fakewecom.Department{ID: 1, ParentID: 0, Name: "青禾科技", Leaders: []string{"boss"}})
	f.AddDepartment(fakewecom.Department{ID: 2, ParentID: 1, Name: "销售部", Leaders: []string{"wangli"}})
	f.AddDepartment(fakewecom.Department{ID: 3, ParentID: 2, Name: "华东组", Leaders: []string{"zhaomin"}})
	f.AddDepartment(fakewecom.Department{ID: 4, ParentID: 2, Name: "华北组"})
	f.AddDepartment(fakewecom.Department{ID: 5, ParentID: 1, Name: "研发部"})
	f.AddMember(fakewecom.Member{UserID: "boss", Name: "老板", Department: []int64{1}, IsLeaderInDept: []int{1}})
	f.AddMember(fakewecom.Member{UserID: "wangli", Name: "王丽", Department: []int64{2}, IsLeaderInDept: []int{1}})
	f.AddMember(fakewecom.Member{UserID: "zhaomin", Name: "赵敏", Department: []int64{3}, IsLeaderInDept: []int{1}})
	f.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Department: []int64{3}})
	f.AddMember(fakewecom.Member{UserID: "lisi", Name: "李四", Department: []int64{3, 4}, MainDepartment: 4})
	f.AddMember(fakewecom.Member{UserID: "dev", Name: "程序员", Department: []int64{5}})
	f.AddMember(fakewecom.Member{UserID: "gone", Name: "离职者", Department: []int64{4}, Status: 5})
	f.AddMember(fakewecom.Member{UserID: "disabled", Name: "停用者", Department: []int64{4}, Status: 2})
}

// wecomSyncRun reads the fake's contacts through the channel and mirrors
// them.
func wecomSyncRun(t *testing.T, h *harness, root int64) crm.SyncResult {
	t.Helper()
	ctx := context.Background()
	dir, err := h.ch.Directory(ctx, root)
	if err != nil {
		t.Fatalf("directory: %v", err)
	}
	res, err := sales.New(h.db).SyncDirectory(ctx, wecom.Name, dir, h.clock.Now())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// wecomSyncUser is the user bound to a WeCom UserID.
func wecomSyncUser(t *testing.T, db *store.DB, userID string) crm.User {
	t.Helper()
	u, err := db.IdentityUser(context.Background(), "wecom", userID)
	if err != nil {
		t.Fatalf("%s is not bound: %v", userID, err)
	}
	return u
}

func wecomSyncDept(t *testing.T, db *store.DB, id int64) crm.Department {
	t.Helper()
	ds, err := db.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no department %d", id)
	return crm.Department{}
}

func wecomSyncAudit(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	return n
}

func wecomSyncCheckOrg(t *testing.T, db *store.DB) {
	t.Helper()
	want := map[string]struct {
		name, dept string
		role       crm.Role
	}{
		"boss": {"老板", "青禾科技", crm.RoleManager}, "wangli": {"王丽", "销售部", crm.RoleManager},
		"zhaomin": {"赵敏", "华东组", crm.RoleManager}, "zhangsan": {"张三", "华东组", crm.RoleRep},
		"lisi": {"李四", "华北组", crm.RoleRep}, "dev": {"程序员", "研发部", crm.RoleRep},
	}
	for id, w := range want {
		u := wecomSyncUser(t, db, id)
		if d := wecomSyncDept(t, db, u.DeptID); u.Name != w.name || d.Name != w.dept || u.Role != w.role || !u.Active {
			t.Errorf("%s: %s %s in %s (active %v), want %s %s in %s", id, u.Name, u.Role, d.Name, u.Active, w.name, w.role, w.dept)
		}
	}
	for _, id := range []string{"gone", "disabled"} {
		if _, err := db.IdentityUser(context.Background(), "wecom", id); err == nil {
			t.Errorf("%s (left or disabled) was bound", id)
		}
	}
	sales, err := db.DepartmentByName(context.Background(), "销售部")
	if err != nil {
		t.Fatal(err)
	}
	if root := wecomSyncDept(t, db, sales.ParentID); root.Name != "青禾科技" || root.ParentID != 0 {
		t.Errorf("销售部 is under %+v, want 青禾科技 at the top", root)
	}
	east, _ := db.DepartmentByName(context.Background(), "华东组")
	if east.ParentID != sales.ID {
		t.Errorf("华东组 is under %d, want 销售部 %d", east.ParentID, sales.ID)
	}
}

// TestWeComSyncMirrorsTheDirectoryOnce: a full sync through the real
// client against the fake's department/list and user/list builds the
// tree, binds every member, makes the leaders managers; a second run over
// the same directory changes nothing, not even the audit log.
func TestWeComSyncMirrorsTheDirectoryOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		wecomSyncOrg(h.fake)
		res := wecomSyncRun(t, h, 0)
		if len(res.Changes) != 5+6 {
			t.Errorf("first sync: %d changes, want 11: %+v", len(res.Changes), res.Changes)
		}
		wecomSyncCheckOrg(t, db)
		if len(h.fake.Calls("user/list")) != 1 || h.fake.Calls("user/list")[0].Query.Get("fetch_child") != "1" {
			t.Errorf("user/list calls: %+v", h.fake.Calls("user/list"))
		}
		audit := wecomSyncAudit(t, db)
		res = wecomSyncRun(t, h, 0)
		if len(res.Changes) != 0 || len(res.Problems) != 0 {
			t.Errorf("second sync changed %+v, problems %q", res.Changes, res.Problems)
		}
		if n := wecomSyncAudit(t, db); n != audit {
			t.Errorf("second sync wrote %d audit entries", n-audit)
		}
		never, err := sales.New(db).DirectoryNeverSynced(context.Background(), wecom.Name)
		if err != nil || never {
			t.Errorf("never synced = %v, %v", never, err)
		}
	})
}

// TestWeComSyncWithUserListIDFallback: an app that may not call user/list
// (48002) reads the cursor-paged user/list_id and user/get instead, with
// the same result.
func TestWeComSyncWithUserListIDFallback(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	wecomSyncOrg(h.fake)
	h.fake.UserListClosed = true
	wecomSyncRun(t, h, 0)
	wecomSyncCheckOrg(t, h.db)
	if len(h.fake.Calls("user/list_id")) == 0 || len(h.fake.Calls("user/get")) < 6 {
		t.Errorf("list_id %d, get %d calls", len(h.fake.Calls("user/list_id")), len(h.fake.Calls("user/get")))
	}
}

// TestWeComSyncWithSimpleListsAndPacing: an app that may call neither
// department/list nor user/list reads department/simplelist +
// department/get and user/list_id + user/get, with the same result, and
// keeps to the contacts API's budget of calls a minute (waiting on the
// channel's clock).
func TestWeComSyncWithSimpleListsAndPacing(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t), func(c *wecom.Config) { c.ContactsPerMinute = 4 })
	wecomSyncOrg(h.fake)
	h.fake.UserListClosed, h.fake.DepartmentListClosed = true, true
	wecomSyncRun(t, h, 0)
	wecomSyncCheckOrg(t, h.db)
	if len(h.fake.Calls("department/simplelist")) != 1 || len(h.fake.Calls("department/get")) != 5 {
		t.Errorf("simplelist %d, get %d calls", len(h.fake.Calls("department/simplelist")), len(h.fake.Calls("department/get")))
	}
	// 5 department/get + 8 user/get at 4 a minute: three waits.
	waits := 0
	for _, d := range h.clock.Slept() {
		if d > 30*time.Second && d <= time.Minute {
			waits++
		}
	}
	if waits != 3 {
		t.Errorf("waited %v, want three waits for the minute's budget", h.clock.Slept())
	}
}

// TestWeComSyncOfAVisibleRangeOfSeveralDepartments: an app that sees only
// 华东组 and 研发部 (可见范围) syncs both, at the top, with their members.
func TestWeComSyncOfAVisibleRangeOfSeveralDepartments(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	wecomSyncOrg(h.fake)
	h.fake.SetVisibleRange(3, 5)
	res := wecomSyncRun(t, h, 0)
	for _, id := range []string{"zhaomin", "zhangsan", "lisi", "dev"} {
		wecomSyncUser(t, h.db, id)
	}
	for _, name := range []string{"华东组", "研发部"} {
		if d, err := h.db.DepartmentByName(context.Background(), name); err != nil || d.ParentID != 0 {
			t.Errorf("%s: %+v %v", name, d, err)
		}
	}
	if len(res.Problems) != 2 {
		t.Errorf("problems %q, want the two departments placed at the top", res.Problems)
	}
	if res := wecomSyncRun(t, h, 0); len(res.Changes) != 0 {
		t.Errorf("second sync: %+v", res.Changes)
	}
}

// TestWeComSyncKeepsALocalRoleChange: a role an admin changed in salesbot
// survives the next sync; a role that came from WeCom follows WeCom's
// leaders; a member disabled in WeCom is deactivated.
func TestWeComSyncKeepsALocalRoleChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		wecomSyncOrg(h.fake)
		wecomSyncRun(t, h, 0)
		zs := wecomSyncUser(t, db, "zhangsan")
		if _, err := db.UpdateUser(ctx, 0, zs.ID, crm.RoleManager, zs.DeptID); err != nil {
			t.Fatal(err)
		}
		wl := wecomSyncUser(t, db, "wangli")
		if _, err := db.UpdateUser(ctx, 0, wl.ID, crm.RoleRep, wl.DeptID); err != nil {
			t.Fatal(err)
		}
		// WeCom makes lisi the leader of 华北组.
		h.fake.AddDepartment(fakewecom.Department{ID: 4, ParentID: 2, Name: "华北组", Leaders: []string{"lisi"}})
		h.fake.AddMember(fakewecom.Member{UserID: "dev", Name: "程序员", Department: []int64{5}, Status: 2})
		res := wecomSyncRun(t, h, 0)
		if u := wecomSyncUser(t, db, "zhangsan"); u.Role != crm.RoleManager {
			t.Errorf("zhangsan's local role change was undone: %s", u.Role)
		}
		if u := wecomSyncUser(t, db, "wangli"); u.Role != crm.RoleRep {
			t.Errorf("wangli's local role change was undone: %s", u.Role)
		}
		if u := wecomSyncUser(t, db, "lisi"); u.Role != crm.RoleManager {
			t.Errorf("lisi leads 华北组 now but is %s", u.Role)
		}
		if _, err := db.IdentityUser(ctx, "wecom", "dev"); err == nil {
			t.Errorf("dev was disabled in WeCom but is still bound")
		}
		if len(res.Changes) != 2 {
			t.Errorf("changes %+v, want lisi updated and dev deactivated", res.Changes)
		}
		if res := wecomSyncRun(t, h, 0); len(res.Changes) != 0 {
			t.Errorf("third sync changed %+v", res.Changes)
		}
	})
}

// TestWeComSyncRootLimitsToASubtree: wecom.sync_root 2 mirrors 销售部 and
// below only, 销售部 at the top.
func TestWeComSyncRootLimitsToASubtree(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		wecomSyncOrg(h.fake)
		wecomSyncRun(t, h, 2)
		ds, _ := db.Departments(context.Background())
		var names []string
		for _, d := range ds {
			names = append(names, d.Name)
		}
		if strings.Join(names, ",") != "销售部,华东组,华北组" {
			t.Errorf("departments %q", names)
		}
		if d, _ := db.DepartmentByName(context.Background(), "销售部"); d.ParentID != 0 {
			t.Errorf("销售部 is not at the top: %+v", d)
		}
		for _, id := range []string{"boss", "dev"} {
			if _, err := db.IdentityUser(context.Background(), "wecom", id); err == nil {
				t.Errorf("%s is outside sync_root but was synced", id)
			}
		}
		if u := wecomSyncUser(t, db, "wangli"); u.Role != crm.RoleManager {
			t.Errorf("wangli: %+v", u)
		}
		if q := h.fake.Calls("department/list")[0].Query.Get("id"); q != "2" {
			t.Errorf("department/list id=%q", q)
		}
	})
}

// TestWeComSyncReportsErrorsWithWhatToDo: 60020 and a token refused twice
// end the read with what to do; 60011 on a department makes a partial
// listing that deactivates nobody.
func TestWeComSyncReportsErrorsWithWhatToDo(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, storetest.OpenSQLite(t))
	wecomSyncOrg(h.fake)
	h.fake.Fail("department/list", fakewecom.Fault{ErrCode: 60020, ErrMsg: "not allow to access from your ip"})
	_, err := h.ch.Directory(ctx, 0)
	var de *wecom.DirectoryError
	if !errors.As(err, &de) || de.Code != 60020 || !strings.Contains(err.Error(), "企业可信IP") {
		t.Errorf("60020: %v", err)
	}
	h.fake.Fail("department/list", fakewecom.Fault{ErrCode: 42001}, fakewecom.Fault{ErrCode: 42001})
	_, err = h.ch.Directory(ctx, 0)
	if !errors.As(err, &de) || de.Code != 42001 || !strings.Contains(err.Error(), "wecom.secret") {
		t.Errorf("42001 twice: %v", err)
	}
	h.fake.Fail("department/list", fakewecom.Fault{ErrCode: 40014})
	if _, err := h.ch.Directory(ctx, 0); err != nil {
		t.Errorf("a token refused once is fetched again: %v", err)
	}

	wecomSyncRun(t, h, 0)
	// The root and then 研发部 cannot be read: department by department,
	// 研发部 reported, dev kept.
	h.fake.Fail("user/list", fakewecom.Fault{ErrCode: 60011, ErrMsg: "no privilege to access/modify contact/party/agent"})
	h.fake.Fail("user/list", fakewecom.Fault{}, fakewecom.Fault{}, fakewecom.Fault{ErrCode: 60011}) // 1, 2, 5 (the listing's order)
	dir, err := h.ch.Directory(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !dir.Partial || len(dir.Problems) != 1 || !strings.Contains(dir.Problems[0], "研发部") || !strings.Contains(dir.Problems[0], "可见范围") {
		t.Fatalf("partial %v problems %q", dir.Partial, dir.Problems)
	}
	res, err := sales.New(h.db).SyncDirectory(ctx, wecom.Name, dir, h.clock.Now())
	if err != nil || len(res.Changes) != 0 {
		t.Fatalf("partial sync: %+v %v", res.Changes, err)
	}
	if u := wecomSyncUser(t, h.db, "dev"); !u.Active {
		t.Errorf("dev deactivated by a partial listing")
	}
}

// TestWeComSyncedMemberIsRecognisedWithoutInvite: a synced member who
// writes to the app is answered as themselves at once.
func TestWeComSyncedMemberIsRecognisedWithoutInvite(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	wecomSyncOrg(h.fake)
	wecomSyncRun(t, h, 0)
	reply := h.says("zhangsan", "/my")
	if strings.Contains(reply, "邀请码") || reply == "" {
		t.Fatalf("a synced member is asked for an invite: %q", reply)
	}
}

// TestWeComSyncFailingReadWritesNothing: the whole directory is read
// before anything is written, so a read that fails half-way (60020 on
// user/list after department/list answered) leaves the organisation as it
// was; the next run applies the changes.
func TestWeComSyncFailingReadWritesNothing(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	wecomSyncOrg(h.fake)
	wecomSyncRun(t, h, 0)
	audit := wecomSyncAudit(t, h.db)
	h.fake.AddDepartment(fakewecom.Department{ID: 4, ParentID: 2, Name: "华北大区"})
	h.fake.Fail("user/list", fakewecom.Fault{ErrCode: 60020, ErrMsg: "not allow to access from your ip"})
	if _, err := h.ch.Directory(context.Background(), 0); err == nil || !strings.Contains(err.Error(), "企业可信IP") {
		t.Fatalf("60020 on user/list: %v", err)
	}
	if n := wecomSyncAudit(t, h.db); n != audit {
		t.Fatalf("a failed read wrote %d audit entries", n-audit)
	}
	if res := wecomSyncRun(t, h, 0); len(res.Changes) != 1 || res.Changes[0].Name != "华北大区" {
		t.Fatalf("the next run: %+v", res.Changes)
	}
}
