package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A new rep binds with a deep-link code and adds a customer, pressing
// buttons; the confirmation card becomes the receipt.
func TestPollingBindAndNewCustomer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.startPolling()
		ctx := context.Background()
		dept, err := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateInvite(ctx, crm.Invite{Code: "TG7KQ2M9", Role: crm.RoleRep, DeptID: dept.ID, CreatedAt: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		const zhang = 5001
		h.fake.SetUser(faketelegram.User{ID: zhang, FirstName: "张", LastName: "三", LanguageCode: "zh-hans"})

		// An unbound stranger gets onboarding only.
		h.says(zhang, "/today", "邀请码")
		// t.me/<bot>?start=CODE arrives as "/start CODE".
		h.says(zhang, "/start TG7KQ2M9", "欢迎，张三", "华东销售部")
		u, err := db.IdentityUser(ctx, Name, "5001")
		if err != nil || u.Name != "张三" || u.Role != crm.RoleRep {
			t.Fatalf("bound user: %+v, %v", u, err)
		}
		ids, _ := db.Identities(ctx, u.ID)
		if len(ids) != 1 || ids[0].ChatID != "5001" || !ids[0].Reachable {
			t.Fatalf("identities: %+v", ids)
		}

		h.says(zhang, "/new", "客户公司全称")
		ind := h.says(zhang, "北京青禾新锐科技有限公司", "行业")
		if len(ind.Keyboard) == 0 {
			t.Fatalf("industry prompt has no keyboard: %+v", ind)
		}
		h.presses(zhang, "IT/软件", "规模")
		h.presses(zhang, "50-199人", "地区")
		h.presses(zhang, "北京", "客户来源")
		h.presses(zhang, "老客户介绍", "联系人")
		card := h.says(zhang, "王经理 13800138000", "请确认", "北京青禾新锐科技有限公司", "13800138000")
		if !strings.Contains(keyboardLabels(card.Keyboard), "保存") {
			t.Fatalf("card has no save button: %v", card.Keyboard)
		}
		receipt := h.presses(zhang, "保存", "已保存「北京青禾新锐科技有限公司」")
		if receipt.Method != "editMessageText" || receipt.MessageID != card.MessageID {
			t.Fatalf("the card was not edited into the receipt: %+v (card #%d)", receipt, card.MessageID)
		}
		var shown faketelegram.Message
		for _, m := range h.fake.Messages(zhang) {
			if m.ID == card.MessageID {
				shown = m
			}
		}
		if !strings.Contains(shown.Text, "已保存") || strings.Contains(keyboardLabels(shown.Keyboard), "保存]") || shown.Edits != 1 {
			t.Fatalf("card after saving: %+v", shown)
		}

		cs, err := db.FindCustomers(ctx, crm.Scope{All: true}, "青禾", 5, 0)
		if err != nil || len(cs) != 1 || cs[0].OwnerID != u.ID {
			t.Fatalf("customers: %+v, %v", cs, err)
		}
		// Every callback query was answered once; every message went as HTML.
		answers := 0
		for _, c := range h.fake.Calls() {
			switch c.Method {
			case "answerCallbackQuery":
				if c.Status == 200 {
					answers++
				}
			case "sendMessage", "editMessageText":
				if c.ParseMode != "HTML" {
					t.Errorf("%s without parse_mode HTML", c.Method)
				}
			}
		}
		if answers != 5 {
			t.Fatalf("%d callback answers, want 5", answers)
		}
	})
}

func keyboardLabels(kb [][]faketelegram.Button) string {
	var b strings.Builder
	for _, row := range kb {
		for _, btn := range row {
			b.WriteString("[" + btn.Text + "]")
		}
	}
	return b.String()
}

// A person who blocked the bot is marked unreachable on the first 403 and
// not retried; writing again makes them reachable.
func TestBlockedUserIsUnreachable(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep})
	if err := db.BindIdentity(ctx, crm.Identity{Channel: Name, ExternalID: "5002", UserID: u.ID, ChatID: "5002"}); err != nil {
		t.Fatal(err)
	}
	reachable := func() bool {
		ids, _ := db.Identities(ctx, u.ID)
		return len(ids) == 1 && ids[0].Reachable
	}

	h.fake.Block(5002)
	err := h.ch.Send(ctx, "5002", crm.Message{Text: "工作台"})
	if !errors.Is(err, crm.ErrUnreachable) {
		t.Fatalf("send to a blocked chat: %v, want ErrUnreachable", err)
	}
	if n := len(h.fake.Calls("sendMessage")); n != 1 {
		t.Fatalf("%d sendMessage calls, want 1 (no retry)", n)
	}
	if reachable() {
		t.Fatal("identity still reachable")
	}
	if strings.Contains(err.Error(), h.fake.Token) {
		t.Fatal("token in error")
	}

	// A fault-injected 403 behaves the same.
	db.SetReachable(ctx, Name, "5002", true)
	h.fake.Unblock(5002)
	h.fake.Fail("sendMessage", 1, faketelegram.Blocked())
	if err := h.ch.Send(ctx, "5002", crm.Message{Text: "x"}); !errors.Is(err, crm.ErrUnreachable) || reachable() {
		t.Fatalf("injected 403: %v, reachable %v", err, reachable())
	}

	// They write again: reachable.
	h.says(5002, "/help", "/new")
	if !reachable() {
		t.Fatal("identity not reachable after the person wrote")
	}
}

