package typed

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai and America/New_York without system zoneinfo
)

func testLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// testNow is Sunday 2026-11-29 10:00 in Shanghai.
func testNow(t testing.TB) time.Time {
	return time.Date(2026, 11, 29, 10, 0, 0, 0, testLoc(t, "Asia/Shanghai"))
}

// testKey checks that err is an *Error with the given key (crm reads it
// as an invalid-input error with that key: crm's TestTypedErrorsAreInvalid).
func testKey(t *testing.T, err error, key string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *Error", err)
	}
	if e.Key != key {
		t.Fatalf("error = %v, want %s", err, key)
	}
}

func TestAmount(t *testing.T) {
	const yuan = 100
	tests := []struct {
		in   string
		want int64
		key  string
	}{
		// The examples of the brief.
		{"50000", 50000 * yuan, ""},
		{"5万", 50000 * yuan, ""},
		{"五万", 50000 * yuan, ""},
		{"十二万五千", 125000 * yuan, ""},
		{"5w", 50000 * yuan, ""},
		{"5W", 50000 * yuan, ""},
		{"1.2亿", 120_000_000 * yuan, ""},
		{"50k", 50000 * yuan, ""},
		{"50K", 50000 * yuan, ""},
		{"¥3,000.50", 300050, ""},
		{"￥3,000.50", 300050, ""},
		{"3000元", 3000 * yuan, ""},
		{"3000块", 3000 * yuan, ""},
		{"5万元", 50000 * yuan, ""},
		{"1.5万", 15000 * yuan, ""},
		{"两万", 20000 * yuan, ""},
		{"二十万", 200000 * yuan, ""},
		{"一百二十万", 1_200_000 * yuan, ""},
		{"3千", 3000 * yuan, ""},
		{"3k", 3000 * yuan, ""},
		{"3,000", 3000 * yuan, ""},
		{"3，000", 3000 * yuan, ""},
		{"５万", 50000 * yuan, ""},
		{"RMB 5000", 5000 * yuan, ""},
		{"5 万", 50000 * yuan, ""},
		{"壹万", 10000 * yuan, ""},
		{"一万二", 12000 * yuan, ""},
		{"1万2", 12000 * yuan, ""},
		{"5.5k", 5500 * yuan, ""},
		{"0.5万", 5000 * yuan, ""},
		// More forms.
		{"壹拾贰万叁仟肆佰伍拾陆", 123456 * yuan, ""},
		{"贰佰万", 2_000_000 * yuan, ""},
		{"三千五", 3500 * yuan, ""},
		{"一百五", 150 * yuan, ""},
		{"一亿二", 120_000_000 * yuan, ""},
		{"一亿二千万", 120_000_000 * yuan, ""},
		{"一万零五", 10005 * yuan, ""},
		{"一千零十", 1010 * yuan, ""},
		{"一万二千", 12000 * yuan, ""},
		{"1万2千", 12000 * yuan, ""},
		{"1万2500", 12500 * yuan, ""},
		{"十", 10 * yuan, ""},
		{"十五", 15 * yuan, ""},
		{"二十五", 25 * yuan, ""},
		{"百万", 1_000_000 * yuan, ""},
		{"千万", 10_000_000 * yuan, ""},
		{"5百万", 5_000_000 * yuan, ""},
		{"1kw", 10_000_000 * yuan, ""},
		{"1w5k", 15000 * yuan, ""},
		{"1.5千万", 15_000_000 * yuan, ""},
		{"3000块钱", 3000 * yuan, ""},
		{"5000rmb", 5000 * yuan, ""},
		{"5000 RMB", 5000 * yuan, ""},
		{"CNY 100", 100 * yuan, ""},
		{"人民币5万", 50000 * yuan, ""},
		{"5万块", 50000 * yuan, ""},
		{"3,000,000", 3_000_000 * yuan, ""},
		{"1,234.5", 123450, ""},
		{"12.34", 1234, ""},
		{"0.01", 1, ""},
		{"0.00001k", 1, ""},
		{"0.001k", 1 * yuan, ""},
		{"3000.500", 300050, ""},
		{"1.23456万", 1234560, ""},
		{"1.2345678亿", 123_456_780 * yuan, ""},
		{"  5万  ", 50000 * yuan, ""},
		{"¥ 5,000", 5000 * yuan, ""},
		{"１２３４５", 12345 * yuan, ""},
		{"１．５万", 15000 * yuan, ""},
		{"1万亿", 1_000_000_000_000 * yuan, ""},
		{"1,000,000,000,000", 1_000_000_000_000 * yuan, ""},
		// Rejects.
		{"", 0, "amount.invalid"},
		{"   ", 0, "amount.invalid"},
		{"看情况吧", 0, "amount.invalid"},
		{"-5000", 0, "amount.negative"},
		{"－5000", 0, "amount.negative"},
		{"负五万", 0, "amount.negative"},
		{"1.234", 0, "amount.invalid"},
		{"1.2345678万", 0, "amount.invalid"},
		{"0.000001k", 0, "amount.invalid"},
		{"5万abc", 0, "amount.invalid"},
		{"5000 3000", 0, "amount.invalid"},
		{"5 000", 0, "amount.invalid"},
		{"3,00", 0, "amount.invalid"},
		{"1234,567", 0, "amount.invalid"},
		{"3000,", 0, "amount.invalid"},
		{",300", 0, "amount.invalid"},
		{"5.", 0, "amount.invalid"},
		{".5", 0, "amount.invalid"},
		{"1.2.3", 0, "amount.invalid"},
		{"万", 0, "amount.invalid"},
		{"k", 0, "amount.invalid"},
		{"元", 0, "amount.invalid"},
		{"5万5万", 0, "amount.invalid"},
		{"一亿一亿", 0, "amount.invalid"},
		{"一百一千", 0, "amount.invalid"},
		{"一万十", 0, "amount.invalid"},
		{"5kk", 0, "amount.invalid"},
		{"5万-6万", 0, "amount.invalid"},
		{"五五", 0, "amount.invalid"},
		{"5五", 0, "amount.invalid"},
		{"$500", 0, "amount.invalid"},
		{"5万左右", 0, "amount.invalid"},
		{"几万", 0, "amount.invalid"},
		{"abc", 0, "amount.invalid"},
		{"0", 0, "amount.zero"},
		{"0.00", 0, "amount.zero"},
		{"零", 0, "amount.zero"},
		{"0万", 0, "amount.zero"},
		{"¥0", 0, "amount.zero"},
		{"1,000,000,000,001", 0, "amount.too_large"},
		{"1.1万亿", 0, "amount.too_large"},
		{"2万亿", 0, "amount.too_large"},
		{"100000000000000000000000000", 0, "amount.too_large"},
		{"99999999亿", 0, "amount.too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Amount(tt.in)
			if tt.key != "" {
				testKey(t, err, tt.key)
				return
			}
			if err != nil {
				t.Fatalf("Amount(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Amount(%q) = %d fen, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"60", 60, true},
		{"60%", 60, true},
		{"60％", 60, true},
		{"６０％", 60, true},
		{" 75 % ", 75, true},
		{"百分之六十", 60, true},
		{"百分之60", 60, true},
		{"百分之百", 100, true},
		{"百分百", 100, true},
		{"六成", 60, true},
		{"6成", 60, true},
		{"六成五", 65, true},
		{"十成", 100, true},
		{"一半", 50, true},
		{"六十", 60, true},
		{"0.6", 60, true},
		{"0.65", 65, true},
		{"0.60", 60, true},
		{"1.0", 100, true},
		{"0", 0, true},
		{"0%", 0, true},
		{"100", 100, true},
		{"100%", 100, true},
		{"", 0, false},
		{"abc", 0, false},
		{"101", 0, false},
		{"101%", 0, false},
		{"-5", 0, false},
		{"60.5", 0, false},
		{"60.5%", 0, false},
		{"0.6%", 0, false},
		{"0.655", 0, false},
		{"1.5", 0, false},
		{"十一成", 0, false},
		{"六成十", 0, false},
		{"百分之一百零一", 0, false},
		{"6 0", 0, false},
		{"60%%", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Percent(tt.in)
			if !tt.ok {
				testKey(t, err, "percent.invalid")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Percent(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		in     string
		h, m   int
		reject bool
	}{
		{"15:00", 15, 0, false},
		{"15：00", 15, 0, false},
		{"9:05", 9, 5, false},
		{"09:05", 9, 5, false},
		{"0:00", 0, 0, false},
		{"23:59", 23, 59, false},
		{"15点", 15, 0, false},
		{"15点半", 15, 30, false},
		{"15点30", 15, 30, false},
		{"15点30分", 15, 30, false},
		{"15时30分", 15, 30, false},
		{"15点整", 15, 0, false},
		{"下午3点", 15, 0, false},
		{"下午3点半", 15, 30, false},
		{"下午三点", 15, 0, false},
		{"下午两点", 14, 0, false},
		{"下午3:30", 15, 30, false},
		{"下午15点", 15, 0, false},
		{"上午10点", 10, 0, false},
		{"早上9点", 9, 0, false},
		{"早9点", 9, 0, false},
		{"晚上8点", 20, 0, false},
		{"晚8点", 20, 0, false},
		{"晚上12点", 0, 0, false},
		{"中午12点", 12, 0, false},
		{"中午1点", 13, 0, false},
		{"凌晨2点", 2, 0, false},
		{"三点一刻", 3, 15, false},
		{"三点三刻", 3, 45, false},
		{"十点整", 10, 0, false},
		{"十二点", 12, 0, false},
		{"三点零五", 3, 5, false},
		{"三点十五分", 3, 15, false},
		{"3点", 3, 0, false},
		{"下午 3 点", 15, 0, false},
		{"3pm", 15, 0, false},
		{"3PM", 15, 0, false},
		{"3:30pm", 15, 30, false},
		{"3 pm", 15, 0, false},
		{"3 p.m.", 15, 0, false},
		{"9am", 9, 0, false},
		{"12am", 0, 0, false},
		{"12pm", 12, 0, false},
		{"noon", 12, 0, false},
		{"Noon", 12, 0, false},
		{"midnight", 0, 0, false},
		{"中午", 12, 0, false},
		{"１５：３０", 15, 30, false},
		// Rejects.
		{"1500", 0, 0, true},
		{"15", 0, 0, true},
		{"15h", 0, 0, true},
		{"24:00", 0, 0, true},
		{"15:60", 0, 0, true},
		{"15:5", 0, 0, true},
		{"25点", 0, 0, true},
		{"3点61分", 0, 0, true},
		{"13pm", 0, 0, true},
		{"0am", 0, 0, true},
		{"上午15点", 0, 0, true},
		{"下午", 0, 0, true},
		{"点", 0, 0, true},
		{"", 0, 0, true},
		{"abc", 0, 0, true},
		{"明天", 0, 0, true},
		{"下午3pm", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, m, err := Clock(tt.in)
			if tt.reject {
				testKey(t, err, "time.invalid")
				return
			}
			if err != nil || h != tt.h || m != tt.m {
				t.Fatalf("Clock(%q) = %d:%02d, %v; want %d:%02d", tt.in, h, m, err, tt.h, tt.m)
			}
		})
	}
}

type dateCase struct {
	in   string
	want string // 2006-01-02, or "" for date.invalid
}

func testDates(t *testing.T, now time.Time, tests []dateCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Date(tt.in, now)
			if tt.want == "" {
				testKey(t, err, "date.invalid")
				return
			}
			if err != nil {
				t.Fatalf("Date(%q): %v", tt.in, err)
			}
			if s := got.Format("2006-01-02"); s != tt.want {
				t.Fatalf("Date(%q) = %s (%s), want %s", tt.in, s, got.Weekday(), tt.want)
			}
			if got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
				t.Fatalf("Date(%q) = %v, not midnight", tt.in, got)
			}
			if got.Location() != now.Location() {
				t.Fatalf("Date(%q) in %v, want %v", tt.in, got.Location(), now.Location())
			}
		})
	}
}

// now = Sunday 2026-11-29.
func TestDate(t *testing.T) {
	testDates(t, testNow(t), []dateCase{
		// Full dates.
		{"2026-12-01", "2026-12-01"},
		{"2026/12/01", "2026-12-01"},
		{"2026.12.01", "2026-12-01"},
		{"2026-12-1", "2026-12-01"},
		{"20261201", "2026-12-01"},
		{"2026年12月1日", "2026-12-01"},
		{"2027年1月5号", "2027-01-05"},
		{"2028-02-29", "2028-02-29"},
		{"２０２６－１２－０１", "2026-12-01"},
		{"今年12月1日", "2026-12-01"},
		{"明年3月1日", "2027-03-01"},
		{"去年3月1日", "2025-03-01"},
		// Month and day.
		{"12-01", "2026-12-01"},
		{"12/01", "2026-12-01"},
		{"12.01", "2026-12-01"},
		{"12/4", "2026-12-04"},
		{"12月1日", "2026-12-01"},
		{"12月1号", "2026-12-01"},
		{"12月1", "2026-12-01"},
		{"１２月１日", "2026-12-01"},
		{"12 月 1 日", "2026-12-01"},
		{"十二月一日", "2026-12-01"},
		{"十二月十五号", "2026-12-15"},
		{"Dec 4", "2026-12-04"},
		{"dec 4", "2026-12-04"},
		{"4 Dec", "2026-12-04"},
		{"December 4th", "2026-12-04"},
		{"4th of December", "2026-12-04"},
		{"Dec 4, 2026", "2026-12-04"},
		{"Dec 4 2027", "2027-12-04"},
		{"jan 5", "2027-01-05"},
		// Year inference: up to 2 months back stays this year.
		{"11-15", "2026-11-15"},
		{"10-01", "2026-10-01"},
		{"9-29", "2026-09-29"},
		{"9-28", "2027-09-28"},
		{"1月5日", "2027-01-05"},
		{"3-1", "2027-03-01"},
		// Parts of a month.
		{"12月初", "2026-12-01"},
		{"12月中", "2026-12-15"},
		{"12月底", "2026-12-31"},
		{"十二月底", "2026-12-31"},
		{"2月底", "2027-02-28"},
		{"2028年2月底", "2028-02-29"},
		{"11月初", "2026-11-01"},
		{"13月底", ""},
		// Day of month: next on or after today.
		{"1日", "2026-12-01"},
		{"1号", "2026-12-01"},
		{"29号", "2026-11-29"},
		{"30号", "2026-11-30"},
		{"31号", "2026-12-31"},
		{"十五号", "2026-12-15"},
		// Words.
		{"今天", "2026-11-29"},
		{"明天", "2026-11-30"},
		{"后天", "2026-12-01"},
		{"大后天", "2026-12-02"},
		{"昨天", "2026-11-28"},
		{"前天", "2026-11-27"},
		{"大前天", "2026-11-26"},
		{"today", "2026-11-29"},
		{"Today", "2026-11-29"},
		{"TOMORROW", "2026-11-30"},
		{"tomorrow", "2026-11-30"},
		{"yesterday", "2026-11-28"},
		{"day after tomorrow", "2026-12-01"},
		{"  明天  ", "2026-11-30"},
		{"月底", "2026-11-30"},
		{"下月底", "2026-12-31"},
		{"月初", "2026-12-01"},
		{"下月初", "2026-12-01"},
		{"下个月", "2026-12-01"},
		{"下月", "2026-12-01"},
		{"next month", "2026-12-01"},
		{"月中", "2026-12-15"},
		{"下月中", "2026-12-15"},
		{"下周", "2026-11-30"},
		{"next week", "2026-11-30"},
		{"周末", "2026-11-29"},
		{"下周末", "2026-12-05"},
		{"年底", "2026-12-31"},
		{"end of month", "2026-11-30"},
		// Weekdays. Today is Sunday; next calendar week is 11-30 … 12-06.
		{"下周五", "2026-12-04"},
		{"下周一", "2026-11-30"},
		{"下周二", "2026-12-01"},
		{"下周三", "2026-12-02"},
		{"下周四", "2026-12-03"},
		{"下周六", "2026-12-05"},
		{"下周日", "2026-12-06"},
		{"下周天", "2026-12-06"},
		{"下星期五", "2026-12-04"},
		{"下个星期五", "2026-12-04"},
		{"下礼拜五", "2026-12-04"},
		{"下周周五", "2026-12-04"},
		{"下下周一", "2026-12-07"},
		{"下下周五", "2026-12-11"},
		{"上周五", "2026-11-20"},
		{"本周五", "2026-12-04"},
		{"这周五", "2026-12-04"},
		{"周五", "2026-12-04"},
		{"星期五", "2026-12-04"},
		{"礼拜五", "2026-12-04"},
		{"周5", "2026-12-04"},
		{"周日", "2026-11-29"},
		{"周一", "2026-11-30"},
		{"next friday", "2026-12-04"},
		{"Next Friday", "2026-12-04"},
		{"next sunday", "2026-12-06"},
		{"friday", "2026-12-04"},
		{"this friday", "2026-12-04"},
		{"fri", "2026-12-04"},
		{"sunday", "2026-11-29"},
		{"last friday", "2026-11-20"}, // as 上周五
		{"last sunday", "2026-11-22"},
		{"mon", "2026-11-30"},
		{"tue", "2026-12-01"},
		{"wed", "2026-12-02"},
		{"thu", "2026-12-03"},
		{"sat", "2026-12-05"},
		{"sun", "2026-11-29"},
		// Counts.
		{"3天后", "2026-12-02"},
		{"三天后", "2026-12-02"},
		{"3天以后", "2026-12-02"},
		{"3天之后", "2026-12-02"},
		{"2周后", "2026-12-13"},
		{"两周后", "2026-12-13"},
		{"2个星期后", "2026-12-13"},
		{"1个月后", "2026-12-29"},
		{"一个月后", "2026-12-29"},
		{"半个月后", "2026-12-14"},
		{"1年后", "2027-11-29"},
		{"3天前", "2026-11-26"},
		{"in 3 days", "2026-12-02"},
		{"3 days", "2026-12-02"},
		{"in three days", "2026-12-02"},
		{"in a week", "2026-12-06"},
		{"2 weeks", "2026-12-13"},
		{"in 1 month", "2026-12-29"},
		{"3 days later", "2026-12-02"},
		{"3 days ago", "2026-11-26"},
		// With the weekday, as the bot writes dates.
		{"12月4日（周五）", "2026-12-04"},
		{"12月4日(周五)", "2026-12-04"},
		{"12月4日 周五", "2026-12-04"},
		{"12-04 星期五", "2026-12-04"},
		{"fri dec 4", "2026-12-04"},
		{"Friday, Dec 4", "2026-12-04"},
		// Rejects.
		{"2026-02-30", ""},
		{"13-01", ""},
		{"2026-13-01", ""},
		{"00-01", ""},
		{"12-00", ""},
		{"2-29", ""},
		{"20261301", ""},
		{"32号", ""},
		{"0号", ""},
		{"12月32日", ""},
		{"十三月一日", ""},
		{"", ""},
		{"   ", ""},
		{"看情况", ""},
		{"1", ""},
		{"2026", ""},
		{"5万", ""},
		{"next", ""},
		{"friday next", ""},
		{"in 3 days ago", ""},
		{"下周八", ""},
		{"周", ""},
		{"12/4/2026", ""},
		{"12月4日（周六）", ""},
		{"fri dec 5", ""},
		{"明天 15:00", ""},
		{"几天后", ""},
		{"dec 32", ""},
		{"foo 4", ""},
	})
}

// 下周X is the weekday of the next calendar week (Monday first), so on a
// Monday it is 11 days away, while 周五 is this week's.
func TestDateNextWeekOnMonday(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, testLoc(t, "Asia/Shanghai"))
	testDates(t, now, []dateCase{
		{"下周五", "2026-12-11"},
		{"下周一", "2026-12-07"},
		{"周五", "2026-12-04"},
		{"本周五", "2026-12-04"},
		{"周一", "2026-11-30"},
		{"next friday", "2026-12-11"}, // as 下周五
		{"next monday", "2026-12-07"},
		{"上周五", "2026-11-27"},
		{"下周", "2026-12-07"},
	})
}

