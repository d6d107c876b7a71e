package wecom_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/scheduler"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// wecomSyncHarness is a harness over a synced directory whose channel
// applies change_contact callbacks.
func wecomSyncHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	h := newHarness(t, db)
	h.ch.SetDirectory(sales.New(db))
	wecomSyncOrg(h.fake)
	wecomSyncRun(t, h, 0)
	return h
}

// wecomSyncPost delivers a change_contact callback and wants an empty 200.
func wecomSyncPost(t *testing.T, h *harness, payload string) {
	t.Helper()
	if code := h.post(payload); code != http.StatusOK {
		t.Fatalf("change_contact: HTTP %d", code)
	}
}

// TestWeComChangeContactParties: create_party, update_party (a new name,
// a new parent) and delete_party in WeCom's XML keep the tree current; a
// deleted department stays in salesbot.
func TestWeComChangeContactParties(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := wecomSyncHarness(t, db)
		wecomSyncPost(t, h, h.fake.CreateParty(fakewecom.Department{ID: 6, ParentID: 2, Name: "华南组"}))
		south, err := db.DepartmentByName(ctx, "华南组")
		sales, _ := db.DepartmentByName(ctx, "销售部")
		if err != nil || south.ParentID != sales.ID {
			t.Fatalf("create_party: %+v %v", south, err)
		}
		wecomSyncPost(t, h, h.fake.UpdateParty(6, fakewecom.Field{Name: "Name", Value: "华南大区"}))
		if d := wecomSyncDept(t, db, south.ID); d.Name != "华南大区" || d.ParentID != sales.ID {
			t.Fatalf("update_party name: %+v", d)
		}
		root, _ := db.DepartmentByName(ctx, "青禾科技")
		wecomSyncPost(t, h, h.fake.UpdateParty(6, fakewecom.Field{Name: "ParentId", Value: "1"}))
		if d := wecomSyncDept(t, db, south.ID); d.ParentID != root.ID {
			t.Fatalf("update_party parent: %+v", d)
		}
		// A move that would make a cycle is refused.
		wecomSyncPost(t, h, h.fake.UpdateParty(1, fakewecom.Field{Name: "ParentId", Value: "6"}))
		if d := wecomSyncDept(t, db, root.ID); d.ParentID != 0 {
			t.Fatalf("a cycle was made: %+v", d)
		}
		wecomSyncPost(t, h, h.fake.DeleteParty(6))
		if d := wecomSyncDept(t, db, south.ID); d.Name != "华南大区" {
			t.Fatalf("delete_party removed the department: %+v", d)
		}
		m, _ := db.DirDepartmentMap(ctx, "wecom")
		if _, ok := m[6]; ok {
			t.Fatalf("delete_party kept the mirror")
		}
	})
}

// TestWeComChangeContactMembers: create_user binds a new member (who is
// recognised at once), update_user renames, moves and promotes, a new
// UserID keeps the member bound with their customers, and a callback
// delivered twice is applied once.
func TestWeComChangeContactMembers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := wecomSyncHarness(t, db)

		newbie := fakewecom.Member{UserID: "wuyi", Name: "吴一", Department: []int64{4}}
		h.fake.AddMember(newbie)
		wecomSyncPost(t, h, h.fake.CreateUser(newbie))
		u := wecomSyncUser(t, db, "wuyi")
		if north, _ := db.DepartmentByName(ctx, "华北组"); u.Name != "吴一" || u.Role != crm.RoleRep || u.DeptID != north.ID {
			t.Fatalf("create_user: %+v", u)
		}
		if reply := h.says("wuyi", "/my"); strings.Contains(reply, "邀请码") {
			t.Fatalf("a member created by create_user is asked for an invite: %q", reply)
		}

		// A rename, a move to 华东组 as its leader.
		wecomSyncPost(t, h, h.fake.UpdateUser("wuyi", fakewecom.Field{Name: "Name", Value: "吴一凡"}))
		wecomSyncPost(t, h, h.fake.UpdateUser("wuyi", fakewecom.Field{Name: "Department", Value: "3"}, fakewecom.Field{Name: "MainDepartment", Value: "3"},
			fakewecom.Field{Name: "IsLeaderInDept", Value: "1"}))
		u = wecomSyncUser(t, db, "wuyi")
		if east, _ := db.DepartmentByName(ctx, "华东组"); u.Name != "吴一凡" || u.Role != crm.RoleManager || u.DeptID != east.ID {
			t.Fatalf("update_user: %+v", u)
		}
		// No longer leader.
		wecomSyncPost(t, h, h.fake.UpdateUser("wuyi", fakewecom.Field{Name: "IsLeaderInDept", Value: "0"}, fakewecom.Field{Name: "Department", Value: "3"}))
		if u = wecomSyncUser(t, db, "wuyi"); u.Role != crm.RoleRep {
			t.Fatalf("leader removed: %+v", u)
		}

		// A new UserID: still bound, still the owner of their customers.
		zs := wecomSyncUser(t, db, "zhangsan")
		c, _, err := sales.New(db).AddCustomer(ctx, crm.Viewer{User: zs}, crm.Customer{Name: "北京青禾新锐科技有限公司"}, h.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		h.fake.RenameMember("zhangsan", "zhangsan01")
		rename := h.fake.UpdateUser("zhangsan", fakewecom.Field{Name: "NewUserID", Value: "zhangsan01"})
		wecomSyncPost(t, h, rename)
		audit := wecomSyncAudit(t, db)
		wecomSyncPost(t, h, rename) // WeCom's retry
		if n := wecomSyncAudit(t, db); n != audit {
			t.Fatalf("a redelivered change_contact was applied again (%d audit entries)", n-audit)
		}
		if u := wecomSyncUser(t, db, "zhangsan01"); u.ID != zs.ID {
			t.Fatalf("NewUserID bound someone else: %+v", u)
		}
		if _, err := db.IdentityUser(ctx, "wecom", "zhangsan"); err == nil {
			t.Fatalf("the old UserID is still bound")
		}
		if reply := h.says("zhangsan01", "/my"); strings.Contains(reply, "邀请码") || !strings.Contains(reply, "青禾新锐") {
			t.Fatalf("after a new UserID the member is not recognised with their customers: %q", reply)
		}
		if got, _ := db.Customer(ctx, c.ID); got.OwnerID != zs.ID {
			t.Fatalf("the customer moved: %+v", got)
		}
		h.fake.AddMember(fakewecom.Member{UserID: "wuyi", Name: "吴一凡", Department: []int64{3}}) // WeCom as the events left it
		if res := wecomSyncRun(t, h, 0); len(res.Changes) != 0 {
			t.Fatalf("a full sync after the events changed %+v", res.Changes)
		}
	})
}

