// Package sentence reads what a field rep types in one breath — "今天见了
// 青禾王总，下周五发报价", "/pay 青禾 收到5万", "约了立美明天下午3点演示" —
// into an intent and the fields of the record it proposes. It is pure:
// text and a clock in, a Reading out; no network, no database.
//
// Dates, times, amounts and percentages are read by crm/typed, whole or not
// at all: a date or an amount seen but not read whole is named in
// Reading.Unread and left empty, so the form asks for it instead of saving
// half of it. The customer is not resolved here: Mentions lists the parts
// of a plain sentence that may name one (the sales use case looks them up
// among the customers the rep may see).
package sentence

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/crm/typed"
	"golang.org/x/text/width"
)

// MaxRunes is the longest text Read reads.
const MaxRunes = 300

// Intent is what a sentence asks to record.
type Intent string

// The intents a sentence can have.
const (
	None      Intent = ""
	Visit     Intent = "visit"     // a visit, call or meeting
	Paid      Intent = "paid"      // money received
	Plan      Intent = "plan"      // a payment plan (money due)
	Appt      Intent = "appt"      // an appointment
	Stage     Intent = "stage"     // a deal's stage moved
	New       Intent = "new"       // a new customer
	Complaint Intent = "complaint" // a complaint
	Question  Intent = "question"  // 青禾怎么样, 青禾的回款: show the customer
)

// Fields that can be seen but not read whole (Reading.Unread).
const (
	FieldDate   = "date"
	FieldAmount = "amount"
	FieldPct    = "pct"
	FieldNext   = "next"
	FieldPhone  = "phone"
)

// Reading is what one sentence says.
type Reading struct {
	Intent Intent
	// Intents are the intents a sentence with more than one names
	// (then Intent is None: ask which).
	Intents []Intent
	Content string // what happened (visit, complaint)
	// The next step of a visit: its action, its day (zero: none), and its
	// time when one was given.
	NextAction string
	NextDate   time.Time
	NextAt     time.Time
	Amount     int64     // fen; 0 none
	Date       time.Time // a payment's day, a plan's due day, a deal's close day
	At         time.Time // an appointment's date and time
	Stage      string    // a crm.Stage value
	Pct        int
	HasPct     bool
	Place      string
	Purpose    string
	Contact    string
	// ContactOf is the word just before the contact (海天 in 海天王总),
	// which may name the contact's company.
	ContactOf string
	Phone     string
	Company   string // a new customer's name
	// Mentions are the parts of a plain sentence that may name the
	// customer, most likely first (contact people last).
	Mentions []string
	// Unread names the fields seen but not read whole.
	Unread []string

	amounts int // how many amounts the text holds
}

// Has reports whether field is in Unread.
func (r Reading) Has(field string) bool {
	for _, f := range r.Unread {
		if f == field {
			return true
		}
	}
	return false
}

func (r *Reading) unread(field string) {
	if !r.Has(field) {
		r.Unread = append(r.Unread, field)
	}
}

// text is a sentence being read: its runes (width-folded) and a mask of
// the runes already taken by a field.
type text struct {
	rs    []rune // read: full-width forms narrowed, spaces one kind
	orig  []rune // as written, rune for rune with rs (for the words kept)
	taken []bool
}

func newText(s string) *text {
	orig := []rune(strings.TrimSpace(s))
	rs := make([]rune, len(orig))
	for i, r := range orig {
		if n := []rune(width.Narrow.String(string(r))); len(n) == 1 {
			r = n[0]
		}
		switch {
		case r == '￥':
			r = '¥'
		case unicode.IsSpace(r):
			r = ' '
		}
		rs[i] = r
	}
	return &text{rs: rs, orig: orig, taken: make([]bool, len(rs))}
}

func (t *text) take(i, j int) {
	for k := i; k < j && k < len(t.taken); k++ {
		t.taken[k] = true
	}
}

func (t *text) free(i, j int) bool {
	for k := i; k < j; k++ {
		if t.taken[k] {
			return false
		}
	}
	return true
}

// lower is the text in lower case (same rune positions).
func (t *text) lower() []rune {
	out := make([]rune, len(t.rs))
	for i, r := range t.rs {
		out[i] = unicode.ToLower(r)
	}
	return out
}

// Read reads a sentence. intent is the intent a command gave (text is
// then usually what follows the customer's name), or None for a plain
// sentence. now is the current time in the user's time zone.
//
// A text longer than MaxRunes is no one-breath sentence: it is not read
// (a visit's or complaint's is its content, nothing else).
func Read(s string, now time.Time, intent Intent) Reading {
	if utf8.RuneCountInString(s) > MaxRunes {
		r := Reading{Intent: intent}
		if intent == Visit || intent == Complaint {
			r.Content = strings.TrimSpace(s)
		}
		return r
	}
	t := newText(s)
	var r Reading
	r.Phone = t.phone(&r)
	t.percent(&r)
	r.Stage = t.stage()
	spans := t.dates(now, &r)
	t.amounts(&r)
	cues := t.cues()
	r.Intent = intent
	weak := false
	if intent == None {
		r.Intent, r.Intents, weak = decide(cues, r, spans, now)
	}
	if r.Intent == Paid && len(spans) > 0 && !spans[0].date.IsZero() && dayOf(spans[0].date).After(dayOf(now)) {
		r.Intent = Plan // money is not received on a day to come
	}
	if intent == Paid && cues.has(cuePlan) && !cues.has(cueReceived) {
		r.Intent = Plan
	}
	t.contact(&r)
	switch r.Intent {
	case Visit:
		t.visit(&r, spans, now)
	case Paid, Plan:
		t.payDate(&r, spans, now)
	case Appt:
		t.appt(&r, spans, now)
	case Stage:
		t.close(&r, spans, now)
	case New:
		t.company(&r)
	case Complaint:
		r.Content = t.content(spans, nil)
	}
	if r.Intent != Paid && r.Intent != Plan && r.Intent != Stage {
		r.Amount = 0
		r.Unread = without(r.Unread, FieldAmount)
	}
	if r.Intent != New && r.Intent != None || intent == None {
		// Outside a new customer a phone number names the customer.
		if r.Phone != "" && r.Intent != New {
			r.Mentions = append(r.Mentions, r.Phone)
			r.Phone = ""
		}
	}
	if r.Intent != New {
		r.Mentions = append(t.mentions(r), r.Mentions...)
	}
	if weak && len(r.Mentions) < 2 {
		// "acme next week": a name and a date say nothing to record.
		return Reading{Mentions: r.Mentions}
	}
	return r
}

