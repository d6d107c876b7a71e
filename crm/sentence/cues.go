package sentence

import (
	"strings"
	"time"
)

// cue is a kind of word that points to an intent.
type cue int

const (
	cueVisit cue = iota
	cuePay
	cueReceived
	cuePlan
	cueAppt
	cueStage
	cueNew
	cueComplaint
	cueQuestion
	cueMeetWord  // 约 alone: an appointment when a time is given
	cueMeetFirst // 约 first (约远航明天): an appointment when a day is given
	cueVisitDone // a visit said outright: with a payment or a stage, two records
)

type cueSet map[cue]bool

func (c cueSet) has(k cue) bool { return c[k] }

// cueWords are the words of each cue (lower case).
var cueWords = []struct {
	cue   cue
	words []string
}{
	{cueVisit, []string{"拜访", "见了", "见到", "见面", "去了", "聊了", "聊", "沟通", "谈了", "开会", "开了会", "会议", "电话", "打给", "致电", "微信", "面谈", "上门", "来电", "通了电话", "通话", "走访", "回访", "跟进", "交流", "演示", "送样", "送货", "拜会",
		"visited", "visit", "met ", "met with", "called", "call with", "phoned", "meeting with", "talked", "discussed", "demo went"}},
	{cuePay, []string{"回款", "到账", "打款", "付款", "收款", "尾款", "首款", "预付款", "货款", "款项", "汇款", "转账", "付了", "结款", "付", "应收", "钱到", "款到", "transfer", "payment", "paid", "received", "pay "}},
	{cueReceived, []string{"收到", "收了", "到账", "已回", "已付", "打过来", "转过来", "received", "paid", "got "}},
	{cuePlan, []string{"计划", "预计", "应收", "到期", "要回", "会回", "will pay", "due", "plan", "expected"}},
	{cueAppt, []string{"约了", "约好", "约在", "预约", "约个", "约他", "约她", "约客户", "约我", "约的", "appointment", "meet at", "booked", "book a", "schedule a", "set up a meeting"}},
	{cueStage, []string{"阶段", "推进到", "推进", "进入", "stage", "moved to"}},
	{cueNew, []string{"新客户", "新增客户", "添加客户", "加个客户", "加客户", "录入客户", "新建客户", "建个客户", "new customer", "new client", "add customer"}},
	{cueComplaint, []string{"投诉", "抱怨", "不满", "complain", "complaint"}},
	{cueMeetWord, []string{"约", "meet "}},
	{cueVisitDone, []string{"拜访", "见了", "上门", "去了", "visited", "met "}},
	{cueQuestion, []string{"怎么样", "如何", "咋样", "情况", "进展", "状态", "怎样", "?", "？", "吗", "多少", "商机", "跟进记录", "什么状态", "how is", "how's", "what's up", "whats up", "what about", "status of", "show"}},
}

// cues lists the cues of the whole text (taken runes included: 收到 is
// a cue even next to an amount).
func (t *text) cues() cueSet {
	low := strings.ReplaceAll(string(t.lower())+" ", "交付", "交-")
	out := cueSet{}
	if strings.HasPrefix(low, "约") || strings.HasPrefix(low, "预约") {
		out[cueMeetFirst] = true
	}
	for _, cw := range cueWords {
		for _, w := range cw.words {
			if strings.Contains(low, w) {
				out[cw.cue] = true
				break
			}
		}
	}
	return out
}

// decide picks the intent of a plain sentence. Two strong intents (a
// payment and a stage, a complaint and an appointment) are asked, never
// guessed.
func decide(c cueSet, r Reading, spans []span, now time.Time) (Intent, []Intent, bool) {
	if c.has(cueNew) {
		return New, nil, false
	}
	var strong []Intent
	if c.has(cueComplaint) {
		strong = append(strong, Complaint)
	}
	payWords := c.has(cuePay) || c.has(cueReceived) && (r.Amount != 0 || r.Has(FieldAmount))
	money := r.Amount != 0 || r.Has(FieldAmount)
	if payWords && (money || c.has(cuePay) && len(spans) > 0 && !c.has(cueQuestion)) {
		switch {
		case r.amounts > 1:
			// Two amounts are two payments (收到5万，下月再回5万): ask.
			strong = append(strong, Paid, Plan)
		case c.has(cuePlan) && !c.has(cueReceived):
			strong = append(strong, Plan)
		default:
			strong = append(strong, Paid)
		}
	}
	if r.Stage != "" || c.has(cueStage) && (r.HasPct || r.Has(FieldPct)) {
		strong = append(strong, Stage)
	}
	timed := false
	for _, sp := range spans {
		if !sp.at.IsZero() {
			timed = true
		}
	}
	if c.has(cueAppt) || c.has(cueMeetWord) && timed || c.has(cueMeetFirst) && len(spans) > 0 {
		strong = append(strong, Appt)
	}
	if len(strong) == 1 && c.has(cueVisitDone) && (strong[0] == Paid || strong[0] == Plan || strong[0] == Stage) {
		strong = append([]Intent{Visit}, strong...)
	}
	switch {
	case len(strong) > 1:
		return None, strong, false
	case len(strong) == 1:
		return strong[0], nil, false
	}
	if c.has(cueQuestion) || payWords || c.has(cuePay) {
		return Question, nil, false
	}
	if c.has(cueVisit) {
		return Visit, nil, false
	}
	for _, sp := range spans {
		if sp.timeOnly || dayOf(sp.date).After(dayOf(now)) {
			// A next step noted: a contact happened — a weak guess, kept
			// only when the sentence says more than a name and a date.
			return Visit, nil, true
		}
	}
	return None, nil, false
}
