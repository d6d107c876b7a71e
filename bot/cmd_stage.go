package bot

// stageCommand opens or moves a deal.
var stageCommand = Command{Name: "stage", Keyword: "阶段", HelpKey: "help.stage", Usage: "usage.customer", Run: form("stage")}
