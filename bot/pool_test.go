package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/scheduler"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// poolRules rebuilds the chat's bot with the pool's numbers.
func (c *chat) poolRules(r crm.PoolRules) {
	c.bot = bot.New(bot.Options{Store: c.db, Sales: sales.New(c.db), Sheets: sheet.Service{Sales: sales.New(c.db), StageName: conversation.SheetStageName},
		Now: func() time.Time { return c.now }, Location: c.loc, DefaultLang: "zh", StaleDays: 14, Pool: r})
}

// poolCustomer adds a customer owned by who ("" for the pool), created at.
func (c *chat) poolCustomer(who, name string, at time.Time) crm.Customer {
	c.t.Helper()
	owner := c.users[who].ID
	cu, err := c.db.CreateCustomer(context.Background(), owner, crm.Customer{Name: name, OwnerID: owner, CreatedAt: at})
	if err != nil {
		c.t.Fatal(err)
	}
	return cu
}

// poolJob runs the job pool_release at the chat's clock, as an instance's
// scheduler does.
func (c *chat) poolJob(r crm.PoolRules) {
	c.t.Helper()
	s := scheduler.New(scheduler.Options{Store: c.db, Sales: sales.New(c.db), Location: c.loc, Now: func() time.Time { return c.now }, Pool: r})
	if err := s.RunJob(context.Background(), scheduler.JobPoolRelease); err != nil {
		c.t.Fatal(err)
	}
}

