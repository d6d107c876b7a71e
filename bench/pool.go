package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// runPool times the nightly job pool_release (sales.Service.SweepPool, as
// the scheduler runs it) on a generated data set: the first run, which
// releases what the default rules name, then a second, which must release
// nothing more; and the workbench's warning (sales.Service.PoolSoon) for
// reps one at a time. The first run changes the data set: measure it once
// per generated database.
func runPool(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pool", flag.ContinueOnError)
	var c common
	warnReps := fs.Int("warn-reps", 100, "reps whose workbench warning is timed (one at a time)")
	nights := fs.Int("nights", 3, "runs on the following days after the first two (a steady night's work)")
	if err := parseFlags(fs, args, &c); err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := sales.New(db)
	rules := crm.DefaultPoolRules()
	owned, err := db.CountCustomers(ctx, crm.Scope{All: true})
	if err != nil {
		return err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	var reps []crm.User
	for _, u := range users {
		if u.Role == crm.RoleRep && u.Active && len(reps) < *warnReps {
			reps = append(reps, u)
		}
	}
	start := time.Now()
	var warned int
	for _, u := range reps {
		soon, err := svc.PoolSoon(ctx, crm.Viewer{User: u}, rules, c.now)
		if err != nil {
			return err
		}
		warned += len(soon)
	}
	warn := time.Since(start)
	fmt.Printf("pool warnings: %d reps in %v (%.2f ms per rep), %d customers named\n", len(reps), warn.Round(time.Millisecond), float64(warn.Microseconds())/1000/float64(max(len(reps), 1)), warned)

	at := c.now
	start = time.Now()
	released, err := svc.SweepPool(ctx, rules, at)
	if err != nil {
		return err
	}
	first := time.Since(start)
	reasons := map[string]int{}
	owners := map[int64]bool{}
	for _, r := range released {
		reasons[r.Reason]++
		owners[r.From] = true
	}
	fmt.Printf("pool_release first run: %v, %d of %d customers released (%v) from %d owners\n", first.Round(time.Millisecond), len(released), owned, reasons, len(owners))
	start = time.Now()
	again, err := svc.SweepPool(ctx, rules, at.Add(time.Minute))
	if err != nil {
		return err
	}
	fmt.Printf("pool_release second run: %v, %d released\n", time.Since(start).Round(time.Millisecond), len(again))
	if len(again) != 0 {
		return fmt.Errorf("the second run released %d more", len(again))
	}
	// The next nights: what crosses the thresholds in a day.
	for day := 1; day <= *nights; day++ {
		at := c.now.AddDate(0, 0, day)
		start = time.Now()
		next, err := svc.SweepPool(ctx, rules, at)
		if err != nil {
			return err
		}
		fmt.Printf("pool_release night +%d: %v, %d released\n", day, time.Since(start).Round(time.Millisecond), len(next))
	}
	return nil
}
