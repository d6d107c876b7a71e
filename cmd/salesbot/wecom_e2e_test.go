package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/fakewecom"
)

// TestServeWeComEndToEnd runs the real program with WeCom configured
// against the fake WeCom API: a new member binds with an invite, adds a
// customer by chatting, and the HTTP server answers health and metrics.
func TestServeWeComEndToEnd(t *testing.T) {
	fake := fakewecom.New(t)
	fake.AddUser("zhangsan", "张三")
	dir := t.TempDir()
	env := wecomEnv(fake, filepath.Join(dir, "crm.db"))
	code, out, stderr := runMain(t, dir, "", env, "invite", "--role", "rep", "--dept", "华东销售部")
	if code != 0 {
		t.Fatalf("invite: %d %s", code, stderr)
	}
	invite := strings.TrimSpace(out)
	addr, stop := startServe(t, env)
	callback := "http://" + addr + "/wecom/callback"
	say := func(text string, msgID int64) {
		t.Helper()
		if st := fake.Post(t, callback, fake.Text("zhangsan", text, msgID)); st != http.StatusOK {
			t.Fatalf("callback %q: HTTP %d", text, st)
		}
	}
	say("/start "+invite, 1)
	msgs := fake.WaitMessages(t, "zhangsan", 1)
	if !strings.Contains(msgs[0].Text, "欢迎，张三") {
		t.Fatalf("binding reply: %q", msgs[0].Text)
	}
	say("新客户", 2)
	say("北京青禾新锐科技有限公司", 3)
	msgs = fake.WaitMessages(t, "zhangsan", 3)
	if !strings.Contains(msgs[2].Text, "行业") {
		t.Fatalf("industry question: %+v", msgs[2])
	}
	// The same callback delivered again is processed once.
	say("北京青禾新锐科技有限公司", 3)
	for _, path := range []string{"/healthz", "/metrics"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if path == "/metrics" && (!strings.Contains(string(body), "salesbot_updates_total 3") || !strings.Contains(string(body), `salesbot_update_duration_seconds_bucket{le="+Inf"} 3`) || !strings.Contains(string(body), "salesbot_outbox_oldest_pending_seconds")) {
			t.Fatalf("metrics: %s", body)
		}
	}
	start := time.Now()
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if time.Since(start) > ShutdownTimeout {
		t.Fatalf("stopping took %s", time.Since(start))
	}
}
