package sheet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// TestImportXLSXChinese imports a workbook as a Chinese office would keep
// it: a title row above the header, Chinese headers with decorations,
// phone numbers typed as numbers, a real date cell, blank rows, a column
// the CRM does not know, contacts with the phone in the same cell.
func TestImportXLSXChinese(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		path := filepath.Join(t.TempDir(), "客户名单.xlsx")
		created := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
		writeXLSX(t, path, "客户", [][]any{
			{"2026 年华东区客户名单"}, // title row
			{},
			{"序号", "公司名称*", "行业", "规模（人）", "城市", "客户来源", "联系人", "手机", "职务", "负责人", "备注", "创建日期", "QQ"},
			{1, "上海青禾新锐科技有限公司", "软件", "50-200", "", "展会", "王总", 13800138000, "总经理", "张三", "老客户介绍的", created, "12345"},
			{},
			{2, "杭州明远机械制造有限公司", "机械", "200-500", "杭州", "官网", "李工 13900139000", "0571-88886666", "", "李四", "", nil, ""},
			{3, "（苏州）恒信物流有限公司", "物流", "", "", "电话营销", "", "", "", "", "", nil, ""},
		})
		rep := importFile(t, db, path, sheet.ImportOptions{DefaultOwner: o.rep2, Actor: o.admin.ID, Now: now})
		if rep.Encoding != "xlsx" || rep.HeaderRow != 3 {
			t.Errorf("encoding %q header row %d, want xlsx 3", rep.Encoding, rep.HeaderRow)
		}
		if rep.Rows != 3 || rep.Created != 3 || rep.Skipped != 0 {
			t.Fatalf("rows %d created %d skipped %d: %+v", rep.Rows, rep.Created, rep.Skipped, rep.Results)
		}
		for h, f := range map[string]string{"公司名称*": "name", "规模（人）": "size", "城市": "region", "客户来源": "source",
			"手机": "phone", "职务": "title", "负责人": "owner", "创建日期": "created", "序号": "", "QQ": ""} {
			if got, ok := rep.Columns[h]; !ok || got != f {
				t.Errorf("column %q → %q (present %v), want %q", h, got, ok, f)
			}
		}
		if !slices.Equal(rep.Ignored, []string{"序号", "QQ"}) {
			t.Errorf("ignored %v", rep.Ignored)
		}
		for _, row := range []int{4, 6, 7} { // row 5 is blank
			if r := resultOf(t, rep, row); r.Status != sheet.StatusCreated || r.CustomerID == 0 {
				t.Errorf("row %d: %+v", row, r)
			}
		}

		c := customerNamed(t, db, "上海青禾新锐科技有限公司")
		if c.Industry != "it" || c.Size != "s2" || c.Source != "expo" || c.OwnerID != o.rep1.ID || c.Note != "老客户介绍的" {
			t.Errorf("customer 1: %+v", c)
		}
		if c.Region != "shanghai" {
			t.Errorf("region %q, want shanghai (上海) from the name", c.Region)
		}
		if len(c.Contacts) != 1 || c.Contacts[0] != (crm.Contact{ID: c.Contacts[0].ID, CustomerID: c.ID, Name: "王总", Phone: "13800138000", Title: "总经理"}) {
			t.Errorf("contacts 1: %+v", c.Contacts)
		}
		if got := c.CreatedAt.In(now.Location()).Format(time.DateOnly); got != "2026-03-05" {
			t.Errorf("created %s, want 2026-03-05", got)
		}

		c = customerNamed(t, db, "杭州明远机械制造有限公司")
		if c.Region != "hangzhou" || c.OwnerID != o.rep2.ID {
			t.Errorf("customer 2: %+v", c)
		}
		// The phone in the contact cell is the contact's; the 手机 column
		// is a second number of the same person.
		want := []crm.Contact{{Name: "李工", Phone: "13900139000"}, {Name: "李工", Phone: "057188886666"}}
		if len(c.Contacts) != 2 || c.Contacts[0].Name != want[0].Name || c.Contacts[0].Phone != want[0].Phone ||
			c.Contacts[1].Name != want[1].Name || c.Contacts[1].Phone != want[1].Phone {
			t.Errorf("contacts 2: %+v", c.Contacts)
		}
		if !c.CreatedAt.Equal(now) {
			t.Errorf("created %v, want now %v", c.CreatedAt, now)
		}

		c = customerNamed(t, db, "恒信物流有限公司")
		if c.Region != "suzhou" || c.OwnerID != o.rep2.ID || len(c.Contacts) != 0 {
			t.Errorf("customer 3 (default owner, region from brackets): %+v", c)
		}
		// Each customer is audited with the import's actor.
		audit, err := db.Audit(ctx, "customer", c.ID, 5)
		if err != nil || len(audit) != 1 || audit[0].UserID != o.admin.ID || audit[0].Action != "create" {
			t.Errorf("audit %+v %v", audit, err)
		}
	})
}

