package typed

import (
	"regexp"
	"strconv"
	"strings"
)

// ---------------------------------------------------------------------------
// Percentages

var percentFracRe = regexp.MustCompile(`^([01])\.(\d+)$`)

// Percent reads a probability in whole percent, 0 to 100: "60", "60%",
// "60％", "百分之六十", "百分之百", "百分百", "六成", "6成", "六成五" (65),
// "一半" (50). A number with a decimal point and without a percent sign, from
// 0 to 1, is a fraction: "0.6" = 60, "0.65" = 65, "1.0" = 100; it must come
// out as a whole percent ("0.655" is rejected). Decimal percentages ("60.5",
// "60.5%") are rejected. Errors: CodeInvalid "percent.invalid".
func Percent(s string) (int, error) {
	t := squeeze(norm(s))
	p, ok := percent(t)
	if !ok || p < 0 || p > 100 {
		return 0, invalid("percent.invalid")
	}
	return p, nil
}

func percent(t string) (int, bool) {
	switch t {
	case "百分百", "百分之百":
		return 100, true
	case "一半", "对半":
		return 50, true
	}
	if rest, ok := strings.CutPrefix(t, "百分之"); ok {
		return smallInt(rest)
	}
	if rest, ok := strings.CutSuffix(t, "%"); ok {
		return smallInt(rest)
	}
	if tens, ones, ok := strings.Cut(t, "成"); ok {
		n, ok := smallInt(tens)
		if !ok || n > 10 {
			return 0, false
		}
		if ones == "" {
			return n * 10, true
		}
		d, ok := smallInt(ones)
		if !ok || d > 9 {
			return 0, false
		}
		return n*10 + d, true
	}
	if m := percentFracRe.FindStringSubmatch(t); m != nil {
		frac := strings.TrimRight(m[2], "0")
		if len(frac) > 2 {
			return 0, false
		}
		frac += strings.Repeat("0", 2-len(frac))
		f, _ := strconv.Atoi(frac)
		return int(m[1][0]-'0')*100 + f, true
	}
	return smallInt(t)
}
