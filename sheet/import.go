// Package sheet imports customers from spreadsheets (.xlsx, .csv in UTF-8
// or GBK) and exports customers and any table (analyses, reports) as .xlsx
// or .csv. It talks to the data only through crm.Store, and applies the
// duplicate rules of crm (ParseCompanyName, CompareCompanyNames) row by row,
// so an import can never create a customer the chat would have refused.
package sheet

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/sales"
)

// ImportOptions controls an import.
type ImportOptions struct {
	// DryRun runs every check and reports what would happen, writing
	// nothing to the store (the rejected-rows file is still written when
	// RejectedPath is set, so the rows can be fixed before the real run).
	DryRun bool
	// DefaultOwner owns the rows without an owner column or with an empty
	// owner cell. Zero: such rows are invalid (and a file without an owner
	// column is refused).
	DefaultOwner crm.User
	// Actor is the user the audit log records for each created customer.
	Actor int64
	// Now is the creation time of imported customers without a 创建日期
	// column; its location is the time zone of dates in the file. Zero:
	// time.Now().
	Now time.Time
	// RejectedPath, when set, is where the skipped and invalid rows are
	// written, in the input's format (.xlsx or .csv), with their original
	// columns plus a 原因 (Chinese headers) or Reason column. Nothing is
	// written when every row was imported.
	RejectedPath string
	// AllowSimilar creates rows whose names are only similar to an existing
	// customer or an earlier row: an admin re-importing the "similar" rows
	// after checking them. Exact duplicates are never created.
	AllowSimilar bool
}

// Row statuses (RowResult.Status).
const (
	StatusCreated       = "created"        // created (in a dry run: would be)
	StatusDuplicateDB   = "duplicate_db"   // the normalised name is already a customer
	StatusDuplicateFile = "duplicate_file" // the normalised name is on an earlier row
	StatusSimilar       = "similar"        // close to a customer or an earlier row: check, then re-import with AllowSimilar
	StatusInvalid       = "invalid"        // a cell is wrong: see Reason
)

// RowResult is what happened to one data row.
type RowResult struct {
	Row    int    // the row number as a spreadsheet program shows it (header = 1 usually)
	Name   string // the company name as in the file
	Status string
	// Reason says why a row was skipped, in the language of the headers
	// (Chinese headers: Chinese). The other fields carry the same facts
	// for callers that word it themselves.
	Reason string
	// ExistingOwner is the owner of the existing customer a duplicate_db or
	// similar row collides with.
	ExistingOwner string
	// Existing is the name of that customer, or of the earlier row.
	Existing string
	// EarlierRow is the earlier row of a duplicate_file row or of a row
	// similar to another row of the file.
	EarlierRow int
	// Review marks a created row whose name is only similar to an earlier
	// row of the file with the same owner (EarlierRow, Existing): imported,
	// and listed for a person to check (Reason says so).
	Review bool
	// CustomerID is the created customer (0 in a dry run).
	CustomerID int64
	// Unmapped are the choice cells no option of their list reads: kept as
	// "other" with the cell as its detail, and reported.
	Unmapped []Unmapped
}

// Unmapped is a choice cell that is not one of its list's options.
type Unmapped struct {
	Field choice.Field
	Value string
}

// ImportReport sums up an import.
type ImportReport struct {
	Rows    int // data rows read (blank rows and the header not counted)
	Created int // customers created (in a dry run: that would be)
	Skipped int // rows not created: duplicates, similar and invalid rows
	Results []RowResult
	// Columns maps each header to the field it was read as ("" = ignored).
	Columns map[string]string
	// Ignored lists the headers that were not recognised, in file order.
	Ignored []string
	// Encoding is utf-8, gbk, big5 or utf-16 for a CSV file, xlsx for a workbook.
	Encoding string
	// HeaderRow is the row the header was found on (title rows above it
	// are skipped).
	HeaderRow int
	// Rejected is the rejected-rows file written, "" when none was.
	Rejected string
}

// Limits on cell lengths, the same as the chat's forms.
const (
	maxShortRunes = crm.MaxShortRunes
	maxNoteRunes  = crm.MaxNoteRunes
	headerScan    = 10 // rows searched for the header
)

