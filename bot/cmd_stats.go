package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/report"
)

// statsCommand analyses the customers and deals in the user's book.
var statsCommand = Command{Name: "stats", Keyword: "统计", HelpKey: "help.stats", Usage: "usage.stats", Run: runStats}

// analysis is one /stats analysis: its text and, where a chart says it
// better, a picture. ok=false: no data in the user's scope.
type analysis func(ctx context.Context, r *Request, s *Services, month period) (text string, img *crm.Image, ok bool, err error)

// period is a span of time and its first day.
type period struct {
	start    crm.Date
	from, to time.Time
}

// statsKinds are the analyses of /stats, in menu order.
var statsKinds = []string{"industry", "size", "region", "source", "top", "funnel", "ranking"}

// statsAnalyses are their handlers.
func statsAnalyses() map[string]analysis {
	return map[string]analysis{
		"industry": distribution("industry"),
		"size":     distribution("size"),
		"region":   distribution("region"),
		"source":   distribution("source"),
		"top":      topCustomers,
		"funnel":   funnel,
		"ranking":  ranking,
	}
}

// runStats sends one analysis as a chart and its numbers, within the
// user's scope; without an argument it offers the list.
func runStats(ctx context.Context, r *Request, s *Services) error {
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	kind := ""
	for _, k := range statsKinds {
		if arg == k || arg == strings.ToLower(r.T("stats.kind_"+k)) || arg == conversation.T(conversation.LangZH, "stats.kind_"+k) {
			kind = k
		}
	}
	if kind == "" {
		var menu []conversation.Choice
		for _, k := range statsKinds {
			menu = append(menu, conversation.Choice{Label: r.T("stats.kind_" + k), Value: "/stats " + k})
		}
		text := r.T("stats.pick")
		if arg != "" {
			text = r.T("stats.unknown", arg) + "\n" + text
		}
		return s.offer(ctx, r, text, menu)
	}
	loc := r.Now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, r.Now)
	text, img, ok, err := statsAnalyses()[kind](ctx, r, s, period{mStart, mStart.Time(loc), mEnd.Time(loc)})
	if err != nil {
		return err
	}
	if !ok {
		r.Sayf("stats.no_data")
		return nil
	}
	if img != nil {
		r.Say(crm.Message{Image: img})
	}
	r.Say(crm.Message{Text: text})
	return nil
}

// distribution counts the user's customers by a field, as a pie.
func distribution(kind string) analysis {
	return func(ctx context.Context, r *Request, s *Services, _ period) (string, *crm.Image, bool, error) {
		d, err := s.Sales.Distribution(ctx, r.Viewer, kind)
		if err != nil || d.Total == 0 {
			return "", nil, false, err
		}
		var lines []string
		var slices []chart.Bar
		for i, it := range d.Items {
			label := conversation.GroupLabel(r.Lang, choice.Field(kind), it.Key)
			if i < 10 {
				lines = append(lines, r.T("stats.share_line", label, it.N, it.N*100/d.Total))
			}
			slices = append(slices, chart.Bar{Label: label, Value: float64(it.N)})
		}
		if len(d.Items) > 10 {
			lines = append(lines, r.T("stats.more", len(d.Items)-10))
		}
		title := r.T("stats.title_"+kind, d.Total)
		img := s.render(r, "stats-"+kind, func(c *chart.Renderer) ([]byte, error) {
			return c.PieChart(chart.Options{Title: title, OtherLabel: conversation.OtherLabel(r.Lang)}, slices)
		})
		return title + "\n" + strings.Join(lines, "\n"), img, true, nil
	}
}

