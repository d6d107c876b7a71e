package bot

import (
	"errors"
	"log/slog"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/crm"
)

// render draws a chart into an image reply. Without a CJK font (or on a
// drawing error) it returns nil and the caller's text carries the numbers;
// the user is told once per process that charts are off.
func (s *Services) render(r *Request, name string, draw func(*chart.Renderer) ([]byte, error)) *crm.Image {
	if s.Charts == nil {
		if s.noFontSaid.CompareAndSwap(false, true) {
			r.Sayf("chart.no_font")
		}
		return nil
	}
	png, err := draw(s.Charts)
	if err != nil {
		if !errors.Is(err, chart.ErrNoData) {
			s.Logger.Warn("chart failed", slog.String("chart", name), slog.Any("err", err))
		}
		return nil
	}
	return &crm.Image{Name: name + ".png", PNG: png}
}
