// Package demo loads a realistic demo company into an empty store: three
// regional sales departments, their managers and reps, a few hundred
// customers with contacts, three months of activities, deals moving through
// the pipeline, payment plans and payments, appointments, complaints and
// targets. The content is deterministic for a seed and dated relative to
// the moment given, so a demo looks alive whenever it is loaded.
package demo

import (
	"context"
	"errors"
	"fmt"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/store"
)

// Summary counts what Load created.
type Summary struct {
	Departments, Managers, Reps, Customers, Activities, Deals, PaymentPlans, Payments, Appointments, Complaints, Targets int
}

// Sizes of the demo company.
const (
	numCustomers  = 320
	activityDays  = 90  // activities reach this far back
	customerDays  = 120 // customers were created this far back
	staleAfter    = 15  // stale customers were last contacted at least this many days ago
	dealShare     = 0.58
	numComplaints = 14
)

// Load fills an empty store with a realistic demo company as of now (in
// now's location), deterministic for a seed. It refuses (returns an error
// wrapping crm.Errorf(crm.CodeConflict, "demo.not_empty")) when the store
// already has customers.
//
// Everything is written through the crm.Store API, in chronological order.
// Where the API takes a time (customer creation, activities, payments) the
// demo passes its own; on a *store.DB it also sets the store's clock (DB.Now)
// for the duration of the load, so that deals move through their stages on
// different days and plans, complaints and targets carry plausible dates.
// Load must therefore not run while the same *store.DB serves other work.
func Load(ctx context.Context, st crm.Store, now time.Time, seed int64) (Summary, error) {
	n, err := st.CountCustomers(ctx, crm.Scope{All: true})
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return Summary{}, fmt.Errorf("demo: the store already has %d customers: %w", n, crm.Errorf(crm.CodeConflict, "demo.not_empty", n))
	}
	l := &loader{
		ctx:   ctx,
		st:    st,
		now:   now,
		loc:   now.Location(),
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x5a1e5b07)),
		keys:  map[string]bool{},
		trade: map[string]bool{},
		phone: map[string]bool{},
	}
	l.today = crm.DateOf(now)
	l.clock = now
	if db, ok := st.(*store.DB); ok {
		old := db.Now
		db.Now = func() time.Time { return l.clock }
		defer func() { db.Now = old }()
	}
	if err := l.org(); err != nil {
		return l.sum, err
	}
	l.planCustomers()
	l.planDeals()
	l.planActivities()
	l.planPayments()
	l.planAppointments()
	l.planComplaints()
	l.planTargets()
	return l.sum, l.run()
}

type loader struct {
	ctx   context.Context
	st    crm.Store
	now   time.Time
	loc   *time.Location
	today crm.Date
	rng   *rand.Rand
	clock time.Time // what the store's clock says while an event runs

	sum    Summary
	events []event

	admin     crm.User
	depts     []*dept
	reps      []*rep
	customers []*customer
	deals     []*deal

	keys, trade, phone map[string]bool
}

// event is one store call at a moment of the demo's history.
type event struct {
	at  time.Time
	run func() error
}

func (l *loader) at(t time.Time, fn func() error) {
	if t.After(l.now) {
		t = l.now
	}
	l.events = append(l.events, event{at: t, run: fn})
}

