package store_test

import (
	"context"
	"net"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// IsTransient on the errors the drivers really return.
func TestIsTransient(t *testing.T) {
	ctx := context.Background()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		// Bad SQL and a unique violation are not worth retrying.
		_, err := db.SQL().ExecContext(ctx, `SELECT * FROM no_such_table`)
		if err == nil || store.IsTransient(err) {
			t.Errorf("bad SQL: %v, transient %v", err, store.IsTransient(err))
		}
		if _, err := db.CreateUser(ctx, 0, crm.User{Name: "甲", Role: crm.RoleRep}); err != nil {
			t.Fatal(err)
		}
		_, err = db.SQL().ExecContext(ctx, `INSERT INTO users (id, name, role, active, created_at) SELECT id, name, role, active, created_at FROM users`)
		if err == nil || store.IsTransient(err) {
			t.Errorf("unique violation: %v, transient %v", err, store.IsTransient(err))
		}
		if db.Driver() != store.Postgres {
			return
		}
		// Prepared statements are planned per run (store.Open's DSN).
		var mode string
		if err := db.SQL().GetContext(ctx, &mode, `SHOW plan_cache_mode`); err != nil || mode != "force_custom_plan" {
			t.Errorf("plan_cache_mode %q (%v), want force_custom_plan", mode, err)
		}
		// A backend terminated under a session (what a restart does to
		// every open connection): admin_shutdown, transient.
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, err = conn.ExecContext(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
		if err == nil || !store.IsTransient(err) {
			t.Errorf("terminated backend: %v, transient %v", err, store.IsTransient(err))
		}
	})

	// A server that is not listening (down, restarting): refused, transient.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = store.Open(ctx, store.Postgres, "postgres://postgres@"+addr+"/test?sslmode=disable&connect_timeout=2")
	if err == nil || !store.IsTransient(err) {
		t.Errorf("refused connection: %v, transient %v", err, store.IsTransient(err))
	}
	if store.IsTransient(context.Canceled) || store.IsTransient(nil) {
		t.Error("canceled or nil counted as transient")
	}
}