// poolOwner is who owns a customer now (0: the pool).
func (c *chat) poolOwner(id int64) int64 {
	c.t.Helper()
	cu, err := c.db.Customer(context.Background(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return cu.OwnerID
}

// poolHistory lists the actions of a customer's history, oldest first.
func (c *chat) poolHistory(id int64) []string {
	c.t.Helper()
	h, err := c.db.CustomerHistory(context.Background(), id, 50)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Entity == "customer" {
			out = append(out, h[i].Action)
		}
	}
	return out
}

// A customer nobody works goes to the pool by the nightly rule: its owner
// is warned on the workbench 3 days before, the job releases it (and not
// the customers a deal in negotiation or money due protects), a second run
// releases nothing more, the former owner is told, the manager's digest
// counts it, and another rep claims it from /pool.
func TestChatPoolReleaseByRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张三", "李四")
		rules := crm.DefaultPoolRules()
		c.poolRules(rules)
		created := c.now.AddDate(0, 0, -28) // 1 November
		qinghe := c.poolCustomer("张三", "北京青禾新锐科技有限公司", created)
		hengtong := c.poolCustomer("张三", "恒通物流有限公司", created)
		mingyuan := c.poolCustomer("张三", "上海明远贸易有限公司", created)
		if _, err := db.SaveDeal(ctx, c.users["张三"].ID, crm.Deal{CustomerID: hengtong.ID, OwnerID: c.users["张三"].ID, Stage: crm.StageNegotiation, WinPct: 80}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddPaymentPlan(ctx, c.users["张三"].ID, crm.PaymentPlan{CustomerID: mingyuan.ID, Amount: crm.Yuan(5000), DueDate: "2027-01-15", CreatedBy: c.users["张三"].ID}); err != nil {
			t.Fatal(err)
		}

		// 29 November: the warning, with a button to log a visit.
		got := c.says("张三", "/today")
		expect(t, got, "即将进入公海", "青禾新锐科技 3 天后进入公海")
		refute(t, got, "恒通物流 3 天", "明远贸易 3 天")
		expect(t, strings.Join(labels(c.buttons["张三"]), " "), "青禾新锐")
		c.poolJob(rules) // too early: nothing
		if c.poolOwner(qinghe.ID) == 0 {
			t.Fatal("released 3 days early")
		}

		// 2 December 02:00: released; run twice, nothing more.
		c.now = time.Date(2026, 12, 2, 2, 0, 0, 0, c.loc)
		c.poolJob(rules)
		if c.poolOwner(qinghe.ID) != 0 {
			t.Fatal("not released on 2 December")
		}
		for _, cu := range []crm.Customer{hengtong, mingyuan} {
			if c.poolOwner(cu.ID) == 0 {
				t.Fatalf("%s released: it is protected", cu.Name)
			}
		}
		c.now = c.now.Add(time.Minute)
		c.poolJob(rules)
		pushes := c.pending(crm.PushPoolReleased)
		if len(pushes) != 1 || pushes[0].UserID != c.users["张三"].ID {
			t.Fatalf("pool pushes: %+v", pushes)
		}
		var moves int
		db.SQL().Get(&moves, `SELECT COUNT(*) FROM pool_moves`)
		if moves != 1 {
			t.Fatalf("%d moves after two runs, want 1", moves)
		}
		expect(t, c.renderFor("张三", pushes[0]), "青禾新锐科技 已进入公海", "长期未跟进")
		refute(t, c.says("张三", "/my"), "青禾")
		refute(t, c.says("张三", "/today"), "青禾新锐科技 3 天后")

		// The manager's digest counts it.
		c.now = time.Date(2026, 12, 2, 18, 30, 0, 0, c.loc)
		digest := crm.NewPush("digest:test", crm.PushDigest, c.users["王经理"].ID, crm.DayPush{Date: "2026-12-02"})
		expect(t, c.renderFor("王经理", digest), "公海：现有 1 个客户，今天放入 1 个，领取 0 个")

		// 李四 finds it in the pool and claims it.
		got = c.says("李四", "/pool")
		expect(t, got, "公海客户 1 个", "北京青禾新锐科技有限公司", "长期未跟进", "12月2日 放入", "还没跟进")
		expect(t, c.presses("李四", "领取"), "已领取「北京青禾新锐科技有限公司」")
		if c.poolOwner(qinghe.ID) != c.users["李四"].ID {
			t.Fatal("not 李四's after the claim")
		}
		expect(t, c.says("李四", "/pool"), "公海里现在没有客户")
		expect(t, c.says("李四", "/my"), "北京青禾新锐科技有限公司")
		expect(t, c.says("王经理", "/customer 青禾 history"), "放入公海", "从公海领取")
		if h := strings.Join(c.poolHistory(qinghe.ID), " "); !strings.Contains(h, "pool_release pool_claim") {
			t.Fatalf("history: %s", h)
		}
		var audits int
		db.SQL().Get(&audits, db.SQL().Rebind(`SELECT COUNT(*) FROM audit_log WHERE entity = 'customer' AND entity_id = ? AND action IN ('pool_release', 'pool_claim')`), qinghe.ID)
		if audits != 2 {
			t.Fatalf("%d audit entries of pool moves, want 2", audits)
		}
	})
}

