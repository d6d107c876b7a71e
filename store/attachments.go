package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

const attachmentCols = `id, COALESCE(customer_id, 0) AS customer_id, user_id, name, mime, size, at`

// AddAttachment keeps a file and drops the user's files left unfiled
// since before.
func (s *DB) AddAttachment(ctx context.Context, actor int64, a crm.Attachment, data []byte, before time.Time) (crm.Attachment, error) {
	if a.At.IsZero() {
		a.At = s.now()
	}
	a.At = a.At.UTC().Truncate(time.Microsecond)
	a.Size = int64(len(data))
	var customer any
	if a.CustomerID != 0 {
		customer = a.CustomerID
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `DELETE FROM attachments WHERE user_id = ? AND customer_id IS NULL AND at < ?`, a.UserID, before.UTC()); err != nil {
			return err
		}
		var err error
		const q = `INSERT INTO attachments (customer_id, user_id, name, mime, size, data, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
		if a.ID, err = insertID(ctx, tx, q, customer, a.UserID, a.Name, a.Mime, a.Size, data, a.At); err != nil {
			return err
		}
		if a.CustomerID == 0 {
			return nil
		}
		return audit(ctx, tx, actor, "attachment", a.ID, "create", nil, a, s.now())
	})
	if err != nil {
		return a, fmt.Errorf("store: add attachment: %w", err)
	}
	return a, nil
}

// FileAttachment files a waiting file of actor with a customer.
func (s *DB) FileAttachment(ctx context.Context, actor, id, customerID int64) (crm.Attachment, error) {
	var a crm.Attachment
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := exec(ctx, tx, `UPDATE attachments SET customer_id = ? WHERE id = ? AND user_id = ? AND customer_id IS NULL`, customerID, id, actor)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
		}
		if err := get(ctx, tx, &a, `SELECT `+attachmentCols+` FROM attachments WHERE id = ?`, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "attachment", a.ID, "create", nil, a, s.now())
	})
	if err != nil {
		return a, fmt.Errorf("store: file attachment %d: %w", id, err)
	}
	return a, nil
}

// Attachment returns a file and its bytes.
func (s *DB) Attachment(ctx context.Context, id int64) (crm.Attachment, []byte, error) {
	var row struct {
		crm.Attachment
		Data []byte `db:"data"`
	}
	if err := get(ctx, s.db, &row, `SELECT `+attachmentCols+`, data FROM attachments WHERE id = ?`, id); err != nil {
		return crm.Attachment{}, nil, fmt.Errorf("store: attachment %d: %w", id, err)
	}
	return row.Attachment, row.Data, nil
}

// Attachments lists a customer's files, newest first.
func (s *DB) Attachments(ctx context.Context, customerID int64, limit int) ([]crm.Attachment, error) {
	var out []crm.Attachment
	if err := sel(ctx, s.db, &out, `SELECT `+attachmentCols+` FROM attachments WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT ?`, customerID, limit); err != nil {
		return nil, fmt.Errorf("store: attachments of customer %d: %w", customerID, err)
	}
	return out, nil
}

var _ crm.AttachmentStore = (*DB)(nil)