// Import reads customers from a spreadsheet and creates them through the
// store, one transaction (and audit entry) per customer. filename gives the
// format by its extension (.xlsx, or .csv/.tsv/.txt); r is its content.
//
// The header row (found among the first rows, so a title row above it is
// fine) maps columns to fields in Chinese or English; a file without a
// company-name column is refused with the headers found. Each row is
// judged in file order, first reason wins: the name (non-empty, at most 500
// characters, normalisable: invalid); the same normalised name on an
// earlier row (duplicate_file) or already a customer (duplicate_db, naming
// its owner); the other cells (owner, phones, lengths, date: invalid); a
// name similar to an earlier accepted row of another owner or to a
// customer (similar). Rows that pass are created; those only similar to
// earlier rows of their own owner are created and marked Review. Earlier rows are checked before the store so
// that a dry run and a real run give the same verdicts.
//
// The store's reads and writes run on a few goroutines (st must be safe
// for concurrent use, as store.DB is); the verdicts do not depend on it.
// The error is for the file as a whole (unreadable, no name column, no
// owner) or for the store failing or ctx ending; the report then covers
// the rows finished so far.
func Import(ctx context.Context, svc *sales.Service, r io.Reader, filename string, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{Columns: map[string]string{}}
	t, err := readTable(r, filename)
	if err != nil {
		return rep, err
	}
	rep.Encoding = t.encoding
	if len(t.rows) == 0 {
		return rep, fmt.Errorf("sheet: %s has no rows", filename)
	}
	hi := -1
	var m columnMap
	for i := 0; i < len(t.rows) && i < headerScan; i++ {
		if mm, ok := mapHeader(t.rows[i].cells); ok {
			hi, m = i, mm
			break
		}
	}
	if hi < 0 {
		return rep, fmt.Errorf("sheet: %s: no company-name column (公司名称, 客户名称, Company, Customer, Name …) in the header; found: %s",
			filename, strings.Join(nonEmpty(t.rows[0].cells), ", "))
	}
	rep.HeaderRow = t.rows[hi].row
	for _, h := range m.header {
		if h == "" {
			continue
		}
		f := fieldOf(h)
		rep.Columns[h] = f
		if f == "" {
			rep.Ignored = append(rep.Ignored, h)
		}
	}
	if len(m.fields[FieldOwner]) == 0 && opt.DefaultOwner.ID == 0 {
		return rep, fmt.Errorf("sheet: %s: no owner column (负责人, 销售, Owner …) and no default owner: give one", filename)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	actor, err := svc.ViewerByID(ctx, opt.Actor)
	if err != nil {
		return rep, fmt.Errorf("sheet: the importing user %d: %w", opt.Actor, err)
	}
	im := &importer{
		svc:    svc,
		actor:  actor,
		opt:    opt,
		m:      m,
		zh:     m.chinese,
		owners: map[string]ownerLookup{},
		keys:   map[string]fileRow{},
		index:  newFileIndex(),
	}
	var data []record
	for _, rec := range t.rows[hi+1:] {
		if !sameCells(rec.cells, m.header) { // a repeated header (sheets pasted together)
			data = append(data, rec)
		}
	}
	jobs, err := im.run(ctx, data)
	var rejected []rejectedRow
	for _, j := range jobs {
		res := j.res
		rep.Rows++
		rep.Results = append(rep.Results, res)
		if res.Status == StatusCreated {
			rep.Created++
		} else {
			rep.Skipped++
			rejected = append(rejected, rejectedRow{cells: j.rec.cells, reason: res.Reason})
		}
	}
	if err != nil {
		return rep, fmt.Errorf("sheet: import %s: %w", filename, err)
	}
	if opt.RejectedPath != "" && len(rejected) > 0 {
		if err := writeRejected(opt.RejectedPath, t, m, rejected); err != nil {
			return rep, err
		}
		rep.Rejected = opt.RejectedPath
	}
	return rep, nil
}

func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func sameCells(a, b []string) bool {
	a, b = nonEmpty(a), nonEmpty(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type ownerLookup struct {
	user  crm.User
	found bool
}

// fileRow is an earlier row of the file.
type fileRow struct {
	row     int
	name    string
	owner   int64 // the owner of a row created (or that would be)
	inStore bool  // the name was already a customer (the row was duplicate_db)
}

type importer struct {
	svc    *sales.Service
	actor  crm.Viewer
	opt    ImportOptions
	m      columnMap
	zh     bool
	owners map[string]ownerLookup
	keys   map[string]fileRow // normalised name → first row with it
	index  *fileIndex         // rows created (or that would be), for similar names
}

// say picks the reason text in the headers' language.
func (im *importer) say(zh, en string, args ...any) string {
	if im.zh {
		return fmt.Sprintf(zh, args...)
	}
	return fmt.Sprintf(en, args...)
}

// customer builds the customer of a row; problem is the reason the row is
// invalid ("" when it is fine); err is a store failure.
func (im *importer) customer(ctx context.Context, cells []string, name string, n company.Name) (c crm.Customer, unmapped []Unmapped, problem string, err error) {
	m := im.m
	c = crm.Customer{Name: name, Note: m.cell(cells, FieldNote)}
	for _, f := range []struct {
		zh, en string
		field  choice.Field
		col    string
	}{{"行业", "industry", choice.Industry, FieldIndustry}, {"规模", "size", choice.Size, FieldSize},
		{"地区", "region", choice.Region, FieldRegion}, {"来源", "source", choice.Source, FieldSource}} {
		val := m.cell(cells, f.col)
		if utf8.RuneCountInString(val) > maxShortRunes {
			return c, nil, im.say("%s超过 %d 个字", "%s is longer than %d characters", pick(im.zh, f.zh, f.en), maxShortRunes), nil
		}
		// The same lists as the chat's forms: a label in either language
		// or a synonym; anything else is other, with the cell kept.
		v, ok := choice.Of(f.field).Parse(val)
		if !ok {
			unmapped = append(unmapped, Unmapped{Field: f.field, Value: val})
		}
		c.SetChoice(f.field, v)
	}
	if utf8.RuneCountInString(c.Note) > maxNoteRunes {
		return c, nil, im.say("备注超过 %d 个字", "note is longer than %d characters", maxNoteRunes), nil
	}
	if c.Region == "" {
		c.Region = choice.RegionOf(n.Region)
	}

	// Owner: a user's name, or the default owner.
	owner := m.cell(cells, FieldOwner)
	switch {
	case owner == crm.PoolOwnerName: // no owner: the pool
		c.OwnerID = 0
	case owner != "":
		o, ok := im.owners[owner]
		if !ok {
			u, err := im.svc.UserByName(ctx, owner)
			switch {
			case err == nil:
				o = ownerLookup{user: u, found: u.Active}
			case crm.ErrorCode(err) == crm.CodeNotFound:
			default:
				return c, unmapped, "", err
			}
			im.owners[owner] = o
		}
		if !o.found {
			return c, unmapped, im.say("负责人“%s”不存在或已停用", "unknown owner %s", owner), nil
		}
		c.OwnerID = o.user.ID
	case im.opt.DefaultOwner.ID != 0:
		c.OwnerID = im.opt.DefaultOwner.ID
	default:
		return c, unmapped, im.say("负责人为空，且没有指定默认负责人", "no owner, and no default owner was given"), nil
	}

	// Creation date. A customer is created by its owner in the list (the
	// credit for a new customer, whoever runs the import); a row without
	// a date is undated: never "new" in reports and targets.
	c.CreatedBy = c.OwnerID
	c.CreatedAt, c.Undated = im.opt.Now, true
	if s := m.cell(cells, FieldCreated); s != "" {
		d, ok := parseDate(s, im.opt.Now.Location())
		if !ok {
			return c, unmapped, im.say("创建日期“%s”无法识别（例如 2026-01-31）", "created date %q not understood (e.g. 2026-01-31)", s), nil
		}
		if d.After(im.opt.Now) {
			return c, unmapped, im.say("创建日期 %s 晚于今天", "created date %s is in the future", d.Format(time.DateOnly)), nil
		}
		c.CreatedAt, c.Undated = d, false
	}

	// Contacts: the contact cell (maybe "王经理 13800138000", maybe several
	// separated by ；), the phone cells, the title, other contacts.
	contacts, bad := im.contactList(m.cell(cells, FieldContact))
	if bad != "" {
		return c, unmapped, bad, nil
	}
	var phones []string
	for _, cell := range m.all(cells, FieldPhone) {
		ps, bad := im.phones(cell)
		if bad != "" {
			return c, unmapped, bad, nil
		}
		phones = append(phones, ps...)
	}
	title := m.cell(cells, FieldTitle)
	if utf8.RuneCountInString(title) > maxShortRunes {
		return c, unmapped, im.say("职位超过 %d 个字", "title is longer than %d characters", maxShortRunes), nil
	}
	if len(contacts) == 0 && (len(phones) > 0 || title != "") {
		contacts = []crm.Contact{{}}
	}
	if len(contacts) > 0 {
		p := &contacts[0]
		if p.Title == "" {
			p.Title = title
		}
		var extra []crm.Contact
		for _, ph := range phones {
			switch {
			case hasPhone(contacts, ph) || hasPhone(extra, ph):
			case p.Phone == "":
				p.Phone = ph
			default: // a second number of the same person
				extra = append(extra, crm.Contact{Name: p.Name, Title: p.Title, Phone: ph})
			}
		}
		contacts = append(contacts[:1], append(extra, contacts[1:]...)...)
	}
	more, bad := im.contactList(m.cell(cells, FieldMoreContacts))
	if bad != "" {
		return c, unmapped, bad, nil
	}
	c.Contacts = append(contacts, more...)
	return c, unmapped, "", nil
}

func pick(zh bool, a, b string) string {
	if zh {
		return a
	}
	return b
}

func hasPhone(cs []crm.Contact, ph string) bool {
	for _, c := range cs {
		if c.Phone == ph {
			return true
		}
	}
	return false
}

func isListSep(r rune) bool { return r == '；' || r == ';' || r == '\n' }

func isPhoneSep(r rune) bool {
	return isListSep(r) || r == '/' || r == '／' || r == ',' || r == '，' || r == '、' || r == '|'
}

// bracketed is a title in brackets inside a contact: 李四（工程师）139….
var bracketed = regexp.MustCompile(`[（(]([^（）()]*)[）)]`)

// contactList reads contacts separated by ；, ; or line breaks, each
// "name phone", "name（title）phone" or either part alone.
func (im *importer) contactList(cell string) ([]crm.Contact, string) {
	var out []crm.Contact
	for part := range strings.FieldsFuncSeq(cell, isListSep) {
		var title string
		if sm := bracketed.FindStringSubmatchIndex(part); sm != nil {
			title = strings.TrimSpace(part[sm[2]:sm[3]])
			part = part[:sm[0]] + " " + part[sm[1]:]
		}
		name, phone, err := crm.ParseContact(part)
		if err != nil {
			return nil, im.contactProblem(part, err)
		}
		if utf8.RuneCountInString(title) > maxShortRunes {
			return nil, im.say("职位超过 %d 个字", "title is longer than %d characters", maxShortRunes)
		}
		if name == "" && phone == "" && title == "" {
			continue
		}
		out = append(out, crm.Contact{Name: name, Phone: phone, Title: title})
	}
	return out, ""
}

// phones reads the numbers of a phone cell: several may be separated by
// /, comma, 、 or ；. Text without digits ("暂无", "-") is no number.
func (im *importer) phones(cell string) ([]string, string) {
	var out []string
	for part := range strings.FieldsFuncSeq(cell, isPhoneSep) {
		_, phone, err := crm.ParseContact(part)
		if err != nil {
			return nil, im.contactProblem(part, err)
		}
		if phone != "" && !contains(out, phone) {
			out = append(out, phone)
		}
	}
	return out, ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (im *importer) contactProblem(part string, err error) string {
	if e, ok := crm.AsError(err); ok && e.Key == "contact.name_too_long" {
		return im.say("联系人“%s”姓名过长（最多 50 个字）", "contact %q: name longer than 50 characters", strings.TrimSpace(part))
	}
	return im.say("电话号码“%s”无效（应为 7–15 位数字）", "phone number %q is invalid (7 to 15 digits)", strings.TrimSpace(part))
}

// dateLayouts are the date forms accepted in a 创建日期 column.
var dateLayouts = []string{
	"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日",
	"2006-1-2 15:04", "2006/1/2 15:04", "2006-1-2 15:04:05", "2006/1/2 15:04:05",
	"2006-01-02T15:04:05", "20060102",
}

// parseDate reads a date cell in loc: the forms of dateLayouts, RFC 3339,
// or an Excel serial number (a date cell read raw).
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), true
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	// An Excel serial: 1 is 1900-01-01; 2958465 is 9999-12-31.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 && !strings.ContainsAny(s, "eE") {
		t, err := excelize.ExcelDateToTime(f, false)
		if err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), true
		}
	}
	return time.Time{}, false
}