// A claim is refused, with the reason and nothing changed, past the daily
// claim limit, at the holding cap (won customers not counted), and for
// the rep it was released from within the cooldown; a name matching
// several pool customers lists them; an owned or unknown name is not in
// the pool.
func TestChatPoolClaimLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张三", "李四")
		rules := crm.DefaultPoolRules()
		rules.ClaimLimit, rules.MaxCustomers = 2, 3
		c.poolRules(rules)
		var pool []crm.Customer
		for _, n := range []string{"杭州甲乙贸易有限公司", "杭州丙丁贸易有限公司", "杭州戊己贸易有限公司", "杭州庚辛贸易有限公司"} {
			pool = append(pool, c.poolCustomer("", n, c.now.AddDate(0, 0, -3)))
		}
		expect(t, c.says("李四", "/pool 贸易"), "公海里「贸易」相关的客户 4 个")
		expect(t, c.says("李四", "/pool claim 贸易"), "公海里有 4 个客户和「贸易」相符")
		expect(t, c.says("李四", "/pool claim 不存在的公司"), "公海里没有「不存在的公司」")
		expect(t, c.says("李四", "/pool claim 甲乙"), "已领取「杭州甲乙贸易有限公司」")
		expect(t, c.says("李四", "/pool claim 甲乙"), "公海里没有「甲乙」")
		expect(t, c.says("李四", "/pool claim #"+fmt.Sprint(pool[0].ID)), "已经是你的客户")
		expect(t, c.says("李四", "/pool claim 丙丁"), "已领取")

		// The daily limit: 2 today.
		expect(t, c.says("李四", "/pool claim 戊己"), "今天已经领了 2 个")
		if c.poolOwner(pool[2].ID) != 0 {
			t.Fatal("claimed past the daily limit")
		}
		// Tomorrow: one more, then the cap of 3 customers held.
		c.now = c.now.AddDate(0, 0, 1)
		expect(t, c.says("李四", "/pool claim 戊己"), "已领取「杭州戊己贸易有限公司」")
		expect(t, c.says("李四", "/pool claim 庚辛"), "手上已有 3 个客户")
		if c.poolOwner(pool[3].ID) != 0 {
			t.Fatal("claimed past the cap")
		}
		// A won customer does not count.
		if _, err := db.SaveDeal(ctx, c.users["李四"].ID, crm.Deal{CustomerID: pool[0].ID, OwnerID: c.users["李四"].ID, Stage: crm.StageContract, WinPct: 100}); err != nil {
			t.Fatal(err)
		}
		expect(t, c.says("李四", "/pool claim 庚辛"), "已领取「杭州庚辛贸易有限公司」")

		// Cooldown: 张三 releases a customer by hand and cannot claim it back
		// for 7 days; 8 days later he can.
		mine := c.poolCustomer("张三", "苏州星河电子有限公司", c.now.AddDate(0, 0, -1))
		expect(t, c.says("张三", "/customer 星河"), "苏州星河电子有限公司")
		expect(t, c.presses("张三", "放入公海"), "选一个原因")
		expect(t, c.presses("张三", "联系不上"), "已把「苏州星河电子有限公司」放入公海")
		expect(t, c.says("张三", "/pool claim 星河"), "7 天内不能领回", "12月7日")
		if c.poolOwner(mine.ID) != 0 {
			t.Fatal("claimed back within the cooldown")
		}
		expect(t, c.says("李四", "/pool 星河"), "手动放入：联系不上")
		c.now = c.now.AddDate(0, 0, 8)
		expect(t, c.says("张三", "/pool claim 星河"), "已领取")
		if h := strings.Join(c.poolHistory(mine.ID), " "); !strings.Contains(h, "create pool_release pool_claim") {
			t.Fatalf("history: %s", h)
		}
	})
}

// A release by hand: the owner or their manager from the card with a
// reason of at most 200 characters; never with money due; the coming
// appointments go to the manager; a rep cannot release someone else's.
func TestChatPoolReleaseByHand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		_, mgr := c.team("王经理", "张三", "李四")
		cu := c.poolCustomer("张三", "北京青禾新锐科技有限公司", c.now.AddDate(0, 0, -10))
		ref := "#" + fmt.Sprint(cu.ID)
		expect(t, c.says("张三", "/pool release "+ref+" "+strings.Repeat("长", 201)), "最多 200 个字")
		expect(t, c.says("李四", "/pool release 青禾 不想跟了"), "没找到")
		if c.poolOwner(cu.ID) == 0 {
			t.Fatal("released by a bad request")
		}
		plan, err := db.AddPaymentPlan(ctx, c.users["张三"].ID, crm.PaymentPlan{CustomerID: cu.ID, Amount: crm.Yuan(100), DueDate: "2026-12-20", CreatedBy: c.users["张三"].ID})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, c.says("张三", "/pool release "+ref+" 客户没预算"), "没收完的回款计划")
		if _, err := db.AddPayment(ctx, c.users["张三"].ID, crm.Payment{CustomerID: cu.ID, PlanID: plan.ID, Amount: crm.Yuan(100), ReceivedOn: "2026-11-29", UserID: c.users["张三"].ID}); err != nil {
			t.Fatal(err)
		}
		appt, err := db.AddAppointment(ctx, c.users["张三"].ID, crm.Appointment{CustomerID: cu.ID, UserID: c.users["张三"].ID, At: c.now.Add(48 * time.Hour), Purpose: "演示"})
		if err != nil {
			t.Fatal(err)
		}
		// The manager releases it from the card.
		expect(t, c.says("王经理", "/customer 青禾"), "北京青禾新锐科技有限公司")
		expect(t, c.presses("王经理", "放入公海"), "选一个原因")
		expect(t, c.presses("王经理", "客户暂无需求"), "已把「北京青禾新锐科技有限公司」放入公海")
		if c.poolOwner(cu.ID) != 0 {
			t.Fatal("not in the pool")
		}
		if a, _ := db.Appointment(ctx, appt.ID); a.UserID != mgr.ID {
			t.Fatalf("appointment with %d, want the manager %d", a.UserID, mgr.ID)
		}
		expect(t, c.says("王经理", "/pool release "+ref+" 再放一次"), "已经在公海里")
		refute(t, c.says("张三", "/my"), "青禾")
		h, _ := db.CustomerHistory(ctx, cu.ID, 10)
		if len(h) == 0 || h[0].Action != "pool_release" || h[0].UserID != mgr.ID || !strings.Contains(h[0].After, "客户暂无需求") {
			t.Fatalf("history: %+v", h)
		}
	})
}

