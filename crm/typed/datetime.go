package typed

import (
	"strings"
	"time"

	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// Date and time together

// shorthands expand a word that holds both a day and a part of the day
// so that the hour after it is read in that part: 今晚8点 is 20:00.
var shorthands = []struct{ from, to string }{
	{"今晚", "今天晚上"}, {"明晚", "明天晚上"}, {"今早", "今天早上"}, {"明早", "明天早上"},
	{"昨晚", "昨天晚上"},
}

// DateTime reads a date and a time of day together, in either order,
// with or without a space or a connecting word ("at", "on", "的"):
// "明天 15:00", "明天下午3点", "今晚8点", "下周五 10:00", "12-05 14:30",
// "tomorrow 3pm", "3pm tomorrow", "tomorrow at 3pm", "2026-12-01 09:00".
// Dates and times are read as by Date and Clock.
//
// A date alone is accepted only when dateOnlyOK, and then gets the time
// defaultHour:defaultMinute; otherwise it fails with "datetime.no_time" so
// the caller can ask for the time. A time alone means today, even if that
// time has passed: the caller checks for the past. The result is in
// now.Location().
//
// Errors (CodeInvalid): "datetime.no_time" for a date alone, or a date and
// only a part of the day ("明天下午"); "time.invalid" when the default time
// is out of range; "datetime.invalid" for anything else (including text
// longer than 64 characters).
func DateTime(s string, now time.Time, defaultHour, defaultMinute int, dateOnlyOK bool) (time.Time, error) {
	t := norm(s)
	at := func(d time.Time, h, m int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, now.Location())
	}
	if t == "" || utf8.RuneCountInString(t) > dateTimeMax {
		return time.Time{}, invalid("datetime.invalid")
	}
	if d, ok := dateText(t, now, false); ok {
		if !dateOnlyOK {
			return time.Time{}, invalid("datetime.no_time")
		}
		if defaultHour < 0 || defaultHour > 23 || defaultMinute < 0 || defaultMinute > 59 {
			return time.Time{}, invalid("time.invalid")
		}
		return at(d, defaultHour, defaultMinute), nil
	}
	if h, m, ok := clock(strings.ReplaceAll(t, " ", "")); ok {
		return at(now, h, m), nil
	}
	if d, h, m, ok := dateAndClock(t, now, false); ok {
		return at(d, h, m), nil
	}
	// 明天下午: a day and a part of it, but no hour.
	for _, p := range dayParts {
		if rest, ok := strings.CutSuffix(expandShorthand(t), p.word); ok {
			if _, ok := dateText(trimConnectors(rest), now, false); ok {
				return time.Time{}, invalid("datetime.no_time")
			}
		}
	}
	return time.Time{}, invalid("datetime.invalid")
}

// expandShorthand writes 今晚8点 as 今天晚上8点.
func expandShorthand(t string) string {
	for _, sh := range shorthands {
		if rest, ok := strings.CutPrefix(t, sh.from); ok {
			return sh.to + rest
		}
	}
	return t
}

// dateAndClock reads a date and a time of day, both present, in either
// order (normalised text t; ahead as for dateText).
func dateAndClock(t string, now time.Time, ahead bool) (time.Time, int, int, bool) {
	rs := []rune(expandShorthand(t))
	for _, dateFirst := range []bool{true, false} {
		for i := 1; i < len(rs); i++ {
			if !boundary(rs, i) {
				continue
			}
			a, b := trimConnectors(string(rs[:i])), trimConnectors(string(rs[i:]))
			if !dateFirst {
				a, b = b, a
			}
			if a == "" || b == "" {
				continue
			}
			h, m, ok := clock(strings.ReplaceAll(b, " ", ""))
			if !ok {
				continue
			}
			if d, ok := dateText(a, now, ahead); ok {
				return d, h, m, true
			}
		}
	}
	return time.Time{}, 0, 0, false
}

// dateTimeMax bounds the length, in runes, of a date-time.
const dateTimeMax = 64

// boundary reports whether text may be cut before rs[i]: not inside a
// run of ASCII letters and digits ("sat|urday", "12|05").
func boundary(rs []rune, i int) bool {
	return i <= 0 || i >= len(rs) || !isAlnum(rs[i-1]) || !isAlnum(rs[i])
}

// trimConnectors trims spaces and the little words that join a date and
// a time: "at", "on", "@", "的", ",".
func trimConnectors(t string) string {
	for {
		t = strings.TrimSpace(t)
		before := t
		for _, c := range []string{"@", "的", ","} {
			t = strings.TrimPrefix(strings.TrimSuffix(t, c), c)
		}
		for _, w := range []string{"at", "on"} {
			if t == w {
				return ""
			}
			t = strings.TrimPrefix(strings.TrimSuffix(t, " "+w), w+" ")
		}
		if t == before {
			return t
		}
	}
}
