package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// pendingPushes lists the queued pushes of a kind to a user.
func pendingPushes(t *testing.T, db *store.DB, kind string, userID int64) []crm.OutboxItem {
	t.Helper()
	items, err := db.OutboxItems(context.Background(), crm.OutboxPending, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []crm.OutboxItem
	for _, it := range items {
		if it.Kind == kind && it.UserID == userID {
			out = append(out, it)
		}
	}
	return out
}

// renderFor renders a push into a person's chat.
func (c *chat) renderFor(who string, it crm.OutboxItem) string {
	c.t.Helper()
	u := c.users[who]
	ms, err := c.bot.RenderPush(context.Background(), it, crm.Identity{Channel: "telegram", ChatID: who, ExternalID: who, UserID: u.ID})
	if err != nil {
		c.t.Fatal(err)
	}
	var out string
	var buttons []crm.Button
	for _, m := range ms {
		out += m.Text
		for _, row := range m.Buttons {
			buttons = append(buttons, row...)
		}
	}
	if len(ms) > 0 {
		c.buttons[who] = buttons
	}
	return out
}

// Nothing disappears (#14 item 12c): a collaboration request asked of
// 张三 is void once a handover gives the customer to 王五 — its status
// says so, the requester is told through the outbox, the manager's card
// no longer offers a decision.
func TestChatVoidedRequestTellsTheRequester(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		mgr := c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		b := c.person("李四", crm.RoleRep, east.ID)
		c.person("王五", crm.RoleRep, east.ID)
		cust, _ := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID})

		c.says("李四", "/new")
		expect(t, c.says("李四", "青禾新锐科技（北京）有限公司"), "张三")
		expect(t, c.presses("李四", "申请协作"), "已向客户负责人的主管申请协作")
		cards := pendingPushes(t, db, crm.PushTransferRequest, mgr.ID)
		if len(cards) != 1 {
			t.Fatalf("request cards: %+v", cards)
		}

		expect(t, c.says("王经理", "/handover"), "交接谁的客户")
		c.presses("王经理", "张三")
		c.presses("王经理", "王五")
		c.presses("王经理", "全部")
		expect(t, c.presses("王经理", "确认交接"), "已交接 1 家客户")

		const id = 1 // the one request of a fresh database
		req, err := db.TransferRequest(ctx, id)
		if err != nil || req.CustomerID != cust.ID || req.Status != crm.RequestVoid {
			t.Fatalf("request after the handover: %+v %v", req, err)
		}
		told := pendingPushes(t, db, crm.PushTransferDecided, b.ID)
		if len(told) != 1 {
			t.Fatalf("pushes to the requester: %+v", told)
		}
		expect(t, c.renderFor("李四", told[0]), "作废", "北京青禾新锐科技有限公司", "王五")
		if got := c.renderFor("王经理", cards[0]); got != "" {
			t.Fatalf("the manager's old card still asks: %q", got)
		}
		expect(t, c.says("王经理", fmt.Sprintf("/transfer approve #%d", id)), "作废")

		// English readers are told in English.
		c.says("李四", "/lang en")
		expect(t, c.renderFor("李四", told[0]), "void", "王五")

		// A request left pending by a move made before moves voided
		// requests (here: the owner changed behind its back) is voided
		// when the manager presses it, and its requester hears so.
		c.says("李四", "/lang zh")
		expect(t, c.says("李四", fmt.Sprintf("/transfer request #%d transfer", cust.ID)), "已向客户负责人的主管申请转给你")
		if _, err := db.SQL().ExecContext(ctx, db.SQL().Rebind(`UPDATE customers SET owner_id = ? WHERE id = ?`), a.ID, cust.ID); err != nil {
			t.Fatal(err)
		}
		expect(t, c.says("王经理", "/transfer approve #2"), "作废")
		if req, _ := db.TransferRequest(ctx, 2); req.Status != crm.RequestVoid {
			t.Fatalf("stuck request: %+v", req)
		}
		if told := pendingPushes(t, db, crm.PushTransferDecided, b.ID); len(told) != 2 {
			t.Fatalf("pushes to the requester: %+v", told)
		}
		if got, _ := db.Customer(ctx, cust.ID); got.OwnerID != a.ID {
			t.Fatalf("a void request moved the customer: %+v", got)
		}
	})
}

// Nothing disappears (#14 item 12d): a manager's /today lists the
// requests waiting for their decision, each with its own buttons; a
// manager of another team sees none of them.
func TestChatManagerTodayListsPendingRequests(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		west, _ := db.CreateDepartment(ctx, 0, "西南销售部", 0)
		c.person("王经理", crm.RoleManager, east.ID)
		c.person("刘经理", crm.RoleManager, west.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		c.person("李四", crm.RoleRep, east.ID)
		c.person("赵六", crm.RoleRep, west.ID)
		qh, _ := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID})
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID})

		c.says("李四", "/new")
		c.says("李四", "青禾新锐科技（北京）有限公司")
		expect(t, c.presses("李四", "申请协作"), "申请协作")
		c.says("赵六", "/new")
		c.says("赵六", "瑞丰机械有限公司")
		expect(t, c.presses("赵六", "申请转给我"), "申请转给你")

		got := c.says("王经理", "/today")
		expect(t, got, "待你处理的申请 2 件", "李四 申请协作跟进「北京青禾新锐科技有限公司」（归属 张三）", "赵六 申请把「瑞丰机械有限公司」")
		var approve, reject int
		for _, b := range c.buttons["王经理"] {
			if strings.Contains(b.Text, "同意") {
				approve++
			}
			if strings.Contains(b.Text, "拒绝") {
				reject++
			}
		}
		if approve != 2 || reject != 2 {
			t.Fatalf("buttons: %+v", c.buttons["王经理"])
		}
		// Each item's own buttons: the first approves 李四's request.
		expect(t, c.presses("王经理", "同意"), "已同意", "李四")
		got = c.says("王经理", "/today")
		expect(t, got, "待你处理的申请 1 件", "赵六")
		refute(t, got, "李四 申请")
		expect(t, c.says("李四", "/find 青禾"), qh.Name)

		refute(t, c.says("刘经理", "/today"), "申请")
		refute(t, c.says("张三", "/today"), "待你处理的申请")

		c.says("王经理", "/lang en")
		expect(t, c.says("王经理", "/today"), "Requests waiting for you: 1", "赵六 asks for")
	})
}

