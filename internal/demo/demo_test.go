package demo_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
	"unicode"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/internal/demo"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var ctx = context.Background()

func testNow(t *testing.T) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 11, 29, 10, 0, 0, 0, loc)
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().GetContext(ctx, &n, db.SQL().Rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestLoad(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	loc := now.Location()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		start := time.Now()
		sum, err := demo.Load(ctx, db, now, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: loaded in %v: %+v", db.Driver(), time.Since(start).Round(time.Millisecond), sum)
		if db.Now().Before(start) {
			t.Error("the store's clock was not restored")
		}

		// Summary minimums, and the summary matches the tables.
		if sum.Departments < 3 || sum.Managers < 3 || sum.Reps < 12 || sum.Customers < 300 ||
			sum.Activities < 300 || sum.Deals < 50 || sum.PaymentPlans == 0 || sum.Payments == 0 ||
			sum.Appointments == 0 || sum.Complaints == 0 || sum.Targets == 0 {
			t.Fatalf("summary too small: %+v", sum)
		}
		for table, want := range map[string]int{
			"departments": sum.Departments, "customers": sum.Customers, "activities": sum.Activities,
			"deals": sum.Deals, "payment_plans": sum.PaymentPlans, "payments": sum.Payments,
			"appointments": sum.Appointments, "complaints": sum.Complaints, "targets": sum.Targets,
		} {
			if got := count(t, db, `SELECT COUNT(*) FROM `+table); got != want {
				t.Errorf("%s: %d rows, summary says %d", table, got, want)
			}
		}
		if got := count(t, db, `SELECT COUNT(*) FROM users WHERE role = 'rep'`); got != sum.Reps {
			t.Errorf("%d reps, summary says %d", got, sum.Reps)
		}

		// Customers: realistic names, attributes and contacts.
		all := crm.Scope{All: true}
		custs, err := db.ListCustomers(ctx, all, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		phone := regexp.MustCompile(`^1[358]\d{9}$`)
		keys := map[string]bool{}
		regions := map[string]bool{}
		industries := map[string]bool{}
		for _, c := range custs {
			n := company.Parse(c.Name)
			if keys[n.Key] {
				t.Errorf("duplicate key %q (%s)", n.Key, c.Name)
			}
			keys[n.Key] = true
			if !strings.HasSuffix(c.Name, "有限公司") && !strings.HasSuffix(c.Name, "有限责任公司") || n.Region == "" || n.Trade == "" || !unicode.Is(unicode.Han, []rune(c.Name)[0]) {
				t.Errorf("implausible name %q: %+v", c.Name, n)
			}
			if c.Industry == "" || c.Size == "" || c.Region == "" || c.Source == "" {
				t.Errorf("%s: missing attributes %+v", c.Name, c)
			}
			regions[c.Region], industries[c.Industry] = true, true
			if c.CreatedAt.Before(now.AddDate(0, 0, -121)) || c.CreatedAt.After(now) {
				t.Errorf("%s created %v", c.Name, c.CreatedAt)
			}
			if c.LastActivityAt != nil && (c.LastActivityAt.Before(now.AddDate(0, 0, -91)) || c.LastActivityAt.After(now)) {
				t.Errorf("%s last active %v", c.Name, c.LastActivityAt)
			}
		}
		if len(regions) < 10 || len(industries) != 9 {
			t.Errorf("%d regions, %d industries", len(regions), len(industries))
		}
		full, err := db.Customer(ctx, custs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Contacts) == 0 || !phone.MatchString(full.Contacts[0].Phone) || full.Contacts[0].Title == "" {
			t.Errorf("contacts of %s: %+v", full.Name, full.Contacts)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id)`); n != 0 {
			t.Errorf("%d customers without contacts", n)
		}

		// Some customers have gone stale.
		stale, err := db.StaleCustomers(ctx, all, now.AddDate(0, 0, -14), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(stale) < 20 || len(stale) > len(custs)/2 {
			t.Errorf("%d stale customers of %d", len(stale), len(custs))
		}
		t.Logf("%d stale customers (no activity for 14 days)", len(stale))

		// Deals in every stage with the stage's win%, amounts in range, and
		// stage history.
		var rows []struct {
			Stage  crm.Stage `db:"stage"`
			N      int       `db:"n"`
			MinPct int       `db:"min_pct"`
			MaxPct int       `db:"max_pct"`
			MinAmt int64     `db:"min_amt"`
			MaxAmt int64     `db:"max_amt"`
		}
		if err := db.SQL().SelectContext(ctx, &rows, `SELECT stage, COUNT(*) AS n, MIN(win_pct) AS min_pct, MAX(win_pct) AS max_pct,
			MIN(amount) AS min_amt, MAX(amount) AS max_amt FROM deals GROUP BY stage`); err != nil {
			t.Fatal(err)
		}
		stages := map[crm.Stage]int{}
		for _, r := range rows {
			stages[r.Stage] = r.N
			if r.Stage == crm.StageContract && (r.MinPct != 100 || r.MaxPct != 100) || r.Stage == crm.StageLost && r.MaxPct != 0 {
				t.Errorf("stage %s win%% %d..%d", r.Stage, r.MinPct, r.MaxPct)
			}
			if r.MinAmt < int64(crm.Yuan(20_000)) || r.MaxAmt > int64(crm.Yuan(2_000_000)) {
				t.Errorf("stage %s amounts %d..%d", r.Stage, r.MinAmt, r.MaxAmt)
			}
		}
		for _, s := range crm.Stages {
			if stages[s] == 0 {
				t.Errorf("no deal in stage %s: %v", s, stages)
			}
		}
		t.Logf("deals by stage: %v", stages)
		if n := count(t, db, `SELECT COUNT(*) FROM stage_changes`); n < 2*sum.Deals {
			t.Errorf("%d stage changes for %d deals", n, sum.Deals)
		}
		// Moves happen on different days, not all at load time.
		if n := count(t, db, `SELECT COUNT(*) FROM stage_changes WHERE at < ?`, now.AddDate(0, 0, -30).UTC()); n == 0 {
			t.Error("no stage change older than 30 days")
		}
		open, err := db.OpenDealsInScope(ctx, all, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) == 0 {
			t.Error("no open deals")
		}

		// Payment plans: due this month, overdue, paid.
		monthStart, monthEnd := crm.PeriodRange(crm.PeriodMonth, now)
		today := crm.DateOf(now)
		due, err := db.PlansDue(ctx, all, today, monthEnd)
		if err != nil {
			t.Fatal(err)
		}
		overdue, err := db.PlansDue(ctx, all, "2000-01-01", today)
		if err != nil {
			t.Fatal(err)
		}
		paid := count(t, db, `SELECT COUNT(*) FROM payment_plans WHERE paid >= amount`)
		if len(due) == 0 || len(overdue) == 0 || paid == 0 {
			t.Errorf("plans: %d due this month, %d overdue, %d paid", len(due), len(overdue), paid)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM payments WHERE received_on > ?`, today); n != 0 {
			t.Errorf("%d payments received in the future", n)
		}
		t.Logf("plans: %d due this month, %d overdue, %d paid; month %s", len(due), len(overdue), paid, monthStart)

		// Appointments today and in the next days, in working hours.
		reps, err := db.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		todayN, laterN := 0, 0
		dayStart, dayEnd := crm.PeriodRange(crm.PeriodDay, now)
		for _, u := range reps {
			as, err := db.Appointments(ctx, u.ID, now.AddDate(0, 0, -30), now.AddDate(0, 0, 30))
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				at := a.At.In(loc)
				if at.Before(now) || at.Hour() < 9 || at.Hour() >= 18 {
					t.Errorf("appointment at %v", at)
				}
				if !at.Before(dayStart.Time(loc)) && at.Before(dayEnd.Time(loc)) {
					todayN++
				} else {
					laterN++
				}
			}
		}
		if todayN == 0 || laterN == 0 {
			t.Errorf("%d appointments today, %d later", todayN, laterN)
		}

		// Complaints, open and closed.
		openC, err := db.OpenComplaints(ctx, all, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(openC) == 0 || len(openC) == sum.Complaints {
			t.Errorf("%d open complaints of %d", len(openC), sum.Complaints)
		}

		// Targets add up: reps to their department, departments to the
		// company.
		depts, err := db.Departments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		users := map[int64]crm.User{}
		for _, u := range reps {
			users[u.ID] = u
		}
		for _, period := range []crm.PeriodKind{crm.PeriodMonth, crm.PeriodQuarter} {
			start, _ := crm.PeriodRange(period, now)
			ts, err := db.Targets(ctx, period, start)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 3*(1+len(depts)+sum.Reps) {
				t.Fatalf("%s: %d targets", period, len(ts))
			}
			type key struct {
				m    crm.Metric
				unit crm.UnitKind
				id   int64
			}
			got := map[key]int64{}
			want := map[key]int64{}
			for _, tg := range ts {
				got[key{tg.Metric, tg.Unit, tg.UnitID}] = tg.Value
				if tg.Value <= 0 {
					t.Errorf("target %+v", tg)
				}
			}
			for _, tg := range ts {
				if tg.Unit != crm.UnitUser {
					continue
				}
				// the rep's department and every department above it
				for d := users[tg.UnitID].DeptID; d != 0; {
					want[key{tg.Metric, crm.UnitDepartment, d}] += tg.Value
					var parent int64
					for _, x := range depts {
						if x.ID == d {
							parent = x.ParentID
						}
					}
					d = parent
				}
				want[key{tg.Metric, crm.UnitCompany, 0}] += tg.Value
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s %s %s %d: target %d, reps add up to %d", period, k.m, k.unit, k.id, got[k], v)
				}
			}
		}

		// A second load is refused.
		_, err = demo.Load(ctx, db, now, 2)
		if e, ok := crm.AsError(err); !ok || e.Code != crm.CodeConflict || e.Key != "demo.not_empty" || !errors.Is(err, crm.ErrConflict) {
			t.Fatalf("second load: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM customers`); n != sum.Customers {
			t.Fatalf("second load changed customers: %d", n)
		}
	})
}

