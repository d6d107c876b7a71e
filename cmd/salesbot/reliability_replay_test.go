package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/fakewecom"
)

// TestReliabilityCapturedCallbackReplayed: a WeCom callback captured on the
// wire (query and body, validly signed) is answered once by the real
// program; posted again at once it is a redelivery (200, nothing new);
// posted again 8 days later to a restarted program, after the dedupe keys
// could have been purged, it is refused with 403 and creates nothing
// (#20 item 6: it used to log a second activity).
func TestReliabilityCapturedCallbackReplayed(t *testing.T) {
	fake := fakewecom.New(t)
	fake.AddUser("zhangsan", "张三")
	dir := t.TempDir()
	env := wecomEnv(fake, filepath.Join(dir, "crm.db"))
	code, out, stderr := runMain(t, dir, "", env, "invite", "--role", "rep")
	if code != 0 {
		t.Fatalf("invite: %d %s", code, stderr)
	}
	addr, stop := startServe(t, env)
	callback := "http://" + addr + "/wecom/callback"
	if st := fake.Post(t, callback, fake.Text("zhangsan", "/start "+strings.TrimSpace(out), 1)); st != http.StatusOK {
		t.Fatalf("bind: HTTP %d", st)
	}
	fake.WaitMessages(t, "zhangsan", 1)

	q, body := fake.EncryptCallback(fake.Text("zhangsan", "/help", 2)) // the capture
	post := func(to string) int {
		t.Helper()
		resp, err := http.Post(to+"?"+q.Encode(), "text/xml", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(callback); st != http.StatusOK {
		t.Fatalf("the original: HTTP %d", st)
	}
	fake.WaitMessages(t, "zhangsan", 2)
	if st := post(callback); st != http.StatusOK {
		t.Fatalf("an immediate redelivery: HTTP %d", st)
	}
	stop()

	later := &Main{Now: func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }}
	addr, stop = startServeWith(t, env, later)
	defer stop()
	if st := post("http://" + addr + "/wecom/callback"); st != http.StatusForbidden {
		t.Fatalf("the replay 8 days later: HTTP %d, want 403", st)
	}
	if got := len(fake.Messages("zhangsan")); got != 2 {
		t.Fatalf("the member got %d messages, want 2 (bind, one /help)", got)
	}
}
