package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// chat drives the real bot over a real store with a fake clock, one
// person at a time, the way a person types.
type chat struct {
	t       *testing.T
	db      *store.DB
	bot     *bot.Bot
	now     time.Time
	loc     *time.Location
	users   map[string]crm.User
	buttons map[string][]crm.Button // the buttons each person saw last
	sent    map[string]int          // messages each person sent
}

func newChat(t *testing.T, db *store.DB) *chat {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	c := &chat{t: t, db: db, loc: loc, users: map[string]crm.User{}, buttons: map[string][]crm.Button{}, sent: map[string]int{},
		now: time.Date(2026, 11, 29, 10, 0, 0, 0, loc)} // a Sunday
	db.Now = func() time.Time { return c.now }
	c.bot = bot.New(bot.Options{Store: db, Sales: sales.New(db), Sheets: sheet.Service{Sales: sales.New(db), StageName: conversation.SheetStageName}, Now: func() time.Time { return c.now }, Location: loc, DefaultLang: "zh", StaleDays: 14})
	return c
}

// person adds a user bound to a chat account named after them.
func (c *chat) person(name string, role crm.Role, dept int64) crm.User {
	c.t.Helper()
	u, err := c.db.CreateUser(context.Background(), 0, crm.User{Name: name, Role: role, DeptID: dept})
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.db.BindIdentity(context.Background(), crm.Identity{Channel: "telegram", ExternalID: name, UserID: u.ID, ChatID: name}); err != nil {
		c.t.Fatal(err)
	}
	c.users[name] = u
	return u
}

func (c *chat) handle(who string, u bot.Update) string {
	c.t.Helper()
	c.sent[who]++
	replies := c.bot.Handle(context.Background(), u)
	var texts []string
	var buttons []crm.Button
	for _, m := range replies {
		if m.Text != "" {
			texts = append(texts, m.Text)
		}
		for _, row := range m.Buttons {
			buttons = append(buttons, row...)
		}
	}
	if len(replies) > 0 {
		c.buttons[who] = buttons
	}
	return strings.Join(texts, "\n")
}

// says sends a text message.
func (c *chat) says(who, text string) string {
	c.t.Helper()
	return c.handle(who, bot.Update{Channel: "telegram", ChatID: who, UserID: who, UserName: who, Text: text})
}

// presses presses the last-seen button whose label contains label.
func (c *chat) presses(who, label string) string {
	c.t.Helper()
	for _, b := range c.buttons[who] {
		if strings.Contains(b.Text, label) {
			return c.handle(who, bot.Update{Channel: "telegram", ChatID: who, UserID: who, Button: b.Data})
		}
	}
	var labels []string
	for _, b := range c.buttons[who] {
		labels = append(labels, b.Text)
	}
	c.t.Fatalf("%s sees no button %q (buttons: %v)", who, label, labels)
	return ""
}

func expect(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("reply %q does not contain %q", got, w)
		}
	}
}

func refute(t *testing.T, got string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(got, w) {
			t.Fatalf("reply %q should not contain %q", got, w)
		}
	}
}

