package typed

import (
	"strings"
)

// ---------------------------------------------------------------------------
// Amounts

var (
	amountPrefixes = []string{"人民币", "rmb", "cny", "¥"}
	amountSuffixes = []string{"人民币", "元整", "块钱", "rmb", "cny", "元", "块"}
)

// Amount reads an amount of money typed by a person into fen.
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
// words, digits separated by spaces ("5 000"), trailing
// garbage ("5万abc") and amounts with fractions of a fen after scaling
// ("1.234", "1.2345678万"); "amount.zero" for zero; "amount.negative" for
// a minus sign before an amount ("-5万", "负5000"); "amount.too_large" above
// 1e12 yuan.
func Amount(s string) (int64, error) {
	t := norm(s)
	for _, p := range amountPrefixes {
		if rest, ok := strings.CutPrefix(t, p); ok {
			t = strings.TrimSpace(rest)
			break
		}
	}
	for _, p := range amountSuffixes {
		if rest, ok := strings.CutSuffix(t, p); ok {
			t = strings.TrimSpace(rest)
			break
		}
	}
	t = squeeze(t)
	if t == "" || strings.ContainsRune(t, ' ') {
		return 0, invalid(keyAmountInvalid)
	}
	for _, minus := range []string{"-", "负"} {
		if rest, ok := strings.CutPrefix(t, minus); ok {
			if _, err := Amount(rest); err == nil {
				return 0, invalid(keyAmountNegative)
			}
			return 0, invalid(keyAmountInvalid)
		}
	}
	fen, key := numeral(t)
	if key != "" {
		return 0, invalid(key)
	}
	if fen == 0 {
		return 0, invalid(keyAmountZero)
	}
	return fen, nil
}