// Month and year boundaries: now = Wednesday 2026-12-30.
func TestDateYearEnd(t *testing.T) {
	now := time.Date(2026, 12, 30, 23, 30, 0, 0, testLoc(t, "Asia/Shanghai"))
	testDates(t, now, []dateCase{
		{"今天", "2026-12-30"},
		{"明天", "2026-12-31"},
		{"后天", "2027-01-01"},
		{"3天后", "2027-01-02"},
		{"1个月后", "2027-01-30"},
		{"下个月", "2027-01-01"},
		{"月底", "2026-12-31"},
		{"下月底", "2027-01-31"},
		{"年底", "2026-12-31"},
		{"1号", "2027-01-01"},
		{"30号", "2026-12-30"},
		{"31号", "2026-12-31"},
		{"1月5日", "2027-01-05"},
		{"1-5", "2027-01-05"},
		{"jan 5", "2027-01-05"},
		{"12-01", "2026-12-01"},
		{"11-15", "2026-11-15"},
		{"1月底", "2027-01-31"},
		{"12月初", "2026-12-01"},
		{"10-30", "2026-10-30"},
		{"10-29", "2027-10-29"},
		{"周五", "2027-01-01"},
		{"周三", "2026-12-30"},
		{"本周五", "2027-01-01"},
		{"next friday", "2027-01-08"}, // as 下周五
		{"next wednesday", "2027-01-06"},
		{"下周一", "2027-01-04"},
		{"下周五", "2027-01-08"},
		{"上周五", "2026-12-25"},
		{"2月29日", ""},
		{"2028-02-29", "2028-02-29"},
	})
}

