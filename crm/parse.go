package crm

// Parsers for what sales reps type on their phones: amounts of money, dates,
// times of day, date-times and percentages, in Chinese and English, with
// full-width or half-width characters.
//
// All helpers in this file are prefixed "parse". Money is computed with
// integer arithmetic only: a decimal like "1.2亿" is read as integer and
// fraction digits and scaled exactly, never through float64.

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// Text normalisation

// parseFold maps one rune to its canonical form: full-width ASCII to ASCII
// (５ → 5, ，→ ',', ：→ ':', ％ → '%'), any space to ' ', ￥ to ¥, dashes to
// '-', and ASCII letters to lower case. It maps exactly one rune to one rune,
// so positions in folded text match positions in the original.
func parseFold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == '￥':
		return '¥'
	case r == '‐', r == '‑', r == '‒', r == '–', r == '—', r == '−':
		return '-'
	case unicode.IsSpace(r):
		return ' '
	}
	if r >= 'A' && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r
}

// parseNorm folds s, collapses runs of spaces into one and trims it.
func parseNorm(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		r = parseFold(r)
		if r == ' ' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// parseIsAlnum reports whether r is an ASCII letter or digit.
func parseIsAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func parseIsDigit(r rune) bool { return r >= '0' && r <= '9' }

// parseSqueeze removes the spaces of normalised text except those between two
// ASCII letters or digits: "5 万" → "5万", "12 月 1 日" → "12月1日", while
// "next friday" and "5 000" keep theirs.
func parseSqueeze(t string) string {
	rs := []rune(t)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && (i == 0 || i == len(rs)-1 || !parseIsAlnum(rs[i-1]) || !parseIsAlnum(rs[i+1])) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Numbers: Arabic, Chinese and mixed ("1万2", "十二万五千", "1.2亿", "50k")

const (
	parseMaxYuan = int64(1_000_000_000_000) // 1e12 yuan, the largest amount
	parseMaxFen  = parseMaxYuan * 100

	parseKeyAmountInvalid  = "amount.invalid"
	parseKeyAmountZero     = "amount.zero"
	parseKeyAmountTooLarge = "amount.too_large"
)

// parseCNDigits are the Chinese digits, common and financial (大写).
var parseCNDigits = map[rune]int64{
	'零': 0, '〇': 0,
	'一': 1, '壹': 1,
	'二': 2, '两': 2, '贰': 2, '貳': 2,
	'三': 3, '叁': 3, '參': 3,
	'四': 4, '肆': 4,
	'五': 5, '伍': 5,
	'六': 6, '陆': 6, '陸': 6,
	'七': 7, '柒': 7,
	'八': 8, '捌': 8,
	'九': 9, '玖': 9,
}

// parseSmallUnits multiply the digit before them inside a 万-section; the
// value is the power of ten.
var parseSmallUnits = map[rune]int{
	'十': 1, '拾': 1,
	'百': 2, '佰': 2,
	'千': 3, '仟': 3, 'k': 3,
}

// parseBigUnits close a section: 万 (w) = 1e4, 亿 = 1e8.
var parseBigUnits = map[rune]int{
	'万': 4, '萬': 4, 'w': 4,
	'亿': 8, '億': 8,
}

// parseMulPow10 returns v·10^k, or false if that is above parseMaxFen.
func parseMulPow10(v int64, k int) (int64, bool) {
	for ; k > 0; k-- {
		if v > parseMaxFen/10 {
			return 0, false
		}
		v *= 10
	}
	return v, v <= parseMaxFen
}

// parseAdd returns a+b, or false if that is above parseMaxFen.
func parseAdd(a, b int64) (int64, bool) {
	if a > parseMaxFen-b {
		return 0, false
	}
	return a + b, true
}

// parseNum is a number waiting for its unit: integer yuan and the digits
// after the decimal point (trailing zeros removed).
type parseNum struct {
	ip     int64
	frac   string
	single bool // one digit and no fraction, as the 二 of 一万二
	set    bool
}

// fen returns n·10^exp yuan in fen. It fails when the result would have
// fractions of a fen ("amount.invalid") or is too large.
func (n parseNum) fen(exp int) (int64, string) {
	k := exp + 2
	if len(n.frac) > k {
		return 0, parseKeyAmountInvalid
	}
	v, ok := parseMulPow10(n.ip, k)
	if !ok {
		return 0, parseKeyAmountTooLarge
	}
	if n.frac != "" {
		f, err := strconv.ParseInt(n.frac, 10, 64) // at most 10 digits here
		if err != nil {
			return 0, parseKeyAmountInvalid
		}
		if f, ok = parseMulPow10(f, k-len(n.frac)); ok {
			v, ok = parseAdd(v, f)
		}
		if !ok {
			return 0, parseKeyAmountTooLarge
		}
	}
	return v, ""
}

// parseArabic reads an Arabic number starting at rs[i]: digits, optional
// thousands separators (groups of three) and an optional fraction.
func parseArabic(rs []rune, i int) (parseNum, int, string) {
	var ip int64
	digits, group, commas, big := 0, 0, 0, false
	for ; i < len(rs); i++ {
		r := rs[i]
		if r == ',' {
			if group == 0 || commas == 0 && group > 3 || commas > 0 && group != 3 {
				return parseNum{}, i, parseKeyAmountInvalid
			}
			commas, group = commas+1, 0
			continue
		}
		if !parseIsDigit(r) {
			break
		}
		digits, group = digits+1, group+1
		if ip > parseMaxFen {
			big = true
		} else {
			ip = ip*10 + int64(r-'0')
		}
	}
	if commas > 0 && group != 3 {
		return parseNum{}, i, parseKeyAmountInvalid
	}
	n := parseNum{ip: ip, single: digits == 1, set: true}
	if i < len(rs) && rs[i] == '.' {
		i++
		start := i
		for i < len(rs) && parseIsDigit(rs[i]) {
			i++
		}
		if i == start {
			return parseNum{}, i, parseKeyAmountInvalid
		}
		n.frac = strings.TrimRight(string(rs[start:i]), "0")
		n.single = false
	}
	if big {
		return parseNum{}, i, parseKeyAmountTooLarge
	}
	return n, i, ""
}

// parseNumeral reads a number made of Arabic numbers, Chinese digits and
// units into fen (hundredths of the number). It follows the usual Chinese
// reading: digits are multiplied by 十/百/千 inside a section, 万 and 亿 close
// a section. A single trailing digit right after a unit of 百 or more counts
// one place lower, as people say it: 一万二 = 12000, 三千五 = 3500,
// 1万2 = 12000. Its error is a message key.
func parseNumeral(s string) (int64, string) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, parseKeyAmountInvalid
	}
	bad := func() (int64, string) { return 0, parseKeyAmountInvalid }
	var (
		total, section int64
		cur            parseNum
		lastExp        int  // power of ten of the last unit
		afterUnit      bool // the previous token was a unit
		curAfterUnit   bool // cur came right after a unit
		zero           bool // a 零 placeholder since the last unit
		smallCap       = 4  // small units must descend inside a section
		wan, yi        bool // 万 seen in this 亿-section; 亿 seen
		ok             bool
	)
	for i := 0; i < len(rs); {
		r := rs[i]
		if parseIsDigit(r) {
			if cur.set {
				return bad()
			}
			n, j, key := parseArabic(rs, i)
			if key != "" {
				return 0, key
			}
			cur, curAfterUnit, afterUnit, i = n, afterUnit, false, j
			continue
		}
		i++
		if d, isDigit := parseCNDigits[r]; isDigit {
			if d == 0 && lastExp > 0 && !cur.set { // 一百零五
				zero, afterUnit = true, false
				continue
			}
			if cur.set {
				return bad()
			}
			cur = parseNum{ip: d, single: true, set: true}
			curAfterUnit, afterUnit = afterUnit, false
			continue
		}
		if exp, isSmall := parseSmallUnits[r]; isSmall {
			if exp >= smallCap {
				return bad()
			}
			if !cur.set {
				// 十二, 百万, 千万 at the start; 一千零十 after 零.
				if r == 'k' || !(i == 1 || exp == 1 && zero) {
					return bad()
				}
				cur = parseNum{ip: 1, set: true}
			}
			v, key := cur.fen(exp)
			if key != "" {
				return 0, key
			}
			if section, ok = parseAdd(section, v); !ok {
				return 0, parseKeyAmountTooLarge
			}
			cur, smallCap, lastExp, afterUnit, zero = parseNum{}, exp, exp, true, false
			continue
		}
		if exp, isBig := parseBigUnits[r]; isBig {
			if !cur.set && section == 0 && (exp == 4 || total == 0) {
				return bad()
			}
			if exp == 4 && wan || exp == 8 && yi {
				return bad()
			}
			var v int64
			if cur.set {
				var key string
				if v, key = cur.fen(exp); key != "" {
					return 0, key
				}
			}
			sv, ok1 := parseMulPow10(section, exp)
			if exp == 8 { // 一万亿: everything so far is multiplied
				total, ok = parseMulPow10(total, 8)
				ok = ok && ok1
				yi, wan = true, false
			} else {
				ok = ok1
				wan = true
			}
			if ok {
				if total, ok = parseAdd(total, sv); ok {
					total, ok = parseAdd(total, v)
				}
			}
			if !ok {
				return 0, parseKeyAmountTooLarge
			}
			section, cur, smallCap, lastExp, afterUnit, zero = 0, parseNum{}, 4, exp, true, false
			continue
		}
		return bad()
	}
	if cur.set {
		exp := 0
		if cur.single && curAfterUnit && lastExp >= 2 {
			exp = lastExp - 1
		}
		v, key := cur.fen(exp)
		if key != "" {
			return 0, key
		}
		if section, ok = parseAdd(section, v); !ok {
			return 0, parseKeyAmountTooLarge
		}
	}
	if total, ok = parseAdd(total, section); !ok {
		return 0, parseKeyAmountTooLarge
	}
	return total, ""
}

