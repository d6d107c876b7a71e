package bot

import (
	"context"
)

// backCommand goes back one step of the form.
var backCommand = Command{Name: "back", Keyword: "返回", HelpKey: "help.back", Run: runBack}

func runBack(ctx context.Context, r *Request, s *Services) error {
	out, err := s.Engine.Back(ctx, s.env(r))
	return say(r, out, err)
}
