package chart

import (
	"cmp"
	"slices"

	"github.com/go-analyze/charts"
)

// PieChart draws a distribution (industry, region, source, company size, …) as a pie,
// each slice labelled with its name and percentage of the total. Slices keep the
// input order. With more than MaxPieSlices slices, the largest MaxPieSlices-1 stay
// and the rest (plus any slice already named OtherLabel) become one OtherLabel slice,
// drawn last. A slice named OtherLabel is always grey. Slices with a value ≤ 0 are left out: a share cannot be
// negative. ErrNoData when no slice is positive.
func (r *Renderer) PieChart(o Options, slices []Bar) ([]byte, error) {
	s, err := o.resolve(0, 0)
	if err != nil {
		return nil, err
	}
	for i, b := range slices {
		if err := checkFinite("slice", i, b.Label, b.Value); err != nil {
			return nil, err
		}
	}
	shown := pieSlices(slices, s.otherLabel)
	if len(shown) == 0 {
		return nil, ErrNoData
	}
	var total float64
	for _, b := range shown {
		total += b.Value
	}

	colors := seriesColors()[:len(shown)]
	for i, b := range shown {
		if b.Label == s.otherLabel {
			colors[i] = colorOther
		}
	}
	theme := r.theme().WithSeriesColors(colors)
	p := r.newPainter(s, theme)

	labelStyle := r.style(s, sizeLabel, colorText)
	values := make([]float64, len(shown))
	names := make([]string, len(shown))
	for i, b := range shown {
		values[i] = b.Value
		names[i] = truncate(p, b.Label, s.width*20/100, labelStyle)
	}
	opt := charts.NewPieChartOptionWithData(values)
	opt.Theme = theme
	opt.Padding = charts.NewBox(s.px(20), r.titleBottom(s), s.px(20), s.px(16))
	opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	opt.Radius = "36%"
	if len(shown) > 1 {
		opt.SegmentGap = 1.5 // a lone slice would get a gap line from the centre to the top
	}
	for i := range opt.SeriesList {
		opt.SeriesList[i].Name = names[i]
		opt.SeriesList[i].Label = charts.SeriesLabel{
			Show:      charts.Ptr(true),
			FontStyle: labelStyle,
			LabelFormatter: func(index int, name string, val float64) (string, *charts.LabelStyle) {
				return name + " " + formatPercent(val/total), nil
			},
		}
	}
	if err := p.PieChart(opt); err != nil {
		return nil, err
	}
	r.drawTitle(p, s)
	return encode(p)
}

// pieSlices drops slices ≤ 0, cleans labels and merges the smallest into one
// otherLabel slice when there are more than MaxPieSlices.
func pieSlices(in []Bar, otherLabel string) []Bar {
	type item struct {
		Bar
		pos int
	}
	var items []item
	for i, b := range in {
		if b.Value > 0 {
			items = append(items, item{Bar{Label: cleanLabel(b.Label), Value: b.Value}, i})
		}
	}
	if len(items) <= MaxPieSlices {
		out := make([]Bar, len(items))
		for i, it := range items {
			out[i] = it.Bar
		}
		return out
	}
	// keep the largest MaxPieSlices-1 that are not already "other", in input order
	var keep, rest []item
	for _, it := range items {
		if it.Label == otherLabel {
			rest = append(rest, it)
		} else {
			keep = append(keep, it)
		}
	}
	slices.SortStableFunc(keep, func(a, b item) int { return cmp.Compare(b.Value, a.Value) })
	if len(keep) > MaxPieSlices-1 {
		rest = append(rest, keep[MaxPieSlices-1:]...)
		keep = keep[:MaxPieSlices-1]
	}
	slices.SortFunc(keep, func(a, b item) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]Bar, 0, MaxPieSlices)
	for _, it := range keep {
		out = append(out, it.Bar)
	}
	other := Bar{Label: otherLabel}
	for _, it := range rest {
		other.Value += it.Value
	}
	return append(out, other)
}
