package sheet

import (
	"context"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

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

// ExportCustomers writes the customers the viewer may see
// (sales.Service.ExportCustomers) as "xlsx" or "csv", most recently active
// first, with the columns of ExportHeader; stageName words the 阶段 column
// (the catalogue's Chinese stage names, "" for none). Dates are days in
// now's location. It returns how many customers it wrote.
func ExportCustomers(ctx context.Context, svc *sales.Service, v crm.Viewer, w io.Writer, format string, now time.Time, stageName func(crm.Stage) string) (int, error) {
	format, err := normFormat(format)
	if err != nil {
		return 0, err
	}
	if !v.Active || v.ID == 0 {
		return 0, crm.Errorf(crm.CodeUnbound, "auth.unbound")
	}
	loc := now.Location()
	tw, err := newTableWriter(w, format, "客户", exportHeader, exportWidths, ',')
	if err != nil {
		return 0, err
	}
	n, err := svc.ExportCustomers(ctx, v, func(c crm.Customer, s crm.Stage) error {
		return tw.Row(customerRow(c, stageName(s), loc))
	})
	if err != nil {
		tw.Abort()
		return n, err
	}
	return n, tw.Close()
}

func customerRow(c crm.Customer, stage string, loc *time.Location) []any {
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
	label := func(f choice.Field) string { return choice.Label("zh", f, c.Choice(f)) }
	owner := c.OwnerName
	if c.InPool() {
		owner = crm.PoolOwnerName
	}
	return []any{c.Name, label(choice.Industry), label(choice.Size), label(choice.Region), label(choice.Source), owner, contact, phone, stage, last, c.CreatedAt.In(loc),
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
