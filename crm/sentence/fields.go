package sentence

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/salesbot-crm/salesbot/crm/typed"
)

// ---------------------------------------------------------------------------
// Dates and times

// span is a date, a date and time, or a time found in the text.
type span struct {
	i, j     int
	date     time.Time // the day (midnight), zero for a time alone
	at       time.Time // date and time when a time was given
	timeOnly bool
}

// dateMax bounds a date's length in runes.
const dateMax = 16

// dateStarts are the runes a Chinese date or time can start with; an
// ASCII word can start one too (next friday, tomorrow, dec 4, 12-05).
const dateStarts = "今明后昨前大下上本这周星礼月号年元春除端中国清劳圣早晚中午凌傍0123456789零〇一二两三四五六七八九十"

// numerals start a number; a date that starts with one has one of
// dateUnits soon after it (12月, 3号, 5点, 3天后, 12-05, 3pm).
const (
	numerals  = "0123456789零〇一二两三四五六七八九十"
	dateUnits = "月号日点时時天周年:-/.后前半分apm"
)

func unitSoon(rs []rune) bool {
	if s := string(rs[:min(len(rs), 2)]); s == "五一" || s == "十一" { // holidays
		return true
	}
	for k := 1; k < len(rs) && k <= 8; k++ {
		if strings.ContainsRune(dateUnits, rs[k]) {
			return true
		}
		if !strings.ContainsRune(numerals, rs[k]) && rs[k] != ' ' {
			return false
		}
	}
	return false
}

// dateEnds are the runes a date or time can end with (a cheap test before
// the parsers are tried).
const dateEnds = "0123456789号日天周末底初旬后前点分半整午晚早上下一二三四五六七八九十两节夜旦宵秋阳午明清月年"

// numberCont continue a number: a date does not end between a digit and
// one of them (12.5万 is no 12月5日).
const numberCont = "万萬千仟百佰十拾亿億元块%.,/点时時分号日月年wWkK"

// A date followed by 前 ("月底前", "周五之前") is a deadline, not a day:
// like a date read in part, it is not taken (crm/typed reads it so too).
var partialAfterRe = regexp.MustCompile(`^\s*(?:[0-9零〇一二两三四五六七八九十]+\s*[号日点时時]|号|[之以]?前)`)

// dates finds the dates and times of the text, longest at each place,
// left to right; a date followed by a part of a date that was not read
// ("下月" + "32号") is unread.
func (t *text) dates(now time.Time, r *Reading) []span {
	var out []span
	low := t.lower()
	n := len(low)
	for i := 0; i < n; i++ {
		c := low[i]
		if t.taken[i] || c == ' ' || !(strings.ContainsRune(dateStarts, c) || c >= 'a' && c <= 'z') {
			continue
		}
		if i > 0 && (isASCIIAlnum(low[i-1]) && isASCIIAlnum(c) || isDigit(low[i-1]) || low[i-1] == '.') {
			continue
		}
		if strings.ContainsRune(numerals, c) && !unitSoon(low[i:]) {
			continue // a number that no date word follows is no date
		}
		for j := min(n, i+dateMax); j > i; j-- {
			if e := low[j-1]; e == ' ' || !(e >= 'a' && e <= 'z' || strings.ContainsRune(dateEnds, e)) || !t.free(i, j) {
				continue
			}
			if j < n && (isASCIIAlnum(low[j-1]) && isASCIIAlnum(low[j]) || isDigit(low[j-1]) && strings.ContainsRune(numberCont, low[j])) {
				continue
			}
			sp, ok := readWhen(string(low[i:j]), now)
			if !ok {
				continue
			}
			sp.i, sp.j = i, j
			if partialAfterRe.MatchString(string(low[j:])) {
				r.unread(FieldDate)
			}
			out = append(out, sp)
			t.take(i, j)
			i = j - 1
			break
		}
	}
	return out
}

// readWhen reads one date, date and time, or time.
func readWhen(s string, now time.Time) (span, bool) {
	if strings.TrimSpace(s) != s {
		return span{}, false
	}
	if _, _, err := typed.Clock(s); err == nil {
		at, err := typed.DateTime(s, now, 0, 0, false)
		if err != nil {
			return span{}, false
		}
		return span{at: at, timeOnly: true}, true
	}
	if at, err := typed.DateTime(s, now, 0, 0, false); err == nil {
		return span{date: dayOf(at), at: at}, true
	}
	if d, err := typed.Date(s, now); err == nil {
		return span{date: d}, true
	}
	return span{}, false
}

