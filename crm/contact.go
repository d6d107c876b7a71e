package crm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// ParseContact reads "王经理 13800138000", "13800138000 王经理",
// "Mr. Wang, +86 138-0013-8000" or just a name or just a phone into a
// contact name and a phone number (digits, with a leading + kept). A run of
// digits that is not 7 to 15 long is not a phone number: Invalid
// "contact.phone_invalid".
func ParseContact(s string) (name, phone string, err error) {
	s = width.Narrow.String(strings.TrimSpace(s))
	var nameB, phoneB strings.Builder
	digits := 0
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		isPhoneRune := unicode.IsDigit(r) || (r == '+' && i+1 < len(runes) && unicode.IsDigit(runes[i+1]))
		// separators inside a number: 138-0013-8000, 138 0013 8000
		inNumber := digits > 0 && (r == '-' || r == ' ') && i+1 < len(runes) && unicode.IsDigit(runes[i+1]) && phoneB.Len() > 0
		switch {
		case isPhoneRune:
			phoneB.WriteRune(r)
			if r != '+' {
				digits++
			}
		case inNumber:
		default:
			if digits > 0 && phoneB.Len() > 0 && !strings.HasSuffix(nameB.String(), " ") {
				nameB.WriteRune(' ')
			}
			nameB.WriteRune(r)
		}
	}
	phone = phoneB.String()
	if digits > 0 && (digits < 7 || digits > 15) {
		return "", "", Errorf(CodeInvalid, "contact.phone_invalid")
	}
	name = strings.Trim(strings.Join(strings.Fields(nameB.String()), " "), " ,，;；:：/、")
	if utf8.RuneCountInString(name) > 50 {
		return "", "", Errorf(CodeInvalid, "contact.name_too_long")
	}
	return name, phone, nil
}
