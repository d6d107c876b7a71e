package main

import (
	"io"
	"net/http"
	"net/http/httptest"
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

// TestWeComFieldInputs runs the real program with WeCom against the fake
// WeCom API and a fake speech-to-text server (#16): a location message
// checks in, an image (media/get) is kept with a customer, a voice note
// (AMR) is read as typed text.
func TestWeComFieldInputs(t *testing.T) {
	fake := fakewecom.New(t)
	fake.AddUser("zhangsan", "张三")
	asrSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, hdr, err := r.FormFile("file"); err != nil || !strings.HasSuffix(hdr.Filename, ".amr") {
			http.Error(w, "no amr file", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"text": "/customer 青禾"}`)
	}))
	defer asrSrv.Close()
	dir := t.TempDir()
	env := append(wecomEnv(fake, filepath.Join(dir, "crm.db")), "SALESBOT_AI_ASR_ENDPOINT="+asrSrv.URL+"/v1")
	_, out, _ := runMain(t, dir, "", env, "invite", "--role", "rep", "--dept", "华东销售部")
	invite := strings.TrimSpace(out)
	addr, stop := startServe(t, env)
	callback := "http://" + addr + "/wecom/callback"
	var msgID int64
	post := func(payload string) {
		t.Helper()
		if st := fake.Post(t, callback, payload); st != http.StatusOK {
			t.Fatalf("callback: HTTP %d", st)
		}
	}
	said := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, m := range fake.Messages("zhangsan") {
				if strings.Contains(m.Text, want) {
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("the bot never said %q; it said %+v", want, fake.Messages("zhangsan"))
	}
	say := func(text, want string) {
		t.Helper()
		msgID++
		post(fake.Text("zhangsan", text, msgID))
		said(want)
	}
	say("/start "+invite, "欢迎，张三")
	say("/new 北京青禾新锐科技有限公司", "行业")
	say("IT/软件", "规模")
	say("-", "地区")
	say("-", "来源")
	say("-", "联系人")
	say("-", "请确认")
	say("保存", "已保存「北京青禾新锐科技有限公司」")

	msgID++
	post(fake.Location("zhangsan", 39.99, 116.31, "北京市海淀区", msgID))
	said("附近没有记过位置的客户")
	say("青禾", "第一次签到")

	msgID++
	post(fake.Image("zhangsan", msgID))
	said("存到哪个客户")
	say("青禾", "这个客户共 1 个附件")

	msgID++
	post(fake.Voice("zhangsan", msgID))
	said("🎙 听到：「/customer 青禾」")
	said("📎 1 个附件")

	// What the bot cannot file yet is answered, never met with silence.
	msgID++
	post(fake.Video("zhangsan", msgID))
	said("收到视频")
	msgID++
	post(fake.Link("zhangsan", "青禾新锐官网", "https://example.com", msgID))
	said("收到链接")
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
