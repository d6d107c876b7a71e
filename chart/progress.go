package chart

import (
	"github.com/go-analyze/charts"
)

// maxProgressScale is how far past the target (as a ratio) the bars' scale reaches;
// a row further over target is drawn to the end of the scale, its label still exact.
const maxProgressScale = 2.0

// ProgressChart draws one row per target: the label with "actual / target" beneath,
// a bar of actual against target, a dashed 100% line and the percentage reached.
// Rows at or over target are green and extend past the 100% line. A row with a target
// ≤ 0 shows "—" for its percentage and no bar; a negative actual shows no bar.
func (r *Renderer) ProgressChart(o Options, rows []Progress) ([]byte, error) {
	if len(rows) == 0 {
		return nil, ErrNoData
	}
	s, err := o.resolve(len(rows), 58)
	if err != nil {
		return nil, err
	}
	ratios := make([]float64, len(rows))
	valid := make([]bool, len(rows))
	scale := 1.0
	for i, row := range rows {
		if err := checkFinite("row", i, row.Label, row.Actual, row.Target); err != nil {
			return nil, err
		}
		if row.Target > 0 {
			ratios[i], valid[i] = row.Actual/row.Target, true
			scale = max(scale, min(ratios[i], maxProgressScale))
		}
	}

	p := r.newPainter(s, r.theme())
	p.FilledRect(0, 0, s.width, s.height, colorBackground, colorBackground, 0)
	top := r.drawTitle(p, s)
	bottom := s.height - s.px(10)

	labelStyle := r.style(s, sizeLabel, colorText)
	subStyle := r.style(s, sizeSmall, colorMuted)
	pctStyle := r.style(s, sizeValue, colorText)
	doneStyle := r.style(s, sizeValue, colorGreen)

	pcts := make([]string, len(rows))
	pctW := 0
	for i := range rows {
		pcts[i] = "—"
		if valid[i] {
			pcts[i] = formatPercent(ratios[i])
		}
		pctW = max(pctW, measure(p, pcts[i], pctStyle))
	}
	margin := s.px(20)
	labelW := s.width * 26 / 100
	x0 := margin + labelW + s.px(14)
	x1 := s.width - margin - pctW - s.px(12)
	trackW := x1 - x0
	x100 := x0 + int(float64(trackW)/scale+0.5)

	// the 100% marker's caption sits above the first row
	captionH := s.px(22)
	markerTop := top
	top += captionH
	n := len(rows)
	rowH := float64(bottom-top) / float64(n)
	barH := min(s.px(22), int(rowH*0.42))

	for i, row := range rows {
		cy := top + int(rowH*(float64(i)+0.5))
		label := truncate(p, cleanLabel(row.Label), labelW, labelStyle)
		sub := truncate(p, s.format(row.Actual)+" / "+s.format(row.Target), labelW, subStyle)
		textAt(p, label, margin, cy-s.px(10), labelStyle)
		textAt(p, sub, margin, cy+s.px(13), subStyle)

		by := cy - barH/2
		p.FilledRect(x0, by, x100, by+barH, colorTrack, colorTrack, 0)
		style, end := pctStyle, x100
		if valid[i] && ratios[i] > 0 {
			fill, color := ratios[i], colorBlue
			if fill >= 1 {
				color, style = colorGreen, doneStyle
			}
			barEnd := x0 + int(float64(trackW)*min(fill, scale)/scale+0.5)
			barEnd = max(barEnd, x0+s.px(2))
			p.FilledRect(x0, by, barEnd, by+barH, color, color, 0)
			end = max(end, barEnd)
		}
		if valid[i] && ratios[i] < 0 {
			style = r.style(s, sizeValue, colorRed)
		}
		// the percentage follows the track, or the bar when it runs past the target
		textAt(p, pcts[i], end+s.px(10), cy, style)
	}

	// dashed 100% line over all rows, captioned at the top
	p.DashedLineStroke([]charts.Point{
		{X: x100, Y: markerTop + captionH - s.px(4)},
		{X: x100, Y: bottom},
	}, colorMuted, float64(max(1, s.px(1.5))), []float64{float64(s.px(5)), float64(s.px(4))})
	textCenter(p, "100%", x100, markerTop+captionH/2-s.px(3), subStyle)
	return encode(p)
}
