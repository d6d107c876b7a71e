package bot

// visitCommand logs a visit, call or meeting.
var visitCommand = Command{Name: "visit", Keyword: "拜访", HelpKey: "help.visit", Usage: "usage.customer", Run: form("visit")}
