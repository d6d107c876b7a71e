package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/faketelegram"
)

// noSleep skips the Telegram pacing waits, so a chat test is not paced at
// one message a second.
func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func telegramEnv(fake *faketelegram.Server, dsn, mode string) []string {
	return []string{
		"SALESBOT_DATABASE_DSN=" + dsn,
		"SALESBOT_HTTP_LISTEN=127.0.0.1:0",
		"SALESBOT_TELEGRAM_TOKEN=" + fake.Token,
		"SALESBOT_TELEGRAM_API_ENDPOINT=" + fake.URL,
		"SALESBOT_TELEGRAM_MODE=" + mode,
	}
}

// botSaid waits until the bot has said something containing want in chat.
func botSaid(t *testing.T, fake *faketelegram.Server, chat int64, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range fake.BotTexts(chat) {
			if strings.Contains(s, want) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("chat %d: the bot never said %q; it said %q", chat, want, fake.BotTexts(chat))
}

// TestServeTelegramPolling runs the real program against the fake Bot API
// in polling mode: the command menu is set, a manager's invite carries a
// deep link, the new rep binds and adds a customer with buttons.
func TestServeTelegramPolling(t *testing.T) {
	fake := faketelegram.New(t)
	dir := t.TempDir()
	env := telegramEnv(fake, filepath.Join(dir, "crm.db"), "polling")
	runMain(t, dir, "", env, "user", "add", "王经理", "--role", "manager", "--dept", "华东销售部")
	code, out, _ := runMain(t, dir, "", env, "invite", "--role", "manager", "--name", "王经理二号")
	if code != 0 {
		t.Fatal("invite failed")
	}
	mgrCode := strings.TrimSpace(out)
	m := &Main{TelegramSleep: noSleep}
	addr, stop := startServeWith(t, env, m)
	_ = addr
	fake.WaitCalls("setMyCommands", 3, 10*time.Second)
	if cmds := fake.Commands("zh"); len(cmds) == 0 {
		t.Fatal("no Chinese command menu")
	}
	fake.PushMessage(100, 100, "/start "+mgrCode)
	botSaid(t, fake, 100, "欢迎，王经理二号")
	fake.PushMessage(100, 100, "/invite")
	botSaid(t, fake, 100, "https://t.me/")
	var repCode string
	for _, s := range fake.BotTexts(100) {
		if i := strings.Index(s, "?start="); i >= 0 {
			repCode = strings.Fields(s[i+len("?start="):])[0]
		}
	}
	fake.PushMessage(200, 200, "/start "+repCode)
	botSaid(t, fake, 200, "欢迎")
	fake.PushMessage(200, 200, "/new")
	botSaid(t, fake, 200, "客户公司全称")
	fake.PushMessage(200, 200, "北京青禾新锐科技有限公司")
	botSaid(t, fake, 200, "行业")
	if _, data := fake.Press(200, 200, "IT/软件"); data == "" {
		t.Fatal("no industry button")
	}
	botSaid(t, fake, 200, "规模")
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestServeTelegramWebhook checks the webhook path through the HTTP server:
// the secret is required, and a redelivered update is answered once.
func TestServeTelegramWebhook(t *testing.T) {
	fake := faketelegram.New(t)
	dir := t.TempDir()
	env := append(telegramEnv(fake, filepath.Join(dir, "crm.db"), "webhook"),
		"SALESBOT_TELEGRAM_WEBHOOK_URL=http://127.0.0.1:1/telegram/webhook",
		"SALESBOT_TELEGRAM_WEBHOOK_SECRET=s3cret-s3cret-s3cret")
	addr, stop := startServeWith(t, env, &Main{TelegramSleep: noSleep})
	if url, secret := fake.Webhook(); url == "" || secret != "s3cret-s3cret-s3cret" {
		t.Fatalf("setWebhook: %q %q", url, secret)
	}
	post := func(secret, body string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram/webhook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	update := `{"update_id":77,"message":{"message_id":5,"date":1700000000,"chat":{"id":300,"type":"private"},"from":{"id":300,"is_bot":false,"first_name":"Li"},"text":"/help"}}`
	if st := post("", update); st != http.StatusForbidden {
		t.Fatalf("no secret: %d", st)
	}
	if st := post("wrong", update); st != http.StatusForbidden {
		t.Fatalf("wrong secret: %d", st)
	}
	for i := 0; i < 2; i++ {
		if st := post("s3cret-s3cret-s3cret", update); st != http.StatusOK {
			t.Fatalf("right secret: %d", st)
		}
	}
	botSaid(t, fake, 300, "邀请码")
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if n := len(fake.BotTexts(300)); n != 1 {
		t.Fatalf("%d replies to one update delivered twice", n)
	}
}

// TestTelegramAdminImportsAFile: an admin sends a CSV in the chat; the
// customers are imported and the duplicates come back as a rejected-rows file.
func TestTelegramAdminImportsAFile(t *testing.T) {
	fake := faketelegram.New(t)
	dir := t.TempDir()
	env := telegramEnv(fake, filepath.Join(dir, "crm.db"), "polling")
	_, out, _ := runMain(t, dir, "", env, "invite", "--role", "admin", "--name", "老板")
	code := strings.TrimSpace(out)
	_, stop := startServeWith(t, env, &Main{TelegramSleep: noSleep})
	fake.PushMessage(9, 9, "/start "+code)
	botSaid(t, fake, 9, "欢迎，老板")
	csv := "公司名称,行业,联系人,电话\n北京青禾新锐科技有限公司,IT/软件,王经理,13800138000\n青禾新锐科技（北京）有限公司,IT/软件,,\n瑞丰机械有限公司,制造业,刘总,13912345678\n"
	fake.PushDocument(9, 9, "客户.csv", []byte(csv), "")
	botSaid(t, fake, 9, "3 行，导入 2，跳过 1")
	if docs := fake.WaitCalls("sendDocument", 1, 10*time.Second); len(docs) != 1 || !strings.Contains(string(docs[0].Document), "青禾新锐科技（北京）有限公司") {
		t.Fatalf("rejected rows file: %+v", docs)
	}
	fake.PushMessage(9, 9, "/find 瑞丰")
	botSaid(t, fake, 9, "瑞丰机械有限公司")
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestTelegramFieldInputs runs the real program against the fake Bot API
// and a fake speech-to-text server (#16): a check-in by location, a photo
// kept with the customer its caption names, a contact card filed, a voice
// note read as typed text (ai.asr_endpoint).
func TestTelegramFieldInputs(t *testing.T) {
	fake := faketelegram.New(t)
	asrSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/audio/transcriptions" || r.Header.Get("Authorization") != "Bearer sk-test" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		if _, _, err := r.FormFile("file"); err != nil {
			http.Error(w, "no file", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"text": "/customer 青禾"}`)
	}))
	defer asrSrv.Close()
	dir := t.TempDir()
	env := append(telegramEnv(fake, filepath.Join(dir, "crm.db"), "polling"),
		"SALESBOT_AI_ASR_ENDPOINT="+asrSrv.URL+"/v1", "SALESBOT_AI_API_KEY=sk-test")
	_, out, _ := runMain(t, dir, "", env, "invite", "--role", "admin", "--name", "老板")
	code := strings.TrimSpace(out)
	_, stop := startServeWith(t, env, &Main{TelegramSleep: noSleep})
	fake.PushMessage(9, 9, "/start "+code)
	botSaid(t, fake, 9, "欢迎，老板")
	fake.PushDocument(9, 9, "客户.csv", []byte("公司名称,行业\n北京青禾新锐科技有限公司,IT/软件\n"), "")
	botSaid(t, fake, 9, "导入 1")

	fake.PushMessage(9, 9, "/checkin 青禾")
	botSaid(t, fake, 9, "发送你现在的位置")
	fake.PushLocation(9, 9, 39.99, 116.31, 0)
	botSaid(t, fake, 9, "第一次签到")

	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 2000)...)
	fake.PushPhoto(9, 9, jpeg, "青禾")
	botSaid(t, fake, 9, "这个客户共 1 个附件")

	fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 900, "date": 1,
		"from": map[string]any{"id": 9, "is_bot": false, "first_name": "老板"}, "chat": map[string]any{"id": 9, "type": "private", "first_name": "老板"},
		"contact": map[string]any{"phone_number": "13800138000", "first_name": "王总", "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:王总\nORG:北京青禾新锐科技有限公司\nEND:VCARD"}}})
	botSaid(t, fake, 9, "把联系人 王总 13800138000")
	fake.Press(9, 9, "保存")
	botSaid(t, fake, 9, "✓ 已把联系人 王总 13800138000")

	fake.PushVoice(9, 9, []byte("OggS\x00\x02voice"), 3)
	botSaid(t, fake, 9, "🎙 听到：「/customer 青禾」")
	botSaid(t, fake, 9, "📎 1 个附件")

	// What the bot cannot file yet is answered, never met with silence.
	fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 901, "date": 1,
		"from": map[string]any{"id": 9, "is_bot": false, "first_name": "老板"}, "chat": map[string]any{"id": 9, "type": "private", "first_name": "老板"},
		"sticker": map[string]any{"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512, "is_animated": false, "is_video": false, "type": "regular"}}})
	botSaid(t, fake, 9, "收到表情")
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