func without(fs []string, f string) []string {
	var out []string
	for _, x := range fs {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// ---------------------------------------------------------------------------
// Phones, percentages, stages

var (
	mobileRe   = regexp.MustCompile(`(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}`)
	landlineRe = regexp.MustCompile(`0\d{2,3}-\d{7,8}`)
	longNumRe  = regexp.MustCompile(`\d{9,}`)
)

// phone takes the first phone number of the text.
func (t *text) phone(r *Reading) string {
	s := string(t.rs)
	for _, re := range []*regexp.Regexp{mobileRe, landlineRe} {
		if loc := re.FindStringIndex(s); loc != nil {
			i, j := runeIndex(s, loc[0]), runeIndex(s, loc[1])
			if (i > 0 && isDigit(t.rs[i-1])) || (j < len(t.rs) && isDigit(t.rs[j])) {
				continue
			}
			t.take(i, j)
			return strings.NewReplacer(" ", "", "-", "").Replace(string(t.rs[i:j]))
		}
	}
	if loc := longNumRe.FindStringIndex(s); loc != nil {
		// A long run of digits that is no phone number we know: asked,
		// never read as an amount.
		t.take(runeIndex(s, loc[0]), runeIndex(s, loc[1]))
		r.unread(FieldPhone)
	}
	return ""
}

func runeIndex(s string, byteIdx int) int { return utf8.RuneCountInString(s[:byteIdx]) }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isASCIIAlnum(r rune) bool {
	return isDigit(r) || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

var percentRe = regexp.MustCompile(`\d{1,3}(?:\.\d+)?\s*%|百分之[零一二两三四五六七八九十百]+|[0-9一二三四五六七八九十]成[一二三四五六七八九]?`)

func (t *text) percent(r *Reading) {
	s := string(t.rs)
	for _, loc := range percentRe.FindAllStringIndex(s, -1) {
		i, j := runeIndex(s, loc[0]), runeIndex(s, loc[1])
		if !t.free(i, j) || i > 0 && (isDigit(t.rs[i-1]) || t.rs[i-1] == '.') {
			continue
		}
		tok := string(t.rs[i:j])
		if strings.HasSuffix(tok, "成") || strings.Contains(tok, "成") {
			// 八成 is a percentage, 成交 is not: only with a numeral before.
			if j < len(t.rs) && strings.ContainsRune("交功本员立为", t.rs[j]) {
				continue
			}
		}
		t.take(i, j)
		p, err := typed.Percent(tok)
		if err != nil || r.HasPct && p != r.Pct {
			r.unread(FieldPct)
			r.HasPct, r.Pct = false, 0
			continue
		}
		if !r.Has(FieldPct) {
			r.Pct, r.HasPct = p, true
		}
	}
}

// stageWords are the words that name a stage (crm.Stage values), longest
// first where one contains another.
var stageWords = []struct{ word, stage string }{
	{"初次沟通", "initial"}, {"初步接触", "initial"}, {"初次接触", "initial"}, {"initial contact", "initial"},
	{"了解需求", "needs"}, {"需求确认", "needs"}, {"需求分析", "needs"}, {"needs analysis", "needs"},
	{"方案制定", "proposal"}, {"方案阶段", "proposal"}, {"proposal stage", "proposal"},
	{"商务谈判", "negotiation"}, {"谈判阶段", "negotiation"}, {"谈判", "negotiation"}, {"negotiation", "negotiation"},
	{"合同签订", "contract"}, {"签了合同", "contract"}, {"签合同了", "contract"}, {"已签约", "contract"}, {"签约了", "contract"},
	{"赢单", "contract"}, {"成交了", "contract"}, {"won", "contract"},
	{"输单", "lost"}, {"丢单", "lost"}, {"黄了", "lost"}, {"输了", "lost"}, {"lost", "lost"},
}

func (t *text) stage() string {
	low := string(t.lower())
	found := ""
	for _, w := range stageWords {
		i := strings.Index(low, w.word)
		if i < 0 {
			continue
		}
		ri := runeIndex(low, i)
		rj := ri + utf8.RuneCountInString(w.word)
		if !t.free(ri, rj) || !wordEdge(t.rs, ri, rj) {
			continue
		}
		if found != "" && found != w.stage {
			return "" // two stages: ask
		}
		found = w.stage
		t.take(ri, rj)
	}
	return found
}

// wordEdge: an ASCII word is not read inside a longer one ("won" in "wont").
func wordEdge(rs []rune, i, j int) bool {
	if i > 0 && isASCIIAlnum(rs[i-1]) && isASCIIAlnum(rs[i]) {
		return false
	}
	return !(j < len(rs) && isASCIIAlnum(rs[j]) && isASCIIAlnum(rs[j-1]))
}