// rejectedRow is a skipped row as it was in the file, with its reason.
type rejectedRow struct {
	cells  []string
	reason string
}

// writeRejected writes the header and the rejected rows with a reason
// column (replacing the reason column of a re-imported rejected file).
func writeRejected(path string, t *table, m columnMap, rows []rejectedRow) (err error) {
	header := append([]string(nil), m.header...)
	col := -1
	for i, h := range header {
		if isReasonHeader(h) {
			col = i
		}
	}
	if col < 0 {
		col = len(header)
		header = append(header, pick(m.chinese, "原因", "Reason"))
	}
	data := make([][]string, len(rows))
	for i, r := range rows {
		cells := make([]string, max(len(header), len(r.cells)))
		copy(cells, r.cells)
		cells[col] = r.reason
		data[i] = cells
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sheet: rejected rows: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("sheet: rejected rows: %w", cerr)
		}
	}()
	var widths []float64
	if t.format == "xlsx" {
		widths = columnWidths(header, data)
	}
	sheetName := t.sheet
	if sheetName == "" {
		sheetName = "Sheet1"
	}
	tw, err := newTableWriter(f, t.format, sheetName, header, widths, t.comma)
	if err != nil {
		return err
	}
	for _, d := range data {
		cells := make([]any, len(d))
		for i, c := range d {
			cells[i] = c
		}
		if err := tw.Row(cells); err != nil {
			tw.Abort()
			return err
		}
	}
	return tw.Close()
}