// TestImportGBKCSV reads a CSV as Excel on Chinese Windows saves it: GBK,
// here with English headers and semicolons.
func TestImportGBKCSV(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		path := filepath.Join(t.TempDir(), "customers.csv")
		writeCSV(t, path, [][]string{
			{"Company Name", "INDUSTRY", " city ", "Source", "Contact", "Phone", "Title", "Sales Rep", "Notes", "Employees"},
			{"北京青禾新锐科技有限公司", "软件", "", "展会", "赵经理", "138-0013-8000", "采购经理", "alice wu", "重点客户；季度回访", "120"},
			{"深圳前海微众银行股份有限公司", "金融", "深圳", "官网", "", "+86 139 0013 9000 / 0755-12345678", "", "", "", ""},
			{"成都蜀香餐饮管理有限公司", "餐饮", "成都", "老客户介绍", "刘总", "暂无", "", "Nobody", "", ""},
		}, ';', true)
		rep := importFile(t, db, path, sheet.ImportOptions{DefaultOwner: o.rep1, Actor: o.admin.ID, Now: now})
		if rep.Encoding != "gbk" {
			t.Errorf("encoding %q, want gbk", rep.Encoding)
		}
		if rep.Columns["city"] != "region" || rep.Columns["Employees"] != "size" {
			t.Errorf("columns %v", rep.Columns)
		}
		if rep.Rows != 3 || rep.Created != 2 || rep.Skipped != 1 {
			t.Fatalf("report %+v", rep)
		}
		c := customerNamed(t, db, "北京青禾新锐科技有限公司")
		if c.OwnerID != o.rep3.ID || c.Region != "beijing" || c.Size != "s2" || c.Note != "重点客户；季度回访" {
			t.Errorf("customer 1: %+v", c)
		}
		if len(c.Contacts) != 1 || c.Contacts[0].Name != "赵经理" || c.Contacts[0].Phone != "13800138000" || c.Contacts[0].Title != "采购经理" {
			t.Errorf("contacts 1: %+v", c.Contacts)
		}
		c = customerNamed(t, db, "深圳前海微众银行股份有限公司")
		if c.OwnerID != o.rep1.ID || len(c.Contacts) != 2 || c.Contacts[0].Phone != "+8613900139000" || c.Contacts[1].Phone != "075512345678" {
			t.Errorf("customer 2: %+v", c)
		}
		r := resultOf(t, rep, 4)
		if r.Status != sheet.StatusInvalid || r.Reason != "unknown owner Nobody" {
			t.Errorf("row 4: %+v", r)
		}
	})
}

// TestImportDryRun checks everything and writes nothing.
func TestImportDryRun(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		if _, err := db.CreateCustomer(ctx, o.rep1.ID, crm.Customer{Name: "上海青禾新锐科技有限公司", OwnerID: o.rep1.ID}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "a.csv")
		writeCSV(t, path, [][]string{
			{"客户名称", "负责人", "电话"},
			{"杭州明远机械制造有限公司", "李四", "13900139000"},
			{"青禾新锐科技", "", ""},
			{"苏州恒信物流有限公司", "", "123"},
			{"广州粤海食品有限公司", "", ""},
		}, ',', false)
		rejected := filepath.Join(dir, "rejected.csv")
		rep := importFile(t, db, path, sheet.ImportOptions{DryRun: true, DefaultOwner: o.rep2, Actor: o.admin.ID, Now: now, RejectedPath: rejected})
		if rep.Rows != 4 || rep.Created != 2 || rep.Skipped != 2 {
			t.Fatalf("report %+v", rep)
		}
		if r := resultOf(t, rep, 2); r.Status != sheet.StatusCreated || r.CustomerID != 0 {
			t.Errorf("row 2: %+v", r)
		}
		if n := countCustomers(t, db); n != 1 {
			t.Errorf("a dry run created customers: %d", n)
		}
		// The rejected rows are still written, to be fixed before the real run.
		if rep.Rejected != rejected || len(readBack(t, rejected)) != 3 {
			t.Errorf("rejected file %q: %v", rep.Rejected, readBack(t, rejected))
		}
		// The real run does what the dry run said.
		real := importFile(t, db, path, sheet.ImportOptions{DefaultOwner: o.rep2, Actor: o.admin.ID, Now: now})
		if real.Created != rep.Created || real.Skipped != rep.Skipped || countCustomers(t, db) != 3 {
			t.Errorf("real run %+v after dry run %+v", real, rep)
		}
	})
}