func (t *text) spanText(sp span) string { return string(t.rs[sp.i:sp.j]) }

// ---------------------------------------------------------------------------
// Amounts

var amountRe = regexp.MustCompile(`(?i)(?:rmb|¥)?\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|万块|万|w|k|千元|千块|千|亿元|亿|元|块钱|块)?(?:[0-9一二三四五六七八九](?:千)?)?|[零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟]+(?:万元|万块|万|千元|千块|千|亿|元|块钱|块)[一二三四五六七八九]?(?:千)?`)

// amounts reads the amount of money in the text: one, whole; two
// different ones or one not read whole are unread.
func (t *text) amounts(r *Reading) {
	s := string(t.rs)
	seen := 0 // amounts seen: two (even equal) are two payments, asked
	for _, loc := range amountRe.FindAllStringIndex(s, -1) {
		i, j := runeIndex(s, loc[0]), runeIndex(s, loc[1])
		for j > i && t.rs[j-1] == ' ' {
			j--
		}
		for i < j && t.rs[i] == ' ' {
			i++
		}
		if !t.free(i, j) || j < len(t.rs) && isASCIIAlnum(t.rs[j]) && isASCIIAlnum(t.rs[j-1]) {
			continue
		}
		if i > 0 && (isDigit(t.rs[i-1]) || t.rs[i-1] == '.') && t.free(i-1, i) {
			// The tail of a number that is not one (1.2.3万).
			t.take(i, j)
			r.unread(FieldAmount)
			r.Amount = 0
			continue
		}
		tok := string(t.rs[i:j])
		signed := i > 0 && (t.rs[i-1] == '-' || t.rs[i-1] == '负')
		glued := j < len(t.rs) && (t.rs[j] >= 'a' && t.rs[j] <= 'z' || t.rs[j] >= 'A' && t.rs[j] <= 'Z' || t.rs[j] == '.' && j+1 < len(t.rs) && isDigit(t.rs[j+1]))
		unit := strings.IndexFunc(tok, func(c rune) bool { return strings.ContainsRune("万千亿元块wWkK", c) }) >= 0
		digits := 0
		for _, c := range tok {
			if isDigit(c) {
				digits++
			}
		}
		if !unit && digits < 3 && !strings.ContainsAny(tok, "¥") {
			continue // 3个人, 第2次: no amount
		}
		t.take(i, j)
		a, err := typed.Amount(tok)
		seen++
		r.amounts = seen
		if err != nil || signed || glued || seen > 1 {
			r.unread(FieldAmount)
			r.Amount = 0
			continue
		}
		if !r.Has(FieldAmount) {
			r.Amount = a
		}
	}
}

// ---------------------------------------------------------------------------
// Contacts

const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

var (
	contactRe   = regexp.MustCompile(`[` + surnames + `](?:总经理|总监|总|经理|老板|主任|工|老师|先生|女士|小姐|董|处长|局长|科长|部长|厂长|院长|主管|秘书|姐|哥)`)
	contactEnRe = regexp.MustCompile(`(?i)\b(?:mr|mrs|ms|miss|dr)\.?\s+[a-z]+`)
)

