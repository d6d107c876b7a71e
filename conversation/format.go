package conversation

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
)

var (
	weekdaysZH = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
)

// FormatDate writes a date for people: 12月4日（周五） or Fri 4 Dec.
func FormatDate(lang string, d crm.Date) string {
	t := d.Time(time.UTC)
	if t.IsZero() {
		return "-"
	}
	if lang == LangEN {
		return t.Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%d月%d日（%s）", int(t.Month()), t.Day(), weekdaysZH[t.Weekday()])
}

// FormatShortDate writes 12月4日 or 4 Dec.
func FormatShortDate(lang string, d crm.Date) string {
	t := d.Time(time.UTC)
	if t.IsZero() {
		return "-"
	}
	if lang == LangEN {
		return t.Format("2 Jan")
	}
	return fmt.Sprintf("%d月%d日", int(t.Month()), t.Day())
}

// FormatDateTime writes 12月4日（周五）15:00 or Fri 4 Dec 15:00, in loc.
func FormatDateTime(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return FormatDate(lang, crm.DateOf(t)) + " " + t.Format("15:04")
}

// FormatMoney writes ¥50,000.
func FormatMoney(m crm.Money) string { return m.String() }

// Short cuts text to n runes with an ellipsis, for lists.
func Short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// StageName is a stage's name in lang.
func StageName(lang string, s crm.Stage) string { return T(lang, "stage."+string(s)) }

// daysAgo says how long ago t was: 今天, 3天前 / today, 3 days ago.
func daysAgo(lang string, now, t time.Time) string {
	d := int(crm.DateOf(t.In(now.Location())).DaysUntil(crm.DateOf(now)))
	if d <= 0 {
		return T(lang, "time.today")
	}
	return T(lang, "time.days_ago", d)
}

// ShortName is a company name for lists and pushes: for a Chinese name,
// the trade name and industry without region and legal form (北京青禾新锐科技
// 有限公司 → 青禾新锐科技); otherwise the name cut to fit.
func ShortName(name string) string {
	for _, r := range name {
		if unicode.Is(unicode.Han, r) {
			if k := company.Parse(name).Key; k != "" {
				return Short(k, 12)
			}
			break
		}
	}
	return Short(name, 16)
}

// OwnerLabel names a customer's owner with their department when there is
// one: 张伟（华东区）.
func OwnerLabel(lang, owner, dept string) string {
	if dept == "" {
		return owner
	}
	return T(lang, "owner.with_dept", owner, dept)
}

// SheetStageName words a stage in a spreadsheet's 阶段 column: its Chinese
// name ("" for no stage), whatever the reader's language — the columns of
// an export are Chinese, so that it imports back.
func SheetStageName(s crm.Stage) string {
	if s == "" {
		return ""
	}
	return StageName(LangZH, s)
}

// Lists and asides are punctuated in the reader's language: 张三、李四 /
// 张三, 李四 (Enum), A，B / A, B (List), A；B / A; B (Semi), X（说明） /
// X (note) (Aside), 拜访：内容 / Visit: text (Labelled).
func Enum(lang string, items []string) string { return strings.Join(items, T(lang, "punct.enum")) }

// List joins the items of a sentence's list.
func List(lang string, items []string) string { return strings.Join(items, T(lang, "punct.list")) }

// Semi joins items that are themselves phrases.
func Semi(lang string, items []string) string { return strings.Join(items, T(lang, "punct.semi")) }

// Aside is s in brackets after what it qualifies.
func Aside(lang, s string) string { return T(lang, "punct.aside", s) }

// Labelled is text after its label.
func Labelled(lang, label, text string) string { return T(lang, "punct.labelled", label, text) }
