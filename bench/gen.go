package main

import (
	"context"
	"flag"
	"fmt"
	choices "github.com/salesbot-crm/salesbot/crm/choice"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/store"
)

// runGen generates a data set into an empty database.
func runGen(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	var c common
	customers := fs.Int("customers", 1_000_000, "customers to generate")
	reps := fs.Int("reps", 1000, "sales reps")
	depts := fs.Int("depts", 10, "departments (at most 12), each with a manager")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same data set")
	chunk := fs.Int("chunk", 20000, "customers per load transaction")
	analyze := fs.String("analyze", "auto", "update planner statistics after the load: yes, no, or auto (PostgreSQL: VACUUM ANALYZE, as autovacuum would soon; SQLite: no, salesbot never runs ANALYZE)")
	if err := parseFlags(fs, args, &c); err != nil {
		return err
	}
	var doAnalyze bool
	switch *analyze {
	case "yes":
		doAnalyze = true
	case "no":
	case "auto":
		doAnalyze = c.driver == store.Postgres
	default:
		return fmt.Errorf("--analyze: want yes, no or auto, not %q", *analyze)
	}
	if *depts < 1 || *depts > len(deptNames) || *reps < *depts || *customers < 1 {
		return fmt.Errorf("need 1..%d departments, at least one rep per department and one customer", len(deptNames))
	}
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := db.CountCustomers(ctx, crm.Scope{All: true}); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("%s already has %d customers: generate into an empty database", store.RedactDSN(db.DSN()), n)
	}
	g := &generator{
		r:      rand.New(rand.NewPCG(*seed, 0x5a1e5b07)),
		now:    c.now,
		loc:    c.now.Location(),
		today:  crm.DateOf(c.now),
		nCust:  *customers,
		start:  c.now.AddDate(-3, 0, 0),
		keys:   make(map[uint64]struct{}, *customers),
		gramID: map[string]int32{},
	}
	g.span = g.now.Add(-time.Hour).Sub(g.start)
	g.pToday = 3 * float64(*reps) / float64(*customers)
	g.pAppt = 2 * float64(*reps) / float64(*customers)
	g.tables()

	fmt.Printf("generating %d customers, %d reps in %d departments into %s %s (now %s)\n",
		*customers, *reps, *depts, c.driver, store.RedactDSN(db.DSN()), c.now.Format(time.RFC3339))
	t0 := time.Now()
	if err := g.org(ctx, db, *depts, *reps); err != nil {
		return err
	}
	tOrg := time.Since(t0)
	fmt.Printf("  org (store API, one transaction per record): %s\n", tOrg.Round(time.Millisecond))

	ld, err := newLoader(ctx, db)
	if err != nil {
		return err
	}
	defer ld.close()
	t1 := time.Now()
	for first := 1; first <= *customers; first += *chunk {
		last := min(first+*chunk-1, *customers)
		for id := first; id <= last; id++ {
			g.customer(int64(id))
		}
		if err := g.flush(ctx, ld, g.rowTables()); err != nil {
			return err
		}
		if last%(10**chunk) == 0 || last == *customers {
			el := time.Since(t1)
			fmt.Printf("  %8d customers  %s  (%.0f customers/s)\n", last, el.Round(time.Second), float64(last)/el.Seconds())
		}
	}
	g.orgRows()
	if err := g.flush(ctx, ld, []*table{g.reports, g.targets}); err != nil {
		return err
	}
	tRows := time.Since(t1)
	t2 := time.Now()
	if err := g.writeGrams(ctx, ld); err != nil {
		return err
	}
	tGrams := time.Since(t2)
	ld.close()
	t3 := time.Now()
	if err := finishLoad(ctx, db, doAnalyze); err != nil {
		return err
	}
	tFinish := time.Since(t3)
	total := time.Since(t0)

	fmt.Printf("  rows: %s\n  grams: %s\n  finish (sequences, checkpoint%s): %s\n", tRows.Round(time.Millisecond), tGrams.Round(time.Millisecond),
		map[bool]string{true: ", statistics", false: ""}[doAnalyze], tFinish.Round(time.Millisecond))
	fmt.Printf("generated in %s (name-key collisions skipped: %d)\n", total.Round(time.Millisecond), g.collisions)
	var rowsTotal int64
	for _, t := range append(g.rowTables(), g.reports, g.targets, g.grams) {
		fmt.Printf("  %-15s %10d rows\n", t.name, t.rows)
		rowsTotal += t.rows
	}
	fmt.Printf("  %-15s %10d rows (%.0f rows/s)\n", "total", rowsTotal, float64(rowsTotal)/total.Seconds())
	if size, err := dbSize(ctx, db, c.dsn); err == nil {
		fmt.Printf("  database size %.0f MB\n", mb(uint64(size)))
	}
	printMemory()
	return nil
}

