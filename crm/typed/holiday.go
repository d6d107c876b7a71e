package typed

import "time"

// ---------------------------------------------------------------------------
// Holidays

// Holidays are read as the next such day on or after today. 元旦, 劳动节 and
// 国庆 are fixed days of the solar calendar. 春节, 端午 and 中秋 are days of
// the lunar calendar (正月初一, 五月初五, 八月十五) and 清明 is a solar term;
// their dates come from lunarTable, which covers lunarFirst…lunarLast: past
// the table they are refused (date.invalid) rather than guessed. The table
// was checked against the Chinese calendar of github.com/6tail/lunar-go
// (v1.4.7); extend it, with a test case, before 2035 ends.
const (
	lunarFirst = 2024
	lunarLast  = 2035
)

// lunarDays are a holiday's month and day in each year from lunarFirst.
type lunarDays [lunarLast - lunarFirst + 1][2]int

var lunarTable = map[string]lunarDays{
	"春节": {{2, 10}, {1, 29}, {2, 17}, {2, 6}, {1, 26}, {2, 13}, {2, 3}, {1, 23}, {2, 11}, {1, 31}, {2, 19}, {2, 8}},
	"清明": {{4, 4}, {4, 4}, {4, 5}, {4, 5}, {4, 4}, {4, 4}, {4, 5}, {4, 5}, {4, 4}, {4, 4}, {4, 5}, {4, 5}},
	"端午": {{6, 10}, {5, 31}, {6, 19}, {6, 9}, {5, 28}, {6, 16}, {6, 5}, {6, 24}, {6, 12}, {6, 1}, {6, 20}, {6, 10}},
	"中秋": {{9, 17}, {10, 6}, {9, 25}, {9, 15}, {10, 3}, {9, 22}, {9, 12}, {10, 1}, {9, 19}, {9, 8}, {9, 27}, {9, 16}},
}

// fixedHolidays are month and day every year.
var fixedHolidays = map[string][2]int{
	"元旦": {1, 1}, "劳动节": {5, 1}, "国庆": {10, 1},
}

// holidayWords maps what people type to a holiday of the tables above.
var holidayWords = map[string]string{
	"元旦": "元旦", "元旦节": "元旦", "new year's day": "元旦", "new year": "元旦",
	"春节": "春节", "大年初一": "春节", "chinese new year": "春节", "spring festival": "春节",
	"清明": "清明", "清明节": "清明",
	"劳动节": "劳动节", "五一": "劳动节", "五一节": "劳动节", "五一劳动节": "劳动节", "labour day": "劳动节", "labor day": "劳动节",
	"端午": "端午", "端午节": "端午",
	"中秋": "中秋", "中秋节": "中秋",
	"国庆": "国庆", "国庆节": "国庆", "national day": "国庆",
}

// holiday is the next day on or after today of the holiday named t.
func holiday(t string, today time.Time) (time.Time, bool) {
	name, ok := holidayWords[t]
	if !ok {
		return time.Time{}, false
	}
	for y := today.Year(); y <= today.Year()+1; y++ {
		var m, d int
		if md, ok := fixedHolidays[name]; ok {
			m, d = md[0], md[1]
		} else if y >= lunarFirst && y <= lunarLast {
			md := lunarTable[name][y-lunarFirst]
			m, d = md[0], md[1]
		} else {
			continue
		}
		if c, ok := yMD(y, m, d, today.Location()); ok && !c.Before(today) {
			return c, true
		}
	}
	return time.Time{}, false
}
