package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
)

func runWorkbench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("workbench", flag.ContinueOnError)
	var c common
	runs := fs.Int("runs", 3, "runs over every rep")
	parallel := fs.Int("parallel", 4, "per-user mode: workbenches built at once")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the per-user runs to this file")
	mode := fs.String("mode", "both", "set (crm.BuildWorkbenches, as the morning job), per-user (crm.BuildWorkbench, as /today), or both")
	c.check = func() error {
		switch *mode {
		case "set", "per-user", "both":
			return nil
		}
		return fmt.Errorf("--mode %q: want set, per-user or both", *mode)
	}
	return measure(ctx, fs, args, &c, func(db *store.DB) error {
		if *mode == "set" || *mode == "both" {
			if err := workbenchSetBench(ctx, db, &c, *runs); err != nil {
				return err
			}
		}
		if *mode == "per-user" || *mode == "both" {
			if err := workbenchBench(ctx, db, &c, *runs, *parallel, *cpuprofile); err != nil {
				return err
			}
		}
		return nil
	})
}

// activeReps returns the active reps, as the morning job picks them.
func activeReps(ctx context.Context, db *store.DB) ([]crm.User, error) {
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	var reps []crm.User
	for _, u := range users {
		if u.Active && u.Role == crm.RoleRep {
			reps = append(reps, u)
		}
	}
	return reps, nil
}

// workbenchSetBench builds every active rep's workbench at once, as the
// morning job does (crm.BuildWorkbenches: one query per list), runs times,
// and checks a sample against crm.BuildWorkbench.
func workbenchSetBench(ctx context.Context, db *store.DB, c *common, runs int) error {
	reps, err := activeReps(ctx, db)
	if err != nil {
		return err
	}
	fmt.Printf("\n## workbench, set-based (%s): crm.BuildWorkbenches for %d reps at once, %d runs, stale_days %d\n", c.driver, len(reps), runs, c.staleDays)
	var totals, cpus durs
	var ws []crm.Workbench
	for run := 1; run <= runs; run++ {
		st := &timedStore{DB: db, t: map[string]durs{}}
		clock := startCPU(ctx, db)
		t0 := time.Now()
		ws, err = crm.BuildWorkbenches(ctx, st, reps, c.now, c.staleDays)
		if err != nil {
			return err
		}
		total := time.Since(t0)
		self, server := clock.elapsed(ctx)
		totals, cpus = append(totals, total), append(cpus, self+server)
		nonEmpty := 0
		for _, w := range ws {
			if !w.Empty() {
				nonEmpty++
			}
		}
		fmt.Printf("run %d: total %s (lists %s, names %s); %d of %d workbenches not empty; CPU time: bench process %s, PostgreSQL backends %s; load average %s\n",
			run, total.Round(time.Millisecond), st.t["WorkbenchLists"].sum().Round(time.Millisecond), st.t["CustomerNames"].sum().Round(time.Millisecond),
			nonEmpty, len(ws), self.Round(time.Millisecond), server.Round(time.Millisecond), loadavg())
	}
	m, lo, hi := median(totals)
	cm, clo, chi := median(cpus)
	fmt.Printf("workbench set-based %s: %d reps in %s (median of %d runs; range %s–%s); CPU time %s (range %s–%s)\n", c.driver, len(reps), m.Round(time.Millisecond), runs,
		lo.Round(time.Millisecond), hi.Round(time.Millisecond), cm.Round(time.Millisecond), clo.Round(time.Millisecond), chi.Round(time.Millisecond))
	// The same as /today shows, rep by rep (a sample).
	for i := 0; i < len(reps); i += max(len(reps)/20, 1) {
		one, err := crm.BuildWorkbench(ctx, db, reps[i], c.now, c.staleDays)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(one, ws[i]) {
			return fmt.Errorf("rep %d: the set-based workbench differs from crm.BuildWorkbench", reps[i].ID)
		}
	}
	fmt.Println("  a sample of 20 reps: identical to crm.BuildWorkbench")
	return nil
}

func (s *timedStore) WorkbenchLists(ctx context.Context, q crm.WorkbenchQuery) (map[int64]*crm.WorkbenchLists, error) {
	defer s.since("WorkbenchLists", time.Now())
	return s.DB.WorkbenchLists(ctx, q)
}

// timedStore times the store calls crm.BuildWorkbench makes.
type timedStore struct {
	*store.DB
	mu sync.Mutex
	t  map[string]durs
}

func (s *timedStore) since(name string, t time.Time) {
	d := time.Since(t)
	s.mu.Lock()
	s.t[name] = append(s.t[name], d)
	s.mu.Unlock()
}

func (s *timedStore) PlansDue(ctx context.Context, sc crm.Scope, from, to crm.Date) ([]crm.PaymentPlan, error) {
	defer s.since("PlansDue", time.Now())
	return s.DB.PlansDue(ctx, sc, from, to)
}

func (s *timedStore) OpenDealsInScope(ctx context.Context, sc crm.Scope, limit int) ([]crm.Deal, error) {
	defer s.since("OpenDealsInScope", time.Now())
	return s.DB.OpenDealsInScope(ctx, sc, limit)
}

