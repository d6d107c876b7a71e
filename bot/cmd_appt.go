package bot

// apptCommand books an appointment.
var apptCommand = Command{Name: "appt", Keyword: "约会", HelpKey: "help.appt", Usage: "usage.customer", Run: form("appt")}