// finishLoad moves the sequences past the ids the load wrote and, with
// analyze, refreshes the planner statistics.
func finishLoad(ctx context.Context, db *store.DB, analyze bool) error {
	x := db.SQL()
	if db.Driver() == store.Postgres {
		for _, t := range []string{"customers", "contacts", "activities", "deals", "stage_changes", "payment_plans", "payments", "appointments", "complaints", "reports", "targets"} {
			q := `SELECT setval(pg_get_serial_sequence('` + t + `', 'id'), COALESCE((SELECT MAX(id) FROM ` + t + `), 0) + 1, false)`
			if _, err := x.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		if analyze {
			if _, err := x.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
				return fmt.Errorf("vacuum analyze: %w", err)
			}
		}
		return nil
	}
	// AUTOINCREMENT tables record explicit ids in sqlite_sequence themselves.
	if analyze {
		if _, err := x.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
	}
	if _, err := x.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func dbSize(ctx context.Context, db *store.DB, dsn string) (int64, error) {
	if db.Driver() == store.Postgres {
		var n int64
		err := db.SQL().GetContext(ctx, &n, `SELECT pg_database_size(current_database())`)
		return n, err
	}
	fi, err := os.Stat(dsn)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// generator draws the data set. It is deterministic for a seed.
type generator struct {
	r           *rand.Rand
	now         time.Time // in the team's time zone
	loc         *time.Location
	today       crm.Date
	start       time.Time // the first customer's creation
	span        time.Duration
	nCust       int
	pToday      float64 // chance that a customer has a next action due today
	pAppt       float64 // chance that a customer has an appointment today
	admin       crm.User
	managers    []crm.User
	reps        []crm.User
	repsByDept  map[int64][]crm.User
	depts       []crm.Department
	keys        map[uint64]struct{} // hashes of the name keys taken
	collisions  int
	gramID      map[string]int32
	gramStrings []string
	gramPairs   []gramPair // in customer order

	ids struct{ contact, activity, deal, change, plan, payment, appt, complaint, report, target int64 }

	customers, contacts, activities, deals, changes, plans, payments, appts, complaints, collaborators, reports, targets, grams *table
}

type gramPair struct{ gram, customer int32 }

func (g *generator) tables() {
	g.customers = newTable("customers", "id", "name", "name_key", "trade_key", "industry", "size", "region", "source", "owner_id", "created_by", "note",
		"search_text", "archived", "created_at", "updated_at", "last_activity_at")
	g.contacts = newTable("contacts", "id", "customer_id", "name", "phone", "title")
	g.activities = newTable("activities", "id", "customer_id", "user_id", "kind", "content", "next_action", "next_date", "at")
	g.deals = newTable("deals", "id", "customer_id", "owner_id", "title", "stage", "win_pct", "amount", "close_date", "note", "created_at", "updated_at")
	g.changes = newTable("stage_changes", "id", "deal_id", "from_stage", "to_stage", "win_pct", "amount", "user_id", "at")
	g.plans = newTable("payment_plans", "id", "customer_id", "deal_id", "amount", "due_date", "note", "paid", "created_by", "created_at")
	g.payments = newTable("payments", "id", "customer_id", "plan_id", "amount", "received_on", "note", "user_id", "created_at")
	g.appts = newTable("appointments", "id", "customer_id", "user_id", "at", "place", "purpose", "reminded", "created_at")
	g.complaints = newTable("complaints", "id", "customer_id", "user_id", "content", "status", "resolution", "created_at", "closed_at")
	g.collaborators = newTable("collaborators", "customer_id", "user_id", "added_by", "added_at")
	g.reports = newTable("reports", "id", "user_id", "kind", "period_start", "objective", "text", "comment", "comment_by", "created_at", "updated_at")
	g.targets = newTable("targets", "id", "metric", "period", "period_start", "unit", "unit_id", "value", "set_by", "updated_at")
	g.grams = newTable("customer_grams", "gram", "customer_id")
}

// rowTables are written per chunk of customers, parents first.
func (g *generator) rowTables() []*table {
	return []*table{g.customers, g.contacts, g.activities, g.deals, g.changes, g.plans, g.payments, g.appts, g.complaints, g.collaborators}
}

func (g *generator) flush(ctx context.Context, ld loader, ts []*table) error {
	if err := ld.begin(ctx); err != nil {
		return err
	}
	for _, t := range ts {
		if err := ld.write(ctx, t); err != nil {
			return err
		}
	}
	return ld.commit(ctx)
}

// org creates the departments, an admin, a manager per department and the
// reps through the store, as an administrator would.
func (g *generator) org(ctx context.Context, db *store.DB, depts, reps int) error {
	orgTime := g.start.Add(-24 * time.Hour)
	db.Now = func() time.Time { return orgTime }
	defer func() { db.Now = time.Now }()
	var err error
	if g.admin, err = db.CreateUser(ctx, 0, crm.User{Name: "系统管理员", Role: crm.RoleAdmin, Active: true}); err != nil {
		return err
	}
	names := map[string]bool{}
	uniqueName := func() string {
		for {
			n := personName(g.r)
			if !names[n] {
				names[n] = true
				return n
			}
		}
	}
	g.repsByDept = map[int64][]crm.User{}
	for i := range depts {
		d, err := db.CreateDepartment(ctx, g.admin.ID, deptNames[i], 0)
		if err != nil {
			return err
		}
		g.depts = append(g.depts, d)
		m, err := db.CreateUser(ctx, g.admin.ID, crm.User{Name: uniqueName(), Role: crm.RoleManager, DeptID: d.ID, Active: true})
		if err != nil {
			return err
		}
		g.managers = append(g.managers, m)
	}
	for i := range reps {
		d := g.depts[i%depts]
		u, err := db.CreateUser(ctx, g.admin.ID, crm.User{Name: uniqueName(), Role: crm.RoleRep, DeptID: d.ID, Active: true})
		if err != nil {
			return err
		}
		g.reps = append(g.reps, u)
		g.repsByDept[d.ID] = append(g.repsByDept[d.ID], u)
	}
	return nil
}

func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// between draws a moment in [a, b).
func (g *generator) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.r.Int64N(int64(b.Sub(a)))))
}

