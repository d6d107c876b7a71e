package wecom

// perMemberQueue is how many callbacks of one member may wait: more from a
// flooding member are dropped (with one notice), not queued ahead of
// others (bot.ChatQueue: members take turns).
const perMemberQueue = 10
