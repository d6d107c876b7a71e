package crm

import (
	"context"
	"sync/atomic"
	"time"
)

// UpdateRead asks for what handling one chat update needs before its
// handler runs: who sent it and the conversation states of its chat.
type UpdateRead struct {
	Channel    string
	ExternalID string // the sender's chat account
	// Reachable marks the chat account reachable (a private message: a
	// person who had blocked the bot wrote again).
	Reachable bool
	ChatID    string
	StateKeys []string // user keys of (Channel, ChatID) states to read
	Now       time.Time
}

// UpdateContext is what an UpdateRead found.
type UpdateContext struct {
	User        User // the active user bound to the account; zero when unbound
	Departments []Department
	// States holds the unexpired states found, by user key; a key asked
	// for and missing has none.
	States map[string]ConversationState
}

// StateChange is one conversation-state write: Put, or Delete the state
// of (Channel, ChatID, UserKey).
type StateChange struct {
	State  ConversationState
	Delete bool
}

// UpdateStore does an update's inbox and conversation-state work in one
// transaction per step: accept and read, save what handling changed with
// the replies to keep, finish. A store without it gets the same work done
// through the single-purpose methods (more round trips).
type UpdateStore interface {
	// AcceptUpdate is AcceptInbound and, for a new update when read is
	// not nil, ReadUpdate, in one transaction.
	AcceptUpdate(ctx context.Context, channel, key string, payload []byte, now time.Time, read *UpdateRead) (bool, UpdateContext, error)
	// ReadUpdate reads what an UpdateRead asks for in one transaction.
	ReadUpdate(ctx context.Context, read UpdateRead) (UpdateContext, error)
	// SaveUpdate applies state changes and, in the same transaction, keeps
	// replies (HandledInbound) when replies is not nil, or marks the
	// update answered (FinishInbound) when finish is set, and then, with
	// next, reads what the chat's next update needs (ReadUpdate). An empty
	// key applies the changes alone.
	SaveUpdate(ctx context.Context, channel, key string, changes []StateChange, replies []byte, finish bool, next *UpdateRead) (UpdateContext, error)
}

type writeMarkKey struct{}

// WithWriteMark returns a context under which a store reports each write
// it makes (NoteWrite), and the mark it sets: an update whose handler
// wrote nothing can be answered without keeping its replies.
func WithWriteMark(ctx context.Context) (context.Context, *atomic.Bool) {
	m := &atomic.Bool{}
	return context.WithValue(ctx, writeMarkKey{}, m), m
}

// NoteWrite tells the caller (WithWriteMark) that a write is being made.
// Stores call it before every statement that may change data.
func NoteWrite(ctx context.Context) {
	if m, ok := ctx.Value(writeMarkKey{}).(*atomic.Bool); ok {
		m.Store(true)
	}
}

// ReadBatcher is a store that can run the reads made under a context in
// one read-only transaction (one round trip each, one transaction in all)
// instead of one autocommit transaction each: BatchReads returns that
// context and end, which must be called once the reads are over (before
// slow work such as sending). Writes under the context are not affected:
// each is its own transaction as always, and reads after a write see it.
type ReadBatcher interface {
	BatchReads(ctx context.Context) (context.Context, func())
}
