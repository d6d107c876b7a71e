package typed

import (
	"regexp"
	"strconv"
	"strings"

	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// Times of day

var (
	hMRe   = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	aMPMRe = regexp.MustCompile(`^(\d{1,2})(?::(\d{2}))?(am|pm)$`)

	aMPMDots = strings.NewReplacer("a.m.", "am", "p.m.", "pm")
)

// dayPart is a Chinese part of the day before an hour; adjust maps the
// hour said with it to 0-23.
type dayPart struct {
	word   string
	adjust func(h int) (int, bool)
}

func morning(h int) (int, bool) { return h, h >= 0 && h <= 12 }

func noon(h int) (int, bool) {
	switch {
	case h == 11 || h == 12 || h >= 13 && h <= 15:
		return h, true
	case h >= 1 && h <= 3:
		return h + 12, true
	}
	return 0, false
}

func afternoon(h int) (int, bool) {
	switch {
	case h >= 1 && h <= 11:
		return h + 12, true
	case h >= 12 && h <= 23:
		return h, true
	}
	return 0, false
}

func evening(h int) (int, bool) {
	switch {
	case h >= 0 && h <= 5, h >= 18 && h <= 23:
		return h, true
	case h >= 6 && h <= 11:
		return h + 12, true
	case h == 12:
		return 0, true
	}
	return 0, false
}

func smallHours(h int) (int, bool) {
	switch {
	case h >= 0 && h <= 6:
		return h, true
	case h == 12:
		return 0, true
	}
	return 0, false
}

// dayParts lists longer words first.
var dayParts = []dayPart{
	{"凌晨", smallHours},
	{"早上", morning}, {"早晨", morning}, {"清晨", morning}, {"上午", morning},
	{"中午", noon},
	{"下午", afternoon}, {"傍晚", afternoon},
	{"晚上", evening}, {"夜里", evening}, {"夜晚", evening}, {"半夜", evening}, {"深夜", evening},
	{"早", morning}, {"晚", evening},
}

// Clock reads a time of day and returns the hour (0-23) and minute.
//
// Accepted: "15:00" and "15：00"; Chinese hours "15点", "15点半", "15点30",
// "15点30分", "15时30分", "三点一刻", "十点整", with an optional part of the
// day that moves the hour ("下午3点" = 15:00, "下午3点半", "下午三点",
// "上午10点", "早上9点", "晚上8点" = 20:00, "晚上12点" = 0:00, "中午12点",
// "中午1点" = 13:00, "凌晨2点", "下午3:30"); English "3pm", "3:30pm",
// "3 pm", "9am", "12am" (0:00), "12pm", "noon", "midnight".
//
// A bare Chinese hour is taken literally on the 24-hour clock: "3点" is 3:00.
// Rejected with CodeInvalid "time.invalid": bare numbers ("1500", "15",
// ambiguous with amounts), "15h", hours above 23, minutes above 59.
func Clock(s string) (hour, minute int, err error) {
	t := strings.ReplaceAll(norm(s), " ", "")
	h, m, ok := clock(t)
	if !ok {
		return 0, 0, invalid("time.invalid")
	}
	return h, m, nil
}

func clock(t string) (int, int, bool) {
	switch t {
	case "noon", "midday", "中午":
		return 12, 0, true
	case "midnight", "午夜":
		return 0, 0, true
	}
	t = aMPMDots.Replace(t)
	if m := aMPMRe.FindStringSubmatch(t); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi := 0
		if m[2] != "" {
			mi, _ = strconv.Atoi(m[2])
		}
		if h < 1 || h > 12 || mi > 59 {
			return 0, 0, false
		}
		h %= 12
		if m[3] == "pm" {
			h += 12
		}
		return h, mi, true
	}
	adjust := func(h int) (int, bool) { return h, h >= 0 && h <= 23 }
	for _, p := range dayParts {
		if rest, ok := strings.CutPrefix(t, p.word); ok {
			t, adjust = rest, p.adjust
			break
		}
	}
	h, mi, ok := clockBody(t)
	if !ok || h > 23 {
		return 0, 0, false
	}
	if h, ok = adjust(h); !ok {
		return 0, 0, false
	}
	return h, mi, true
}

// clockBody reads "15:30", "15点", "15点半", "三点一刻", "15时30分".
func clockBody(t string) (int, int, bool) {
	if m := hMRe.FindStringSubmatch(t); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		return h, mi, mi <= 59
	}
	i := strings.IndexAny(t, "点點时時")
	if i <= 0 {
		return 0, 0, false
	}
	h, ok := smallInt(t[:i])
	if !ok {
		return 0, 0, false
	}
	_, w := utf8.DecodeRuneInString(t[i:])
	rest := t[i+w:]
	switch rest {
	case "", "整", "钟", "正":
		return h, 0, true
	case "半":
		return h, 30, true
	case "一刻", "1刻":
		return h, 15, true
	case "三刻", "3刻":
		return h, 45, true
	}
	rest = strings.TrimSuffix(rest, "分")
	if r := strings.TrimPrefix(rest, "零"); r != rest && r != "" && !strings.HasPrefix(r, "零") {
		rest = r // 三点零五
	}
	mi, ok := smallInt(rest)
	if !ok || mi > 59 {
		return 0, 0, false
	}
	return h, mi, true
}
