package conversation_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

func TestFlowNew(t *testing.T) {
	industryRefused := zh("choice.refused", "IT/软件、制造业、批发零售、医疗健康、物流、建筑、教育、金融、其他")
	const name = "北京瑞达新能源科技有限公司"
	card := name + " · IT/软件 · 50-199人 · 北京 · 老客户介绍\n" + zh("card.contact", "王经理 13800138000")
	saved := crm.Customer{Name: name, Industry: "it", Size: "s2", Region: "beijing", Source: "referral", OwnerID: idZhang,
		Contacts: []crm.Contact{{Name: "王经理", Phone: "13800138000"}}}
	upToCard := []turn{
		{say: "/new", want: []string{zh("new.name")}, at: "name"},
		{say: name, want: []string{zh("new.industry")}, at: "industry", calls: []string{"ClaimName"}},
		{press: "IT/软件", want: []string{zh("new.size")}, at: "size", calls: []string{}},
		{press: "50-199人", want: []string{zh("new.region_guess", "北京")}, at: "region"},
		{press: "北京", want: []string{zh("new.source")}, at: "source"},
		{press: "老客户介绍", want: []string{zh("new.contact")}, at: "contact"},
		{say: "王经理 13800138000", want: []string{zh("card.confirm", card)}, at: "confirm", calls: []string{}},
	}
	happy := flowCase{name: "happy", as: idZhang, turns: append(upToCard[:len(upToCard):len(upToCard)],
		turn{press: "保存", want: []string{zh("new.saved", name)}, calls: []string{"AddCustomer"}}),
		writes: []write{{"AddCustomer", saved}}}

	// 撞单: another rep's company, written differently, is refused; the
	// claim is recorded and they may ask for it.
	const other = "青禾新锐科技（北京）有限公司"
	takenText := zh("new.taken", zh("owner.with_dept", "张三", "华东销售部"), "11月12日") + zh("new.taken_last", zh("time.days_ago", 3))
	claim := write{"claim", claimArgs{custQinghe, idLi, other}}
	taken := flowCase{name: "taken", as: idLi, turns: []turn{
		{say: "/new", at: "name"},
		{say: other, want: []string{takenText, "[" + zh("btn.request_transfer") + "]", "[" + zh("btn.request_collab") + "]"}, calls: []string{"ClaimName"}},
		{press: zh("btn.request_collab"), run: "/transfer request #1 collaborate"},
	}, writes: []write{claim}}
	takenAtOnce := flowCase{name: "taken, named with the command", as: idLi, turns: []turn{
		{say: "/new " + other, want: []string{takenText}},
		{press: zh("btn.request_transfer"), run: "/transfer request #1 transfer"},
	}, writes: []write{claim}}
	// The rep's own customer: no claim, the card offered.
	own := flowCase{name: "own", as: idZhang, turns: []turn{
		{say: "/new", at: "name"},
		{say: other, want: []string{zh("new.own_duplicate", "北京青禾新锐科技有限公司")}},
		{press: zh("btn.open_card"), run: "/customer #1"},
	}}
	// A similar name asks first.
	const similar = "青禾新锐软件有限公司"
	similarText := zh("new.similar", zh("new.similar_line", "北京青禾新锐科技有限公司", "张三"))
	sameCompany := flowCase{name: "similar, the same company", as: idLi, turns: []turn{
		{say: "/new", at: "name"},
		{say: similar, want: []string{similarText}, at: "similar"},
		{press: zh("btn.same_company"), want: []string{zh("new.taken", zh("owner.with_dept", "张三", "华东销售部"), "11月12日")}, calls: []string{"ClaimSimilar"}},
	}, writes: []write{{"claim", claimArgs{custQinghe, idLi, similar}}}}
	notSame := flowCase{name: "similar, another company", as: idLi, turns: []turn{
		{say: "/new", at: "name"},
		{say: similar, want: []string{similarText}, at: "similar"},
		{press: zh("btn.not_same"), want: []string{zh("new.industry")}, at: "industry"},
		{press: "制造业", at: "size"},
		{say: "-", want: []string{zh("new.region")}, not: []string{"北京"}, at: "region"},
		{say: "跳过", at: "source"},
		{press: zh("btn.skip"), at: "contact"},
		{say: "-", want: []string{zh("card.confirm", similar+" · 制造业")}, at: "confirm"},
		{say: "保存", want: []string{zh("new.saved", similar)}},
	}, writes: []write{{"AddCustomer", crm.Customer{Name: similar, Industry: "manufacturing", OwnerID: idLi}}}}
	// Someone saved the same company while the card was open.
	meanwhile := flowCase{name: "taken while the card was open", as: idZhang, turns: append(upToCard[:len(upToCard):len(upToCard)],
		turn{press: "保存", want: []string{zh("new.taken", zh("owner.with_dept", "李四", "华东销售部"), "11月29日")}, calls: []string{"AddCustomer"},
			before: func(f *fakeCRM) {
				f.customers = append(f.customers, crm.Customer{ID: 50, Name: "瑞达新能源科技（北京）有限公司", OwnerID: idLi, CreatedAt: testNow})
			}}),
		writes: []write{{"claim", claimArgs{50, idZhang, name}}}}

	bad := flowCase{name: "bad input at each step", as: idZhang, turns: []turn{
		{say: "/new", at: "name"},
		{say: strings.Repeat("长", 501), want: []string{zh("text.too_long_n", 500), zh("new.name")}, at: "name", refused: true},
		{say: "🙂🙂", want: []string{zh("new.name_invalid"), zh("new.name")}, at: "name", refused: true},
		{say: "-", want: []string{zh("input.required")}, at: "name", refused: true},
		{say: "", want: []string{zh("input.empty")}, at: "name", refused: true},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "name", refused: true},
		{say: name, at: "industry"},
		{say: strings.Repeat("长", 101), want: []string{industryRefused, zh("new.industry")}, at: "industry", refused: true},
		{say: "-", want: []string{zh("input.required")}, at: "industry", refused: true},
		{say: "农业", want: []string{industryRefused}, at: "industry", refused: true},
		{say: "12", want: []string{industryRefused}, at: "industry", refused: true},
		{say: "其他", want: []string{zh("choice.detail_industry")}, at: "industry_detail"},
		{say: strings.Repeat("长", 41), want: []string{zh("text.too_long_n", 40)}, at: "industry_detail", refused: true},
		{say: "茶叶", at: "size"},
		{say: "巨大", want: []string{zh("new.size")}, at: "size", refused: true},
		{say: "0", at: "size", refused: true},
		{say: "-", at: "region"},
		{say: "火星", want: []string{zh("choice.refused_region")}, at: "region", refused: true},
		{say: "-", at: "source"},
		{say: "巨大", at: "source", refused: true},
		{say: "-", at: "contact"},
		{say: "王经理 138", want: []string{zh("contact.phone_invalid"), zh("new.contact")}, at: "contact", refused: true},
		{say: "-", at: "confirm"},
		{say: "好吧也许", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{say: "保存", want: []string{zh("new.saved", name)}},
	}, writes: []write{{"AddCustomer", crm.Customer{Name: name, Industry: "other", IndustryDetail: "茶叶", OwnerID: idZhang}}}}

	// Typed answers: synonyms, numbers, "other" with its detail in one go;
	// English labels store the same codes and read back in English.
	typed := flowCase{name: "typed answers in English", as: idZhang, lang: conversation.LangEN, turns: []turn{
		{say: "/new", at: "name"},
		{say: "杭州西湖龙井茶业有限公司", at: "industry"},
		{say: "other: tea", at: "size"},
		{say: "120 people", at: "region"},
		{say: "Shanghai", at: "source"},
		{say: "2", at: "contact"},
		{say: "-", want: []string{"杭州西湖龙井茶业有限公司 · Other (tea) · 50-199 · Shanghai · Website"}, at: "confirm"},
		{say: "Save", calls: []string{"AddCustomer"}},
	}, writes: []write{{"AddCustomer", crm.Customer{Name: "杭州西湖龙井茶业有限公司", Industry: "other", IndustryDetail: "tea", Size: "s2", Region: "shanghai", Source: "website", OwnerID: idZhang}}}}

	edit := flowCase{name: "edit from the card", as: idZhang, turns: append(upToCard[:len(upToCard):len(upToCard)],
		turn{press: zh("btn.edit"), want: []string{zh("edit.which")}, at: "edit"},
		turn{say: "随便", want: []string{zh("input.pick_button")}, at: "edit", refused: true},
		turn{press: zh("field.industry"), want: []string{zh("new.industry")}, at: "industry"},
		turn{press: "制造业", want: []string{zh("card.confirm", strings.Replace(card, "IT/软件", "制造业", 1))}, at: "confirm"},
		turn{press: zh("btn.cancel"), want: []string{zh("flow.cancelled")}},
	)}

	// Another name after /back: the region guessed from the first is gone.
	renamed := flowCase{name: "renamed after /back", as: idZhang, turns: []turn{
		{say: "/new", at: "name"},
		{say: name, at: "industry"},
		{say: "/back", at: "name"},
		{say: "瑞达新能源科技有限公司", at: "industry"},
		{press: "IT/软件", at: "size"},
		{press: zh("btn.skip"), want: []string{zh("new.region")}, not: []string{"北京"}, at: "region"},
	}}

	runFlow(t, []flowCase{happy, notSame}, taken, takenAtOnce, own, sameCompany, meanwhile, bad, typed, edit, renamed)
}