// TestImportDuplicates reports duplicates against the database and inside
// the file, similar names and bad cells row by row, writes the rejected
// rows with their reasons, and imports the checked similar rows on a
// re-import of that file.
func TestImportDuplicates(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	for _, ext := range []string{".xlsx", ".csv"} {
		t.Run(ext[1:], func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T, db *store.DB) {
				o := newOrg(t, db)
				for _, name := range []string{"北京青禾新锐科技有限公司", "杭州明远机械制造有限公司"} {
					if _, err := db.CreateCustomer(ctx, o.rep1.ID, crm.Customer{Name: name, OwnerID: o.rep1.ID}); err != nil {
						t.Fatal(err)
					}
				}
				header := []string{"公司名称", "负责人", "联系人", "电话", "备注"}
				rows := [][]string{
					header,
					{"青禾新锐科技有限公司", "李四", "", "", ""},                      // 2: same key as a customer
					{"上海星辰文化传媒有限公司", "李四", "周总", "13700137000", ""},       // 3: created
					{"星辰文化传媒（上海）有限公司", "", "", "", ""},                    // 4: same as row 3
					{"明远机械", "", "", "", ""},                              // 5: similar to a customer
					{"上海星辰文化有限公司", "张三", "", "", ""},                      // 6: similar to row 3 of another owner
					{"南京蓝海电子有限公司", "赵六", "", "", ""},                      // 7: unknown owner
					{"武汉楚天建材有限公司", "", "孙工", "12345", ""},                 // 8: bad phone
					{"", "李四", "", "", "只有备注"},                            // 9: no name
					{"长沙湘江物流有限公司", "", "", "", strings.Repeat("长", 4001)}, // 10: note too long
					{"上海星辰文化传媒有限公司", "", "", "", ""},                      // 11: same as row 3 again
					{"重庆山城火锅有限公司", "", "", "", ""},                        // 12: created, default owner
					{"星辰传媒有限公司", "李四", "", "", ""},                        // 13: similar to row 3 of its owner: created, listed
				}
				dir := t.TempDir()
				path := filepath.Join(dir, "in"+ext)
				if ext == ".csv" {
					writeCSV(t, path, rows, ',', false)
				} else {
					var xr [][]any
					for _, r := range rows {
						var cells []any
						for _, c := range r {
							cells = append(cells, c)
						}
						xr = append(xr, cells)
					}
					writeXLSX(t, path, "名单", xr)
				}
				rejected := filepath.Join(dir, "rejected"+ext)
				dry := importFile(t, db, path, sheet.ImportOptions{DryRun: true, DefaultOwner: o.rep2, Actor: o.admin.ID, Now: now})
				rep := importFile(t, db, path, sheet.ImportOptions{DefaultOwner: o.rep2, Actor: o.admin.ID, Now: now, RejectedPath: rejected})
				for i, r := range rep.Results { // a dry run predicts the real run row by row
					if d := dry.Results[i]; d.Status != r.Status || d.Reason != r.Reason {
						t.Errorf("row %d: dry run %s %q, real run %s %q", r.Row, d.Status, d.Reason, r.Status, r.Reason)
					}
				}
				want := map[int]struct {
					status, reason, owner string
					earlier               int
				}{
					2:  {sheet.StatusDuplicateDB, "客户已存在：“北京青禾新锐科技有限公司”，负责人 张三", "张三", 0},
					3:  {sheet.StatusCreated, "", "", 0},
					4:  {sheet.StatusDuplicateFile, "与第 3 行（上海星辰文化传媒有限公司）是同一家公司", "", 3},
					5:  {sheet.StatusSimilar, "与已有客户“杭州明远机械制造有限公司”（负责人 张三）名称相近", "张三", 0},
					6:  {sheet.StatusSimilar, "与第 3 行（上海星辰文化传媒有限公司）名称相近", "", 3},
					7:  {sheet.StatusInvalid, "负责人“赵六”不存在或已停用", "", 0},
					8:  {sheet.StatusInvalid, "电话号码“12345”无效", "", 0},
					9:  {sheet.StatusInvalid, "公司名称为空", "", 0},
					10: {sheet.StatusInvalid, "备注超过 4000 个字", "", 0},
					11: {sheet.StatusDuplicateFile, "与第 3 行", "", 3},
					12: {sheet.StatusCreated, "", "", 0},
					13: {sheet.StatusCreated, "与第 3 行（上海星辰文化传媒有限公司）名称相近，负责人相同：已导入，请核对", "", 3},
				}
				if rep.Rows != len(want) || rep.Created != 3 || rep.Skipped != len(want)-3 || len(rep.Results) != len(want) {
					t.Fatalf("report rows %d created %d skipped %d: %+v", rep.Rows, rep.Created, rep.Skipped, rep.Results)
				}
				for row, w := range want {
					r := resultOf(t, rep, row)
					if r.Status != w.status || !strings.HasPrefix(r.Reason, w.reason) || r.ExistingOwner != w.owner || r.EarlierRow != w.earlier {
						t.Errorf("row %d: %+v\nwant %+v", row, r, w)
					}
				}
				if c := customerNamed(t, db, "重庆山城火锅有限公司"); c.OwnerID != o.rep2.ID {
					t.Errorf("default owner not used: %+v", c)
				}
				for row := range want {
					if r := resultOf(t, rep, row); r.Review != (row == 13) {
						t.Errorf("row %d: Review %v", row, r.Review)
					}
				}
				if n := countCustomers(t, db); n != 5 {
					t.Errorf("%d customers, want 5", n)
				}

				// The rejected rows file: header + the 9 skipped rows, original
				// cells and a 原因 column.
				back := readBack(t, rejected)
				if len(back) != 10 || !slices.Equal(back[0], append(header, "原因")) {
					t.Fatalf("rejected file: %q", back)
				}
				if back[1][0] != "青禾新锐科技有限公司" || back[1][1] != "李四" || !strings.HasPrefix(back[1][5], "客户已存在") {
					t.Errorf("rejected row 1: %q", back[1])
				}
				if back[9][0] != "上海星辰文化传媒有限公司" || !strings.HasPrefix(back[9][5], "与第 3 行") {
					t.Errorf("rejected last row: %q", back[9])
				}

				// An admin checks the similar rows and re-imports the
				// rejected file allowing similar names: those two are created,
				// the rest are rejected again (the reason column is replaced).
				again := filepath.Join(dir, "again"+ext)
				rep2 := importFile(t, db, rejected, sheet.ImportOptions{DefaultOwner: o.rep2, Actor: o.admin.ID, Now: now, RejectedPath: again, AllowSimilar: true})
				var createdNames []string
				for _, r := range rep2.Results {
					if r.Status == sheet.StatusCreated {
						createdNames = append(createdNames, r.Name)
					}
				}
				slices.Sort(createdNames)
				if !slices.Equal(createdNames, []string{"上海星辰文化有限公司", "明远机械"}) {
					t.Errorf("re-import created %v: %+v", createdNames, rep2.Results)
				}
				if b := readBack(t, again); len(b) != 8 || len(b[0]) != 6 {
					t.Errorf("second rejected file: %q", b)
				}
			})
		})
	}
}

