package sales

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// How an export reads: a page of customers at a time, and per customer its
// contacts (the store has no bulk contact read yet) and, without an open
// deal, its closed deals, a few customers at a time.
const (
	exportPage    = 500
	exportWorkers = 4
)

// ExportCustomers calls row for every customer the actor's book covers
// (actor.Scope(): a rep's own, a manager's departments', everything for an
// admin; archived customers are left out), most recently active first,
// with its contacts and the stage it stands at: its most advanced open
// deal, else contract when it has a won deal, lost when only lost ones, ""
// without deals. Unbound for an inactive actor.
//
// Cost: one query for the open deals of the whole scope, one page query per
// 500 customers, and per customer one read for its contacts plus, for a
// customer without an open deal, one for its closed deals.
func (s *Service) ExportCustomers(ctx context.Context, actor crm.Viewer, row func(crm.Customer, crm.Stage) error) (int, error) {
	if !actor.Active || actor.ID == 0 {
		return 0, crm.Errorf(crm.CodeUnbound, "auth.unbound")
	}
	scope := actor.Scope()
	open, err := s.pipe.OpenDealsInScope(ctx, scope, math.MaxInt32)
	if err != nil {
		return 0, fmt.Errorf("sales: export: %w", err)
	}
	stage := make(map[int64]crm.Stage, len(open))
	for _, d := range open {
		if st, ok := stage[d.CustomerID]; !ok || d.Stage.Index() > st.Index() {
			stage[d.CustomerID] = d.Stage
		}
	}
	seen := map[int64]bool{} // paging by offset can repeat a row that moved up meanwhile
	n := 0
	for offset := 0; ; offset += exportPage {
		page, err := s.cust.ListCustomers(ctx, scope, exportPage, offset)
		if err != nil {
			return n, fmt.Errorf("sales: export: %w", err)
		}
		last := len(page) < exportPage
		page = slices.DeleteFunc(page, func(c crm.Customer) bool {
			dup := seen[c.ID]
			seen[c.ID] = true
			return dup
		})
		if err := s.details(ctx, page, stage); err != nil {
			return n, fmt.Errorf("sales: export: %w", err)
		}
		for _, c := range page {
			if err := row(c, stage[c.ID]); err != nil {
				return n, err
			}
			n++
		}
		if last {
			return n, nil
		}
	}
}

// details reads the contacts of a page of customers, and the closed deals
// of those without an open one (filling stage), a few at a time.
func (s *Service) details(ctx context.Context, page []crm.Customer, stage map[int64]crm.Stage) error {
	closed := make([]crm.Stage, len(page))
	errs := make([]error, len(page))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(exportWorkers, len(page)) {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					errs[i] = ctx.Err()
					continue
				}
				full, err := s.cust.Customer(ctx, page[i].ID)
				if err != nil {
					errs[i] = err
					continue
				}
				page[i] = full
				if _, ok := stage[full.ID]; !ok { // read only: written below, after Wait
					closed[i], errs[i] = s.closedStage(ctx, full.ID)
				}
			}
		})
	}
	for i := range page {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, c := range page {
		if errs[i] != nil {
			return errs[i]
		}
		if closed[i] != "" {
			stage[c.ID] = closed[i]
		}
	}
	return nil
}

// closedStage is contract when the customer has a won deal, lost when it
// has only lost ones, "" without deals.
func (s *Service) closedStage(ctx context.Context, customerID int64) (crm.Stage, error) {
	deals, err := s.pipe.Deals(ctx, customerID)
	if err != nil {
		return "", err
	}
	var st crm.Stage
	for _, d := range deals {
		switch {
		case d.Stage == crm.StageContract:
			return d.Stage, nil
		case d.Stage == crm.StageLost:
			st = d.Stage
		}
	}
	return st, nil
}

// AuditLog lists the audit entries in [from, to), oldest first, for an
// admin.
func (s *Service) AuditLog(ctx context.Context, actor crm.Viewer, from, to time.Time) ([]crm.AuditEntry, error) {
	if err := adminOnly(actor, "/export audit"); err != nil {
		return nil, err
	}
	return s.cust.AuditLog(ctx, from, to, 10_000_000)
}
