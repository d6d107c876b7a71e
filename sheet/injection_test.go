package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// OWASP CSV-injection payloads and friends: each must come out of every
// export neutralised — in CSV behind an apostrophe, in xlsx as a string
// cell formatted as Text (never a formula) — and read back by the importer
// as it was. Numbers and "-" stay as they are (#20 item 4).
func TestExportsCarryNoFormulas(t *testing.T) {
	payloads := []string{
		`=cmd|' /C calc'!A0`,
		`+cmd|' /C calc'!A0`,
		`-cmd|' /C calc'!A0`,
		`@SUM(1+1)*cmd|' /C calc'!A0`,
		`=HYPERLINK("http://evil.example","点我")`,
		`+1+cmd|' /C calc'!A0 丙科技有限公司`,
		`-1+HYPERLINK("http://evil.example")`,
		`-1+1`,
		`+1+1`,
		`=1+2";=1+2`,
		`DDE ("cmd";"/C calc";"!A0")A0`,
		"\t=1+2",
		"\r=1+2",
		`＝1+2`,
		`＋1+2`,
		`－1+2`,
		`＠SUM(1)`,
		`+86 138 0013 8000`,
		`- 无`,
	}
	neutral := map[string]bool{}
	for _, p := range payloads {
		neutral[p] = formulaStart(p)
	}
	for _, p := range []string{`+1+cmd|' /C calc'!A0 丙科技有限公司`, `-1+HYPERLINK("http://evil.example")`, `-1+1`, "\t=1+2", `＝1+2`, `+86 138 0013 8000`} {
		if !neutral[p] {
			t.Errorf("%q is not neutralised", p)
		}
	}
	plain := []string{"-3", "1.5", "+8613800138000", "-", "青禾", `DDE ("cmd";"/C calc";"!A0")A0`}
	for _, p := range plain {
		if formulaStart(p) {
			t.Errorf("%q is changed though a spreadsheet shows it as it is", p)
		}
	}
	cells := append(append([]string{}, payloads...), plain...)
	var rows [][]string
	for _, c := range cells {
		rows = append(rows, []string{c, "x"})
	}

	// CSV: an apostrophe before what would run; the importer takes it off.
	var csvOut bytes.Buffer
	if err := ExportTable(&csvOut, "csv", "t", []string{"名称", "备注"}, rows); err != nil {
		t.Fatal(err)
	}
	back, err := readCSV(csvOut.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	raw := csvOut.String()
	for i, c := range cells {
		if got := back.rows[i+1].cells[0]; got != strings.TrimSpace(c) { // the importer trims cells
			t.Errorf("CSV round trip: %q came back as %q", c, got)
		}
		if formulaStart(c) && strings.Contains(raw, "\n"+c) {
			t.Errorf("CSV carries %q at the start of a cell", c)
		}
	}
	for _, line := range strings.Split(raw, "\r\n")[1:] {
		if line == "" {
			continue
		}
		first := []rune(strings.TrimPrefix(line, `"`))[0]
		if strings.ContainsRune("=+-@\t\r＝＋－＠", first) && !isPlainCSVCell(line) {
			t.Errorf("CSV line starts with %q: %q", first, line)
		}
	}

	// xlsx: string cells, Text format where they would run, no formulas.
	var xOut bytes.Buffer
	if err := ExportTable(&xOut, "xlsx", "t", []string{"名称", "备注"}, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, c := range cells {
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
			t.Errorf("xlsx %s is a formula %q", ref, fm)
		}
		typ, _ := f.GetCellType(sheet, ref)
		v, _ := f.GetCellValue(sheet, ref)
		if signedDecimal(c) {
			continue // ExportTable makes plain numbers numeric cells
		}
		if v != c || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("xlsx %s: %q (type %v), want the string %q", ref, v, typ, c)
		}
		if formulaStart(c) {
			style, _ := f.GetCellStyle(sheet, ref)
			st, err := f.GetStyle(style)
			if err != nil || st.NumFmt != 49 {
				t.Errorf("xlsx %s (%q) is not formatted as Text: %+v %v", ref, c, st, err)
			}
		}
	}
}

// isPlainCSVCell reports whether a CSV line starts with a plain number or
// a lone "-" (left as they are).
func isPlainCSVCell(line string) bool {
	first, _, _ := strings.Cut(line, ",")
	return signedDecimal(first) || first == "-"
}
