package bot

// complaintCommand records or closes a complaint.
var complaintCommand = Command{Name: "complaint", Keyword: "投诉", HelpKey: "help.complaint", Usage: "usage.customer", Run: form("complaint")}