func TestChatSalesDay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		c.person("王经理", crm.RoleManager, east.ID)
		c.person("张三", crm.RoleRep, east.ID)
		c.person("李四", crm.RoleRep, east.ID)

		// Rep A adds a customer in at most 8 messages.
		expect(t, c.says("张三", "/new"), "客户公司全称")
		expect(t, c.says("张三", "北京青禾新锐科技有限公司"), "行业")
		expect(t, c.presses("张三", "IT/软件"), "规模")
		expect(t, c.presses("张三", "50-199人"), "地区", "北京")
		expect(t, c.presses("张三", "北京"), "客户来源")
		expect(t, c.presses("张三", "老客户介绍"), "联系人和电话")
		expect(t, c.says("张三", "王经理 13800138000"), "请确认", "北京青禾新锐科技有限公司 · IT/软件 · 50-199人 · 北京 · 老客户介绍", "13800138000")
		expect(t, c.presses("张三", "保存"), "已保存「北京青禾新锐科技有限公司」")
		if c.sent["张三"] > 8 {
			t.Fatalf("adding a customer took %d messages, want ≤ 8", c.sent["张三"])
		}

		// Rep B writes the same company differently: refused, told who owns it.
		c.says("李四", "/new")
		got := c.says("李四", "青禾新锐科技（北京）有限公司")
		expect(t, got, "张三", "华东销售部", "认领")
		refute(t, got, "13800138000")
		n, _ := db.CountCustomers(ctx, crm.Scope{All: true})
		if n != 1 {
			t.Fatalf("%d customers after the refused claim", n)
		}
		var alerts int
		db.SQL().Get(&alerts, `SELECT COUNT(*) FROM outbox WHERE kind = 'duplicate_claim'`)
		if alerts != 1 { // the owner's manager; no group registered yet
			t.Fatalf("%d alerts queued, want 1", alerts)
		}
		// A similar name asks first.
		c.says("李四", "/new")
		expect(t, c.says("李四", "青禾新锐软件有限公司"), "相似", "北京青禾新锐科技有限公司")
		expect(t, c.presses("李四", "不是"), "行业")
		expect(t, c.says("李四", "/cancel"), "已取消")

		// Rep A logs a visit in 3 messages, next action next Friday.
		before := c.sent["张三"]
		expect(t, c.says("张三", "/visit 青禾"), "这次沟通了什么")
		expect(t, c.says("张三", "拜访王总，确认需求，预算5万左右"), "下一步和时间")
		expect(t, c.says("张三", "下周五 发方案"), "已记录", "12月4日（周五）", "发方案")
		if c.sent["张三"]-before > 3 {
			t.Fatalf("logging a visit took %d messages", c.sent["张三"]-before)
		}

		// Advances to 方案制定 with 60% and 5万.
		expect(t, c.presses("张三", "推进阶段"), "哪个阶段")
		expect(t, c.presses("张三", "方案制定"), "成交概率")
		expect(t, c.says("张三", "60"), "预计金额")
		expect(t, c.says("张三", "看情况吧"), "没看懂这个金额", "预计金额")
		expect(t, c.says("张三", "五万"), "预计成交日期")
		expect(t, c.says("张三", "-"), "状态说明")
		expect(t, c.says("张三", "等预算审批"), "请确认", "方案制定", "60%", "¥50,000")
		expect(t, c.presses("张三", "保存"), "方案制定", "60%")
		cs, _ := db.FindCustomers(ctx, crm.Scope{All: true}, "青禾", 1, 0)
		deals, _ := db.Deals(ctx, cs[0].ID)
		if len(deals) != 1 || deals[0].Stage != crm.StageProposal || deals[0].WinPct != 60 || deals[0].Amount != crm.Yuan(50000) {
			t.Fatalf("deal: %+v", deals)
		}

		// Files nothing; 15 days later the workbench shows the stale customer.
		c.now = c.now.AddDate(0, 0, 15)
		got = c.says("张三", "/today")
		expect(t, got, "超过14天未联系", "青禾新锐", "15天", "日报还没交", "最可能成交")
		refute(t, strings.Join(labels(c.buttons["张三"]), " "), "contacted") // labels are words, not commands
		expect(t, c.presses("张三", "推迟1天"), "明天再提醒你")
		refute(t, c.says("张三", "/today"), "超过14天未联系")
		c.now = c.now.AddDate(0, 0, 1).Add(time.Minute)
		expect(t, c.says("张三", "/today"), "超过14天未联系") // a day later it is back
		expect(t, c.presses("张三", "已联系"), "已记下联系了「北京青禾新锐科技有限公司」")
		refute(t, c.says("张三", "/today"), "超过14天未联系")

		// The manager finds it, rep B does not.
		expect(t, c.says("王经理", "/find 青禾"), "北京青禾新锐科技有限公司", "张三")
		expect(t, c.says("李四", "/find 青禾"), "没找到")
	})
}

func TestChatPermissions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		a := c.person("张三", crm.RoleRep, 0)
		c.person("李四", crm.RoleRep, 0)
		cust, err := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID, Contacts: []crm.Contact{{Name: "刘总", Phone: "13912345678"}}})
		if err != nil {
			t.Fatal(err)
		}
		db.AddActivity(ctx, a.ID, crm.Activity{CustomerID: cust.ID, UserID: a.ID, Content: "机密报价 88万"})
		id := fmt.Sprint(cust.ID)
		secrets := []string{"瑞丰机械", "刘总", "13912345678", "机密"}
		// Every command, by name and by id.
		for _, cmd := range []string{"/customer #" + id, "/customer 瑞丰", "/customer #" + id + " history", "/find 瑞丰", "/find 139", "/visit #" + id, "/visit 瑞丰",
			"/stage #" + id, "/pay #" + id, "/appt #" + id, "/complaint #" + id, "/complaint close", "/my", "/today", "/contacted #" + id, "/stats industry", "/stats top",
			"/stats ranking", "/target", "/report #1", "/transfer request #" + id + " transfer", "/transfer approve #1", "/comment #1", "/handover", "/admin users", "/report team"} {
			got := c.says("李四", cmd)
			refute(t, got, secrets...)
			for _, b := range c.buttons["李四"] {
				refute(t, b.Text, secrets...)
			}
			c.says("李四", "/cancel")
		}
		// Forged button payloads: other people's tokens, made-up tokens.
		c.says("张三", "/customer 瑞丰")
		for _, b := range c.buttons["张三"] {
			got := c.handle("李四", bot.Update{Channel: "telegram", ChatID: "李四", UserID: "李四", Button: b.Data})
			refute(t, got, secrets...)
		}
		for _, data := range []string{"1.0", "999.0", "#" + id, "/customer #" + id, "0.-1", strings.Repeat("9", 64)} {
			got := c.handle("李四", bot.Update{Channel: "telegram", ChatID: "李四", UserID: "李四", Button: data})
			refute(t, got, secrets...)
		}
		// Nothing was written on the other rep's customer.
		acts, _ := db.Activities(ctx, cust.ID, 10)
		deals, _ := db.Deals(ctx, cust.ID)
		got, _ := db.Customer(ctx, cust.ID)
		if len(acts) != 1 || len(deals) != 0 || got.OwnerID != a.ID || len(got.Collaborators) != 0 {
			t.Fatalf("rep B changed rep A's customer: %d activities, %d deals", len(acts), len(deals))
		}
	})
}

func TestChatOnboardingAndBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		mgr := c.person("王经理", crm.RoleManager, 0)

		// An unbound stranger gets only onboarding.
		expect(t, c.says("stranger", "/today"), "邀请码")
		expect(t, c.says("stranger", "/my"), "邀请码")
		expect(t, c.says("stranger", "/start WRONG1"), "不存在")

		// The manager invites; the code binds once.
		got := c.says("王经理", "/invite")
		code := ""
		for _, f := range strings.Fields(got) {
			if len(f) == 8 && strings.ToUpper(f) == f {
				code = f
			}
		}
		if code == "" {
			t.Fatalf("no code in %q", got)
		}
		expect(t, c.says("新人", "/start "+code), "欢迎", "销售")
		expect(t, c.says("另一个人", "/start "+code), "已经用过")
		expect(t, c.says("新人", "/invite"), "只有主管或管理员")

		// Bad input at each kind of step keeps the form where it was.
		c.says("新人", "/new")
		expect(t, c.says("新人", strings.Repeat("长", 501)), "太长", "客户公司全称")
		expect(t, c.says("新人", "🙂🙂"), "不像公司名", "客户公司全称")
		name := `'; DROP TABLE customers; -- <b>&amp;</b> %_\ 有限公司`
		expect(t, c.says("新人", name), "行业")
		expect(t, c.says("新人", "/back"), "客户公司全称")
		expect(t, c.says("新人", name), "行业")
		expect(t, c.says("新人", "其他"), "具体是什么行业") // other takes a detail
		expect(t, c.says("新人", "外包服务"), "规模")
		old := c.buttons["新人"]
		expect(t, c.says("新人", "-"), "地区")
		// A button from an older message is refused and the step re-asked.
		expect(t, c.handle("新人", bot.Update{Channel: "telegram", ChatID: "新人", UserID: "新人", Button: old[0].Data}), "过期", "地区")
		expect(t, c.says("新人", "-"), "来源")
		expect(t, c.says("新人", "-"), "联系人")
		expect(t, c.says("新人", "王经理 138"), "位数不对", "联系人")
		expect(t, c.says("新人", "-"), "请确认")
		expect(t, c.says("新人", "保存"), "已保存")
		found, _ := db.FindCustomers(ctx, crm.Scope{All: true}, "DROP TABLE", 5, 0)
		if len(found) != 1 || found[0].Name != name {
			t.Fatalf("stored name is not literal: %+v", found)
		}

		// A command in the middle of a form starts the new one.
		c.says("新人", "/visit")
		expect(t, c.says("新人", "/my"), "我的客户")
		expect(t, c.says("新人", "/lang en"), "English")
		expect(t, c.says("新人", "/new"), "full company name")
		expect(t, c.says("新人", "/cancel"), "Cancelled")
		_ = mgr
	})
}

func TestCommandTableDrivesHelpMenuAndKeywords(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newChat(t, db)
	c.person("张三", crm.RoleRep, 0)
	c.person("王经理", crm.RoleManager, 0)
	rep := c.says("张三", "/help")
	expect(t, rep, "/new", "/visit", "/today", "/cancel")
	refute(t, rep, "/invite")
	expect(t, c.says("王经理", "/help"), "/invite")
	menu := c.bot.Menu("en")
	found := false
	for _, m := range menu {
		if m.Command == "new" && strings.Contains(m.Description, "customer") {
			found = true
		}
		if m.Command == "invite" || m.Command == "start" {
			t.Errorf("menu shows %s", m.Command)
		}
	}
	if !found {
		t.Fatalf("menu lacks /new: %+v", menu)
	}
	kw := c.bot.Keywords()
	if kw["新客户"] != "new" || kw["工作台"] != "today" || kw["拜访"] != "visit" {
		t.Fatalf("keywords: %v", kw)
	}
	// Keywords work where the channel takes them (WeCom, console).
	got := c.handle("张三", bot.Update{Channel: "wecom", ChatID: "z", UserID: "张三wc", Text: "工作台"})
	expect(t, got, "邀请码") // not bound on WeCom yet: onboarding only
	db.BindIdentity(context.Background(), crm.Identity{Channel: "wecom", ExternalID: "张三wc", UserID: c.users["张三"].ID, ChatID: "z"})
	got = c.handle("张三", bot.Update{Channel: "wecom", ChatID: "z", UserID: "张三wc", Text: "新客户"})
	expect(t, got, "客户公司全称")
	// Mid-form, a keyword followed by text is an answer, not a command.
	got = c.handle("张三", bot.Update{Channel: "wecom", ChatID: "z", UserID: "张三wc", Text: "拜访 科技有限公司"})
	expect(t, got, "行业")
}