func (g *generator) days(lo, hi int) time.Duration {
	return time.Duration(lo)*24*time.Hour + time.Duration(g.r.Int64N(int64(hi-lo)*int64(24*time.Hour)+1))
}

func keyHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// customer draws one customer with everything that hangs off it.
func (g *generator) customer(id int64) {
	var cn companyName
	var n company.Name
	for {
		cn = randomCompany(g.r)
		n = company.Parse(cn.raw)
		if n.Key == "" {
			continue
		}
		h := keyHash(n.Key)
		if _, taken := g.keys[h]; taken {
			g.collisions++
			continue
		}
		g.keys[h] = struct{}{}
		break
	}
	owner := g.reps[g.r.IntN(len(g.reps))]
	region := cn.region
	if n.Region != "" {
		region = n.Region
	}
	created := g.start.Add(time.Duration((float64(id-1) + g.r.Float64()) / float64(g.nCust) * float64(g.span)))

	// Contacts, and the folded search text the store keeps.
	parts := []string{cn.raw}
	for k := 0; k == 0 || (k == 1 && g.r.IntN(100) < 20); k++ {
		g.ids.contact++
		name, ph := personName(g.r), phone(g.r)
		if g.r.IntN(100) < 30 {
			name = string([]rune(name)[:1]) + []string{"经理", "总", "先生", "女士"}[g.r.IntN(4)]
		}
		g.contacts.add(g.ids.contact, id, name, ph, titles.pick(g.r))
		parts = append(parts, name, ph)
	}
	search := crm.FoldSearch(strings.Join(parts, "\x1f"))

	// Activities: 70% of customers were contacted, most of them a few
	// times, more often recently; some next actions fall due today.
	var last time.Time
	if g.r.IntN(100) < 70 {
		k := 1
		for k < 8 && g.r.Float64() < 0.55 {
			k++
		}
		at := make([]time.Time, k)
		for i := range at {
			f := math.Pow(g.r.Float64(), 0.6)
			at[i] = created.Add(time.Duration(f * float64(g.now.Sub(created))))
		}
		slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
		for _, t := range at {
			g.activity(id, owner.ID, t, "")
			last = t
		}
	}
	if g.r.Float64() < g.pToday {
		t := g.between(maxTime(created, g.now.Add(-6*24*time.Hour)), g.now.Add(-time.Hour))
		g.activity(id, owner.ID, t, g.today)
		if t.After(last) {
			last = t
		}
	}
	var lastAct any
	updated := created
	if !last.IsZero() {
		lastAct = ts(last)
		updated = last
	}
	g.customers.add(id, cn.raw, n.Key, n.Trade, cn.industry, sizes.pick(g.r), choices.RegionOf(region), sources.pick(g.r), owner.ID, owner.ID, "",
		search, g.r.IntN(1000) < 5, ts(created), ts(updated), lastAct)
	for _, gr := range company.Grams(n) {
		gid, ok := g.gramID[gr]
		if !ok {
			gid = int32(len(g.gramStrings))
			g.gramID[gr] = gid
			g.gramStrings = append(g.gramStrings, gr)
		}
		g.gramPairs = append(g.gramPairs, gramPair{gid, int32(id)})
	}

	// Deals: a quarter of the customers, some with a second one.
	if g.r.IntN(100) < 25 {
		g.deal(id, owner.ID, created)
		if g.r.IntN(100) < 15 {
			g.deal(id, owner.ID, created)
		}
	}
	if g.r.IntN(100) < 1 { // money without a plan
		g.ids.payment++
		t := g.between(created, g.now)
		g.payments.add(g.ids.payment, id, 0, crm.Money(1000*(1+g.r.Int64N(500))), crm.DateOf(t.In(g.loc)), "", owner.ID, ts(t))
	}

	// Appointments: today's, past ones, coming ones.
	if g.r.Float64() < g.pAppt {
		day := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 9, 0, 0, 0, g.loc)
		at := day.Add(time.Duration(g.r.IntN(18)) * 30 * time.Minute)
		g.appointment(id, owner.ID, at, created)
	}
	if g.r.IntN(100) < 4 {
		g.appointment(id, owner.ID, g.between(created, g.now), created)
	}
	if g.r.IntN(1000) < 8 {
		g.appointment(id, owner.ID, g.now.Add(time.Hour+g.days(0, 30)), created)
	}

	// Complaints: a few, a quarter of them open.
	if g.r.IntN(1000) < 8 {
		g.ids.complaint++
		at := g.between(created, g.now)
		if g.r.IntN(4) == 0 {
			g.complaints.add(g.ids.complaint, id, owner.ID, complaints[g.r.IntN(len(complaints))], string(crm.ComplaintOpen), "", ts(at), nil)
		} else {
			closed := minTime(at.Add(g.days(1, 10)), g.now)
			g.complaints.add(g.ids.complaint, id, owner.ID, complaints[g.r.IntN(len(complaints))], string(crm.ComplaintClosed), "已处理", ts(at), ts(closed))
		}
	}
	if g.r.IntN(1000) < 3 {
		team := g.repsByDept[owner.DeptID]
		if u := team[g.r.IntN(len(team))]; u.ID != owner.ID {
			g.collaborators.add(id, u.ID, owner.ID, ts(g.between(created, g.now)))
		}
	}
}

