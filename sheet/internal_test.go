package sheet

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/salesbot-crm/salesbot/crm/company"
)

func TestFieldOf(t *testing.T) {
	for h, want := range map[string]string{
		"公司名称": FieldName, "公司名称*": FieldName, " 客户名称 ": FieldName, "Company Name": FieldName, "COMPANY  NAME": FieldName,
		"company_name": FieldName, "Ｃｏｍｐａｎｙ": FieldName, "客户": FieldName, "Name": FieldName,
		"行业": FieldIndustry, "Industry:": FieldIndustry,
		"规模（人）": FieldSize, "人数": FieldSize, "Employees": FieldSize,
		"城市": FieldRegion, "省份": FieldRegion, "region": FieldRegion,
		"客户来源": FieldSource, "渠道": FieldSource,
		"联系人": FieldContact, "Contact": FieldContact,
		"手机号": FieldPhone, "电话(手机)": FieldPhone, "Tel": FieldPhone, "Mobile": FieldPhone,
		"职务": FieldTitle, "Title": FieldTitle,
		"负责人": FieldOwner, "Sales Rep": FieldOwner, "销售": FieldOwner,
		"备注": FieldNote, "Remark": FieldNote, "notes": FieldNote,
		"创建日期": FieldCreated, "其他联系人": FieldMoreContacts,
		"阶段": "", "最近跟进": "", "地址": "", "QQ": "", "": "", "原因": "", "销售额": "",
	} {
		if got := fieldOf(h); got != want {
			t.Errorf("fieldOf(%q) = %q, want %q", h, got, want)
		}
	}
	// No alias may name two fields.
	seen := map[string]string{}
	for f, as := range headerAliases {
		for _, a := range as {
			k := foldHeader(a)
			if other, ok := seen[k]; ok && other != f {
				t.Errorf("alias %q is both %s and %s", a, other, f)
			}
			seen[k] = f
		}
	}
}

func TestDecodeText(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("公司名称,电话\n青禾科技,138\n")
	for _, c := range []struct {
		in, text, enc string
	}{
		{"公司名称\n", "公司名称\n", EncUTF8},
		{"\uFEFF公司名称\n", "公司名称\n", EncUTF8},
		{gbk, "公司名称,电话\n青禾科技,138\n", EncGBK},
		{"\xFF\xFE\x6C\x51\xF8\x53\n\x00", "公司\n", EncUTF16},
		{"Company\n", "Company\n", EncUTF8},
	} {
		text, enc, err := decodeText([]byte(c.in))
		if err != nil || text != c.text || enc != c.enc {
			t.Errorf("decodeText(%q) = %q, %q, %v; want %q, %q", c.in, text, enc, err, c.text, c.enc)
		}
	}
}

func TestReadCSV(t *testing.T) {
	for _, c := range []struct {
		in    string
		comma rune
	}{
		{"公司名称,电话,备注\r\n", ','},
		{"公司名称;电话;备注\n", ';'},
		{"公司名称\t电话\t备注\n", '\t'},
		{"\"公司,名称\";电话;备注\n", ';'},
		{"公司名称\n", ','},
	} {
		if got := sniffComma(c.in); got != c.comma {
			t.Errorf("sniffComma(%q) = %q, want %q", c.in, got, c.comma)
		}
	}
	// Row numbers as a spreadsheet shows them, across blank lines and a cell
	// spanning lines; blank rows dropped; formulas escaped by an export
	// read back.
	in := "公司名称;备注\n青禾科技;\"第一行\n第二行\"\n\n;\n恒信物流;'=1+1\n  \n明远机械;'不是公式\n"
	tb, err := readCSV([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var rows []int
	for _, r := range tb.rows {
		rows = append(rows, r.row)
	}
	if !slices.Equal(rows, []int{1, 2, 5, 7}) {
		t.Errorf("rows %v, want [1 2 5 7]", rows)
	}
	if tb.rows[1].cells[1] != "第一行\n第二行" || tb.rows[2].cells[1] != "=1+1" || tb.rows[3].cells[1] != "'不是公式" {
		t.Errorf("cells %+v", tb.rows)
	}
}

func TestParseDate(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	want := time.Date(2026, 3, 5, 0, 0, 0, 0, loc)
	for _, s := range []string{"2026-03-05", "2026-3-5", "2026/3/5", "2026.3.5", "2026年3月5日", "46086", "20260305", "2026-03-04T16:00:00Z"} {
		if got, ok := parseDate(s, loc); !ok || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	if got, ok := parseDate("2026-03-05 14:30", loc); !ok || !got.Equal(want.Add(14*time.Hour+30*time.Minute)) {
		t.Errorf("with time: %v %v", got, ok)
	}
	for _, s := range []string{"昨天", "3/5", "1e5", "0", "2026-13-01"} {
		if got, ok := parseDate(s, loc); ok {
			t.Errorf("parseDate(%q) = %v, want no date", s, got)
		}
	}
}

func TestFormulaEscape(t *testing.T) {
	for s, esc := range map[string]bool{"=SUM(A1)": true, "@x": true, "+cmd": true, "-x": true, "+8613800138000": false,
		"-3": false, "- 无": true, "-": false, "青禾": false, "": false, "-.5": false} {
		if got := formulaStart(s); got != esc {
			t.Errorf("formulaStart(%q) = %v", s, got)
		}
		if esc && unescapeFormula(escapeFormula(s)) != s {
			t.Errorf("round trip of %q", s)
		}
	}
}

// TestFileIndex: similar names are found among earlier rows through the
// rare grams, also when thousands of rows share a common industry word.
func TestFileIndex(t *testing.T) {
	x := newFileIndex()
	add := func(row int, name string) { x.add(company.Parse(name), fileRow{row: row, name: name}) }
	trades := []rune("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")
	row := 1
	for _, a := range trades {
		for _, b := range trades {
			for _, c := range trades[:5] {
				row++
				add(row, fmt.Sprintf("%c%c%c科技有限公司", a, b, c))
			}
		}
	}
	add(row+1, "青禾新锐科技有限公司")
	start := time.Now()
	for _, c := range []struct {
		name    string
		want    int
		similar bool
	}{
		{"北京青禾新锐软件有限公司", row + 1, true},
		{"青禾新锐", row + 1, true},
		{"明远机械科技有限公司", 0, false},
	} {
		got := x.similar(company.Parse(c.name), c.name)
		if ok := len(got) > 0; ok != c.similar || ok && got[0].row != c.want {
			t.Errorf("similar(%s) = %+v, want row %d %v", c.name, got, c.want, c.similar)
		}
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("3 lookups among %d rows took %v", row, el)
	}
}
