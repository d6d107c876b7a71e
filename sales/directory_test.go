package sales_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// TestWeComSyncBadDirectory: a cycle, a missing parent and a department
// listed twice are reported and skipped; a member listed in two
// departments is one user in their main department; a UserID with odd
// characters is bound as it is; a hand-made department of the same name is
// adopted, not duplicated; nothing changes on a second run.
func TestWeComSyncBadDirectory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		svc := sales.New(db)
		handMade, err := db.CreateDepartment(ctx, 0, "销售部", 0)
		if err != nil {
			t.Fatal(err)
		}
		// Added by hand before the sync: adopted by name, not duplicated.
		wang, err := db.CreateUser(ctx, 0, crm.User{Name: "王五", Role: crm.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		dir := crm.Directory{
			Departments: []crm.DirDepartment{
				{ID: 1, Name: "公司"}, {ID: 2, ParentID: 1, Name: "销售部"}, {ID: 2, ParentID: 1, Name: "销售部（重复）"},
				{ID: 10, ParentID: 11, Name: "甲"}, {ID: 11, ParentID: 10, Name: "乙"}, {ID: 12, ParentID: 99, Name: "孤儿"},
				{ID: 3, ParentID: 2, Name: "销售部"}, // the same name under another parent
			},
			Members: []crm.DirMember{
				{ExternalID: "li.si@x-1", Name: "李四", Depts: []int64{2}, MainDept: 3, Status: crm.DirActive},
				{ExternalID: "li.si@x-1", Name: "李四", Depts: []int64{3}, MainDept: 3, Status: crm.DirActive},
				{ExternalID: "orphan", Name: "孤儿成员", Depts: []int64{12}, Status: crm.DirActive},
				{ExternalID: "wangwu", Name: "王五", Depts: []int64{2}, Status: crm.DirActive},
			},
		}
		res, err := svc.SyncDirectory(ctx, crm.DirectoryWeCom, dir, at)
		if err != nil {
			t.Fatal(err)
		}
		problems := strings.Join(res.Problems, "\n")
		for _, want := range []string{"department 2 listed twice", "department 10", "department 11", "department 12 \"孤儿\": its parent 99 is not in the listing"} {
			if !strings.Contains(problems, want) {
				t.Errorf("problems %q do not mention %q", problems, want)
			}
		}
		ds, _ := db.Departments(ctx)
		var names []string
		for _, d := range ds {
			names = append(names, d.Name)
		}
		if strings.Join(names, ",") != "销售部,公司,孤儿,销售部（销售部）" {
			t.Errorf("departments %q", names)
		}
		m, _ := db.DirDepartmentMap(ctx, crm.DirectoryWeCom)
		if m[2] != handMade.ID {
			t.Errorf("the hand-made 销售部 %d was not adopted: %v", handMade.ID, m)
		}
		u, err := db.IdentityUser(ctx, "wecom", "li.si@x-1")
		if err != nil || u.DeptID != m[3] {
			t.Errorf("李四: %+v %v (want department %d)", u, err, m[3])
		}
		users, _ := db.Users(ctx)
		if len(users) != 3 { // 王五, 李四, 孤儿成员 (in the top department 孤儿)
			t.Errorf("users %+v", users)
		}
		if u, err := db.IdentityUser(ctx, "wecom", "wangwu"); err != nil || u.ID != wang.ID || u.DeptID != handMade.ID {
			t.Errorf("王五 added by hand: %+v %v", u, err)
		}
		res, err = svc.SyncDirectory(ctx, crm.DirectoryWeCom, dir, at.Add(time.Hour))
		if err != nil || len(res.Changes) != 0 {
			t.Errorf("second run: %+v %v", res.Changes, err)
		}
		// An empty answer deactivates nobody.
		res, err = svc.SyncDirectory(ctx, crm.DirectoryWeCom, crm.Directory{}, at.Add(2*time.Hour))
		if err != nil || len(res.Changes) != 0 || len(res.Problems) != 1 {
			t.Errorf("empty listing: %+v %q %v", res.Changes, res.Problems, err)
		}
		if u, _ := db.User(ctx, u.ID); !u.Active {
			t.Errorf("an empty listing deactivated 李四")
		}
	})
}

// TestWeComSyncTwiceAtOnce: two syncs of the same directory at the same
// moment (the nightly job and an operator's `salesbot sync wecom`) leave
// one user per member and one department per department.
func TestWeComSyncTwiceAtOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		dir := crm.Directory{Departments: []crm.DirDepartment{{ID: 1, Name: "公司"}, {ID: 2, ParentID: 1, Name: "销售部", Leaders: []string{"m0"}}}}
		for i := 0; i < 20; i++ {
			dir.Members = append(dir.Members, crm.DirMember{ExternalID: "m" + string(rune('a'+i)), Name: "成员" + string(rune('A'+i)), Depts: []int64{2}, Status: crm.DirActive})
		}
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				_, err := sales.New(db).SyncDirectory(ctx, crm.DirectoryWeCom, dir, at)
				errs <- err
			}()
		}
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Errorf("a concurrent sync failed: %v", err)
			}
		}
		res, err := sales.New(db).SyncDirectory(ctx, crm.DirectoryWeCom, dir, at)
		if err != nil {
			t.Fatal(err)
		}
		users, _ := db.Users(ctx)
		ds, _ := db.Departments(ctx)
		if len(users) != 20 || len(ds) != 2 {
			t.Fatalf("%d users, %d departments after concurrent syncs (then %+v)", len(users), len(ds), res.Changes)
		}
	})
}
