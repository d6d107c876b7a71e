package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// Channels without buttons (WeCom beyond its cards, the console) show a
// message's buttons as numbered options; a typed number answers the
// options last shown to the chat. They are kept in the conversation-state
// table under the chat and numberedKey, not in memory: a restart or
// another instance still understands the number. The adapter reports what
// it showed (Pipeline.Showed); the pipeline saves it with the update's
// done mark and turns a typed number into the button's data.

// numberedKey is the conversation-state user key of a chat's numbered
// options ('#' is in no platform's user id, so it never meets a form's
// state).
const numberedKey = "#numbered"

// numberedFlow marks the state row (its flow column).
const numberedFlow = "_numbered"

// parseNumber reads "2", " 2 " or a full-width "２" (up to 999).
func parseNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		default:
			return 0, false
		}
		if n > 999 {
			return 0, false
		}
	}
	return n, true
}

// typedNumber maps "2" to the data of the second numbered option last
// shown to the chat.
func (p *Pipeline) typedNumber(ctx context.Context, sc *scope, text string) (string, bool) {
	n, ok := parseNumber(text)
	if !ok || n < 1 {
		return "", false
	}
	st, found, known := sc.state(numberedKey, p.opt.Now())
	if !known {
		s, err := p.store.State(ctx, sc.channel, sc.chat, numberedKey, p.opt.Now())
		if err != nil && !errors.Is(err, crm.ErrNotFound) {
			p.log.Warn("numbered options not read", slog.String("chat_id", sc.chat), slog.Any("err", err))
		}
		st, found = s, err == nil
	}
	if !found {
		return "", false
	}
	var btns []crm.Button
	if json.Unmarshal([]byte(st.Data), &btns) != nil || n > len(btns) {
		return "", false
	}
	return btns[n-1].Data, true
}

// shown collects the numbered options an adapter showed while delivering
// an update's replies, to be saved with its done mark.
type shown struct {
	chat string
	keep bool // a notice: the chat's options stay as they were

	mu   sync.Mutex
	set  bool
	btns []crm.Button
}

type shownKey struct{}

func (sh *shown) changes(p *Pipeline, chat string) []crm.StateChange {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if !sh.set || sh.keep {
		return nil
	}
	return []crm.StateChange{p.numberedChange(chat, sh.btns)}
}

func (p *Pipeline) numberedChange(chat string, btns []crm.Button) crm.StateChange {
	st := crm.ConversationState{Channel: p.opt.Channel, ChatID: chat, UserKey: numberedKey}
	if btns == nil {
		return crm.StateChange{State: st, Delete: true}
	}
	data, _ := json.Marshal(btns)
	now := p.opt.Now()
	st.Flow, st.Data, st.ExpiresAt, st.UpdatedAt = numberedFlow, string(data), now.Add(conversation.StateTTL), now
	return crm.StateChange{State: st}
}

// Showed records the buttons a chat was last shown as numbered options
// (nil: none, a typed number is text again). An adapter calls it after a
// message went out: while it delivers an update's replies the pipeline
// saves them with the update's done mark; for a push, at once.
func (p *Pipeline) Showed(ctx context.Context, chat string, btns []crm.Button) {
	if sh, ok := ctx.Value(shownKey{}).(*shown); ok && sh.chat == chat {
		sh.mu.Lock()
		sh.set, sh.btns = true, btns
		sh.mu.Unlock()
		return
	}
	if _, err := p.store.SaveUpdate(ctx, p.opt.Channel, "", []crm.StateChange{p.numberedChange(chat, btns)}, nil, false, nil); err != nil {
		p.log.Warn("numbered options not stored", slog.String("chat_id", chat), slog.Any("err", err))
	}
}

// noticeFor is a catalogue text in the user's language setting, else the
// platform's language for the chat.
func (b *Bot) noticeFor(locale, langCode, key string) crm.Message {
	if locale != "" {
		return crm.Message{Text: conversation.T(locale, key)}
	}
	return b.Notice(key, langCode)
}
