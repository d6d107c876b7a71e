package sentence

import (
	"fmt"
	"testing"
	"time"
)

func TestProbeExamples(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, loc)
	for _, c := range []struct {
		s string
		i Intent
	}{
		{"见了王总，聊方案，下周五发报价", Visit}, {"收到5万", Paid}, {"下月15号回款10万", Paid}, {"明天下午3点 公司 演示", Appt},
		{"商务谈判 80% 50万 月底签", Stage}, {"北京青禾新锐科技有限公司 王经理 13800138000", New},
		{"今天见了青禾王总，下周五发报价", None}, {"青禾怎么样", None}, {"青禾的回款", None}, {"收到青禾回款5万", None},
		{"约了立美明天下午3点在他们公司演示", None}, {"met acme's mr wang, next friday send quote", None}, {"青禾投诉发货慢", None},
		{"新客户 北京青禾新锐科技有限公司 王经理 13800138000", None}, {"青禾推进到商务谈判 80%", None}, {"下月32号回款10万", Plan},
	} {
		r := Read(c.s, now, c.i)
		t.Logf("%s\n   %s", c.s, show(r))
	}
}

func show(r Reading) string {
	s := fmt.Sprintf("intent=%s %v content=%q", r.Intent, r.Intents, r.Content)
	if r.NextAction != "" || !r.NextDate.IsZero() {
		s += fmt.Sprintf(" next=%q %s %s", r.NextAction, r.NextDate.Format("01-02"), r.NextAt.Format("15:04"))
	}
	if r.Amount != 0 {
		s += fmt.Sprintf(" amount=%d", r.Amount/100)
	}
	if !r.Date.IsZero() {
		s += " date=" + r.Date.Format("01-02")
	}
	if !r.At.IsZero() {
		s += " at=" + r.At.Format("01-02 15:04")
	}
	if r.Stage != "" {
		s += " stage=" + r.Stage
	}
	if r.HasPct {
		s += fmt.Sprintf(" pct=%d", r.Pct)
	}
	s += fmt.Sprintf(" place=%q purpose=%q contact=%q phone=%q company=%q mentions=%q unread=%v", r.Place, r.Purpose, r.Contact, r.Phone, r.Company, r.Mentions, r.Unread)
	return s
}

func TestProbe2(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, loc)
	for _, s := range []string{"见了赵主任 下周一 14:00 去仓库看看", "青禾新锐技术交流，需求已确认，下周一出方案", "见了金侨贸易孙经理", "complaint from acme: wrong invoice", "收到立美1.2.3万"} {
		t.Logf("%s\n   %s", s, show(Read(s, now, None)))
	}
}
