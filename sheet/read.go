package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/salesbot-crm/salesbot/crm"
)

// Limits on what Import reads. A chat upload is at most a few megabytes; the
// limits stop a broken or hostile file from exhausting memory.
const (
	maxInputBytes = 100 << 20 // the file as uploaded
	maxUnzipBytes = 512 << 20 // an .xlsx unpacked
	maxRows       = 200_000   // data rows
)

// Encodings reported in ImportReport.Encoding.
const (
	EncUTF8  = "utf-8"
	EncGBK   = "gbk"
	EncUTF16 = "utf-16"
	EncBig5  = "big5"
	EncXLSX  = "xlsx"
)

// table is a spreadsheet as read: its non-empty rows with their row numbers
// as a spreadsheet program shows them (1-based).
type table struct {
	format   string // "xlsx" or "csv"
	encoding string
	comma    rune   // csv delimiter
	sheet    string // xlsx sheet name
	rows     []record
}

type record struct {
	row   int
	cells []string
}

// formatOf returns "xlsx" or "csv" for a file name, or an error saying what
// is accepted.
func formatOf(filename string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".xlsx", ".xlsm":
		return "xlsx", nil
	case ".csv", ".tsv", ".txt":
		return "csv", nil
	case ".xls", ".et", ".wps":
		return "", fmt.Errorf("sheet: %s: old binary spreadsheet format %s is not supported: save it as .xlsx (Excel Workbook) or .csv", filename, ext)
	default:
		return "", fmt.Errorf("sheet: %s: unsupported file type %q: use .xlsx or .csv", filename, ext)
	}
}

// readTable reads a whole .xlsx or .csv file.
func readTable(r io.Reader, filename string) (*table, error) {
	format, err := formatOf(filename)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("sheet: read %s: %w", filename, err)
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("sheet: %s is larger than %d MiB", filename, maxInputBytes>>20)
	}
	var t *table
	if format == "xlsx" {
		t, err = readXLSX(data)
	} else {
		t, err = readCSV(data)
	}
	if err != nil {
		return nil, fmt.Errorf("sheet: read %s: %w", filename, err)
	}
	return t, nil
}

// readXLSX reads the first sheet. Cells are read raw (unformatted), so a
// phone number typed as a number stays 13800138000 rather than 1.38E+10 and
// a date cell gives its serial number (parseDate understands both).
func readXLSX(data []byte) (*table, error) {
	opts := excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipBytes}
	f, err := excelize.OpenReader(bytes.NewReader(data), opts)
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
			return nil, fmt.Errorf("not a valid .xlsx file (%v)", err)
		}
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("the workbook has no sheet")
	}
	t := &table{format: "xlsx", encoding: EncXLSX, sheet: sheets[0]}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(opts)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", n, err)
		}
		if err := t.add(n, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	return t, nil
}

// add keeps a row unless all its cells are blank.
func (t *table) add(row int, cells []string) error {
	blank := true
	for i, c := range cells {
		c = strings.TrimSpace(c)
		cells[i] = c
		if c != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	if len(t.rows) >= maxRows {
		return fmt.Errorf("more than %d rows: split the file", maxRows)
	}
	t.rows = append(t.rows, record{row: row, cells: cells})
	return nil
}

// decodeText returns the text of a CSV file as UTF-8 and the encoding it
// was in, detected, not assumed: UTF-8 (with or without BOM) when it is
// valid UTF-8, UTF-16 when it starts with a UTF-16 BOM (Excel's "Unicode
// text"); otherwise GBK (decoded as GB18030, its superset, as Excel on
// Chinese Windows saves CSV) or Big5 (Excel on Taiwanese or Hong Kong
// Windows), whichever decodes without error and reads as Chinese text — at
// least 85% of its two-byte characters among that encoding's common
// characters (GB2312 level 1 and punctuation; Big5's frequently used
// characters and punctuation). Anything else — Latin-1, Shift-JIS, a binary
// file — is refused (Invalid "import.encoding_unknown") rather than
// imported as mojibake.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", errors.New("the file starts with a UTF-8 byte order mark but is not valid UTF-8")
		}
		return string(data), EncUTF8, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("decode UTF-16: %w", err)
		}
		return string(out), EncUTF16, nil
	case utf8.Valid(data):
		return string(data), EncUTF8, nil
	}
	gbk, big5 := chineseScore(data, gbkCommon, gbkLead), chineseScore(data, big5Common, big5Lead)
	enc, dec := EncGBK, simplifiedchinese.GB18030.NewDecoder()
	score := gbk
	if big5 > gbk {
		enc, dec, score = EncBig5, traditionalchinese.Big5.NewDecoder(), big5
	}
	if score >= minChineseScore {
		if out, err := dec.Bytes(data); err == nil && !bytes.ContainsRune(out, utf8.RuneError) {
			return string(out), enc, nil
		}
	}
	return "", "", &crm.Error{Code: crm.CodeInvalid, Key: "import.encoding_unknown",
		Err: errors.New("the file's encoding is not UTF-8, UTF-16, GBK/GB18030 or Big5: save it as CSV UTF-8 and try again")}
}

