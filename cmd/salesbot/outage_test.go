package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
)

// shortSleep waits at most 20 ms: back-offs pass quickly, but a failing
// Bot API is not hammered in a tight loop.
func shortSleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(min(d, 20*time.Millisecond)):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func healthz(t *testing.T, addr string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// A Bot API that cannot be reached at start stops nothing (#19 item 3):
// serve starts, WeCom answers, /healthz says Telegram is down (503); once
// Telegram answers, the channel connects, polls and answers, and /healthz
// is 200 again.
func TestTelegramOutageAtStartStopsNothing(t *testing.T) {
	tg := faketelegram.New(t)
	tg.Fail("getMe", 1_000_000, faketelegram.Fault{Code: 502, Body: "<html>502 Bad Gateway</html>"})
	wc := fakewecom.New(t)
	wc.AddUser("zhangsan", "张三")
	dir := t.TempDir()
	env := append(telegramEnv(tg, filepath.Join(dir, "crm.db"), "polling"), wecomEnvFor(wc)...)
	_, out, _ := runMain(t, dir, "", env, "invite", "--role", "rep")
	invite := strings.TrimSpace(out)
	addr, stop := startServeWith(t, env, &Main{TelegramSleep: shortSleep})

	code, body := healthz(t, addr)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "telegram: ") || strings.Contains(body, "telegram: connected") {
		t.Fatalf("healthz while Telegram is down: %d %q", code, body)
	}
	if st := wc.Post(t, "http://"+addr+"/wecom/callback", wc.Text("zhangsan", "/start "+invite, 1)); st != http.StatusOK {
		t.Fatalf("wecom callback: %d", st)
	}
	if ms := wc.WaitMessages(t, "zhangsan", 1); !strings.Contains(ms[0].Text, "欢迎，张三") {
		t.Fatalf("WeCom did not answer while Telegram was down: %+v", ms)
	}

	tg.ClearFaults()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, body = healthz(t, addr); code == http.StatusOK && strings.Contains(body, "telegram: connected") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz after Telegram came back: %d %q", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tg.PushMessage(300, 300, "/help")
	botSaid(t, tg, 300, "/start")
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// A token the Bot API rejects is a clear configuration error naming the
// key (exit 2), tried once, not retried forever.
func TestTelegramRejectedTokenNamesTheKey(t *testing.T) {
	tg := faketelegram.New(t)
	tg.Fail("getMe", 100, faketelegram.Fault{Code: 401, Description: "Unauthorized"})
	dir := t.TempDir()
	env := telegramEnv(tg, filepath.Join(dir, "crm.db"), "polling")
	code, _, stderr := runMain(t, dir, "", env, "serve")
	if code != 2 || !strings.Contains(stderr, "telegram.token") || strings.Contains(stderr, tg.Token) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if n := len(tg.Calls("getMe")); n != 1 {
		t.Fatalf("getMe called %d times, want 1", n)
	}
}
