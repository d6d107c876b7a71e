package bot

// handoverCommand moves a rep's customers to another.
var handoverCommand = Command{Name: "handover", Keyword: "交接", Roles: managers, HelpKey: "help.handover", Usage: "usage.handover", Run: form("handover")}
