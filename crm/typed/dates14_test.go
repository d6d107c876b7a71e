package typed

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Dates read completely or refused (#14 item 4), and one weekday
// convention in both languages (#14 item 11). Fixed base times, both
// directions of the year's end.

func at(t testing.TB, y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, testLoc(t, "Asia/Shanghai"))
}

// now = Monday 2026-12-28: next month is next year.
func TestDateOfMonthAcrossYearEnd(t *testing.T) {
	testDates(t, at(t, 2026, 12, 28, 10), []dateCase{
		{"下月5号", "2027-01-05"},
		{"下月九号", "2027-01-09"},
		{"下月6号", "2027-01-06"},
		{"下个月20号", "2027-01-20"},
		{"下月15号", "2027-01-15"},
		{"下个月5号", "2027-01-05"},
		{"下月31号", "2027-01-31"},
		{"下个月的9号", "2027-01-09"},
		{"下月十五日", "2027-01-15"},
		{"下个月二十号", "2027-01-20"},
		{"下月1日", "2027-01-01"},
		{"下下个月3号", "2027-02-03"},
		{"下下月28号", "2027-02-28"},
		{"下下个月29号", ""}, // 2027 has no 29 February
		{"下下下个月1号", "2027-03-01"},
		{"本月9日", "2026-12-09"}, // Date reads past days too; DueDate refuses them
		{"本月31号", "2026-12-31"},
		{"本月三十一日", "2026-12-31"},
		{"这个月15号", "2026-12-15"},
		{"这月20号", "2026-12-20"},
		{"上月5号", "2026-11-05"},
		{"上个月30号", "2026-11-30"},
		{"上月31号", ""}, // November has 30 days
		{"下月32号", ""},
		{"下月0号", ""},
		{"下上月5号", ""},
		{"下月廿号", ""},
		{"下月5号（周二）", "2027-01-05"},
		{"下月5号（周三）", ""},
		{"下月", "2027-01-01"},
		{"下月底", "2027-01-31"},
		{"１月５号", "2027-01-05"},
	})
}

// now = Saturday 2027-01-02: the year just ended is behind.
func TestDateJustAfterYearEnd(t *testing.T) {
	testDates(t, at(t, 2027, 1, 2, 9), []dateCase{
		{"上周五", "2026-12-25"},
		{"last friday", "2026-12-25"},
		{"上周日", "2026-12-27"},
		{"上周一", "2026-12-21"},
		{"下周五", "2027-01-08"},
		{"next friday", "2027-01-08"},
		{"周五", "2027-01-08"},
		{"friday", "2027-01-08"},
		{"周六", "2027-01-02"},
		{"本月9日", "2027-01-09"},
		{"本月1号", "2027-01-01"},
		{"上月9日", "2026-12-09"},
		{"上个月31号", "2026-12-31"},
		{"下月5号", "2027-02-05"},
		{"下月29号", ""},
		{"12-31", "2026-12-31"},
		{"12月25日", "2026-12-25"},
		{"十月31", "2027-10-31"},
		{"11-15", "2026-11-15"},
		{"3天前", "2026-12-30"},
		{"昨天", "2027-01-01"},
		{"前天", "2026-12-31"},
		{"大前天", "2026-12-30"},
		{"1个月前", "2026-12-02"},
		{"月底", "2027-01-31"},
		{"年底", "2027-12-31"},
		{"元旦", "2028-01-01"}, // the next one
		{"春节", "2027-02-06"},
		{"去年12月31日", "2026-12-31"},
		{"12月底", "2026-12-31"},
		{"2026-12-31", "2026-12-31"},
	})
}

