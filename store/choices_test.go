package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A database made by the previous release (schema version 10) holds
// choice fields as whatever was typed or imported; migration 11 turns
// them into codes, and what no option reads into other with the old text
// as its detail — on both engines.
func TestMigrationConvertsChoiceValues(t *testing.T) {
	open := map[string]func(t *testing.T) *store.DB{
		store.SQLite: func(t *testing.T) *store.DB {
			db, err := store.Open(ctx, store.SQLite, filepath.Join(t.TempDir(), "old.db"))
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		store.Postgres: func(t *testing.T) *store.DB {
			db, err := store.Open(ctx, store.Postgres, storetest.NewPostgresDatabase(t))
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
	}
	type row struct{ industry, size, region, source string }
	type want struct{ industry, industryDetail, size, sizeDetail, region, regionDetail, source, sourceDetail string }
	cases := []struct {
		name string
		old  row
		want want
	}{
		{"北京青禾新锐科技有限公司", row{"IT/软件", "50-199人", "北京", "老客户介绍"}, want{"it", "", "s2", "", "beijing", "", "referral", ""}},
		{"成都蜀香餐饮管理有限公司", row{"餐饮", "巨大", "成都", "朋友介绍"}, want{"other", "餐饮", "other", "巨大", "chengdu", "", "referral", ""}},
		{"上海明远贸易有限公司", row{"贸易", "120", "Shanghai", "展会"}, want{"retail", "", "s2", "", "shanghai", "", "expo", ""}},
		{"杭州西湖龙井茶业有限公司", row{"农业", "0", "火星", "其他"}, want{"other", "农业", "other", "0", "other", "火星", "other", ""}},
		{"深圳凯盛汇智科技有限公司", row{"12", "", "深圳市", "抖音"}, want{"other", "12", "", "", "shenzhen", "", "other", "抖音"}},
		{"广州已是代码科技有限公司", row{"it", "s3", "guangzhou", "website"}, want{"it", "", "s3", "", "guangzhou", "", "website", ""}},
	}
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			db := open[engine](t)
			defer db.Close()
			ms, err := store.Migrations(engine)
			if err != nil || len(ms) < 11 || ms[10].Version != 11 {
				t.Fatalf("migrations %v %v", len(ms), err)
			}
			if v, err := db.MigrateWith(ctx, ms[:10]); err != nil || v != 10 {
				t.Fatalf("previous release's schema: %d %v", v, err)
			}
			sql := db.SQL()
			now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
			if _, err := sql.Exec(sql.Rebind(`INSERT INTO users (name, role, created_at) VALUES (?, 'rep', ?)`), "张伟", now); err != nil {
				t.Fatal(err)
			}
			for i, c := range cases {
				if _, err := sql.Exec(sql.Rebind(`INSERT INTO customers (name, name_key, trade_key, industry, size, region, source, owner_id, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`), c.name, "key"+string(rune('a'+i)), "t", c.old.industry, c.old.size, c.old.region, c.old.source, now, now); err != nil {
					t.Fatal(err)
				}
			}
			if v, err := db.Migrate(ctx); err != nil || v != len(ms) {
				t.Fatalf("migrate: %d %v", v, err)
			}
			for _, c := range cases {
				var got want
				if err := sql.QueryRow(sql.Rebind(`SELECT industry, industry_detail, size, size_detail, region, region_detail, source, source_detail FROM customers WHERE name = ?`), c.name).
					Scan(&got.industry, &got.industryDetail, &got.size, &got.sizeDetail, &got.region, &got.regionDetail, &got.source, &got.sourceDetail); err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
				}
			}
			// The store reads what the migration wrote.
			c, err := db.CustomerByKey(ctx, "keyb")
			if err != nil || c.Choice(choice.Industry) != (choice.Value{Code: choice.Other, Detail: "餐饮"}) || c.Choice(choice.Size) != (choice.Value{Code: choice.Other, Detail: "巨大"}) {
				t.Fatalf("read back: %+v %v", c, err)
			}
		})
	}
}
