package typed

import (
	"strings"

	"unicode"
)

// ---------------------------------------------------------------------------
// Text normalisation

// fold maps one rune to its canonical form: full-width ASCII to ASCII
// (５ → 5, ，→ ',', ：→ ':', ％ → '%'), any space to ' ', ￥ to ¥, dashes to
// '-', and ASCII letters to lower case. It maps exactly one rune to one rune,
// so positions in folded text match positions in the original.
func fold(r rune) rune {
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

// norm folds s, collapses runs of spaces into one and trims it.
func norm(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		r = fold(r)
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

// isAlnum reports whether r is an ASCII letter or digit.
func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// squeeze removes the spaces of normalised text except those between two
// ASCII letters or digits: "5 万" → "5万", "12 月 1 日" → "12月1日", while
// "next friday" and "5 000" keep theirs.
func squeeze(t string) string {
	rs := []rune(t)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && (i == 0 || i == len(rs)-1 || !isAlnum(rs[i-1]) || !isAlnum(rs[i+1])) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
