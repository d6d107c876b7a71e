package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"
)

func TestWithRuntimeParam(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u@h:5432/db?sslmode=disable", "postgres://u@h:5432/db?sslmode=disable&plan_cache_mode=force_custom_plan"},
		{"postgresql://u@h/db", "postgresql://u@h/db?plan_cache_mode=force_custom_plan"},
		{"host=h dbname=db sslmode=disable", "host=h dbname=db sslmode=disable plan_cache_mode=force_custom_plan"},
		{"postgres://u@h/db?plan_cache_mode=auto", "postgres://u@h/db?plan_cache_mode=auto"}, // the operator's own choice
	} {
		if got := withRuntimeParam(c.in, "plan_cache_mode", "force_custom_plan"); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCacheable(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT id FROM customers WHERE name_key = ?":                    true,
		"  with x AS (SELECT 1) SELECT * FROM x":                         true,
		"INSERT INTO inbound (channel, key) VALUES ($1, $2)":             true,
		"UPDATE identities SET reachable = ? WHERE channel = ?":          true,
		"DELETE FROM conversation_state WHERE expires_at <= ?":           true,
		"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER)": false,
		"VACUUM INTO ?": false,
		"SELECT id FROM customers WHERE id IN (" + repeatParams(40) + ")": false,
	} {
		if got := cacheable(q); got != want {
			t.Errorf("cacheable(%q) = %v, want %v", q, got, want)
		}
	}
}

func repeatParams(n int) string {
	s := "?"
	for range n - 1 {
		s += ", ?"
	}
	return s
}

// Statements are prepared once and reused; a full cache runs the rest
// directly; Close closes what it prepared.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	raw, err := sqlx.Open(SQLite, SQLiteDSN(filepath.Join(t.TempDir(), "c.db")))
	if err != nil {
		t.Fatal(err)
	}
	c := newCachedDB(raw)
	defer c.Close()
	if _, err := c.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := c.ExecContext(ctx, `INSERT INTO t (id, v) VALUES (?, ?)`, i, "x"); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := c.GetContext(ctx, &n, `SELECT COUNT(*) FROM t WHERE v = ?`, "x"); err != nil || n != 3 {
		t.Fatalf("count: %d %v", n, err)
	}
	var ids []int
	if err := c.SelectContext(ctx, &ids, `SELECT id FROM t WHERE v = ? ORDER BY id`, "x"); err != nil || len(ids) != 3 {
		t.Fatalf("select: %v %v", ids, err)
	}
	if len(c.stmts) != 3 { // the INSERT, the COUNT and the SELECT; not the CREATE
		t.Fatalf("%d statements cached, want 3: %v", len(c.stmts), c.stmts)
	}
	// A bad statement is not cached and reports its error.
	if err := c.GetContext(ctx, &n, `SELECT nope FROM t`); err == nil {
		t.Fatal("bad SQL ran")
	}
	if len(c.stmts) != 3 {
		t.Fatalf("a failed statement was cached")
	}
	c.full = true
	if err := c.GetContext(ctx, &n, `SELECT COUNT(*) FROM t`); err != nil || n != 3 || len(c.stmts) != 3 {
		t.Fatalf("full cache: %d %v (%d cached)", n, err, len(c.stmts))
	}
}