// minChineseScore is the share of two-byte characters that must be common
// characters of an encoding for a file to be read in it.
const minChineseScore = 0.85

// chineseScore walks data as a double-byte encoding (lead tells a lead
// byte) and returns the share of its two-byte characters that common
// accepts; 0 when a lead byte has no trail or there are none.
func chineseScore(data []byte, common func(lead, trail byte) bool, lead func(byte) bool) float64 {
	var pairs, good int
	for i := 0; i < len(data); i++ {
		b := data[i]
		if b < 0x80 {
			continue
		}
		if !lead(b) || i+1 >= len(data) {
			return 0
		}
		pairs++
		if common(b, data[i+1]) {
			good++
		}
		i++
	}
	if pairs == 0 {
		return 0
	}
	return float64(good) / float64(pairs)
}

func gbkLead(b byte) bool { return b >= 0x81 && b <= 0xFE }

// gbkCommon: GB2312's punctuation and symbols (rows 0xA1–0xA9) and its
// level-1 characters (0xB0–0xD7), the 3,755 that make up nearly all text.
func gbkCommon(lead, trail byte) bool {
	return trail >= 0xA1 && trail <= 0xFE && (lead >= 0xA1 && lead <= 0xA9 || lead >= 0xB0 && lead <= 0xD7)
}

func big5Lead(b byte) bool { return b >= 0x81 && b <= 0xFE } // WHATWG Big5, HKSCS included

// big5Common: Big5's punctuation (0xA1–0xA3) and its 5,401 frequently used
// characters (0xA4–0xC6).
func big5Common(lead, trail byte) bool {
	return lead >= 0xA1 && lead <= 0xC6 && (trail >= 0x40 && trail <= 0x7E || trail >= 0xA1 && trail <= 0xFE)
}

// sniffComma picks the delimiter of the first line: the most frequent of
// comma, semicolon and tab outside quotes (comma on a tie or when none).
func sniffComma(text string) rune {
	counts := map[rune]int{}
	inQuote := false
	for _, r := range text {
		if r == '"' {
			inQuote = !inQuote
			continue
		}
		if !inQuote && (r == '\n' || r == '\r') {
			break
		}
		if !inQuote && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

func readCSV(data []byte) (*table, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	t := &table{format: "csv", encoding: enc, comma: sniffComma(text)}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = t.comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	// Row numbers as a spreadsheet shows them: csv skips blank lines, and a
	// quoted cell may span lines, so count from where each record starts.
	row, nextLine := 0, 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		row += 1 + max(0, line-nextLine) // blank lines skipped before it
		lastLine, _ := cr.FieldPos(len(rec) - 1)
		nextLine = lastLine + strings.Count(rec[len(rec)-1], "\n") + 1
		for i, c := range rec {
			rec[i] = unescapeFormula(c)
		}
		if err := t.add(row, rec); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// unescapeFormula undoes escapeFormula: a cell written as '=... by an export
// is read back as =....
func unescapeFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' && formulaStart(s[1:]) {
		return s[1:]
	}
	return s
}

// formulaStart reports whether a spreadsheet program would evaluate s
// (CSV injection, OWASP): it starts with =, @, a tab or a carriage return,
// their full-width forms, or + or - (ASCII or full-width) — except a plain
// number such as -3, 1.5 or +8613800138000, which is read as that number
// and runs nothing. "-" alone is text. A phone number written with spaces
// or dashes ("+86 138 0013 8000") is neutralised like any other: a
// spreadsheet would take it as arithmetic.
func formulaStart(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '@', '\t', '\r', '＝', '＠':
		return true
	case '+', '-', '＋', '－':
		return len(s) > size && !signedDecimal(s)
	}
	return false
}

// signedDecimal reports whether s is an optionally signed decimal number of
// ASCII digits: [+-]digits[.digits] or [+-].digits.
func signedDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	intPart, frac, dot := strings.Cut(s, ".")
	if intPart == "" && frac == "" || dot && frac == "" {
		return false
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// escapeFormula prefixes a CSV cell that would run as a formula with an
// apostrophe, the spreadsheet convention for "this is text".
func escapeFormula(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}