func TestGroupChatsShowNoCustomerData(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newChat(t, db)
	a := c.person("张三", crm.RoleRep, 0)
	db.CreateCustomer(context.Background(), a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID})
	group := func(text string) string {
		return c.handle("张三", bot.Update{Channel: "telegram", ChatID: "-100", Group: true, UserID: "张三", Text: text})
	}
	expect(t, group("/my"), "私聊")
	expect(t, group("/find 瑞丰"), "私聊")
	if got := group("大家好"); got != "" {
		t.Fatalf("chatter in a group was answered: %q", got)
	}
	refute(t, group("/help"), "瑞丰")
}

func TestGroupRegistration(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newChat(t, db)
	d, _ := db.CreateDepartment(context.Background(), 0, "华东销售部", 0)
	c.person("王经理", crm.RoleManager, d.ID)
	c.person("张三", crm.RoleRep, d.ID)
	group := func(who, text string) string {
		return c.handle(who, bot.Update{Channel: "telegram", ChatID: "-100", Group: true, UserID: who, Text: text})
	}
	expect(t, group("张三", "/group"), "主管或管理员")
	expect(t, group("王经理", "/group"), "华东销售部")
	expect(t, c.says("王经理", "/group"), "群里")
	gs, _ := db.Groups(context.Background())
	if len(gs) != 1 || gs[0].ChatID != "-100" || gs[0].DeptID != d.ID {
		t.Fatalf("groups: %+v", gs)
	}
}

func TestPushesRenderForTheirReaders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		mgr := c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		c.person("李四", crm.RoleRep, east.ID)
		db.RegisterGroup(ctx, mgr.ID, crm.Group{Channel: "telegram", ChatID: "-100", DeptID: east.ID})
		cust, _ := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID, CreatedAt: c.now.AddDate(0, 0, -20)})
		c.says("李四", "/new")
		c.says("李四", "青禾新锐科技（北京）有限公司")
		items, _ := db.OutboxItems(ctx, crm.OutboxPending, 10)
		if len(items) != 2 {
			t.Fatalf("alerts: %+v", items)
		}
		for _, it := range items {
			to := crm.Identity{Channel: it.Channel, ChatID: it.ChatID}
			if it.UserID != 0 {
				to = crm.Identity{Channel: "telegram", ChatID: "王经理", ExternalID: "王经理", UserID: it.UserID}
			}
			ms, err := c.bot.RenderPush(ctx, it, to)
			if err != nil || len(ms) != 1 {
				t.Fatal(ms, err)
			}
			expect(t, ms[0].Text, "撞单提醒", "李四", "张三", "华东销售部", "青禾新锐科技（北京）有限公司", "10:00")
		}
		// The workbench push carries live buttons for its reader.
		wb := crm.OutboxItem{Kind: crm.PushWorkbench, UserID: a.ID, Payload: `{"date":"2026-11-29"}`}
		ms, err := c.bot.RenderPush(ctx, wb, crm.Identity{Channel: "telegram", ChatID: "张三", ExternalID: "张三", UserID: a.ID})
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		expect(t, ms[0].Text, "早上好", "超过14天未联系", "青禾新锐")
		c.buttons["张三"] = ms[0].Buttons[0]
		expect(t, c.presses("张三", "记拜访"), "青禾新锐", "这次沟通了什么")
		c.says("张三", "/cancel")
		// A payment reminder for a plan paid since says nothing.
		plan, _ := db.AddPaymentPlan(ctx, a.ID, crm.PaymentPlan{CustomerID: cust.ID, Amount: crm.Yuan(5000), DueDate: "2026-12-02"})
		due := crm.OutboxItem{Kind: crm.PushPaymentDue, UserID: a.ID, Payload: fmt.Sprintf(`{"plan_id":%d,"days":3}`, plan.ID)}
		ms, _ = c.bot.RenderPush(ctx, due, crm.Identity{Channel: "telegram", ChatID: "张三", ExternalID: "张三", UserID: a.ID})
		expect(t, ms[0].Text, "¥5,000", "3 天后")
		db.AddPayment(ctx, a.ID, crm.Payment{CustomerID: cust.ID, PlanID: plan.ID, Amount: crm.Yuan(5000), ReceivedOn: "2026-11-29"})
		if ms, _ = c.bot.RenderPush(ctx, due, crm.Identity{Channel: "telegram", ChatID: "张三", UserID: a.ID}); len(ms) != 0 {
			t.Fatalf("paid plan still reminded: %v", ms)
		}
		// The manager's digest: the team's day, who filed, the claim.
		dg := crm.OutboxItem{Kind: crm.PushDigest, UserID: mgr.ID, Payload: `{"date":"2026-11-29"}`}
		ms, _ = c.bot.RenderPush(ctx, dg, crm.Identity{Channel: "telegram", ChatID: "王经理", UserID: mgr.ID})
		expect(t, ms[0].Text, "华东销售部", "回款 ¥5,000", "已交 0/2", "张三", "李四", "撞单 1 起")
	})
}

