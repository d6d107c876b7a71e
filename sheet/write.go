package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/salesbot-crm/salesbot/crm/textwidth"
)

// normFormat turns "xlsx", ".XLSX", "csv" into "xlsx" or "csv".
func normFormat(format string) (string, error) {
	f := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(format), "."))
	if f == "xlsx" || f == "csv" {
		return f, nil
	}
	return "", fmt.Errorf("sheet: unknown format %q (want xlsx or csv)", format)
}

// tableWriter writes one table, row by row, as .xlsx or .csv.
type tableWriter interface {
	// Row writes a row; its cells are strings, numbers or time.Time
	// (a date; "" for a missing one).
	Row(cells []any) error
	// Close finishes the file and writes it out.
	Close() error
	// Abort releases what the writer holds without writing the rest.
	Abort()
}

// newTableWriter starts a table with its header. widths are the column
// widths in characters for .xlsx (nil: a default width); comma is the CSV
// delimiter.
func newTableWriter(w io.Writer, format, sheetName string, header []string, widths []float64, comma rune) (tableWriter, error) {
	if format == "csv" {
		return newCSVWriter(w, header, comma)
	}
	return newXLSXWriter(w, sheetName, header, widths)
}

// csvWriter writes UTF-8 with a byte order mark, which Excel needs to show
// Chinese correctly, CRLF line ends, and cells that would run as formulas
// escaped (see escapeFormula).
type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func newCSVWriter(w io.Writer, header []string, comma rune) (*csvWriter, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if comma != 0 {
		cw.Comma = comma
	}
	c := &csvWriter{bw: bw, cw: cw}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	return c, c.Row(cells)
}

func (c *csvWriter) Row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		switch x := v.(type) {
		case string:
			rec[i] = escapeFormula(x)
		case time.Time:
			if !x.IsZero() {
				rec[i] = x.Format(time.DateOnly)
			}
		case int:
			rec[i] = strconv.Itoa(x)
		case int64:
			rec[i] = strconv.FormatInt(x, 10)
		case float64:
			rec[i] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			rec[i] = escapeFormula(fmt.Sprint(x))
		}
	}
	return c.cw.Write(rec)
}

func (c *csvWriter) Abort() {}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("sheet: write csv: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("sheet: write csv: %w", err)
	}
	return nil
}

// xlsxWriter streams rows into one sheet: a styled, frozen header row,
// column widths, dates as real date cells.
type xlsxWriter struct {
	w         io.Writer
	f         *excelize.File
	sw        *excelize.StreamWriter
	row       int
	dateStyle int
	textStyle int // number format Text: the cell is text, whatever it starts with
}

func newXLSXWriter(w io.Writer, sheetName string, header []string, widths []float64) (xw *xlsxWriter, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			f.Close()
			err = fmt.Errorf("sheet: write xlsx: %w", err)
		}
	}()
	name := safeSheetName(sheetName)
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return nil, err
	}
	headerStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4472C4"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
		Border: []excelize.Border{
			{Type: "left", Color: "D9D9D9", Style: 1}, {Type: "right", Color: "D9D9D9", Style: 1},
			{Type: "top", Color: "D9D9D9", Style: 1}, {Type: "bottom", Color: "D9D9D9", Style: 1},
		},
	})
	if err != nil {
		return nil, err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": Text
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	for i := range header {
		wd := 14.0
		if i < len(widths) && widths[i] > 0 {
			wd = widths[i]
		}
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: headerStyle, Value: h}
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	return &xlsxWriter{w: w, f: f, sw: sw, row: 1, dateStyle: dateStyle, textStyle: textStyle}, nil
}

func (x *xlsxWriter) Row(cells []any) error {
	x.row++
	vals := make([]any, len(cells))
	for i, v := range cells {
		switch t := v.(type) {
		case time.Time:
			if t.IsZero() {
				vals[i] = nil
			} else {
				// A date cell shows the wall-clock date of t: strip the zone
				// so the serial number is that date, not its UTC instant.
				d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				vals[i] = excelize.Cell{StyleID: x.dateStyle, Value: d}
			}
		case string:
			t = sanitizeXML(t)
			if len(t) > maxCellChars { // Excel's limit; only ever hit by generic tables
				if r := []rune(t); len(r) > maxCellChars {
					t = string(r[:maxCellChars])
				}
			}
			if formulaStart(t) {
				// A string cell formatted as Text ("@"): shown as typed,
				// never evaluated, even after someone edits it.
				vals[i] = excelize.Cell{StyleID: x.textStyle, Value: t}
			} else {
				vals[i] = t
			}
		default:
			vals[i] = v
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	if err := x.sw.SetRow(cell, vals); err != nil {
		return fmt.Errorf("sheet: write xlsx row %d: %w", x.row, err)
	}
	return nil
}

func (x *xlsxWriter) Abort() { x.f.Close() }

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: write xlsx: %w", err)
	}
	if _, err := x.f.WriteTo(x.w); err != nil {
		return fmt.Errorf("sheet: write xlsx: %w", err)
	}
	return nil
}

// maxCellChars is the most characters an Excel cell holds.
const maxCellChars = 32767

// sanitizeXML drops characters XML 1.0 cannot carry (control characters
// other than tab and newlines), which would make Excel refuse the file.
func sanitizeXML(s string) string {
	ok := true
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
}

// safeSheetName makes a valid Excel sheet name: at most 31 characters,
// none of : \ / ? * [ ], not empty.
func safeSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, strings.Trim(strings.TrimSpace(s), "'"))
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" {
		s = "Sheet1"
	}
	return s
}

// columnWidths sizes each column to its widest cell (header included),
// between 8 and 60 characters.
func columnWidths(header []string, rows [][]string) []float64 {
	w := make([]float64, len(header))
	for i, h := range header {
		w[i] = float64(textwidth.Of(h))
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(w) {
				// a multi-line cell is as wide as its longest line
				for line := range strings.SplitSeq(c, "\n") {
					w[i] = max(w[i], float64(textwidth.Of(line)))
				}
			}
		}
	}
	for i := range w {
		w[i] = min(max(w[i]+2, 8), 60)
	}
	return w
}

// plainNumber matches numbers ExportTable writes as numeric cells: an
// optional minus, no leading zero, at most 15 digits, an optional fraction.
// Anything else (phone numbers with +, codes with leading zeros, "5万",
// "12.5%", "1,000") stays text.
var plainNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?$`)

// ExportTable writes a table (analyses, reports) as .xlsx or .csv: format
// is "xlsx" or "csv". In .xlsx the header row is styled and frozen, columns
// are sized to their content, and cells that are plain decimal numbers
// ("1250", "-3.5") become numeric cells so they can be summed and charted.
// The .csv is UTF-8 with a byte order mark, so Excel shows Chinese right.
func ExportTable(w io.Writer, format string, sheetName string, header []string, rows [][]string) error {
	format, err := normFormat(format)
	if err != nil {
		return err
	}
	var widths []float64
	if format == "xlsx" {
		widths = columnWidths(header, rows)
	}
	tw, err := newTableWriter(w, format, sheetName, header, widths, ',')
	if err != nil {
		return err
	}
	for _, r := range rows {
		cells := make([]any, len(r))
		for i, c := range r {
			cells[i] = c
			if format == "xlsx" && plainNumber.MatchString(c) {
				if f, err := strconv.ParseFloat(c, 64); err == nil {
					cells[i] = f
				}
			}
		}
		if err := tw.Row(cells); err != nil {
			tw.Abort()
			return err
		}
	}
	return tw.Close()
}
