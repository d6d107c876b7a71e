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

// Card is a contact someone shared in a chat (a Telegram contact with its
// vCard): a person's name and phone, and the company and title the card
// carries, if any.
type Card struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Org   string `json:"org,omitempty"`
	Title string `json:"title,omitempty"`
}

// ReadVCard reads the formatted name (FN), the company (ORG, its first
// component) and the title (TITLE) of a vCard (2.1, 3.0 or 4.0): property names in any case, with
// or without parameters and group prefixes, folded lines unfolded, escapes
// undone.
func ReadVCard(s string) (fn, org, title string) {
	s = strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(s)
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, ";")
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		switch strings.ToUpper(strings.TrimSpace(name)) {
		case "ORG":
			if org == "" {
				org = unescapeVCard(firstComponent(value))
			}
		case "FN":
			if fn == "" {
				fn = unescapeVCard(value)
			}
		case "TITLE":
			if title == "" {
				title = unescapeVCard(value)
			}
		}
	}
	return strings.TrimSpace(fn), strings.TrimSpace(org), strings.TrimSpace(title)
}

// firstComponent is a structured value's first component (up to an
// unescaped ';').
func firstComponent(v string) string {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case ';':
			return v[:i]
		}
	}
	return v
}

func unescapeVCard(v string) string {
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\:`, ":", `\n`, " ", `\N`, " ", `\\`, `\`).Replace(v)
}

// Contact reads a shared card as a contact: the phone as ParseContact
// reads phones (Invalid "contact.card_no_phone" without one), the name
// and title cut to what a contact holds.
func (c Card) Contact() (Contact, error) {
	_, phone, err := ParseContact(c.Phone)
	if err != nil {
		return Contact{}, err
	}
	if phone == "" {
		return Contact{}, Errorf(CodeInvalid, "contact.card_no_phone")
	}
	name := strings.Join(strings.Fields(c.Name), " ")
	if utf8.RuneCountInString(name) > 50 {
		name = string([]rune(name)[:50])
	}
	title := strings.TrimSpace(c.Title)
	if utf8.RuneCountInString(title) > MaxShortRunes {
		title = string([]rune(title)[:MaxShortRunes])
	}
	return Contact{Name: name, Phone: phone, Title: title}, nil
}

// SamePhone compares phone numbers by their last 11 digits (a country
// code or a leading 0 aside).
func SamePhone(a, b string) bool {
	digits := func(s string) string {
		var sb strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				sb.WriteRune(r)
			}
		}
		d := sb.String()
		if len(d) > 11 {
			d = d[len(d)-11:]
		}
		return d
	}
	return digits(a) != "" && digits(a) == digits(b)
}
