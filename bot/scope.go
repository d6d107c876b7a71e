package bot

import (
	"context"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// scope is what the pipeline knows about the update being handled: its
// sender and chat states as read with the accept (pre), and the chat's
// conversation-state writes, held until the pipeline saves them in one
// transaction with the replies it keeps (or with the update's done mark).
type scope struct {
	channel, chat, user string
	pre                 *crm.UpdateContext
	asked               map[string]bool // state keys pre answers for

	mu      sync.Mutex
	pending map[string]crm.StateChange
	order   []string
}

type scopeKey struct{}

func withScope(ctx context.Context, sc *scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, sc)
}

// scopeOf returns the scope of the update being handled when it is the
// chat's, else nil.
func scopeOf(ctx context.Context, channel, chat string) *scope {
	sc, _ := ctx.Value(scopeKey{}).(*scope)
	if sc == nil || sc.channel != channel || sc.chat != chat {
		return nil
	}
	return sc
}

// resetScope forgets the state writes of a try that failed (Handle tries
// an update again after a transient error).
func resetScope(ctx context.Context) {
	if sc, _ := ctx.Value(scopeKey{}).(*scope); sc != nil {
		sc.mu.Lock()
		sc.pending, sc.order = nil, nil
		sc.mu.Unlock()
	}
}

// state answers a state read from the held writes or what was read with
// the accept; known is false when neither knows the key.
func (sc *scope) state(key string, now time.Time) (st crm.ConversationState, found, known bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if c, ok := sc.pending[key]; ok {
		return c.State, !c.Delete && c.State.ExpiresAt.After(now), true
	}
	if sc.pre != nil && sc.asked[key] {
		st, found = sc.pre.States[key]
		return st, found && st.ExpiresAt.After(now), true
	}
	return st, false, false
}

func (sc *scope) hold(c crm.StateChange) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.pending == nil {
		sc.pending = map[string]crm.StateChange{}
	}
	k := c.State.UserKey
	if _, ok := sc.pending[k]; !ok {
		sc.order = append(sc.order, k)
	}
	sc.pending[k] = c
}

// changes returns the held writes in the order their keys were first
// written.
func (sc *scope) changes() []crm.StateChange {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	var out []crm.StateChange
	for _, k := range sc.order {
		out = append(out, sc.pending[k])
	}
	return out
}

// scopedStore is the store the conversation engine sees: inside the
// pipeline, the handled chat's state reads come from what the accept read
// and its writes are held for the pipeline to save; elsewhere (tests
// calling Handle, the scheduler) it is the store.
type scopedStore struct{ Store }

func (s scopedStore) State(ctx context.Context, channel, chatID, userKey string, now time.Time) (crm.ConversationState, error) {
	if sc := scopeOf(ctx, channel, chatID); sc != nil {
		if st, found, known := sc.state(userKey, now); known {
			if !found {
				return crm.ConversationState{}, crm.ErrNotFound
			}
			return st, nil
		}
	}
	return s.Store.State(ctx, channel, chatID, userKey, now)
}

func (s scopedStore) PutState(ctx context.Context, st crm.ConversationState) error {
	if sc := scopeOf(ctx, st.Channel, st.ChatID); sc != nil {
		sc.hold(crm.StateChange{State: st})
		return nil
	}
	return s.Store.PutState(ctx, st)
}

func (s scopedStore) DeleteState(ctx context.Context, channel, chatID, userKey string) error {
	if sc := scopeOf(ctx, channel, chatID); sc != nil {
		sc.hold(crm.StateChange{State: crm.ConversationState{Channel: channel, ChatID: chatID, UserKey: userKey}, Delete: true})
		return nil
	}
	return s.Store.DeleteState(ctx, channel, chatID, userKey)
}

// whoIs finds the user bound to the request's chat account and the
// departments (for the viewer): from what the accept read, else the use
// cases (sales.Service.Identify).
// The error has code CodeUnbound when no active user is bound.
func (b *Bot) whoIs(ctx context.Context, r *Request) (crm.Viewer, error) {
	if sc := scopeOf(ctx, r.Channel, r.ChatID); sc != nil && sc.pre != nil && sc.user == r.UserID {
		if sc.pre.User.ID == 0 {
			return crm.Viewer{}, crm.Errorf(crm.CodeUnbound, "auth.unbound")
		}
		return crm.ViewerOf(sc.pre.User, sc.pre.Departments), nil
	}
	return b.opt.Sales.Identify(ctx, r.Channel, r.UserID)
}
