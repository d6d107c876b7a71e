package typed

import (
	"strconv"
	"strings"
)

// ---------------------------------------------------------------------------
// Numbers: Arabic, Chinese and mixed ("1万2", "十二万五千", "1.2亿", "50k")

const (
	maxYuan = int64(1_000_000_000_000) // 1e12 yuan, the largest amount
	maxFen  = MaxAmount

	keyAmountInvalid  = "amount.invalid"
	keyAmountZero     = "amount.zero"
	keyAmountNegative = "amount.negative"
	keyAmountTooLarge = "amount.too_large"
)

// cNDigits are the Chinese digits, common and financial (大写).
var cNDigits = map[rune]int64{
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

// smallUnits multiply the digit before them inside a 万-section; the
// value is the power of ten.
var smallUnits = map[rune]int{
	'十': 1, '拾': 1,
	'百': 2, '佰': 2,
	'千': 3, '仟': 3, 'k': 3,
}

// bigUnits close a section: 万 (w) = 1e4, 亿 = 1e8.
var bigUnits = map[rune]int{
	'万': 4, '萬': 4, 'w': 4,
	'亿': 8, '億': 8,
}

// mulPow10 returns v·10^k, or false if that is above maxFen.
func mulPow10(v int64, k int) (int64, bool) {
	for ; k > 0; k-- {
		if v > maxFen/10 {
			return 0, false
		}
		v *= 10
	}
	return v, v <= maxFen
}

// add returns a+b, or false if that is above maxFen.
func add(a, b int64) (int64, bool) {
	if a > maxFen-b {
		return 0, false
	}
	return a + b, true
}

// num is a number waiting for its unit: integer yuan and the digits
// after the decimal point (trailing zeros removed).
type num struct {
	ip     int64
	frac   string
	single bool // one digit and no fraction, as the 二 of 一万二
	set    bool
}

// fen returns n·10^exp yuan in fen. It fails when the result would have
// fractions of a fen ("amount.invalid") or is too large.
func (n num) fen(exp int) (int64, string) {
	k := exp + 2
	if len(n.frac) > k {
		return 0, keyAmountInvalid
	}
	v, ok := mulPow10(n.ip, k)
	if !ok {
		return 0, keyAmountTooLarge
	}
	if n.frac != "" {
		f, err := strconv.ParseInt(n.frac, 10, 64) // at most 10 digits here
		if err != nil {
			return 0, keyAmountInvalid
		}
		if f, ok = mulPow10(f, k-len(n.frac)); ok {
			v, ok = add(v, f)
		}
		if !ok {
			return 0, keyAmountTooLarge
		}
	}
	return v, ""
}

// arabic reads an Arabic number starting at rs[i]: digits, optional
// thousands separators (groups of three) and an optional fraction.
func arabic(rs []rune, i int) (num, int, string) {
	var ip int64
	digits, group, commas, big := 0, 0, 0, false
	for ; i < len(rs); i++ {
		r := rs[i]
		if r == ',' {
			if group == 0 || commas == 0 && group > 3 || commas > 0 && group != 3 {
				return num{}, i, keyAmountInvalid
			}
			commas, group = commas+1, 0
			continue
		}
		if !isDigit(r) {
			break
		}
		digits, group = digits+1, group+1
		if ip > maxFen {
			big = true
		} else {
			ip = ip*10 + int64(r-'0')
		}
	}
	if commas > 0 && group != 3 {
		return num{}, i, keyAmountInvalid
	}
	n := num{ip: ip, single: digits == 1, set: true}
	if i < len(rs) && rs[i] == '.' {
		i++
		start := i
		for i < len(rs) && isDigit(rs[i]) {
			i++
		}
		if i == start {
			return num{}, i, keyAmountInvalid
		}
		n.frac = strings.TrimRight(string(rs[start:i]), "0")
		n.single = false
	}
	if big {
		return num{}, i, keyAmountTooLarge
	}
	return n, i, ""
}

// numeral reads a number made of Arabic numbers, Chinese digits and
// units into fen (hundredths of the number). It follows the usual Chinese
// reading: digits are multiplied by 十/百/千 inside a section, 万 and 亿 close
// a section. A single trailing digit right after a unit of 百 or more counts
// one place lower, as people say it: 一万二 = 12000, 三千五 = 3500,
// 1万2 = 12000. Its error is a message key.
func numeral(s string) (int64, string) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, keyAmountInvalid
	}
	bad := func() (int64, string) { return 0, keyAmountInvalid }
	var (
		total, section int64
		cur            num
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
		if isDigit(r) {
			if cur.set {
				return bad()
			}
			n, j, key := arabic(rs, i)
			if key != "" {
				return 0, key
			}
			cur, curAfterUnit, afterUnit, i = n, afterUnit, false, j
			continue
		}
		i++
		if d, isDigit := cNDigits[r]; isDigit {
			if d == 0 && lastExp > 0 && !cur.set { // 一百零五
				zero, afterUnit = true, false
				continue
			}
			if cur.set {
				return bad()
			}
			cur = num{ip: d, single: true, set: true}
			curAfterUnit, afterUnit = afterUnit, false
			continue
		}
		if exp, isSmall := smallUnits[r]; isSmall {
			if exp >= smallCap {
				return bad()
			}
			if !cur.set {
				// 十二, 百万, 千万 at the start; 一千零十 after 零.
				if r == 'k' || !(i == 1 || exp == 1 && zero) {
					return bad()
				}
				cur = num{ip: 1, set: true}
			}
			v, key := cur.fen(exp)
			if key != "" {
				return 0, key
			}
			if section, ok = add(section, v); !ok {
				return 0, keyAmountTooLarge
			}
			cur, smallCap, lastExp, afterUnit, zero = num{}, exp, exp, true, false
			continue
		}
		if exp, isBig := bigUnits[r]; isBig {
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
			sv, ok1 := mulPow10(section, exp)
			if exp == 8 { // 一万亿: everything so far is multiplied
				total, ok = mulPow10(total, 8)
				ok = ok && ok1
				yi, wan = true, false
			} else {
				ok = ok1
				wan = true
			}
			if ok {
				if total, ok = add(total, sv); ok {
					total, ok = add(total, v)
				}
			}
			if !ok {
				return 0, keyAmountTooLarge
			}
			section, cur, smallCap, lastExp, afterUnit, zero = 0, num{}, 4, exp, true, false
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
		if section, ok = add(section, v); !ok {
			return 0, keyAmountTooLarge
		}
	}
	if total, ok = add(total, section); !ok {
		return 0, keyAmountTooLarge
	}
	return total, ""
}

// isCNNumeral reports whether r is a Chinese digit or unit.
func isCNNumeral(r rune) bool {
	if _, ok := cNDigits[r]; ok {
		return true
	}
	_, small := smallUnits[r]
	_, big := bigUnits[r]
	return (small || big) && r != 'k' && r != 'w'
}

// smallInt reads a non-negative integer written either in Arabic digits
// ("12", "05") or in Chinese numerals ("十二", "两", "二十五").
func smallInt(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	ascii, cn := true, true
	for _, r := range s {
		ascii = ascii && isDigit(r)
		cn = cn && isCNNumeral(r)
	}
	switch {
	case ascii:
		if len(s) > 6 {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	case cn:
		fen, key := numeral(s)
		if key != "" || fen%100 != 0 || fen/100 > 1_000_000 {
			return 0, false
		}
		return int(fen / 100), true
	}
	return 0, false
}
