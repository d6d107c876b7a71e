package conversation_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// A state left by a flow that no longer exists (an older version) is
// dropped and the message routed elsewhere.
func TestEngineDropsUnknownFlows(t *testing.T) {
	c := newChat(t, idZhang)
	ctx := context.Background()
	for _, data := range []string{`{"flow":"gone","step":"x","seq":1}`, `{"flow":"visit","step":"gone","seq":1}`, `not json`} {
		c.states.PutState(ctx, crm.ConversationState{Channel: c.env.Channel, ChatID: c.env.ChatID, UserKey: c.env.UserKey,
			Data: data, ExpiresAt: testNow.Add(conversation.StateTTL)})
		out, run, handled, err := c.eng.Continue(ctx, c.env, "你好", "")
		if err != nil || handled || run != "" || len(out) != 0 {
			t.Fatalf("%s: %v %q %v %v", data, out, run, handled, err)
		}
		if s, _ := c.eng.Active(ctx, c.env); s != nil {
			t.Fatalf("%s: state kept: %+v", data, s)
		}
	}
}

func TestEngineSteering(t *testing.T) {
	c := newChat(t, idZhang)
	ctx := context.Background()
	// Nothing to cancel or go back in.
	expectSaid(t, c.says("/cancel"), zh("flow.nothing_to_cancel"))
	expectSaid(t, c.says("/back"), zh("flow.nothing_to_cancel"))
	if _, _, handled, _ := c.eng.Continue(ctx, c.env, "你好", ""); handled {
		t.Fatal("a message with no form was handled")
	}
	// A command mid-form starts the new form and says the old one is dropped.
	c.says("/visit 青禾")
	expectSaid(t, c.says("/new"), zh("flow.replaced"), zh("new.name"))
	// The same form again is not "replaced".
	if got := c.says("/new"); got != zh("new.name") {
		t.Fatalf("restarting: %q", got)
	}
	if _, err := c.eng.Start(ctx, c.env, "nonesuch", ""); err == nil {
		t.Fatal("an unknown flow started")
	}
	// A form untouched for StateTTL is gone.
	c.env.Now = testNow.Add(conversation.StateTTL)
	if s, _ := c.eng.Active(ctx, c.env); s != nil {
		t.Fatalf("expired form still active: %+v", s)
	}
}

// Follow-up buttons run their command lines; an older one is refused; a
// menu never replaces a form in progress.
func TestEngineMenus(t *testing.T) {
	c := newChat(t, idZhang)
	ctx := context.Background()
	m, err := c.eng.Offer(ctx, c.env, "第 1 页", []conversation.Choice{{Label: "下一页", Value: "/my 2"}})
	if err != nil || m.Text != "第 1 页" || len(m.Buttons) != 1 {
		t.Fatal(m, err)
	}
	c.replied([]crm.Message{m}, nil)
	first := c.live()
	c.presses("下一页")
	if c.run != "/my 2" {
		t.Fatalf("run %q", c.run)
	}
	// Text while a menu is live is not the menu's.
	if _, _, handled, _ := c.eng.Continue(ctx, c.env, "你好", ""); handled {
		t.Fatal("text was taken by a menu")
	}
	m, _ = c.eng.Offer(ctx, c.env, "第 2 页", []conversation.Choice{{Label: "上一页", Value: "/my 1"}})
	c.replied([]crm.Message{m}, nil)
	expectSaid(t, c.pressData(first[0].Data), zh("button.stale"))
	if c.run != "" {
		t.Fatalf("a stale menu button ran %q", c.run)
	}
	// Mid-form an offer shows its text without buttons.
	c.says("/visit 青禾")
	m, _ = c.eng.Offer(ctx, c.env, "列表", []conversation.Choice{{Label: "下一页", Value: "/my 2"}})
	if len(m.Buttons) != 0 {
		t.Fatalf("an offer mid-form has buttons: %+v", m)
	}
	if step, _ := c.form(); step != "content" {
		t.Fatalf("the form is at %q", step)
	}
}

// A failure that is not the person's (the database is down) leaves the
// form where it was, with everything typed.
func TestEngineKeepsTheFormOnFailure(t *testing.T) {
	c := newChat(t, idZhang)
	c.says("/pay 瑞丰")
	c.presses(zh("btn.pay_received"))
	c.says("5万")
	_, before := c.form()
	down := errors.New("connection refused")
	c.crm.fail["PaymentPlans"] = down
	c.presses(zh("btn.today"))
	if !errors.Is(c.err, down) {
		t.Fatalf("err %v", c.err)
	}
	step, after := c.form()
	if step != "date" || !reflect.DeepEqual(before.Data, after.Data) || !reflect.DeepEqual(before.Trail, after.Trail) {
		t.Fatalf("form after a failure:\n before %+v\n after  %+v", before, after)
	}
	delete(c.crm.fail, "PaymentPlans")
	c.presses(zh("btn.today"))
	if step, _ := c.form(); step != "plan" {
		t.Fatalf("at %q after the retry", step)
	}

	// The next step's question cannot be asked: still at the step answered.
	c = newChat(t, idZhang)
	c.says("/stage 瑞丰")
	_, before = c.form()
	c.crm.fail["Deal"] = down
	c.presses("方案制定")
	if step, after := c.form(); !errors.Is(c.err, down) || step != "deal" || !reflect.DeepEqual(before.Data, after.Data) {
		t.Fatalf("after a failed prompt: %v at %q %+v", c.err, step, after)
	}
}

func expectSaid(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("reply %q does not contain %q", got, w)
		}
	}
}