func TestChatReports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		c.person("李四", crm.RoleRep, east.ID)
		cust, _ := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID})
		db.AddActivity(ctx, a.ID, crm.Activity{CustomerID: cust.ID, UserID: a.ID, Content: "拜访", At: c.now})

		got := c.says("张三", "/report")
		expect(t, got, "张三", "日报", "新增客户 1（瑞丰机械）", "跟进 1", "回款 ¥0", "明天计划")
		expect(t, c.says("张三", "客户对价格敏感，明天约技术交流。"), "日报已提交")
		expect(t, c.says("张三", "/report"), "替换")
		expect(t, c.says("张三", "改一下：明天上午约技术交流。"), "日报已提交")
		r, err := db.ReportFor(ctx, a.ID, crm.PeriodDay, "2026-11-29")
		if err != nil || r.Text != "改一下：明天上午约技术交流。" {
			t.Fatalf("report: %+v %v", r, err)
		}
		// WeCom-style keyword for the weekly report.
		db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: "zs", UserID: a.ID, ChatID: "zs"})
		expect(t, c.handle("张三", bot.Update{Channel: "wecom", ChatID: "zs", UserID: "zs", Text: "周报"}), "周报", "下周计划")
		c.handle("张三", bot.Update{Channel: "wecom", ChatID: "zs", UserID: "zs", Text: "取消"})

		// The manager sees who filed, reads and comments; the rep is told.
		expect(t, c.says("王经理", "/report team"), "已交 1/2", "未交：李四")
		expect(t, c.presses("王经理", "张三"), "明天上午约技术交流")
		expect(t, c.presses("王经理", "点评"), "给 张三 的点评")
		expect(t, c.says("王经理", "很好，记得带样品。"), "点评已发给 张三")
		items, _ := db.OutboxItems(ctx, crm.OutboxPending, 10)
		var comment *crm.OutboxItem
		for i := range items {
			if items[i].Kind == crm.PushReportComment {
				comment = &items[i]
			}
		}
		if comment == nil || comment.UserID != a.ID {
			t.Fatalf("no comment push: %+v", items)
		}
		ms, err := c.bot.RenderPush(ctx, *comment, crm.Identity{Channel: "telegram", ChatID: "张三", UserID: a.ID})
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		expect(t, ms[0].Text, "王经理", "日报", "很好，记得带样品。")
		// Another rep can neither read nor comment on it.
		expect(t, c.says("李四", fmt.Sprintf("/report #%d", r.ID)), "没有找到")
		expect(t, c.says("李四", fmt.Sprintf("/comment #%d", r.ID)), "主管或管理员")
	})
}

// withCharts gives the chat's bot a chart renderer when the machine has a
// CJK font (CI installs one); it reports whether it did.
func (c *chat) withCharts(t *testing.T) bool {
	r, err := chart.NewRenderer("")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs a CJK font for charts: %v", err)
		}
		return false
	}
	c.bot = bot.New(bot.Options{Store: c.db, Sales: sales.New(c.db), Sheets: sheet.Service{Sales: sales.New(c.db), StageName: conversation.SheetStageName}, Now: func() time.Time { return c.now }, Location: c.loc, DefaultLang: "zh", StaleDays: 14, Charts: r})
	return true
}

// images returns the images of the last replies to a text.
func (c *chat) saysWithImages(who, text string) (string, []*crm.Image) {
	c.t.Helper()
	c.sent[who]++
	replies := c.bot.Handle(context.Background(), bot.Update{Channel: "telegram", ChatID: who, UserID: who, UserName: who, Text: text})
	var texts []string
	var imgs []*crm.Image
	var buttons []crm.Button
	for _, m := range replies {
		if m.Text != "" {
			texts = append(texts, m.Text)
		}
		if m.Image != nil {
			imgs = append(imgs, m.Image)
		}
		for _, row := range m.Buttons {
			buttons = append(buttons, row...)
		}
	}
	c.buttons[who] = buttons
	return strings.Join(texts, "\n"), imgs
}

