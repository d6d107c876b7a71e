// Package store keeps salesbot's data in PostgreSQL (lib/pq) or an embedded
// SQLite file (modernc.org/sqlite, pure Go) through sqlx. One set of SQL
// serves both engines; only the migrations differ.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"github.com/salesbot-crm/salesbot/crm"
)

// Engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the store on one engine. It implements crm.Store.
type DB struct {
	db     *cachedDB
	driver string
	dsn    string
	// Now is the clock for timestamps the store sets itself.
	Now func() time.Time

	slots chan struct{} // read batches holding a connection (readtx.go)

	// queued holds the transactions that queued pushes, until they commit;
	// wake then tells the outbox worker of this process (OutboxWake).
	queued sync.Map // *sqlx.Tx → bool
	wake   chan struct{}
}

var _ crm.Store = (*DB)(nil)

// SQLiteDSN turns a file path into the DSN salesbot uses for SQLite: foreign
// keys on, a busy timeout, WAL, and times stored in a form that scans back.
func SQLiteDSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_time_format=sqlite&_texttotime=1"
}

// Open connects to the database and checks it answers. It does not migrate.
func Open(ctx context.Context, driver, dsn string) (*DB, error) {
	switch driver {
	case SQLite:
		dsn = SQLiteDSN(dsn)
		// modernc registers its driver as "sqlite"; tell sqlx it binds "?".
		sqlx.BindDriver(SQLite, sqlx.QUESTION)
	case Postgres:
	default:
		return nil, fmt.Errorf("store: unknown driver %q (want sqlite or postgres)", driver)
	}
	open := dsn
	if driver == Postgres {
		// The store keeps its statements prepared (stmts.go); PostgreSQL
		// would switch a prepared statement to a generic plan after five
		// runs, chosen on the statistics of that moment (a table just
		// created, say) and blind to the parameters. Plan each run.
		open = withRuntimeParam(dsn, "plan_cache_mode", "force_custom_plan")
	}
	db, err := sqlx.Open(driver, open)
	if err != nil {
		return nil, fmt.Errorf("store: open %s %s: %w", driver, RedactDSN(dsn), err)
	}
	if driver == SQLite {
		// One writer at a time is SQLite's model; one connection makes
		// transactions queue in Go instead of failing with SQLITE_BUSY.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20) // as many as open: pushes and updates come in bursts, and a new backend costs a fork
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach %s database at %s: %w", driver, RedactDSN(dsn), redactErr(err, dsn))
	}
	return &DB{db: newCachedDB(db), driver: driver, dsn: dsn, Now: time.Now, wake: make(chan struct{}, 1)}, nil
}

// DSN returns the connection string (with any password: never log it).
func (s *DB) DSN() string { return s.dsn }

// Driver returns "sqlite" or "postgres".
func (s *DB) Driver() string { return s.driver }

// SQL exposes the connection for packages that keep their own tables.
func (s *DB) SQL() *sqlx.DB { return s.db.DB }

// Close closes the connection pool.
func (s *DB) Close() error { return s.db.Close() }

func (s *DB) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// withRuntimeParam adds a run-time parameter to a PostgreSQL DSN (URL or
// key=value form) unless it sets one already; lib/pq passes parameters it
// does not know to the server.
func withRuntimeParam(dsn, key, value string) string {
	if strings.Contains(dsn, key+"=") {
		return dsn
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + key + "=" + url.QueryEscape(value)
	}
	return strings.TrimSpace(dsn + " " + key + "=" + value)
}

// RedactDSN returns where a DSN points without its password: host, port
// and database for PostgreSQL URLs and key=value strings, the path for SQLite.
func RedactDSN(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "postgres://(unparsable)"
		}
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		return u.Redacted()
	}
	if strings.HasPrefix(dsn, "file:") {
		p := strings.TrimPrefix(dsn, "file:")
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		return p
	}
	var kept []string
	for _, f := range strings.Fields(dsn) {
		if k, _, ok := strings.Cut(f, "="); ok && strings.EqualFold(k, "password") {
			continue
		}
		kept = append(kept, f)
	}
	return strings.Join(kept, " ")
}

// redactErr removes any password that a driver error might echo.
func redactErr(err error, dsn string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if u, perr := url.Parse(dsn); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
			return errors.New(msg)
		}
	}
	return err
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *DB) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	crm.NoteWrite(ctx)
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return formatError(err)
	}
	if err := fn(tx); err != nil {
		s.queued.Delete(tx)
		tx.Rollback()
		return err
	}
	_, queued := s.queued.LoadAndDelete(tx)
	if err := tx.Commit(); err != nil {
		return formatError(err)
	}
	if queued {
		select {
		case s.wake <- struct{}{}:
		default: // a wake is pending already
		}
	}
	return nil
}

// OutboxWake is signalled after a transaction of this process that queued
// pushes commits, so the outbox worker need not poll often for them (other
// instances' pushes are found by its polling).
func (s *DB) OutboxWake() <-chan struct{} { return s.wake }

// querier is what both *sqlx.DB and *sqlx.Tx offer.
type querier interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// get runs a one-row query, mapping no rows to crm.ErrNotFound.
func get(ctx context.Context, q querier, dest any, query string, args ...any) error {
	err := q.GetContext(ctx, dest, q.Rebind(query), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return crm.Errorf(crm.CodeNotFound, "not_found")
	}
	return formatError(err)
}

func sel(ctx context.Context, q querier, dest any, query string, args ...any) error {
	return formatError(q.SelectContext(ctx, dest, q.Rebind(query), args...))
}

func exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	crm.NoteWrite(ctx)
	r, err := q.ExecContext(ctx, q.Rebind(query), args...)
	return r, formatError(err)
}

// insertID runs an INSERT ... RETURNING id.
func insertID(ctx context.Context, q querier, query string, args ...any) (int64, error) {
	crm.NoteWrite(ctx)
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(query), args...).Scan(&id)
	return id, formatError(err)
}
