package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
	"github.com/salesbot-crm/salesbot/store"
)

func runAnalytics(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("analytics", flag.ContinueOnError)
	var c common
	runs := fs.Int("runs", 3, "runs of each figure")
	return measure(ctx, fs, args, &c, func(db *store.DB) error {
		if err := analyticsBench(ctx, db, &c, *runs); err != nil {
			return err
		}
		return nil
	})
}

// analyticsBench times what /stats computes, for the admin (every
// customer), a manager (one department) and a rep, over the current year.
func analyticsBench(ctx context.Context, db *store.DB, c *common, runs int) error {
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	depts, err := db.Departments(ctx)
	if err != nil {
		return err
	}
	var admin, manager, rep *crm.User
	for i := range users {
		u := &users[i]
		switch {
		case !u.Active:
		case u.Role == crm.RoleAdmin && admin == nil:
			admin = u
		case u.Role == crm.RoleManager && manager == nil:
			manager = u
		case u.Role == crm.RoleRep && rep == nil:
			rep = u
		}
	}
	if admin == nil || manager == nil || rep == nil {
		return fmt.Errorf("need an admin, a manager and a rep")
	}
	ys, ye := crm.PeriodRange(crm.PeriodYear, c.now)
	from, to := ys.Time(c.now.Location()), ye.Time(c.now.Location())
	fmt.Printf("\n## analytics (%s): year %s–%s, %d runs; median (range) in ms\n", c.driver, ys, ye, runs)
	for _, v := range []crm.Viewer{crm.ViewerOf(*admin, depts), crm.ViewerOf(*manager, depts), crm.ViewerOf(*rep, depts)} {
		sc := v.Scope()
		n, err := db.CountCustomers(ctx, sc)
		if err != nil {
			return err
		}
		fmt.Printf("%s %s (%d customers in scope)\n", v.Role, v.Name, n)
		type figure struct {
			name string
			run  func() (string, error)
		}
		var figs []figure
		for _, field := range []string{"industry", "region", "source", "size"} {
			figs = append(figs, figure{"CustomerDistribution " + field, func() (string, error) {
				d, err := report.CustomerDistribution(ctx, db, sc, field)
				return fmt.Sprintf("%d groups, %d customers", len(d.Items), d.Total), err
			}})
		}
		figs = append(figs,
			figure{"TopCustomers (Pareto)", func() (string, error) {
				p, err := report.TopCustomers(ctx, db, sc, from, to)
				return fmt.Sprintf("%d paying customers, top 20%% bring %d%%", p.Customers, p.TopShare()), err
			}},
			figure{"StageFunnel", func() (string, error) {
				f, err := report.StageFunnel(ctx, db, sc, from, to)
				return fmt.Sprintf("reached %v, won %d, lost %d", f.Reached, f.Won, f.Lost), err
			}})
		for _, m := range []string{report.RankPayments, report.RankContract, report.RankNewCustomers, report.RankActivities} {
			figs = append(figs, figure{"Ranking " + m, func() (string, error) {
				rows, err := report.Ranking(ctx, db, v, m, from, to)
				return fmt.Sprintf("%d reps", len(rows)), err
			}})
		}
		for _, f := range figs {
			var ds durs
			var what string
			for range runs {
				t := time.Now()
				w, err := f.run()
				if err != nil {
					return fmt.Errorf("%s: %w", f.name, err)
				}
				ds = append(ds, time.Since(t))
				what = w
			}
			fmt.Printf("  %-30s %-28s %s\n", f.name, spread(ds), what)
		}
	}
	return nil
}