// TestWeComDeleteUserAsksTheManagerForAHandover: delete_user of a member
// who owns customers deactivates them at once (no longer recognised), the
// customers stay theirs, and their manager gets a handover card.
func TestWeComDeleteUserAsksTheManagerForAHandover(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := wecomSyncHarness(t, db)
		zs := wecomSyncUser(t, db, "zhangsan")
		c, _, err := sales.New(db).AddCustomer(ctx, crm.Viewer{User: zs}, crm.Customer{Name: "北京青禾新锐科技有限公司"}, h.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		// A push queued for them before they leave.
		if _, err := db.Enqueue(ctx, []crm.OutboxItem{crm.NewPush("wecomsync:workbench", crm.PushWorkbench, zs.ID, crm.DayPush{Date: crm.DateOf(h.clock.Now())})}, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
		h.fake.RemoveMember("zhangsan")
		wecomSyncPost(t, h, h.fake.DeleteUser("zhangsan"))
		if _, err := db.IdentityUser(ctx, "wecom", "zhangsan"); err == nil {
			t.Fatalf("a deleted member is still bound")
		}
		if u, _ := db.User(ctx, zs.ID); u.Active {
			t.Fatalf("a deleted member is still active")
		}
		if got, _ := db.Customer(ctx, c.ID); got.OwnerID != zs.ID {
			t.Fatalf("the customers were moved before the handover: %+v", got)
		}
		items, err := db.OutboxItems(ctx, crm.OutboxPending, 20)
		if err != nil {
			t.Fatal(err)
		}
		zm := wecomSyncUser(t, db, "zhaomin")
		var card *crm.OutboxItem
		for i := range items {
			if items[i].Kind == crm.PushMemberLeft {
				card = &items[i]
			}
		}
		if card == nil || card.UserID != zm.ID {
			t.Fatalf("no handover card for the manager 赵敏 (%d): %+v", zm.ID, items)
		}
		ids, _ := db.Identities(ctx, zm.ID)
		msgs, err := h.bot.RenderPush(ctx, *card, ids[0])
		if err != nil || len(msgs) != 1 {
			t.Fatalf("render: %v %+v", err, msgs)
		}
		if !strings.Contains(msgs[0].Text, "张三") || !strings.Contains(msgs[0].Text, "1 家客户") || len(msgs[0].Buttons) == 0 {
			t.Fatalf("handover card: %+v", msgs[0])
		}
		// The button starts the handover of 张三's customers.
		if err := h.ch.Send(ctx, "zhaomin", msgs[0]); err != nil {
			t.Fatal(err)
		}
		reply := h.presses("zhaomin", "交接")
		if !strings.Contains(reply, "张三") {
			t.Fatalf("the card's button: %q", reply)
		}
		// Their pending push is not lost: the admin's digest lists it.
		w := &scheduler.Worker{Store: db, Senders: []crm.Sender{h.ch}, Render: h.bot.RenderPush, Now: h.clock.Now, Location: h.clock.Now().Location()}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		admin := h.member("admin1", "管理员", crm.RoleAdmin)
		aids, _ := db.Identities(ctx, admin.ID)
		digest, err := h.bot.RenderPush(ctx, crm.NewPush("wecomsync:digest", crm.PushDigest, admin.ID, crm.DayPush{Date: crm.DateOf(h.clock.Now())}), aids[0])
		if err != nil || len(digest) == 0 || !strings.Contains(digest[0].Text, "已停用的人今天有推送未送达：张三") {
			t.Fatalf("admin digest: %v %+v", err, digest)
		}
		// delete_user again, and a full sync: nothing more.
		wecomSyncPost(t, h, h.fake.DeleteUser("zhangsan"))
		if res := wecomSyncRun(t, h, 0); len(res.Changes) != 0 {
			t.Fatalf("a full sync after delete_user changed %+v", res.Changes)
		}
	})
}