// parseIsCNNumeral reports whether r is a Chinese digit or unit.
func parseIsCNNumeral(r rune) bool {
	if _, ok := parseCNDigits[r]; ok {
		return true
	}
	_, small := parseSmallUnits[r]
	_, big := parseBigUnits[r]
	return (small || big) && r != 'k' && r != 'w'
}

// parseSmallInt reads a non-negative integer written either in Arabic digits
// ("12", "05") or in Chinese numerals ("十二", "两", "二十五").
func parseSmallInt(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	ascii, cn := true, true
	for _, r := range s {
		ascii = ascii && parseIsDigit(r)
		cn = cn && parseIsCNNumeral(r)
	}
	switch {
	case ascii:
		if len(s) > 6 {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	case cn:
		fen, key := parseNumeral(s)
		if key != "" || fen%100 != 0 || fen/100 > 1_000_000 {
			return 0, false
		}
		return int(fen / 100), true
	}
	return 0, false
}

// ---------------------------------------------------------------------------
// Amounts

var (
	parseAmountPrefixes = []string{"人民币", "rmb", "cny", "¥"}
	parseAmountSuffixes = []string{"人民币", "元整", "块钱", "rmb", "cny", "元", "块"}
)

// ParseAmount reads an amount of money typed by a person into fen.
//
// It accepts Arabic numbers with optional thousands separators (half- or
// full-width) and decimals ("50000", "3,000", "3，000", "¥3,000.50"),
// Chinese numerals, common or financial ("五万", "十二万五千", "一百二十万",
// "两万", "壹万"), units after a number ("5万", "1.2亿", "3千", "50k", "5w",
// "1w5k", "1kw"), the colloquial trailing digit ("一万二" = "1万2" = 12000,
// "三千五" = 3500), a currency prefix or suffix ("RMB 5000", "￥", "元",
// "块", "块钱"), full-width digits and spaces around units ("5 万").
//
// Errors (all CodeInvalid): "amount.invalid" for anything else — empty text,
// words, negative amounts, digits separated by spaces ("5 000"), trailing
// garbage ("5万abc") and amounts with fractions of a fen after scaling
// ("1.234", "1.2345678万"); "amount.zero" for zero; "amount.too_large" above
// 1e12 yuan.
func ParseAmount(s string) (Money, error) {
	t := parseNorm(s)
	for _, p := range parseAmountPrefixes {
		if rest, ok := strings.CutPrefix(t, p); ok {
			t = strings.TrimSpace(rest)
			break
		}
	}
	for _, p := range parseAmountSuffixes {
		if rest, ok := strings.CutSuffix(t, p); ok {
			t = strings.TrimSpace(rest)
			break
		}
	}
	t = parseSqueeze(t)
	if t == "" || strings.ContainsRune(t, ' ') {
		return 0, Errorf(CodeInvalid, parseKeyAmountInvalid)
	}
	fen, key := parseNumeral(t)
	if key != "" {
		return 0, Errorf(CodeInvalid, key)
	}
	if fen == 0 {
		return 0, Errorf(CodeInvalid, parseKeyAmountZero)
	}
	return Money(fen), nil
}

// ---------------------------------------------------------------------------
// Percentages

var parsePercentFracRe = regexp.MustCompile(`^([01])\.(\d+)$`)

// ParsePercent reads a probability in whole percent, 0 to 100: "60", "60%",
// "60％", "百分之六十", "百分之百", "百分百", "六成", "6成", "六成五" (65),
// "一半" (50). A number with a decimal point and without a percent sign, from
// 0 to 1, is a fraction: "0.6" = 60, "0.65" = 65, "1.0" = 100; it must come
// out as a whole percent ("0.655" is rejected). Decimal percentages ("60.5",
// "60.5%") are rejected. Errors: CodeInvalid "percent.invalid".
func ParsePercent(s string) (int, error) {
	t := parseSqueeze(parseNorm(s))
	p, ok := parsePercent(t)
	if !ok || p < 0 || p > 100 {
		return 0, Errorf(CodeInvalid, "percent.invalid")
	}
	return p, nil
}

func parsePercent(t string) (int, bool) {
	switch t {
	case "百分百", "百分之百":
		return 100, true
	case "一半", "对半":
		return 50, true
	}
	if rest, ok := strings.CutPrefix(t, "百分之"); ok {
		return parseSmallInt(rest)
	}
	if rest, ok := strings.CutSuffix(t, "%"); ok {
		return parseSmallInt(rest)
	}
	if tens, ones, ok := strings.Cut(t, "成"); ok {
		n, ok := parseSmallInt(tens)
		if !ok || n > 10 {
			return 0, false
		}
		if ones == "" {
			return n * 10, true
		}
		d, ok := parseSmallInt(ones)
		if !ok || d > 9 {
			return 0, false
		}
		return n*10 + d, true
	}
	if m := parsePercentFracRe.FindStringSubmatch(t); m != nil {
		frac := strings.TrimRight(m[2], "0")
		if len(frac) > 2 {
			return 0, false
		}
		frac += strings.Repeat("0", 2-len(frac))
		f, _ := strconv.Atoi(frac)
		return int(m[1][0]-'0')*100 + f, true
	}
	return parseSmallInt(t)
}

// ---------------------------------------------------------------------------
// Times of day

var (
	parseHMRe   = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	parseAMPMRe = regexp.MustCompile(`^(\d{1,2})(?::(\d{2}))?(am|pm)$`)

	parseAMPMDots = strings.NewReplacer("a.m.", "am", "p.m.", "pm")
)

// parseDayPart is a Chinese part of the day before an hour; adjust maps the
// hour said with it to 0-23.
type parseDayPart struct {
	word   string
	adjust func(h int) (int, bool)
}

func parseMorning(h int) (int, bool) { return h, h >= 0 && h <= 12 }

func parseNoon(h int) (int, bool) {
	switch {
	case h == 11 || h == 12 || h >= 13 && h <= 15:
		return h, true
	case h >= 1 && h <= 3:
		return h + 12, true
	}
	return 0, false
}

func parseAfternoon(h int) (int, bool) {
	switch {
	case h >= 1 && h <= 11:
		return h + 12, true
	case h >= 12 && h <= 23:
		return h, true
	}
	return 0, false
}

func parseEvening(h int) (int, bool) {
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

func parseSmallHours(h int) (int, bool) {
	switch {
	case h >= 0 && h <= 6:
		return h, true
	case h == 12:
		return 0, true
	}
	return 0, false
}

// parseDayParts lists longer words first.
var parseDayParts = []parseDayPart{
	{"凌晨", parseSmallHours},
	{"早上", parseMorning}, {"早晨", parseMorning}, {"清晨", parseMorning}, {"上午", parseMorning},
	{"中午", parseNoon},
	{"下午", parseAfternoon}, {"傍晚", parseAfternoon},
	{"晚上", parseEvening}, {"夜里", parseEvening}, {"夜晚", parseEvening}, {"半夜", parseEvening}, {"深夜", parseEvening},
	{"早", parseMorning}, {"晚", parseEvening},
}

// ParseClock reads a time of day and returns the hour (0-23) and minute.
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
func ParseClock(s string) (hour, minute int, err error) {
	t := strings.ReplaceAll(parseNorm(s), " ", "")
	h, m, ok := parseClock(t)
	if !ok {
		return 0, 0, Errorf(CodeInvalid, "time.invalid")
	}
	return h, m, nil
}

func parseClock(t string) (int, int, bool) {
	switch t {
	case "noon", "midday", "中午":
		return 12, 0, true
	case "midnight", "午夜":
		return 0, 0, true
	}
	t = parseAMPMDots.Replace(t)
	if m := parseAMPMRe.FindStringSubmatch(t); m != nil {
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
	for _, p := range parseDayParts {
		if rest, ok := strings.CutPrefix(t, p.word); ok {
			t, adjust = rest, p.adjust
			break
		}
	}
	h, mi, ok := parseClockBody(t)
	if !ok || h > 23 {
		return 0, 0, false
	}
	if h, ok = adjust(h); !ok {
		return 0, 0, false
	}
	return h, mi, true
}

// parseClockBody reads "15:30", "15点", "15点半", "三点一刻", "15时30分".
func parseClockBody(t string) (int, int, bool) {
	if m := parseHMRe.FindStringSubmatch(t); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		return h, mi, mi <= 59
	}
	i := strings.IndexAny(t, "点點时時")
	if i <= 0 {
		return 0, 0, false
	}
	h, ok := parseSmallInt(t[:i])
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
	mi, ok := parseSmallInt(rest)
	if !ok || mi > 59 {
		return 0, 0, false
	}
	return h, mi, true
}

// ---------------------------------------------------------------------------
// Dates

var (
	parseYMDRe         = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	parseCompactRe     = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	parseMDRe          = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})$`)
	parseCNDateRe      = regexp.MustCompile(`^(?:(\d{4})年|(今年|明年|去年))?([^月]+)月([^月日号]+)[日号]?$`)
	parseCNMonthPartRe = regexp.MustCompile(`^(?:(\d{4})年)?([^月]+)月(初|中|底|末)$`)
	parseCNDayRe       = regexp.MustCompile(`^([^月日号]+)[日号]$`)
	parseCNRelRe       = regexp.MustCompile(`^([^个天日周星礼月年]+)个?(天|日|周|星期|礼拜|月|年)(?:以|之)?(后|前)$`)
	parseENRelRe       = regexp.MustCompile(`^(in )?([a-z]+|\d+) (day|week|month|year)s?(?: (later|from now|time|ago))?$`)
	parseCNWeekRe      = regexp.MustCompile(`^(下+|上+|本|这|)个?(?:周|星期|礼拜)?(?:周|星期|礼拜)([一二三四五六日天七1-7])$`)
	parseENWeekRe      = regexp.MustCompile(`^(?:(next|this|last|on) )?([a-z]+)$`)
	parseENMonthRe     = regexp.MustCompile(`^(?:(\d{1,2})(?:st|nd|rd|th)? ?(?:of )?([a-z]+)|([a-z]+)\.? ?(\d{1,2})(?:st|nd|rd|th)?)(?:,? ?(\d{4}))?$`)
	parseCNNoteRe      = regexp.MustCompile(`^(.+?)\(?(?:周|星期|礼拜)([一二三四五六日天七1-7])\)?$`)
)

// parseDayWords are days relative to today.
var parseDayWords = map[string]int{
	"今天": 0, "今日": 0, "今儿": 0, "今晚": 0, "今早": 0, "today": 0, "tonight": 0,
	"明天": 1, "明日": 1, "明儿": 1, "明晚": 1, "明早": 1, "tomorrow": 1, "tmr": 1, "tmrw": 1,
	"后天": 2, "后日": 2, "day after tomorrow": 2, "the day after tomorrow": 2,
	"大后天": 3,
	"昨天":  -1, "昨日": -1, "昨晚": -1, "yesterday": -1,
	"前天": -2, "day before yesterday": -2, "the day before yesterday": -2,
	"大前天": -3,
}

// parseMonthStart is the first day of the month n months after today's.
func parseMonthStart(today time.Time, n int) time.Time {
	return time.Date(today.Year(), today.Month()+time.Month(n), 1, 0, 0, 0, 0, today.Location())
}

// parseMonthEnd is the last day of the month n months after today's.
func parseMonthEnd(today time.Time, n int) time.Time {
	return time.Date(today.Year(), today.Month()+time.Month(n)+1, 0, 0, 0, 0, 0, today.Location())
}

// parseWeekStart is the Monday of the calendar week n weeks after today's.
func parseWeekStart(today time.Time, n int) time.Time {
	return today.AddDate(0, 0, 7*n-parseWeekdayIndex(today))
}

// parseWeekdayIndex is Monday = 0 … Sunday = 6.
func parseWeekdayIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// parsePeriodWords are named days: ends and starts of months and weeks.
var parsePeriodWords = parsePeriodTable()

func parsePeriodTable() map[string]func(today time.Time) time.Time {
	words := map[string]func(today time.Time) time.Time{}
	add := func(f func(time.Time) time.Time, ws ...string) {
		for _, w := range ws {
			words[w] = f
		}
	}
	add(func(t time.Time) time.Time { return parseMonthEnd(t, 0) },
		"月底", "本月底", "这个月底", "这月底", "月末", "本月末", "end of month", "end of the month", "eom")
	add(func(t time.Time) time.Time { return parseMonthEnd(t, 1) },
		"下月底", "下个月底", "下月末", "下个月末", "end of next month")
	add(func(t time.Time) time.Time {
		if t.Day() == 1 {
			return t
		}
		return parseMonthStart(t, 1)
	}, "月初")
	add(func(t time.Time) time.Time { return parseMonthStart(t, 1) },
		"下月初", "下个月初", "下月", "下个月", "next month", "beginning of next month", "start of next month")
	add(func(t time.Time) time.Time {
		if t.Day() <= 15 {
			return parseMonthStart(t, 0).AddDate(0, 0, 14)
		}
		return parseMonthStart(t, 1).AddDate(0, 0, 14)
	}, "月中")
	add(func(t time.Time) time.Time { return parseMonthStart(t, 1).AddDate(0, 0, 14) },
		"下月中", "下个月中")
	add(func(t time.Time) time.Time { return parseWeekStart(t, 1) },
		"下周", "下个周", "下星期", "下个星期", "下礼拜", "下个礼拜", "next week")
	add(func(t time.Time) time.Time {
		if parseWeekdayIndex(t) >= 5 {
			return t
		}
		return parseWeekStart(t, 0).AddDate(0, 0, 5)
	}, "周末", "本周末", "这周末", "这个周末", "weekend", "this weekend")
	add(func(t time.Time) time.Time { return parseWeekStart(t, 1).AddDate(0, 0, 5) },
		"下周末", "下个周末", "next weekend")
	add(func(t time.Time) time.Time { return time.Date(t.Year(), 12, 31, 0, 0, 0, 0, t.Location()) },
		"年底", "年末", "今年年底", "end of year", "end of the year")
	return words
}

// parseCNWeekdays maps the last character of 周X to Monday = 0 … Sunday = 6.
var parseCNWeekdays = map[string]int{
	"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
	"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6,
}

var parseENWeekdays = map[string]int{
	"monday": 0, "mon": 0,
	"tuesday": 1, "tue": 1, "tues": 1,
	"wednesday": 2, "wed": 2,
	"thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
	"friday": 4, "fri": 4,
	"saturday": 5, "sat": 5,
	"sunday": 6, "sun": 6,
}

var parseENMonths = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var parseENNumbers = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// ParseDate reads a calendar date relative to now and returns midnight of
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
//   - words: 今天 明天 后天 大后天 昨天 前天 大前天 today tomorrow yesterday
//     tonight, 月底 (last day of this month), 下月底, 月初 (the next 1st, today
//     if it is the 1st), 下月初 = 下个月 = 下月 = "next month" (the 1st of next
//     month), 月中 / 下月中 (the 15th), 下周 = "next week" (Monday of next
//     week), 周末 (Saturday, or today at the weekend), 下周末, 年底;
//   - weekdays: 周五 星期五 礼拜五 本周五 这周五 "friday" "fri" "this friday": the
//     next such day on or after today; 下周五 下个星期五: that day of next
//     calendar week (weeks start on Monday), 下下周一 the week after, 上周五 the
//     week before; "next friday": the first Friday strictly after today;
//     "last friday": the last Friday strictly before today;
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
// Errors: CodeInvalid "date.invalid" for anything else, including impossible
// dates (2026-02-30, 13-01).
func ParseDate(s string, now time.Time) (time.Time, error) {
	d, ok := parseDateText(s, now)
	if !ok {
		return time.Time{}, Errorf(CodeInvalid, "date.invalid")
	}
	return d, nil
}

// parseDateText is ParseDate without the error.
func parseDateText(s string, now time.Time) (time.Time, bool) {
	t := parseSqueeze(parseNorm(s))
	if t == "" {
		return time.Time{}, false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if d, ok := parseDateCore(t, today); ok {
		return d, true
	}
	return parseDateNoted(t, today)
}

// parseDateNoted reads a date followed or preceded by its weekday and checks
// that they agree.
func parseDateNoted(t string, today time.Time) (time.Time, bool) {
	wd, base := -1, ""
	if m := parseCNNoteRe.FindStringSubmatch(t); m != nil {
		wd, base = parseCNWeekdays[m[2]], strings.TrimRight(m[1], " ,")
		switch {
		case strings.HasSuffix(base, "下"), strings.HasSuffix(base, "上"),
			strings.HasSuffix(base, "本"), strings.HasSuffix(base, "这"),
			strings.HasSuffix(base, "个"), strings.HasSuffix(base, "周"):
			return time.Time{}, false
		}
	} else if i := strings.IndexAny(t, " ,"); i > 0 {
		n, isDay := parseENWeekdays[t[:i]]
		if !isDay {
			return time.Time{}, false
		}
		wd, base = n, strings.TrimLeft(t[i:], " ,")
	}
	if wd < 0 || base == "" {
		return time.Time{}, false
	}
	d, ok := parseDateCore(base, today)
	if !ok || parseWeekdayIndex(d) != wd {
		return time.Time{}, false
	}
	return d, true
}

func parseDateCore(t string, today time.Time) (time.Time, bool) {
	if off, ok := parseDayWords[t]; ok {
		return today.AddDate(0, 0, off), true
	}
	if f, ok := parsePeriodWords[t]; ok {
		return f(today), true
	}
	if d, ok := parseWeekday(t, today); ok {
		return d, true
	}
	if d, ok := parseRelative(t, today); ok {
		return d, true
	}
	return parseAbsolute(t, today)
}

// parseWeekday reads 周五, 下周五, 下下周一, 上周五, friday, next friday….
func parseWeekday(t string, today time.Time) (time.Time, bool) {
	idx := parseWeekdayIndex(today)
	if m := parseCNWeekRe.FindStringSubmatch(t); m != nil {
		wd := parseCNWeekdays[m[2]]
		switch p := m[1]; {
		case strings.HasPrefix(p, "下"):
			return parseWeekStart(today, strings.Count(p, "下")).AddDate(0, 0, wd), true
		case strings.HasPrefix(p, "上"):
			return parseWeekStart(today, -strings.Count(p, "上")).AddDate(0, 0, wd), true
		default: // 周五, 本周五, 这周五: on or after today
			return today.AddDate(0, 0, (wd-idx+7)%7), true
		}
	}
	if m := parseENWeekRe.FindStringSubmatch(t); m != nil {
		wd, ok := parseENWeekdays[m[2]]
		if !ok {
			return time.Time{}, false
		}
		switch m[1] {
		case "next":
			delta := (wd - idx + 7) % 7
			if delta == 0 {
				delta = 7
			}
			return today.AddDate(0, 0, delta), true
		case "last":
			delta := (idx - wd + 7) % 7
			if delta == 0 {
				delta = 7
			}
			return today.AddDate(0, 0, -delta), true
		default:
			return today.AddDate(0, 0, (wd-idx+7)%7), true
		}
	}
	return time.Time{}, false
}

// parseAddMonths adds n calendar months to d, keeping the day of month but
// clamping it to the target month's last day.
func parseAddMonths(d time.Time, n int) time.Time {
	end := parseMonthEnd(d, n)
	if d.Day() > end.Day() {
		return end
	}
	return time.Date(end.Year(), end.Month(), d.Day(), 0, 0, 0, 0, d.Location())
}

// parseRelative reads 3天后, 两周后, 1个月后, 3天前, in 3 days, 2 weeks ago.
func parseRelative(t string, today time.Time) (time.Time, bool) {
	var n int
	var unit string
	sign := 1
	if m := parseCNRelRe.FindStringSubmatch(t); m != nil {
		unit = m[2]
		if m[1] == "半" {
			switch unit {
			case "月":
				return today.AddDate(0, 0, 15*parseSign(m[3])), true
			case "年":
				return parseAddMonths(today, 6*parseSign(m[3])), true
			}
			return time.Time{}, false
		}
		var ok bool
		if n, ok = parseSmallInt(m[1]); !ok {
			return time.Time{}, false
		}
		sign = parseSign(m[3])
	} else if m := parseENRelRe.FindStringSubmatch(t); m != nil {
		var ok bool
		if n, ok = parseENNumbers[m[2]]; !ok {
			if n, ok = parseSmallInt(m[2]); !ok {
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
		return parseAddMonths(today, n), true
	default: // 年
		return parseAddMonths(today, 12*n), true
	}
}

func parseSign(afterBefore string) int {
	if afterBefore == "前" {
		return -1
	}
	return 1
}

// parseYMD returns the date if it exists.
func parseYMD(y, m, d int, loc *time.Location) (time.Time, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

// parseInferYear places a month and day in the year that puts it in the
// window [today − 2 months, today − 2 months + 1 year).
func parseInferYear(m, d int, today time.Time) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	lo := parseAddMonths(today, -2)
	hi := parseAddMonths(lo, 12)
	for y := today.Year() - 1; y <= today.Year()+1; y++ {
		c, ok := parseYMD(y, m, d, today.Location())
		if ok && !c.Before(lo) && c.Before(hi) {
			return c, true
		}
	}
	return time.Time{}, false
}

// parseNextDay is the next day-of-month d on or after today.
func parseNextDay(d int, today time.Time) (time.Time, bool) {
	if d < 1 || d > 31 {
		return time.Time{}, false
	}
	for k := 0; k <= 12; k++ {
		first := parseMonthStart(today, k)
		c, ok := parseYMD(first.Year(), int(first.Month()), d, today.Location())
		if ok && !c.Before(today) {
			return c, true
		}
	}
	return time.Time{}, false
}

func parseAbsolute(t string, today time.Time) (time.Time, bool) {
	loc := today.Location()
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	if m := parseYMDRe.FindStringSubmatch(t); m != nil {
		return parseYMD(atoi(m[1]), atoi(m[2]), atoi(m[3]), loc)
	}
	if m := parseCompactRe.FindStringSubmatch(t); m != nil {
		return parseYMD(atoi(m[1]), atoi(m[2]), atoi(m[3]), loc)
	}
	if m := parseMDRe.FindStringSubmatch(t); m != nil {
		return parseInferYear(atoi(m[1]), atoi(m[2]), today)
	}
	if m := parseCNMonthPartRe.FindStringSubmatch(t); m != nil {
		mo, ok := parseSmallInt(m[2])
		if !ok || mo < 1 || mo > 12 {
			return time.Time{}, false
		}
		y := 0
		if m[1] != "" {
			y = atoi(m[1])
		} else { // the year of the month's first day, as for 12月1日
			first, ok := parseInferYear(mo, 1, today)
			if !ok {
				return time.Time{}, false
			}
			y = first.Year()
		}
		d := map[string]int{"初": 1, "中": 15}[m[3]]
		if d == 0 {
			d = time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, loc).Day()
		}
		return parseYMD(y, mo, d, loc)
	}
	if m := parseCNDateRe.FindStringSubmatch(t); m != nil {
		mo, ok1 := parseSmallInt(m[3])
		d, ok2 := parseSmallInt(m[4])
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		switch {
		case m[1] != "":
			return parseYMD(atoi(m[1]), mo, d, loc)
		case m[2] == "今年":
			return parseYMD(today.Year(), mo, d, loc)
		case m[2] == "明年":
			return parseYMD(today.Year()+1, mo, d, loc)
		case m[2] == "去年":
			return parseYMD(today.Year()-1, mo, d, loc)
		}
		return parseInferYear(mo, d, today)
	}
	if m := parseCNDayRe.FindStringSubmatch(t); m != nil {
		d, ok := parseSmallInt(m[1])
		if !ok {
			return time.Time{}, false
		}
		return parseNextDay(d, today)
	}
	if m := parseENMonthRe.FindStringSubmatch(t); m != nil {
		name, day := m[2], m[1]
		if name == "" {
			name, day = m[3], m[4]
		}
		mo, ok := parseENMonths[strings.TrimSuffix(name, ".")]
		if !ok {
			return time.Time{}, false
		}
		if m[5] != "" {
			return parseYMD(atoi(m[5]), int(mo), atoi(day), loc)
		}
		return parseInferYear(int(mo), atoi(day), today)
	}
	return time.Time{}, false
}

// ---------------------------------------------------------------------------
// Date and time together

// parseShorthands expand a word that holds both a day and a part of the day
// so that the hour after it is read in that part: 今晚8点 is 20:00.
var parseShorthands = []struct{ from, to string }{
	{"今晚", "今天晚上"}, {"明晚", "明天晚上"}, {"今早", "今天早上"}, {"明早", "明天早上"},
	{"昨晚", "昨天晚上"},
}

// ParseDateTime reads a date and a time of day together, in either order,
// with or without a space or a connecting word ("at", "on", "的"):
// "明天 15:00", "明天下午3点", "今晚8点", "下周五 10:00", "12-05 14:30",
// "tomorrow 3pm", "3pm tomorrow", "tomorrow at 3pm", "2026-12-01 09:00".
// Dates and times are read as by ParseDate and ParseClock.
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
func ParseDateTime(s string, now time.Time, defaultHour, defaultMinute int, dateOnlyOK bool) (time.Time, error) {
	t := parseNorm(s)
	at := func(d time.Time, h, m int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, now.Location())
	}
	if t == "" || utf8.RuneCountInString(t) > parseDateTimeMax {
		return time.Time{}, Errorf(CodeInvalid, "datetime.invalid")
	}
	if d, ok := parseDateText(t, now); ok {
		if !dateOnlyOK {
			return time.Time{}, Errorf(CodeInvalid, "datetime.no_time")
		}
		if defaultHour < 0 || defaultHour > 23 || defaultMinute < 0 || defaultMinute > 59 {
			return time.Time{}, Errorf(CodeInvalid, "time.invalid")
		}
		return at(d, defaultHour, defaultMinute), nil
	}
	if h, m, ok := parseClock(strings.ReplaceAll(t, " ", "")); ok {
		return at(now, h, m), nil
	}
	for _, sh := range parseShorthands {
		if rest, ok := strings.CutPrefix(t, sh.from); ok {
			t = sh.to + rest
			break
		}
	}
	rs := []rune(t)
	for _, dateFirst := range []bool{true, false} {
		for i := 1; i < len(rs); i++ {
			if !parseBoundary(rs, i) {
				continue
			}
			a, b := parseTrimConnectors(string(rs[:i])), parseTrimConnectors(string(rs[i:]))
			if !dateFirst {
				a, b = b, a
			}
			if a == "" || b == "" {
				continue
			}
			h, m, ok := parseClock(strings.ReplaceAll(b, " ", ""))
			if !ok {
				continue
			}
			if d, ok := parseDateText(a, now); ok {
				return at(d, h, m), nil
			}
		}
	}
	// 明天下午: a day and a part of it, but no hour.
	for _, p := range parseDayParts {
		if rest, ok := strings.CutSuffix(t, p.word); ok {
			if _, ok := parseDateText(parseTrimConnectors(rest), now); ok {
				return time.Time{}, Errorf(CodeInvalid, "datetime.no_time")
			}
		}
	}
	return time.Time{}, Errorf(CodeInvalid, "datetime.invalid")
}

// parseDateTimeMax bounds the length, in runes, of a date-time.
const parseDateTimeMax = 64

// parseBoundary reports whether text may be cut before rs[i]: not inside a
// run of ASCII letters and digits ("sat|urday", "12|05").
func parseBoundary(rs []rune, i int) bool {
	return i <= 0 || i >= len(rs) || !parseIsAlnum(rs[i-1]) || !parseIsAlnum(rs[i])
}

// parseTrimConnectors trims spaces and the little words that join a date and
// a time: "at", "on", "@", "的", ",".
func parseTrimConnectors(t string) string {
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

// ---------------------------------------------------------------------------
// A date inside free text

// parseSplitMax bounds the length, in runes, of a date looked for at either
// end of free text.
const parseSplitMax = 32

// parseNumberCont are characters that continue a number, so a date cannot
// end between a digit and one of them: "1.5万" does not start with 1.5 (1月5日),
// nor "12/4/2026" with 12/4.
const parseNumberCont = "万萬千仟百佰十拾亿億元块%.,/点時时分号日月年"

// parseRestCutset is trimmed from the text left after a date.
const parseRestCutset = " \t\r\n　,，:：、;；-—–~～.。!！"

// SplitLeadingDate takes free text that may start or end with a date — "下周五
// 发方案", "发方案 下周五", "明天给报价", "next friday send quote", "12-05 回访"
// — and returns the date (as ParseDate would), the remaining text with spaces
// and punctuation trimmed, and ok. The longest date at the start wins; only
// when there is none is the end tried. A date never ends or begins inside a
// run of ASCII letters or digits, so "monitor" does not start with "mon".
// With no date, ok is false and rest is the trimmed text; "" and "-" (no
// answer) give ok = false and rest "".
func SplitLeadingDate(s string, now time.Time) (date time.Time, rest string, ok bool) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" || trimmed == "-" {
		return time.Time{}, "", false
	}
	orig := []rune(trimmed)
	folded := make([]rune, len(orig))
	for i, r := range orig {
		folded[i] = parseFold(r)
	}
	n := len(orig)
	for i := min(n, parseSplitMax); i >= 1; i-- {
		if !parseBoundary(folded, i) || parseIsDigit(folded[i-1]) && i < n && strings.ContainsRune(parseNumberCont, folded[i]) {
			continue
		}
		if d, ok := parseDateText(string(folded[:i]), now); ok {
			return d, strings.Trim(string(orig[i:]), parseRestCutset), true
		}
	}
	for i := max(1, n-parseSplitMax); i < n; i++ {
		if !parseBoundary(folded, i) {
			continue
		}
		if d, ok := parseDateText(string(folded[i:]), now); ok {
			return d, strings.Trim(string(orig[:i]), parseRestCutset), true
		}
	}
	return time.Time{}, trimmed, false
}
