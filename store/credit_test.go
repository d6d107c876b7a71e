package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Migration 12 credits existing customers to who owned them before their
// first handover (from the audit log), else to their owner — on both
// engines, from a database of the previous schema.
func TestMigrationCreditsCustomersToTheirFirstOwner(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "old.db")
			if engine == store.Postgres {
				dsn = storetest.NewPostgresDatabase(t)
			}
			db, err := store.Open(ctx, engine, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ms, _ := store.Migrations(engine)
			if _, err := db.MigrateWith(ctx, ms[:11]); err != nil {
				t.Fatal(err)
			}
			sql := db.SQL()
			now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
			for _, name := range []string{"张伟", "李娜"} {
				sql.MustExec(sql.Rebind(`INSERT INTO users (name, role, created_at) VALUES (?, 'rep', ?)`), name, now)
			}
			for i, owner := range []int{2, 2} { // both owned by 李娜 now
				sql.MustExec(sql.Rebind(`INSERT INTO customers (name, name_key, trade_key, owner_id, created_at, updated_at) VALUES (?, ?, 't', ?, ?, ?)`),
					"客户"+string(rune('A'+i)), "k"+string(rune('a'+i)), owner, now, now)
			}
			// Customer 1 was 张伟's until a handover; customer 2 was always 李娜's.
			sql.MustExec(sql.Rebind(`INSERT INTO audit_log (user_id, entity, entity_id, action, before, after, at) VALUES (0, 'customer', 1, 'handover', ?, ?, ?)`),
				`{"owner_id":1}`, `{"owner_id":2}`, now.Add(time.Hour))
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for id, want := range map[int64]int64{1: 1, 2: 2} {
				var got int64
				if err := sql.Get(&got, sql.Rebind(`SELECT created_by FROM customers WHERE id = ?`), id); err != nil || got != want {
					t.Errorf("customer %d created by %d (%v), want %d", id, got, err, want)
				}
			}
			n, err := db.Credit(ctx, crm.WorkNewCustomers, crm.Scope{OwnerID: 1}, now.Add(-time.Hour), now.Add(time.Hour))
			if err != nil || n != 1 {
				t.Fatalf("张伟's new customers: %d %v", n, err)
			}
		})
	}
}
