// Package chart renders report numbers as PNG images: bar, ranking, pie, funnel and
// target-progress charts with Chinese labels.
//
// Every chart is a pure function of its input: the same Options and series give a
// byte-identical PNG (no timestamps, no map iteration, no global state), so the
// package is tested against golden files in testdata (go test ./chart -update rewrites
// them; a person looks at them before they are committed).
//
// The package draws with github.com/go-analyze/charts. Its bundled fonts have no CJK
// glyphs, so a Renderer carries its own TrueType CJK font (see NewRenderer) and passes
// it explicitly to every piece of text; the library's process-wide default font and
// theme are never changed.
//
// The package knows nothing of the domain: callers convert amounts to display units
// (for example yuan) and pass labels already translated.
package chart

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Errors returned by the package. Callers usually answer ErrNoCJKFont and ErrNoData by
// sending the numbers as text instead of an image.
var (
	// ErrNoCJKFont: no usable TrueType font with Chinese glyphs was found.
	ErrNoCJKFont = errors.New("chart: no TrueType CJK font found")
	// ErrNoData: the series is empty (or, for a pie, has no positive slice).
	ErrNoData = errors.New("chart: no data to draw")
)

// Bar is one labelled value: a bar, a pie slice or a funnel stage. Value is already in
// display units (yuan, count, …).
type Bar struct {
	Label string
	Value float64
}

// Progress is one row of a target-progress chart.
type Progress struct {
	Label  string
	Actual float64
	Target float64
}

// Options are the presentation settings shared by every chart. The zero value is usable.
type Options struct {
	// Title is drawn at the top left; empty for none.
	Title string
	// Width and Height in pixels; zero means DefaultWidth × DefaultHeight, except that
	// ranking, funnel and progress charts then fit their height to the number of rows
	// (a few rows give a short image, many rows a tall one) so each row stays readable
	// on a phone.
	Width, Height int
	// ValueFormat turns a value into its label: axis ticks and bar values, funnel
	// stage values, progress "actual / target". Nil means FormatNumber ("12,345.5").
	// Percentages (pie shares, conversion, progress) are always "45.6%" ("132%" from
	// 100% up).
	ValueFormat func(float64) string
	// OtherLabel names the slice that gathers the smallest pie slices when there are
	// more than MaxPieSlices; empty means "Other". Pass the catalogue's word (其他).
	OtherLabel string
}

// Sizes and limits.
const (
	DefaultWidth  = 800
	DefaultHeight = 500
	// MaxSide bounds Width and Height so a bad option cannot allocate a huge image.
	MaxSide = 4000
	// MaxPieSlices is the number of slices a pie shows; smaller ones are merged into
	// one OtherLabel slice.
	MaxPieSlices = 8
	// minAutoHeight and maxAutoHeight bound the automatic height of ranking, funnel
	// and progress charts.
	minAutoHeight = 260
	maxAutoHeight = 2400
)

// settings are Options with defaults applied.
type settings struct {
	title      string
	width      int
	height     int
	format     func(float64) string
	otherLabel string
	scale      float64 // font scale relative to an 800-pixel-wide chart
}

// resolve applies defaults. autoRows > 0 makes a zero Height grow with the number of
// rows (rowHeight pixels each on an 800-pixel-wide chart, plus room for the title).
func (o Options) resolve(autoRows int, rowHeight int) (settings, error) {
	s := settings{
		title:      cleanLabel(o.Title),
		width:      o.Width,
		height:     o.Height,
		format:     o.ValueFormat,
		otherLabel: cleanLabel(o.OtherLabel),
	}
	if s.width < 0 || s.height < 0 || s.width > MaxSide || s.height > MaxSide {
		return s, fmt.Errorf("chart: size %dx%d out of range (0 for default, at most %d)", o.Width, o.Height, MaxSide)
	}
	if s.width == 0 {
		s.width = DefaultWidth
	}
	if s.width < 200 || (s.height != 0 && s.height < 150) {
		return s, fmt.Errorf("chart: size %dx%d too small (at least 200x150)", o.Width, o.Height)
	}
	s.scale = math.Min(math.Max(float64(s.width)/DefaultWidth, 0.5), 2.5)
	if s.height == 0 {
		s.height = DefaultHeight
		if autoRows > 0 {
			need := int(float64(90+autoRows*rowHeight) * s.scale)
			s.height = min(max(need, int(minAutoHeight*s.scale)), maxAutoHeight)
		}
	}
	if s.format == nil {
		s.format = FormatNumber
	}
	if s.otherLabel == "" {
		s.otherLabel = "Other"
	}
	return s, nil
}

// px scales a size given for an 800-pixel-wide chart.
func (s settings) px(v float64) int { return int(math.Round(v * s.scale)) }

// fs scales a font size given for an 800-pixel-wide chart.
func (s settings) fs(v float64) float64 { return math.Round(v*s.scale*2) / 2 }

// FormatNumber is the default ValueFormat: thousands separators, at most two decimals,
// no trailing zeros ("1,234,567", "12.5", "-3").
func FormatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	neg := v < 0
	str := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	intPart, frac, _ := strings.Cut(str, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if neg && (intPart != "0" || frac != "") {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// formatPercent renders a ratio (0.456) as "45.6%".
func formatPercent(ratio float64) string {
	p := ratio * 100
	if math.Abs(p) >= 100 {
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// cleanLabel makes a label a single trimmed line.
func cleanLabel(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\r', '\t':
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// checkFinite rejects NaN and infinite values, naming the offending item.
func checkFinite(kind string, i int, label string, vs ...float64) error {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("chart: %s %d (%q): value %v is not a finite number", kind, i, label, v)
		}
	}
	return nil
}
