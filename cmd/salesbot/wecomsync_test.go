package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/store"
)

func wecomSyncFixture(f *fakewecom.Fake) {
	f.AddDepartment(fakewecom.Department{ID: 1, Name: "青禾科技"})
	f.AddDepartment(fakewecom.Department{ID: 2, ParentID: 1, Name: "华东销售部", Leaders: []string{"wangli"}})
	f.AddMember(fakewecom.Member{UserID: "wangli", Name: "王丽", Department: []int64{2}, IsLeaderInDept: []int{1}})
	f.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Department: []int64{2}})
}

// TestSyncWeComCommand: `salesbot sync wecom` mirrors the contacts and
// prints what changed; run again it changes nothing; a WeCom refusal is
// reported with what to do.
func TestSyncWeComCommand(t *testing.T) {
	fake := fakewecom.New(t)
	wecomSyncFixture(fake)
	dir := t.TempDir()
	env := wecomEnv(fake, filepath.Join(dir, "crm.db"))
	code, out, stderr := runMain(t, dir, "", env, "sync", "wecom")
	if code != 0 {
		t.Fatalf("sync wecom: %d %s", code, stderr)
	}
	for _, want := range []string{"+ department 青禾科技", "+ department 华东销售部", "+ 王丽 (manager)", "+ 张三 (rep)", "4 changes"} {
		if !strings.Contains(out, want) {
			t.Errorf("sync wecom printed %q, want %q", out, want)
		}
	}
	if code, out, stderr = runMain(t, dir, "", env, "sync", "wecom"); code != 0 || strings.TrimSpace(out) != "nothing changed" {
		t.Errorf("second sync wecom: %d %q %s", code, out, stderr)
	}
	if code, out, _ = runMain(t, dir, "", env, "user", "list"); code != 0 || !strings.Contains(out, "张三") || !strings.Contains(out, "华东销售部") || !strings.Contains(out, "zhangsan") || !strings.Contains(out, "wecom") {
		t.Errorf("user list after the sync: %q", out)
	}
	// A role set in salesbot stays, and user list says so.
	if code, _, stderr = runMain(t, dir, "", env, "user", "set", "张三", "--role", "manager"); code != 0 {
		t.Fatalf("user set: %d %s", code, stderr)
	}
	if code, out, stderr = runMain(t, dir, "", env, "sync", "wecom"); code != 0 || strings.TrimSpace(out) != "nothing changed" {
		t.Errorf("sync after a local role change: %d %q %s", code, out, stderr)
	}
	if _, out, _ = runMain(t, dir, "", env, "user", "list"); !strings.Contains(out, "manager") || !strings.Contains(out, "salesbot") {
		t.Errorf("user list after a local role change: %q", out)
	}
	fake.Fail("department/list", fakewecom.Fault{ErrCode: 60020, ErrMsg: "not allow to access from your ip"})
	if code, _, stderr = runMain(t, dir, "", env, "sync", "wecom"); code != 1 || !strings.Contains(stderr, "60020") || !strings.Contains(stderr, "企业可信IP") {
		t.Errorf("60020: %d %s", code, stderr)
	}
	if code, _, stderr = runMain(t, dir, "", append(env, "SALESBOT_WECOM_SYNC=false"), "sync", "wecom"); code != 2 || !strings.Contains(stderr, "wecom.sync") {
		t.Errorf("with wecom.sync false: %d %s", code, stderr)
	}
}

// TestServeSyncsWeComAtStart: serve on a database never synced mirrors the
// contacts at start; a synced member is answered without an invite code,
// and a delete_user callback deactivates them.
func TestServeSyncsWeComAtStart(t *testing.T) {
	fake := fakewecom.New(t)
	wecomSyncFixture(fake)
	dsn := filepath.Join(t.TempDir(), "crm.db")
	addr, stop := startServe(t, wecomEnv(fake, dsn))
	defer stop()
	ctx := context.Background()
	db, err := store.Open(ctx, store.SQLite, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := db.IdentityUser(ctx, "wecom", "zhangsan"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not sync the WeCom contacts at start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	callback := "http://" + addr + "/wecom/callback"
	if st := fake.Post(t, callback, fake.Text("zhangsan", "/my", 1)); st != http.StatusOK {
		t.Fatalf("callback: HTTP %d", st)
	}
	if msgs := fake.WaitMessages(t, "zhangsan", 1); strings.Contains(msgs[0].Text, "邀请码") {
		t.Fatalf("a synced member is asked for an invite code: %q", msgs[0].Text)
	}
	if st := fake.Post(t, callback, fake.DeleteUser("zhangsan")); st != http.StatusOK {
		t.Fatalf("delete_user: HTTP %d", st)
	}
	if _, err := db.IdentityUser(ctx, "wecom", "zhangsan"); err == nil {
		t.Fatal("delete_user did not deactivate the member")
	}
}

// TestRunJobWeComSync: the nightly job wecom_sync is in the job table and
// `salesbot run-job wecom_sync` syncs the contacts.
func TestRunJobWeComSync(t *testing.T) {
	fake := fakewecom.New(t)
	wecomSyncFixture(fake)
	dir := t.TempDir()
	dsn := filepath.Join(dir, "crm.db")
	code, _, stderr := runMain(t, dir, "", wecomEnv(fake, dsn), "run-job", "wecom_sync")
	if code != 0 || !strings.Contains(stderr, "job wecom_sync ran") {
		t.Fatalf("run-job wecom_sync: %d %s", code, stderr)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.SQLite, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.IdentityUser(ctx, "wecom", "wangli"); err != nil || u.Name != "王丽" {
		t.Fatalf("after run-job wecom_sync: %+v %v", u, err)
	}
	m := &Main{cfg: defaultConfig()}
	m.cfg.WeCom.CorpID = fake.CorpID
	if j, ok := m.newScheduler(db).Job("wecom_sync"); !ok || j.Spec != "17 1 * * *" {
		t.Fatalf("wecom_sync job: %+v %v", j, ok)
	}
	m.cfg.WeCom.Sync = "false"
	if j, _ := m.newScheduler(db).Job("wecom_sync"); j.Spec != "" {
		t.Fatalf("wecom.sync false leaves the job on: %+v", j)
	}
}

// TestServeWithWeComSyncOff: wecom.sync false reads no contacts at start
// and ignores change_contact callbacks.
func TestServeWithWeComSyncOff(t *testing.T) {
	fake := fakewecom.New(t)
	wecomSyncFixture(fake)
	dsn := filepath.Join(t.TempDir(), "crm.db")
	addr, stop := startServe(t, append(wecomEnv(fake, dsn), "SALESBOT_WECOM_SYNC=false"))
	if st := fake.Post(t, "http://"+addr+"/wecom/callback", fake.CreateUser(fakewecom.Member{UserID: "wuyi", Name: "吴一", Department: []int64{2}})); st != http.StatusOK {
		t.Fatalf("create_user: HTTP %d", st)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if n := len(fake.Calls("department/list")); n != 0 {
		t.Errorf("wecom.sync false: %d department/list calls", n)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.SQLite, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.IdentityUser(ctx, "wecom", "wuyi"); err == nil {
		t.Errorf("wecom.sync false applied a create_user callback")
	}
}
