package wecom_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// cardUpdate is the body of an update_template_card call.
type cardUpdate struct {
	UserIDs []string `json:"userids"`
	Button  struct {
		ReplaceName string `json:"replace_name"`
	} `json:"button"`
}

// updateCalls returns the update_template_card calls made so far.
func updateCalls(t *testing.T, fake *fakewecom.Fake) []cardUpdate {
	t.Helper()
	var out []cardUpdate
	for _, c := range fake.Calls("message/update_template_card") {
		var u cardUpdate
		if err := json.Unmarshal(c.Body, &u); err != nil {
			t.Fatalf("update_template_card body %s: %v", c.Body, err)
		}
		out = append(out, u)
	}
	return out
}

// newestCard is the newest template card sent to user.
func (h *harness) newestCard(user string) fakewecom.Message {
	h.t.Helper()
	ms := h.fake.Messages(user)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Type == "template_card" {
			return ms[i]
		}
	}
	h.t.Fatalf("no template card was sent to %s", user)
	return fakewecom.Message{}
}

func cardButton(t *testing.T, card fakewecom.Message, label string) fakewecom.Button {
	t.Helper()
	for _, b := range card.Buttons {
		if strings.Contains(b.Text, label) {
			return b
		}
	}
	t.Fatalf("card %s has no button %q: %+v", card.TaskID, label, card.Buttons)
	return fakewecom.Button{}
}

// stateRows lists the conversation state kept for a member's chat.
func stateRows(t *testing.T, db *store.DB, chat string) []string {
	t.Helper()
	var rows []string
	const q = `SELECT user_key || '|' || flow || '|' || step || '|' || data FROM conversation_state WHERE chat_id = ? ORDER BY user_key`
	if err := db.SQL().Select(&rows, db.SQL().Rebind(q), chat); err != nil {
		t.Fatal(err)
	}
	return rows
}

// Template-card state belongs to the member the card was sent to: a press
// from B carrying A's task_id finds no card, updates no card (neither B's
// with A's customer in it nor A's), reaches no form and writes nothing but
// its inbox key; B is told the button is stale. A's own press still works.
func TestPressWithAnotherMembersTaskIDChangesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		a := h.member("zhangsan", "张三", crm.RoleRep)
		b := h.member("lisi", "李四", crm.RoleRep)
		if _, err := db.CreateCustomer(ctx, a.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: a.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateCustomer(ctx, b.ID, crm.Customer{Name: "上海蓝海物流有限公司", OwnerID: b.ID}); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(15 * 24 * time.Hour) // both customers are quiet now
		expect(t, h.says("zhangsan", "工作台"), "青禾新锐")
		expect(t, h.says("lisi", "工作台"), "蓝海物流")
		cardA := h.newestCard("zhangsan")
		visitA := cardButton(t, cardA, "记拜访：青禾新锐")
		cardB := h.newestCard("lisi")
		// The keys are the same ("<seq>.<index>" of each member's own
		// menu): a press that reached the bot would act on B's menu.
		if k := cardButton(t, cardB, "记拜访：蓝海物流").Key; k != visitA.Key {
			t.Fatalf("B's workbench button has the key %q, A's %q: the test needs them equal", k, visitA.Key)
		}
		stateB := stateRows(t, db, "lisi")
		updates := len(updateCalls(t, h.fake))

		forged := h.fake.CardEvent("lisi", visitA.Key, cardA.TaskID)
		if got := texts(h.exchange("lisi", forged)); !strings.Contains(got, "这个按钮已经过期了") {
			t.Errorf("B's press with A's task_id answered %q, want the stale-button reply", got)
		}
		for _, u := range updateCalls(t, h.fake)[updates:] {
			t.Errorf("a card was updated for %v to %q after B's press with A's task_id", u.UserIDs, u.Button.ReplaceName)
		}
		if got := stateRows(t, db, "lisi"); strings.Join(got, "\n") != strings.Join(stateB, "\n") {
			t.Errorf("B's conversation state changed:\nbefore %q\nafter  %q", stateB, got)
		}
		if n := activityRows(t, db); n != 0 {
			t.Errorf("%d activities after the forged press", n)
		}
		for _, m := range h.fake.Messages("lisi") {
			if strings.Contains(m.Text, "青禾") {
				t.Errorf("B was shown A's customer: %q", m.Text)
			}
		}
		if !strings.Contains(h.logs.String(), "level=WARN") || !strings.Contains(h.logs.String(), cardA.TaskID) {
			t.Errorf("the forged press was not logged:\n%s", h.logs.String())
		}

		// A's card is A's still.
		expect(t, h.presses("zhangsan", "已联系"), "已记下联系了「北京青禾新锐科技有限公司」")
		ups := updateCalls(t, h.fake)
		if len(ups) != updates+1 || strings.Join(ups[updates].UserIDs, ",") != "zhangsan" || ups[updates].Button.ReplaceName != "已选择：已联系：青禾新锐科技" {
			t.Fatalf("A's press updated %+v", ups[updates:])
		}
		if n := activityRows(t, db); n != 1 {
			t.Fatalf("%d activities after A's press", n)
		}

		// Mid-form, with numbered options to answer: a press with A's
		// task_id leaves B's form and options as they were.
		h.says("lisi", "新客户")
		prompt := h.says("lisi", "上海蓝鲸数据服务有限公司")
		_, options, _ := strings.Cut(prompt, "回复数字：")
		manufacturing := ""
		for _, m := range numberedOption.FindAllStringSubmatch(options, -1) {
			if m[2] == "制造业" {
				manufacturing = m[1]
			}
		}
		if manufacturing == "" {
			t.Fatalf("no numbered option 制造业 in %q", prompt)
		}
		stateB = stateRows(t, db, "lisi")
		forged = h.fake.CardEvent("lisi", cardButton(t, cardA, "已联系").Key, cardA.TaskID)
		if got := texts(h.exchange("lisi", forged)); !strings.Contains(got, "这个按钮已经过期了") {
			t.Errorf("B's second press with A's task_id answered %q, want the stale-button reply", got)
		}
		if got := stateRows(t, db, "lisi"); strings.Join(got, "\n") != strings.Join(stateB, "\n") {
			t.Errorf("B's conversation state changed:\nbefore %q\nafter  %q", stateB, got)
		}
		expect(t, h.says("lisi", manufacturing), "规模") // the options still answer
		if n := len(updateCalls(t, h.fake)); n != updates+1 {
			t.Fatalf("%d card updates, want A's one", n-updates)
		}
		if n := activityRows(t, db); n != 1 {
			t.Fatalf("%d activities, want A's one", n)
		}
	})
}

// A card's buttons are kept in the store: after a restart (or on another
// instance) the pressed card still reads "已选择：<label>".
func TestCardPressAfterARestartKeepsItsLabel(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.member("zhangsan", "张三", crm.RoleRep)
	h.says("zhangsan", "新客户")
	h.says("zhangsan", "北京青禾新锐科技有限公司")
	expect(t, h.answersNumber("zhangsan", "IT/软件"), "规模")
	ctx := context.Background()
	if err := h.ch.Close(ctx); err != nil {
		t.Fatal(err)
	}
	ch, err := wecom.New(h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close(ctx) })
	ch.Attach(h.bot, db)
	h.ch = ch
	expect(t, h.presses("zhangsan", "50-199人"), "地区")
	ups := updateCalls(t, h.fake)
	if len(ups) != 1 || ups[0].Button.ReplaceName != "已选择：50-199人" || strings.Join(ups[0].UserIDs, ",") != "zhangsan" {
		t.Fatalf("card updates after a restart: %+v", ups)
	}
}
