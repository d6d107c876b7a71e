package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

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

// IsTransient reports whether err is a database failure that may well not
// happen again if the same work is tried a moment later: the connection
// was lost or refused (a PostgreSQL restart or fail-over), the server is
// shutting down or starting up, a serialization failure or deadlock, or
// SQLite's database being busy or locked. Constraint violations, bad SQL
// and a canceled context are not transient.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if _, ok := crm.AsError(err); ok {
		return false
	}
	var pqe *pq.Error
	if errors.As(err, &pqe) {
		switch c := string(pqe.Code); {
		case strings.HasPrefix(c, "08"): // connection exception
			return true
		case c == "57P01", c == "57P02", c == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case c == "40001", c == "40P01": // serialization failure, deadlock
			return true
		case c == "53300": // too many connections
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff   // primary result code
		return c == 5 || c == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
