package chart

import (
	"github.com/go-analyze/charts"
)

// FunnelChart draws sales stages top to bottom as centred bars whose widths follow
// the values, each with its value beside it, and between consecutive stages the
// conversion rate ("↓ 45.0%" = next / this). A stage at zero converts as "—"; a
// negative value is drawn as an empty bar but its value is still printed.
func (r *Renderer) FunnelChart(o Options, stages []Bar) ([]byte, error) {
	if len(stages) == 0 {
		return nil, ErrNoData
	}
	s, err := o.resolve(len(stages), 72)
	if err != nil {
		return nil, err
	}
	maxV := 0.0
	for i, b := range stages {
		if err := checkFinite("stage", i, b.Label, b.Value); err != nil {
			return nil, err
		}
		maxV = max(maxV, b.Value)
	}
	theme := r.theme()
	colors := seriesColors()
	p := r.newPainter(s, theme)
	p.FilledRect(0, 0, s.width, s.height, colorBackground, colorBackground, 0)
	top := r.drawTitle(p, s)
	bottom := s.height - s.px(14)

	labelStyle := r.style(s, sizeLabel, colorText)
	valueStyle := r.style(s, sizeValue, colorText)
	rateStyle := r.style(s, sizeSmall, colorMuted)

	margin := s.px(20)
	labelW := s.width * 22 / 100
	valueW := s.px(60)
	for _, b := range stages {
		valueW = max(valueW, measure(p, s.format(b.Value), valueStyle))
	}
	valueW = min(valueW+s.px(10), s.width*25/100)
	fx0 := margin + labelW + s.px(14)
	fx1 := s.width - margin - valueW
	fcx := (fx0 + fx1) / 2
	fullW := fx1 - fx0
	minW := s.px(4)

	n := len(stages)
	rowH := float64(bottom-top) / float64(n)
	gap := max(float64(s.px(26)), rowH*0.34)
	if n == 1 {
		gap = 0
	}
	barH := int(rowH - gap*float64(n-1)/float64(n))
	barH = min(barH, s.px(64))
	// centre the funnel vertically in the space left
	used := barH*n + int(gap)*(n-1)
	y0 := top + (bottom-top-used)/2

	widths := make([]int, n)
	for i, b := range stages {
		w := minW
		if maxV > 0 && b.Value > 0 {
			w = max(minW, int(float64(fullW)*b.Value/maxV+0.5))
		}
		widths[i] = w
	}

	for i, b := range stages {
		y := y0 + i*(barH+int(gap))
		cy := y + barH/2
		w := widths[i]
		color := colors[i%len(colors)]
		if b.Value > 0 {
			p.FilledRect(fcx-w/2, y, fcx-w/2+w, y+barH, color, color, 0)
		} else {
			p.FilledRect(fcx-w/2, y, fcx-w/2+w, y+barH, colorTrack, colorTrack, 0)
		}
		label := truncate(p, cleanLabel(b.Label), labelW, labelStyle)
		textRight(p, label, margin+labelW, cy, labelStyle)
		textAt(p, truncate(p, s.format(b.Value), valueW, valueStyle), fcx-w/2+w+s.px(8), cy, valueStyle)

		if i == n-1 {
			break
		}
		// connector to the next stage, with the conversion rate on it
		next := widths[i+1]
		gy0, gy1 := y+barH, y+barH+int(gap)
		p.FillArea([]charts.Point{
			{X: fcx - w/2, Y: gy0}, {X: fcx - w/2 + w, Y: gy0},
			{X: fcx - next/2 + next, Y: gy1}, {X: fcx - next/2, Y: gy1},
			{X: fcx - w/2, Y: gy0},
		}, colorTrack)
		rate := "—"
		if b.Value > 0 {
			rate = formatPercent(stages[i+1].Value / b.Value)
		}
		// on a white pill so it stays legible over narrow connectors
		rate = "↓ " + rate
		rw, gcy := measure(p, rate, rateStyle), (gy0+gy1)/2
		em := int(rateStyle.FontSize * 96 / 72)
		p.FilledRect(fcx-rw/2-s.px(6), gcy-em/2-s.px(2), fcx-rw/2+rw+s.px(6), gcy+em/2+s.px(2),
			colorBackground, colorBackground, 0)
		textCenter(p, rate, fcx, gcy, rateStyle)
	}
	return encode(p)
}
