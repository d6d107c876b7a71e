package sheet_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// bigFile writes n rows of plausible, mostly distinct companies.
func bigFile(t testing.TB, dir string, n int, owners []string) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(42, 7))
	const trade = "青禾新锐明远恒信星辰蓝海楚天湘江山城燕山华泰博源天诚百川汇丰锦程合力君安晟铭友邦润泽同创安信天工美达联众兴业中和铭扬远航峰源富春智联祥和斯达创汇嘉禾永康瑞丰宏达鑫隆金桥银河海川泰和盛世德润弘毅卓越精诚致远立信启明东方"
	runes := []rune(trade)
	cities := []string{"北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安", "", ""}
	inds := []string{"科技", "机械制造", "贸易", "物流", "餐饮管理", "建材", "电子", "生物科技", "文化传媒", "教育咨询", "医疗器械", "环保工程"}
	rows := [][]string{{"公司名称", "行业", "地区", "来源", "联系人", "电话", "负责人"}}
	for i := range n {
		tr := string([]rune{runes[rng.IntN(len(runes))], runes[rng.IntN(len(runes))], runes[rng.IntN(len(runes))]})
		ind := inds[rng.IntN(len(inds))]
		name := cities[rng.IntN(len(cities))] + tr + ind + "有限公司"
		rows = append(rows, []string{name, ind, "", "展会", "王总", "13" + strconv.Itoa(100000000+i), owners[i%len(owners)]})
	}
	p := filepath.Join(dir, fmt.Sprintf("big%d.csv", n))
	writeCSV(t, p, rows, ',', false)
	return p
}

// TestImportSpeed imports a file of several pipeline chunks on both engines
// and logs the rate. The default size keeps the suite quick;
// SALESBOT_SHEET_ROWS=10000 measures a large import and the export of its
// customers.
func TestImportSpeed(t *testing.T) {
	t.Parallel()
	n, measure := 300, false // two chunks of the pipeline
	if v, err := strconv.Atoi(os.Getenv("SALESBOT_SHEET_ROWS")); err == nil && v > 0 {
		n, measure = v, true
	}
	now := testNow(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		o := newOrg(t, db)
		path := bigFile(t, t.TempDir(), n, []string{o.rep1.Name, o.rep2.Name, o.rep3.Name, ""})
		data := readFile(t, path)
		for _, dry := range []bool{true, false} {
			start := time.Now()
			rep, err := sheet.Import(ctx, sales.New(db), bytes.NewReader(data), "big.csv", sheet.ImportOptions{DryRun: dry, DefaultOwner: o.manager, Actor: o.admin.ID, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			t.Logf("%s dry=%v: %d rows in %v (%.0f rows/s): created %d, skipped %d", db.Driver(), dry, rep.Rows, el.Round(time.Millisecond),
				float64(rep.Rows)/el.Seconds(), rep.Created, rep.Skipped)
			if rep.Rows != n || rep.Created < n/2 {
				t.Errorf("report: rows %d created %d", rep.Rows, rep.Created)
			}
		}
		if got := countCustomers(t, db); got < n/2 {
			t.Errorf("%d customers", got)
		}
		for _, format := range []string{"xlsx", "csv"} {
			if !measure {
				break
			}
			start := time.Now()
			var b bytes.Buffer
			got, err := sheet.ExportCustomers(ctx, sales.New(db), viewer(t, db, o.admin), &b, format, now, conversation.SheetStageName)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: exported %d customers as %s (%d KiB) in %v", db.Driver(), got, format, b.Len()>>10, time.Since(start).Round(time.Millisecond))
		}
	})
}