// now = Sunday 2027-01-31: a long month before a short one.
func TestDateMonthEnd(t *testing.T) {
	now := time.Date(2027, 1, 31, 8, 0, 0, 0, testLoc(t, "Asia/Shanghai"))
	testDates(t, now, []dateCase{
		{"明天", "2027-02-01"},
		{"1个月后", "2027-02-28"},
		{"2个月后", "2027-03-31"},
		{"1个月前", "2026-12-31"},
		{"下个月", "2027-02-01"},
		{"月底", "2027-01-31"},
		{"下月底", "2027-02-28"},
		{"31号", "2027-01-31"},
		{"30号", "2027-03-30"},
		{"1号", "2027-02-01"},
		{"12-31", "2026-12-31"},
		{"12月25日", "2026-12-25"},
		{"11-30", "2026-11-30"},
		{"11-29", "2027-11-29"},
		{"2-28", "2027-02-28"},
		{"2-29", ""},
		{"周日", "2027-01-31"},
		{"下周五", "2027-02-05"},
		{"下周日", "2027-02-07"},
		{"next sunday", "2027-02-07"},
		{"3天后", "2027-02-03"},
	})
}

// Dates are calendar dates: across a DST change they are still midnight.
func TestDateDST(t *testing.T) {
	ny := testLoc(t, "America/New_York")
	// Saturday 2026-10-31; clocks go back at 02:00 on Sunday 11-01.
	now := time.Date(2026, 10, 31, 12, 0, 0, 0, ny)
	testDates(t, now, []dateCase{
		{"明天", "2026-11-01"},
		{"后天", "2026-11-02"},
		{"3天后", "2026-11-03"},
		{"1周后", "2026-11-07"},
		{"下周一", "2026-11-02"},
		{"1个月后", "2026-11-30"},
	})
	// Spring forward on Sunday 2026-03-08.
	now = time.Date(2026, 3, 7, 23, 0, 0, 0, ny)
	testDates(t, now, []dateCase{
		{"明天", "2026-03-08"},
		{"后天", "2026-03-09"},
		{"昨天", "2026-03-06"},
	})
	got, err := DateTime("明天 15:00", time.Date(2026, 10, 31, 12, 0, 0, 0, ny), 0, 0, false)
	if err != nil || got.Hour() != 15 || got.Day() != 1 {
		t.Fatalf("DateTime across DST = %v, %v; want 2026-11-01 15:00", got, err)
	}
	// Shanghai has no DST: 30 days later is exactly 30×24 hours later.
	sh := testNow(t)
	d0, _ := Date("今天", sh)
	d30, _ := Date("30天后", sh)
	if d30.Sub(d0) != 30*24*time.Hour {
		t.Fatalf("30天后 - 今天 = %v", d30.Sub(d0))
	}
}