func (g *generator) activity(customer, user int64, at time.Time, next crm.Date) {
	g.ids.activity++
	kind := crm.ActivityKinds[g.r.IntN(len(crm.ActivityKinds))]
	action := ""
	if next == "" && g.r.IntN(100) < 20 {
		next = crm.DateOf(at.In(g.loc).Add(g.days(1, 14)))
	}
	if next != "" {
		action = nextTexts[g.r.IntN(len(nextTexts))]
	}
	g.activities.add(g.ids.activity, customer, user, string(kind), actTexts[g.r.IntN(len(actTexts))], action, next, ts(at))
}

func (g *generator) appointment(customer, user int64, at, created time.Time) {
	g.ids.appt++
	made := maxTime(created, at.Add(-g.days(1, 7)))
	if made.After(g.now) {
		made = g.now.Add(-time.Hour)
	}
	g.appts.add(g.ids.appt, customer, user, ts(at), places[g.r.IntN(len(places))], purposes[g.r.IntN(len(purposes))],
		!at.After(g.now), ts(made))
}

var finalStages = weighted(wv[crm.Stage]{crm.StageInitial, 18}, wv[crm.Stage]{crm.StageNeeds, 14}, wv[crm.Stage]{crm.StageProposal, 12},
	wv[crm.Stage]{crm.StageNegotiation, 8}, wv[crm.Stage]{crm.StageContract, 28}, wv[crm.Stage]{crm.StageLost, 20})

