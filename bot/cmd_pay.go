package bot

// payCommand records money received or planned.
var payCommand = Command{Name: "pay", Keyword: "回款", HelpKey: "help.pay", Usage: "usage.customer", Run: form("pay")}
