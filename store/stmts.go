package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxCachedStmts bounds the statements kept prepared; maxCachedParams
// leaves out queries with long generated lists (IN (…) of many ids), whose
// text differs with every length.
const (
	maxCachedStmts  = 400
	maxCachedParams = 32
)

// cachedDB is the connection pool with the store's statements prepared
// once and reused, outside transactions. On PostgreSQL a prepared statement
// runs in one round trip instead of two (lib/pq otherwise parses an unnamed
// statement before every execution); the pure-Go SQLite otherwise parses
// and plans every statement anew, a third of an import's CPU. database/sql
// prepares a statement again on each connection that runs it, and after a
// lost connection.
type cachedDB struct {
	*sqlx.DB
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
	full  bool
}

func newCachedDB(db *sqlx.DB) *cachedDB {
	return &cachedDB{DB: db, stmts: map[string]*sqlx.Stmt{}}
}

// cacheable reports whether a query is worth keeping prepared: plain data
// statements with a bounded number of parameters.
func cacheable(query string) bool {
	head := strings.ToUpper(strings.TrimSpace(query))
	if i := strings.IndexAny(head, " \n\t("); i > 0 {
		head = head[:i]
	}
	switch head {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH":
	default:
		return false
	}
	return strings.Count(query, "?")+strings.Count(query, "$") <= maxCachedParams
}

// stmt returns the prepared statement for query, preparing it the first
// time; nil when it is not cached (the caller runs the query directly).
func (c *cachedDB) stmt(ctx context.Context, query string) *sqlx.Stmt {
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := c.full
	c.mu.Unlock()
	if ok || full || !cacheable(query) {
		return st
	}
	st, err := c.DB.PreparexContext(ctx, query)
	if err != nil {
		return nil // the direct query reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had, ok := c.stmts[query]; ok || c.full {
		st.Close()
		return had
	}
	c.stmts[query] = st
	c.full = len(c.stmts) >= maxCachedStmts
	return st
}

// batched runs a read in ctx's read batch (BatchReads), when it has one
// that takes the query; ok is false when the pool is to run it.
func (c *cachedDB) batched(ctx context.Context, query string, read func(st *sqlx.Stmt, tx *sqlx.Tx) error) (ok bool, err error) {
	b := batchOf(ctx)
	if b == nil {
		return false, nil
	}
	ok, _ = b.run(query, func(tx *sqlx.Tx) error {
		var st *sqlx.Stmt
		if prepared := c.stmt(ctx, query); prepared != nil {
			st = tx.StmtxContext(ctx, prepared) // database/sql reuses it on the transaction's connection
		}
		err = read(st, tx)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // an answer, not a failure
		}
		return err
	})
	return ok, err
}

func (c *cachedDB) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if ok, err := c.batched(ctx, query, func(st *sqlx.Stmt, tx *sqlx.Tx) error {
		if st != nil {
			return st.SelectContext(ctx, dest, args...)
		}
		return tx.SelectContext(ctx, dest, query, args...)
	}); ok {
		return err
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return c.DB.SelectContext(ctx, dest, query, args...)
}

func (c *cachedDB) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if ok, err := c.batched(ctx, query, func(st *sqlx.Stmt, tx *sqlx.Tx) error {
		if st != nil {
			return st.GetContext(ctx, dest, args...)
		}
		return tx.GetContext(ctx, dest, query, args...)
	}); ok {
		return err
	}
	if st := c.stmt(ctx, query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return c.DB.GetContext(ctx, dest, query, args...)
}

func (c *cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.DB.ExecContext(ctx, query, args...)
}

func (c *cachedDB) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return c.DB.QueryRowxContext(ctx, query, args...)
}

func (c *cachedDB) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return c.DB.QueryxContext(ctx, query, args...)
}

// Close closes the prepared statements, then the pool.
func (c *cachedDB) Close() error {
	c.mu.Lock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
	c.full = true // nothing is prepared after Close
	c.mu.Unlock()
	return c.DB.Close()
}