func TestDateTime(t *testing.T) {
	now := testNow(t) // Sunday 2026-11-29 10:00
	tests := []struct {
		in     string
		dateOK bool
		want   string // 2006-01-02 15:04, or an error key
	}{
		{"明天 15:00", false, "2026-11-30 15:00"},
		{"明天15:00", false, "2026-11-30 15:00"},
		{"明天下午3点", false, "2026-11-30 15:00"},
		{"明天 下午 3 点", false, "2026-11-30 15:00"},
		{"明天的下午3点", false, "2026-11-30 15:00"},
		{"下周五 10:00", false, "2026-12-04 10:00"},
		{"下周五上午10点", false, "2026-12-04 10:00"},
		{"12-05 14:30", false, "2026-12-05 14:30"},
		{"12月5日下午2点半", false, "2026-12-05 14:30"},
		{"2026-12-01 09:00", false, "2026-12-01 09:00"},
		{"周五下午两点", false, "2026-12-04 14:00"},
		{"今晚8点", false, "2026-11-29 20:00"},
		{"明早9点", false, "2026-11-30 09:00"},
		{"明晚七点半", false, "2026-11-30 19:30"},
		{"下午3点 明天", false, "2026-11-30 15:00"},
		{"15:00 明天", false, "2026-11-30 15:00"},
		{"tomorrow 3pm", false, "2026-11-30 15:00"},
		{"3pm tomorrow", false, "2026-11-30 15:00"},
		{"tomorrow at 3pm", false, "2026-11-30 15:00"},
		{"Tomorrow, 3:30 PM", false, "2026-11-30 15:30"},
		{"next friday 9am", false, "2026-12-04 09:00"},
		{"9am on friday", false, "2026-12-04 09:00"},
		{"Dec 4 10:00", false, "2026-12-04 10:00"},
		{"１２－０５　１４：３０", false, "2026-12-05 14:30"},
		// A time alone is today, even when past.
		{"15:00", false, "2026-11-29 15:00"},
		{"下午3点", false, "2026-11-29 15:00"},
		{"8:00", false, "2026-11-29 08:00"},
		// A date alone.
		{"明天", true, "2026-11-30 09:30"},
		{"下周五", true, "2026-12-04 09:30"},
		{"明天", false, "datetime.no_time"},
		{"12-05", false, "datetime.no_time"},
		// Rejects.
		{"", false, "datetime.invalid"},
		{"看情况", false, "datetime.invalid"},
		{"明天 1500", false, "datetime.invalid"},
		{"明天 25:00", false, "datetime.invalid"},
		{"15", false, "datetime.invalid"},
		{"明天下午", false, "datetime.no_time"},
		{"下周五的上午", false, "datetime.no_time"},
		{strings.Repeat("明天", 40) + " 15:00", false, "datetime.invalid"},
		{"2026-02-30 10:00", false, "datetime.invalid"},
		{"明天 15:00 后天", false, "datetime.invalid"},
	}
	for _, tt := range tests {
		name := tt.in
		if tt.dateOK {
			name += "/dateOnlyOK"
		}
		t.Run(name, func(t *testing.T) {
			got, err := DateTime(tt.in, now, 9, 30, tt.dateOK)
			if !strings.Contains(tt.want, ":") {
				testKey(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("DateTime(%q): %v", tt.in, err)
			}
			if s := got.Format("2006-01-02 15:04"); s != tt.want {
				t.Fatalf("DateTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
			if got.Location() != now.Location() {
				t.Fatalf("DateTime(%q) in %v", tt.in, got.Location())
			}
		})
	}
	t.Run("bad default", func(t *testing.T) {
		_, err := DateTime("明天", now, 24, 0, true)
		testKey(t, err, "time.invalid")
	})
}

// nextCase is a next step: its date ("" for none), time ("" for none),
// action, or the error key.
type nextCase struct {
	in               string
	date, time, rest string
	key              string
}

func testNext(t *testing.T, now time.Time, tests []nextCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			nx, err := NextStep(tt.in, now)
			if tt.key != "" {
				testKey(t, err, tt.key)
				return
			}
			if err != nil {
				t.Fatalf("NextStep(%q): %v", tt.in, err)
			}
			date, at := "", ""
			if !nx.Date.IsZero() {
				date = nx.Date.Format("2006-01-02")
			}
			if !nx.At.IsZero() {
				at = nx.At.Format("15:04")
				if nx.At.Format("2006-01-02") != date || nx.At.Location() != now.Location() {
					t.Fatalf("NextStep(%q) at %v, date %s", tt.in, nx.At, date)
				}
			}
			if date != tt.date || at != tt.time || nx.Action != tt.rest {
				t.Fatalf("NextStep(%q) = %q %q %q; want %q %q %q", tt.in, date, at, nx.Action, tt.date, tt.time, tt.rest)
			}
			if nx.TimeOnly { // TestNextStepTimeOnly
				t.Fatalf("NextStep(%q) TimeOnly", tt.in)
			}
		})
	}
}

