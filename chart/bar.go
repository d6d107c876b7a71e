package chart

import (
	"slices"

	"github.com/go-analyze/charts"
)

// BarChart draws vertical bars in the given order (a distribution, activities per
// day, …) with the value above each bar. Negative values hang below a zero line.
func (r *Renderer) BarChart(o Options, bars []Bar) ([]byte, error) {
	if len(bars) == 0 {
		return nil, ErrNoData
	}
	s, err := o.resolve(0, 0)
	if err != nil {
		return nil, err
	}
	values := make([]float64, len(bars))
	for i, b := range bars {
		if err := checkFinite("bar", i, b.Label, b.Value); err != nil {
			return nil, err
		}
		values[i] = b.Value
	}
	theme := r.theme()
	p := r.newPainter(s, theme)

	// Each label gets its slot's width (the plot is roughly the chart minus the value
	// axis); when slots are too narrow for a few characters the labels are slanted.
	labelStyle := r.style(s, sizeLabel, colorText)
	slot := (s.width - s.px(120)) / len(bars)
	labelWidth, rotation := slot-s.px(8), 0.0
	if labelWidth < s.px(56) {
		labelWidth, rotation = s.px(130), charts.DegreesToRadians(-45)
	}
	labels := make([]string, len(bars))
	for i, b := range bars {
		labels[i] = truncate(p, cleanLabel(b.Label), labelWidth, labelStyle)
	}
	if len(bars) == 1 {
		// The library left-aligns a lone category label; three slots with empty
		// neighbours centre it (and keep a single bar from filling the whole width).
		values = []float64{charts.GetNullValue(), values[0], charts.GetNullValue()}
		labels = []string{"", labels[0], ""}
	}

	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Theme = theme
	opt.Padding = charts.NewBox(s.px(20), r.titleBottom(s)+s.px(8), s.px(30), s.px(12)) // + half a tick label
	opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	opt.ValueFormatter = s.format
	opt.BarSize = 0.6
	opt.CategoryAxis = charts.CategoryAxisOption{
		Labels:         labels,
		LabelCount:     len(labels), // every label, centred under its bar
		LabelFontStyle: labelStyle,
		LabelRotation:  rotation,
		BoundaryGap:    charts.Ptr(true),
	}
	opt.ValueAxis = []charts.ValueAxisOption{r.valueAxis(s, values)}
	opt.SeriesList[0].Label = charts.SeriesLabel{
		Show:           charts.Ptr(true),
		ValueFormatter: s.format,
		FontStyle:      r.style(s, sizeValue, colorText),
	}
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	r.drawTitle(p, s)
	return encode(p)
}

// RankingChart draws horizontal bars sorted from the largest value down (rep
// rankings), the value at each bar's end. Equal values keep their input order.
func (r *Renderer) RankingChart(o Options, bars []Bar) ([]byte, error) {
	if len(bars) == 0 {
		return nil, ErrNoData
	}
	s, err := o.resolve(len(bars), 34)
	if err != nil {
		return nil, err
	}
	for i, b := range bars {
		if err := checkFinite("bar", i, b.Label, b.Value); err != nil {
			return nil, err
		}
	}
	sorted := slices.Clone(bars)
	slices.SortStableFunc(sorted, func(a, b Bar) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		return 0
	})
	theme := r.theme()
	p := r.newPainter(s, theme)

	// The library draws the first category at the bottom: feed it smallest first.
	labelStyle := r.style(s, sizeLabel, colorText)
	n := len(sorted)
	values := make([]float64, n)
	labels := make([]string, n)
	for i, b := range sorted {
		values[n-1-i] = b.Value
		labels[n-1-i] = truncate(p, cleanLabel(b.Label), s.width*28/100, labelStyle)
	}

	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Theme = theme
	// room on the right for the value label of the longest bar
	longest := 0
	for _, v := range values {
		longest = max(longest, measure(p, s.format(v), r.style(s, sizeValue, colorText)))
	}
	opt.Padding = charts.NewBox(s.px(20), r.titleBottom(s), s.px(20)+longest, s.px(12))
	opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	opt.ValueFormatter = s.format
	opt.BarSize = 0.65
	opt.CategoryAxis = charts.CategoryAxisOption{
		Labels:         labels,
		LabelCount:     n,
		LabelFontStyle: labelStyle,
	}
	// the value sits at each bar's end, so the value axis would only add clutter
	ax := r.valueAxis(s, values)
	ax.Show = charts.Ptr(false)
	opt.ValueAxis = []charts.ValueAxisOption{ax}
	opt.SeriesLabelPosition = charts.PositionRight
	opt.SeriesList[0].Label = charts.SeriesLabel{
		Show:           charts.Ptr(true),
		ValueFormatter: s.format,
		FontStyle:      r.style(s, sizeValue, colorText),
	}
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	r.drawTitle(p, s)
	return encode(p)
}

// valueAxis starts the axis at zero for non-negative data and gives an all-zero
// series a visible range.
func (r *Renderer) valueAxis(s settings, values []float64) charts.ValueAxisOption {
	lo, hi := 0.0, 0.0
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	ax := charts.ValueAxisOption{
		LabelFontStyle: r.style(s, sizeSmall, colorMuted),
		ValueFormatter: s.format,
	}
	if lo >= 0 {
		ax.Min = charts.Ptr(0.0)
	}
	if lo == 0 && hi == 0 {
		ax.Max, ax.LabelCount = charts.Ptr(1.0), 2 // ticks 0 and 1, not 0.5
	}
	return ax
}
