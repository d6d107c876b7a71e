package wecom_test

// These tests drive the real client library against internal/fakewecom
// and a real bot over a real store. They replace the library's global HTTP
// client (see the package documentation), so none of them runs in parallel.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/util"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// clock is a fake clock; Sleep moves it instead of waiting.
type clock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	t     *testing.T
	fake  *fakewecom.Fake
	db    *store.DB
	bot   *bot.Bot
	ch    *wecom.Channel
	cfg   wecom.Config
	clock *clock
	logs  *syncBuffer
	msgID int64
}

func newHarness(t *testing.T, db *store.DB, tweak ...func(*wecom.Config)) *harness {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	h := &harness{t: t, fake: fakewecom.New(t), db: db, logs: &syncBuffer{},
		clock: &clock{t: time.Date(2026, 12, 1, 10, 7, 0, 0, loc)}, msgID: 7000000000000000000}
	h.fake.Now = h.clock.Now // callbacks are signed at the channel's now, as WeCom's are
	db.Now = h.clock.Now
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.bot = bot.New(bot.Options{Store: db, Sales: sales.New(db), Sheets: sheet.Service{Sales: sales.New(db), StageName: conversation.SheetStageName}, Now: h.clock.Now, Location: loc, DefaultLang: "zh", Logger: logger})
	cfg := wecom.Config{CorpID: h.fake.CorpID, AgentID: h.fake.AgentID, Secret: h.fake.Secret, Token: h.fake.Token,
		EncodingAESKey: h.fake.EncodingAESKey, APIBase: h.fake.URL, RobotKey: h.fake.RobotKey,
		Logger: logger, Now: h.clock.Now, Sleep: h.clock.Sleep, Workers: 4}
	for _, f := range tweak {
		f(&cfg)
	}
	ch, err := wecom.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.ch, h.cfg = ch, cfg
	ch.Attach(h.bot, db)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := ch.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return h
}

// member adds a bound user with a WeCom identity.
func (h *harness) member(userID, name string, role crm.Role) crm.User {
	h.t.Helper()
	ctx := context.Background()
	u, err := h.db.CreateUser(ctx, 0, crm.User{Name: name, Role: role})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: userID, UserID: u.ID, ChatID: userID}); err != nil {
		h.t.Fatal(err)
	}
	h.fake.AddUser(userID, name)
	return u
}

// post delivers a callback payload to the handler and returns the status.
func (h *harness) post(payload string) int {
	h.t.Helper()
	rec := httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, h.fake.CallbackRequest("/wecom/callback", payload))
	if rec.Code == http.StatusOK && rec.Body.Len() != 0 && rec.Body.String() != "success" {
		h.t.Fatalf("callback answered %q, want an empty 200", rec.Body.String())
	}
	return rec.Code
}

