package crm

import "time"

// Date is a calendar date without a time, written "2006-01-02"; "" is no date.
// Dates compare correctly as strings, in Go and in SQL on both engines.
type Date string

// DateLayout is the layout of a Date.
const DateLayout = "2006-01-02"

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date { return Date(t.Format(DateLayout)) }

// IsZero reports whether d is empty.
func (d Date) IsZero() bool { return d == "" }

// Time returns midnight of d in loc; the zero time for an empty or bad date.
func (d Date) Time(loc *time.Location) time.Time {
	t, err := time.ParseInLocation(DateLayout, string(d), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	t := d.Time(time.UTC)
	if t.IsZero() {
		return d
	}
	return DateOf(t.AddDate(0, 0, n))
}

// DaysUntil returns the number of whole days from d to o (negative if o is before d).
func (d Date) DaysUntil(o Date) int {
	a, b := d.Time(time.UTC), o.Time(time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// MonthStart returns the first day of t's month as a Date.
func MonthStart(t time.Time) Date {
	return DateOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location()))
}

// PeriodRange returns the first day of the period of kind k containing t and
// the first day of the next one. Weeks are ISO weeks (Monday first).
func PeriodRange(k PeriodKind, t time.Time) (start, end Date) {
	y, m, d := t.Date()
	loc := t.Location()
	var s, e time.Time
	switch k {
	case PeriodWeek:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		s = time.Date(y, m, d-wd, 0, 0, 0, 0, loc)
		e = s.AddDate(0, 0, 7)
	case PeriodMonth:
		s = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		e = s.AddDate(0, 1, 0)
	case PeriodQuarter:
		qm := time.Month((int(m)-1)/3*3 + 1)
		s = time.Date(y, qm, 1, 0, 0, 0, 0, loc)
		e = s.AddDate(0, 3, 0)
	case PeriodYear:
		s = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		e = s.AddDate(1, 0, 0)
	default: // day
		s = time.Date(y, m, d, 0, 0, 0, 0, loc)
		e = s.AddDate(0, 0, 1)
	}
	return DateOf(s), DateOf(e)
}
