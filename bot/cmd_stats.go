package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
)

// statsKinds are the analyses of /stats, in menu order.
var statsKinds = []string{"industry", "size", "region", "source", "top", "funnel", "ranking"}

// cmdStats sends one analysis as a chart and its numbers, within the
// user's scope; without an argument it offers the list.
func (b *Bot) cmdStats(ctx context.Context, r *Request) error {
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
		m, err := b.engine.Offer(ctx, b.env(r), text, menu)
		if err != nil {
			return err
		}
		r.Say(m)
		return nil
	}
	loc := r.Now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, r.Now)
	from, to := mStart.Time(loc), mEnd.Time(loc)
	var text string
	var img *crm.Image
	switch kind {
	case "industry", "size", "region", "source":
		d, err := b.opt.Sales.Distribution(ctx, r.Viewer, kind)
		if err != nil {
			return err
		}
		if d.Total == 0 {
			r.Sayf("stats.no_data")
			return nil
		}
		var lines []string
		var slices []chart.Bar
		for i, it := range d.Items {
			label := it.Key
			if label == "" {
				label = r.T("stats.unset")
			}
			if i < 10 {
				lines = append(lines, fmt.Sprintf("%s %d（%d%%）", label, it.N, it.N*100/d.Total))
			}
			slices = append(slices, chart.Bar{Label: label, Value: float64(it.N)})
		}
		if len(d.Items) > 10 {
			lines = append(lines, r.T("stats.more", len(d.Items)-10))
		}
		title := r.T("stats.title_"+kind, d.Total)
		text = title + "\n" + strings.Join(lines, "\n")
		img = b.render(r, "stats-"+kind, func(c *chart.Renderer) ([]byte, error) {
			return c.PieChart(chart.Options{Title: title, OtherLabel: r.T("industry.other")}, slices)
		})
	case "top":
		yStart, yEnd := crm.PeriodRange(crm.PeriodYear, r.Now)
		p, err := b.opt.Sales.TopCustomers(ctx, r.Viewer, yStart.Time(loc), yEnd.Time(loc))
		if err != nil {
			return err
		}
		if p.Customers == 0 {
			r.Sayf("stats.no_data")
			return nil
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
		text = strings.Join(lines, "\n")
		img = b.render(r, "stats-top", func(c *chart.Renderer) ([]byte, error) {
			return c.RankingChart(chart.Options{Title: title, ValueFormat: yuanFormat}, bars)
		})
	case "funnel":
		f, err := b.opt.Sales.Funnel(ctx, r.Viewer, from, to)
		if err != nil {
			return err
		}
		if f.Reached[0] == 0 && f.Won+f.Lost == 0 {
			r.Sayf("stats.no_data")
			return nil
		}
		title := r.T("stats.title_funnel", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, mStart))
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
		text = strings.Join(lines, "\n")
		if f.Reached[0] > 0 {
			img = b.render(r, "stats-funnel", func(c *chart.Renderer) ([]byte, error) {
				return c.FunnelChart(chart.Options{Title: title}, bars)
			})
		}
	case "ranking":
		title := r.T("stats.title_ranking", conversation.PeriodLabel(r.Lang, crm.PeriodMonth, mStart))
		lines := []string{title}
		var pay []chart.Bar
		for _, metric := range []string{report.RankPayments, report.RankContract, report.RankNewCustomers, report.RankActivities} {
			rows, err := b.opt.Sales.Ranking(ctx, r.Viewer, metric, from, to)
			if err != nil {
				return err
			}
			var items []string
			for i, row := range rows {
				if i == 5 {
					break
				}
				v := strconv.FormatInt(row.Amount, 10)
				if metric == report.RankPayments || metric == report.RankContract {
					v = crm.Money(row.Amount).String()
				}
				items = append(items, fmt.Sprintf("%d.%s %s", i+1, row.Name, v))
				if metric == report.RankPayments {
					pay = append(pay, chart.Bar{Label: row.Name, Value: float64(row.Amount) / 100})
				}
			}
			if metric == report.RankPayments {
				for _, row := range rows[min(5, len(rows)):] {
					pay = append(pay, chart.Bar{Label: row.Name, Value: float64(row.Amount) / 100})
				}
			}
			if len(items) == 0 {
				items = append(items, "-")
			}
			lines = append(lines, r.T("stats.rank_"+metric, strings.Join(items, "  ")))
		}
		text = strings.Join(lines, "\n")
		if len(pay) > 1 {
			img = b.render(r, "stats-ranking", func(c *chart.Renderer) ([]byte, error) {
				return c.RankingChart(chart.Options{Title: r.T("stats.rank_chart_title"), ValueFormat: yuanFormat}, pay)
			})
		}
	}
	if img != nil {
		r.Say(crm.Message{Image: img})
	}
	r.Say(crm.Message{Text: text})
	return nil
}

// yuanFormat labels chart values given in yuan: ¥12,000.
func yuanFormat(v float64) string { return "¥" + chart.FormatNumber(v) }

// cmdTeam is a manager's summary of today: the team's numbers, who filed
// their report, and this month's target progress and payments ranking as
// charts.
func (b *Bot) cmdTeam(ctx context.Context, r *Request) error {
	text, err := b.digest(ctx, &pushRequest{Viewer: r.Viewer, Lang: r.Lang, Now: r.Now})
	if err != nil {
		return err
	}
	loc := r.Now.Location()
	mStart, mEnd := crm.PeriodRange(crm.PeriodMonth, r.Now)
	rows, err := b.opt.Sales.Ranking(ctx, r.Viewer, report.RankPayments, mStart.Time(loc), mEnd.Time(loc))
	if err != nil {
		return err
	}
	var bars []chart.Bar
	for _, row := range rows {
		bars = append(bars, chart.Bar{Label: row.Name, Value: float64(row.Amount) / 100})
	}
	if len(bars) > 0 {
		if img := b.render(r, "team-payments", func(c *chart.Renderer) ([]byte, error) {
			return c.RankingChart(chart.Options{Title: r.T("stats.rank_chart_title"), ValueFormat: yuanFormat}, bars)
		}); img != nil {
			r.Say(crm.Message{Image: img})
		}
	}
	m, err := b.engine.Offer(ctx, b.env(r), text, []conversation.Choice{
		{Label: r.T("btn.team_reports"), Value: "/report team"},
		{Label: r.T("btn.targets"), Value: "/target"},
		{Label: r.T("stats.kind_ranking"), Value: "/stats ranking"},
	})
	if err != nil {
		return err
	}
	r.Say(m)
	return nil
}
