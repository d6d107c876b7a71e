package bot_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// customerChoices reads a customer's choice fields as stored.
func customerChoices(t *testing.T, db *store.DB, name string) map[choice.Field]choice.Value {
	t.Helper()
	cs, err := db.FindCustomers(context.Background(), crm.Scope{All: true}, name, 1, 0)
	if err != nil || len(cs) != 1 {
		t.Fatalf("customer %s: %v %v", name, cs, err)
	}
	out := map[choice.Field]choice.Value{}
	for _, f := range choice.Fields {
		out[f] = cs[0].Choice(f)
	}
	return out
}

// Industry, size, region and source are closed lists: a typed answer is
// matched to a code (label in either language, synonym, option number),
// "其他" takes a detail, anything else is refused with the list and the
// form stays; import maps the same way and says what it could not map;
// analytics group by code in the reader's language.
func TestChatChoiceListsAreClosed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		c.person("王经理", crm.RoleManager, east.ID)
		c.person("张伟", crm.RoleRep, east.ID)
		c.person("Alice", crm.RoleRep, east.ID)
		c.person("老板", crm.RoleAdmin, 0)

		// The answers, in order: each refused, the step kept.
		expect(t, c.says("张伟", "/new 杭州西湖龙井茶业有限公司"), "行业")
		expect(t, c.says("张伟", "农业"), "没有这个选项", "IT/软件", "制造业", "其他")
		expect(t, c.says("张伟", "12"), "没有这个选项")
		expect(t, c.says("张伟", "其他"), "具体是什么行业")
		expect(t, c.says("张伟", "茶叶"), "规模")
		expect(t, c.says("张伟", "巨大"), "没有这个选项", "50-199人")
		expect(t, c.says("张伟", "0"), "没有这个选项")
		expect(t, c.says("张伟", "120人"), "地区", "杭州")
		expect(t, c.says("张伟", "火星"), "没认出这个地区")
		expect(t, c.says("张伟", "杭州"), "来源")
		expect(t, c.says("张伟", "朋友介绍"), "联系人")
		got := c.says("张伟", "-")
		expect(t, got, "请确认", "杭州西湖龙井茶业有限公司 · 其他（茶叶） · 50-199人 · 杭州 · 老客户介绍")
		refute(t, got, "农业", "巨大", "朋友介绍")
		expect(t, c.presses("张伟", "保存"), "已保存")
		if got := customerChoices(t, db, "龙井茶业"); got[choice.Industry] != (choice.Value{Code: choice.Other, Detail: "茶叶"}) ||
			got[choice.Size].Code != "s2" || got[choice.Region].Code != "hangzhou" || got[choice.Source].Code != "referral" {
			t.Fatalf("stored %+v", got)
		}

		// English answers land on the same codes, and the card is English.
		c.says("Alice", "/lang en")
		expect(t, c.says("Alice", "/new 明远贸易有限公司"), "Industry")
		expect(t, c.says("Alice", "farming"), "isn't one of the options", "IT/Software")
		expect(t, c.says("Alice", "trade"), "size")
		expect(t, c.says("Alice", "2"), "Region")
		expect(t, c.says("Alice", "Shanghai"), "come from")
		expect(t, c.says("Alice", "Referral"), "ontact")
		got = c.says("Alice", "-")
		expect(t, got, "明远贸易有限公司 · Wholesale/Retail · 50-199 · Shanghai · Referral")
		refute(t, got, "批发零售", "上海", "老客户介绍")
		expect(t, c.presses("Alice", "Save"), "Saved")
		if got := customerChoices(t, db, "明远贸易"); got[choice.Region].Code != "shanghai" || got[choice.Industry].Code != "retail" {
			t.Fatalf("stored %+v", got)
		}

		// Import maps labels and synonyms, keeps the rest as other + the
		// cell, and says which cells those were.
		doc := &bot.Document{Name: "list.csv", Fetch: func(context.Context) ([]byte, error) {
			return []byte("公司名称,行业,规模,地区,来源,负责人\n" +
				"成都蜀香餐饮管理有限公司,餐饮,巨大,成都,朋友介绍,张伟\n" +
				"上海立美科技有限公司,软件,50-200,上海市,展会,张伟\n"), nil
		}}
		got = c.handle("老板", bot.Update{Channel: "telegram", ChatID: "老板", UserID: "老板", Document: doc})
		expect(t, got, "导入 2", "2 个格子不在选项里", "成都蜀香餐饮管理有限公司：行业「餐饮」", "规模「巨大」")
		refute(t, got, "朋友介绍", "上海立美")
		if got := customerChoices(t, db, "蜀香餐饮"); got[choice.Industry] != (choice.Value{Code: choice.Other, Detail: "餐饮"}) ||
			got[choice.Size] != (choice.Value{Code: choice.Other, Detail: "巨大"}) || got[choice.Source].Code != "referral" || got[choice.Region].Code != "chengdu" {
			t.Fatalf("imported %+v", got)
		}
		if got := customerChoices(t, db, "立美科技"); got[choice.Industry].Code != "it" || got[choice.Size].Code != "s2" || got[choice.Region].Code != "shanghai" {
			t.Fatalf("imported %+v", got)
		}

		// Analytics group by code: one referral group, one other group, in
		// the reader's language.
		got = c.says("王经理", "/stats source")
		expect(t, got, "老客户介绍 3", "展会 1")
		refute(t, got, "朋友介绍", "Referral")
		c.says("王经理", "/lang en")
		got = c.says("王经理", "/stats industry")
		expect(t, got, "Other 2 (50%)", "Wholesale/Retail 1 (25%)", "IT/Software 1")
		refute(t, got, "其他", "餐饮", "批发零售")
		got = c.says("王经理", "/stats region")
		expect(t, got, "Shanghai 2", "Hangzhou 1", "Chengdu 1")
		refute(t, got, "上海", "杭州")
	})
}
