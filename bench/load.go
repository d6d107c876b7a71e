package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/salesbot-crm/salesbot/store"
)

// table is a buffer of rows for one table, column values flattened.
type table struct {
	name string
	cols []string
	vals []any
	rows int64 // written so far, all chunks
}

func newTable(name string, cols ...string) *table {
	return &table{name: name, cols: cols}
}

func (t *table) add(vals ...any) {
	if len(vals) != len(t.cols) {
		panic(fmt.Sprintf("table %s: %d values for %d columns", t.name, len(vals), len(t.cols)))
	}
	t.vals = append(t.vals, vals...)
}

func (t *table) pending() int { return len(t.vals) / len(t.cols) }

// loader writes buffered rows in bulk, bypassing the store's one
// transaction per record.
type loader interface {
	begin(ctx context.Context) error
	write(ctx context.Context, t *table) error
	commit(ctx context.Context) error
	close()
}

func newLoader(ctx context.Context, db *store.DB) (loader, error) {
	conn, err := db.SQL().DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if db.Driver() == store.Postgres {
		// Foreign-key triggers off for the load (the generator only writes
		// rows whose parents exist), commits without waiting for the WAL
		// flush. Both are session settings of this connection only.
		for _, q := range []string{`SET session_replication_role = replica`, `SET synchronous_commit = off`} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				conn.Close()
				return nil, fmt.Errorf("%s: %w", q, err)
			}
		}
		return &pgLoader{conn: conn}, nil
	}
	// A bigger page cache for index maintenance, no foreign-key checks and
	// no fsync during the load; all per connection.
	for _, q := range []string{`PRAGMA cache_size = -262144`, `PRAGMA foreign_keys = OFF`, `PRAGMA synchronous = OFF`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	return &sqliteLoader{conn: conn, stmts: map[string]*sql.Stmt{}}, nil
}

// pgLoader streams rows with COPY FROM STDIN (lib/pq's CopyIn protocol).
type pgLoader struct {
	conn *sql.Conn
	tx   *sql.Tx
}

func (l *pgLoader) begin(ctx context.Context) (err error) {
	l.tx, err = l.conn.BeginTx(ctx, nil)
	return err
}

func (l *pgLoader) write(ctx context.Context, t *table) error {
	n := t.pending()
	if n == 0 {
		return nil
	}
	stmt, err := l.tx.PrepareContext(ctx, `COPY `+t.name+` (`+strings.Join(t.cols, ", ")+`) FROM STDIN`)
	if err != nil {
		return fmt.Errorf("copy %s: %w", t.name, err)
	}
	defer stmt.Close()
	w := len(t.cols)
	for i := 0; i < n; i++ {
		if _, err := stmt.ExecContext(ctx, t.vals[i*w:(i+1)*w]...); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", t.name, err)
	}
	t.rows += int64(n)
	clear(t.vals)
	t.vals = t.vals[:0]
	return nil
}

func (l *pgLoader) commit(context.Context) error {
	err := l.tx.Commit()
	l.tx = nil
	return err
}

func (l *pgLoader) close() {
	if l.tx != nil {
		l.tx.Rollback()
	}
	l.conn.ExecContext(context.Background(), `RESET session_replication_role`)
	l.conn.Close()
}

// sqliteLoader writes multi-row INSERTs inside big explicit transactions.
type sqliteLoader struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt // "table/rows" → prepared multi-row INSERT
}

func (l *sqliteLoader) begin(ctx context.Context) error {
	_, err := l.conn.ExecContext(ctx, `BEGIN`)
	return err
}

// sqliteBatch is the rows per INSERT: SQLite allows 32766 parameters.
func sqliteBatch(cols int) int { return min(500, 32000/cols) }

func (l *sqliteLoader) stmt(ctx context.Context, t *table, rows int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d", t.name, rows)
	if s, ok := l.stmts[key]; ok {
		return s, nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + t.name + ` (` + strings.Join(t.cols, ", ") + `) VALUES `)
	one := `(` + strings.TrimSuffix(strings.Repeat(`?, `, len(t.cols)), `, `) + `)`
	for i := range rows {
		if i > 0 {
			b.WriteString(`, `)
		}
		b.WriteString(one)
	}
	s, err := l.conn.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, fmt.Errorf("insert %s: %w", t.name, err)
	}
	l.stmts[key] = s
	return s, nil
}

func (l *sqliteLoader) write(ctx context.Context, t *table) error {
	n := t.pending()
	w := len(t.cols)
	batch := sqliteBatch(w)
	for i := 0; i < n; i += batch {
		k := min(batch, n-i)
		s, err := l.stmt(ctx, t, k)
		if err != nil {
			return err
		}
		if _, err := s.ExecContext(ctx, t.vals[i*w:(i+k)*w]...); err != nil {
			return fmt.Errorf("insert %s: %w", t.name, err)
		}
	}
	t.rows += int64(n)
	clear(t.vals)
	t.vals = t.vals[:0]
	return nil
}

func (l *sqliteLoader) commit(ctx context.Context) error {
	_, err := l.conn.ExecContext(ctx, `COMMIT`)
	return err
}

func (l *sqliteLoader) close() {
	for _, s := range l.stmts {
		s.Close()
	}
	l.conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
	l.conn.ExecContext(context.Background(), `PRAGMA synchronous = NORMAL`)
	l.conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	l.conn.Close()
}
