package bot

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
)

// langCommand switches the reply language.
var langCommand = Command{Name: "lang", Keyword: "语言", Public: true, HelpKey: "help.lang", Usage: "usage.lang", Run: runLang}

// runLang switches the reply language.
func runLang(ctx context.Context, r *Request, s *Services) error {
	arg := strings.ToLower(strings.TrimSpace(r.Args))
	var lang string
	switch arg {
	case "zh", "cn", "中文", "chinese":
		lang = conversation.LangZH
	case "en", "english", "英文", "英语":
		lang = conversation.LangEN
	case "":
		if r.Lang == conversation.LangZH {
			lang = conversation.LangEN
		} else {
			lang = conversation.LangZH
		}
	default:
		r.Sayf("lang.usage")
		return nil
	}
	if r.Bound() {
		if err := s.Sales.SetLocale(ctx, r.Viewer, lang); err != nil {
			return err
		}
	}
	r.Lang = lang
	r.Sayf("lang.set")
	return nil
}
