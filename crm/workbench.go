package crm

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Workbench is what a rep should look at today (工作台).
type Workbench struct {
	User         User
	Date         Date
	PaymentsDue  []PaymentPlan // open plans due this month (overdue ones too)
	DueTotal     Money
	TopDeals     []Deal     // open deals by win% × amount
	Stale        []Customer // no activity for StaleDays: the quietest few
	StaleTotal   int        // how many are quiet in all
	Appointments []Appointment
	Complaints   []Complaint // open
	NextActions  []Activity  // next actions set for today
	ReportFiled  bool        // today's daily report
	// PoolSoon are the user's customers going to the pool within
	// pool.warn_days (filled by the caller: sales.Service.PoolSoon).
	PoolSoon []PoolSoon
	// CustomerNames names the customers the lists refer to.
	CustomerNames map[int64]string
}

// Empty reports whether there is nothing to act on. A missing daily report
// alone is not worth a morning push, so it does not count here.
func (w Workbench) Empty() bool {
	return len(w.PaymentsDue) == 0 && len(w.TopDeals) == 0 && len(w.Stale) == 0 &&
		len(w.Appointments) == 0 && len(w.Complaints) == 0 && len(w.NextActions) == 0 && len(w.PoolSoon) == 0
}

// Workbench list sizes.
const (
	WorkbenchTopDeals = 3
	WorkbenchStale    = 3
)

// WorkbenchQuery asks the store for the workbench lists of many users at
// once (Store.WorkbenchLists): the same lists BuildWorkbench reads one user
// at a time, for the morning job's thousand reps in one query per list.
type WorkbenchQuery struct {
	Users       []int64
	PlansFrom   Date // open plans due in [PlansFrom, PlansTo)
	PlansTo     Date
	TopDeals    int       // open deals per user, by win% × amount
	StaleBefore time.Time // customers without activity since before this
	StaleLimit  int
	DayFrom     time.Time // appointments in [DayFrom, DayTo)
	DayTo       time.Time
	Date        Date // next actions set for this day; daily report of this day
}

// WorkbenchLists are one user's lists of a WorkbenchQuery, in
// BuildWorkbench's order.
type WorkbenchLists struct {
	PaymentsDue  []PaymentPlan
	TopDeals     []Deal
	Stale        []Customer
	StaleTotal   int
	Appointments []Appointment
	Complaints   []Complaint
	NextActions  []Activity
	ReportFiled  bool
}

// workbenchQuery is the query of users' workbenches at now.
func workbenchQuery(users []int64, now time.Time, staleDays int) WorkbenchQuery {
	_, monthEnd := PeriodRange(PeriodMonth, now)
	dayStart, dayEnd := PeriodRange(PeriodDay, now)
	return WorkbenchQuery{Users: users,
		// Overdue plans stay on the list until paid: look back a year.
		PlansFrom: DateOf(now.AddDate(-1, 0, 0)), PlansTo: monthEnd,
		TopDeals:    WorkbenchTopDeals,
		StaleBefore: now.AddDate(0, 0, -staleDays), StaleLimit: WorkbenchStale,
		DayFrom: dayStart.Time(now.Location()), DayTo: dayEnd.Time(now.Location()),
		Date: DateOf(now)}
}

// WorkbenchStore is what a workbench is read from.
type WorkbenchStore interface {
	CustomerStore
	PipelineStore
}

// BuildWorkbenches computes the workbenches of many users at once, in
// their order: one store query per list for all of them (WorkbenchLists)
// and one for the customers' names, instead of BuildWorkbench's eight per
// user. The scheduler's morning job uses it; the result is what
// BuildWorkbench returns for each user.
func BuildWorkbenches(ctx context.Context, st WorkbenchStore, users []User, now time.Time, staleDays int) ([]Workbench, error) {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	lists, err := st.WorkbenchLists(ctx, workbenchQuery(ids, now, staleDays))
	if err != nil {
		return nil, fmt.Errorf("workbenches: %w", err)
	}
	out := make([]Workbench, len(users))
	for i, u := range users {
		out[i] = Workbench{User: u, Date: DateOf(now), CustomerNames: map[int64]string{}}
		if l := lists[u.ID]; l != nil {
			out[i].setLists(*l)
		}
	}
	if err := nameCustomers(ctx, st, out); err != nil {
		return nil, fmt.Errorf("workbenches: %w", err)
	}
	return out, nil
}

