package sheet

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// stageNames are the Chinese stage names of the export's 阶段 column.
var stageNames = map[crm.Stage]string{
	crm.StageInitial:     "初次沟通",
	crm.StageNeeds:       "了解需求",
	crm.StageProposal:    "方案制定",
	crm.StageNegotiation: "商务谈判",
	crm.StageContract:    "合同签订",
	crm.StageLost:        "输单",
}

// ExportHeader returns the header of ExportCustomers. The first eleven columns
// are the customer list managers asked for; the last three carry what an
// import needs to restore a customer completely (the first contact's
// title, the other contacts as "name（title）phone；…", the note), so an
// export imports back into an empty database as the same customers. 阶段
// and 最近跟进 are read-only: an import ignores them.
func ExportHeader() []string { return slices.Clone(exportHeader) }

var exportHeader = []string{"公司名称", "行业", "规模", "地区", "来源", "负责人", "联系人", "电话", "阶段", "最近跟进", "创建日期",
	"职位", "其他联系人", "备注"}

var exportWidths = []float64{34, 14, 12, 10, 12, 10, 10, 16, 10, 12, 12, 12, 40, 40}

const (
	exportPage    = 500
	exportWorkers = 4
)

// ExportCustomers writes the customers the viewer may see (v.Scope(): a
// rep's own, a manager's departments', everything for an admin; archived
// customers are left out) as "xlsx" or "csv", most recently active first,
// with the columns of ExportHeader. Dates are days in now's location. It
// returns how many customers it wrote.
//
// Cost: one query for the open deals of the whole scope, one page query per
// 500 customers, and per customer one read for its contacts (the store has
// no bulk contact read yet) plus, for a customer without an open deal, one
// for its closed deals (won: 合同签订, else lost: 输单); those per-customer
// reads run four at a time.
func ExportCustomers(ctx context.Context, st crm.Store, v crm.Viewer, w io.Writer, format string, now time.Time) (int, error) {
	format, err := normFormat(format)
	if err != nil {
		return 0, err
	}
	if !v.Active || v.ID == 0 {
		return 0, crm.Errorf(crm.CodeUnbound, "auth.unbound")
	}
	scope := v.Scope()
	loc := now.Location()

	// The most advanced open deal of each customer, in one query.
	open, err := st.OpenDealsInScope(ctx, scope, math.MaxInt32)
	if err != nil {
		return 0, fmt.Errorf("sheet: export: %w", err)
	}
	stage := make(map[int64]crm.Stage, len(open))
	for _, d := range open {
		if s, ok := stage[d.CustomerID]; !ok || d.Stage.Index() > s.Index() {
			stage[d.CustomerID] = d.Stage
		}
	}

	tw, err := newTableWriter(w, format, "客户", exportHeader, exportWidths, ',')
	if err != nil {
		return 0, err
	}
	n, err := exportRows(ctx, st, scope, tw, stage, loc)
	if err != nil {
		tw.Abort()
		return n, err
	}
	return n, tw.Close()
}

func exportRows(ctx context.Context, st crm.Store, scope crm.Scope, tw tableWriter, stage map[int64]crm.Stage, loc *time.Location) (int, error) {
	seen := map[int64]bool{} // paging by offset can repeat a row that moved up meanwhile
	n := 0
	for offset := 0; ; offset += exportPage {
		page, err := st.ListCustomers(ctx, scope, exportPage, offset)
		if err != nil {
			return n, fmt.Errorf("sheet: export: %w", err)
		}
		last := len(page) < exportPage
		page = slices.DeleteFunc(page, func(c crm.Customer) bool {
			dup := seen[c.ID]
			seen[c.ID] = true
			return dup
		})
		if err := details(ctx, st, page, stage); err != nil {
			return n, fmt.Errorf("sheet: export: %w", err)
		}
		for _, c := range page {
			if err := tw.Row(customerRow(c, stage[c.ID], loc)); err != nil {
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
func details(ctx context.Context, st crm.Store, page []crm.Customer, stage map[int64]crm.Stage) error {
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
				full, err := st.Customer(ctx, page[i].ID)
				if err != nil {
					errs[i] = err
					continue
				}
				page[i] = full
				if _, ok := stage[full.ID]; !ok { // read only: written below, after Wait
					closed[i], errs[i] = closedStage(ctx, st, full.ID)
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
func closedStage(ctx context.Context, st crm.Store, customerID int64) (crm.Stage, error) {
	deals, err := st.Deals(ctx, customerID)
	if err != nil {
		return "", err
	}
	var s crm.Stage
	for _, d := range deals {
		switch {
		case d.Stage == crm.StageContract:
			return d.Stage, nil
		case d.Stage == crm.StageLost:
			s = d.Stage
		}
	}
	return s, nil
}

func customerRow(c crm.Customer, s crm.Stage, loc *time.Location) []any {
	var contact, phone, title string
	var more []string
	for i, ct := range c.Contacts {
		if i == 0 {
			contact, phone, title = ct.Name, ct.Phone, ct.Title
			continue
		}
		more = append(more, formatContact(ct))
	}
	var last time.Time
	if c.LastActivityAt != nil {
		last = c.LastActivityAt.In(loc)
	}
	return []any{c.Name, c.Industry, c.Size, c.Region, c.Source, c.OwnerName, contact, phone, stageNames[s], last, c.CreatedAt.In(loc),
		title, strings.Join(more, "；"), c.Note}
}

// formatContact writes a contact the way contactList reads it back.
func formatContact(ct crm.Contact) string {
	s := ct.Name
	if ct.Title != "" {
		s += "（" + ct.Title + "）"
	}
	if ct.Phone != "" {
		if s != "" {
			s += " "
		}
		s += ct.Phone
	}
	return s
}
