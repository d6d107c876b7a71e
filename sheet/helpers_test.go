package sheet_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var ctx = context.Background()

func testNow(t testing.TB) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 11, 29, 10, 0, 0, 0, loc)
}

// org is a small sales organisation: an admin, a manager of 华东部 and two
// reps in it, and a rep in 华北部.
type org struct {
	admin, manager, rep1, rep2, rep3 crm.User
	east, north                      crm.Department
}

func newOrg(t testing.TB, db *store.DB) org {
	t.Helper()
	var o org
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	o.east, err = db.CreateDepartment(ctx, 0, "华东部", 0)
	must(err)
	o.north, err = db.CreateDepartment(ctx, 0, "华北部", 0)
	must(err)
	o.admin, err = db.CreateUser(ctx, 0, crm.User{Name: "管理员", Role: crm.RoleAdmin})
	must(err)
	o.manager, err = db.CreateUser(ctx, 0, crm.User{Name: "王经理", Role: crm.RoleManager, DeptID: o.east.ID})
	must(err)
	o.rep1, err = db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep, DeptID: o.east.ID})
	must(err)
	o.rep2, err = db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep, DeptID: o.east.ID})
	must(err)
	o.rep3, err = db.CreateUser(ctx, 0, crm.User{Name: "Alice Wu", Role: crm.RoleRep, DeptID: o.north.ID})
	must(err)
	return o
}

// writeXLSX writes rows (strings, numbers, time.Time for date cells) into
// the first sheet of a new workbook, as a person would in Excel.
func writeXLSX(t testing.TB, path, sheetName string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		t.Fatal(err)
	}
	dateFmt := "yyyy/m/d"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue(sheetName, cell, v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v.(time.Time); ok {
				if err := f.SetCellStyle(sheetName, cell, cell, dateStyle); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// A second sheet that must be ignored.
	if _, err := f.NewSheet("说明"); err != nil {
		t.Fatal(err)
	}
	f.SetCellValue("说明", "A1", "公司名称")
	f.SetCellValue("说明", "A2", "不要导入这一行科技有限公司")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// writeCSV writes rows as CSV with a delimiter, in UTF-8 or GBK.
func writeCSV(t testing.TB, path string, rows [][]string, comma rune, gbk bool) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	w.UseCRLF = true
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if gbk {
		var err error
		data, err = simplifiedchinese.GBK.NewEncoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func importFile(t testing.TB, st crm.Store, path string, opt sheet.ImportOptions) sheet.ImportReport {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := sheet.Import(ctx, sales.New(st), f, filepath.Base(path), opt)
	if err != nil {
		t.Fatalf("import %s: %v", filepath.Base(path), err)
	}
	return rep
}

// readBack reads a written .xlsx (first sheet) or .csv into rows of strings.
func readBack(t testing.TB, path string) [][]string {
	t.Helper()
	if strings.HasSuffix(path, ".xlsx") {
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Errorf("%s: no UTF-8 byte order mark", filepath.Base(path))
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// customerNamed finds a customer by exact normalised name.
func customerNamed(t testing.TB, st crm.Store, name string) crm.Customer {
	t.Helper()
	c, err := st.CustomerByKey(ctx, company.Parse(name).Key)
	if err != nil {
		t.Fatalf("customer %s: %v", name, err)
	}
	return c
}

func countCustomers(t testing.TB, st crm.Store) int {
	t.Helper()
	n, err := st.CountCustomers(ctx, crm.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func resultOf(t testing.TB, rep sheet.ImportReport, row int) sheet.RowResult {
	t.Helper()
	for _, r := range rep.Results {
		if r.Row == row {
			return r
		}
	}
	t.Fatalf("no result for row %d in %+v", row, rep.Results)
	return sheet.RowResult{}
}

// openLike opens a second fresh database on db's engine.
func openLike(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if db.Driver() == store.SQLite {
		return storetest.OpenSQLite(t)
	}
	return storetest.OpenPostgres(t)
}
