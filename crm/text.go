package crm

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// HiddenRune reports the first character of s that has no place in text a
// person typed: a control character other than tab and line breaks (a NUL
// byte breaks PostgreSQL and hides text), a bidirectional override,
// embedding, isolate or mark (U+202E makes "moc.elgoog" read as
// "google.com" in someone else's chat), a zero-width space or a byte-order
// mark. The zero-width joiner stays: emoji sequences need it.
func HiddenRune(s string) (rune, bool) {
	for _, r := range s {
		if hiddenRune(r) {
			return r, true
		}
	}
	return 0, false
}

func hiddenRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f): // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // LRM, RLM, ALM
		return true
	case r == 0x200b || r == 0xfeff || r == 0x2060: // zero-width space, BOM, word joiner
		return true
	case r == 0xfffd: // what an undecodable byte became
		return true
	}
	return false
}

// CheckText refuses text with a hidden character: Invalid "text.hidden_char"
// naming it (as U+XXXX), so the person can find and delete it.
func CheckText(s string) error {
	if r, ok := HiddenRune(s); ok {
		return Errorf(CodeInvalid, "text.hidden_char", fmt.Sprintf("U+%04X", r))
	}
	return nil
}

// StripHidden removes hidden characters, for text nobody typed for us (a
// platform display name).
func StripHidden(s string) string {
	if _, ok := HiddenRune(s); !ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if hiddenRune(r) {
			return -1
		}
		return r
	}, s)
}

// How long a text may be, in characters, wherever it comes from (chat,
// import, the store's callers): a company name, a short field (industry,
// region, a contact's name), a note or an activity's content.
const (
	MaxNameRunes  = 500
	MaxShortRunes = 100
	MaxNoteRunes  = 4000
)

// CheckLength refuses a text longer than max characters: Invalid
// "text.too_long_n" with the limit.
func CheckLength(s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return Errorf(CodeInvalid, "text.too_long_n", max)
	}
	return nil
}
