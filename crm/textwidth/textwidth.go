// Package textwidth measures text the way a terminal or a spreadsheet
// column shows it: Han characters, kana, hangul and full-width forms take
// two cells, everything else one.
package textwidth

import (
	"strings"

	"golang.org/x/text/width"
)

// Of is how many cells s takes on one line (newlines take none).
func Of(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r == '\n':
		case r < 0x1100:
			n++
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}

// Table lays rows out in columns padded to their widest cell by display
// width, two spaces apart, with no trailing spaces; every line ends in a
// newline.
func Table(rows [][]string) string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], Of(cell))
		}
	}
	var sb strings.Builder
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-Of(cell)))
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	return sb.String()
}
