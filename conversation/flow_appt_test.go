package conversation_test

import (
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

func TestFlowAppt(t *testing.T) {
	const ruifeng = "瑞丰机械有限公司"
	at := time.Date(2026, 11, 30, 15, 0, 0, 0, time.FixedZone("", 8*3600))
	happy := flowCase{name: "happy", as: idZhang, turns: []turn{
		{say: "/appt 瑞丰", want: []string{zh("appt.when", ruifeng)}, at: "when"},
		{say: "明天 15:00", want: []string{zh("appt.place")}, at: "place", calls: []string{}},
		{say: "客户公司", want: []string{zh("appt.purpose")}, at: "purpose"},
		{say: "方案演示", want: []string{zh("card.confirm", ruifeng+" · 11月30日（周一） 15:00 · 客户公司\n方案演示")}, at: "confirm"},
		{press: "保存", want: []string{zh("appt.saved", ruifeng, "11月30日（周一） 15:00")}, calls: []string{"AddAppointment"}},
	}, writes: []write{{"AddAppointment", crm.Appointment{CustomerID: custRuifeng, UserID: idZhang, At: at, Place: "客户公司", Purpose: "方案演示"}}}}
	skipped := flowCase{name: "place and purpose skipped", as: idZhang, turns: []turn{
		{say: "/appt", at: "customer"},
		{press: "瑞丰", at: "when"},
		{say: "下午3点", at: "place"},
		{say: "-", at: "purpose"},
		{say: "无", want: []string{zh("card.confirm", ruifeng+" · 11月29日（周日） 15:00")}, at: "confirm"},
		{say: "确认", want: []string{zh("appt.saved", ruifeng, "11月29日（周日） 15:00")}},
	}, writes: []write{{"AddAppointment", crm.Appointment{CustomerID: custRuifeng, UserID: idZhang, At: at.AddDate(0, 0, -1)}}}}
	bad := flowCase{name: "bad input at each step", as: idZhang, turns: []turn{
		{say: "/appt 瑞丰", at: "when"},
		{say: "随便", want: []string{zh("appt.when_invalid"), zh("appt.when", ruifeng)}, at: "when", refused: true},
		{say: "今天 9:00", want: []string{zh("appt.past")}, at: "when", refused: true},
		{say: "-", want: []string{zh("input.required")}, at: "when", refused: true},
		{say: "明天 15:00", at: "place"},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long"), zh("appt.place")}, at: "place", refused: true},
		{say: "-", at: "purpose"},
		{say: strings.Repeat("长", 4001), want: []string{zh("text.too_long")}, at: "purpose", refused: true},
		{say: "-", at: "confirm"},
		{say: "随便", want: []string{zh("input.pick_button")}, at: "confirm", refused: true},
		{press: zh("btn.cancel"), want: []string{zh("flow.cancelled")}},
	}}
	edit := flowCase{name: "edit from the card", as: idZhang, turns: []turn{
		{say: "/appt 瑞丰", at: "when"},
		{say: "明天 15:00", at: "place"},
		{say: "客户公司", at: "purpose"},
		{say: "方案演示", at: "confirm"},
		{press: zh("btn.edit"), at: "edit"},
		{press: zh("field.place"), at: "place"},
		{say: "我们公司", want: []string{zh("card.confirm", ruifeng+" · 11月30日（周一） 15:00 · 我们公司\n方案演示")}, at: "confirm"},
		{press: zh("btn.edit"), at: "edit"},
		{press: zh("field.when"), at: "when"},
		{say: "后天 10:00", want: []string{"12月1日（周二） 10:00"}, at: "confirm"},
		{press: "保存"},
	}, writes: []write{{"AddAppointment", crm.Appointment{CustomerID: custRuifeng, UserID: idZhang, At: time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("", 8*3600)),
		Place: "我们公司", Purpose: "方案演示"}}}}
	runFlow(t, []flowCase{happy, skipped}, bad, edit)
}
