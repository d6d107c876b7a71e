// Package choice holds the closed lists behind a customer's choice fields
// (industry, size, source, region): each option a stable code, its label
// in each language, and the words a person may type for it. Records store
// the code; "other" keeps a free-text detail beside it (Value.Detail).
// Reading a typed answer (Match) and showing a stored one (Label) are the
// same everywhere: the chat forms, an import, the analytics and the
// exports. The lists are this package's data and their labels are the
// product's only wording of them (the catalogue in conversation holds the
// prompts around them).
package choice

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Field names a choice field.
type Field string

const (
	Industry Field = "industry"
	Size     Field = "size"
	Source   Field = "source"
	Region   Field = "region"
)

// Fields lists the choice fields in the order a customer form asks them.
var Fields = []Field{Industry, Size, Region, Source}

// Other is the code of "other": its detail says what.
const Other = "other"

// MaxDetailRunes bounds the detail kept beside "other".
const MaxDetailRunes = 40

// Option is one entry of a list.
type Option struct {
	Code   string
	Zh, En string
	// Words are further ways to say it (synonyms, short forms); the two
	// labels are always accepted.
	Words []string
}

// List is a closed list of options.
type List struct {
	Field   Field
	Options []Option
	// Shown is how many options (from the first) a form offers as buttons
	// and numbers (regions are typed or taken from the name's guess, and
	// have no numbers).
	Shown int
	// Other says whether the list ends in "other" with a free-text detail.
	Other bool
	index map[string]string // folded word → code
}

// Value is a stored choice: a code ("" for none) and, with Other, what the
// person wrote.
type Value struct {
	Code, Detail string
}

// Empty reports whether nothing was chosen.
func (v Value) Empty() bool { return v.Code == "" }

// Of returns the list of a field (nil for an unknown field).
func Of(f Field) *List {
	return lists[f]
}

var lists = map[Field]*List{}

func register(l *List) *List {
	l.index = map[string]string{}
	for _, o := range l.Options {
		for _, w := range append([]string{o.Zh, o.En, o.Code}, o.Words...) {
			k := fold(w)
			if prev, dup := l.index[k]; dup && prev != o.Code {
				panic("choice: " + string(l.Field) + ": " + w + " names both " + prev + " and " + o.Code)
			}
			l.index[k] = o.Code
		}
	}
	if l.Shown == 0 || l.Shown > len(l.Options) {
		l.Shown = len(l.Options)
	}
	lists[l.Field] = l
	return l
}

// Option returns the option of a code.
func (l *List) Option(code string) (Option, bool) {
	for _, o := range l.Options {
		if o.Code == code {
			return o, true
		}
	}
	return Option{}, false
}

// Offered is the options a form shows as buttons and numbers, in order.
func (l *List) Offered() []Option {
	return l.Options[:l.Shown]
}

// Label is how a stored value reads in lang ("zh" or "en"): the option's
// label, "其他（茶叶）" for other with a detail, and a code this list does
// not know as it is (a value written before the lists were closed, or by
// a newer release).
func (l *List) Label(lang string, v Value) string {
	if v.Code == "" {
		return ""
	}
	o, ok := l.Option(v.Code)
	if !ok {
		return v.Code
	}
	label := o.Zh
	if lang == "en" {
		label = o.En
	}
	if v.Detail == "" {
		return label
	}
	if lang == "en" {
		return label + " (" + v.Detail + ")"
	}
	return label + "（" + v.Detail + "）"
}

// Label is List.Label for a field.
func Label(lang string, f Field, v Value) string {
	if l := Of(f); l != nil {
		return l.Label(lang, v)
	}
	return v.Code
}

// Result of Match.
type Result int

const (
	Matched     Result = iota // Value is the answer
	NeedsDetail               // "other" with no detail: ask what
	NoMatch                   // not an option: refuse with the list
)

