package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Text with a NUL byte or a bidi override is refused at the door with the
// character named, the form stays at its step, and the same happens on both
// engines (#20 item 5: PostgreSQL used to fail at Save and lose the form).
func TestHiddenCharactersAreRefusedAndTheFormKept(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		c.person("张三", crm.RoleRep, 0)
		expect(t, c.says("张三", "/new"), "客户公司全称")
		expect(t, c.says("张三", "丙科技\x00有限公司"), "U+0000", "都还在")
		expect(t, c.says("张三", "\u202e司公限有技科丙"), "U+202E")
		expect(t, c.says("张三", "北京青禾新锐科技有限公司"), "行业")
		c.presses("张三", "IT/软件")
		c.presses("张三", "跳过")
		c.presses("张三", "跳过")
		c.presses("张三", "跳过")
		expect(t, c.says("张三", "王\u2067经理 13800138000"), "U+2067")
		expect(t, c.says("张三", "王经理 13800138000"), "请确认")
		expect(t, c.presses("张三", "保存"), "已保存")
		cs, err := db.FindCustomers(context.Background(), crm.Scope{All: true}, "青禾", 10, 0)
		if err != nil || len(cs) != 1 || cs[0].Name != "北京青禾新锐科技有限公司" {
			t.Fatalf("saved %+v, %v", cs, err)
		}
		// A display name from the platform is cleaned, not refused.
		if got := c.handle("路人", bot.Update{Channel: "telegram", ChatID: "x", UserID: "x", UserName: "\u202e路人", Text: "/help"}); got == "" {
			t.Fatal("no answer to /help")
		}
	})
}

// failingSave is the real store whose next CreateCustomer fails with an
// error that is not the person's fault (and not worth retrying).
type failingSave struct {
	*store.DB
	fails atomic.Int32
}

func (f *failingSave) CreateCustomer(ctx context.Context, actor int64, c crm.Customer) (crm.Customer, error) {
	if f.fails.Add(-1) >= 0 {
		return crm.Customer{}, errors.New("store: create customer: disk I/O error")
	}
	return f.DB.CreateCustomer(ctx, actor, c)
}

// A store error at the last step of a form keeps the form: the rep is told,
// and pressing 保存 again saves everything typed before.
func TestFormSurvivesAStoreErrorAtSave(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
	if err := db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "zs", UserID: u.ID, ChatID: "zs"}); err != nil {
		t.Fatal(err)
	}
	f := &failingSave{DB: db}
	f.fails.Store(1)
	b := bot.New(bot.Options{Store: f, Sales: sales.New(f), Sheets: sheet.Service{Sales: sales.New(f), StageName: conversation.SheetStageName}, DefaultLang: "zh"})
	var buttons []crm.Button
	send := func(text, button string) string {
		var texts []string
		replies := b.Handle(ctx, bot.Update{Channel: "telegram", ChatID: "zs", UserID: "zs", Text: text, Button: button})
		var bs []crm.Button
		for _, m := range replies {
			texts = append(texts, m.Text)
			for _, row := range m.Buttons {
				bs = append(bs, row...)
			}
		}
		if len(replies) > 0 {
			buttons = bs
		}
		return strings.Join(texts, "\n")
	}
	press := func(label string) string {
		for _, bt := range buttons {
			if strings.Contains(bt.Text, label) {
				return send("", bt.Data)
			}
		}
		t.Fatalf("no button %q in %v", label, buttons)
		return ""
	}
	send("/new", "")
	send("北京青禾新锐科技有限公司", "")
	press("IT/软件")
	press("跳过")
	press("跳过")
	press("跳过")
	expect(t, send("王经理 13800138000", ""), "请确认")
	saveButtons := buttons
	expect(t, press("保存"), "出了点问题", "表单还在")
	buttons = saveButtons
	expect(t, press("保存"), "已保存")
	cs, err := db.FindCustomers(ctx, crm.Scope{All: true}, "青禾", 10, 0)
	if err != nil || len(cs) != 1 || cs[0].Name != "北京青禾新锐科技有限公司" {
		t.Fatalf("saved %+v, %v", cs, err)
	}
}

// The admins' digest lists pushes that may have arrived (uncertain) apart
// from those nobody could receive, so an admin is not sent to re-invite
// people whose accounts are fine.
func TestDigestTellsUncertainFromUndeliverable(t *testing.T) {
	db := storetest.OpenSQLite(t)
	c := newChat(t, db)
	ctx := context.Background()
	boss := c.person("老板", crm.RoleAdmin, 0)
	zs := c.person("张三", crm.RoleRep, 0)
	ls := c.person("李四", crm.RoleRep, 0)
	if _, err := db.Enqueue(ctx, []crm.OutboxItem{{Key: "a", Kind: "x", UserID: zs.ID}, {Key: "b", Kind: "x", UserID: ls.ID}}, c.now); err != nil {
		t.Fatal(err)
	}
	items, _ := db.ClaimOutbox(ctx, c.now, time.Minute, 10)
	for _, it := range items {
		reason := "no chat account"
		if it.UserID == zs.ID {
			reason = "uncertain: in flight when its process stopped"
		}
		if err := db.MarkDead(ctx, it.ID, reason); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := c.bot.RenderPush(ctx, crm.OutboxItem{Kind: crm.PushDigest, UserID: boss.ID, Payload: "{}"}, crm.Identity{})
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, m := range msgs {
		text += m.Text
	}
	expect(t, text, "可能已送达", "张三", "无法送达 1 人：李四")
}