func (w *Workbench) setLists(l WorkbenchLists) {
	w.PaymentsDue, w.TopDeals, w.Stale, w.StaleTotal, w.Appointments, w.Complaints, w.NextActions, w.ReportFiled =
		l.PaymentsDue, l.TopDeals, l.Stale, l.StaleTotal, l.Appointments, l.Complaints, l.NextActions, l.ReportFiled
	w.DueTotal = 0
	for _, p := range w.PaymentsDue {
		w.DueTotal += p.Amount - p.Paid
	}
}

// nameCustomers fills the workbenches' CustomerNames with one query: the
// deals and quiet customers carry their names; the other lists' customers
// are looked up.
func nameCustomers(ctx context.Context, st WorkbenchStore, ws []Workbench) error {
	ids := map[int64]bool{}
	for _, w := range ws {
		w.lookedUp(func(id int64) { ids[id] = true })
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	names, err := st.CustomerNames(ctx, list)
	if err != nil {
		return err
	}
	for _, w := range ws {
		w.lookedUp(func(id int64) { w.CustomerNames[id] = names[id] })
		for _, d := range w.TopDeals {
			w.CustomerNames[d.CustomerID] = d.CustomerName
		}
		for _, c := range w.Stale {
			w.CustomerNames[c.ID] = c.Name
		}
	}
	return nil
}

// lookedUp calls fn with the customer of every item whose name the lists
// do not carry (payments due, appointments, complaints, next actions).
func (w Workbench) lookedUp(fn func(customerID int64)) {
	for _, p := range w.PaymentsDue {
		fn(p.CustomerID)
	}
	for _, a := range w.Appointments {
		fn(a.CustomerID)
	}
	for _, c := range w.Complaints {
		fn(c.CustomerID)
	}
	for _, a := range w.NextActions {
		fn(a.CustomerID)
	}
}

// BuildWorkbench computes a user's workbench at now (in the configured
// time zone): their own book, whatever their role. It reads one user's
// lists with per-user queries (fast for one user: each follows the user's
// customers); BuildWorkbenches reads many users' at once.
func BuildWorkbench(ctx context.Context, st WorkbenchStore, u User, now time.Time, staleDays int) (Workbench, error) {
	q := workbenchQuery([]int64{u.ID}, now, staleDays)
	own := Scope{OwnerID: u.ID}
	var l WorkbenchLists
	var err error
	if l.PaymentsDue, err = st.PlansDue(ctx, own, q.PlansFrom, q.PlansTo); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	if l.TopDeals, err = st.OpenDealsInScope(ctx, own, q.TopDeals); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	if l.Stale, err = st.StaleCustomers(ctx, own, q.StaleBefore, q.StaleLimit); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	if len(l.Stale) > 0 {
		if l.StaleTotal, err = st.CountStaleCustomers(ctx, own, q.StaleBefore); err != nil {
			return Workbench{}, fmt.Errorf("workbench: %w", err)
		}
	}
	if l.Appointments, err = st.Appointments(ctx, u.ID, q.DayFrom, q.DayTo); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	if l.Complaints, err = st.OpenComplaints(ctx, own, 0); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	if l.NextActions, err = st.NextActionsDue(ctx, u.ID, q.Date); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	_, err = st.ReportFor(ctx, u.ID, PeriodDay, q.Date)
	switch {
	case err == nil:
		l.ReportFiled = true
	case errors.Is(err, ErrNotFound):
	default:
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	ws := []Workbench{{User: u, Date: q.Date, CustomerNames: map[int64]string{}}}
	ws[0].setLists(l)
	if err := nameCustomers(ctx, st, ws); err != nil {
		return Workbench{}, fmt.Errorf("workbench: %w", err)
	}
	return ws[0], nil
}
