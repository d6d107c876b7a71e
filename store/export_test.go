package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// MigrateWith applies the given migrations (tests of failure handling).
func (s *DB) MigrateWith(ctx context.Context, ms []Migration) (int, error) { return s.migrate(ctx, ms) }

// DropOwnerNotNull is migration 16's Go step (a database on which main ran
// it with migration 14).
func DropOwnerNotNull(ctx context.Context, tx *sqlx.Tx) error { return dropOwnerNotNull(ctx, tx) }
