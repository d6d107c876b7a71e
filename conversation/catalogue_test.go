package conversation

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
)

// TestCatalogueComplete finds every catalogue-like key in the code and
// checks it exists in both languages with matching placeholders.
func TestCatalogueComplete(t *testing.T) {
	prefixes := map[string]bool{}
	for k, e := range catalogue {
		prefixes[k[:strings.IndexByte(k, '.')+1]] = true
		if e.zh == "" || e.en == "" {
			t.Errorf("%s: empty text", k)
		}
		if verbs(e.zh) != verbs(e.en) {
			t.Errorf("%s: placeholders differ: %q vs %q", k, e.zh, e.en)
		}
	}
	lit := regexp.MustCompile(`"([a-z]+\.[a-z0-9_]*[a-z0-9])"`)
	var files []string
	for _, dir := range []string{"../bot", "../conversation", "../crm", "../sales", "../sheet", "../scheduler", "../store", "../internal"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
				files = append(files, p)
			}
			return nil
		})
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			k := m[1]
			if !prefixes[k[:strings.IndexByte(k, '.')+1]] || strings.HasSuffix(k, ".go") || strings.HasSuffix(k, ".db") {
				continue
			}
			if !HasKey(k) {
				t.Errorf("%s uses %q, which is not in the catalogue", f, k)
			}
		}
	}
	// Keys built from values.
	for _, s := range crm.Stages {
		need(t, "stage."+string(s))
	}
	for _, r := range []crm.Role{crm.RoleRep, crm.RoleManager, crm.RoleAdmin} {
		need(t, "role."+string(r))
	}
	for _, k := range crm.ActivityKinds {
		need(t, "activity."+string(k))
	}
	for _, f := range choice.Fields {
		need(t, "choice.detail_"+string(f))
	}
	for _, k := range []crm.PeriodKind{crm.PeriodDay, crm.PeriodWeek, crm.PeriodMonth} {
		for _, p := range []string{"report.ask_", "report.saved_", "report.kind_", "push.report_due_"} {
			need(t, p+string(k))
		}
	}
	for _, m := range []crm.Metric{crm.MetricPayments, crm.MetricContract, crm.MetricNewCustomers} {
		need(t, "metric."+string(m))
	}
	for _, k := range []string{"industry", "size", "region", "source", "top", "funnel", "ranking"} {
		need(t, "stats.kind_"+k)
		need(t, "stats.title_"+k)
	}
	for _, k := range []string{crm.TransferOwnership, crm.TransferCollab} {
		need(t, "transfer.requested_"+k)
		need(t, "transfer.line_"+k)
	}
	for _, k := range []string{crm.RequestApproved, crm.RequestRejected} {
		need(t, "transfer.decided_"+k)
		need(t, "push.transfer_"+k)
	}
	for _, k := range []string{"payments", "contract", "new_customers", "activities"} {
		need(t, "stats.rank_"+k)
	}
}

func need(t *testing.T, k string) {
	t.Helper()
	if !HasKey(k) {
		t.Errorf("catalogue lacks %q", k)
	}
}

var verbRE = regexp.MustCompile(`%(\[\d\])?[-+# 0]*\d*[a-z%]`)

// verbs counts the distinct argument slots a format string uses.
func verbs(s string) int {
	n, idx := 0, map[string]bool{}
	for _, v := range verbRE.FindAllString(s, -1) {
		if v == "%%" {
			continue
		}
		if strings.HasPrefix(v, "%[") {
			idx[v[:4]] = true
			continue
		}
		n++
	}
	if len(idx) > n {
		return len(idx)
	}
	return n
}

// English agrees with a count of one; other counts and Chinese do not
// change.
func TestEnglishSingular(t *testing.T) {
	for _, c := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{LangEN, "today.pool_soon_item", []any{"青禾", 1}, "青禾 to the pool in 1 day"},
		{LangEN, "today.pool_soon_item", []any{"青禾", 3}, "青禾 to the pool in 3 days"},
		{LangEN, "time.days_ago", []any{1}, "1 day ago"},
		{LangEN, "push.stale", []any{1, 14, "青禾"}, "⏰ 1 customer not contacted for 14+ days: 青禾"},
		{LangZH, "today.pool_soon_item", []any{"青禾", 1}, "青禾 1 天后进入公海"},
	} {
		if got := T(c.lang, c.key, c.args...); got != c.want {
			t.Errorf("T(%s, %s, %v) = %q, want %q", c.lang, c.key, c.args, got, c.want)
		}
	}
	for key, one := range singular {
		e, ok := catalogue[key]
		if !ok || strings.Count(one, "%") != strings.Count(e.en, "%") {
			t.Errorf("singular %s does not match its entry %q: %q", key, e.en, one)
		}
	}
}