// run executes the events in time order (events at the same moment in the
// order they were planned).
func (l *loader) run() error {
	slices.SortStableFunc(l.events, func(a, b event) int { return a.at.Compare(b.at) })
	for _, e := range l.events {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		l.clock = e.at
		if err := e.run(); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	l.clock = l.now
	return nil
}

type dept struct {
	crm.Department
	parent  *dept
	cities  []string
	manager crm.User
	reps    []*rep
}

type rep struct {
	crm.User
	dept      *dept
	weight    float64
	customers []*customer
	// monthly targets
	payments, contract crm.Money
	newCustomers       int64
}

type customer struct {
	crm.Customer
	rep      *rep
	ind      *industry
	city     string
	address  string // how the rep addresses the main contact: 王总
	created  time.Time
	kind     int       // active, stale, never contacted
	from, to time.Time // activity window
	deals    []*deal
	signed   time.Time // when the first deal was won, zero if none
	said     map[string]bool
}

const (
	active = iota
	stale
	never
)

type deal struct {
	crm.Deal
	cust    *customer
	product string
	path    []crm.Stage
	times   []time.Time
	amounts []crm.Money
	scheme  int // index into paymentSchemes, for won deals
}

// final is the stage the deal ends in.
func (d *deal) final() crm.Stage { return d.path[len(d.path)-1] }

// stageAt is the deal's stage at t, "" before it was created.
func (d *deal) stageAt(t time.Time) crm.Stage {
	s := crm.Stage("")
	for i, m := range d.times {
		if m.After(t) {
			break
		}
		s = d.path[i]
	}
	return s
}

// ---- random helpers ----

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pickW[T any](r *rand.Rand, xs []weighted[T]) T {
	total := 0
	for _, x := range xs {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range xs {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return xs[len(xs)-1].v
}

func (l *loader) chance(p float64) bool { return l.rng.Float64() < p }

// uniform returns a float in [a, b).
func (l *loader) uniform(a, b float64) float64 { return a + (b-a)*l.rng.Float64() }

// ---- time helpers ----

func (l *loader) dayStart(t time.Time) time.Time {
	y, m, d := t.In(l.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, l.loc)
}

func (l *loader) daysAgo(n int) time.Time { return l.dayStart(l.now).AddDate(0, 0, -n) }

func (l *loader) clockOn(day time.Time, h, m int) time.Time {
	y, mo, d := day.In(l.loc).Date()
	return time.Date(y, mo, d, h, m, 0, 0, l.loc)
}

// workTime is a random moment of the working day of day (09:00–18:00).
func (l *loader) workTime(day time.Time) time.Time {
	m := 9*60 + l.rng.IntN(9*60)
	return l.clockOn(day, m/60, m%60).Add(time.Duration(l.rng.IntN(60)) * time.Second)
}

// between returns a random moment in [a, b], in working hours and mostly
// on weekdays when the interval allows.
func (l *loader) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	first := l.dayStart(a)
	days := int(math.Round(l.dayStart(b).Sub(first).Hours() / 24))
	for try := 0; try < 8; try++ {
		day := first.AddDate(0, 0, l.rng.IntN(days+1))
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && try < 5 && l.chance(0.8) {
			continue
		}
		lo, hi := maxTime(a, l.clockOn(day, 9, 0)), minTime(b, l.clockOn(day, 18, 0))
		if hi.Before(lo) {
			continue
		}
		return lo.Add(time.Duration(l.rng.Int64N(int64(hi.Sub(lo)) + 1))).Truncate(time.Second)
	}
	return a.Add(time.Duration(l.rng.Int64N(int64(b.Sub(a)) + 1)))
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

// wan writes an amount the way reps do: 5万, 12.5万, 8000元.
func wan(m crm.Money) string {
	y := int64(m) / 100
	if y < 10000 {
		return fmt.Sprintf("%d元", y)
	}
	w := float64(y) / 10000
	if w >= 10 || math.Abs(w-math.Round(w)) < 0.05 {
		return fmt.Sprintf("%d万", int64(math.Round(w)))
	}
	return fmt.Sprintf("%.1f万", w)
}

// roundYuan rounds an amount in yuan to a plausible figure.
func roundYuan(y float64) crm.Money {
	step := 1000.0
	switch {
	case y >= 1_000_000:
		step = 10000
	case y >= 100_000:
		step = 5000
	}
	return crm.Yuan(int64(math.Round(y/step) * step))
}

func fill(s string, c *customer, product string, amount crm.Money) string {
	return strings.NewReplacer("{c}", c.address, "{p}", product, "{amt}", wan(amount), "{city}", c.city).Replace(s)
}

// ---- organisation ----

type deptSpec struct {
	name, manager string
	parent        int // index into the spec list, -1 for top level
	cities        []string
	reps          []string
}

var orgSpec = []deptSpec{
	{"华东销售部", "陈建国", -1, citiesEast, []string{"张伟", "李娜"}},
	{"上海一组", "王海涛", 0, citiesShanghai, []string{"赵敏", "周婷", "孙浩"}},
	{"华北销售部", "刘志强", -1, citiesNorth, []string{"王磊", "刘洋", "杨帆", "马骏", "高静"}},
	{"华南销售部", "黄丽华", -1, citiesSouth, []string{"吴昊", "徐丽", "郑凯", "林晓东", "何雪"}},
}

// org creates (or finds) the departments and creates the people, dated
// half a year back.
func (l *loader) org() error {
	l.clock = l.clockOn(l.daysAgo(180), 9, 30)
	admin, err := l.st.FirstAdmin(l.ctx)
	switch {
	case err == nil:
		l.admin = admin
	case errors.Is(err, crm.ErrNotFound):
		if l.admin, err = l.st.CreateUser(l.ctx, 0, crm.User{Name: "周建华", Role: crm.RoleAdmin}); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	default:
		return fmt.Errorf("demo: %w", err)
	}
	for _, s := range orgSpec {
		d := &dept{cities: s.cities}
		var parent int64
		if s.parent >= 0 {
			d.parent = l.depts[s.parent]
			parent = d.parent.ID
		}
		existing, err := l.st.DepartmentByName(l.ctx, s.name)
		switch {
		case err == nil:
			d.Department = existing
		case errors.Is(err, crm.ErrNotFound):
			if d.Department, err = l.st.CreateDepartment(l.ctx, l.admin.ID, s.name, parent); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			l.sum.Departments++
		default:
			return fmt.Errorf("demo: %w", err)
		}
		l.depts = append(l.depts, d)
	}
	for i, s := range orgSpec {
		d := l.depts[i]
		l.clock = l.clock.Add(time.Minute)
		m, err := l.st.CreateUser(l.ctx, l.admin.ID, crm.User{Name: s.manager, Role: crm.RoleManager, DeptID: d.ID})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		d.manager = m
		l.sum.Managers++
		for _, name := range s.reps {
			l.clock = l.clock.Add(time.Minute)
			u, err := l.st.CreateUser(l.ctx, m.ID, crm.User{Name: name, Role: crm.RoleRep, DeptID: d.ID})
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			r := &rep{User: u, dept: d, weight: l.uniform(0.7, 1.3)}
			// Monthly targets: round ten-thousands of yuan.
			r.payments = crm.Yuan(int64(l.uniform(15, 31)) * 10000)
			r.contract = crm.Yuan(int64(l.uniform(25, 51)) * 10000)
			r.newCustomers = int64(4 + l.rng.IntN(5))
			d.reps = append(d.reps, r)
			l.reps = append(l.reps, r)
			l.sum.Reps++
		}
	}
	return nil
}

// ---- customers ----

func (l *loader) personName() string {
	// Common surnames more often: a skewed index.
	s := surnames[int(float64(len(surnames))*math.Pow(l.rng.Float64(), 1.6))]
	if l.chance(0.35) {
		return string(s) + string(pick(l.rng, given1))
	}
	return string(s) + string(pick(l.rng, givenPre)) + string(pick(l.rng, given1))
}

func (l *loader) mobile() string {
	for {
		p := pick(l.rng, mobilePrefixes) + "0013" + fmt.Sprintf("%04d", l.rng.IntN(10000))
		if !l.phone[p] {
			l.phone[p] = true
			return p
		}
	}
}

func (l *loader) tradeName() string {
	switch r := l.rng.Float64(); {
	case r < 0.45:
		return pick(l.rng, tradeNames)
	case r < 0.8:
		return string(pick(l.rng, tradeHead)) + string(pick(l.rng, tradeTail))
	case r < 0.9:
		return pick(l.rng, tradeLong)
	default: // four characters: 青禾新锐
		return pick(l.rng, tradeNames) + pick(l.rng, tradeNames)
	}
}

// companyName makes an unused company name of a city, an industry and a
// size, and returns it with its parsed form.
func (l *loader) companyName(city string, ind *industry, size string) (string, company.Name) {
	for {
		trade := l.tradeName()
		prefix := city
		if (!municipalities[city] && l.chance(0.5)) || l.chance(0.05) {
			prefix += "市"
		}
		name := prefix + trade + pick(l.rng, ind.words) + pickW(l.rng, legalForms[size])
		n := company.Parse(name)
		// The parse must find what was meant (a trade name that is also a
		// city, 金华, would not), and names stay distinct after
		// normalisation, trade names too for variety.
		if n.Trade != trade || n.Region != city || l.keys[n.Key] || l.trade[n.Trade] {
			continue
		}
		l.keys[n.Key], l.trade[n.Trade] = true, true
		return name, n
	}
}

func (l *loader) pickIndustry() *industry {
	total := 0
	for _, in := range industries {
		total += in.weight
	}
	n := l.rng.IntN(total)
	for i := range industries {
		if n < industries[i].weight {
			return &industries[i]
		}
		n -= industries[i].weight
	}
	return &industries[len(industries)-1]
}

func (l *loader) pickRep() *rep {
	total := 0.0
	for _, r := range l.reps {
		total += r.weight
	}
	x := l.rng.Float64() * total
	for _, r := range l.reps {
		if x < r.weight {
			return r
		}
		x -= r.weight
	}
	return l.reps[len(l.reps)-1]
}

func (l *loader) planCustomers() {
	for range numCustomers {
		r := l.pickRep()
		c := &customer{rep: r, ind: l.pickIndustry(), city: pick(l.rng, r.dept.cities)}
		size := pickW(l.rng, sizes)
		name, n := l.companyName(c.city, c.ind, size)
		boss := pickW(l.rng, bossTitles)
		bossName := l.personName()
		c.address = string([]rune(bossName)[0]) + boss.address
		contacts := []crm.Contact{{Name: bossName, Title: boss.name, Phone: l.mobile()}}
		if l.chance(0.45) {
			staff := pickW(l.rng, staffTitles)
			contacts = append(contacts, crm.Contact{Name: l.personName(), Title: staff.name, Phone: l.mobile()})
		}
		c.Customer = crm.Customer{Name: name, Industry: c.ind.code, Size: size, Region: choice.RegionOf(c.city),
			Source: pickW(l.rng, sources), OwnerID: r.ID, Contacts: contacts}
		if c.Industry == choice.Other {
			c.IndustryDetail = strings.TrimPrefix(n.Key, n.Trade) // the industry word
		}
		if c.Source == choice.Other {
			c.SourceDetail = pick(l.rng, otherSources)
		}
		if l.chance(0.3) {
			c.Note = pick(l.rng, customerNotes)
		}

		// When it came in and how it has been looked after since.
		ago := l.rng.IntN(customerDays + 1)
		day := l.daysAgo(ago)
		c.created = l.between(l.clockOn(day, 9, 0), minTime(l.clockOn(day, 18, 0), l.now.Add(-time.Hour)))
		if c.created.After(l.now) || ago == 0 && l.now.Sub(l.clockOn(day, 9, 0)) < time.Hour {
			c.created = l.between(l.clockOn(l.daysAgo(1), 9, 0), l.clockOn(l.daysAgo(1), 18, 0))
		}
		c.CreatedAt = c.created
		c.from = maxTime(c.created.Add(20*time.Minute), l.daysAgo(activityDays).Add(9*time.Hour))
		c.kind = active
		if c.created.Before(l.now.AddDate(0, 0, -staleAfter-1)) {
			switch x := l.rng.Float64(); {
			case x < 0.05:
				c.kind = never
			case x < 0.27:
				c.kind = stale
			}
		}
		switch c.kind {
		case active:
			c.to = l.between(maxTime(c.from, l.daysAgo(12)), l.now.Add(-5*time.Minute))
		case stale:
			lo := maxTime(c.from, l.daysAgo(75))
			hi := l.now.AddDate(0, 0, -staleAfter)
			if lo.After(hi) {
				lo = c.from
			}
			c.to = l.between(lo, hi)
		}
		if c.to.Before(c.from) {
			c.to = c.from
		}
		r.customers = append(r.customers, c)
		l.customers = append(l.customers, c)
		l.at(c.created, func() error { return l.createCustomer(c) })
	}
}

func (l *loader) createCustomer(c *customer) error {
	for try := 0; ; try++ {
		saved, err := l.st.CreateCustomer(l.ctx, c.rep.ID, c.Customer)
		if e, ok := crm.AsError(err); ok && e.Key == "customer.duplicate" && try < 20 {
			// Taken in the store already (an archived customer): rename.
			c.Name, _ = l.companyName(c.city, c.ind, c.Size)
			continue
		}
		if err != nil {
			return err
		}
		c.Customer = saved
		l.sum.Customers++
		return nil
	}
}

// ---- deals ----

// dealPath returns the stages a deal ending in final goes through.
func (l *loader) dealPath(final crm.Stage) []crm.Stage {
	open := []crm.Stage{crm.StageInitial, crm.StageNeeds, crm.StageProposal, crm.StageNegotiation}
	var p []crm.Stage
	switch final {
	case crm.StageLost:
		p = append(p, open[:1+l.rng.IntN(4)]...)
		p = append(p, crm.StageLost)
	case crm.StageContract:
		p = append(p, open...)
		if l.chance(0.15) { // a negotiation that needed a second proposal
			p = append(p, crm.StageProposal, crm.StageNegotiation)
		}
		p = append(p, crm.StageContract)
	default:
		p = append(p, open[:final.Index()+1]...)
		if final == crm.StageProposal && l.chance(0.1) {
			p = append(p, crm.StageNegotiation, crm.StageProposal)
		}
	}
	// Reps often open a deal only once the need is clear.
	if len(p) > 2 && p[1] == crm.StageNeeds && l.chance(0.25) {
		p = p[1:]
	}
	return p
}

func (l *loader) planDeals() {
	var cands []*customer
	for _, c := range l.customers {
		if c.kind != never {
			cands = append(cands, c)
		}
	}
	l.rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	n := int(float64(len(cands)) * dealShare)
	// Final stages by share, the longest paths placed first so that they
	// find customers with enough history.
	shares := []struct {
		s crm.Stage
		p float64
	}{
		{crm.StageContract, 0.20}, {crm.StageNegotiation, 0.13}, {crm.StageLost, 0.14},
		{crm.StageProposal, 0.17}, {crm.StageNeeds, 0.18}, {crm.StageInitial, 0.18},
	}
	var finals []crm.Stage
	for _, s := range shares {
		for range max(2, int(math.Round(s.p*float64(n)))) {
			finals = append(finals, s.s)
		}
	}
	used := make([]bool, len(cands))
	for _, final := range finals {
		path := l.dealPath(final)
		need := time.Duration(len(path)-1) * 4 * 24 * time.Hour
		for i, c := range cands {
			if used[i] || c.to.Sub(c.from) < need {
				continue
			}
			used[i] = true
			l.planDeal(c, path, c.from, c.to)
			break
		}
	}
	// Some won customers already talk about a second project.
	for _, c := range cands {
		if !c.signed.IsZero() && c.to.Sub(c.signed) > 6*24*time.Hour && l.chance(0.2) {
			path := []crm.Stage{crm.StageInitial}
			if l.chance(0.5) {
				path = append(path, crm.StageNeeds)
			}
			l.planDeal(c, path, c.signed.Add(3*24*time.Hour), c.to)
		}
	}
}

// planDeal plans a deal of c moving along path within [from, to].
func (l *loader) planDeal(c *customer, path []crm.Stage, from, to time.Time) {
	d := &deal{cust: c, path: path, product: pick(l.rng, c.ind.products)}
	span := to.Sub(from)
	need := time.Duration(len(path)-1) * 4 * 24 * time.Hour
	free := max(span-need, 0)
	start := l.between(from, from.Add(time.Duration(0.6*float64(free))))
	// An open deal moved lately; a closed one may have closed any time.
	finish := to
	if path[len(path)-1].Closed() {
		lo := minTime(start.Add(need), to)
		hi := lo.Add(time.Duration(math.Pow(l.rng.Float64(), 1.5) * float64(to.Sub(lo))))
		finish = l.between(lo, minTime(hi.Add(24*time.Hour), to))
	} else if l.chance(0.5) {
		finish = l.between(to.Add(-time.Duration(0.3*float64(to.Sub(start)))), to)
	}
	d.times = []time.Time{start}
	for range len(path) - 2 {
		d.times = append(d.times, l.between(start, finish))
	}
	if len(path) > 1 {
		d.times = append(d.times, finish)
	}
	slices.SortFunc(d.times, time.Time.Compare)
	for i := 1; i < len(d.times); i++ {
		if !d.times[i].After(d.times[i-1]) {
			d.times[i] = d.times[i-1].Add(time.Duration(10+l.rng.IntN(50)) * time.Minute)
		}
	}

	// Amount by company size, log-uniform, within ¥20,000–¥2,000,000.
	r := amountRange[c.Size]
	amount := roundYuan(math.Exp(l.uniform(math.Log(r[0]), math.Log(r[1]))))
	title := c.Name
	if n := company.Parse(title); n.Trade != "" {
		title = n.Trade
	}
	d.Deal = crm.Deal{OwnerID: c.rep.ID, Title: title + d.product + pick(l.rng, []string{"项目", "采购", "", "升级"})}
	for i, s := range path {
		switch s {
		case crm.StageNegotiation:
			if l.chance(0.4) { // a discount
				amount = max(roundYuan(float64(amount)/100*l.uniform(0.9, 0.97)), crm.Yuan(20000))
			}
		case crm.StageContract:
			c.signed = d.times[i]
			if amount >= crm.Yuan(100_000) || l.chance(0.5) {
				d.scheme = 1 + l.rng.IntN(len(paymentSchemes)-1)
			}
		}
		d.amounts = append(d.amounts, amount)
	}
	c.deals = append(c.deals, d)
	l.deals = append(l.deals, d)

	expected := crm.DateOf(start).AddDays(30 + l.rng.IntN(90))
	// The store calls: one per move.
	for i := range path {
		s, t, amt := path[i], d.times[i], d.amounts[i]
		pct := s.DefaultWinPct()
		if !s.Closed() {
			pct = min(95, max(5, pct+pick(l.rng, []int{-10, -5, 0, 0, 0, 5, 10})))
		}
		closeDate := expected
		note := ""
		switch s {
		case crm.StageContract:
			closeDate = crm.DateOf(t)
			note = fmt.Sprintf("合同编号HT%s%03d，%s", strings.ReplaceAll(string(crm.DateOf(t)), "-", ""), l.rng.IntN(1000), paymentSchemes[d.scheme].name)
		case crm.StageLost:
			closeDate = crm.DateOf(t)
			note = pick(l.rng, lostReasons)
		case crm.StageInitial:
			note = "来源：" + choice.Label("zh", choice.Source, c.Choice(choice.Source)) + "，关键人：" + c.address
		default:
			if expected < crm.DateOf(t) {
				expected = crm.DateOf(t).AddDays(15 + l.rng.IntN(45))
				closeDate = expected
			}
			note = "决策人：" + c.address + "，预计" + string(closeDate) + "前定"
		}
		l.at(t, func() error {
			d.Stage, d.WinPct, d.Amount, d.CloseDate, d.Note, d.CustomerID = s, pct, amt, closeDate, note, c.ID
			saved, err := l.st.SaveDeal(l.ctx, c.rep.ID, d.Deal)
			if err != nil {
				return err
			}
			if i == 0 {
				l.sum.Deals++
			}
			d.Deal = saved
			return nil
		})
	}
}

// ---- activities ----

// phrase picks a phrase of pool, avoiding those c has heard already.
func (l *loader) phrase(c *customer, pool []phrase) phrase {
	if c.said == nil {
		c.said = map[string]bool{}
	}
	var p phrase
	for try := 0; try < 4; try++ {
		if p = pick(l.rng, pool); !c.said[p.text] {
			break
		}
	}
	c.said[p.text] = true
	return p
}

type activityPlan struct {
	at     time.Time
	phrase phrase
	next   []string
	amount crm.Money
	prod   string
}

func (l *loader) planActivities() {
	for _, c := range l.customers {
		if c.kind == never {
			continue
		}
		var acts []activityPlan
		// One activity for each move of each deal.
		for _, d := range c.deals {
			for i, s := range d.path {
				a := activityPlan{at: d.times[i], amount: d.amounts[i], prod: d.product}
				switch {
				case s == crm.StageLost:
					a.phrase, a.next = l.phrase(c, phrasesLost), nextGeneral
				case s == crm.StageContract:
					a.phrase, a.next = l.phrase(c, phrasesContract), nextAfter
				case i > 0 && s.Index() < d.path[i-1].Index():
					a.phrase, a.next = l.phrase(c, phrasesBack), nextProposal
				case s == crm.StageInitial || i == 0:
					a.phrase, a.next = l.phrase(c, phrasesOpenBySource[c.Source]), nextOpen
					if s == crm.StageNeeds {
						a.phrase, a.next = l.phrase(c, phrasesNeeds), nextNeeds
					}
				case s == crm.StageNeeds:
					a.phrase, a.next = l.phrase(c, phrasesNeeds), nextNeeds
				case s == crm.StageProposal:
					a.phrase, a.next = l.phrase(c, phrasesProposal), nextProposal
				case s == crm.StageNegotiation:
					a.phrase, a.next = l.phrase(c, phrasesNegotiation), nextNegotiation
				}
				acts = append(acts, a)
			}
		}
		// Follow-ups in between, the last one at the end of the window.
		days := c.to.Sub(c.from).Hours() / 24
		n := min(1+int(days/l.uniform(18, 28)), 7)
		last := c.to
		for _, a := range acts {
			if !a.at.Before(last) {
				last = time.Time{} // a deal move is the last contact already
			}
		}
		for k := range n {
			t := last
			if k > 0 || t.IsZero() {
				t = l.between(c.from, c.to)
			}
			a := activityPlan{at: t}
			var cur *deal
			for _, d := range c.deals { // the most recent deal open at t
				if s := d.stageAt(t); s != "" {
					cur = d
				}
			}
			stage := crm.Stage("")
			if cur != nil {
				stage = cur.stageAt(t)
				a.prod = cur.product
				for i, m := range cur.times {
					if !m.After(t) {
						a.amount = cur.amounts[i]
					}
				}
			} else {
				a.prod = pick(l.rng, c.ind.products)
			}
			switch stage {
			case crm.StageInitial, crm.StageNeeds:
				a.phrase, a.next = l.phrase(c, phrasesEarly), nextNeeds
			case crm.StageProposal:
				a.phrase, a.next = l.phrase(c, phrasesProposalFollow), nextProposal
			case crm.StageNegotiation:
				a.phrase, a.next = l.phrase(c, phrasesNegotiationFollow), nextNegotiation
			case crm.StageContract:
				a.phrase, a.next = l.phrase(c, phrasesAfter), nextAfter
			default:
				a.phrase, a.next = l.phrase(c, phrasesGeneral), nextGeneral
			}
			acts = append(acts, a)
		}
		for _, a := range acts {
			act := crm.Activity{UserID: c.rep.ID, Kind: crm.ActivityKind(a.phrase.kind), At: a.at,
				Content: fill(a.phrase.text, c, a.prod, a.amount)}
			if l.chance(0.7) {
				act.NextAction = pick(l.rng, a.next)
				act.NextDate = crm.DateOf(a.at).AddDays(1 + l.rng.IntN(10))
			}
			l.at(a.at, func() error {
				act.CustomerID = c.ID
				if _, err := l.st.AddActivity(l.ctx, c.rep.ID, act); err != nil {
					return err
				}
				l.sum.Activities++
				return nil
			})
		}
	}
}

// ---- payment plans and payments ----

type planPlan struct {
	cust     *customer
	deal     *deal
	created  time.Time
	plan     crm.PaymentPlan
	payments []crm.Payment
}

func (l *loader) planPayments() {
	monthStart, monthEnd := crm.PeriodRange(crm.PeriodMonth, l.now)
	var plans []*planPlan
	for _, d := range l.deals {
		if d.final() != crm.StageContract {
			continue
		}
		c := d.cust
		signed := d.times[len(d.times)-1]
		amount := d.amounts[len(d.amounts)-1]
		scheme := paymentSchemes[d.scheme]
		sd := crm.DateOf(signed)
		var rest = amount
		for i, pct := range scheme.parts {
			part := crm.Yuan(int64(amount) / 100 * int64(pct) / 100)
			if i == len(scheme.parts)-1 {
				part = rest
			}
			rest -= part
			var due crm.Date
			switch {
			case i == 0:
				due = sd.AddDays(7 + l.rng.IntN(8))
			case scheme.notes[i] == "质保金":
				due = sd.AddDays(365)
			default:
				due = sd.AddDays(30*i + l.rng.IntN(40))
			}
			p := &planPlan{cust: c, deal: d, created: signed.Add(time.Duration(30+l.rng.IntN(120)) * time.Minute),
				plan: crm.PaymentPlan{Amount: part, DueDate: due, Note: scheme.notes[i]}}
			plans = append(plans, p)
		}
	}
	// Make sure the month has money coming in and some is late: move a few
	// future plans into this month.
	dueThisMonth := 0
	for _, p := range plans {
		if p.plan.DueDate >= l.today && p.plan.DueDate < monthEnd {
			dueThisMonth++
		}
	}
	for _, p := range plans {
		if dueThisMonth >= 4 {
			break
		}
		if p.plan.DueDate >= monthEnd && p.plan.Note != "质保金" {
			last := monthEnd.AddDays(-1)
			p.plan.DueDate = l.today.AddDays(l.rng.IntN(max(1, l.today.DaysUntil(last)+1)))
			dueThisMonth++
		}
	}
	overdue := 0
	for _, p := range plans {
		due := p.plan.DueDate
		signedDay := crm.DateOf(p.created)
		// receivedOn picks a day in [lo, hi] no later than today.
		receivedOn := func(lo, hi crm.Date) crm.Date {
			if hi > l.today {
				hi = l.today
			}
			if lo > hi {
				lo = hi
			}
			return lo.AddDays(l.rng.IntN(lo.DaysUntil(hi) + 1))
		}
		note := p.plan.Note + "到账"
		switch {
		case due < l.today:
			switch x := l.rng.Float64(); {
			case x < 0.72:
				p.payments = append(p.payments, crm.Payment{Amount: p.plan.Amount, ReceivedOn: receivedOn(maxDate(signedDay, due.AddDays(-3)), due.AddDays(6)), Note: note})
			case x < 0.85:
				half := roundYuan(float64(p.plan.Amount) / 100 / 2)
				if half > 0 && half < p.plan.Amount {
					p.payments = append(p.payments, crm.Payment{Amount: half, ReceivedOn: receivedOn(maxDate(signedDay, due.AddDays(-2)), due.AddDays(10)), Note: p.plan.Note + "部分到账"})
				}
				overdue++
			default:
				overdue++ // not paid: overdue
			}
		case due < monthEnd && l.chance(0.2) && due >= monthStart:
			p.payments = append(p.payments, crm.Payment{Amount: p.plan.Amount, ReceivedOn: receivedOn(maxDate(signedDay, due.AddDays(-7)), l.today), Note: note + "（提前）"})
		}
	}
	for _, p := range plans { // a demo needs something to chase
		if overdue >= 2 {
			break
		}
		if p.plan.DueDate < l.today && len(p.payments) > 0 {
			p.payments = nil
			overdue++
		}
	}
	for _, p := range plans {
		c, d := p.cust, p.deal
		plan := p.plan
		l.at(p.created, func() error {
			plan.CustomerID, plan.DealID = c.ID, d.ID
			saved, err := l.st.AddPaymentPlan(l.ctx, c.rep.ID, plan)
			if err != nil {
				return err
			}
			p.plan = saved
			l.sum.PaymentPlans++
			return nil
		})
		for _, pay := range p.payments {
			at := maxTime(l.workTime(pay.ReceivedOn.Time(l.loc)), p.created.Add(time.Minute))
			l.at(at, func() error {
				pay.CustomerID, pay.PlanID = c.ID, p.plan.ID
				if _, err := l.st.AddPayment(l.ctx, c.rep.ID, pay); err != nil {
					return err
				}
				l.sum.Payments++
				return nil
			})
		}
	}
	// Service fees from won customers, not against a plan.
	var won []*customer
	for _, c := range l.customers {
		if !c.signed.IsZero() && l.now.Sub(c.signed) > 3*24*time.Hour {
			won = append(won, c)
		}
	}
	for i := 0; i < 8 && len(won) > 0; i++ {
		c := pick(l.rng, won)
		at := l.between(c.signed.Add(24*time.Hour), l.now.Add(-time.Hour))
		pay := crm.Payment{Amount: roundYuan(l.uniform(5000, 60000)), ReceivedOn: crm.DateOf(at),
			Note: pick(l.rng, []string{"年度维保费", "增购用户许可费", "培训服务费", "二次开发费"})}
		l.at(at, func() error {
			pay.CustomerID = c.ID
			if _, err := l.st.AddPayment(l.ctx, c.rep.ID, pay); err != nil {
				return err
			}
			l.sum.Payments++
			return nil
		})
	}
}

// amountRange is the range of deal amounts in yuan by company size.
var amountRange = map[string][2]float64{
	sizeSmall: {20_000, 150_000}, sizeMedium: {50_000, 500_000},
	sizeLarge: {200_000, 1_200_000}, sizeHuge: {500_000, 2_000_000},
}

func maxDate(a, b crm.Date) crm.Date {
	if a > b {
		return a
	}
	return b
}

// ---- appointments ----

var slots = [][2]int{{9, 30}, {10, 0}, {10, 30}, {11, 0}, {14, 0}, {14, 30}, {15, 0}, {15, 30}, {16, 0}, {16, 30}, {17, 0}}

func (l *loader) planAppointments() {
	today := l.dayStart(l.now)
	for _, r := range l.reps {
		// Customers worth a meeting: open deals first.
		var hot, warm []*customer
		for _, c := range r.customers {
			if c.kind != active {
				continue
			}
			warm = append(warm, c)
			for _, d := range c.deals {
				if !d.final().Closed() {
					hot = append(hot, c)
					break
				}
			}
		}
		if len(warm) == 0 {
			continue
		}
		booked := map[*customer]bool{}
		for day := 0; day <= 7; day++ {
			date := today.AddDate(0, 0, day)
			// Weekends are for the odd customer who insists, but today
			// always has something on.
			if wd := date.Weekday(); day > 0 && (wd == time.Saturday || wd == time.Sunday) && l.chance(0.85) {
				continue
			}
			n := 0
			switch x := l.rng.Float64(); {
			case day == 0 && x < 0.55, day > 0 && x < 0.3:
				n = 1
			case day == 0 && x < 0.8, day > 0 && x < 0.42:
				n = 2
			}
			var free [][2]int
			for _, s := range slots {
				if t := l.clockOn(date, s[0], s[1]); t.After(l.now.Add(30 * time.Minute)) {
					free = append(free, s)
				}
			}
			for k := 0; k < n && len(free) > 0; k++ {
				i := l.rng.IntN(len(free))
				s := free[i]
				// keep two meetings of a day apart
				free = slices.DeleteFunc(free, func(o [2]int) bool { return abs(o[0]*60+o[1]-s[0]*60-s[1]) < 120 })
				var c *customer
				for try := 0; try < 4 && (c == nil || booked[c]); try++ {
					c = pick(l.rng, warm)
					if len(hot) > 0 && l.chance(0.75) {
						c = pick(l.rng, hot)
					}
				}
				booked[c] = true
				stage := "none"
				if len(c.deals) > 0 {
					stage = string(c.deals[len(c.deals)-1].final())
				}
				place := pick(l.rng, appointmentPlaces)
				if strings.Contains(place, "工厂") && c.ind.code != "manufacturing" {
					place = "客户公司（{city}）"
				}
				a := crm.Appointment{UserID: r.ID, At: l.clockOn(date, s[0], s[1]),
					Place:   strings.ReplaceAll(place, "{city}", c.city),
					Purpose: pick(l.rng, appointmentPurposes[stage]) + "（" + c.address + "）"}
				bookedAt := maxTime(l.now.Add(-time.Duration(1+l.rng.IntN(72))*time.Hour), c.created.Add(time.Minute))
				l.at(bookedAt, func() error {
					a.CustomerID = c.ID
					if _, err := l.st.AddAppointment(l.ctx, r.ID, a); err != nil {
						return err
					}
					l.sum.Appointments++
					return nil
				})
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// ---- complaints ----

func (l *loader) planComplaints() {
	var won []*customer
	for _, c := range l.customers {
		if !c.signed.IsZero() && l.now.Sub(c.signed) > 4*24*time.Hour {
			won = append(won, c)
		}
	}
	l.rng.Shuffle(len(won), func(i, j int) { won[i], won[j] = won[j], won[i] })
	texts := l.rng.Perm(len(complaints))
	for i := 0; i < numComplaints && i < len(won); i++ {
		c := won[i]
		k := complaints[texts[i%len(texts)]]
		at := l.between(c.signed.Add(3*24*time.Hour), l.now.Add(-time.Hour))
		closed := i%5 != 0 && i%5 != 2 // about 60% resolved
		comp := crm.Complaint{UserID: c.rep.ID, Content: k.content}
		l.at(at, func() error {
			comp.CustomerID = c.ID
			saved, err := l.st.AddComplaint(l.ctx, c.rep.ID, comp)
			if err != nil {
				return err
			}
			comp = saved
			l.sum.Complaints++
			return nil
		})
		if closed {
			end := at.Add(time.Duration(4+l.rng.IntN(6*24)) * time.Hour)
			if end.After(l.now) {
				continue // still being handled
			}
			l.at(end, func() error {
				_, err := l.st.CloseComplaint(l.ctx, c.rep.dept.manager.ID, comp.ID, k.resolution, end)
				return err
			})
		}
	}
}

// ---- targets ----

// planTargets sets this month's and this quarter's targets: each rep's,
// each department's as the sum of its reps' (and its sub-departments'),
// and the company's as the sum of the top-level departments'.
func (l *loader) planTargets() {
	type values map[crm.Metric]int64
	for _, period := range []crm.PeriodKind{crm.PeriodMonth, crm.PeriodQuarter} {
		start, _ := crm.PeriodRange(period, l.now)
		setAt := maxTime(l.clockOn(start.Time(l.loc), 9, 0), l.clockOn(l.daysAgo(179), 9, 0))
		if setAt.After(l.now) {
			setAt = l.now
		}
		months := int64(1)
		if period == crm.PeriodQuarter {
			months = 3
		}
		deptSum := map[*dept]values{}
		company := values{}
		set := func(by int64, unit crm.UnitKind, id int64, v values) {
			for _, m := range []crm.Metric{crm.MetricPayments, crm.MetricContract, crm.MetricNewCustomers} {
				t := crm.Target{Metric: m, Period: period, PeriodStart: start, Unit: unit, UnitID: id, Value: v[m]}
				l.at(setAt, func() error {
					if _, err := l.st.SetTarget(l.ctx, by, t); err != nil {
						return err
					}
					l.sum.Targets++
					return nil
				})
			}
		}
		for _, r := range l.reps {
			f := 1.0
			if months > 1 {
				f = l.uniform(0.95, 1.1)
			}
			v := values{
				crm.MetricPayments:     int64(roundTo(float64(r.payments)*float64(months)*f, 1_000_000)),
				crm.MetricContract:     int64(roundTo(float64(r.contract)*float64(months)*f, 1_000_000)),
				crm.MetricNewCustomers: r.newCustomers * months,
			}
			set(r.dept.manager.ID, crm.UnitUser, r.ID, v)
			for d := r.dept; d != nil; d = d.parent {
				if deptSum[d] == nil {
					deptSum[d] = values{}
				}
				for m, x := range v {
					deptSum[d][m] += x
				}
			}
			for m, x := range v {
				company[m] += x
			}
		}
		for _, d := range l.depts {
			set(l.admin.ID, crm.UnitDepartment, d.ID, deptSum[d])
		}
		set(l.admin.ID, crm.UnitCompany, 0, company)
	}
}

// roundTo rounds x to a multiple of step.
func roundTo(x, step float64) float64 { return math.Round(x/step) * step }