// deal draws a deal and its walk through the stages (cut at now), with
// payment plans and payments when it was won.
func (g *generator) deal(customer, owner int64, created time.Time) {
	g.ids.deal++
	id := g.ids.deal
	t := g.between(created, g.now)
	opened := t
	amount := crm.Money(math.Round(math.Pow(10, 4.3+2.2*g.r.Float64())/1000) * 1000 * 100)
	final := finalStages.pick(g.r)
	var path []crm.Stage
	if final == crm.StageLost {
		path = append(path, crm.Stages[:1+g.r.IntN(4)]...)
		path = append(path, crm.StageLost)
	} else {
		path = crm.Stages[:final.Index()+1]
	}
	from := crm.Stage("")
	var at time.Time
	for i, s := range path {
		if i > 0 {
			t = t.Add(g.days(2, 25))
			if t.After(g.now) {
				break
			}
		}
		g.ids.change++
		g.changes.add(g.ids.change, id, string(from), string(s), s.DefaultWinPct(), amount, owner, ts(t))
		from, at = s, t
	}
	closeDate := crm.DateOf(at.In(g.loc))
	if !from.Closed() {
		closeDate = crm.DateOf(g.now.Add(g.days(10, 120)).In(g.loc))
	}
	g.deals.add(id, customer, owner, products[g.r.IntN(len(products))], string(from), from.DefaultWinPct(), amount, closeDate, "", ts(opened), ts(at))
	if from == crm.StageContract {
		g.paymentPlans(customer, id, owner, amount, at)
	}
}

func (g *generator) paymentPlans(customer, deal, owner int64, amount crm.Money, signed time.Time) {
	n := 1 + g.r.IntN(3)
	left := amount
	for i := range n {
		part := amount / crm.Money(n)
		if i == n-1 {
			part = left
		}
		left -= part
		due := crm.DateOf(signed.In(g.loc).AddDate(0, 2*i, 7))
		ago := due.DaysUntil(g.today)
		var paid crm.Money
		x := g.r.IntN(100)
		switch {
		case ago > 30 && x < 85, ago > 0 && ago <= 30 && x < 50, ago <= 0 && x < 5:
			paid = part
		case ago > 30 && x < 90:
			paid = part / 2
		}
		g.ids.plan++
		g.plans.add(g.ids.plan, customer, deal, part, due, "", paid, owner, ts(signed))
		if paid > 0 {
			recv := due.AddDays(g.r.IntN(26) - 5)
			if recv > g.today {
				recv = g.today
			}
			if s := crm.DateOf(signed.In(g.loc)); recv < s {
				recv = s
			}
			at := recv.Time(g.loc).Add(10*time.Hour + time.Duration(g.r.IntN(7*60))*time.Minute)
			if at.After(g.now) {
				at = g.now.Add(-time.Minute)
			}
			g.ids.payment++
			g.payments.add(g.ids.payment, customer, g.ids.plan, paid, recv, "", owner, ts(at))
		}
	}
}