// Twenty reps claim the same pool customer at the same moment on
// PostgreSQL: one wins, the nineteen others are told it is taken, and
// only one claim is recorded.
func TestPoolConcurrentClaims(t *testing.T) {
	db := storetest.OpenPostgres(t)
	c := newChat(t, db)
	cu := c.poolCustomer("", "北京青禾新锐科技有限公司", c.now.AddDate(0, 0, -1))
	const n = 20
	for i := 0; i < n; i++ {
		c.person(fmt.Sprintf("rep%02d", i), crm.RoleRep, 0)
	}
	var wg sync.WaitGroup
	replies := make([]string, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			who := fmt.Sprintf("rep%02d", i)
			<-start
			var texts []string
			for _, m := range c.bot.Handle(context.Background(), bot.Update{Channel: "telegram", ChatID: who, UserID: who, UserName: who, Text: "/pool claim #" + fmt.Sprint(cu.ID)}) {
				texts = append(texts, m.Text)
			}
			replies[i] = strings.Join(texts, "\n")
		}(i)
	}
	close(start)
	wg.Wait()
	won, told := 0, 0
	for _, r := range replies {
		switch {
		case strings.Contains(r, "已领取"):
			won++
		case strings.Contains(r, "已经被别人领走了"):
			told++
		default:
			t.Errorf("reply %q", r)
		}
	}
	if won != 1 || told != n-1 {
		t.Fatalf("%d won, %d told it is taken", won, told)
	}
	var claims int
	db.SQL().Get(&claims, `SELECT COUNT(*) FROM pool_moves WHERE kind = 'claim'`)
	if claims != 1 || c.poolOwner(cu.ID) == 0 {
		t.Fatalf("%d claims recorded, owner %d", claims, c.poolOwner(cu.ID))
	}
}

// /new of a pool customer's name offers [领取] (through the same limits)
// instead of a refusal or a duplicate, and alerts no one.
func TestChatPoolNewOffersClaim(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		c.team("王经理", "张三", "李四")
		cu := c.poolCustomer("", "北京青禾新锐科技有限公司", c.now.AddDate(0, 0, -3))
		c.says("李四", "/new")
		got := c.says("李四", "青禾新锐科技（北京）有限公司")
		expect(t, got, "在公海里", "领取")
		refute(t, got, "认领")
		if n := len(c.pending(crm.PushDuplicateClaim)); n != 0 {
			t.Fatalf("%d duplicate-claim alerts for a pool customer", n)
		}
		expect(t, c.presses("李四", "领取"), "已领取「北京青禾新锐科技有限公司」")
		if c.poolOwner(cu.ID) != c.users["李四"].ID {
			t.Fatal("not claimed")
		}
		var customers int
		db.SQL().Get(&customers, `SELECT COUNT(*) FROM customers`)
		if customers != 1 {
			t.Fatalf("%d customers, want 1", customers)
		}
	})
}

