package sheet

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Fields a column can map to (ImportReport.Columns values).
const (
	FieldName         = "name"
	FieldIndustry     = "industry"
	FieldSize         = "size"
	FieldRegion       = "region"
	FieldSource       = "source"
	FieldContact      = "contact"
	FieldPhone        = "phone"
	FieldTitle        = "title"
	FieldOwner        = "owner"
	FieldNote         = "note"
	FieldCreated      = "created"       // 创建日期: the customer's creation date
	FieldMoreContacts = "more_contacts" // 其他联系人: "name（title）phone；…"
)

// headerAliases lists the headers each field is recognised by. Headers are
// compared folded (see foldHeader): full-width to half-width, lower case,
// without spaces, underscores, hyphens, asterisks and colons.
var headerAliases = map[string][]string{
	FieldName: {"公司名称", "客户名称", "公司", "客户", "企业名称", "单位名称", "公司全称", "客户全称", "企业",
		"Company", "Company Name", "Customer", "Customer Name", "Name", "Account", "Account Name"},
	FieldIndustry: {"行业", "所属行业", "行业类别", "Industry"},
	FieldSize:     {"规模", "人数", "员工数", "公司规模", "企业规模", "人员规模", "员工人数", "Size", "Employees", "Company Size"},
	FieldRegion:   {"地区", "城市", "省份", "区域", "所在地区", "所在城市", "省市", "Region", "City", "Province", "Area"},
	FieldSource:   {"来源", "客户来源", "渠道", "线索来源", "Source", "Lead Source", "Channel"},
	FieldContact:  {"联系人", "联系人姓名", "姓名", "Contact", "Contact Name", "Contact Person"},
	FieldPhone: {"电话", "手机", "联系电话", "手机号", "手机号码", "电话号码", "联系方式", "座机",
		"Phone", "Mobile", "Tel", "Telephone", "Phone Number", "Mobile Phone", "Cell"},
	FieldTitle: {"职位", "职务", "联系人职位", "联系人职务", "Title", "Job Title", "Position"},
	FieldOwner: {"负责人", "销售", "归属", "销售负责人", "客户负责人", "跟进人", "所属销售", "业务员", "归属人",
		"Owner", "Sales Rep", "Sales", "Salesperson", "Account Owner"},
	FieldNote:         {"备注", "备注信息", "说明", "Note", "Notes", "Remark", "Remarks", "Comment", "Comments"},
	FieldCreated:      {"创建日期", "创建时间", "录入日期", "录入时间", "Created", "Created At", "Created On", "Date Created"},
	FieldMoreContacts: {"其他联系人", "Other Contacts", "More Contacts"},
}

// reasonHeaders are the headers of the column Import adds to rejected rows;
// on a re-import of a rejected-rows file the column is replaced, not
// added a second time.
var reasonHeaders = []string{"原因", "Reason", "原因/Reason"}

// foldHeader folds a header for comparison.
func foldHeader(s string) string {
	s = width.Narrow.String(strings.TrimSpace(s))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '*' || r == ':' || r == '：' || r == '.' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// stripBracketSuffix turns "规模(人)" or "电话（手机）" into "规模" / "电话".
func stripBracketSuffix(s string) string {
	s = width.Narrow.String(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "(["); i > 0 && (strings.HasSuffix(s, ")") || strings.HasSuffix(s, "]")) {
		return s[:i]
	}
	return s
}

// fieldOf returns the field a header maps to, "" for an unknown header.
// It never allocates a table: the aliases are folded on each call, which is
// cheap next to reading a file and runs once per column.
func fieldOf(header string) string {
	for _, h := range []string{header, stripBracketSuffix(header)} {
		f := foldHeader(h)
		if f == "" {
			continue
		}
		for field, aliases := range headerAliases {
			for _, a := range aliases {
				if foldHeader(a) == f {
					return field
				}
			}
		}
	}
	return ""
}

func isReasonHeader(h string) bool {
	f := foldHeader(h)
	for _, r := range reasonHeaders {
		if foldHeader(r) == f {
			return true
		}
	}
	return false
}

// columnMap is the header row mapped to fields.
type columnMap struct {
	header  []string
	fields  map[string][]int // field → column indexes, in header order
	chinese bool             // the headers are Chinese: reasons in Chinese
}

// mapHeader maps a header row. ok is false when no column is a company name.
func mapHeader(header []string) (columnMap, bool) {
	m := columnMap{header: header, fields: map[string][]int{}}
	han := 0
	for i, h := range header {
		if hasHan(h) {
			han++
		}
		if f := fieldOf(h); f != "" {
			m.fields[f] = append(m.fields[f], i)
		}
	}
	m.chinese = han > 0
	return m, len(m.fields[FieldName]) > 0
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// cell returns the first non-empty value of a field in a row.
func (m columnMap) cell(cells []string, field string) string {
	for _, i := range m.fields[field] {
		if i < len(cells) && cells[i] != "" {
			return cells[i]
		}
	}
	return ""
}

// all returns every non-empty value of a field in a row (a sheet may have
// both 电话 and 手机).
func (m columnMap) all(cells []string, field string) []string {
	var out []string
	for _, i := range m.fields[field] {
		if i < len(cells) && cells[i] != "" {
			out = append(out, cells[i])
		}
	}
	return out
}
