package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// TestReliabilityLogsCleanUnderTransportErrors runs serve with Telegram
// (webhook mode, with a secret) and WeCom (with a group robot) against
// fakes that fail in every way a transport can — answers dropped after the
// request, 5xx, a proxy's HTML page, WeCom errcodes and failing gettoken,
// and at the end the Bot API server gone altogether — while pushes go out
// and two reps ask for a customer card that carries a phone number, and a
// rep searches by phone number. Then it runs serve twice more so that it
// fails to start (the Bot API drops setWebhook; a token the Bot API
// rejects). Everything written to stderr, logs and error messages alike,
// must be free of: the bot token (and its secret half), the webhook
// secret, the WeCom secret, callback token, EncodingAESKey and robot key,
// every WeCom access token the fake issued, the database password, and the
// phone numbers.
func TestReliabilityLogsCleanUnderTransportErrors(t *testing.T) {
	ctx := context.Background()
	const (
		phoneA = "13912345678"
		phoneB = "13687654321"
		hook   = "Hook-Secret_4f9a2c7e1b"
		dbPass = "Pg-Passw0rd-7c3e9d"
	)
	u, err := url.Parse(storetest.NewPostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), dbPass) // the test server trusts; the password is only carried
	dsn := u.String()
	db := relMigrated(t, store.Postgres, dsn)
	now := time.Now()
	rs := relSeedReps(t, db, 2, 70_000, now, crm.DateOf(now).AddDays(3))
	// Rep 0 chats on Telegram; rep 1 on WeCom as "lisi".
	tgRep, wcRep := rs[0], rs[1]
	if err := db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: "lisi", UserID: wcRep.User.ID, ChatID: "lisi"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(db.SQL().Rebind(`DELETE FROM identities WHERE channel = 'telegram' AND user_id = ?`), wcRep.User.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rep   relRep
		phone string
	}{{tgRep, phoneA}, {wcRep, phoneB}} {
		if _, err := db.AddContact(ctx, c.rep.User.ID, crm.Contact{CustomerID: c.rep.Customer.ID, Name: "王经理", Phone: c.phone}); err != nil {
			t.Fatal(err)
		}
	}
	var items []crm.OutboxItem
	for d := 1; d <= 3; d++ {
		items = append(items, relPaymentPush(tgRep, d, now), relPaymentPush(wcRep, d, now))
	}
	robotPush := relPaymentPush(wcRep, 9, now)
	robotPush.Key, robotPush.UserID, robotPush.Channel, robotPush.ChatID = "robot:"+robotPush.Key, 0, "wecom", "robot"
	items = append(items, robotPush)
	if _, err := db.Enqueue(ctx, items, now); err != nil {
		t.Fatal(err)
	}

	tg := faketelegram.New(t)
	wc := fakewecom.New(t)
	wc.AddUser("lisi", "李四")
	// Telegram: the command menu's answers lost, then every kind of failure
	// for the sends.
	tg.Fail("setMyCommands", 3, faketelegram.Dropped())
	tg.Fail("sendMessage", 2, faketelegram.Dropped())
	tg.Fail("sendMessage", 2, faketelegram.ServerError())
	tg.Fail("sendMessage", 1, faketelegram.Fault{Code: 502, Body: "<html><body>502 Bad Gateway</body></html>"})
	tg.Fail("sendMessage", 1, faketelegram.Dropped())
	tg.Fail("sendMessage", 1, faketelegram.Fault{Code: 400, Description: "Bad Request: can't parse entities"})
	// WeCom: gettoken fails, sends fail, the robot fails.
	wc.Fail("gettoken", fakewecom.Fault{Status: 502}, fakewecom.Fault{ErrCode: -1, ErrMsg: "system busy"})
	wc.Fail("message/send", fakewecom.Fault{Status: 502}, fakewecom.Fault{ErrCode: 42001, ErrMsg: "access_token expired"}, fakewecom.Fault{Status: 503})
	wc.Fail("webhook/send", fakewecom.Fault{Status: 502}, fakewecom.Fault{ErrCode: 93000, ErrMsg: "invalid webhook url"})

	env := append(wecomEnvFor(wc), relTelegramEnv(tg, store.Postgres, dsn, "webhook")...)
	env = append(env, "SALESBOT_WECOM_ROBOT_KEY="+wc.RobotKey, "SALESBOT_TELEGRAM_WEBHOOK_SECRET="+hook, "SALESBOT_LOG_LEVEL=debug")
	srv := relServe(t, env, &Main{TelegramSleep: noWait})
	postTelegram := func(id int, text string) {
		t.Helper()
		body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"三","last_name":"张"},"text":%q}}`,
			id, id, time.Now().Unix(), tgRep.Chat, tgRep.Chat, text)
		req, _ := http.NewRequest(http.MethodPost, "http://"+srv.Addr+"/telegram/webhook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", hook)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: HTTP %d", resp.StatusCode)
		}
	}
	callback := "http://" + srv.Addr + "/wecom/callback"
	postTelegram(1, "/customer #"+strconv.FormatInt(tgRep.Customer.ID, 10))
	postTelegram(2, "/find "+phoneA)
	if st := wc.Post(t, callback, wc.Text("lisi", "/customer #"+strconv.FormatInt(wcRep.Customer.ID, 10), 1)); st != http.StatusOK {
		t.Fatalf("wecom callback: HTTP %d", st)
	}
	if st := wc.Post(t, callback, wc.Text("lisi", "查找 "+phoneB, 2)); st != http.StatusOK {
		t.Fatalf("wecom callback: HTTP %d", st)
	}
	// Wait until every injected fault was met.
	failed := func(calls []faketelegram.Call) int {
		n := 0
		for _, c := range calls {
			if c.Status != 200 {
				n++
			}
		}
		return n
	}
	wcFailed := func(path string) int {
		n := 0
		for _, c := range wc.Calls(path) {
			if c.Status != 200 || c.ErrCode != 0 {
				n++
			}
		}
		return n
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s never happened (Telegram: %d sends failed; WeCom: gettoken %d, message/send %d, webhook/send %d, user/get %d failed); log:\n%s",
					what, failed(tg.Calls("sendMessage")), wcFailed("gettoken"), wcFailed("message/send"), wcFailed("webhook/send"), wcFailed("user/get"), srv.Logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the Telegram faults", func() bool { return failed(tg.Calls("sendMessage")) >= 7 && failed(tg.Calls("setMyCommands")) >= 3 })
	waitFor("the WeCom faults", func() bool {
		return wcFailed("gettoken") >= 2 && wcFailed("message/send") >= 3 && wcFailed("webhook/send") >= 2
	})
	// The Bot API goes away: replies now fail to connect at all.
	tg.Close()
	postTelegram(3, "/customer #"+strconv.FormatInt(tgRep.Customer.ID, 10))
	postTelegram(4, "/find "+phoneA)
	waitFor("a connection error logged", func() bool { return strings.Count(srv.Logs.String(), "connection refused") >= 2 })
	// No push in flight when it stops (see TestReliabilitySigtermFinishesPushesBeforeClosingWeCom).
	waitFor("the pushes settled", func() bool { return relOutboxState(t, db).Claimed == 0 })
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, srv.Logs)
	}
	logs := srv.Logs.String()

	// Failing to start: setWebhook's answer lost, then a rejected token.
	tg2 := faketelegram.New(t)
	tg2.Fail("setWebhook", 3, faketelegram.Dropped()) // each try of the three
	env2 := append(relTelegramEnv(tg2, store.SQLite, filepath.Join(t.TempDir(), "crm.db"), "webhook"), "SALESBOT_TELEGRAM_WEBHOOK_SECRET="+hook)
	code, stderr := relRunOnce(t, env2, "serve")
	if code == 0 {
		t.Errorf("serve started although setWebhook failed:\n%s", stderr)
	}
	logs += stderr
	wrong := "7000000002:AAH-wrong_" + strings.Repeat("x", 16)
	code, stderr = relRunOnce(t, append(env2, "SALESBOT_TELEGRAM_TOKEN="+wrong), "serve")
	if code != exitUsage {
		t.Errorf("a rejected token: exit %d, want %d:\n%s", code, exitUsage, stderr)
	}
	logs += stderr

	secrets := map[string]string{
		"the bot token":                      tg.Token,
		"the bot token's secret half":        tg.Token[strings.Index(tg.Token, ":")+1:],
		"the second bot token":               tg2.Token,
		"the rejected bot token":             wrong,
		"the webhook secret":                 hook,
		"the WeCom secret":                   wc.Secret,
		"the WeCom callback token":           wc.Token,
		"the WeCom EncodingAESKey":           wc.EncodingAESKey,
		"the WeCom robot key":                wc.RobotKey,
		"the database password":              dbPass,
		"a customer's phone number":          phoneA,
		"another customer's phone number":    phoneB,
		"a phone number's last eight digits": phoneA[3:],
	}
	for i, tok := range wc.Tokens() {
		secrets[fmt.Sprintf("WeCom access token %d", i+1)] = tok
	}
	for what, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			i := strings.Index(logs, s)
			line := logs[strings.LastIndexByte(logs[:i], '\n')+1:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			t.Errorf("%s is in the log:\n%s", what, line)
		}
	}
	// The errors were there to be logged (the test saw the failure paths).
	for _, want := range []string{"telegram", "wecom", "connection refused", "502"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log never mentions %q; the failure paths were not exercised:\n%s", want, logs)
		}
	}
	t.Logf("%d log lines checked for %d secrets", bytes.Count([]byte(logs), []byte("\n")), len(secrets))
}

// wecomEnvFor configures WeCom against the fake (without a database).
func wecomEnvFor(fake *fakewecom.Fake) []string {
	return []string{
		"SALESBOT_WECOM_CORP_ID=" + fake.CorpID,
		"SALESBOT_WECOM_AGENT_ID=" + fake.AgentID,
		"SALESBOT_WECOM_SECRET=" + fake.Secret,
		"SALESBOT_WECOM_TOKEN=" + fake.Token,
		"SALESBOT_WECOM_ENCODING_AES_KEY=" + fake.EncodingAESKey,
		"SALESBOT_WECOM_API_BASE=" + fake.URL,
	}
}

// noWait skips the Telegram pacing and back-off waits.
func noWait(ctx context.Context, d time.Duration) error { return ctx.Err() }

// relRunOnce runs the program to its end and returns the exit code and
// everything it wrote to stderr.
func relRunOnce(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	var errb relLog
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m := &Main{Stdin: strings.NewReader(""), Stdout: &errb, Stderr: &errb, Environ: env}
	code := m.Run(ctx, args)
	return code, errb.String()
}
