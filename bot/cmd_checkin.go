package bot

import "context"

// checkinCommand records a check-in (签到): "/checkin 青禾" then a location,
// or a location sent at any time (the router hands it to the forms).
var checkinCommand = Command{Name: "checkin", Keyword: "签到", HelpKey: "help.checkin", Usage: "usage.customer", Run: runCheckin}

// runCheckin asks for a location where the channel can send one; the
// console cannot, and says so.
func runCheckin(ctx context.Context, r *Request, s *Services) error {
	if r.Channel == "console" {
		r.Sayf("checkin.console")
		return nil
	}
	return form("checkin")(ctx, r, s)
}