// TestWeComChangeContactInTheDocumentedShape: the create_user and
// update_user payloads exactly as WeCom's documentation shows them (every
// field, CDATA, ExtAttr) are read; update_user with Status 2 deactivates
// the member, Status 1 brings them back bound.
func TestWeComChangeContactInTheDocumentedShape(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := wecomSyncHarness(t, db)
		doc := func(change, extra string) string {
			return "<xml><ToUserName><![CDATA[" + h.fake.CorpID + "]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>" +
				"<CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event>" +
				"<ChangeType>" + change + "</ChangeType>" + extra + "</xml>"
		}
		wecomSyncPost(t, h, doc("create_user", `<UserID><![CDATA[zhaoliu]]></UserID><Name><![CDATA[赵六]]></Name>`+
			`<Department><![CDATA[3,4]]></Department><MainDepartment>4</MainDepartment><IsLeaderInDept><![CDATA[0,0]]></IsLeaderInDept>`+
			`<DirectLeader><![CDATA[zhaomin]]></DirectLeader><Position><![CDATA[销售]]></Position><Mobile>13800000000</Mobile><Gender>1</Gender>`+
			`<Email><![CDATA[zhaoliu@example.com]]></Email><BizMail><![CDATA[zhaoliu@example.wecom.work]]></BizMail><Status>1</Status>`+
			`<Avatar><![CDATA[http://wx.qlogo.cn/mmopen/x/0]]></Avatar><Alias><![CDATA[zhaoliu]]></Alias><Telephone><![CDATA[020-123456]]></Telephone>`+
			`<Address><![CDATA[广州市]]></Address><ExtAttr><Item><Name><![CDATA[爱好]]></Name><Type>0</Type><Text><Value><![CDATA[旅游]]></Value></Text></Item></ExtAttr>`))
		u := wecomSyncUser(t, db, "zhaoliu")
		if north, _ := db.DepartmentByName(ctx, "华北组"); u.Name != "赵六" || u.DeptID != north.ID || u.Role != crm.RoleRep {
			t.Fatalf("documented create_user: %+v", u)
		}
		wecomSyncPost(t, h, doc("update_user", `<UserID><![CDATA[zhaoliu]]></UserID><Status>2</Status>`))
		if _, err := db.IdentityUser(ctx, "wecom", "zhaoliu"); err == nil {
			t.Fatalf("a member disabled by update_user is still bound")
		}
		wecomSyncPost(t, h, doc("update_user", `<UserID><![CDATA[zhaoliu]]></UserID><Status>1</Status>`))
		if u := wecomSyncUser(t, db, "zhaoliu"); !u.Active || u.Name != "赵六" {
			t.Fatalf("a member enabled again: %+v", u)
		}
		// An unreadable event is acknowledged and changes nothing.
		audit := wecomSyncAudit(t, db)
		wecomSyncPost(t, h, doc("update_user", `<UserID><![CDATA[zhaoliu]]></UserID><Department><![CDATA[3,x]]></Department>`))
		wecomSyncPost(t, h, doc("delete_party", `<Id><![CDATA[]]></Id>`))
		if n := wecomSyncAudit(t, db); n != audit {
			t.Fatalf("unreadable events wrote %d audit entries", n-audit)
		}
	})
}

// TestWeComLeaderOutsideTheirMainDepartment: a member whose main
// department is 华东组 but who leads 华北组 manages 华北组, and an
// update_user that only renames them leaves them there.
func TestWeComLeaderOutsideTheirMainDepartment(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.ch.SetDirectory(sales.New(h.db))
	wecomSyncOrg(h.fake)
	h.fake.AddMember(fakewecom.Member{UserID: "qianqi", Name: "钱七", Department: []int64{3, 4}, IsLeaderInDept: []int{0, 1}, MainDepartment: 3})
	wecomSyncRun(t, h, 0)
	north, _ := h.db.DepartmentByName(context.Background(), "华北组")
	if u := wecomSyncUser(t, h.db, "qianqi"); u.Role != crm.RoleManager || u.DeptID != north.ID {
		t.Fatalf("full sync: %+v", u)
	}
	wecomSyncPost(t, h, h.fake.UpdateUser("qianqi", fakewecom.Field{Name: "Name", Value: "钱七七"}))
	if u := wecomSyncUser(t, h.db, "qianqi"); u.Role != crm.RoleManager || u.DeptID != north.ID || u.Name != "钱七七" {
		t.Fatalf("after a rename: %+v", u)
	}
}