// contact takes the first contact person of the text (王总, Mr. Wang).
func (t *text) contact(r *Reading) {
	s := string(t.rs)
	for _, re := range []*regexp.Regexp{contactRe, contactEnRe} {
		for _, loc := range re.FindAllStringIndex(s, -1) {
			i, j := runeIndex(s, loc[0]), runeIndex(s, loc[1])
			if !t.free(i, j) {
				continue
			}
			t.take(i, j)
			if r.Contact == "" {
				r.Contact = string(t.rs[i:j])
				// The words just before a contact may be the company's
				// (海天王总): then the contact alone does not name it.
				k := i
				for k > 0 && !t.taken[k-1] && hasHan(string(t.rs[k-1])) && !strings.ContainsRune("的和跟与给见了约找在到去", t.rs[k-1]) {
					k--
				}
				if i-k >= 2 {
					r.ContactOf = string(t.rs[k:i])
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------
// Clauses

// clause is a part of the text between punctuation.
type clause struct{ i, j int }

func isSep(rs []rune, k int) bool {
	switch rs[k] {
	case ',', '，', '。', ';', '；', '!', '！', '?', '？', '\n', '、':
		return true
	case '.':
		return !(k > 0 && isDigit(rs[k-1]) && k+1 < len(rs) && isDigit(rs[k+1]))
	case ' ':
		// A space parts Chinese, not English words.
		return k > 0 && k+1 < len(rs) && !(isASCIIAlnum(rs[k-1]) && isASCIIAlnum(rs[k+1]))
	}
	return false
}

func (t *text) clauses() []clause {
	var out []clause
	start := 0
	for k := 0; k <= len(t.rs); k++ {
		if k == len(t.rs) || isSep(t.rs, k) {
			if strings.TrimSpace(string(t.rs[start:k])) != "" {
				out = append(out, clause{start, k})
			}
			start = k + 1
		}
	}
	return out
}

func (t *text) clauseText(c clause) string { return strings.TrimSpace(string(t.rs[c.i:c.j])) }

// words is the rep's own text from rune i to j, as they wrote it (their
// punctuation and spaces kept, runs of spaces made one), without the
// separators at either end: what happened reads in their words, in their
// language.
func (t *text) words(i, j int) string {
	s := strings.Join(strings.Fields(string(t.orig[i:j])), " ")
	return strings.Trim(s, " ,，、;；:：。.")
}

// nextMarkers open a next step.
var nextMarkers = []string{"下一步：", "下一步:", "下一步", "接下来", "然后", "之后", "准备", "打算", "计划", "next step:", "next step", "next:", "then "}

// visit reads a visit: the clause with a date ahead (or a next-step word)
// is the next step, read by typed.NextStep; the rest is what happened.
func (t *text) visit(r *Reading, spans []span, now time.Time) {
	cls := t.clauses()
	next := -1
	for k, c := range cls {
		for _, sp := range spans {
			if sp.i >= c.i && sp.i < c.j && (sp.timeOnly || dayOf(sp.date).After(dayOf(now))) {
				next = k
				break
			}
		}
		if next >= 0 {
			break
		}
	}
	if next < 0 {
		for k, c := range cls {
			if k > 0 && hasMarker(strings.ToLower(t.clauseText(c))) {
				next = k
				break
			}
		}
	}
	switch { // the next step runs to the end
	case len(cls) == 0, next == 0:
	case next < 0:
		r.Content = t.words(cls[0].i, cls[len(cls)-1].j)
	default:
		r.Content = t.words(cls[0].i, cls[next-1].j)
	}
	if next < 0 {
		return
	}
	// The next step runs to the end of the sentence.
	raw := strings.TrimSpace(string(t.rs[cls[next].i:]))
	raw = stripMarker(raw)
	hasDate := false
	var first *span // the first date ahead in the next step's clause
	for k := range spans {
		sp := spans[k]
		if sp.i >= cls[next].i {
			hasDate = true
			if first == nil && (sp.timeOnly || dayOf(sp.date).After(dayOf(now))) {
				first = &spans[k]
			}
		}
	}
	nx, err := typed.NextStep(raw, now)
	if first != nil && first.i > cls[next].i && (err != nil || nx.Date.IsZero() || !dayOf(nx.Date).Equal(dayOf(first.date))) {
		// The date inside the clause ("刘经理说下周一给答复", "今天见了
		// 王总下周五发报价"): what comes before it is what happened, the
		// rest the next step.
		before := strings.Trim(stripMarker(strings.TrimSpace(string(t.rs[cls[next].i:first.i]))), " ,，、:：")
		nx, err = typed.NextStep(string(t.rs[first.i:]), now)
		if err == nil && !nx.Date.IsZero() && before != "" && !hasMarker(before) {
			r.Content = t.words(cls[0].i, first.i)
		}
	}
	switch {
	case err != nil, nx.TimeOnly, hasDate && nx.Date.IsZero():
		r.unread(FieldNext)
	default:
		r.NextAction, r.NextDate, r.NextAt = nx.Action, nx.Date, nx.At
	}
	if r.Content == "" && next == 0 && len(cls) == 1 {
		// Only a next step: nothing happened to log.
		r.Content = ""
	}
}

func hasMarker(s string) bool {
	for _, m := range nextMarkers {
		if strings.HasPrefix(s, m) {
			return true
		}
	}
	return false
}

func stripMarker(s string) string {
	low := strings.ToLower(s)
	for _, m := range nextMarkers {
		if strings.HasPrefix(low, m) && len(m) > 0 {
			rest := strings.TrimLeft(s[len(m):], " :：,，")
			if rest != "" {
				return rest
			}
		}
	}
	return s
}

// payDate reads a payment's day: received on a day that has been (today
// when none is said), due on a day ahead.
func (t *text) payDate(r *Reading, spans []span, now time.Time) {
	var days []span
	for _, sp := range spans {
		if !sp.timeOnly {
			days = append(days, sp)
		}
	}
	if len(days) > 1 {
		r.unread(FieldDate)
		return
	}
	if r.Has(FieldDate) {
		return
	}
	if len(days) == 0 {
		if r.Intent == Paid {
			r.Date = dayOf(now)
		}
		return
	}
	s := t.spanText(days[0])
	if r.Intent == Plan {
		d, err := typed.DueDate(s, now)
		if err != nil {
			r.unread(FieldDate)
			return
		}
		r.Date = d
		return
	}
	d, err := typed.Date(s, now)
	if err != nil || d.After(dayOf(now)) {
		r.unread(FieldDate)
		return
	}
	r.Date = d
}

// placeWords end a place's name.
var placeRe = regexp.MustCompile(`^(?:在|去|到)?(.{0,10}?(?:公司|办公室|会议室|总部|工厂|厂里|门店|店里|酒店|咖啡厅|餐厅|大厦|园区|楼|我司|贵司|他们那|线上|视频|腾讯会议|zoom))`)

// appt reads an appointment: a date and a time ahead, a place, a purpose.
func (t *text) appt(r *Reading, spans []span, now time.Time) {
	var withTime []span
	for _, sp := range spans {
		if !sp.at.IsZero() {
			withTime = append(withTime, sp)
		}
	}
	switch {
	case len(withTime) > 1 || len(spans) > len(withTime) && len(withTime) > 0 && !sameDay(spans, withTime[0]):
		r.unread(FieldDate)
	case len(withTime) == 1 && withTime[0].at.After(now):
		r.At = withTime[0].at
	case len(withTime) == 1:
		r.unread(FieldDate)
	}
	var rest []string
	for _, c := range t.clausesFree() {
		if r.Place == "" {
			if m := placeRe.FindStringSubmatch(c); m != nil {
				r.Place = strings.TrimSpace(m[1])
				if p := strings.TrimSpace(strings.TrimPrefix(c, m[0])); p != "" {
					rest = append(rest, p)
				}
				continue
			}
		}
		rest = append(rest, c)
	}
	r.Purpose = cleanPurpose(strings.Join(rest, "，"))
}

func sameDay(spans []span, at span) bool {
	for _, sp := range spans {
		if !sp.date.IsZero() && !sp.date.Equal(at.date) && !sp.timeOnly {
			return false
		}
	}
	return true
}

var apptCueRe = regexp.MustCompile(`^(?:约了|约好|约在|约|预约|安排|定了|appointment with|appointment|meeting with|meet)`)

func cleanPurpose(s string) string {
	s = strings.Trim(s, " ,，、:：")
	s = apptCueRe.ReplaceAllString(s, "")
	return strings.Trim(s, " ,，、:：")
}

// clausesFree are the clauses' untaken text.
func (t *text) clausesFree() []string {
	var out []string
	for _, c := range t.clauses() {
		var b strings.Builder
		for k := c.i; k < c.j; k++ {
			if t.taken[k] {
				b.WriteRune(' ')
				continue
			}
			b.WriteRune(t.rs[k])
		}
		for _, part := range strings.Fields(b.String()) {
			if p := strings.Trim(part, " ,，、:：的在"); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// close reads a deal's expected close day.
func (t *text) close(r *Reading, spans []span, now time.Time) {
	if len(spans) > 1 {
		r.unread(FieldDate)
		return
	}
	if len(spans) == 0 || r.Has(FieldDate) {
		return
	}
	d, err := typed.DueDate(t.spanText(spans[0]), now)
	if err != nil || spans[0].timeOnly {
		r.unread(FieldDate)
		return
	}
	r.Date = d
}

// company reads a new customer's name: the longest part of the text that
// is not its contact, phone or a word of the intent.
func (t *text) company(r *Reading) {
	var b strings.Builder
	for k, c := range t.rs {
		if t.taken[k] {
			b.WriteRune('|')
			continue
		}
		b.WriteRune(c)
	}
	s := stripWords(b.String(), newWords)
	best := ""
	for _, part := range strings.FieldsFunc(s, func(c rune) bool {
		return c == '|' || c == '，' || c == '；' || c == ';' || c == '、' || c == ':' || c == '：' || c == '\n' || c == ' ' && hasHan(s)
	}) {
		part = strings.Trim(part, " ,，、:：。")
		if len([]rune(part)) > len([]rune(best)) {
			best = part
		}
	}
	r.Company = best
}

var newWords = []string{"新增客户", "新客户", "添加客户", "加个客户", "加客户", "录入客户", "新建客户", "建个客户", "new customer", "new client", "add customer", "客户", "联系人", "电话", "手机"}

func stripWords(s string, words []string) string {
	low := strings.ToLower(s)
	for _, w := range words {
		for {
			i := strings.Index(low, w)
			if i < 0 {
				break
			}
			s = s[:i] + " " + s[i+len(w):]
			low = low[:i] + " " + low[i+len(w):]
		}
	}
	return s
}

// content is the untaken text of the clauses: what a complaint says.
func (t *text) content(_ []span, _ []int) string {
	cls := t.clauses()
	if len(cls) == 0 {
		return ""
	}
	return t.words(cls[0].i, cls[len(cls)-1].j)
}

// ---------------------------------------------------------------------------
// Mentions

// stopWords are the words of a sentence that name no customer.
var stopWords = []string{
	"今天", "昨天", "刚才", "刚刚", "上午", "下午", "晚上", "中午", "早上",
	"拜访了", "拜访", "见了", "见到", "见面", "去了", "去过", "聊了", "聊天", "聊", "沟通了", "沟通", "谈了", "谈", "开会", "会议", "开了个会",
	"来电", "打电话给", "打了电话", "打电话", "电话", "致电", "打给", "微信", "发了", "发", "给", "跟", "和", "与", "同", "找", "去", "到",
	"收到", "收了", "到账", "回款", "收款", "打款", "付款", "尾款", "首款", "预付款", "货款", "款", "计划", "预计", "应收",
	"约了", "约好", "约", "预约", "安排", "演示", "阶段", "推进到", "推进", "进入", "进展", "到了",
	"投诉", "抱怨", "不满", "怎么样", "如何", "咋样", "情况", "状态", "呢", "吗", "啊", "吧",
	"的", "了", "一下", "一次", "那边", "这边", "他们", "我们", "客户", "公司的", "在", "说", "想", "要", "需要", "方案", "报价", "合同", "签",
}

var enStop = map[string]bool{"met": true, "meet": true, "meeting": true, "with": true, "at": true, "the": true, "a": true, "an": true,
	"visited": true, "visit": true, "called": true, "call": true, "today": true, "yesterday": true, "and": true, "to": true, "of": true,
	"received": true, "paid": true, "payment": true, "from": true, "for": true, "in": true, "on": true, "send": true, "sent": true,
	"quote": true, "demo": true, "next": true, "step": true, "they": true, "we": true, "i": true, "want": true, "wants": true,
	"how": true, "is": true, "what": true, "about": true, "status": true, "appointment": true, "complaint": true, "complained": true,
	"stage": true, "moved": true, "deal": true, "plan": true, "due": true, "will": true, "pay": true, "went": true, "well": true,
	"new": true, "customer": true, "client": true, "add": true, "contact": true, "talked": true, "discussed": true, "proposal": true,
	"price": true, "budget": true, "need": true, "needs": true, "their": true, "his": true, "her": true, "by": true, "mr": true, "ms": true,
	"mrs": true, "it": true, "was": true, "has": true, "have": true, "got": true, "signed": true, "contract": true, "about?": true,
}

// mentions are the runs of the text that may name the customer.
func (t *text) mentions(r Reading) []string {
	var b strings.Builder
	for k, c := range t.rs {
		if t.taken[k] {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(c)
	}
	s := b.String()
	s = strings.Map(func(c rune) rune {
		if unicode.IsPunct(c) && c != '.' && c != '&' && c != '-' || c == '。' {
			return ' '
		}
		return c
	}, s)
	var out []string
	seen := map[string]bool{}
	add := func(m string) {
		m = strings.Trim(m, " .-")
		if len([]rune(m)) < 2 || seen[strings.ToLower(m)] {
			return
		}
		seen[strings.ToLower(m)] = true
		out = append(out, m)
	}
	han := stripWords(s, stopWords)
	for _, part := range strings.Fields(han) {
		if hasHan(part) {
			add(part)
		}
	}
	// English: runs of words that are not stop words.
	var run []string
	flush := func() {
		if len(run) > 0 {
			add(strings.Join(run, " "))
			if len(run) > 1 {
				add(run[0])
			}
		}
		run = nil
	}
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(strings.Trim(w, ".'s"))
		if hasHan(w) || enStop[lw] || len(lw) < 3 {
			flush()
			continue
		}
		run = append(run, strings.TrimSuffix(strings.Trim(w, "."), "'s"))
	}
	flush()
	if r.Contact != "" {
		add(r.Contact)
	}
	return out
}

func hasHan(s string) bool {
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			return true
		}
	}
	return false
}
