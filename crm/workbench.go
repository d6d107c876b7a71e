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
	Stale        []Customer // no activity for StaleDays
	Appointments []Appointment
	Complaints   []Complaint // open
	NextActions  []Activity  // next actions set for today
	ReportFiled  bool        // today's daily report
	// CustomerNames names the customers the lists refer to.
	CustomerNames map[int64]string
}

// Empty reports whether there is nothing to act on. A missing daily report
// alone is not worth a morning push, so it does not count here.
func (w Workbench) Empty() bool {
	return len(w.PaymentsDue) == 0 && len(w.TopDeals) == 0 && len(w.Stale) == 0 &&
		len(w.Appointments) == 0 && len(w.Complaints) == 0 && len(w.NextActions) == 0
}

// Workbench list sizes.
const (
	WorkbenchTopDeals = 3
	WorkbenchStale    = 5
)

// BuildWorkbench computes a user's workbench at now (in the configured
// time zone): their own book, whatever their role.
func BuildWorkbench(ctx context.Context, st Store, u User, now time.Time, staleDays int) (Workbench, error) {
	w := Workbench{User: u, Date: DateOf(now), CustomerNames: map[int64]string{}}
	own := Scope{OwnerID: u.ID}
	_, monthEnd := PeriodRange(PeriodMonth, now)
	var err error
	// Overdue plans stay on the list until paid: look back a year.
	if w.PaymentsDue, err = st.PlansDue(ctx, own, DateOf(now.AddDate(-1, 0, 0)), monthEnd); err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	for _, p := range w.PaymentsDue {
		w.DueTotal += p.Amount - p.Paid
	}
	if w.TopDeals, err = st.OpenDealsInScope(ctx, own, WorkbenchTopDeals); err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	if w.Stale, err = st.StaleCustomers(ctx, own, now.AddDate(0, 0, -staleDays), WorkbenchStale); err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	dayStart, dayEnd := PeriodRange(PeriodDay, now)
	if w.Appointments, err = st.Appointments(ctx, u.ID, dayStart.Time(now.Location()), dayEnd.Time(now.Location())); err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	if w.Complaints, err = st.OpenComplaints(ctx, own, 0); err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	if w.NextActions, err = st.NextActionsDue(ctx, u.ID, w.Date); err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	_, err = st.ReportFor(ctx, u.ID, PeriodDay, dayStart)
	switch {
	case err == nil:
		w.ReportFiled = true
	case errors.Is(err, ErrNotFound):
	default:
		return w, fmt.Errorf("workbench: %w", err)
	}
	ids := map[int64]bool{}
	for _, p := range w.PaymentsDue {
		ids[p.CustomerID] = true
	}
	for _, a := range w.Appointments {
		ids[a.CustomerID] = true
	}
	for _, c := range w.Complaints {
		ids[c.CustomerID] = true
	}
	for _, a := range w.NextActions {
		ids[a.CustomerID] = true
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	names, err := st.CustomerNames(ctx, list)
	if err != nil {
		return w, fmt.Errorf("workbench: %w", err)
	}
	for id, n := range names {
		w.CustomerNames[id] = n
	}
	for _, d := range w.TopDeals {
		w.CustomerNames[d.CustomerID] = d.CustomerName
	}
	for _, c := range w.Stale {
		w.CustomerNames[c.ID] = c.Name
	}
	return w, nil
}
