package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestImportAndExportCommands imports a GBK CSV as Excel on Chinese Windows
// saves it, reports duplicates row by row, and exports customers and the
// audit log.
func TestImportAndExportCommands(t *testing.T) {
	dir := t.TempDir()
	runMain(t, dir, "", nil, "user", "add", "张三", "--role", "rep")
	csv := "公司名称,行业,地区,联系人,电话,负责人\r\n" +
		"北京青禾新锐科技有限公司,IT/软件,北京,王经理,13800138000,张三\r\n" +
		"青禾新锐科技（北京）有限公司,IT/软件,北京,,,张三\r\n" +
		"瑞丰机械有限公司,制造业,上海,刘总,13912345678,\r\n" +
		",制造业,上海,,,\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "客户.csv")
	os.WriteFile(path, []byte(gbk), 0o644)

	code, out, stderr := runMain(t, dir, "", nil, "import", path, "--owner", "张三", "--dry-run")
	if code != 0 || !strings.Contains(out, "would import 2") || !strings.Contains(out, "gbk") {
		t.Fatalf("dry run: %d %s %s", code, out, stderr)
	}
	code, out, stderr = runMain(t, dir, "", nil, "import", path, "--owner", "张三")
	if code != 0 || !strings.Contains(out, "imported 2") || !strings.Contains(out, "duplicate_file") {
		t.Fatalf("import: %d %s %s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "客户.rejected.csv")); err != nil {
		t.Fatalf("no rejected-rows file: %v", err)
	}
	// Importing again changes nothing: every row is now a duplicate.
	code, out, _ = runMain(t, dir, "", nil, "import", path, "--owner", "张三")
	if code != 0 || !strings.Contains(out, "imported 0") || !strings.Contains(out, "duplicate_db") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	_, out, _ = runMain(t, dir, "/find 瑞丰\n", nil, "console", "--user", "张三")
	if !strings.Contains(out, "瑞丰机械有限公司") {
		t.Fatalf("imported customer not found: %s", out)
	}
	for _, name := range []string{"customers.xlsx", "customers.csv", "audit.xlsx", "industry.xlsx", "reports.csv"} {
		args := []string{"export", filepath.Join(dir, name)}
		switch {
		case strings.HasPrefix(name, "audit"):
			args = append(args, "--audit")
		case strings.HasPrefix(name, "industry"):
			args = append(args, "--stats", "industry")
		case strings.HasPrefix(name, "reports"):
			args = append(args, "--reports", "week")
		}
		code, out, stderr := runMain(t, dir, "", nil, args...)
		if code != 0 || !strings.Contains(out, "exported") {
			t.Fatalf("%s: %d %s %s", name, code, out, stderr)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "customers.csv"))
	if !strings.Contains(string(b), "北京青禾新锐科技有限公司") || !strings.Contains(string(b), "张三") {
		t.Fatalf("export: %s", b)
	}
	if code, _, _ := runMain(t, dir, "", nil, "export", filepath.Join(dir, "x.xlsx"), "--stats", "bogus"); code != 2 {
		t.Fatalf("bogus stats export: exit %d", code)
	}
	if code, _, _ := runMain(t, dir, "", nil, "import", filepath.Join(dir, "x.pdf")); code != 2 {
		t.Fatalf("pdf import: exit %d", code)
	}
}
