package bot

import (
	"context"
)

// cancelCommand leaves the form in progress.
var cancelCommand = Command{Name: "cancel", Keyword: "取消", HelpKey: "help.cancel", Run: runCancel}

func runCancel(ctx context.Context, r *Request, s *Services) error {
	out, err := s.Engine.Cancel(ctx, s.env(r))
	return say(r, out, err)
}