func TestNextStep(t *testing.T) {
	testNext(t, testNow(t), []nextCase{
		{in: "下周五 发方案", date: "2026-12-04", rest: "发方案"},
		{in: "发方案 下周五", date: "2026-12-04", rest: "发方案"},
		{in: "明天给报价", date: "2026-11-30", rest: "给报价"},
		{in: "next friday send quote", date: "2026-12-04", rest: "send quote"},
		{in: "Send quote next Friday", date: "2026-12-04", rest: "Send quote"},
		{in: "12-05 回访", date: "2026-12-05", rest: "回访"},
		{in: "12-05-回访", date: "2026-12-05", rest: "回访"},
		{in: "下周五：发方案", date: "2026-12-04", rest: "发方案"},
		{in: "下周五，发方案。", date: "2026-12-04", rest: "发方案"},
		{in: "3天后跟进", date: "2026-12-02", rest: "跟进"},
		{in: "下周一上午拜访", date: "2026-11-30", rest: "上午拜访"},
		{in: "12月4日（周五）发方案", date: "2026-12-04", rest: "发方案"},
		{in: "联系张总 3号", date: "2026-12-03", rest: "联系张总"},
		{in: "２０２６－１２－０５ 回访", date: "2026-12-05", rest: "回访"},
		{in: "  明天  ", date: "2026-11-30"},
		{in: "明天", date: "2026-11-30"},
		{in: "Tomorrow: Call Mr. Wang", date: "2026-11-30", rest: "Call Mr. Wang"},
		{in: "-"},
		{in: " - "},
		{in: ""},
		{in: "   "},
		{in: "发方案", rest: "发方案"},
		{in: "monitor the deal", rest: "monitor the deal"},
		{in: "5000元的单子", rest: "5000元的单子"},
		{in: "待定", rest: "待定"},
		{in: "1.5万的单子", rest: "1.5万的单子"},
		{in: "12/4/2026 回访", key: "date.partial"},
		{in: "12.5 回访", date: "2026-12-05", rest: "回访"},
		{in: "12月底签合同", date: "2026-12-31", rest: "签合同"},
	})
}

