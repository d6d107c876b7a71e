package store

import "context"

// MigrateWith applies the given migrations (tests of failure handling).
func (s *DB) MigrateWith(ctx context.Context, ms []Migration) (int, error) { return s.migrate(ctx, ms) }
