package main

import (
	"strings"
	"testing"
)

// One message is enough in the console too (#15): a keyword with its
// fields inline and a plain sentence each give one card, and typing 保存
// saves it.
func TestConsoleOneMessageRecords(t *testing.T) {
	dir := t.TempDir()
	if code, out, e := runMain(t, dir, "", nil, "user", "add", "张三", "--role", "rep", "--dept", "华东销售部"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, e)
	}
	in := strings.Join([]string{
		"/new 北京青禾新锐科技有限公司 王经理 13800138000",
		"IT/软件",
		"保存",
		"拜访 青禾 见了王总，聊方案，下周五发报价",
		"保存",
		"收到青禾回款5万",
		"保存",
		"",
	}, "\n")
	code, out, _ := runMain(t, dir, in, nil, "console", "--user", "张三")
	if code != 0 {
		t.Fatalf("console: exit %d\n%s", code, out)
	}
	for _, want := range []string{"已保存「北京青禾新锐科技有限公司」", "北京青禾新锐科技有限公司 · 拜访", "见了王总，聊方案", "✓ 已记录。下一步", "已收回款 ¥50,000", "回款 ¥50,000。"} {
		if !strings.Contains(out, want) {
			t.Fatalf("console output lacks %q:\n%s", want, out)
		}
	}
}