// The pool in English reads no Chinese: the release from the card, the
// list, the claim.
func TestChatPoolEnglish(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "East Sales", 0)
		c.person("Grace", crm.RoleManager, east.ID)
		c.person("Alice", crm.RoleRep, east.ID)
		c.person("Bob", crm.RoleRep, east.ID)
		for _, who := range []string{"Grace", "Alice", "Bob"} {
			c.says(who, "/lang en")
		}
		c.poolCustomer("Alice", "Acme Trading Co., Ltd.", c.now.AddDate(0, 0, -2))
		check := func(who, reply string, wants ...string) {
			t.Helper()
			expect(t, reply, wants...)
			all := reply + "\n" + strings.Join(labels(c.buttons[who]), " | ")
			if found := chinese.FindAllString(all, -1); len(found) > 0 {
				t.Errorf("%s: Chinese %q in\n%s", who, found, all)
			}
		}
		check("Alice", c.says("Alice", "/customer Acme"), "Acme Trading")
		check("Alice", c.presses("Alice", "Release to pool"), "pick a reason")
		check("Alice", c.presses("Alice", "Cannot be reached"), "Acme Trading Co., Ltd. is in the pool now")
		check("Bob", c.says("Bob", "/pool"), "1 customer in the pool", "released by hand: Cannot be reached", "on 29 Nov")
		check("Bob", c.presses("Bob", "Claim"), "You claimed Acme Trading Co., Ltd.")
		check("Alice", c.says("Alice", "/pool claim Acme"), "No pool customer matches")
	})
}

// A manager sends a rep's whole book to the pool (a rep leaving): the
// customers with money due stay for a handover, coming appointments go to
// the manager, every release is in the history; a rep cannot.
func TestChatPoolReleaseBook(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		_, mgr := c.team("王经理", "张三", "李四")
		zs := c.users["张三"].ID
		a := c.poolCustomer("张三", "北京青禾新锐科技有限公司", c.now.AddDate(0, 0, -10))
		b := c.poolCustomer("张三", "恒通物流有限公司", c.now.AddDate(0, 0, -10))
		owing := c.poolCustomer("张三", "上海明远贸易有限公司", c.now.AddDate(0, 0, -10))
		if _, err := db.AddPaymentPlan(ctx, zs, crm.PaymentPlan{CustomerID: owing.ID, Amount: crm.Yuan(100), DueDate: "2026-12-20", CreatedBy: zs}); err != nil {
			t.Fatal(err)
		}
		appt, err := db.AddAppointment(ctx, zs, crm.Appointment{CustomerID: b.ID, UserID: zs, At: c.now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		c.says("李四", "/pool release-all 张三")
		if c.poolOwner(a.ID) != zs {
			t.Fatal("a rep released a colleague's book")
		}
		got := c.says("王经理", "/pool release-all 张三 离职")
		expect(t, got, "已把 2 个客户从 张三 名下放入公海", "1 个客户还有没收完的回款")
		expect(t, strings.Join(labels(c.buttons["王经理"]), " "), "先交接客户")
		for _, cu := range []crm.Customer{a, b} {
			if c.poolOwner(cu.ID) != 0 {
				t.Fatalf("%s not in the pool", cu.Name)
			}
			if h := strings.Join(c.poolHistory(cu.ID), " "); !strings.HasSuffix(h, "pool_release") {
				t.Fatalf("%s history: %s", cu.Name, h)
			}
		}
		if c.poolOwner(owing.ID) != zs {
			t.Fatal("a customer with money due went to the pool")
		}
		if ap, _ := db.Appointment(ctx, appt.ID); ap.UserID != mgr.ID {
			t.Fatalf("appointment with %d, want the manager", ap.UserID)
		}
		expect(t, c.says("李四", "/pool"), "公海客户 2 个", "手动放入：离职")
	})
}