func TestChatTargetsStatsAndTeam(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		charts := c.withCharts(t)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		mgr := c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		b := c.person("李四", crm.RoleRep, east.ID)
		other, _ := db.CreateDepartment(ctx, 0, "华南销售部", 0)
		c.person("赵六", crm.RoleRep, other.ID)
		for i, who := range []crm.User{a, a, a, b} {
			cust, _ := db.CreateCustomer(ctx, who.ID, crm.Customer{Name: fmt.Sprintf("测试%d号科技有限公司", i), OwnerID: who.ID, Industry: []string{"IT/软件", "IT/软件", "制造业", "物流"}[i], Source: "展会"})
			db.AddPayment(ctx, who.ID, crm.Payment{CustomerID: cust.ID, Amount: crm.Yuan(int64(10000 * (i + 1))), ReceivedOn: "2026-11-20"})
			d, _ := db.SaveDeal(ctx, who.ID, crm.Deal{CustomerID: cust.ID, OwnerID: who.ID, Stage: crm.StageInitial, WinPct: 10, Amount: crm.Yuan(50000)})
			if i < 2 {
				d.Stage, d.WinPct = crm.StageProposal, 50
				db.SaveDeal(ctx, who.ID, d)
			}
		}

		// The manager sets a department target and splits it evenly.
		expect(t, c.says("王经理", "/target set"), "给谁设目标")
		refute(t, strings.Join(labels(c.buttons["王经理"]), " "), "华南销售部", "赵六", "全公司")
		expect(t, c.presses("王经理", "华东销售部"), "什么指标")
		expect(t, c.presses("王经理", "回款"), "哪个周期")
		expect(t, c.presses("王经理", "本期"), "目标金额")
		expect(t, c.says("王经理", "-5"), "大于 0")
		expect(t, c.says("王经理", "9999999亿"), "不合理")
		expect(t, c.says("王经理", "10万"), "请确认", "华东销售部", "¥100,000")
		expect(t, c.presses("王经理", "保存"), "目标已设定", "拆分")
		expect(t, c.presses("王经理", "平均拆分"), "张三 ¥50,000", "李四 ¥50,000")
		expect(t, c.presses("王经理", "保存"), "每个人的目标")
		// A rep's own target now shows with progress: ¥60,000 of ¥50,000.
		expect(t, c.says("张三", "/target"), "本月回款 120%", "已完成")
		refute(t, c.says("张三", "/target set"), "给谁设目标")
		// Changing one rep's target makes the sum disagree: warned.
		c.says("王经理", "/target set")
		c.presses("王经理", "李四")
		c.presses("王经理", "回款")
		c.presses("王经理", "本期")
		c.says("王经理", "3万")
		expect(t, c.presses("王经理", "保存"), "合计 ¥80,000", "¥100,000")

		// Stats within scope, with a chart where fonts allow.
		got, imgs := c.saysWithImages("王经理", "/stats industry")
		expect(t, got, "客户行业分布（共 4 家）", "IT/软件 2（50%）", "制造业 1")
		if charts && (len(imgs) != 1 || len(imgs[0].PNG) < 1000) {
			t.Fatalf("no chart image: %v", imgs)
		}
		got, _ = c.saysWithImages("张三", "/stats top")
		expect(t, got, "回款客户 3 家", "前 1 家")
		got, _ = c.saysWithImages("王经理", "/stats funnel")
		expect(t, got, "初次沟通 4", "了解需求 2", "方案制定 2", "→ 下一阶段 50.0%")
		got, _ = c.saysWithImages("王经理", "/stats ranking")
		expect(t, got, "1.张三 ¥60,000", "2.李四 ¥40,000")
		refute(t, got, "赵六")
		expect(t, c.says("张三", "/stats nonsense"), "没有「nonsense」")
		got, _ = c.saysWithImages("赵六", "/stats industry")
		expect(t, got, "还没有数据")

		// The manager's team summary.
		got, imgs = c.saysWithImages("王经理", "/team")
		expect(t, got, "华东销售部", "日报：已交 0/2")
		if charts && len(imgs) != 1 {
			t.Fatalf("team chart: %v", imgs)
		}
		expect(t, c.says("张三", "/team"), "只有主管或管理员")

		// The evening digest carries the team's charts.
		dg := crm.OutboxItem{Kind: crm.PushDigest, UserID: mgr.ID, Payload: `{"date":"2026-11-29"}`}
		ms, err := c.bot.RenderPush(ctx, dg, crm.Identity{Channel: "telegram", ChatID: "王经理", UserID: mgr.ID})
		if err != nil || len(ms) == 0 {
			t.Fatal(ms, err)
		}
		expect(t, ms[0].Text, "华东销售部")
		if charts && (len(ms) != 3 || ms[1].Image == nil || ms[2].Image == nil) {
			t.Fatalf("digest charts: %d messages", len(ms))
		}
	})
}