func (s *timedStore) StaleCustomers(ctx context.Context, sc crm.Scope, before time.Time, limit int) ([]crm.Customer, error) {
	defer s.since("StaleCustomers", time.Now())
	return s.DB.StaleCustomers(ctx, sc, before, limit)
}

func (s *timedStore) Appointments(ctx context.Context, userID int64, from, to time.Time) ([]crm.Appointment, error) {
	defer s.since("Appointments", time.Now())
	return s.DB.Appointments(ctx, userID, from, to)
}

func (s *timedStore) OpenComplaints(ctx context.Context, sc crm.Scope, customerID int64) ([]crm.Complaint, error) {
	defer s.since("OpenComplaints", time.Now())
	return s.DB.OpenComplaints(ctx, sc, customerID)
}

func (s *timedStore) NextActionsDue(ctx context.Context, userID int64, date crm.Date) ([]crm.Activity, error) {
	defer s.since("NextActionsDue", time.Now())
	return s.DB.NextActionsDue(ctx, userID, date)
}

func (s *timedStore) ReportFor(ctx context.Context, userID int64, kind crm.PeriodKind, start crm.Date) (crm.Report, error) {
	defer s.since("ReportFor", time.Now())
	return s.DB.ReportFor(ctx, userID, kind, start)
}

func (s *timedStore) CustomerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	defer s.since("CustomerNames", time.Now())
	return s.DB.CustomerNames(ctx, ids)
}

// workbenchBench builds every active rep's workbench, as the morning job
// does (parallel at once), runs times.
func workbenchBench(ctx context.Context, db *store.DB, c *common, runs, parallel int, cpuprofile string) error {
	reps, err := activeReps(ctx, db)
	if err != nil {
		return err
	}
	parallel = max(parallel, 1)
	fmt.Printf("\n## workbench (%s): crm.BuildWorkbench for %d reps, %d at a time, %d runs, stale_days %d\n", c.driver, len(reps), parallel, runs, c.staleDays)
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var totals, cpus durs
	var st *timedStore
	for run := 1; run <= runs; run++ {
		st = &timedStore{DB: db, t: map[string]durs{}}
		var per durs
		var items struct{ plans, deals, stale, appts, complaints, next, filed, names, nonEmpty int }
		var mu sync.Mutex
		var firstErr error
		work := make(chan crm.User)
		var wg sync.WaitGroup
		clock := startCPU(ctx, db)
		t0 := time.Now()
		for range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for u := range work {
					t := time.Now()
					w, err := crm.BuildWorkbench(ctx, st, u, c.now, c.staleDays)
					d := time.Since(t)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					per = append(per, d)
					items.plans += len(w.PaymentsDue)
					items.deals += len(w.TopDeals)
					items.stale += len(w.Stale)
					items.appts += len(w.Appointments)
					items.complaints += len(w.Complaints)
					items.next += len(w.NextActions)
					items.names += len(w.CustomerNames)
					if w.ReportFiled {
						items.filed++
					}
					if !w.Empty() {
						items.nonEmpty++
					}
					mu.Unlock()
				}
			}()
		}
		for _, u := range reps {
			work <- u
		}
		close(work)
		wg.Wait()
		if firstErr != nil {
			return firstErr
		}
		total := time.Since(t0)
		self, server := clock.elapsed(ctx)
		totals, cpus = append(totals, total), append(cpus, self+server)
		fmt.Printf("run %d: total %s; per rep p50 %s p99 %s max %s; CPU time: bench process %s, PostgreSQL backends %s; load average %s\n",
			run, total.Round(time.Millisecond), ms(per.pct(50)), ms(per.pct(99)), ms(per.max()),
			self.Round(time.Millisecond), server.Round(time.Millisecond), loadavg())
		if run == 1 {
			n := float64(len(reps))
			fmt.Printf("  per rep on average: %.1f plans due, %.1f top deals, %.1f stale, %.1f appointments today, %.2f open complaints, %.1f next actions today, %.1f names; %d of %d workbenches not empty\n",
				float64(items.plans)/n, float64(items.deals)/n, float64(items.stale)/n, float64(items.appts)/n, float64(items.complaints)/n,
				float64(items.next)/n, float64(items.names)/n, items.nonEmpty, len(reps))
		}
	}
	m, lo, hi := median(totals)
	cm, clo, chi := median(cpus)
	fmt.Printf("workbench %s: %d reps in %s (median of %d runs; range %s–%s); CPU time %s (range %s–%s)\n", c.driver, len(reps), m.Round(time.Millisecond), runs,
		lo.Round(time.Millisecond), hi.Round(time.Millisecond), cm.Round(time.Millisecond), clo.Round(time.Millisecond), chi.Round(time.Millisecond))
	names := make([]string, 0, len(st.t))
	for k := range st.t {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return st.t[names[i]].sum() > st.t[names[j]].sum() })
	fmt.Println("  last run by store call: total, p50, p99")
	for _, k := range names {
		d := st.t[k]
		fmt.Printf("    %-17s %9s  %s  %s\n", k, d.sum().Round(time.Millisecond), ms(d.pct(50)), ms(d.pct(99)))
	}
	return nil
}
