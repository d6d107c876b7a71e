package crm

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// FoldSearch folds text for literal search: full-width to half-width, lower
// case, spaces dropped. The store keeps a folded copy of each customer's
// name, contacts and phones and folds the search text the same way, so the
// match is the same on both engines.
func FoldSearch(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || r == 0 {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