func labels(bs []crm.Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Text)
	}
	return out
}

func TestChatTransferRequestsAndHandover(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		mgr := c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		b := c.person("李四", crm.RoleRep, east.ID)
		cust, _ := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID})
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID})

		// Rep B is refused and asks to collaborate.
		c.says("李四", "/new")
		expect(t, c.says("李四", "青禾新锐科技（北京）有限公司"), "张三")
		expect(t, c.presses("李四", "申请协作"), "已向客户负责人的主管申请协作")
		expect(t, c.says("李四", fmt.Sprintf("/transfer request #%d collaborate", cust.ID)), "已经申请过")
		// Asking for a customer never claimed: nothing.
		other, _ := db.FindCustomers(ctx, crm.Scope{All: true}, "瑞丰", 1, 0)
		expect(t, c.says("李四", fmt.Sprintf("/transfer request #%d transfer", other[0].ID)), "没有找到")

		// The manager's card, with buttons that decide.
		pushes := func(kind string) []crm.OutboxItem {
			items, _ := db.OutboxItems(ctx, crm.OutboxPending, 50)
			var out []crm.OutboxItem
			for _, it := range items {
				if it.Kind == kind {
					out = append(out, it)
				}
			}
			return out
		}
		req := pushes(crm.PushTransferRequest)
		if len(req) != 1 || req[0].UserID != mgr.ID {
			t.Fatalf("request pushes: %+v", req)
		}
		ms, err := c.bot.RenderPush(ctx, req[0], crm.Identity{Channel: "telegram", ChatID: "王经理", ExternalID: "王经理", UserID: mgr.ID})
		if err != nil || len(ms) != 1 {
			t.Fatal(ms, err)
		}
		expect(t, ms[0].Text, "李四 申请协作跟进「北京青禾新锐科技有限公司」（归属 张三）")
		c.buttons["王经理"] = ms[0].Buttons[0]
		expect(t, c.presses("王经理", "同意"), "已同意")
		if got := pushes(crm.PushTransferDecided); len(got) != 2 {
			t.Fatalf("decision pushes: %+v", got)
		}
		// The collaborator finds it and logs a visit, but cannot move the deal.
		expect(t, c.says("李四", "/find 青禾"), "北京青禾新锐科技有限公司")
		expect(t, c.says("李四", "/visit 青禾"), "这次沟通了什么")
		c.says("李四", "一起拜访了王总")
		expect(t, c.says("李四", "-"), "已记录")
		refute(t, c.says("李四", "/stage 青禾"), "哪个阶段")
		c.says("李四", "/cancel")

		// A transfer request, approved, moves the customer.
		c.says("李四", "/new")
		c.says("李四", "青禾新锐科技有限公司")
		expect(t, c.presses("李四", "申请转给我"), "申请转给你")
		req = pushes(crm.PushTransferRequest)
		var latest crm.OutboxItem
		for _, it := range req {
			if it.ID > latest.ID {
				latest = it
			}
		}
		ms, _ = c.bot.RenderPush(ctx, latest, crm.Identity{Channel: "telegram", ChatID: "王经理", ExternalID: "王经理", UserID: mgr.ID})
		c.buttons["王经理"] = ms[0].Buttons[0]
		expect(t, c.presses("王经理", "同意"), "已同意")
		got, _ := db.Customer(ctx, cust.ID)
		if got.OwnerID != b.ID {
			t.Fatalf("owner after transfer: %d", got.OwnerID)
		}
		// A second press of the old card: already decided.
		expect(t, c.says("王经理", fmt.Sprintf("/transfer reject #%d", 2)), "已经处理过")

		// Handover: rep A leaves; everything goes to rep B in one step.
		expect(t, c.says("王经理", "/handover"), "交接谁的客户")
		expect(t, c.presses("王经理", "张三"), "交给谁")
		expect(t, c.presses("王经理", "李四"), "1 家客户")
		expect(t, c.presses("王经理", "全部"), "确认交接", "张三 → 李四")
		expect(t, c.presses("王经理", "确认交接"), "已交接 1 家客户")
		if n, _ := db.CountOwned(ctx, a.ID); n != 0 {
			t.Fatalf("A still owns %d", n)
		}
		expect(t, c.says("张三", "/handover"), "只有主管或管理员")
	})
}

func TestChatAdminAndHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.person("老板", crm.RoleAdmin, 0)
		a := c.person("张三", crm.RoleRep, 0)
		c.person("李四", crm.RoleRep, 0)
		expect(t, c.says("老板", "/admin dept add 华东销售部"), "已添加部门")
		expect(t, c.says("老板", "/admin dept add 上海组 华东销售部"), "已添加部门")
		expect(t, c.says("老板", "/admin depts"), "华东销售部", "  · 上海组")
		expect(t, c.says("老板", "/admin move 张三 上海组"), "调到「上海组」")
		expect(t, c.says("老板", "/admin role 李四 manager"), "主管")
		expect(t, c.says("老板", "/admin users"), "张三 · 销售 · 上海组", "李四 · 主管")
		expect(t, c.says("张三", "/admin users"), "只有")

		// History of a customer: who did what, when.
		cust, _ := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID})
		c.says("张三", "/visit 瑞丰")
		c.says("张三", "拜访刘总，谈了报价")
		c.says("张三", "-")
		got := c.says("张三", "/customer 瑞丰 history")
		expect(t, got, "变更记录", "张三 记录跟进：拜访刘总，谈了报价", "创建了客户")

		// Deactivation waits for a handover, then unbinds at once.
		expect(t, c.says("老板", "/admin deactivate 张三"), "还有 1 家客户")
		expect(t, c.presses("老板", "先交接"), "交给谁")
		c.presses("老板", "李四")
		c.presses("老板", "全部")
		expect(t, c.presses("老板", "确认交接"), "已交接 1 家客户")
		expect(t, c.says("老板", "/admin deactivate 张三"), "已停用 张三")
		expect(t, c.says("张三", "/my"), "邀请码") // unbound now
		got = c.says("老板", fmt.Sprintf("/customer #%d history", cust.ID))
		expect(t, got, "交接：张三 → 李四")
		expect(t, c.says("老板", "/admin deactivate 老板"), "不能停用你自己")
		expect(t, c.says("老板", "/admin group wecom appchat:wrk123 华东销售部"), "华东销售部")
		gs, _ := db.Groups(ctx)
		if len(gs) != 1 || gs[0].ChatID != "appchat:wrk123" || gs[0].Channel != "wecom" {
			t.Fatalf("groups: %+v", gs)
		}
	})
}

func TestChatExports(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newChat(t, db)
	ctx := context.Background()
	c.person("老板", crm.RoleAdmin, 0)
	a := c.person("张三", crm.RoleRep, 0)
	db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID, Industry: "制造业"})
	files := func(who, text string) ([]*crm.File, string) {
		replies := c.bot.Handle(ctx, bot.Update{Channel: "telegram", ChatID: who, UserID: who, Text: text})
		var fs []*crm.File
		var texts []string
		for _, m := range replies {
			if m.File != nil {
				fs = append(fs, m.File)
			}
			texts = append(texts, m.Text)
		}
		return fs, strings.Join(texts, "\n")
	}
	for _, cmd := range []string{"/export", "/export stats industry", "/export stats ranking", "/export reports day", "/export audit"} {
		fs, text := files("老板", cmd)
		if len(fs) != 1 || !strings.HasSuffix(fs[0].Name, ".xlsx") || !bytes.HasPrefix(fs[0].Data, []byte("PK")) {
			t.Fatalf("%s: %q %v", cmd, text, fs)
		}
	}
	if fs, text := files("张三", "/export audit"); len(fs) != 0 || !strings.Contains(text, "只有") {
		t.Fatalf("rep exported the audit log: %q", text)
	}
	if fs, _ := files("张三", "/export"); len(fs) != 1 {
		t.Fatal("rep's own export")
	}
	_, text := files("张三", "/export nonsense")
	expect(t, text, "用法")
}

func TestChatDocumentsOnlyForAdmins(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newChat(t, db)
	c.person("张三", crm.RoleRep, 0)
	c.person("老板", crm.RoleAdmin, 0)
	fetched := false
	doc := &bot.Document{Name: "list.csv", Fetch: func(context.Context) ([]byte, error) {
		fetched = true
		return []byte("公司名称\n瑞丰机械有限公司\n"), nil
	}}
	got := c.handle("张三", bot.Update{Channel: "telegram", ChatID: "张三", UserID: "张三", Document: doc})
	expect(t, got, "只有管理员")
	if fetched {
		t.Fatal("a rep's file was downloaded")
	}
	pdf := func(context.Context) ([]byte, error) { return []byte("%PDF-1.4\n1 0 obj\n"), nil }
	expect(t, c.handle("老板", bot.Update{Channel: "telegram", ChatID: "老板", UserID: "老板", Document: &bot.Document{Name: "x.pdf", Fetch: pdf}}), "📎 收到「x.pdf」")
	expect(t, c.handle("老板", bot.Update{Channel: "telegram", ChatID: "老板", UserID: "老板", Document: doc, Text: "预检"}), "预检", "可导入 1")
	if n, _ := db.CountCustomers(context.Background(), crm.Scope{All: true}); n != 0 {
		t.Fatalf("dry run wrote %d customers", n)
	}
	expect(t, c.handle("老板", bot.Update{Channel: "telegram", ChatID: "老板", UserID: "老板", Document: doc}), "导入 1")
}
