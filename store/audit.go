package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// audit writes one audit entry inside tx. before is nil for creations.
func audit(ctx context.Context, tx *sqlx.Tx, actor int64, entity string, id int64, action string, before, after any, at time.Time) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return fmt.Errorf("store: audit %s %d: %w", entity, id, err)
	}
	a, err := enc(after)
	if err != nil {
		return fmt.Errorf("store: audit %s %d: %w", entity, id, err)
	}
	const q = `INSERT INTO audit_log (user_id, entity, entity_id, action, before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if _, err := exec(ctx, tx, q, actor, entity, id, action, b, a, at); err != nil {
		return fmt.Errorf("store: audit %s %d: %w", entity, id, err)
	}
	return nil
}

// Audit returns the audit entries of one record, newest first.
func (s *DB) Audit(ctx context.Context, entity string, id int64, limit int) ([]crm.AuditEntry, error) {
	const q = `SELECT id, user_id, entity, entity_id, action, before, after, at FROM audit_log
		WHERE entity = ? AND entity_id = ? ORDER BY at DESC, id DESC LIMIT ?`
	var out []crm.AuditEntry
	if err := sel(ctx, s.db, &out, q, entity, id, limit); err != nil {
		return nil, fmt.Errorf("store: audit of %s %d: %w", entity, id, err)
	}
	return out, nil
}
