package store

import (
	"context"
	"errors"
	"strings"

	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/salesbot-crm/salesbot/crm"
)

// formatError maps driver errors to crm errors: unique violations become
// conflicts; everything else is returned as is (an internal error).
func formatError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := crm.AsError(err); ok {
		return err
	}
	var pqe *pq.Error
	if errors.As(err, &pqe) && pqe.Code == "23505" {
		return &crm.Error{Code: crm.CodeConflict, Key: "conflict", Args: []any{pqe.Constraint}, Err: err}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		// SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555)
		if c := se.Code(); c == 2067 || c == 1555 {
			return &crm.Error{Code: crm.CodeConflict, Key: "conflict", Args: []any{constraintOf(se.Error())}, Err: err}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return err
}

// constraintOf extracts "customers.name_key" from a SQLite message like
// "UNIQUE constraint failed: customers.name_key".
func constraintOf(msg string) string {
	i := strings.LastIndex(msg, "failed: ")
	if i < 0 {
		return ""
	}
	after := msg[i+len("failed: "):]
	if j := strings.Index(after, " ("); j >= 0 {
		after = after[:j]
	}
	return after
}

// isConflictOn reports whether err is a unique violation on a constraint
// whose name (PostgreSQL) or column list (SQLite) mentions col.
func isConflictOn(err error, col string) bool {
	e, ok := crm.AsError(err)
	if !ok || e.Code != crm.CodeConflict || len(e.Args) == 0 {
		return false
	}
	s, _ := e.Args[0].(string)
	return strings.Contains(s, col)
}
