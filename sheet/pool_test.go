package sheet_test

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A row whose owner is "公海" is imported into the pool (no owner, why:
// imported); the others go to their owner as before.
func TestImportOwnerPool(t *testing.T) {
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		in := "公司名称,负责人\n杭州明远机械有限公司,公海\n苏州恒信物流有限公司," + o.rep1.Name + "\n"
		rep, err := sheet.Import(ctx, sales.New(db), strings.NewReader(in), "pool.csv", sheet.ImportOptions{DefaultOwner: o.rep2, Now: now})
		if err != nil || rep.Created != 2 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		pool, err := db.PoolCustomers(ctx, "", 10, 0)
		if err != nil || len(pool) != 1 || pool[0].Name != "杭州明远机械有限公司" || pool[0].PoolReason != crm.PoolImport || !pool[0].InPool() {
			t.Fatalf("pool: %+v %v", pool, err)
		}
		if n, _ := db.CountCustomers(ctx, crm.Scope{OwnerID: o.rep1.ID}); n != 1 {
			t.Fatalf("%s owns %d", o.rep1.Name, n)
		}
	})
}