func TestDateHolidays(t *testing.T) {
	testDates(t, testNow(t), []dateCase{ // Sunday 2026-11-29
		{"元旦", "2027-01-01"},
		{"元旦节", "2027-01-01"},
		{"New Year's Day", "2027-01-01"},
		{"春节", "2027-02-06"},
		{"大年初一", "2027-02-06"},
		{"Chinese New Year", "2027-02-06"},
		{"spring festival", "2027-02-06"},
		{"清明", "2027-04-05"},
		{"清明节", "2027-04-05"},
		{"劳动节", "2027-05-01"},
		{"五一", "2027-05-01"},
		{"五一劳动节", "2027-05-01"},
		{"labour day", "2027-05-01"},
		{"端午", "2027-06-09"},
		{"端午节", "2027-06-09"},
		{"中秋", "2027-09-15"},
		{"中秋节", "2027-09-15"},
		{"国庆", "2027-10-01"},
		{"国庆节", "2027-10-01"},
		{"national day", "2027-10-01"},
		{"圣诞", ""},
		{"元宵", ""},
	})
	// On the day itself it is that day; the day after, next year's.
	for _, tt := range []struct {
		now  time.Time
		in   string
		want string
	}{
		{at(t, 2026, 10, 1, 9), "国庆", "2026-10-01"},
		{at(t, 2026, 10, 2, 9), "国庆", "2027-10-01"},
		{at(t, 2026, 9, 25, 9), "中秋", "2026-09-25"},
		{at(t, 2026, 9, 26, 9), "中秋", "2027-09-15"},
		{at(t, 2027, 1, 1, 9), "元旦", "2027-01-01"},
		{at(t, 2027, 2, 6, 23), "春节", "2027-02-06"},
		{at(t, 2027, 2, 7, 0), "春节", "2028-01-26"},
		{at(t, 2030, 6, 6, 9), "端午", "2031-06-24"},
		{at(t, 2030, 6, 6, 9), "中秋", "2030-09-12"},
		{at(t, 2035, 12, 1, 9), "春节", ""}, // past the table: refused, not guessed
		{at(t, 2035, 12, 1, 9), "元旦", "2036-01-01"},
		{at(t, 2023, 12, 1, 9), "春节", "2024-02-10"},
	} {
		t.Run(tt.now.Format("2006-01-02")+"/"+tt.in, func(t *testing.T) {
			testDates(t, tt.now, []dateCase{{tt.in, tt.want}})
		})
	}
}

// The lunar table, year by year, from 1 January of each year.
func TestDateLunarTable(t *testing.T) {
	want := map[string][]string{
		"春节": {"02-10", "01-29", "02-17", "02-06", "01-26", "02-13", "02-03", "01-23", "02-11", "01-31", "02-19", "02-08"},
		"清明": {"04-04", "04-04", "04-05", "04-05", "04-04", "04-04", "04-05", "04-05", "04-04", "04-04", "04-05", "04-05"},
		"端午": {"06-10", "05-31", "06-19", "06-09", "05-28", "06-16", "06-05", "06-24", "06-12", "06-01", "06-20", "06-10"},
		"中秋": {"09-17", "10-06", "09-25", "09-15", "10-03", "09-22", "09-12", "10-01", "09-19", "09-08", "09-27", "09-16"},
	}
	for name, days := range want {
		for i, md := range days {
			y := lunarFirst + i
			t.Run(fmt.Sprint(name, y), func(t *testing.T) {
				testDates(t, at(t, y, 1, 1, 0), []dateCase{{name, fmt.Sprintf("%d-%s", y, md)}})
			})
		}
	}
}

// One convention in both languages: "next X" is 下周X (that day of next
// Monday-start week) and "last X" is 上周X, whatever today is.
func TestWeekdayConventionBothLanguages(t *testing.T) {
	for d := 0; d < 7; d++ { // Monday 2026-12-28 … Sunday 2027-01-03
		now := at(t, 2026, 12, 28+d, 10)
		for _, tt := range []struct{ en, zh, want string }{
			{"next friday", "下周五", "2027-01-08"},
			{"next monday", "下周一", "2027-01-04"},
			{"last friday", "上周五", "2026-12-25"},
		} {
			t.Run(now.Format("Mon")+"/"+tt.en, func(t *testing.T) {
				testDates(t, now, []dateCase{{tt.en, tt.want}, {tt.zh, tt.want}})
			})
		}
	}
}

// dueCase is a due date: the date or the error key.
type dueCase struct{ in, want string }