// ---------------------------------------------------------------------------
// Fuzz tests: no panics, and results within their ranges.

func fuzzSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
}

func fuzzErr(t *testing.T, err error) {
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
}

func FuzzAmount(f *testing.F) {
	fuzzSeeds(f, "50000", "十二万五千", "1.2亿", "¥3,000.50", "一万二", "1万2", "5.5k", "1kw",
		"壹拾贰万", "5万abc", "-1", "1万亿", "0.001", "一百零五", "3，000", "RMB 5000")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Amount(s)
		fuzzErr(t, err)
		if err == nil && (m <= 0 || m > maxFen) {
			t.Fatalf("Amount(%q) = %d out of range", s, m)
		}
	})
}

func FuzzDate(f *testing.F) {
	fuzzSeeds(f, "2026-12-01", "12月1日", "下下周一", "3天后", "next friday", "Dec 4", "1号",
		"12月4日（周五）", "月底", "in 3 days", "十二月三十一日", "99999999天后")
	now := testNow(f)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Date(s, now)
		fuzzErr(t, err)
		if err == nil && (d.Hour() != 0 || d.Minute() != 0 || d.Location() != now.Location()) {
			t.Fatalf("Date(%q) = %v, not midnight in %v", s, d, now.Location())
		}
	})
}

