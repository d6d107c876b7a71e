package typed

import (
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// A date inside free text

// splitMax bounds the length, in runes, of a date looked for at either
// end of free text.
const splitMax = 32

// numberCont are characters that continue a number, so a date cannot
// end between a digit and one of them: "1.5万" does not start with 1.5 (1月5日),
// nor "12/4/2026" with 12/4.
const numberCont = "万萬千仟百佰十拾亿億元块%.,/点時时分号日月年"

// restCutset is trimmed from the text left after a date.
const restCutset = " \t\r\n　,，:：、;；-—–~～.。!！"

// LeadingDate takes free text that may start or end with a date — "下周五
// 发方案", "发方案 下周五", "明天给报价", "next friday send quote", "12-05 回访"
// — and returns the date (as Date would), the remaining text with spaces
// and punctuation trimmed, and ok. The longest date at the start wins; only
// when there is none is the end tried. A date never ends or begins inside a
// run of ASCII letters or digits, so "monitor" does not start with "mon".
// With no date, ok is false and rest is the trimmed text; "" and "-" (no
// answer) give ok = false and rest "".
func LeadingDate(s string, now time.Time) (date time.Time, rest string, ok bool) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" || trimmed == "-" {
		return time.Time{}, "", false
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
		if d, ok := dateText(string(folded[:i]), now); ok {
			return d, strings.Trim(string(orig[i:]), restCutset), true
		}
	}
	for i := max(1, n-splitMax); i < n; i++ {
		if !boundary(folded, i) {
			continue
		}
		if d, ok := dateText(string(folded[i:]), now); ok {
			return d, strings.Trim(string(orig[:i]), restCutset), true
		}
	}
	return time.Time{}, trimmed, false
}
