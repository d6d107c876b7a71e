package store_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Migration 16 (0016_pool) lets a customer have no owner (the pool) on a database made
// by the previous release, on both engines: its customers keep their
// owners, a release leaves owner_id NULL, and the customer reads back with
// owner 0 and why it is in the pool.
func TestMigrationPoolOnPreviousRelease(t *testing.T) {
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
			if len(ms) < 16 || ms[15].Name != "0016_pool.sql" {
				t.Fatalf("migration 16 missing: %d", len(ms))
			}
			if v, err := db.MigrateWith(ctx, ms[:15]); err != nil || v != 15 {
				t.Fatalf("previous release's schema: %d %v", v, err)
			}
			sql := db.SQL()
			now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
			if engine == store.SQLite { // the previous release's owner_id is NOT NULL
				var def string
				sql.Get(&def, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'customers'`)
				if !strings.Contains(def, "owner_id         BIGINT NOT NULL") {
					t.Fatalf("customers before migration 16: %s", def)
				}
			}
			sql.MustExec(sql.Rebind(`INSERT INTO users (name, role, created_at) VALUES (?, 'rep', ?)`), "张伟", now)
			for i := 0; i < 2; i++ {
				sql.MustExec(sql.Rebind(`INSERT INTO customers (name, name_key, trade_key, owner_id, created_by, created_at, updated_at) VALUES (?, ?, 't', 1, 1, ?, ?)`),
					"客户"+string(rune('A'+i)), "k"+string(rune('a'+i)), now, now)
			}
			if v, err := db.Migrate(ctx); err != nil || v != len(ms) {
				t.Fatalf("migrate: %d %v", v, err)
			}
			if err := db.ReleaseCustomer(ctx, 1, crm.PoolRelease{CustomerID: 1, From: 1, Note: "换人跟进", At: now}); err != nil {
				t.Fatal(err)
			}
			var nulls int
			sql.Get(&nulls, `SELECT COUNT(*) FROM customers WHERE owner_id IS NULL`)
			if nulls != 1 {
				t.Fatalf("%d customers without owner, want 1", nulls)
			}
			c, err := db.Customer(ctx, 1)
			if err != nil || !c.InPool() || c.PoolReason != crm.PoolByHand || c.PoolNote != "换人跟进" || c.ReleasedFrom != 1 || c.ReleasedAt == nil {
				t.Fatalf("released customer: %+v %v", c, err)
			}
			if c, err := db.Customer(ctx, 2); err != nil || c.OwnerID != 1 || c.OwnerName != "张伟" {
				t.Fatalf("owned customer: %+v %v", c, err)
			}
			// owner_id still refers to users.
			if _, err := sql.Exec(`UPDATE customers SET owner_id = 99 WHERE id = 2`); err == nil {
				t.Fatal("owner_id 99 accepted: the foreign key is gone")
			}
			if engine == store.SQLite {
				var check string
				sql.Get(&check, `PRAGMA integrity_check`)
				if check != "ok" {
					t.Fatalf("integrity: %s", check)
				}
			}
		})
	}
}

// The nightly sweep releases in one pass the customers its rule names and
// no other; a second sweep releases nothing more; each release has its
// move, its audit entry and a push to the former owner.
func TestSweepPool(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		rep, _ := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
		add := func(name string, created time.Time) crm.Customer {
			c, err := db.CreateCustomer(ctx, rep.ID, crm.Customer{Name: name, OwnerID: rep.ID, CreatedAt: created})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		old := now.AddDate(0, 0, -40)
		quiet := add("沉睡一号科技有限公司", old)                   // released: no activity for 40 days
		active := add("活跃二号科技有限公司", old)                  // an activity 5 days ago
		fresh := add("新建三号科技有限公司", now.AddDate(0, 0, -5)) // new
		negotiating := add("谈判四号科技有限公司", old)             // a deal at 商务谈判
		owing := add("欠款五号科技有限公司", old)                   // an unpaid plan
		booked := add("约见六号科技有限公司", old)                  // an appointment tomorrow
		db.Now = func() time.Time { return now.AddDate(0, 0, -5) }
		if _, err := db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: active.ID, UserID: rep.ID, Kind: crm.ActVisit, Content: "拜访", At: now.AddDate(0, 0, -5)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveDeal(ctx, rep.ID, crm.Deal{CustomerID: negotiating.ID, OwnerID: rep.ID, Stage: crm.StageNegotiation, WinPct: 80}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddPaymentPlan(ctx, rep.ID, crm.PaymentPlan{CustomerID: owing.ID, Amount: crm.Yuan(1000), DueDate: "2026-12-20", CreatedBy: rep.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddAppointment(ctx, rep.ID, crm.Appointment{CustomerID: booked.ID, UserID: rep.ID, At: now.Add(24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return now }
		rules := crm.DefaultPoolRules()
		act, deal := rules.ReleaseCutoffs(now)
		sw := crm.PoolSweep{ActivityBefore: act, DealBefore: deal, At: now}

		// The warning 3 days ahead names the same customers the sweep will.
		wact, wdeal := rules.ReleaseCutoffs(now.AddDate(0, 0, rules.WarnDays))
		warn, err := db.PoolWarnings(ctx, []int64{rep.ID}, crm.PoolSweep{ActivityBefore: wact, DealBefore: wdeal, At: now}, 10)
		if err != nil || len(warn[rep.ID]) != 1 || warn[rep.ID][0].Customer.ID != quiet.ID {
			t.Fatalf("warnings: %+v %v", warn, err)
		}

		got, err := db.SweepPool(ctx, sw)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].CustomerID != quiet.ID || got[0].From != rep.ID || got[0].Reason != crm.PoolInactive {
			t.Fatalf("released %+v, want only %d", got, quiet.ID)
		}
		for _, c := range []crm.Customer{active, fresh, negotiating, owing, booked} {
			if c2, _ := db.Customer(ctx, c.ID); c2.InPool() {
				t.Errorf("%s released", c.Name)
			}
		}
		if c, _ := db.Customer(ctx, quiet.ID); !c.InPool() || c.ReleasedFrom != rep.ID || c.ReleasedBy != 0 {
			t.Fatalf("released customer: %+v", c)
		}
		hist, _ := db.CustomerHistory(ctx, quiet.ID, 10)
		if len(hist) == 0 || hist[0].Action != "pool_release" {
			t.Fatalf("history: %+v", hist)
		}
		var pushes int
		db.SQL().Get(&pushes, `SELECT COUNT(*) FROM outbox WHERE kind = 'pool_released'`)
		if pushes != 1 {
			t.Fatalf("%d pushes, want 1", pushes)
		}
		// Run twice: nothing more.
		sw.At = now.Add(time.Minute)
		if again, err := db.SweepPool(ctx, sw); err != nil || len(again) != 0 {
			t.Fatalf("second sweep released %+v %v", again, err)
		}
		db.SQL().Get(&pushes, `SELECT COUNT(*) FROM outbox WHERE kind = 'pool_released'`)
		if pushes != 1 {
			t.Fatalf("%d pushes after the second sweep, want 1", pushes)
		}
		if n, _ := db.CountPoolCustomers(ctx, ""); n != 1 {
			t.Fatalf("%d in the pool", n)
		}
		if pc, err := db.PoolCounts(ctx, now.Add(-time.Hour), now.Add(time.Hour)); err != nil || pc.Released != 1 || pc.Claimed != 0 {
			t.Fatalf("counts %+v %v", pc, err)
		}

		// A claim takes it; a second claim is told it is taken.
		other, _ := db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep})
		if err := db.ClaimCustomer(ctx, other.ID, quiet.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimCustomer(ctx, rep.ID, quiet.ID, now); crm.ErrorCode(err) != crm.CodeConflict {
			t.Fatalf("second claim: %v", err)
		}
		if c, _ := db.Customer(ctx, quiet.ID); c.OwnerID != other.ID || c.InPool() {
			t.Fatalf("claimed customer: %+v", c)
		}
		st, err := db.ClaimStanding(ctx, other.ID, now.Add(-time.Hour))
		if err != nil || st.Held != 1 || st.ClaimedToday != 1 {
			t.Fatalf("standing %+v %v", st, err)
		}
	})
}

// For a while main ran migration 16's Go step with migration 14: on a
// database it made, migration 16 finds owner_id nullable and goes on.
func TestMigrationPoolAfterEarlyStep(t *testing.T) {
	db, err := store.Open(ctx, store.SQLite, filepath.Join(t.TempDir(), "early.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, _ := store.Migrations(store.SQLite)
	if _, err := db.MigrateWith(ctx, ms[:15]); err != nil {
		t.Fatal(err)
	}
	tx, err := db.SQL().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.DropOwnerNotNull(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if v, err := db.Migrate(ctx); err != nil || v != len(ms) {
		t.Fatalf("migrate: %d %v", v, err)
	}
}