func FuzzClock(f *testing.F) {
	fuzzSeeds(f, "15:00", "下午3点半", "三点一刻", "3:30pm", "noon", "晚上12点", "1500")
	f.Fuzz(func(t *testing.T, s string) {
		h, m, err := Clock(s)
		fuzzErr(t, err)
		if err == nil && (h < 0 || h > 23 || m < 0 || m > 59) {
			t.Fatalf("Clock(%q) = %d:%d", s, h, m)
		}
	})
}

func FuzzDateTime(f *testing.F) {
	fuzzSeeds(f, "明天 15:00", "3pm tomorrow", "今晚8点", "下周五上午10点", "12-05 14:30", "明天")
	now := testNow(f)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := DateTime(s, now, 9, 0, true)
		fuzzErr(t, err)
		if err == nil && d.Location() != now.Location() {
			t.Fatalf("DateTime(%q) in %v", s, d.Location())
		}
	})
}

func FuzzNextStep(f *testing.F) {
	fuzzSeeds(f, "下周五 发方案", "发方案 下周五", "next friday send quote", "-", "", "12-05 回访",
		"3天后下午3点 技术交流", "下月九号 回访", "下月32号 发方案", "下午3点 开会")
	now := testNow(f)
	f.Fuzz(func(t *testing.T, s string) {
		nx, err := NextStep(s, now)
		fuzzErr(t, err)
		if err != nil {
			return
		}
		if nx.Date.IsZero() && !nx.At.IsZero() || nx.Date.Before(dayOf(now)) && !nx.Date.IsZero() {
			t.Fatalf("NextStep(%q) = %+v", s, nx)
		}
		if len(nx.Action) > len(s)*3 {
			t.Fatalf("NextStep(%q) action %q longer than input", s, nx.Action)
		}
	})
}

func FuzzPercent(f *testing.F) {
	fuzzSeeds(f, "60", "60%", "百分之六十", "六成五", "0.65", "101")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Percent(s)
		fuzzErr(t, err)
		if err == nil && (p < 0 || p > 100) {
			t.Fatalf("Percent(%q) = %d", s, p)
		}
	})
}