func testDue(t *testing.T, now time.Time, tests []dueCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := DueDate(tt.in, now)
			if strings.Contains(tt.want, ".") {
				testKey(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("DueDate(%q): %v", tt.in, err)
			}
			if s := got.Format("2006-01-02"); s != tt.want {
				t.Fatalf("DueDate(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestDueDate(t *testing.T) {
	testDue(t, at(t, 2026, 12, 28, 10), []dueCase{
		{"十月31", "2027-10-31"}, // the next 31 October, not the one just past
		{"10月31日", "2027-10-31"},
		{"12-01", "2027-12-01"},
		{"12-28", "2026-12-28"},
		{"12-31", "2026-12-31"},
		{"1-5", "2027-01-05"},
		{"Dec 4", "2027-12-04"},
		{"oct 31", "2027-10-31"},
		{"12月底", "2026-12-31"},
		{"11月底", "2027-11-30"},
		{"11月初", "2027-11-01"},
		{"12月初", "2027-12-01"},
		{"今天", "2026-12-28"},
		{"明天", "2026-12-29"},
		{"下月5号", "2027-01-05"},
		{"下月15号", "2027-01-15"},
		{"本月30日", "2026-12-30"},
		{"元旦", "2027-01-01"},
		{"2027-12-01", "2027-12-01"},
		{"昨天", "date.past"},
		{"3天前", "date.past"},
		{"2026-12-01", "date.past"},
		{"去年12月1日", "date.past"},
		{"本月9日", "date.past"},
		{"上周五", "date.past"},
		{"last friday", "date.past"},
		{"今年1月1日", "date.past"},
		{"foo", "date.invalid"},
		{"下月32号", "date.invalid"},
		{"", "date.invalid"},
	})
	testDue(t, at(t, 2027, 1, 2, 9), []dueCase{
		{"12-31", "2027-12-31"},
		{"本月9日", "2027-01-09"},
		{"12月28日", "2027-12-28"},
		{"1-2", "2027-01-02"},
		{"1-1", "2028-01-01"},
		{"元旦", "2028-01-01"},
		{"上周五", "date.past"},
		{"2026-12-31", "date.past"},
		{"昨天", "date.past"},
		{"下周五", "2027-01-08"},
	})
}

func TestNextStepDatesAndTimes(t *testing.T) {
	testNext(t, at(t, 2026, 12, 28, 10), []nextCase{
		{in: "下月九号 回访", date: "2027-01-09", rest: "回访"},
		{in: "下月6号发方案", date: "2027-01-06", rest: "发方案"},
		{in: "下个月20号 签合同", date: "2027-01-20", rest: "签合同"},
		{in: "下下个月3号 复盘", date: "2027-02-03", rest: "复盘"},
		{in: "本月30日 打电话", date: "2026-12-30", rest: "打电话"},
		{in: "3天后下午3点 技术交流", date: "2026-12-31", time: "15:00", rest: "技术交流"},
		{in: "3天后 下午3点 技术交流", date: "2026-12-31", time: "15:00", rest: "技术交流"},
		{in: "明天15:00 开会", date: "2026-12-29", time: "15:00", rest: "开会"},
		{in: "明天 3pm demo", date: "2026-12-29", time: "15:00", rest: "demo"},
		{in: "tomorrow 3pm send quote", date: "2026-12-29", time: "15:00", rest: "send quote"},
		{in: "下周五上午10点 拜访", date: "2027-01-08", time: "10:00", rest: "拜访"},
		{in: "明晚8点 吃饭", date: "2026-12-29", time: "20:00", rest: "吃饭"},
		{in: "今天下午3点 开会", date: "2026-12-28", time: "15:00", rest: "开会"},
		{in: "元旦 发祝福", date: "2027-01-01", rest: "发祝福"},
		{in: "国庆 出游", date: "2027-10-01", rest: "出游"},
		{in: "十月31 回款", date: "2027-10-31", rest: "回款"},
		{in: "12-01 回访", date: "2027-12-01", rest: "回访"},
		{in: "下周 发方案", date: "2027-01-04", rest: "发方案"},
		{in: "next friday send quote", date: "2027-01-08", rest: "send quote"},
		{in: "明天日报", date: "2026-12-29", rest: "日报"},
		{in: "技术交流 3天后下午3点", date: "2026-12-31", time: "15:00", rest: "技术交流"},
		{in: "发方案 下月九号", date: "2027-01-09", rest: "发方案"},
		{in: "发方案，下个月20号", date: "2027-01-20", rest: "发方案"},
		{in: "发方案", rest: "发方案"},
		// Read only in part, or in the past: refused.
		{in: "下月32号 发方案", key: "date.partial"},
		{in: "下月 32号 发方案", key: "date.partial"},
		{in: "本月32号 发方案", key: "date.partial"},
		{in: "下个月三十五号 回访", key: "date.partial"},
		{in: "13-01 回访", key: "date.partial"},
		{in: "明天 25点 开会", key: "date.partial"},
		{in: "春节前 拜年", key: "date.partial"},
		{in: "下周五前 发方案", key: "date.partial"},
		{in: "昨天 打电话", key: "date.past"},
		{in: "3天前 回访", key: "date.past"},
		{in: "今天上午9点 开会", key: "time.past"},
	})
}

// A time alone is flagged TimeOnly, at either end.
func TestNextStepTimeOnly(t *testing.T) {
	now := at(t, 2026, 12, 28, 10)
	for _, in := range []string{"下午3点 技术交流", "15:00 开会", "技术交流 下午3点", "3pm call"} {
		t.Run(in, func(t *testing.T) {
			nx, err := NextStep(in, now)
			if err != nil || !nx.TimeOnly || !nx.Date.IsZero() || !nx.At.IsZero() || nx.Action != in {
				t.Fatalf("NextStep(%q) = %+v, %v", in, nx, err)
			}
		})
	}
}

func TestDateTimeNewForms(t *testing.T) {
	now := at(t, 2026, 12, 28, 10)
	for _, tt := range []struct{ in, want string }{
		{"下月九号下午3点", "2027-01-09 15:00"},
		{"下月6号 15:00", "2027-01-06 15:00"},
		{"下个月20号上午10点", "2027-01-20 10:00"},
		{"本月30日 9:00", "2026-12-30 09:00"},
		{"元旦 10:00", "2027-01-01 10:00"},
		{"春节 上午9点", "2027-02-06 09:00"},
		{"国庆节下午2点", "2027-10-01 14:00"},
		{"下下个月3号 14:30", "2027-02-03 14:30"},
		{"中秋 晚上8点", "2027-09-15 20:00"},
		{"next friday 9am", "2027-01-08 09:00"},
		{"下周五 10:00", "2027-01-08 10:00"},
		{"下月32号 10:00", "datetime.invalid"},
		{"下月九号", "datetime.no_time"},
		{"下月九号下午", "datetime.no_time"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := DateTime(tt.in, now, 0, 0, false)
			if !strings.Contains(tt.want, ":") {
				testKey(t, err, tt.want)
				return
			}
			if err != nil || got.Format("2006-01-02 15:04") != tt.want {
				t.Fatalf("DateTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestAmountReasons(t *testing.T) {
	const yuan = 100
	for _, tt := range []struct {
		in   string
		want int64
		key  string
	}{
		{"0", 0, "amount.zero"},
		{"0元", 0, "amount.zero"},
		{"零", 0, "amount.zero"},
		{"0.00", 0, "amount.zero"},
		{"0万", 0, "amount.zero"},
		{"-5万", 0, "amount.negative"},
		{"- 5万", 0, "amount.negative"},
		{"－5万", 0, "amount.negative"},
		{"负5000", 0, "amount.negative"},
		{"负十二万", 0, "amount.negative"},
		{"-0.5万", 0, "amount.negative"},
		{"¥-5000", 0, "amount.negative"},
		{"-5万元", 0, "amount.negative"},
		{"-abc", 0, "amount.invalid"},
		{"--5", 0, "amount.invalid"},
		{"99999999999999", 0, "amount.too_large"},
		{"1000000000001", 0, "amount.too_large"},
		{"2万亿", 0, "amount.too_large"},
		{"1000000000000", 1_000_000_000_000 * yuan, ""},
		{"1万亿", 1_000_000_000_000 * yuan, ""},
		{"9999亿", 999_900_000_000 * yuan, ""},
		{"10万", 100_000 * yuan, ""},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Amount(tt.in)
			if tt.key != "" {
				testKey(t, err, tt.key)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Amount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestClockMore(t *testing.T) {
	for _, tt := range []struct {
		in   string
		h, m int
		ok   bool
	}{
		{"晚上8点半", 20, 30, true},
		{"下午三点一刻", 15, 15, true},
		{"中午12点半", 12, 30, true},
		{"上午十点整", 10, 0, true},
		{"凌晨1点", 1, 0, true},
		{"3:45pm", 15, 45, true},
		{"12pm", 12, 0, true},
		{"12am", 0, 0, true},
		{"下午13点", 13, 0, true},
		{"下午0点", 0, 0, false},
		{"早上9点05", 9, 5, true},
		{"晚上11点59分", 23, 59, true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			h, m, err := Clock(tt.in)
			if !tt.ok {
				testKey(t, err, "time.invalid")
				return
			}
			if err != nil || h != tt.h || m != tt.m {
				t.Fatalf("Clock(%q) = %d:%02d, %v", tt.in, h, m, err)
			}
		})
	}
}