// topCustomers is this year's Pareto view of payments.
func topCustomers(ctx context.Context, r *Request, s *Services, _ period) (string, *crm.Image, bool, error) {
	loc := r.Now.Location()
	yStart, yEnd := crm.PeriodRange(crm.PeriodYear, r.Now)
	p, err := s.Sales.TopCustomers(ctx, r.Viewer, yStart.Time(loc), yEnd.Time(loc))
	if err != nil || p.Customers == 0 {
		return "", nil, false, err
	}
	title := r.T("stats.title_top", yStart.Time(loc).Year())
	lines := []string{title, r.T("stats.pareto", p.Customers, crm.Money(p.Total).String(), p.TopCount, crm.Money(p.TopAmount).String(), p.TopShare())}
	var bars []chart.Bar
	for i, c := range p.Top {
		if i < 10 {
			lines = append(lines, fmt.Sprintf("%d. %s %s", i+1, conversation.ShortName(c.Name), crm.Money(c.Amount).String()))
		}
		bars = append(bars, chart.Bar{Label: conversation.ShortName(c.Name), Value: float64(c.Amount) / 100})
	}
	img := s.render(r, "stats-top", func(c *chart.Renderer) ([]byte, error) {
		return c.RankingChart(chart.Options{Title: title, ValueFormat: yuanFormat}, bars)
	})
	return strings.Join(lines, "\n"), img, true, nil
}

// funnel is this month's stage funnel.
func funnel(ctx context.Context, r *Request, s *Services, m period) (string, *crm.Image, bool, error) {
	f, err := s.Sales.Funnel(ctx, r.Viewer, m.from, m.to)
	if err != nil || (f.Reached[0] == 0 && f.Won+f.Lost == 0) {
		return "", nil, false, err
	}
	title := r.T("stats.title_funnel", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, m.start))
	lines := []string{title}
	var bars []chart.Bar
	for i, st := range f.Stages {
		line := fmt.Sprintf("%s %d", conversation.StageName(r.Lang, st), f.Reached[i])
		if c := f.Conversion(i); c >= 0 && i+1 < len(f.Stages) {
			line += r.T("stats.conversion", fmt.Sprintf("%d.%d", c/10, c%10))
		}
		lines = append(lines, line)
		bars = append(bars, chart.Bar{Label: conversation.StageName(r.Lang, st), Value: float64(f.Reached[i])})
	}
	if wr := f.WinRate(); wr >= 0 {
		lines = append(lines, r.T("stats.win_rate", wr, f.Won, f.Lost))
	}
	var img *crm.Image
	if f.Reached[0] > 0 {
		img = s.render(r, "stats-funnel", func(c *chart.Renderer) ([]byte, error) {
			return c.FunnelChart(chart.Options{Title: title}, bars)
		})
	}
	return strings.Join(lines, "\n"), img, true, nil
}

// ranking ranks the reps by four metrics this month.
func ranking(ctx context.Context, r *Request, s *Services, m period) (string, *crm.Image, bool, error) {
	lines := []string{r.T("stats.title_ranking", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, m.start))}
	var pay []chart.Bar
	for _, metric := range []string{report.RankPayments, report.RankContract, report.RankNewCustomers, report.RankActivities} {
		rows, err := s.Sales.Ranking(ctx, r.Viewer, metric, m.from, m.to)
		if err != nil {
			return "", nil, false, err
		}
		money := metric == report.RankPayments || metric == report.RankContract
		var items []string
		for i, row := range rows {
			if i == 5 {
				break
			}
			v := strconv.FormatInt(row.Amount, 10)
			if money {
				v = crm.Money(row.Amount).String()
			}
			items = append(items, fmt.Sprintf("%d.%s %s", i+1, row.Name, v))
		}
		if metric == report.RankPayments {
			for _, row := range rows {
				pay = append(pay, chart.Bar{Label: row.Name, Value: float64(row.Amount) / 100})
			}
		}
		if len(items) == 0 {
			items = append(items, "-")
		}
		lines = append(lines, r.T("stats.rank_"+metric, strings.Join(items, "  ")))
	}
	var img *crm.Image
	if len(pay) > 1 {
		img = s.render(r, "stats-ranking", func(c *chart.Renderer) ([]byte, error) {
			return c.RankingChart(chart.Options{Title: r.T("stats.rank_chart_title"), ValueFormat: yuanFormat}, pay)
		})
	}
	return strings.Join(lines, "\n"), img, true, nil
}

// yuanFormat labels chart values given in yuan: ¥12,000.
func yuanFormat(v float64) string { return "¥" + chart.FormatNumber(v) }
