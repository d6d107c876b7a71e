package sentence

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// show writes what a reading holds, compactly: the fields set, in order.
func show(r Reading) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("intent", string(r.Intent))
	if len(r.Intents) > 0 {
		add("intents", fmt.Sprint(r.Intents))
	}
	add("content", r.Content)
	add("act", r.NextAction)
	if !r.NextDate.IsZero() {
		add("next", r.NextDate.Format("01-02"))
	}
	if !r.NextAt.IsZero() {
		add("nextat", r.NextAt.Format("15:04"))
	}
	if r.Amount != 0 {
		add("amount", fmt.Sprint(r.Amount/100))
	}
	if !r.Date.IsZero() {
		add("date", r.Date.Format("01-02"))
	}
	if !r.At.IsZero() {
		add("at", r.At.Format("01-02/15:04"))
	}
	add("stage", r.Stage)
	if r.HasPct {
		add("pct", fmt.Sprint(r.Pct))
	}
	add("place", r.Place)
	add("purpose", r.Purpose)
	add("contact", r.Contact)
	add("phone", r.Phone)
	add("company", r.Company)
	if len(r.Mentions) > 0 {
		add("mentions", strings.Join(r.Mentions, "|"))
	}
	if len(r.Unread) > 0 {
		add("unread", strings.Join(r.Unread, "|"))
	}
	return strings.Join(parts, " ")
}

func TestRead(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, loc) // a Monday
	for _, c := range []struct {
		text   string
		intent Intent
		want   string
	}{
		// A command's fields (the customer's name already taken off).
		{"见了王总，聊方案，下周五发报价", Visit, "intent=visit content=见了王总，聊方案 act=发报价 next=12-18 contact=王总"},
		{"收到5万", Paid, "intent=paid amount=50000 date=12-07"},
		{"下月15号回款10万", Paid, "intent=plan amount=100000 date=01-15"},
		{"明天下午3点 公司 演示", Appt, "intent=appt at=12-08/15:00 place=公司 purpose=演示"},
		{"商务谈判 80% 50万 月底签", Stage, "intent=stage amount=500000 date=12-31 stage=negotiation pct=80"},
		{"北京青禾新锐科技有限公司 王经理 13800138000", New, "intent=new contact=王经理 phone=13800138000 company=北京青禾新锐科技有限公司"},
		// Plain sentences.
		{"今天见了青禾王总，下周五发报价", None, "intent=visit content=今天见了青禾王总 act=发报价 next=12-18 contact=王总 mentions=青禾|王总"},
		{"今天见了青禾王总下周五发报价", None, "intent=visit content=今天见了青禾王总 act=发报价 next=12-18 contact=王总 mentions=青禾|王总"},
		{"青禾怎么样", None, "intent=question mentions=青禾"},
		{"青禾的回款", None, "intent=question mentions=青禾"},
		{"收到青禾回款5万", None, "intent=paid amount=50000 date=12-07 mentions=青禾"},
		{"约了立美明天下午3点在他们公司演示", None, "intent=appt at=12-08/15:00 place=他们公司 purpose=立美，演示 mentions=立美|公司"},
		// What happened keeps the rep's own words and punctuation (English
		// commas stay English; full-width ones stay full-width).
		{"met 青禾 today, discussed pricing, send quote next friday", Visit, "intent=visit content=met 青禾 today, discussed pricing act=send quote next=12-18"},
		{"见了王总；聊方案。下周五发报价", Visit, "intent=visit content=见了王总；聊方案 act=发报价 next=12-18 contact=王总"},
		{"met acme's mr smith, next friday send quote", None, "intent=visit content=met acme's mr smith act=send quote next=12-18 contact=mr smith mentions=acme|send|mr smith"},
		{"新客户 北京青禾新锐科技有限公司 王经理 13800138000", None, "intent=new contact=王经理 phone=13800138000 company=北京青禾新锐科技有限公司"},
		{"王总 13800138000 来电", None, "intent=visit content=王总 13800138000 来电 contact=王总 mentions=王总|13800138000"},
		// Read whole or not at all.
		{"下月32号回款10万", Paid, "intent=plan amount=100000 mentions=32号 unread=date"},
		{"月底前出合同", Visit, "intent=visit mentions=前出合 unread=date|next"},
		{"收到-5万", Paid, "intent=paid date=12-07 unread=amount"},
		{"收到5万abc", Paid, "intent=paid date=12-07 mentions=abc unread=amount"},
		{"收到1.2.3万", Paid, "intent=paid date=12-07 unread=amount"},
		{"明天25点", Appt, "intent=appt purpose=25点 mentions=25点 unread=date"},
		{"商务谈判 180%", Stage, "intent=stage stage=negotiation unread=pct"},
		// Two intents or two payments: asked.
		{"拜访青禾，收到5万，推进到商务谈判", None, "intents=[paid stage] stage=negotiation mentions=青禾"},
		{"青禾回款5万 下月15号再回5万", None, "intents=[paid plan] mentions=青禾|再回"},
	} {
		got := show(Read(c.text, now, c.intent))
		if !strings.HasPrefix(got, c.want) && got != c.want {
			t.Errorf("Read(%q, %q)\n got %s\nwant %s", c.text, c.intent, got, c.want)
		}
	}
}

func TestSuggestionCheck(t *testing.T) {
	if err := (Suggestion{Intent: Visit, Customer: "青禾"}).Check(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Suggestion{{Intent: "lunch"}, {}, {Intent: Visit, Content: strings.Repeat("长", 501)}} {
		if s.Check() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if !slices.Contains(Intents, Question) {
		t.Fatal("Intents lacks question")
	}
}

// FuzzRead: any text is read without a panic, and a field is never both
// taken and unread.
func FuzzRead(f *testing.F) {
	for _, s := range []string{"今天见了青禾王总，下周五发报价", "收到5万", "/pay 青禾 下月15号回款10万", "明天25点", "1.2.3万", "met acme's mr smith, next friday", "新客户 北京青禾新锐科技有限公司 王经理 13800138000", "约 ", "，，，", "5 万", "下月32号"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		for _, i := range append([]Intent{None}, Intents...) {
			r := Read(s, now, i)
			if r.Amount != 0 && r.Has(FieldAmount) || r.HasPct && r.Has(FieldPct) {
				t.Fatalf("%q: a field both taken and unread: %+v", s, r)
			}
		}
	})
}

func TestReadLongText(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	long := strings.Repeat("一二三四五六七八九十", 30) + "下周五"
	if r := Read(long, now, None); r.Intent != None || !r.NextDate.IsZero() {
		t.Fatalf("a long text was read: %+v", r)
	}
	if r := Read(long, now, Visit); r.Content != long || !r.NextDate.IsZero() {
		t.Fatalf("a long visit: %+v", r)
	}
	worst := strings.Repeat("一二三四五六七八九十", 30)
	start := time.Now()
	Read(worst, now, None)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the longest text took %s", d)
	}
}
