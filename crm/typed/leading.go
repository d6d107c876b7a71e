package typed

import (
	"regexp"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// A next step: free text with its date and time

// splitMax bounds the length, in runes, of a date looked for at either
// end of free text.
const splitMax = 32

// numberCont are characters that continue a number, so a date cannot
// end between a digit and one of them: "1.5万" does not start with 1.5 (1月5日),
// nor "12/4/2026" with 12/4.
const numberCont = "万萬千仟百佰十拾亿億元块%.,/点時时分号日月年"

// restCutset is trimmed from the text left after a date.
const restCutset = " \t\r\n　,，:：、;；-—–~～.。!！"

var (
	// startFragRe is what a date or time left behind at the start of the
	// rest when it was read only in part: "下月" + "32号", "明天" + "25点".
	// "春节" + "前": before a date is not a date.
	startFragRe = regexp.MustCompile(`^(?:[0-9零〇一二两三四五六七八九十]+[号日月点时時:]|号|[之以]?[前后])`)
	// endFragRe is the same before a date read at the end: "下" + "周五".
	endFragRe = regexp.MustCompile(`(?:[下上本这个月]|[0-9]|[0-9零〇一二两三四五六七八九十][号日月点时時])$`)
	// dateLikeRe is a text that starts like a date but was not read as one:
	// "本月32号 发方案", "13-01 回访", "下个月三十五号".
	dateLikeRe = regexp.MustCompile(`^(?:[下上]+个?月|本月|这个?月|\d{4}年|[0-9零〇一二两三四五六七八九十]{1,3}月[0-9零〇一二两三四五六七八九十]|[0-9零〇一二两三四五六七八九十]{1,3}号|\d{1,4}[-/.]\d{1,2}(?:[-/.]\d*)?(?:\s|$))`)
)

// Next is a next step read by NextStep.
type Next struct {
	// Date is the step's day at midnight, zero when none was given.
	Date time.Time
	// At is the step's date and time of day when a time was given with
	// the date. Zero otherwise.
	At time.Time
	// TimeOnly is true when the text gave a time of day but no date
	// ("下午3点 开会"): Date and At are zero and Action is the whole text.
	TimeOnly bool
	// Action is the text without its date and time, trimmed of spaces
	// and punctuation.
	Action string
}

// NextStep reads a next step typed as free text that may start or end
// with its date, and a time of day after the date: "下周五 发方案",
// "发方案 下周五", "明天给报价", "3天后下午3点 技术交流", "下月九号 回访",
// "next friday send quote", "12-05 14:30 回访". Dates are read as by
// DueDate (a year-less month and day is the next one), times as by Clock;
// the longest date at the start wins, and only when there is none is the
// end tried. A date never ends or begins inside a run of ASCII letters or
// digits, so "monitor" does not start with "mon".
//
// Nothing is half-read: a date read only in part ("下月32号 发方案" would
// be 下月 and "32号 发方案") or a text that starts like a date but is not
// one ("本月32号 发方案") is refused. With no date, Date is zero and Action
// is the trimmed text (TimeOnly tells when it held a time); the caller
// asks whether the step really has no date. "" and "-" give Next{}.
//
// Errors (CodeInvalid): "date.past" for a date before today, "time.past"
// for a date and time not after now; "date.partial" for a date or time
// read only in part.
func NextStep(s string, now time.Time) (Next, error) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" || trimmed == "-" {
		return Next{}, nil
	}
	orig := []rune(trimmed)
	folded := make([]rune, len(orig))
	for i, r := range orig {
		folded[i] = fold(r)
	}
	n := len(orig)
	for i := min(n, splitMax); i >= 1; i-- {
		if !boundary(folded, i) || isDigit(folded[i-1]) && i < n && strings.ContainsRune(numberCont, folded[i]) {
			continue
		}
		w, ok := when(string(folded[:i]), now)
		if !ok {
			continue
		}
		rest := strings.Trim(string(orig[i:]), restCutset)
		if startFragRe.MatchString(string(folded[i:])) || startFragRe.MatchString(strings.Trim(string(folded[i:]), restCutset)) {
			return Next{}, invalid("date.partial")
		}
		return w.with(rest, trimmed, now)
	}
	if dateLikeRe.MatchString(string(folded)) {
		return Next{}, invalid("date.partial")
	}
	for i := max(1, n-splitMax); i < n; i++ {
		if !boundary(folded, i) {
			continue
		}
		w, ok := when(string(folded[i:]), now)
		if !ok {
			continue
		}
		if endFragRe.MatchString(string(folded[:i])) {
			return Next{}, invalid("date.partial")
		}
		return w.with(strings.Trim(string(orig[:i]), restCutset), trimmed, now)
	}
	return Next{Action: trimmed}, nil
}

// moment is a date, a time of day, or both.
type moment struct {
	date    time.Time // zero: none
	h, m    int
	hasTime bool
}

// when reads a date (as DueDate), a date and a time, or a time alone.
func when(t string, now time.Time) (moment, bool) {
	t = norm(t)
	if t == "" {
		return moment{}, false
	}
	if d, ok := dateText(t, now, true); ok {
		return moment{date: d}, true
	}
	if d, h, m, ok := dateAndClock(t, now, true); ok {
		return moment{date: d, h: h, m: m, hasTime: true}, true
	}
	if h, m, ok := clock(strings.ReplaceAll(t, " ", "")); ok {
		return moment{h: h, m: m, hasTime: true}, true
	}
	return moment{}, false
}

// with is the next step of a moment and the rest of the text; a time
// without a date keeps the whole text as the action.
func (w moment) with(rest, whole string, now time.Time) (Next, error) {
	if w.date.IsZero() {
		return Next{TimeOnly: true, Action: whole}, nil
	}
	if w.date.Before(dayOf(now)) {
		return Next{}, invalid("date.past")
	}
	nx := Next{Date: w.date, Action: rest}
	if w.hasTime {
		nx.At = time.Date(w.date.Year(), w.date.Month(), w.date.Day(), w.h, w.m, 0, 0, now.Location())
		if !nx.At.After(now) {
			return Next{}, invalid("time.past")
		}
	}
	return nx, nil
}