// Group chats: chatter and other bots' commands are not answered; commands
// are; a manager registers the group, and pushes to it are paced as a group.
func TestGroupChat(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	ctx := context.Background()
	d, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
	mgr, _ := db.CreateUser(ctx, 0, crm.User{Name: "王经理", Role: crm.RoleManager, DeptID: d.ID})
	db.BindIdentity(ctx, crm.Identity{Channel: Name, ExternalID: "6001", UserID: mgr.ID, ChatID: "6001"})
	const group = -1001234567890

	for _, text := range []string{"大家好", "/help@other_bot", "今天 @other_bot 在吗", "/start@other_bot XYZ"} {
		h.fake.PushMessage(group, 6001, text)
	}
	h.expect(func() { h.fake.PushMessage(group, 6001, "/my") }, "私聊")
	h.expect(func() { h.fake.PushMessage(group, 6001, "@"+h.ch.Username()+" /help") }, "/help")
	h.expect(func() { h.fake.PushMessage(group, 6001, "/group@"+h.ch.Username()) }, "华东销售部")
	got := outTo(h.fake.Calls(), group)
	if len(got) != 3 {
		t.Fatalf("the group got %d messages, want 3:\n%v", len(got), got)
	}
	gs, _ := db.Groups(ctx)
	if len(gs) != 1 || gs[0].ChatID != "-1001234567890" {
		t.Fatalf("groups: %+v", gs)
	}
	// Every update was stored, answered or not.
	var n int
	db.SQL().Get(&n, `SELECT COUNT(*) FROM inbound WHERE channel = 'telegram'`)
	if n != 7 {
		t.Fatalf("%d inbound rows, want 7", n)
	}
}

// Edited messages, channel posts and other bots are stored and ignored; a
// sticker or a photo without caption is answered (a stranger: with the
// onboarding), never met with silence; the chat's next message is
// answered as usual.
func TestIgnoredUpdates(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	const chat = 5003
	from := map[string]any{"id": chat, "is_bot": false, "first_name": "A"}
	pchat := map[string]any{"id": chat, "type": "private", "first_name": "A"}
	h.fake.PushUpdate(map[string]any{"edited_message": map[string]any{"message_id": 1, "from": from, "chat": pchat, "date": 1, "text": "/help"}})
	h.fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 2, "from": from, "chat": pchat, "date": 1, "sticker": map[string]any{"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1, "is_animated": false}}})
	h.fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 3, "from": from, "chat": pchat, "date": 1, "photo": []map[string]any{{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}}}})
	h.fake.PushUpdate(map[string]any{"channel_post": map[string]any{"message_id": 4, "chat": map[string]any{"id": -1009, "type": "channel", "title": "c"}, "date": 1, "text": "/help"}})
	h.fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 5, "from": map[string]any{"id": 99, "is_bot": true, "first_name": "B"}, "chat": pchat, "date": 1, "text": "/help"}})
	h.fake.SkipUpdateIDs(1000) // ids may jump
	h.says(chat, "/help", "/start [")
	got := h.fake.BotTexts(chat)
	if len(got) != 3 || !strings.Contains(got[0], "邀请码") || !strings.Contains(got[1], "邀请码") {
		t.Fatalf("%d messages, want the onboarding for the sticker and the photo, then /help: %q", len(got), got)
	}
	var n int
	h.db.SQL().Get(&n, `SELECT COUNT(*) FROM inbound`)
	if n != 6 {
		t.Fatalf("%d inbound rows, want 6", n)
	}
}

// The same update delivered twice (a restart before the offset was
// confirmed) is answered once.
func TestPollingDuplicateUpdate(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	id := h.fake.PushMessage(5004, 5004, "/help")
	h.fake.WaitFor(func(cs []faketelegram.Call) bool { return len(outTo(cs, 5004)) == 1 }, 10*time.Second)
	h.fake.PushUpdate(map[string]any{"update_id": id, "message": map[string]any{"message_id": 1, "from": map[string]any{"id": 5004, "is_bot": false, "first_name": "A"},
		"chat": map[string]any{"id": 5004, "type": "private", "first_name": "A"}, "date": 1, "text": "/help"}})
	h.says(5004, "/lang en", "reply in English")
	if got := outTo(h.fake.Calls(), 5004); len(got) != 2 {
		t.Fatalf("%d messages, want 2 (the duplicate skipped)", len(got))
	}
}

// Start sets the command menu in Chinese, English and a default, from the
// bot's command table.
func TestSetMyCommands(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	h.fake.WaitCalls("setMyCommands", 3, 10*time.Second)
	zh, en, def := h.fake.Commands("zh"), h.fake.Commands("en"), h.fake.Commands("")
	find := func(cmds []faketelegram.BotCommand, name string) string {
		for _, c := range cmds {
			if c.Command == name {
				return c.Description
			}
		}
		return ""
	}
	if !strings.Contains(find(zh, "new"), "客户") || !strings.Contains(find(en, "new"), "customer") || find(def, "new") != find(zh, "new") {
		t.Fatalf("menus: zh %+v\nen %+v\ndefault %+v", zh, en, def)
	}
	for _, name := range []string{"start", "invite"} {
		if find(zh, name) != "" || find(en, name) != "" {
			t.Errorf("menu lists /%s", name)
		}
	}
	h.fake.WaitCalls("deleteWebhook", 1, 10*time.Second) // polling deletes any webhook first
}