// TestImportFileErrors: files that cannot be imported at all.
func TestImportFileErrors(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	o := newOrg(t, db)
	dir := t.TempDir()
	cases := []struct {
		name string
		rows [][]string
		opt  sheet.ImportOptions
		want string
	}{
		{"noname.csv", [][]string{{"联系人", "电话", "地址"}, {"王总", "13800138000", "北京"}}, sheet.ImportOptions{DefaultOwner: o.rep1}, "found: 联系人, 电话, 地址"},
		{"noowner.csv", [][]string{{"公司名称", "电话"}, {"青禾科技", "13800138000"}}, sheet.ImportOptions{}, "no owner column"},
		{"empty.csv", nil, sheet.ImportOptions{DefaultOwner: o.rep1}, "has no rows"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		writeCSV(t, path, c.rows, ',', false)
		_, err := sheet.Import(ctx, sales.New(db), bytes.NewReader(readFile(t, path)), c.name, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	for name, want := range map[string]string{"old.xls": "save it as .xlsx", "x.pdf": "unsupported file type", "bad.xlsx": "not a valid .xlsx"} {
		if _, err := sheet.Import(ctx, sales.New(db), strings.NewReader("garbage"), name, sheet.ImportOptions{DefaultOwner: o.rep1}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", name, err, want)
		}
	}
	// A rejected-rows file cannot be written: the import says so.
	_, err := sheet.Import(ctx, sales.New(db), strings.NewReader("公司名称\n-\n"), "ok.csv", sheet.ImportOptions{DefaultOwner: o.rep1, RejectedPath: filepath.Join(dir, "no", "such", "dir.csv")})
	if err == nil || !strings.Contains(err.Error(), "rejected rows") {
		t.Errorf("unwritable rejected file: %v", err)
	}
	// A cancelled context stops the import.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := sheet.Import(cctx, sales.New(db), strings.NewReader("公司名称\n青禾科技\n"), "c.csv", sheet.ImportOptions{DefaultOwner: o.rep1}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flakyStore hides a customer from the checks (as if another rep added it
// a moment after them) and can fail writes after some number of them.
type flakyStore struct {
	*store.DB
	hideKey   string
	hidden    atomic.Bool
	failAfter int32
	creates   atomic.Int32
}

func (s *flakyStore) CustomerByKey(ctx context.Context, key string) (crm.Customer, error) {
	if key == s.hideKey && s.hidden.CompareAndSwap(false, true) {
		return crm.Customer{}, crm.Errorf(crm.CodeNotFound, "not_found")
	}
	return s.DB.CustomerByKey(ctx, key)
}

func (s *flakyStore) SimilarCustomers(ctx context.Context, n company.Name, limit int) ([]crm.Customer, error) {
	cs, err := s.DB.SimilarCustomers(ctx, n, limit)
	return slices.DeleteFunc(cs, func(c crm.Customer) bool { return c.NameKey == s.hideKey }), err
}

func (s *flakyStore) CreateCustomer(ctx context.Context, actor int64, c crm.Customer) (crm.Customer, error) {
	if s.failAfter > 0 && s.creates.Add(1) > s.failAfter {
		return crm.Customer{}, errors.New("disk full")
	}
	return s.DB.CreateCustomer(ctx, actor, c)
}

// TestImportRaceAndFailure: a customer added by someone else between the
// check and the insert is reported as duplicate_db; a store failure stops
// the import with an error and a report of the rows finished.
func TestImportRaceAndFailure(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		if _, err := db.CreateCustomer(ctx, o.rep1.ID, crm.Customer{Name: "上海青禾新锐科技有限公司", OwnerID: o.rep1.ID}); err != nil {
			t.Fatal(err)
		}
		st := &flakyStore{DB: db, hideKey: company.Parse("青禾新锐科技").Key}
		in := "公司名称\n杭州明远机械有限公司\n青禾新锐科技\n苏州恒信物流有限公司\n"
		rep, err := sheet.Import(ctx, sales.New(st), strings.NewReader(in), "a.csv", sheet.ImportOptions{DefaultOwner: o.rep2, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if r := resultOf(t, rep, 3); r.Status != sheet.StatusDuplicateDB || r.ExistingOwner != "张三" {
			t.Errorf("raced row: %+v", r)
		}
		if rep.Created != 2 || rep.Skipped != 1 {
			t.Errorf("report %+v", rep)
		}

		var b strings.Builder
		b.WriteString("公司名称\n")
		for i := range 40 {
			fmt.Fprintf(&b, "测试%c%c贸易有限公司\n", '甲'+rune(i%20), '子'+rune(i/20))
		}
		st = &flakyStore{DB: db, failAfter: 10}
		rep, err = sheet.Import(ctx, sales.New(st), strings.NewReader(b.String()), "b.csv", sheet.ImportOptions{DefaultOwner: o.rep2, Now: now})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("error %v", err)
		}
		if rep.Created != 10 || countCustomers(t, db) != 3+10 {
			t.Errorf("after a failure: report created %d, %d customers", rep.Created, countCustomers(t, db))
		}
	})
}
