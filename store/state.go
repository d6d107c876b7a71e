package store

import (
	"context"
	"fmt"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// State returns the unexpired conversation state of (channel, chat, user).
func (s *DB) State(ctx context.Context, channel, chatID, userKey string, now time.Time) (crm.ConversationState, error) {
	var st crm.ConversationState
	const q = `SELECT channel, chat_id, user_key, flow, step, data, expires_at, updated_at FROM conversation_state
		WHERE channel = ? AND chat_id = ? AND user_key = ? AND expires_at > ?`
	if err := get(ctx, s.db, &st, q, channel, chatID, userKey, now.UTC()); err != nil {
		return st, fmt.Errorf("store: conversation state: %w", err)
	}
	return st, nil
}

// PutState stores (or replaces) a conversation state.
func (s *DB) PutState(ctx context.Context, st crm.ConversationState) error {
	st.UpdatedAt = s.now()
	// One statement is its own transaction: no BEGIN/COMMIT round trips.
	const q = `INSERT INTO conversation_state (channel, chat_id, user_key, flow, step, data, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, chat_id, user_key) DO UPDATE SET flow = excluded.flow, step = excluded.step, data = excluded.data,
		expires_at = excluded.expires_at, updated_at = excluded.updated_at`
	if _, err := exec(ctx, s.db, q, st.Channel, st.ChatID, st.UserKey, st.Flow, st.Step, st.Data, st.ExpiresAt.UTC(), st.UpdatedAt); err != nil {
		return fmt.Errorf("store: put conversation state: %w", err)
	}
	return nil
}

// DeleteState forgets a conversation state.
func (s *DB) DeleteState(ctx context.Context, channel, chatID, userKey string) error {
	if _, err := exec(ctx, s.db, `DELETE FROM conversation_state WHERE channel = ? AND chat_id = ? AND user_key = ?`, channel, chatID, userKey); err != nil {
		return fmt.Errorf("store: delete conversation state: %w", err)
	}
	return nil
}

// PurgeExpiredStates removes abandoned forms.
func (s *DB) PurgeExpiredStates(ctx context.Context, now time.Time) (int, error) {
	r, err := exec(ctx, s.db, `DELETE FROM conversation_state WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: purge conversation states: %w", err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

var _ crm.StateStore = (*DB)(nil)
