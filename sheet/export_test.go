package sheet_test

import (
	"bytes"
	"fmt"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

func viewer(t testing.TB, st crm.Store, u crm.User) crm.Viewer {
	t.Helper()
	depts, err := st.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return crm.ViewerOf(u, depts)
}

func export(t testing.TB, st crm.Store, v crm.Viewer, format string, now time.Time) (int, []byte) {
	t.Helper()
	var b bytes.Buffer
	n, err := sheet.ExportCustomers(ctx, sales.New(st), v, &b, format, now, conversation.SheetStageName)
	if err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	return n, b.Bytes()
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExportScope: each viewer exports what they may see, with the stage
// of the most advanced open deal (or the closed outcome) and the day of
// the last activity.
func TestExportScope(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	loc := now.Location()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		add := func(name string, owner crm.User, stages ...crm.Stage) crm.Customer {
			t.Helper()
			c, err := db.CreateCustomer(ctx, owner.ID, crm.Customer{Name: name, Industry: "软件", OwnerID: owner.ID,
				CreatedAt: time.Date(2026, 2, 1, 23, 30, 0, 0, loc), // 2026-02-01 in Shanghai, 02-01 15:30 UTC
				Contacts:  []crm.Contact{{Name: "王总", Phone: "13800138000", Title: "总经理"}, {Name: "李工", Phone: "13900139000"}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stages {
				pct := s.DefaultWinPct()
				if _, err := db.SaveDeal(ctx, owner.ID, crm.Deal{CustomerID: c.ID, OwnerID: owner.ID, Title: "项目", Stage: s, WinPct: pct, Amount: 100000}); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		a := add("上海青禾新锐科技有限公司", o.rep1, crm.StageProposal, crm.StageInitial)
		add("杭州明远机械制造有限公司", o.rep1, crm.StageLost, crm.StageContract)
		add("苏州恒信物流有限公司", o.rep2, crm.StageLost)
		add("北京燕山建材有限公司", o.rep3)
		if _, err := db.AddActivity(ctx, o.rep1.ID, crm.Activity{CustomerID: a.ID, UserID: o.rep1.ID, Content: "拜访",
			At: time.Date(2026, 11, 20, 8, 0, 0, 0, loc)}); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			who  crm.User
			want []string
		}{
			{o.rep1, []string{"上海青禾新锐科技有限公司", "杭州明远机械制造有限公司"}},
			{o.manager, []string{"上海青禾新锐科技有限公司", "杭州明远机械制造有限公司", "苏州恒信物流有限公司"}},
			{o.admin, []string{"上海青禾新锐科技有限公司", "杭州明远机械制造有限公司", "苏州恒信物流有限公司", "北京燕山建材有限公司"}},
			{o.rep3, []string{"北京燕山建材有限公司"}},
		} {
			for _, format := range []string{"xlsx", "csv"} {
				n, data := export(t, db, viewer(t, db, tc.who), format, now)
				rows := readBack(t, writeTemp(t, "out."+format, data))
				if n != len(tc.want) || len(rows) != n+1 {
					t.Fatalf("%s %s: %d exported, %d rows, want %d", tc.who.Name, format, n, len(rows), len(tc.want))
				}
				if !slices.Equal(rows[0], sheet.ExportHeader()) {
					t.Errorf("header %q", rows[0])
				}
				var names []string
				byName := map[string][]string{}
				for _, r := range rows[1:] {
					names = append(names, r[0])
					byName[r[0]] = r
				}
				if !slices.Equal(names, tc.want) && !sameSet(names, tc.want) {
					t.Errorf("%s %s: exported %v, want %v", tc.who.Name, format, names, tc.want)
				}
				if r, ok := byName["上海青禾新锐科技有限公司"]; ok {
					want := []string{"上海青禾新锐科技有限公司", "软件", "", "", "", "张三", "王总", "13800138000", "方案制定", "2026-11-20", "2026-02-01", "总经理", "李工 13900139000", ""}
					if !slices.Equal(pad(r, len(want)), want) {
						t.Errorf("%s: row %q\nwant %q", format, r, want)
					}
				}
				stages := map[string]string{"杭州明远机械制造有限公司": "合同签订", "苏州恒信物流有限公司": "输单", "北京燕山建材有限公司": ""}
				for name, st := range stages {
					if r, ok := byName[name]; ok && pad(r, 9)[8] != st {
						t.Errorf("%s stage %q, want %q", name, r[8], st)
					}
				}
				if tc.who.ID == o.rep1.ID && names[0] != "上海青禾新锐科技有限公司" {
					t.Errorf("most recently active first: %v", names)
				}
			}
		}

		// The workbook: a styled, frozen header and real date cells.
		_, data := export(t, db, viewer(t, db, o.admin), "xlsx", now)
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sh := f.GetSheetList()[0]
		if sh != "客户" {
			t.Errorf("sheet %q", sh)
		}
		sid, _ := f.GetCellStyle(sh, "A1")
		style, err := f.GetStyle(sid)
		if err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("header style %+v %v", style, err)
		}
		if typ, _ := f.GetCellType(sh, "K2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("创建日期 is text, want a date cell")
		}
		if w, _ := f.GetColWidth(sh, "A"); w < 20 {
			t.Errorf("name column width %v", w)
		}
		panes, _ := f.GetPanes(sh)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes %+v", panes)
		}

		// An inactive or unknown viewer gets nothing.
		if _, err := sheet.ExportCustomers(ctx, sales.New(db), crm.Viewer{}, &bytes.Buffer{}, "xlsx", now, conversation.SheetStageName); crm.ErrorCode(err) != crm.CodeUnbound {
			t.Errorf("zero viewer: %v", err)
		}
		if _, err := sheet.ExportCustomers(ctx, sales.New(db), viewer(t, db, o.admin), &bytes.Buffer{}, "pdf", now, conversation.SheetStageName); err == nil {
			t.Error("pdf export accepted")
		}
	})
}

// sameChoices: the customers have the same code and detail in every
// choice field.
func sameChoices(a, b crm.Customer) bool {
	for _, f := range choice.Fields {
		if a.Choice(f) != b.Choice(f) {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func pad(r []string, n int) []string {
	for len(r) < n {
		r = append(r, "")
	}
	return r
}

// TestRoundTrip exports a varied customer book and imports the file into a
// fresh database with the same people: the same customers come out.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	loc := now.Location()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		seedCustomers(t, db, now, 120)
		admin, err := db.FirstAdmin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := allCustomers(t, db)
		users, err := db.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		formats := []string{"xlsx", "csv"}
		if db.Driver() == store.Postgres {
			formats = formats[:1] // reading a file does not depend on the engine; each fresh database costs
		}
		for _, format := range formats {
			n, data := export(t, db, viewer(t, db, admin), format, now)
			if n != len(want) {
				t.Fatalf("%s: exported %d of %d", format, n, len(want))
			}
			fresh := openLike(t, db)
			var freshAdmin crm.User
			for _, u := range users {
				nu, err := fresh.CreateUser(ctx, 0, crm.User{Name: u.Name, Role: u.Role})
				if err != nil {
					t.Fatal(err)
				}
				if u.ID == admin.ID {
					freshAdmin = nu
				}
			}
			// Customers can coexist whose names the rule calls similar (the
			// chat lets a rep confirm one; internal/demo makes pairs like
			// 远航运输 / 远航峰源餐饮): a plain import stops at those and at
			// nothing else, and the admin imports them allowing similar names.
			dry, err := sheet.Import(ctx, sales.New(fresh), bytes.NewReader(data), "customers."+format, sheet.ImportOptions{DryRun: true, Actor: freshAdmin.ID, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range dry.Results {
				if r.Status != sheet.StatusCreated && r.Status != sheet.StatusSimilar {
					t.Errorf("row %d %s: %s %s", r.Row, r.Name, r.Status, r.Reason)
				}
			}
			start := time.Now()
			rep, err := sheet.Import(ctx, sales.New(fresh), bytes.NewReader(data), "customers."+format, sheet.ImportOptions{Actor: freshAdmin.ID, Now: now, AllowSimilar: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s: imported %d rows in %v", db.Driver(), format, rep.Rows, time.Since(start).Round(time.Millisecond))
			if rep.Created != len(want) || rep.Skipped != 0 {
				for _, r := range rep.Results {
					if r.Status != sheet.StatusCreated {
						t.Errorf("row %d %s: %s %s", r.Row, r.Name, r.Status, r.Reason)
					}
				}
				t.Fatalf("%s: created %d of %d", format, rep.Created, len(want))
			}
			if rep.Columns["阶段"] != "" || rep.Columns["最近跟进"] != "" || rep.Columns["其他联系人"] != "more_contacts" {
				t.Errorf("columns %v", rep.Columns)
			}
			got := allCustomers(t, fresh)
			if len(got) != len(want) {
				t.Fatalf("%d customers after import, want %d", len(got), len(want))
			}
			for key, w := range want {
				g, ok := got[key]
				if !ok {
					t.Errorf("%s: %s missing", format, w.Name)
					continue
				}
				if g.Name != w.Name || !sameChoices(g, w) ||
					g.OwnerName != w.OwnerName || g.Note != w.Note ||
					g.CreatedAt.In(loc).Format(time.DateOnly) != w.CreatedAt.In(loc).Format(time.DateOnly) {
					t.Errorf("%s: customer differs:\n got %+v\nwant %+v", format, g, w)
				}
				if len(g.Contacts) != len(w.Contacts) {
					t.Errorf("%s: %s contacts %+v, want %+v", format, w.Name, g.Contacts, w.Contacts)
					continue
				}
				for i := range w.Contacts {
					gc, wc := g.Contacts[i], w.Contacts[i]
					if gc.Name != wc.Name || gc.Phone != wc.Phone || gc.Title != wc.Title {
						t.Errorf("%s: %s contact %d %+v, want %+v", format, w.Name, i, gc, wc)
					}
				}
			}
		}
	})
}

// allCustomers loads every customer with contacts, by normalised name.
func allCustomers(t testing.TB, st crm.Store) map[string]crm.Customer {
	t.Helper()
	out := map[string]crm.Customer{}
	for off := 0; ; off += 200 {
		page, err := st.ListCustomers(ctx, crm.Scope{All: true}, 200, off)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			full, err := st.Customer(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			out[full.NameKey] = full
		}
		if len(page) < 200 {
			return out
		}
	}
}

// TestExportTable writes an analysis table in both formats.
func TestExportTable(t *testing.T) {
	t.Parallel()
	header := []string{"行业", "客户数", "金额（元）", "占比", "电话"}
	rows := [][]string{
		{"软件", "12", "1250000.50", "35%", "+8613800138000"},
		{"=HYPERLINK(\"http://x\")", "-3", "007", "1,000", "13800138000"},
	}
	var xb bytes.Buffer
	if err := sheet.ExportTable(&xb, "xlsx", "行业/分布:2026", header, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(xb.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetList()[0]
	if sh != "行业_分布_2026" {
		t.Errorf("sheet name %q", sh)
	}
	for cell, numeric := range map[string]bool{"B2": true, "C2": true, "B3": true, "C3": false, "D2": false, "D3": false, "E2": false, "A3": false} {
		typ, _ := f.GetCellType(sh, cell)
		if isNum := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset; isNum != numeric {
			v, _ := f.GetCellValue(sh, cell)
			t.Errorf("%s (%q): type %v, numeric want %v", cell, v, typ, numeric)
		}
	}
	if formula, _ := f.GetCellFormula(sh, "A3"); formula != "" {
		t.Errorf("a formula was written: %q", formula)
	}
	got, _ := f.GetRows(sh)
	if !slices.Equal(got[0], header) || got[2][2] != "007" || got[1][4] != "+8613800138000" {
		t.Errorf("rows %q", got)
	}

	var cb bytes.Buffer
	if err := sheet.ExportTable(&cb, "CSV", "x", header, rows); err != nil {
		t.Fatal(err)
	}
	back := readBack(t, writeTemp(t, "t.csv", cb.Bytes()))
	if !slices.Equal(back[0], header) || back[2][0] != `'=HYPERLINK("http://x")` || back[1][4] != "+8613800138000" || back[2][1] != "-3" {
		t.Errorf("csv %q", back)
	}
	if !strings.HasPrefix(cb.String(), "\uFEFF行业,") {
		t.Errorf("csv starts %q", cb.String()[:12])
	}
	if err := sheet.ExportTable(&cb, "ods", "x", header, rows); err == nil {
		t.Error("ods accepted")
	}
}

// seedCustomers creates an organisation (newOrg) and n customers with what
// real books have: names with and without regions, brackets and legal
// forms, Latin names, zero to three contacts (some without a name, a phone
// or a title), notes with line breaks, quotes, separators and leading
// characters a spreadsheet would run as a formula.
func seedCustomers(t testing.TB, db *store.DB, now time.Time, n int) org {
	t.Helper()
	o := newOrg(t, db)
	rng := rand.New(rand.NewPCG(3, 9))
	owners := []crm.User{o.rep1, o.rep2, o.rep3, o.manager}
	trades := []rune("青禾新锐明远恒信星辰蓝海楚天湘江山城燕山华泰博源天诚百川汇丰锦程合力君安晟铭友邦润泽同创安信天工美达联众兴业")
	prefixes := []string{"北京", "上海市", "（苏州）", "", "", "杭州"}
	inds := []string{"科技", "机械制造", "贸易", "物流", "餐饮管理", "建材", "文化传媒"} // in the name
	industries := []choice.Value{{Code: "it"}, {Code: "manufacturing"}, {Code: "retail"}, {Code: "logistics"},
		{Code: choice.Other, Detail: "餐饮管理"}, {Code: "construction"}, {Code: choice.Other, Detail: "文化传媒"}, {}}
	forms := []string{"有限公司", "股份有限公司", "有限责任公司", "集团有限公司"}
	people := []string{"王总", "李工", "赵经理", "Tom Lee", "", "孙小姐"}
	titles := []string{"总经理", "采购经理", "", "工程师"}
	notes := []string{"", "", "重点客户，季度回访", "第一行\n第二行", `他说"下周再谈"；先发报价`, "-暂不跟进", "@张三 请跟进", "=1+1"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for i := range n {
		var name string
		switch {
		case i == 0:
			name = "=青禾公式科技有限公司" // a name a spreadsheet would run as a formula
		case i%17 == 5:
			name = fmt.Sprintf("Acme %c%c Robotics Co., Ltd.", 'A'+rune(i%26), 'a'+rune(i/26%26))
		default:
			name = pick(prefixes) + string(trades[rng.IntN(len(trades))]) + string(trades[rng.IntN(len(trades))]) +
				string(trades[rng.IntN(len(trades))]) + pick(inds) + pick(forms)
		}
		if _, err := db.CustomerByKey(ctx, company.Parse(name).Key); err == nil {
			continue // the random trade name came up twice
		}
		region := choice.RegionOf(company.Parse(name).Region)
		if region == "" && rng.IntN(2) == 0 {
			region = pick([]string{"chengdu", "wuhan"})
		}
		var contacts []crm.Contact
		for k := range rng.IntN(4) {
			ct := crm.Contact{Name: pick(people), Title: pick(titles)}
			if rng.IntN(5) > 0 {
				ct.Phone = fmt.Sprintf("13%09d", rng.IntN(1_000_000_000))
			}
			if k == 1 && rng.IntN(3) == 0 {
				ct.Phone = "+8602" + strconv.Itoa(10000000+rng.IntN(89999999))
			}
			if ct.Name == "" && ct.Phone == "" && ct.Title == "" {
				ct.Name = "前台"
			}
			contacts = append(contacts, ct)
		}
		c := crm.Customer{Name: name, Size: pick([]string{"", "s1", "s2", "s3"}),
			Region: region, Source: pick([]string{"expo", "website", "referral", ""}), OwnerID: owners[rng.IntN(len(owners))].ID,
			Note: pick(notes), Contacts: contacts,
			CreatedAt: now.AddDate(0, 0, -rng.IntN(400)).Add(-time.Duration(rng.IntN(12)) * time.Hour)}
		c.SetChoice(choice.Industry, industries[rng.IntN(len(industries))])
		if rng.IntN(9) == 0 {
			c.SetChoice(choice.Source, choice.Value{Code: choice.Other, Detail: "抖音"})
		}
		if _, err := db.CreateCustomer(ctx, c.OwnerID, c); err != nil {
			t.Fatal(err)
		}
	}
	return o
}
