package crm

import "strings"

// The checks of what a record must hold before it is kept: pure rules,
// applied by the use cases (package sales) for chat, import and jobs
// alike; the store keeps what it is given.

// noteLength refuses any text longer than a note.
func noteLength(texts ...string) error {
	for _, t := range texts {
		if err := CheckLength(t, MaxNoteRunes); err != nil {
			return err
		}
	}
	return nil
}

// required refuses an empty text with key.
func required(s, key string) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(CodeInvalid, key)
	}
	return nil
}

// Check: an activity says what happened (Invalid "activity.empty") in a
// note's length, its next action too; a next step's time is on its date
// ("date.invalid").
func (a Activity) Check() error {
	if err := required(a.Content, "activity.empty"); err != nil {
		return err
	}
	if !a.NextAt.IsZero() && a.NextDate != DateOf(a.NextAt) {
		return Errorf(CodeInvalid, "date.invalid")
	}
	return noteLength(a.Content, a.NextAction)
}

// Check: a deal moves from stage from as CheckStageMove allows, with a
// non-negative amount (Invalid "amount.invalid") and a note's length.
func (d Deal) Check(from Stage) error {
	if err := CheckStageMove(from, d.Stage, d.WinPct); err != nil {
		return err
	}
	if d.Amount < 0 {
		return Errorf(CodeInvalid, "amount.invalid")
	}
	return noteLength(d.Title, d.Note)
}

// Check: an appointment's place and purpose fit a note.
func (a Appointment) Check() error { return noteLength(a.Place, a.Purpose) }

// Check: a plan is for a positive amount (Invalid "amount.invalid") on a
// date ("date.invalid").
func (p PaymentPlan) Check() error {
	if p.Amount <= 0 {
		return Errorf(CodeInvalid, "amount.invalid")
	}
	if p.DueDate.IsZero() {
		return Errorf(CodeInvalid, "date.invalid")
	}
	return noteLength(p.Note)
}

// Check: a payment is a positive amount (Invalid "amount.invalid")
// received on a date ("date.invalid").
func (p Payment) Check() error {
	if p.Amount <= 0 {
		return Errorf(CodeInvalid, "amount.invalid")
	}
	if p.ReceivedOn.IsZero() {
		return Errorf(CodeInvalid, "date.invalid")
	}
	return noteLength(p.Note)
}

// Check: a complaint says what is wrong (Invalid "complaint.empty").
func (c Complaint) Check() error {
	if err := required(c.Content, "complaint.empty"); err != nil {
		return err
	}
	return noteLength(c.Content)
}

// CheckResolution: how a complaint was resolved fits a note.
func CheckResolution(resolution string) error { return noteLength(resolution) }

// Check: a target is of a known metric, period kind and unit, for a
// non-negative value.
func (t Target) Check() error {
	if !t.Metric.Valid() {
		return Errorf(CodeInvalid, "target.metric_invalid")
	}
	switch t.Period {
	case PeriodMonth, PeriodQuarter, PeriodYear:
	default:
		return Errorf(CodeInvalid, "target.period_invalid")
	}
	switch t.Unit {
	case UnitCompany, UnitDepartment, UnitUser:
	default:
		return Errorf(CodeInvalid, "target.unit_invalid")
	}
	if t.Value < 0 {
		return Errorf(CodeInvalid, "amount.invalid")
	}
	return nil
}

// Valid reports whether m is a metric targets and reports know.
func (m Metric) Valid() bool {
	switch m {
	case MetricPayments, MetricContract, MetricNewCustomers:
		return true
	}
	return false
}

// Check: a report says something (Invalid "report.empty") in a note's
// length.
func (r Report) Check() error {
	if err := required(r.Text, "report.empty"); err != nil {
		return err
	}
	return noteLength(r.Text)
}

// CheckComment: a manager's comment says something (Invalid
// "report.comment_empty") in a note's length.
func CheckComment(comment string) error {
	if err := required(comment, "report.comment_empty"); err != nil {
		return err
	}
	return noteLength(comment)
}

// Check: a user has a name (Invalid "user.name_empty") and a known role
// ("user.role_invalid").
func (u User) Check() error {
	if err := required(u.Name, "user.name_empty"); err != nil {
		return err
	}
	if err := CheckLength(u.Name, MaxShortRunes); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return Errorf(CodeInvalid, "user.role_invalid", string(u.Role))
	}
	return nil
}

// CheckDepartmentName: a department has a name (Invalid "dept.name_empty").
func CheckDepartmentName(name string) error {
	if err := required(name, "dept.name_empty"); err != nil {
		return err
	}
	return CheckLength(name, MaxShortRunes)
}