// digest lists what a load wrote, in id order, for comparing two loads.
func digest(t *testing.T, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT name || '|' || industry || '|' || size || '|' || region || '|' || source FROM customers ORDER BY id`,
		`SELECT name || '|' || phone || '|' || title FROM contacts ORDER BY id`,
		`SELECT title || '|' || stage || '|' || CAST(amount AS TEXT) || '|' || close_date FROM deals ORDER BY id`,
		`SELECT content || '|' || next_action || '|' || next_date FROM activities ORDER BY id`,
		`SELECT CAST(amount AS TEXT) || '|' || received_on FROM payments ORDER BY id`,
		`SELECT metric || '|' || unit || '|' || CAST(value AS TEXT) FROM targets ORDER BY id`,
	} {
		var rows []string
		if err := db.SQL().SelectContext(ctx, &rows, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b.WriteString(strings.Join(rows, "\n"))
		b.WriteString("\n--\n")
	}
	return b.String()
}

func TestLoadDeterministic(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	load := func(seed int64) (*store.DB, string) {
		db := storetest.OpenSQLite(t)
		if _, err := demo.Load(ctx, db, now, seed); err != nil {
			t.Fatal(err)
		}
		return db, digest(t, db)
	}
	db, a := load(7)
	_, b := load(7)
	if a != b {
		t.Fatal("two loads with the same seed differ")
	}
	var names []string
	if err := db.SQL().SelectContext(ctx, &names, `SELECT name FROM customers ORDER BY id LIMIT 8`); err != nil {
		t.Fatal(err)
	}
	t.Logf("e.g. %s", strings.Join(names, "、"))
}

// Loads at awkward moments (before working hours on the first of a month,
// late on New Year's Eve in UTC) stay consistent: nothing happens after now.
func TestLoadAtAwkwardTimes(t *testing.T) {
	t.Parallel()
	sh := testNow(t).Location()
	for _, now := range []time.Time{
		time.Date(2027, 3, 1, 7, 30, 0, 0, sh),
		time.Date(2026, 12, 31, 23, 50, 0, 0, time.UTC),
	} {
		db := storetest.OpenSQLite(t)
		sum, err := demo.Load(ctx, db, now, 3)
		if err != nil {
			t.Fatalf("%v: %v", now, err)
		}
		if sum.Customers < 300 || sum.Deals == 0 || sum.Appointments == 0 {
			t.Errorf("%v: %+v", now, sum)
		}
		for _, q := range []string{
			`SELECT COUNT(*) FROM customers WHERE created_at > ?`,
			`SELECT COUNT(*) FROM activities WHERE at > ?`,
			`SELECT COUNT(*) FROM stage_changes WHERE at > ?`,
			`SELECT COUNT(*) FROM complaints WHERE created_at > ?`,
			`SELECT COUNT(*) FROM appointments WHERE at <= ?`,
		} {
			if n := count(t, db, q, now.UTC()); n != 0 {
				t.Errorf("%v: %s: %d", now, q, n)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM payments WHERE received_on > ?`, crm.DateOf(now)); n != 0 {
			t.Errorf("%v: %d payments in the future", now, n)
		}
	}
}

// Every industry word must parse back to the trade name, or the generator
// would never use it.
func TestIndustryWordsParse(t *testing.T) {
	for _, w := range demo.IndustryWords() {
		name := "上海瑞丰" + w + "有限公司"
		if n := company.Parse(name); n.Trade != "瑞丰" || n.Region != "上海" {
			t.Errorf("%s parses as %+v", name, n)
		}
	}
}
