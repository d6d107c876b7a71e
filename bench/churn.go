package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
)

// runChurn logs a working day's activities through the store, as reps do
// (one transaction each, customers' last activity moved, audit entries),
// so that the measurements can be repeated on a database that was written
// to since its last VACUUM: PostgreSQL's index-only scans then meet heap
// pages that are not all-visible, and the indexes carry dead entries.
func runChurn(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("churn", flag.ContinueOnError)
	var c common
	n := fs.Int("activities", 10000, "activities to log (a day of 1,000 reps is about 10,000)")
	seed := fs.Uint64("seed", 11, "random seed")
	if err := parseFlags(fs, args, &c); err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return churn(ctx, db, &c, *n, *seed)
}

func churn(ctx context.Context, db *store.DB, c *common, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 3))
	var maxID int64
	if err := db.SQL().GetContext(ctx, &maxID, `SELECT COALESCE(MAX(id), 0) FROM customers`); err != nil {
		return err
	}
	if maxID == 0 {
		return fmt.Errorf("no customers: run gen first")
	}
	// The day before c.now, so that the activities are in the past and
	// a part of their next actions falls due "today".
	day := c.now.AddDate(0, 0, -1)
	t0 := time.Now()
	var lat durs
	for i := range n {
		id := 1 + r.Int64N(maxID)
		cust, err := db.Customer(ctx, id)
		if err != nil {
			return err
		}
		a := crm.Activity{CustomerID: id, UserID: cust.OwnerID, Kind: crm.ActivityKinds[r.IntN(len(crm.ActivityKinds))],
			Content: actTexts[r.IntN(len(actTexts))], At: day.Add(time.Duration(i) * 8 * time.Hour / time.Duration(n))}
		if r.IntN(100) < 40 {
			a.NextAction = nextTexts[r.IntN(len(nextTexts))]
			a.NextDate = crm.DateOf(c.now).AddDays(r.IntN(5))
		}
		t := time.Now()
		if _, err := db.AddActivity(ctx, cust.OwnerID, a); err != nil {
			return err
		}
		lat = append(lat, time.Since(t))
	}
	fmt.Printf("churn: %d activities logged through the store in %s (AddActivity p50 %s p99 %s)\n", n, time.Since(t0).Round(time.Millisecond),
		ms(lat.pct(50)), ms(lat.pct(99)))
	return nil
}