// orgRows draws the reports and targets of the team.
func (g *generator) orgRows() {
	for _, u := range g.reps {
		for d := 30; d >= 1; d-- {
			if g.r.IntN(100) >= 65 {
				continue
			}
			day := g.now.AddDate(0, 0, -d)
			at := time.Date(day.Year(), day.Month(), day.Day(), 18, g.r.IntN(60), 0, 0, g.loc)
			g.ids.report++
			g.reports.add(g.ids.report, u.ID, string(crm.PeriodDay), crm.DateOf(day), "{}", "今日拜访客户，跟进方案", "", 0, ts(at), ts(at))
		}
		for w := 8; w >= 1; w-- {
			if g.r.IntN(100) >= 60 {
				continue
			}
			start, _ := crm.PeriodRange(crm.PeriodWeek, g.now.AddDate(0, 0, -7*w))
			at := start.Time(g.loc).AddDate(0, 0, 4).Add(17 * time.Hour)
			g.ids.report++
			g.reports.add(g.ids.report, u.ID, string(crm.PeriodWeek), start, "{}", "本周总结", "", 0, ts(at), ts(at))
		}
	}
	month, _ := crm.PeriodRange(crm.PeriodMonth, g.now)
	year, _ := crm.PeriodRange(crm.PeriodYear, g.now)
	set := ts(month.Time(g.loc))
	target := func(m crm.Metric, p crm.PeriodKind, start crm.Date, unit crm.UnitKind, unitID, value int64) {
		g.ids.target++
		g.targets.add(g.ids.target, string(m), string(p), start, string(unit), unitID, value, g.admin.ID, set)
	}
	for _, u := range g.reps {
		target(crm.MetricPayments, crm.PeriodMonth, month, crm.UnitUser, u.ID, 100*(200_000+g.r.Int64N(800_000)))
		target(crm.MetricNewCustomers, crm.PeriodMonth, month, crm.UnitUser, u.ID, 5+g.r.Int64N(20))
	}
	for _, d := range g.depts {
		target(crm.MetricPayments, crm.PeriodMonth, month, crm.UnitDepartment, d.ID, 100*50_000_000)
	}
	target(crm.MetricPayments, crm.PeriodYear, year, crm.UnitCompany, 0, 100*6_000_000_000)
}

// writeGrams writes the gram index sorted by (gram, customer), the order of
// its primary key, so that both engines append to their B-trees instead of
// inserting at random places.
func (g *generator) writeGrams(ctx context.Context, ld loader) error {
	order := make([]int32, len(g.gramStrings))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(g.gramStrings[a], g.gramStrings[b]) })
	rank := make([]int32, len(order))
	for r, id := range order {
		rank[id] = int32(r)
	}
	// Counting sort by rank; pairs are in customer order already, and the
	// sort is stable.
	start := make([]int, len(order)+1)
	for _, p := range g.gramPairs {
		start[rank[p.gram]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	sorted := make([]gramPair, len(g.gramPairs))
	for _, p := range g.gramPairs {
		r := rank[p.gram]
		sorted[start[r]] = p
		start[r]++
	}
	g.gramPairs = nil
	const batch = 250_000
	for i := 0; i < len(sorted); i += batch {
		for _, p := range sorted[i:min(i+batch, len(sorted))] {
			g.grams.add(g.gramStrings[p.gram], int64(p.customer))
		}
		if err := g.flush(ctx, ld, []*table{g.grams}); err != nil {
			return err
		}
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
