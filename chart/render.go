package chart

import (
	"fmt"
	"strings"

	"github.com/go-analyze/charts"
)

// Colours. Series colours follow the library's light (echarts) palette so library
// and hand-drawn charts look alike.
var (
	colorBackground = charts.ColorRGB(255, 255, 255)
	colorText       = charts.ColorRGB(51, 51, 51)
	colorMuted      = charts.ColorRGB(110, 112, 121)
	colorTrack      = charts.ColorRGB(235, 238, 245)
	colorBlue       = charts.ColorRGB(84, 112, 198)
	colorGreen      = charts.ColorRGB(59, 162, 114)
	colorRed        = charts.ColorRGB(238, 102, 102)
	colorOther      = charts.ColorRGB(176, 180, 190)
)

// seriesColors returns the categorical palette (a fresh slice each call).
func seriesColors() []charts.Color {
	return []charts.Color{
		charts.ColorRGB(84, 112, 198),  // blue
		charts.ColorRGB(145, 204, 117), // green
		charts.ColorRGB(250, 200, 88),  // yellow
		charts.ColorRGB(238, 102, 102), // red
		charts.ColorRGB(115, 192, 222), // aqua
		charts.ColorRGB(59, 162, 114),  // dark green
		charts.ColorRGB(252, 132, 82),  // orange
		charts.ColorRGB(154, 96, 180),  // purple
		charts.ColorRGB(234, 124, 204), // pink
	}
}

// Font sizes in points for an 800-pixel-wide chart (the rasteriser uses 96 DPI, so
// 14 pt is about 19 px): large enough to read when a phone shrinks the image.
const (
	sizeTitle = 19.0
	sizeLabel = 14.0
	sizeValue = 13.0
	sizeSmall = 11.5
)

// theme is the library palette every chart starts from, with our colours.
func (r *Renderer) theme() charts.ColorPalette {
	return charts.GetTheme(charts.ThemeLight).
		WithSeriesColors(seriesColors()).
		WithBackgroundColor(colorBackground).
		WithTitleTextColor(colorText).
		WithLabelTextColor(colorText).
		WithXAxisTextColor(colorText).
		WithYAxisTextColor(colorText).
		WithLegendTextColor(colorText)
}

// style is a font style with the Renderer's font: every piece of text must carry it,
// or the library falls back to its global default font, which has no CJK glyphs.
func (r *Renderer) style(s settings, size float64, c charts.Color) charts.FontStyle {
	return charts.FontStyle{Font: r.font, FontSize: s.fs(size), FontColor: c}
}

// newPainter starts a blank chart.
func (r *Renderer) newPainter(s settings, theme charts.ColorPalette) *charts.Painter {
	return charts.NewPainter(charts.PainterOptions{
		OutputFormat: charts.ChartOutputPNG,
		Width:        s.width,
		Height:       s.height,
		Font:         r.font,
		Theme:        theme,
	})
}

// encode finishes a chart as PNG bytes (image/png is deterministic).
func encode(p *charts.Painter) ([]byte, error) {
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("chart: render: %w", err)
	}
	return b, nil
}

// measure is the width in pixels of text in the given style.
func measure(p *charts.Painter, text string, st charts.FontStyle) int {
	if text == "" {
		return 0
	}
	return p.MeasureText(text, 0, st).Width()
}

// truncate shortens text with "…" so it is at most maxWidth pixels wide.
func truncate(p *charts.Painter, text string, maxWidth int, st charts.FontStyle) string {
	if maxWidth <= 0 {
		return ""
	}
	if measure(p, text, st) <= maxWidth {
		return text
	}
	runes := []rune(text)
	// binary search for the longest prefix that fits together with the ellipsis
	lo, hi := 0, len(runes)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if measure(p, string(runes[:mid])+"…", st) <= maxWidth {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	// don't end on a space or an opening bracket: "教育（…" reads worse than "教育…"
	head := strings.TrimRight(string(runes[:lo]), " 　([{（【《〈「『")
	return head + "…"
}

// textAt draws text with its left edge at x, vertically centred on cy.
func textAt(p *charts.Painter, text string, x, cy int, st charts.FontStyle) {
	if text == "" {
		return
	}
	p.Text(text, x, baseline(cy, st), 0, st)
}

// textRight draws text ending at x, vertically centred on cy.
func textRight(p *charts.Painter, text string, x, cy int, st charts.FontStyle) {
	textAt(p, text, x-measure(p, text, st), cy, st)
}

// textCenter draws text centred on (cx, cy).
func textCenter(p *charts.Painter, text string, cx, cy int, st charts.FontStyle) {
	textAt(p, text, cx-measure(p, text, st)/2, cy, st)
}

// baseline puts a line of CJK text visually centred on cy: glyphs sit roughly from
// 0.85 em above the baseline to 0.1 em below it.
func baseline(cy int, st charts.FontStyle) int {
	em := st.FontSize * 96 / 72
	return cy + int(em*0.37+0.5)
}

// titleBottom is the y below the title (or the top margin when there is none).
func (r *Renderer) titleBottom(s settings) int {
	top := s.px(16)
	if s.title == "" {
		return top
	}
	return top + int(s.fs(sizeTitle)*96/72) + s.px(18)
}

// drawTitle draws the chart title at the top left and returns the y below it. Every
// chart draws its title this way (library charts leave room for it with padding).
func (r *Renderer) drawTitle(p *charts.Painter, s settings) int {
	if s.title != "" {
		st := r.style(s, sizeTitle, colorText)
		title := truncate(p, s.title, s.width-2*s.px(20), st)
		p.Text(title, s.px(20), s.px(16)+int(st.FontSize*96/72), 0, st)
	}
	return r.titleBottom(s)
}
