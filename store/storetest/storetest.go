// Package storetest opens fresh, migrated databases on every engine for
// tests: an SQLite file in a temporary directory and a PostgreSQL database
// with a random name, dropped when the test ends.
//
// PostgreSQL is found through SALESBOT_TEST_POSTGRES_DSN (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). Outside CI an
// unreachable server skips the PostgreSQL cases with a message; with CI=true
// it fails the test.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/salesbot-crm/salesbot/store"
)

// Engine is one database engine a test runs on.
type Engine struct {
	Name string // "sqlite" or "postgres"
	Open func(t testing.TB) *store.DB
}

// Engines returns the engines every store test runs on.
func Engines() []Engine {
	return []Engine{{Name: store.SQLite, Open: OpenSQLite}, {Name: store.Postgres, Open: OpenPostgres}}
}

// Run runs fn once per engine as a subtest named after the engine.
func Run(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, e.Open(t))
		})
	}
}

// OpenSQLite returns a fresh migrated SQLite database.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.SQLite, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// AdminDSN is the DSN of the PostgreSQL server tests create databases on.
func AdminDSN() string {
	if v := os.Getenv("SALESBOT_TEST_POSTGRES_DSN"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

func pgReachable() error {
	pgOnce.Do(func() {
		db, err := sql.Open("postgres", AdminDSN())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	return pgErr
}

// RequirePostgres skips (or, under CI, fails) a test when PostgreSQL is not
// reachable.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if err := pgReachable(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL at %s is required in CI: %v", store.RedactDSN(AdminDSN()), err)
		}
		t.Skipf("SKIP PostgreSQL cases: no server at %s (%v); start one or set SALESBOT_TEST_POSTGRES_DSN", store.RedactDSN(AdminDSN()), err)
	}
}

// NewPostgresDatabase creates an empty database with a random name and
// returns its DSN; the database is dropped when the test ends.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	RequirePostgres(t)
	b := make([]byte, 6)
	rand.Read(b)
	name := "salesbot_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("postgres", AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, err := url.Parse(AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// OpenPostgres returns a fresh migrated PostgreSQL database.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := NewPostgresDatabase(t)
	ctx := context.Background()
	db, err := store.Open(ctx, store.Postgres, dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// DSNOf returns the DSN a test database was opened with, so a test can open
// a second pool on it (another "instance").
func DSNOf(t testing.TB, db *store.DB) string {
	t.Helper()
	dsn := db.DSN()
	if dsn == "" {
		t.Fatal("storetest: database has no DSN")
	}
	return dsn
}
