package typed

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// Dates

var (
	yMDRe         = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	compactRe     = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	mDRe          = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})$`)
	cNDateRe      = regexp.MustCompile(`^(?:(\d{4})年|(今年|明年|去年))?([^月]+)月([^月日号]+)[日号]?$`)
	cNMonthPartRe = regexp.MustCompile(`^(?:(\d{4})年)?([^月]+)月(初|中|底|末)$`)
	cNDayRe       = regexp.MustCompile(`^([^月日号]+)[日号]$`)
	cNRelRe       = regexp.MustCompile(`^([^个天日周星礼月年]+)个?(天|日|周|星期|礼拜|月|年)(?:以|之)?(后|前)$`)
	eNRelRe       = regexp.MustCompile(`^(in )?([a-z]+|\d+) (day|week|month|year)s?(?: (later|from now|time|ago))?$`)
	cNWeekRe      = regexp.MustCompile(`^(下+|上+|本|这|)个?(?:周|星期|礼拜)?(?:周|星期|礼拜)([一二三四五六日天七1-7])$`)
	eNWeekRe      = regexp.MustCompile(`^(?:(next|this|last|on) )?([a-z]+)$`)
	eNMonthRe     = regexp.MustCompile(`^(?:(\d{1,2})(?:st|nd|rd|th)? ?(?:of )?([a-z]+)|([a-z]+)\.? ?(\d{1,2})(?:st|nd|rd|th)?)(?:,? ?(\d{4}))?$`)
	cNNoteRe      = regexp.MustCompile(`^(.+?)\(?(?:周|星期|礼拜)([一二三四五六日天七1-7])\)?$`)
	cNRelMonthRe  = regexp.MustCompile(`^(本|这个?|[下上]+个?)月(?:的)?([^月日号]+)[日号]$`)
)

// dayWords are days relative to today.
var dayWords = map[string]int{
	"今天": 0, "今日": 0, "今儿": 0, "今晚": 0, "今早": 0, "today": 0, "tonight": 0,
	"明天": 1, "明日": 1, "明儿": 1, "明晚": 1, "明早": 1, "tomorrow": 1, "tmr": 1, "tmrw": 1,
	"后天": 2, "后日": 2, "day after tomorrow": 2, "the day after tomorrow": 2,
	"大后天": 3,
	"昨天":  -1, "昨日": -1, "昨晚": -1, "yesterday": -1,
	"前天": -2, "day before yesterday": -2, "the day before yesterday": -2,
	"大前天": -3,
}

// monthStart is the first day of the month n months after today's.
func monthStart(today time.Time, n int) time.Time {
	return time.Date(today.Year(), today.Month()+time.Month(n), 1, 0, 0, 0, 0, today.Location())
}

// monthEnd is the last day of the month n months after today's.
func monthEnd(today time.Time, n int) time.Time {
	return time.Date(today.Year(), today.Month()+time.Month(n)+1, 0, 0, 0, 0, 0, today.Location())
}

// weekStart is the Monday of the calendar week n weeks after today's.
func weekStart(today time.Time, n int) time.Time {
	return today.AddDate(0, 0, 7*n-weekdayIndex(today))
}

// weekdayIndex is Monday = 0 … Sunday = 6.
func weekdayIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// periodWords are named days: ends and starts of months and weeks.
var periodWords = periodTable()

func periodTable() map[string]func(today time.Time) time.Time {
	words := map[string]func(today time.Time) time.Time{}
	add := func(f func(time.Time) time.Time, ws ...string) {
		for _, w := range ws {
			words[w] = f
		}
	}
	add(func(t time.Time) time.Time { return monthEnd(t, 0) },
		"月底", "本月底", "这个月底", "这月底", "月末", "本月末", "end of month", "end of the month", "eom")
	add(func(t time.Time) time.Time { return monthEnd(t, 1) },
		"下月底", "下个月底", "下月末", "下个月末", "end of next month")
	add(func(t time.Time) time.Time {
		if t.Day() == 1 {
			return t
		}
		return monthStart(t, 1)
	}, "月初")
	add(func(t time.Time) time.Time { return monthStart(t, 1) },
		"下月初", "下个月初", "下月", "下个月", "next month", "beginning of next month", "start of next month")
	add(func(t time.Time) time.Time {
		if t.Day() <= 15 {
			return monthStart(t, 0).AddDate(0, 0, 14)
		}
		return monthStart(t, 1).AddDate(0, 0, 14)
	}, "月中")
	add(func(t time.Time) time.Time { return monthStart(t, 1).AddDate(0, 0, 14) },
		"下月中", "下个月中")
	add(func(t time.Time) time.Time { return weekStart(t, 1) },
		"下周", "下个周", "下星期", "下个星期", "下礼拜", "下个礼拜", "next week")
	add(func(t time.Time) time.Time {
		if weekdayIndex(t) >= 5 {
			return t
		}
		return weekStart(t, 0).AddDate(0, 0, 5)
	}, "周末", "本周末", "这周末", "这个周末", "weekend", "this weekend")
	add(func(t time.Time) time.Time { return weekStart(t, 1).AddDate(0, 0, 5) },
		"下周末", "下个周末", "next weekend")
	add(func(t time.Time) time.Time { return time.Date(t.Year(), 12, 31, 0, 0, 0, 0, t.Location()) },
		"年底", "年末", "今年年底", "end of year", "end of the year")
	return words
}

// cNWeekdays maps the last character of 周X to Monday = 0 … Sunday = 6.
var cNWeekdays = map[string]int{
	"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
	"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6,
}

var eNWeekdays = map[string]int{
	"monday": 0, "mon": 0,
	"tuesday": 1, "tue": 1, "tues": 1,
	"wednesday": 2, "wed": 2,
	"thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
	"friday": 4, "fri": 4,
	"saturday": 5, "sat": 5,
	"sunday": 6, "sun": 6,
}

var eNMonths = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var eNNumbers = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// Date reads a calendar date relative to now and returns midnight of
// that date in now.Location(). Date arithmetic is on the calendar (days,
// months), never in multiples of 24 hours, so it is right across DST changes.
//
// Accepted, case-insensitive, with full-width digits and surrounding spaces:
//
//   - full dates: 2026-12-01, 2026/12/01, 2026.12.01, 20261201, 2026年12月1日;
//     今年/明年/去年12月1日;
//   - month and day: 12-01, 12/01, 12.01, 12月1日, 12月1号, 十二月一日, "Dec 4",
//     "4 Dec", "December 4th", "Dec 4, 2026". "a/b" is always month/day, in
//     English too ("12/4" is 4 December); day/month is not supported;
//   - parts of a month: 12月初 (the 1st), 12月中 (the 15th), 12月底 and
//     12月末 (the last day), 2027年1月底; the year as for 12月1日;
//   - day of month: 1日, 1号, 十五号: the next such day on or after today;
//     of a named month: 本月9日 这个月15号 (this month), 下月九号 下个月20号
//     下月6号 (next month), 下下个月3号 (the month after), 上月5号; the day
//     must exist in that month (下月31号 in a 30-day month is refused);
//   - holidays, the next one on or after today: 元旦, 春节, 清明, 劳动节 = 五一,
//     端午, 中秋, 国庆 (also 元旦节, 清明节, 端午节, 中秋节, 国庆节, 大年初一,
//     "national day", "chinese new year"…); 春节, 清明, 端午 and 中秋 from
//     a table for 2024–2035 (holiday.go), refused after it;
//   - words: 今天 明天 后天 大后天 昨天 前天 大前天 today tomorrow yesterday
//     tonight, 月底 (last day of this month), 下月底, 月初 (the next 1st, today
//     if it is the 1st), 下月初 = 下个月 = 下月 = "next month" (the 1st of next
//     month), 月中 / 下月中 (the 15th), 下周 = "next week" (Monday of next
//     week), 周末 (Saturday, or today at the weekend), 下周末, 年底;
//   - weekdays: 周五 星期五 礼拜五 本周五 这周五 "friday" "fri" "this friday": the
//     next such day on or after today; 下周五 下个星期五 "next friday": that
//     day of next calendar week (weeks start on Monday), 下下周一 the week
//     after, 上周五 "last friday" that day of the week before. One convention
//     in both languages: on Monday 30 November 2026 下周五 and "next friday"
//     are both 11 December, 周五 and "friday" 4 December;
//   - counts: 3天后 三天后 两周后 2个星期后 1个月后 半个月后 (15 days) 3天前,
//     "in 3 days", "3 days", "in a week", "2 weeks", "1 month", "3 days ago".
//     Months are added on the calendar, clamped to the month's end
//     (1个月后 on 1-31 is 2-28).
//
// A date may carry its weekday, as the bot writes it: "12月4日（周五）",
// "12-04 周五", "fri dec 4"; the weekday must then be right.
//
// Year inference for month-day forms: the date is taken in the year that
// puts it no more than 2 months in the past and less than 10 months ahead.
// That is this year unless the date is more than 2 months past (then next
// year) — and, in January and February, a November or December date means
// the one just past rather than one ten months away.
//
// A due date (DueDate) reads the same words but takes a month and day
// without a year as the next one, and refuses a day before today.
//
// Errors: CodeInvalid "date.invalid" for anything else, including impossible
// dates (2026-02-30, 13-01).
func Date(s string, now time.Time) (time.Time, error) {
	d, ok := dateText(s, now, false)
	if !ok {
		return time.Time{}, invalid("date.invalid")
	}
	return d, nil
}

// DueDate reads a date that is due: a payment plan's due date, the date
// of a next step. It accepts what Date accepts, but a month and day
// without a year ("十月31", "12-01", "Dec 4", "3月底") is the next such
// day on or after today, and a date before today is refused.
//
// Errors (CodeInvalid): "date.past" for a date before today (昨天,
// 2020-01-01, 3天前); "date.invalid" for anything Date refuses.
func DueDate(s string, now time.Time) (time.Time, error) {
	d, ok := dateText(s, now, true)
	if !ok {
		return time.Time{}, invalid("date.invalid")
	}
	if d.Before(dayOf(now)) {
		return time.Time{}, invalid("date.past")
	}
	return d, nil
}

// dayOf is midnight of now's day.
func dayOf(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
}

// dateText is Date without the error; ahead reads a year-less month and
// day as the next one (DueDate).
func dateText(s string, now time.Time, ahead bool) (time.Time, bool) {
	t := squeeze(norm(s))
	if t == "" {
		return time.Time{}, false
	}
	today := dayOf(now)
	if d, ok := dateCore(t, today, ahead); ok {
		return d, true
	}
	return dateNoted(t, today, ahead)
}

// dateNoted reads a date followed or preceded by its weekday and checks
// that they agree.
func dateNoted(t string, today time.Time, ahead bool) (time.Time, bool) {
	wd, base := -1, ""
	if m := cNNoteRe.FindStringSubmatch(t); m != nil {
		wd, base = cNWeekdays[m[2]], strings.TrimRight(m[1], " ,")
		switch {
		case strings.HasSuffix(base, "下"), strings.HasSuffix(base, "上"),
			strings.HasSuffix(base, "本"), strings.HasSuffix(base, "这"),
			strings.HasSuffix(base, "个"), strings.HasSuffix(base, "周"):
			return time.Time{}, false
		}
	} else if i := strings.IndexAny(t, " ,"); i > 0 {
		n, isDay := eNWeekdays[t[:i]]
		if !isDay {
			return time.Time{}, false
		}
		wd, base = n, strings.TrimLeft(t[i:], " ,")
	}
	if wd < 0 || base == "" {
		return time.Time{}, false
	}
	d, ok := dateCore(base, today, ahead)
	if !ok || weekdayIndex(d) != wd {
		return time.Time{}, false
	}
	return d, true
}

func dateCore(t string, today time.Time, ahead bool) (time.Time, bool) {
	if off, ok := dayWords[t]; ok {
		return today.AddDate(0, 0, off), true
	}
	if f, ok := periodWords[t]; ok {
		return f(today), true
	}
	if _, ok := holidayWords[t]; ok {
		return holiday(t, today)
	}
	if d, ok := monthDay(t, today); ok {
		return d, true
	}
	if d, ok := weekday(t, today); ok {
		return d, true
	}
	if d, ok := relative(t, today); ok {
		return d, true
	}
	return absolute(t, today, ahead)
}

// monthDay reads a day of this, next or last month: 本月9日, 这个月15号,
// 下月九号, 下个月20号, 下下个月3号, 上月5号. The day must exist in that month.
func monthDay(t string, today time.Time) (time.Time, bool) {
	m := cNRelMonthRe.FindStringSubmatch(t)
	if m == nil {
		return time.Time{}, false
	}
	p := strings.TrimSuffix(m[1], "个")
	n := 0
	switch {
	case p == "本" || p == "这":
	case strings.Trim(p, "下") == "":
		n = len([]rune(p))
	case strings.Trim(p, "上") == "":
		n = -len([]rune(p))
	default: // 下上月
		return time.Time{}, false
	}
	d, ok := smallInt(m[2])
	if !ok {
		return time.Time{}, false
	}
	first := monthStart(today, n)
	return yMD(first.Year(), int(first.Month()), d, today.Location())
}

// weekday reads 周五, 下周五, 下下周一, 上周五, friday, next friday….
func weekday(t string, today time.Time) (time.Time, bool) {
	idx := weekdayIndex(today)
	if m := cNWeekRe.FindStringSubmatch(t); m != nil {
		wd := cNWeekdays[m[2]]
		switch p := m[1]; {
		case strings.HasPrefix(p, "下"):
			return weekStart(today, strings.Count(p, "下")).AddDate(0, 0, wd), true
		case strings.HasPrefix(p, "上"):
			return weekStart(today, -strings.Count(p, "上")).AddDate(0, 0, wd), true
		default: // 周五, 本周五, 这周五: on or after today
			return today.AddDate(0, 0, (wd-idx+7)%7), true
		}
	}
	if m := eNWeekRe.FindStringSubmatch(t); m != nil {
		wd, ok := eNWeekdays[m[2]]
		if !ok {
			return time.Time{}, false
		}
		switch m[1] {
		case "next": // as 下周五
			return weekStart(today, 1).AddDate(0, 0, wd), true
		case "last": // as 上周五
			return weekStart(today, -1).AddDate(0, 0, wd), true
		default:
			return today.AddDate(0, 0, (wd-idx+7)%7), true
		}
	}
	return time.Time{}, false
}

// addMonths adds n calendar months to d, keeping the day of month but
// clamping it to the target month's last day.
func addMonths(d time.Time, n int) time.Time {
	end := monthEnd(d, n)
	if d.Day() > end.Day() {
		return end
	}
	return time.Date(end.Year(), end.Month(), d.Day(), 0, 0, 0, 0, d.Location())
}

// relative reads 3天后, 两周后, 1个月后, 3天前, in 3 days, 2 weeks ago.
func relative(t string, today time.Time) (time.Time, bool) {
	var n int
	var unit string
	sign := 1
	if m := cNRelRe.FindStringSubmatch(t); m != nil {
		unit = m[2]
		if m[1] == "半" {
			switch unit {
			case "月":
				return today.AddDate(0, 0, 15*signOf(m[3])), true
			case "年":
				return addMonths(today, 6*signOf(m[3])), true
			}
			return time.Time{}, false
		}
		var ok bool
		if n, ok = smallInt(m[1]); !ok {
			return time.Time{}, false
		}
		sign = signOf(m[3])
	} else if m := eNRelRe.FindStringSubmatch(t); m != nil {
		var ok bool
		if n, ok = eNNumbers[m[2]]; !ok {
			if n, ok = smallInt(m[2]); !ok {
				return time.Time{}, false
			}
		}
		if m[4] == "ago" {
			if m[1] != "" {
				return time.Time{}, false
			}
			sign = -1
		}
		unit = map[string]string{"day": "天", "week": "周", "month": "月", "year": "年"}[m[3]]
	} else {
		return time.Time{}, false
	}
	if n > 10000 {
		return time.Time{}, false
	}
	n *= sign
	switch unit {
	case "天", "日":
		return today.AddDate(0, 0, n), true
	case "周", "星期", "礼拜":
		return today.AddDate(0, 0, 7*n), true
	case "月":
		return addMonths(today, n), true
	default: // 年
		return addMonths(today, 12*n), true
	}
}

func signOf(afterBefore string) int {
	if afterBefore == "前" {
		return -1
	}
	return 1
}

// yMD returns the date if it exists.
func yMD(y, m, d int, loc *time.Location) (time.Time, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

// inferYear places a month and day in the year that puts it in the
// window [today − 2 months, today − 2 months + 1 year), or with ahead in
// [today, today + 1 year): the next such day.
func inferYear(m, d int, today time.Time, ahead bool) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	lo := addMonths(today, -2)
	if ahead {
		lo = today
	}
	hi := addMonths(lo, 12)
	for y := today.Year() - 1; y <= today.Year()+1; y++ {
		c, ok := yMD(y, m, d, today.Location())
		if ok && !c.Before(lo) && c.Before(hi) {
			return c, true
		}
	}
	return time.Time{}, false
}

// nextDay is the next day-of-month d on or after today.
func nextDay(d int, today time.Time) (time.Time, bool) {
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	for k := 0; k <= 12; k++ {
		first := monthStart(today, k)
		c, ok := yMD(first.Year(), int(first.Month()), d, today.Location())
		if ok && !c.Before(today) {
			return c, true
		}
	}
	return time.Time{}, false
}

func absolute(t string, today time.Time, ahead bool) (time.Time, bool) {
	loc := today.Location()
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if m := yMDRe.FindStringSubmatch(t); m != nil {
		return yMD(atoi(m[1]), atoi(m[2]), atoi(m[3]), loc)
	}
	if m := compactRe.FindStringSubmatch(t); m != nil {
		return yMD(atoi(m[1]), atoi(m[2]), atoi(m[3]), loc)
	}
	if m := mDRe.FindStringSubmatch(t); m != nil {
		return inferYear(atoi(m[1]), atoi(m[2]), today, ahead)
	}
	if m := cNMonthPartRe.FindStringSubmatch(t); m != nil {
		mo, ok := smallInt(m[2])
		if !ok || mo < 1 || mo > 12 {
			return time.Time{}, false
		}
		part := func(y int) (time.Time, bool) {
			d := map[string]int{"初": 1, "中": 15}[m[3]]
			if d == 0 {
				d = time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, loc).Day()
			}
			return yMD(y, mo, d, loc)
		}
		switch {
		case m[1] != "":
			return part(atoi(m[1]))
		case ahead: // the next such day
			for y := today.Year(); y <= today.Year()+1; y++ {
				if c, ok := part(y); ok && !c.Before(today) {
					return c, true
				}
			}
			return time.Time{}, false
		}
		// the year of the month's first day, as for 12月1日
		first, ok := inferYear(mo, 1, today, false)
		if !ok {
			return time.Time{}, false
		}
		return part(first.Year())
	}
	if m := cNDateRe.FindStringSubmatch(t); m != nil {
		mo, ok1 := smallInt(m[3])
		d, ok2 := smallInt(m[4])
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		switch {
		case m[1] != "":
			return yMD(atoi(m[1]), mo, d, loc)
		case m[2] == "今年":
			return yMD(today.Year(), mo, d, loc)
		case m[2] == "明年":
			return yMD(today.Year()+1, mo, d, loc)
		case m[2] == "去年":
			return yMD(today.Year()-1, mo, d, loc)
		}
		return inferYear(mo, d, today, ahead)
	}
	if m := cNDayRe.FindStringSubmatch(t); m != nil {
		d, ok := smallInt(m[1])
		if !ok {
			return time.Time{}, false
		}
		return nextDay(d, today)
	}
	if m := eNMonthRe.FindStringSubmatch(t); m != nil {
		name, day := m[2], m[1]
		if name == "" {
			name, day = m[3], m[4]
		}
		mo, ok := eNMonths[strings.TrimSuffix(name, ".")]
		if !ok {
			return time.Time{}, false
		}
		if m[5] != "" {
			return yMD(atoi(m[5]), int(mo), atoi(day), loc)
		}
		return inferYear(int(mo), atoi(day), today, ahead)
	}
	return time.Time{}, false
}
