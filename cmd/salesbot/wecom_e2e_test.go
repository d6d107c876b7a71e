package main

import (
	"bytes"
	"context"
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
	env := []string{
		"SALESBOT_DATABASE_DSN=" + filepath.Join(dir, "crm.db"),
		"SALESBOT_HTTP_LISTEN=127.0.0.1:0",
		"SALESBOT_WECOM_CORP_ID=" + fake.CorpID,
		"SALESBOT_WECOM_AGENT_ID=" + fake.AgentID,
		"SALESBOT_WECOM_SECRET=" + fake.Secret,
		"SALESBOT_WECOM_TOKEN=" + fake.Token,
		"SALESBOT_WECOM_ENCODING_AES_KEY=" + fake.EncodingAESKey,
		"SALESBOT_WECOM_API_BASE=" + fake.URL,
	}
	code, out, stderr := runMain(t, dir, "", env, "invite", "--role", "rep", "--dept", "华东销售部")
	if code != 0 {
		t.Fatalf("invite: %d %s", code, stderr)
	}
	invite := strings.TrimSpace(out)

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var logs bytes.Buffer
	go func() {
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs, Environ: env, Ready: ready}
		done <- m.Run(ctx, nil)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
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
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, logs.String())
		}
	case <-time.After(ShutdownTimeout + 3*time.Second):
		t.Fatal("serve did not stop")
	}
	if time.Since(start) > ShutdownTimeout {
		t.Fatalf("stopping took %s", time.Since(start))
	}
	if strings.Contains(logs.String(), fake.Secret) {
		t.Fatal("the WeCom secret reached the logs")
	}
}