// Match reads a typed answer: an option's label in either language, a
// synonym, its code, or the number of an offered option (1-based);
// "其他 茶叶" / "other: tea" is other with that detail. A detail longer
// than MaxDetailRunes is cut. Anything else is NoMatch.
func (l *List) Match(text string) (Value, Result) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Value{}, NoMatch
	}
	k := fold(text)
	if n, err := strconv.Atoi(k); err == nil {
		if l.Field != Region && n >= 1 && n <= l.Shown {
			return l.matched(l.Options[n-1].Code)
		}
		return Value{}, NoMatch
	}
	if code, ok := l.index[k]; ok {
		return l.matched(code)
	}
	if v, ok := l.read(k); ok {
		return l.matched(v)
	}
	if l.Other {
		if rest, ok := otherDetail(text); ok {
			if rest == "" {
				return Value{Code: Other}, NeedsDetail
			}
			return Value{Code: Other, Detail: Detail(rest)}, Matched
		}
	}
	return Value{}, NoMatch
}

func (l *List) matched(code string) (Value, Result) {
	if code == Other && l.Other {
		return Value{Code: Other}, NeedsDetail
	}
	return Value{Code: code}, Matched
}

// read applies a list's own reading beyond its words (a headcount for
// size, a place name with its suffix for a region).
func (l *List) read(k string) (string, bool) {
	switch l.Field {
	case Size:
		return sizeOfHeadcount(k)
	case Region:
		for _, suffix := range regionSuffixes {
			if base, ok := strings.CutSuffix(k, suffix); ok && base != "" {
				if code, ok := l.index[base]; ok {
					return code, true
				}
			}
		}
	}
	return "", false
}

// Detail tidies what a person wrote as the detail of "other".
func Detail(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxDetailRunes {
		s = string([]rune(s)[:MaxDetailRunes])
	}
	return s
}

// otherDetail reads "其他 茶叶", "其他：茶叶", "其它(茶叶)", "other - tea":
// ok when the text starts with the word other, rest what follows.
func otherDetail(text string) (rest string, ok bool) {
	t := width.Narrow.String(strings.TrimSpace(text))
	for _, w := range []string{"其他", "其它", "other", "others"} {
		if len(t) >= len(w) && strings.EqualFold(t[:len(w)], w) {
			after := t[len(w):]
			if r, _ := utf8.DecodeRuneInString(after); w != "其他" && w != "其它" && after != "" && (unicode.IsLetter(r) || unicode.IsDigit(r)) && r < utf8.RuneSelf {
				continue // "otherwise": not the word other
			}
			after = strings.TrimLeft(after, " :：-—,，、(（")
			after = strings.TrimRight(after, " )）")
			return strings.TrimSpace(after), true
		}
	}
	return "", false
}

// fold is the form words are compared in: half width, lower case, no
// spaces or punctuation.
func fold(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) || (unicode.IsPunct(r) && r != '+' && r != '-') {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Parse reads a stored value written by the previous releases (a label,
// any synonym) into a Value: codes pass through, unmapped text becomes
// other with the text as its detail (ok false). An empty string is no
// value. A number is never an option's number here; in a size column it
// is a headcount.
func (l *List) Parse(stored string) (v Value, ok bool) {
	stored = strings.TrimSpace(stored)
	if stored == "" {
		return Value{}, true
	}
	if _, known := l.Option(stored); known {
		return Value{Code: stored}, true
	}
	k := fold(stored)
	if _, err := strconv.Atoi(k); err != nil {
		if v, res := l.Match(stored); res == Matched {
			return v, true
		}
	} else if l.Field == Size {
		if code, ok := sizeOfHeadcount(k); ok { // a number in a size column is a headcount
			return Value{Code: code}, true
		}
	}
	if l.Other {
		if rest, isOther := otherDetail(stored); isOther {
			return Value{Code: Other, Detail: Detail(rest)}, true
		}
		return Value{Code: Other, Detail: Detail(stored)}, false
	}
	return Value{}, false
}
