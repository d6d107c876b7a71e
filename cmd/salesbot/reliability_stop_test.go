package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/store"
)

// TestReliabilitySigtermFinishesPushesBeforeClosingWeCom: a push to a WeCom
// member is being retried (the API answered 502; the adapter backs off and
// tries again) when serve is told to stop. A graceful stop finishes
// in-flight pushes (the outbox worker has 10 s for them), so the retry
// must still reach the configured WeCom API (wecom.api_base, here the fake)
// and the member gets the push.
//
// Found by this suite (fixed in serveChannels' stop order): the channels
// were closed before the outbox worker stopped, and bot/wecom's Close puts
// the library's process-global HTTP client back, so the worker's retry went
// out through the library's default client to the hard-coded
// https://qyapi.weixin.qq.com instead of api_base, and -race reported the
// unsynchronised write of util.DefaultHTTPClient (Close) and its read.
func TestReliabilitySigtermFinishesPushesBeforeClosingWeCom(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "crm.db")
	db, err := store.Open(ctx, store.SQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rep := relSeedReps(t, db, 1, 80_000, now, crm.DateOf(now).AddDays(3))[0]
	if _, err := db.SQL().Exec(`DELETE FROM identities`); err != nil {
		t.Fatal(err)
	}
	if err := db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: "lisi", UserID: rep.User.ID, ChatID: "lisi"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(ctx, []crm.OutboxItem{relPaymentPush(rep, 3, now)}, now); err != nil {
		t.Fatal(err)
	}
	db.Close()

	wc := fakewecom.New(t)
	wc.AddUser("lisi", "李四")
	wc.Fail("message/send", fakewecom.Fault{Status: http.StatusBadGateway}, fakewecom.Fault{Status: http.StatusBadGateway})
	env := append(wecomEnvFor(wc), "SALESBOT_DATABASE_DSN="+path, "SALESBOT_HTTP_LISTEN=127.0.0.1:0")
	srv := relServe(t, append(env, relNoJobs...), &Main{})
	deadline := time.Now().Add(20 * time.Second)
	for len(wc.Calls("message/send")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the push was never tried:\n%s", srv.Logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The first try failed; the adapter is backing off. Stop now.
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, srv.Logs)
	}
	logs := srv.Logs.String()
	if strings.Contains(logs, "lookup qyapi.weixin.qq.com") || strings.Contains(logs, "dial tcp") {
		t.Errorf("after the stop began, a request left for the real WeCom API instead of api_base:\n%s", logs)
	}
	if n := len(wc.Messages("lisi")); n != 1 {
		t.Errorf("the member got %d pushes, want the one in flight at the stop (the fake saw %d message/send calls)", n, len(wc.Calls("message/send")))
	}
}