// idle waits until every acknowledged callback has been handled.
func (h *harness) idle() {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.ch.Pending() > 0 {
		if time.Now().After(deadline) {
			h.t.Fatalf("%d callbacks still pending after 10s", h.ch.Pending())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// exchange posts a payload from user and returns the messages it caused.
func (h *harness) exchange(user, payload string) []fakewecom.Message {
	h.t.Helper()
	before := len(h.fake.Messages(user))
	if code := h.post(payload); code != http.StatusOK {
		h.t.Fatalf("callback status %d", code)
	}
	h.idle()
	return h.fake.Messages(user)[before:]
}

// says sends a text message and returns the reply text (all new messages).
func (h *harness) says(user, text string) string {
	h.t.Helper()
	h.msgID++
	return texts(h.exchange(user, h.fake.Text(user, text, h.msgID)))
}

// presses presses a button on the newest card sent to user.
func (h *harness) presses(user, label string) string {
	h.t.Helper()
	return texts(h.exchange(user, h.fake.Press(h.t, user, label)))
}

var numberedOption = regexp.MustCompile(`(\d+) ([^ ]+)`)

// answersNumber answers the newest numbered options by typing the number
// of the option labelled label.
func (h *harness) answersNumber(user, label string) string {
	h.t.Helper()
	ms := h.fake.Messages(user)
	if len(ms) == 0 {
		h.t.Fatalf("no messages to %s", user)
	}
	last := ms[len(ms)-1]
	_, line, ok := strings.Cut(last.Text, "回复数字：")
	if last.Type != "text" || !ok {
		h.t.Fatalf("the newest message to %s has no numbered options: %s %q", user, last.Type, last.Text)
	}
	for _, m := range numberedOption.FindAllStringSubmatch(line, -1) {
		if strings.Contains(m[2], label) {
			return h.says(user, m[1])
		}
	}
	h.t.Fatalf("no numbered option %q in %q", label, line)
	return ""
}

func texts(ms []fakewecom.Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return strings.Join(out, "\n")
}

func expect(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("reply %q does not contain %q", got, w)
		}
	}
}

func inboundRows(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM inbound`); err != nil {
		t.Fatal(err)
	}
	return n
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// --- callbacks ----------------------------------------------------------

func TestURLVerification(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	q := h.fake.VerifyQuery("1616140317555161061")
	rec := httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+q.Encode(), nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "1616140317555161061" {
		t.Fatalf("verification: %d %q", rec.Code, rec.Body.String())
	}
	// An unescaped "+" in echostr (read as a space) still verifies.
	raw := "/wecom/callback?msg_signature=" + q.Get("msg_signature") + "&timestamp=" + q.Get("timestamp") +
		"&nonce=" + q.Get("nonce") + "&echostr=" + q.Get("echostr")
	if strings.Contains(q.Get("echostr"), "+") {
		rec = httptest.NewRecorder()
		h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, raw, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != "1616140317555161061" {
			t.Fatalf("verification with a raw +: %d %q", rec.Code, rec.Body.String())
		}
	}
	q.Set("msg_signature", strings.Repeat("0", 40))
	rec = httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+q.Encode(), nil))
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "1616140317555161061") {
		t.Fatalf("bad signature: %d %q", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/wecom/callback", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %d", rec.Code)
	}
}

func TestBadCallbacksAreRefusedWithoutStoreWrites(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.member("zhangsan", "张三", crm.RoleRep)
	payload := h.fake.Text("zhangsan", "/help", 1)
	send := func(name string, want int, mutate func(req *http.Request) *http.Request) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ch.CallbackHandler().ServeHTTP(rec, mutate(h.fake.CallbackRequest("/wecom/callback", payload)))
		if rec.Code != want {
			t.Errorf("%s: status %d, want %d", name, rec.Code, want)
		}
	}
	send("tampered signature", http.StatusForbidden, func(r *http.Request) *http.Request {
		q := r.URL.Query()
		sig := []byte(q.Get("msg_signature"))
		sig[0] ^= 1
		q.Set("msg_signature", string(sig))
		r.URL.RawQuery = q.Encode()
		return r
	})
	send("no signature", http.StatusForbidden, func(r *http.Request) *http.Request {
		r.URL.RawQuery = ""
		return r
	})
	send("another message under the signature", http.StatusForbidden, func(r *http.Request) *http.Request {
		_, body := h.fake.EncryptCallback(h.fake.Text("zhangsan", "/my", 2))
		return httptest.NewRequest(http.MethodPost, r.URL.String(), bytes.NewReader(body))
	})
	send("another corp", http.StatusForbidden, func(r *http.Request) *http.Request {
		enc := fakewecom.EncryptFor(h.fake.EncodingAESKey, "wwsomeoneelse", []byte(payload))
		q := r.URL.Query()
		q.Set("msg_signature", h.fake.Sign(q.Get("timestamp"), q.Get("nonce"), enc))
		body := "<xml><ToUserName><![CDATA[" + h.fake.CorpID + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		return httptest.NewRequest(http.MethodPost, "/wecom/callback?"+q.Encode(), strings.NewReader(body))
	})
	send("not XML", http.StatusBadRequest, func(r *http.Request) *http.Request {
		return httptest.NewRequest(http.MethodPost, r.URL.String(), strings.NewReader("hello"))
	})
	send("signed garbage", http.StatusBadRequest, func(r *http.Request) *http.Request {
		q := r.URL.Query()
		enc := "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
		q.Set("msg_signature", h.fake.Sign(q.Get("timestamp"), q.Get("nonce"), enc))
		return httptest.NewRequest(http.MethodPost, "/wecom/callback?"+q.Encode(), strings.NewReader("<xml><Encrypt>"+enc+"</Encrypt></xml>"))
	})
	h.idle()
	if n := inboundRows(t, db); n != 0 {
		t.Fatalf("%d inbound rows after refused callbacks", n)
	}
	if n := len(h.fake.Calls("message/send")); n != 0 {
		t.Fatalf("%d messages sent after refused callbacks", n)
	}
}

func TestPaddingOfAFullBlockIsAccepted(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	// 16 random + 4 length + xml + corp id a multiple of 32: the pad is a
	// whole block of 32 bytes of value 32.
	payload := h.fake.Text("zhangsan", "/help", 42)
	for (20+len(payload)+len(h.fake.CorpID))%32 != 0 {
		payload += " "
	}
	expect(t, texts(h.exchange("zhangsan", payload)), "可以用的命令")
}

func TestStartBindsWithTheWeComNameAndReplies(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	ctx := context.Background()
	boss := h.member("boss", "王经理", crm.RoleManager)
	if _, err := db.CreateInvite(ctx, crm.Invite{Code: "JOIN42", Role: crm.RoleRep, CreatedBy: boss.ID, CreatedAt: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	h.fake.AddUser("zhaoliu", "赵六")
	expect(t, h.says("zhaoliu", "你好"), "邀请码")
	got := h.says("zhaoliu", "/start JOIN42")
	expect(t, got, "欢迎，赵六")
	if n := len(h.fake.Calls("user/get")); n != 1 {
		t.Fatalf("user/get called %d times, want 1 (cached)", n)
	}
	u, err := db.IdentityUser(ctx, "wecom", "zhaoliu")
	if err != nil || u.Name != "赵六" || u.Role != crm.RoleRep {
		t.Fatalf("bound user: %+v %v", u, err)
	}
	ms := h.fake.Messages("zhaoliu")
	if ms[len(ms)-1].API != "message" || ms[len(ms)-1].Type != "text" {
		t.Fatalf("reply sent as %s/%s", ms[len(ms)-1].API, ms[len(ms)-1].Type)
	}
	// Bound now: WeCom keywords are commands.
	expect(t, h.says("zhaoliu", "帮助"), "可以用的命令", "/new")
	expect(t, h.says("zhaoliu", "工作台"), "工作台")
	expect(t, h.says("zhaoliu", "新客户"), "客户公司全称")
	expect(t, h.says("zhaoliu", "取消"), "已取消")
}

func TestNewCustomerWithNumbersAndCardButtons(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.member("zhangsan", "张三", crm.RoleRep)
		expect(t, h.says("zhangsan", "新客户"), "客户公司全称")
		got := h.says("zhangsan", "北京青禾新锐科技有限公司")
		expect(t, got, "行业", "回复数字：1 IT/软件")
		// Nine industries do not fit a card: numbered options, answered by number.
		expect(t, h.answersNumber("zhangsan", "IT/软件"), "规模")
		last := h.fake.Messages("zhangsan")
		if card := last[len(last)-1]; card.Type != "template_card" || len(card.Buttons) != 5 {
			t.Fatalf("size prompt: %s with %d buttons", card.Type, len(card.Buttons))
		}
		expect(t, h.presses("zhangsan", "50-199人"), "地区", "北京")
		if n := len(h.fake.Calls("message/update_template_card")); n != 1 {
			t.Fatalf("pressed card updated %d times", n)
		}
		expect(t, h.says("zhangsan", "北京"), "客户来源") // a typed label works too
		expect(t, h.presses("zhangsan", "老客户介绍"), "联系人和电话")
		got = h.says("zhangsan", "王经理 13800138000")
		expect(t, got, "请确认", "北京青禾新锐科技有限公司", "13800138000")
		ms := h.fake.Messages("zhangsan")
		if ms[len(ms)-1].Type == "template_card" {
			got = h.presses("zhangsan", "保存")
		} else {
			got = h.answersNumber("zhangsan", "保存")
		}
		expect(t, got, "已保存「北京青禾新锐科技有限公司」")
		cs, err := db.FindCustomers(context.Background(), crm.Scope{All: true}, "青禾", 5, 0)
		if err != nil || len(cs) != 1 || cs[0].Industry == "" || cs[0].Size == "" || cs[0].Source == "" {
			t.Fatalf("customer: %+v %v", cs, err)
		}
		// A press on an old card is refused by the bot, not acted on.
		old := ms[len(ms)-1]
		if old.Type == "template_card" {
			stale := h.fake.CardEvent("zhangsan", old.Buttons[0].Key, old.TaskID)
			expect(t, texts(h.exchange("zhangsan", stale)), "过期")
		}
		for _, m := range h.fake.Messages("zhangsan") {
			if len(m.Text) > wecom.MaxTextBytes {
				t.Fatalf("message of %d bytes", len(m.Text))
			}
		}
	})
}

func TestEnglishMembersGetEnglishHints(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("tom", "Tom", crm.RoleRep)
	expect(t, h.says("tom", "/lang en"), "English")
	h.says("tom", "/new")
	expect(t, h.says("tom", "北京青禾新锐科技有限公司"), "Industry?", "Reply with a number: 1 IT/Software")
	expect(t, h.says("tom", "2"), "Company size?")
}

func TestNumberedOptionsSurviveARestart(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.member("zhangsan", "张三", crm.RoleRep)
	h.says("zhangsan", "新客户")
	expect(t, h.says("zhangsan", "北京青禾新锐科技有限公司"), "回复数字：1 IT/软件")
	ctx := context.Background()
	if err := h.ch.Close(ctx); err != nil {
		t.Fatal(err)
	}
	ch, err := wecom.New(h.cfg) // a restarted process (or another instance)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close(ctx) })
	ch.Attach(h.bot, db)
	h.ch = ch
	expect(t, h.answersNumber("zhangsan", "制造业"), "规模")
	// The size card replaced the numbered options: "1" is now plain text.
	var n int
	db.SQL().Get(&n, `SELECT COUNT(*) FROM conversation_state WHERE user_key = '#numbered'`)
	if n != 0 {
		t.Fatalf("%d numbered option rows after a reply without them", n)
	}
}

func TestUpdatesOfOneMemberAreHandledInOrder(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	for i, text := range []string{"新客户", "北京青禾新锐科技有限公司", "1", "跳过"} {
		if code := h.post(h.fake.Text("zhangsan", text, int64(100+i))); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	h.idle()
	ms := h.fake.Messages("zhangsan")
	if len(ms) != 4 {
		t.Fatalf("%d replies, want 4: %q", len(ms), texts(ms))
	}
	for i, want := range []string{"客户公司全称", "行业", "规模", "地区"} {
		expect(t, ms[i].Text, want)
	}
}

func TestRetriedCallbackIsHandledOnce(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.member("zhangsan", "张三", crm.RoleRep)
	payload := h.fake.Text("zhangsan", "/help", 123456789)
	for range 3 { // WeCom's retries: the same MsgId, encrypted afresh each time
		if code := h.post(payload); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	h.idle()
	if n := len(h.fake.Messages("zhangsan")); n != 1 {
		t.Fatalf("%d replies to a retried callback", n)
	}
	if n := inboundRows(t, db); n != 1 {
		t.Fatalf("%d inbound rows", n)
	}
}

func TestEventsWithoutMsgIdAreDedupedByPayload(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	click := h.fake.Event("zhangsan", "click", "/help", 1764554400)
	h.post(click)
	h.post(click)
	h.idle()
	if n := len(h.fake.Messages("zhangsan")); n != 1 {
		t.Fatalf("%d replies to a retried click", n)
	}
	// Another event of the same member in the same second is a new event.
	h.post(h.fake.Event("zhangsan", "click", "/today", 1764554400))
	h.idle()
	ms := h.fake.Messages("zhangsan")
	if len(ms) != 2 {
		t.Fatalf("%d replies, want 2", len(ms))
	}
	expect(t, ms[1].Text, "工作台")
}

func TestEnterAgentGreetsAnUnboundMemberOnceADay(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	h.fake.AddUser("newbie", "新人")
	expect(t, texts(h.exchange("newbie", h.fake.EnterAgent("newbie"))), "邀请码")
	if got := h.exchange("newbie", h.fake.EnterAgent("newbie")); len(got) != 0 {
		t.Fatalf("greeted twice: %q", texts(got))
	}
	if got := h.exchange("zhangsan", h.fake.EnterAgent("zhangsan")); len(got) != 0 {
		t.Fatalf("bound member greeted: %q", texts(got))
	}
	h.clock.Advance(24 * time.Hour)
	expect(t, texts(h.exchange("newbie", h.fake.EnterAgent("newbie"))), "邀请码")
}

// --- sending ------------------------------------------------------------

func TestAccessTokenRefreshedOnceWhenExpired(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	ctx := context.Background()
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "一"}); err != nil {
		t.Fatal(err)
	}
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "二"}); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("gettoken")); n != 1 {
		t.Fatalf("gettoken %d times, want 1 (cached)", n)
	}
	h.fake.ExpireTokens()
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "三"}); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls("message/send")
	if len(h.fake.Calls("gettoken")) != 2 || len(calls) != 4 || calls[2].ErrCode != 42001 || calls[3].ErrCode != 0 {
		t.Fatalf("after expiry: %d gettoken, sends %+v", len(h.fake.Calls("gettoken")), calls)
	}
	// A token refused twice: one retry only.
	h.fake.Fail("message/send", fakewecom.Fault{ErrCode: 40014}, fakewecom.Fault{ErrCode: 40014})
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "四"}); err == nil {
		t.Fatal("no error after two refused tokens")
	}
	if n := len(h.fake.Calls("message/send")); n != 6 {
		t.Fatalf("%d sends, want 6", n)
	}
	if n := len(h.fake.Calls("gettoken")); n != 3 {
		t.Fatalf("%d gettoken, want 3", n)
	}
}

func TestLongTextIsSplitAt2048BytesOnRuneBoundaries(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	var sb strings.Builder
	for i := 0; sb.Len() < 6000; i++ {
		sb.WriteString("客户跟进记录")
		if i%97 == 0 {
			sb.WriteString("\n")
		}
	}
	long := sb.String()
	if err := h.ch.Send(context.Background(), "zhangsan", crm.Message{Text: long}); err != nil {
		t.Fatal(err)
	}
	ms := h.fake.Messages("zhangsan")
	if len(ms) < 3 {
		t.Fatalf("%d messages for %d bytes", len(ms), len(long))
	}
	var joined strings.Builder
	for _, m := range ms {
		if len(m.Text) > wecom.MaxTextBytes || !utf8.ValidString(m.Text) || m.Type != "text" {
			t.Fatalf("piece of %d bytes, valid %v, type %s", len(m.Text), utf8.ValidString(m.Text), m.Type)
		}
		joined.WriteString(m.Text)
	}
	if joined.String() != long {
		t.Fatal("pieces do not add up to the text")
	}
}

func TestRepliesAreMerged(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	// "/new 公司" answers the first question: the bot says two things; the
	// member gets one message.
	got := h.exchange("zhangsan", h.fake.Text("zhangsan", "/new 北京青禾新锐科技有限公司", 9))
	if len(got) != 1 {
		t.Fatalf("%d messages for one reply: %q", len(got), texts(got))
	}
}

func TestImageIsUploadedOnceAndSent(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleManager)
	pic := pngBytes(t)
	ctx := context.Background()
	m := crm.Message{Image: &crm.Image{Name: "funnel", PNG: pic, Caption: "阶段漏斗"}}
	if err := h.ch.Send(ctx, "zhangsan", m); err != nil {
		t.Fatal(err)
	}
	if err := h.ch.Send(ctx, "zhangsan", m); err != nil {
		t.Fatal(err)
	}
	ups := h.fake.Calls("media/upload")
	if len(ups) != 1 || ups[0].Query.Get("type") != "image" {
		t.Fatalf("uploads: %d", len(ups))
	}
	ms := h.fake.Messages("zhangsan")
	if len(ms) != 4 || ms[0].Text != "阶段漏斗" || ms[1].Type != "image" || !bytes.Equal(ms[1].Image, pic) || ms[3].MediaID != ms[1].MediaID {
		t.Fatalf("messages: %+v", ms)
	}
}

func TestRobotAndAppChatAlerts(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	ctx := context.Background()
	pic := pngBytes(t)
	if err := h.ch.Send(ctx, "robot", crm.Message{Text: "今日简报\n新客户 3 家\n回款 ¥50,000", Image: &crm.Image{Name: "digest.png", PNG: pic}}); err != nil {
		t.Fatal(err)
	}
	ms := h.fake.Messages(h.fake.RobotKey)
	if len(ms) != 2 || ms[0].Type != "markdown" || !strings.HasPrefix(ms[0].Text, "**今日简报**\n新客户 3 家") || ms[1].Type != "image" || !bytes.Equal(ms[1].Image, pic) {
		t.Fatalf("robot: %+v", ms)
	}
	h.fake.AddChat("team1")
	if err := h.ch.Send(ctx, "appchat:team1", crm.Message{Text: "撞单提醒\n李四想添加张三的客户", Buttons: [][]crm.Button{{{Text: "查看", Data: "1.0"}}}}); err != nil {
		t.Fatal(err)
	}
	if ms := h.fake.Messages("team1"); len(ms) != 1 || ms[0].API != "appchat" || ms[0].Type != "markdown" || !strings.Contains(ms[0].Text, "**撞单提醒**") {
		t.Fatalf("appchat: %+v", ms)
	}
	if err := h.ch.Send(ctx, "appchat:gone", crm.Message{Text: "x"}); !errors.Is(err, crm.ErrUnreachable) {
		t.Fatalf("unknown chat: %v", err)
	}
	if err := h.ch.Send(ctx, "a|b", crm.Message{Text: "x"}); err == nil {
		t.Fatal("a chat id with | was accepted")
	}
	// The robot takes 20 a minute: 18 more now, then a RetryAfterError.
	for i := range 18 {
		if err := h.ch.Send(ctx, "robot", crm.Message{Text: fmt.Sprint("alert ", i)}); err != nil {
			t.Fatalf("alert %d: %v", i, err)
		}
	}
	var ra *crm.RetryAfterError
	if err := h.ch.Send(ctx, "robot", crm.Message{Text: "one too many"}); !errors.As(err, &ra) || ra.After <= 0 || ra.After > time.Minute {
		t.Fatalf("21st robot message: %v", err)
	}
	if n := len(h.fake.Calls("webhook/send")); n != 20 {
		t.Fatalf("%d robot calls", n)
	}
	// The robot is registered as the company's alert group once.
	for range 2 {
		g, ok := h.ch.RobotGroup()
		if !ok {
			t.Fatal("no robot group with a robot key")
		}
		if err := sales.New(db).EnsureGroup(ctx, sales.System(), g); err != nil {
			t.Fatal(err)
		}
	}
	gs, _ := db.Groups(ctx)
	if len(gs) != 1 || gs[0].Channel != "wecom" || gs[0].ChatID != "robot" {
		t.Fatalf("groups: %+v", gs)
	}
}

func TestPacingPerMember(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.member("zhangsan", "张三", crm.RoleRep)
	ctx := context.Background()
	for i := range wecom.MemberPerMinute {
		if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: fmt.Sprint("push ", i)}); err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
		h.clock.Advance(time.Second)
	}
	var ra *crm.RetryAfterError
	err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "31"})
	if !errors.As(err, &ra) || ra.After != 30*time.Second {
		t.Fatalf("31st push in a minute: %v", err)
	}
	if n := len(h.fake.Calls("message/send")); n != wecom.MemberPerMinute {
		t.Fatalf("%d sent", n)
	}
	// Another member is not held up.
	h.member("lisi", "李四", crm.RoleRep)
	if err := h.ch.Send(ctx, "lisi", crm.Message{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	// A reply waits for the budget instead of being dropped by WeCom.
	got := h.says("zhangsan", "/help")
	expect(t, got, "可以用的命令")
	slept := h.clock.Slept()
	if len(slept) != 1 || slept[0] != 30*time.Second {
		t.Fatalf("reply waited %v", slept)
	}
	h.clock.Advance(time.Minute)
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "later"}); err != nil {
		t.Fatal(err)
	}
}

func TestPushTimeAvoidsTheHalfHour(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 12, 1, 8, 30, 0, 0, loc)
	seen := map[time.Time]bool{}
	for i := range 50 {
		p := wecom.PushTime(at, fmt.Sprint("user:", i))
		if p.Before(at.Add(2*time.Minute)) || !p.Before(at.Add(5*time.Minute)) {
			t.Fatalf("push at %s", p.Format(time.TimeOnly))
		}
		if p != wecom.PushTime(at.Add(40*time.Second), fmt.Sprint("user:", i)) {
			t.Fatal("the same push moved to another time")
		}
		seen[p] = true
	}
	if len(seen) < 30 {
		t.Fatalf("50 pushes spread over only %d moments", len(seen))
	}
	if p := wecom.PushTime(at.Add(17*time.Minute), "x"); !p.Equal(at.Add(17 * time.Minute)) {
		t.Fatalf("08:47 moved to %s", p)
	}
	if p := wecom.PushTime(at.Add(31*time.Minute), "x"); p.Hour() != 9 || p.Minute() < 2 || p.Minute() >= 5 {
		t.Fatalf("09:01 moved to %s", p)
	}
}

func TestTransientFailuresAreRetriedWithBackoff(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t), func(c *wecom.Config) {
		c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond}
	})
	h.member("zhangsan", "张三", crm.RoleRep)
	ctx := context.Background()
	h.fake.Fail("message/send", fakewecom.Fault{Status: 502}, fakewecom.Fault{ErrCode: -1, ErrMsg: "system busy"})
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	slept := h.clock.Slept()
	if len(h.fake.Calls("message/send")) != 3 || len(slept) != 2 ||
		slept[0] < 375*time.Millisecond || slept[0] > 625*time.Millisecond || slept[1] < 750*time.Millisecond || slept[1] > 1250*time.Millisecond {
		t.Fatalf("sends %d, back-off %v", len(h.fake.Calls("message/send")), slept)
	}
	// A slow answer times out and is tried again.
	h.fake.Fail("message/send", fakewecom.Fault{Delay: 3 * time.Second})
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "slow"}); err != nil {
		t.Fatal(err)
	}
	// Three failures: the outbox gets an error to retry later.
	h.fake.Fail("message/send", fakewecom.Fault{Status: 503}, fakewecom.Fault{Status: 503}, fakewecom.Fault{Status: 503})
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "down"}); err == nil || errors.Is(err, crm.ErrUnreachable) {
		t.Fatalf("after 3 failures: %v", err)
	}
	// A rate limit asks the outbox to wait.
	h.fake.Fail("message/send", fakewecom.Fault{ErrCode: 45009, ErrMsg: "api freq out of limit"})
	var ra *crm.RetryAfterError
	if err := h.ch.Send(ctx, "zhangsan", crm.Message{Text: "busy"}); !errors.As(err, &ra) || ra.After <= 0 {
		t.Fatalf("45009: %v", err)
	}
}

func TestMemberWhoLeftIsUnreachable(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	u := h.member("lisi", "李四", crm.RoleRep)
	ctx := context.Background()
	h.fake.RemoveUser("lisi")
	err := h.ch.Send(ctx, "lisi", crm.Message{Text: "今日工作台"})
	if !errors.Is(err, crm.ErrUnreachable) {
		t.Fatalf("send to a member who left: %v", err)
	}
	ids, _ := db.Identities(ctx, u.ID)
	if len(ids) != 1 || ids[0].Reachable {
		t.Fatalf("identity: %+v", ids)
	}
	// Writing again makes them reachable.
	h.fake.AddUser("lisi", "李四")
	expect(t, h.says("lisi", "/help"), "可以用的命令")
	ids, _ = db.Identities(ctx, u.ID)
	if !ids[0].Reachable {
		t.Fatal("still unreachable after writing")
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	db := storetest.OpenSQLite(t)
	// A closed port: every call fails at the transport.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	h := newHarness(t, db, func(c *wecom.Config) { c.APIBase = closed })
	h.member("zhangsan", "张三", crm.RoleRep)
	ctx := context.Background()
	var errs []string
	for _, to := range []string{"zhangsan", "robot", "robot:other-robot-key-123"} {
		err := h.ch.Send(ctx, to, crm.Message{Text: "hi", Image: &crm.Image{PNG: pngBytes(t)}})
		if err == nil {
			t.Fatalf("send to %s through a closed port succeeded", to)
		}
		errs = append(errs, err.Error())
	}
	h.fake.AddUser("newbie", "新人")
	h.post(h.fake.Text("newbie", "/start NOPE", 5)) // user/get and the reply fail
	h.idle()

	// 5xx answers carry the access token in the library's errors.
	h2 := newHarness(t, storetest.OpenSQLite(t))
	h2.member("zhangsan", "张三", crm.RoleRep)
	if err := h2.ch.Send(ctx, "zhangsan", crm.Message{Text: "ok"}); err != nil {
		t.Fatal(err)
	}
	five := fakewecom.Fault{Status: 500}
	h2.fake.Fail("message/send", five, five, five)
	h2.fake.Fail("webhook/send", five, five, five)
	for _, to := range []string{"zhangsan", "robot"} {
		err := h2.ch.Send(ctx, to, crm.Message{Text: "fails"})
		if err == nil {
			t.Fatalf("send to %s succeeded", to)
		}
		errs = append(errs, err.Error())
	}
	h2.fake.Fail("message/send", five, five, five)
	h2.post(h2.fake.Text("zhangsan", "/help", 6))
	h2.idle()

	out := h.logs.String() + h2.logs.String() + strings.Join(errs, "\n")
	if !strings.Contains(out, "REDACTED") {
		t.Fatalf("no failure was logged:\n%s", out)
	}
	secrets := append([]string{h.fake.Secret, h.fake.RobotKey, "other-robot-key-123", h2.fake.Secret, h2.fake.RobotKey}, h2.fake.Tokens()...)
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Fatalf("secret %q appears in logs or errors:\n%s", s, out)
		}
	}
}

func TestCloseRestoresTheLibraryClient(t *testing.T) {
	before := util.DefaultHTTPClient
	fake := fakewecom.New(t)
	ch, err := wecom.New(wecom.Config{CorpID: fake.CorpID, AgentID: fake.AgentID, Secret: fake.Secret, Token: fake.Token,
		EncodingAESKey: fake.EncodingAESKey, APIBase: fake.URL})
	if err != nil {
		t.Fatal(err)
	}
	if util.DefaultHTTPClient == before {
		t.Fatal("the library's client was not replaced")
	}
	if err := ch.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if util.DefaultHTTPClient != before {
		t.Fatal("the library's client was not restored")
	}
	// Callbacks before Attach get 503; bad config is refused.
	if _, err := wecom.New(wecom.Config{CorpID: "x", AgentID: "abc", Secret: "s", Token: "t", EncodingAESKey: "short"}); err == nil ||
		!strings.Contains(err.Error(), "agent_id") || !strings.Contains(err.Error(), "encoding_aes_key") {
		t.Fatalf("bad config: %v", err)
	}
}

// A callback acknowledged by a process that died before answering it is
// answered once by the next process; WeCom's late retry of it is not.
func TestCallbackLeftByADeadProcessIsAnsweredOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: "zhangsan", UserID: u.ID, ChatID: "zhangsan"}); err != nil {
			t.Fatal(err)
		}
		// The dead process took it at 10:07:00 (Shanghai), the moment the
		// next process starts.
		died := time.Date(2026, 12, 1, 2, 7, 0, 0, time.UTC)
		plain := `<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1764583440</CreateTime>` +
			`<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[/help]]></Content><MsgId>424242</MsgId><AgentID>1000002</AgentID></xml>`
		if fresh, err := db.AcceptInbound(ctx, "wecom", "msg:424242", []byte(plain), died); err != nil || !fresh {
			t.Fatalf("accept: %v %v", fresh, err)
		}
		h := newHarness(t, db, func(c *wecom.Config) { c.InboxLease = 200 * time.Millisecond })
		defer func() {
			if t.Failed() {
				t.Log(h.logs.String())
			}
		}()
		h.fake.AddUser("zhangsan", "张三")
		time.Sleep(100 * time.Millisecond)
		if n := len(h.fake.Messages("zhangsan")); n != 0 {
			t.Fatalf("answered inside the dead process's lease: %d messages", n)
		}
		h.clock.Advance(time.Second) // the lease runs out
		deadline := time.Now().Add(10 * time.Second)
		for len(h.fake.Messages("zhangsan")) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the callback left by the dead process was not answered")
			}
			time.Sleep(5 * time.Millisecond)
		}
		h.idle()
		// WeCom retries it late: the same MsgId is not answered again.
		if code := h.post(h.fake.Text("zhangsan", "/help", 424242)); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		h.idle()
		if n := len(h.fake.Messages("zhangsan")); n != 1 {
			t.Fatalf("%d replies, want 1", n)
		}
		var pending int
		if err := db.SQL().Get(&pending, `SELECT COUNT(*) FROM inbound WHERE payload IS NOT NULL`); err != nil || pending != 0 {
			t.Fatalf("%d callbacks still unanswered (%v)", pending, err)
		}
	})
}

// A callback the dead process had handled, its reply kept but not sent:
// the next process sends the kept reply and does not handle the callback
// again (no second activity, no "update" in its log).
func TestKeptReplyOfADeadProcessIsSentNotHandledAgain(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: "zhangsan", UserID: u.ID, ChatID: "zhangsan"}); err != nil {
			t.Fatal(err)
		}
		died := time.Date(2026, 12, 1, 2, 7, 0, 0, time.UTC) // 10:07 in Shanghai, the next process's start
		plain := `<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1764583440</CreateTime>` +
			`<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[/help]]></Content><MsgId>434343</MsgId><AgentID>1000002</AgentID></xml>`
		if _, err := db.AcceptInbound(ctx, "wecom", "msg:434343", []byte(plain), died); err != nil {
			t.Fatal(err)
		}
		if err := db.HandledInbound(ctx, "wecom", "msg:434343", []byte(`{"lang":"zh","replies":[{"Text":"已记录拜访：恒通物流"}]}`)); err != nil {
			t.Fatal(err)
		}
		h := newHarness(t, db, func(c *wecom.Config) { c.InboxLease = 200 * time.Millisecond })
		h.fake.AddUser("zhangsan", "张三")
		h.clock.Advance(time.Second) // the lease runs out
		deadline := time.Now().Add(10 * time.Second)
		for len(h.fake.Messages("zhangsan")) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("the kept reply was not sent:\n%s", h.logs.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		h.idle()
		if got := texts(h.fake.Messages("zhangsan")); got != "已记录拜访：恒通物流" {
			t.Fatalf("sent %q, want the kept reply only", got)
		}
		if strings.Contains(h.logs.String(), "msg=update ") {
			t.Fatalf("the callback was handled again:\n%s", h.logs.String())
		}
		var pending int
		if err := db.SQL().Get(&pending, `SELECT COUNT(*) FROM inbound WHERE payload IS NOT NULL`); err != nil || pending != 0 {
			t.Fatalf("%d callbacks still unanswered (%v)", pending, err)
		}
	})
}
