package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

var _ crm.UpdateStore = (*DB)(nil)

// AcceptUpdate stores an inbound update with its payload and, when it is
// new and read is set, reads what its handling needs, in one transaction.
func (s *DB) AcceptUpdate(ctx context.Context, channel, key string, payload []byte, now time.Time, read *crm.UpdateRead) (bool, crm.UpdateContext, error) {
	var fresh bool
	var uc crm.UpdateContext
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := exec(ctx, tx, `INSERT INTO inbound (channel, key, received_at, payload, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			channel, key, now.UTC(), string(payload), now.UTC())
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		fresh = n == 1
		if !fresh || read == nil {
			return nil
		}
		uc, err = s.readUpdate(ctx, tx, *read)
		return err
	})
	if err != nil {
		return false, crm.UpdateContext{}, fmt.Errorf("store: accept inbound %s update: %w", channel, err)
	}
	return fresh, uc, nil
}

// ReadUpdate reads an update's sender and chat states in one transaction.
func (s *DB) ReadUpdate(ctx context.Context, read crm.UpdateRead) (crm.UpdateContext, error) {
	var uc crm.UpdateContext
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		uc, err = s.readUpdate(ctx, tx, read)
		return err
	})
	if err != nil {
		return uc, fmt.Errorf("store: read %s update: %w", read.Channel, err)
	}
	return uc, nil
}

func (s *DB) readUpdate(ctx context.Context, tx *sqlx.Tx, read crm.UpdateRead) (crm.UpdateContext, error) {
	var uc crm.UpdateContext
	if read.Reachable {
		// Only a change writes a row (SetReachable).
		if _, err := exec(ctx, tx, `UPDATE identities SET reachable = ? WHERE channel = ? AND external_id = ? AND reachable <> ?`,
			true, read.Channel, read.ExternalID, true); err != nil {
			return uc, err
		}
	}
	const qu = `SELECT u.id, u.name, u.role, u.dept_id, u.active, u.locale, u.created_at
		FROM identities i JOIN users u ON u.id = i.user_id
		WHERE i.channel = ? AND i.external_id = ? AND u.active = ?`
	switch err := get(ctx, tx, &uc.User, qu, read.Channel, read.ExternalID, true); {
	case err == nil:
		if err := sel(ctx, tx, &uc.Departments, `SELECT id, name, parent_id FROM departments ORDER BY id`); err != nil {
			return uc, err
		}
	case crm.ErrorCode(err) == crm.CodeNotFound:
		uc.User = crm.User{}
	default:
		return uc, err
	}
	uc.States = map[string]crm.ConversationState{}
	if len(read.StateKeys) == 0 {
		return uc, nil
	}
	q, args, err := sqlx.In(`SELECT channel, chat_id, user_key, flow, step, data, expires_at, updated_at FROM conversation_state
		WHERE channel = ? AND chat_id = ? AND user_key IN (?) AND expires_at > ?`, read.Channel, read.ChatID, read.StateKeys, read.Now.UTC())
	if err != nil {
		return uc, err
	}
	var states []crm.ConversationState
	if err := sel(ctx, tx, &states, q, args...); err != nil {
		return uc, err
	}
	for _, st := range states {
		uc.States[st.UserKey] = st
	}
	return uc, nil
}

// SaveUpdate applies state changes and keeps replies or finishes the
// update in one transaction (one statement needs none).
func (s *DB) SaveUpdate(ctx context.Context, channel, key string, changes []crm.StateChange, replies []byte, finish bool, next *crm.UpdateRead) (crm.UpdateContext, error) {
	type stmt struct {
		q    string
		args []any
	}
	var stmts []stmt
	now := s.now()
	for _, c := range changes {
		st := c.State
		if c.Delete {
			stmts = append(stmts, stmt{`DELETE FROM conversation_state WHERE channel = ? AND chat_id = ? AND user_key = ?`,
				[]any{st.Channel, st.ChatID, st.UserKey}})
			continue
		}
		stmts = append(stmts, stmt{`INSERT INTO conversation_state (channel, chat_id, user_key, flow, step, data, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, chat_id, user_key) DO UPDATE SET flow = excluded.flow, step = excluded.step, data = excluded.data,
		expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
			[]any{st.Channel, st.ChatID, st.UserKey, st.Flow, st.Step, st.Data, st.ExpiresAt.UTC(), now}})
	}
	if key != "" && finish {
		stmts = append(stmts, stmt{`UPDATE inbound SET payload = NULL, replies = NULL WHERE channel = ? AND key = ? AND payload IS NOT NULL`, []any{channel, key}})
	} else if key != "" && replies != nil {
		stmts = append(stmts, stmt{`UPDATE inbound SET replies = ? WHERE channel = ? AND key = ? AND payload IS NOT NULL`, []any{string(replies), channel, key}})
	}
	var uc crm.UpdateContext
	var err error
	switch {
	case len(stmts) == 0 && next == nil:
		return uc, nil
	case len(stmts) == 1 && next == nil:
		_, err = exec(ctx, s.db, stmts[0].q, stmts[0].args...)
	default:
		err = s.tx(ctx, func(tx *sqlx.Tx) error {
			for _, st := range stmts {
				if _, err := exec(ctx, tx, st.q, st.args...); err != nil {
					return err
				}
			}
			if next == nil {
				return nil
			}
			var err error
			uc, err = s.readUpdate(ctx, tx, *next)
			return err
		})
	}
	if err != nil {
		return crm.UpdateContext{}, fmt.Errorf("store: save inbound %s update: %w", channel, err)
	}
	return uc, nil
}