// exportRows is what "/export ..." sends a person, read back from its
// spreadsheet: every row of the first sheet.
func (c *chat) exportRows(who, cmd string) [][]string {
	c.t.Helper()
	replies := c.bot.Handle(context.Background(), bot.Update{Channel: "telegram", ChatID: who, UserID: who, Text: cmd})
	for _, m := range replies {
		if m.File == nil {
			continue
		}
		f, err := excelize.OpenReader(bytes.NewReader(m.File.Data))
		if err != nil {
			c.t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			c.t.Fatal(err)
		}
		return rows
	}
	c.t.Fatalf("%s: no file in %+v", cmd, replies)
	return nil
}

// Nothing disappears (#14 item 12a): 张三 files his daily report, then
// leaves (handed over, deactivated) the same day. His filed report stays
// in the manager's export, in /report team and in the digest's count; a
// deactivated rep who filed nothing is not counted as missing.
func TestChatDeactivatedRepsReportsStay(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		mgr := c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)
		c.person("李四", crm.RoleRep, east.ID)
		gone := c.person("赵六", crm.RoleRep, east.ID)
		db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: a.ID})

		c.says("张三", "/report")
		expect(t, c.says("张三", "客户对价格敏感，明天约技术交流。"), "日报已提交")
		c.says("李四", "/report")
		expect(t, c.says("李四", "今天整理了客户名单。"), "日报已提交")
		for _, u := range []crm.User{a, gone} {
			if _, err := db.Handover(ctx, mgr.ID, u.ID, c.users["李四"].ID, nil, c.now); err != nil {
				t.Fatal(err)
			}
			if err := db.SetActive(ctx, mgr.ID, u.ID, false); err != nil {
				t.Fatal(err)
			}
		}

		rows := c.exportRows("王经理", "/export reports day")
		var zs []string
		for _, r := range rows {
			if len(r) > 0 && r[0] == "张三" {
				zs = r
			}
			if len(r) > 0 && r[0] == "赵六" {
				t.Fatalf("a deactivated rep who filed nothing is listed: %v", r)
			}
		}
		if len(zs) < 4 || zs[3] != "客户对价格敏感，明天约技术交流。" {
			t.Fatalf("张三's report in the export: %v (rows %v)", zs, rows)
		}
		expect(t, c.says("王经理", "/report team"), "已交 2/2")
		expect(t, c.presses("王经理", "张三"), "客户对价格敏感")

		dg := crm.OutboxItem{Kind: crm.PushDigest, UserID: mgr.ID, Payload: `{"date":"2026-11-29"}`}
		got := c.renderFor("王经理", dg)
		expect(t, got, "日报：已交 2/2")
		refute(t, got, "赵六")
	})
}

// Nothing disappears (#14 item 12b): 张三 re-opens /report for a day he
// filed and sees what he wrote and his manager's comment; he can add to
// it, leave it as it is, or write it anew — the comment stays.
func TestChatReopenedReportShowsTextAndComment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		c.person("王经理", crm.RoleManager, east.ID)
		a := c.person("张三", crm.RoleRep, east.ID)

		c.says("张三", "/report")
		expect(t, c.says("张三", "客户对价格敏感，明天约技术交流。"), "日报已提交")
		c.says("王经理", "/report team")
		c.presses("王经理", "张三")
		c.presses("王经理", "点评")
		expect(t, c.says("王经理", "很好，记得带样品。"), "点评已发给 张三")

		got := c.says("张三", "/report")
		expect(t, got, "客户对价格敏感，明天约技术交流。", "王经理", "很好，记得带样品。")
		expect(t, c.presses("张三", "补充"), "补充什么")
		expect(t, c.says("张三", "下午又约了刘总。"), "日报已提交")
		rp, err := db.ReportFor(ctx, a.ID, crm.PeriodDay, "2026-11-29")
		if err != nil || rp.Text != "客户对价格敏感，明天约技术交流。\n下午又约了刘总。" || rp.Comment != "很好，记得带样品。" {
			t.Fatalf("amended report: %+v %v", rp, err)
		}

		expect(t, c.says("张三", "/report"), "下午又约了刘总。")
		expect(t, c.presses("张三", "不改"), "没有改动")
		if again, _ := db.ReportFor(ctx, a.ID, crm.PeriodDay, "2026-11-29"); again.Text != rp.Text {
			t.Fatalf("kept report changed: %q", again.Text)
		}

		c.says("张三", "/report")
		expect(t, c.says("张三", "重写：明天上午技术交流。"), "日报已提交")
		if again, _ := db.ReportFor(ctx, a.ID, crm.PeriodDay, "2026-11-29"); again.Text != "重写：明天上午技术交流。" || again.Comment != "很好，记得带样品。" {
			t.Fatalf("rewritten report: %+v", again)
		}

		c.says("张三", "/lang en")
		expect(t, c.says("张三", "/report"), "You filed", "重写：明天上午技术交流。", "王经理", "很好，记得带样品。")
		c.says("张三", "/cancel")
	})
}
