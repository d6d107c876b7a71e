// Command bench generates a large salesbot data set and measures salesbot
// on it: the /new duplicate check, the morning workbench of every rep, the
// analytics behind /stats, and the memory a workbench run needs. The
// figures, the machine and the exact commands are in docs/BENCHMARKS.md.
//
//	go run ./bench gen       --driver postgres --dsn DSN --customers 1000000 --reps 1000
//	go run ./bench dup       --driver postgres --dsn DSN [--queries 2000] [--compare]
//	go run ./bench workbench --driver postgres --dsn DSN [--runs 3] [--mode set|per-user|both] [--parallel 4] [--cpuprofile FILE]
//	go run ./bench analytics --driver postgres --dsn DSN [--runs 3]
//	go run ./bench dataset   --driver postgres --dsn DSN   (dup, workbench and analytics)
//	go run ./bench churn     --driver postgres --dsn DSN [--activities 10000]
//	go run ./bench pool      --driver postgres --dsn DSN [--warn-reps 100]   (changes the data set)
//
// For SQLite the DSN is a file path. Every subcommand works on the store's
// public API (store.Open, crm.Store, crm.BuildWorkbench, report.*) except
// gen, which bulk-loads rows with the columns the store itself writes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"github.com/salesbot-crm/salesbot/store"
)

const usage = `usage: go run ./bench COMMAND [flags]

commands:
  gen        generate a data set into an empty database (migrates it first)
  dup        time the /new duplicate check (exact, variant, similar, new names)
  workbench  time the workbench of every rep (set-based as the morning job, and per user); peak RSS
  analytics  time distributions, Pareto, funnel and rankings
  dataset    dup, workbench and analytics in one process
  churn      log a day's activities through the store (then measure again)
  pool       time the nightly pool_release (twice) and the workbench's pool warning; releases customers

run "go run ./bench COMMAND -h" for the flags of a command`

// defaultNow is the moment the data set is generated for and measured at:
// fixed, so that a data set generated once can be measured any day
// ("appointments today" stay today).
const defaultNow = "2026-11-30T09:00:00+08:00"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "gen":
		err = runGen(ctx, args)
	case "dup":
		err = runDup(ctx, args)
	case "workbench":
		err = runWorkbench(ctx, args)
	case "analytics":
		err = runAnalytics(ctx, args)
	case "dataset":
		err = runDataset(ctx, args)
	case "churn":
		err = runChurn(ctx, args)
	case "pool":
		err = runPool(ctx, args)
	case "-h", "--help", "help":
		fmt.Println(usage)
	default:
		err = fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// common are the flags every command has.
type common struct {
	driver, dsn string
	now         time.Time
	nowText     string
	tz          string
	staleDays   int
	// check, if set, validates the command's own flags after parsing.
	check func() error
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.driver, "driver", store.SQLite, "sqlite or postgres")
	fs.StringVar(&c.dsn, "dsn", "", "PostgreSQL DSN, or the SQLite file path")
	fs.StringVar(&c.nowText, "now", defaultNow, "the moment the data set is generated for and measured at (RFC 3339)")
	fs.StringVar(&c.tz, "tz", "Asia/Shanghai", "time zone of the sales team")
	fs.IntVar(&c.staleDays, "stale-days", 14, "stale_days of the configuration (the workbench's stale list)")
}

func (c *common) parse() error {
	if c.dsn == "" {
		return errors.New("--dsn is required")
	}
	loc, err := time.LoadLocation(c.tz)
	if err != nil {
		return fmt.Errorf("--tz: %w", err)
	}
	t, err := time.Parse(time.RFC3339, c.nowText)
	if err != nil {
		return fmt.Errorf("--now: %w", err)
	}
	c.now = t.In(loc)
	return nil
}

func (c *common) open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, c.driver, c.dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func parseFlags(fs *flag.FlagSet, args []string, c *common) error {
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.check != nil {
		if err := c.check(); err != nil {
			return err
		}
	}
	return c.parse()
}

// measure parses a command's flags, opens the data set, prints what is
// measured, runs body on it and prints the process's memory.
func measure(ctx context.Context, fs *flag.FlagSet, args []string, c *common, body func(db *store.DB) error) error {
	if err := parseFlags(fs, args, c); err != nil {
		return err
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	header(ctx, db, c)
	if err := body(db); err != nil {
		return err
	}
	printMemory()
	return nil
}

// runDataset runs dup, workbench and analytics with their default settings.
func runDataset(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dataset", flag.ContinueOnError)
	var c common
	runs := fs.Int("runs", 3, "runs of each measurement")
	queries := fs.Int("queries", 2000, "duplicate-check queries per run")
	return measure(ctx, fs, args, &c, func(db *store.DB) error {
		if err := dupBench(ctx, db, &c, dupOptions{queries: *queries, runs: *runs, seed: 7, compare: true}); err != nil {
			return err
		}
		if err := workbenchSetBench(ctx, db, &c, *runs); err != nil {
			return err
		}
		if err := workbenchBench(ctx, db, &c, *runs, 4, ""); err != nil {
			return err
		}
		if err := analyticsBench(ctx, db, &c, *runs); err != nil {
			return err
		}
		return nil
	})
}

// header prints what is measured on which data.
func header(ctx context.Context, db *store.DB, c *common) {
	fmt.Printf("# %s %s, now %s; load average %s\n", c.driver, store.RedactDSN(db.DSN()), c.now.Format(time.RFC3339), loadavg())
	for _, t := range []string{"customers", "customer_grams", "contacts", "activities", "deals", "stage_changes", "payment_plans", "payments", "appointments", "complaints", "reports", "users"} {
		var n int64
		if err := db.SQL().GetContext(ctx, &n, `SELECT COUNT(*) FROM `+t); err != nil {
			fmt.Printf("#   %s: %v\n", t, err)
			continue
		}
		fmt.Printf("#   %-15s %10d rows\n", t, n)
	}
}
