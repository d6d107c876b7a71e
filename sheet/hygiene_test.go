package sheet_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// An imported row with a NUL byte or a bidi override in any column is
// refused with the character named, the same on both engines (PostgreSQL
// used to fail the import at the NUL; SQLite stored it) (#20 item 5).
func TestImportRefusesHiddenCharacters(t *testing.T) {
	t.Parallel()
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		path := filepath.Join(t.TempDir(), "customers.csv")
		writeCSV(t, path, [][]string{
			{"客户名称", "联系人", "备注"},
			{"丙科技\x00有限公司", "王经理", ""},
			{"\u202e司公限有技科丁", "李总", ""},
			{"北京青禾新锐科技有限公司", "赵\u2066经理", ""},
			{"上海恒通物流有限公司", "刘总", "老客户"},
		}, ',', false)
		rep := importFile(t, db, path, sheet.ImportOptions{DefaultOwner: o.rep1, Actor: o.admin.ID, Now: now})
		if rep.Rows != 4 || rep.Created != 1 || rep.Skipped != 3 {
			t.Fatalf("report %+v", rep)
		}
		want := map[int]string{2: "U+0000", 3: "U+202E", 4: "U+2066"}
		for _, r := range rep.Results {
			if w, ok := want[r.Row]; ok && (r.Status != sheet.StatusInvalid || !strings.Contains(r.Reason, w)) {
				t.Errorf("row %d: %s %q, want invalid naming %s", r.Row, r.Status, r.Reason, w)
			}
		}
		customerNamed(t, db, "上海恒通物流有限公司")
	})
}
