package bot

// newCommand adds a customer (the 撞单 check first).
var newCommand = Command{Name: "new", Keyword: "新客户", HelpKey: "help.new", Run: form("new")}
