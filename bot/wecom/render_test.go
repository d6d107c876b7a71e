package wecom

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
)

var update = flag.Bool("update", false, "rewrite the golden files of the WeCom rendering")

// TestRenderGolden pins what bot messages become on the WeCom wire: merged
// and split texts, template cards (their JSON), numbered options, group
// markdown, images and files, in both languages. go test -run
// TestRenderGolden -update rewrites testdata/render.golden; read the diff
// before committing it.
func TestRenderGolden(t *testing.T) {
	btn := func(pairs ...string) [][]crm.Button {
		var row []crm.Button
		for i := 0; i+1 < len(pairs); i += 2 {
			row = append(row, crm.Button{Text: pairs[i], Data: pairs[i+1]})
		}
		return [][]crm.Button{row}
	}
	long := strings.Repeat("青禾新锐科技有限公司拜访记录。", 200)
	many := make([]string, 0, 16)
	for i := 1; i <= 8; i++ {
		many = append(many, fmt.Sprintf("客户%d", i), fmt.Sprintf("%d.%d", 3, i))
	}
	member := target{kind: toMember, id: "zhangsan"}
	group := target{kind: toAppChat, id: "chat1"}
	robot := target{kind: toRobot, id: "key"}
	cases := []struct {
		name string
		to   target
		lang string
		msgs []crm.Message
	}{
		{"texts merge into one", member, "zh", []crm.Message{{Text: "已保存。"}, {Text: "下一步：约见王总"}}},
		{"a card with three buttons", member, "zh", []crm.Message{{Text: "北京青禾新锐科技有限公司\n拜访 · 明天 15:00", Buttons: btn("保存", "1.0", "修改", "1.1", "取消", "1.2")}}},
		{"buttons without text take the text before", member, "zh", []crm.Message{{Text: "要做什么？"}, {Buttons: btn("记拜访", "2.0", "推进阶段", "2.1")}}},
		{"a card in English", member, "en", []crm.Message{{Text: "Save this visit?", Buttons: btn("Save", "1.0", "Edit", "1.1")}}},
		{"too many buttons: numbered", member, "zh", []crm.Message{{Text: "选哪个客户？", Buttons: btn(many...)}}},
		{"a long button label: numbered", member, "en", []crm.Message{{Text: "Which one?", Buttons: btn("Beijing Qinghe Xinrui Technology Co., Ltd.", "4.0", "Other", "4.1")}}},
		{"a long text is split", member, "zh", []crm.Message{{Text: long}}},
		{"a group gets markdown without buttons", group, "", []crm.Message{{Text: "撞单提醒\n李四 想添加 北京青禾新锐科技有限公司", Buttons: btn("查看", "5.0")}}},
		{"the robot gets markdown", robot, "", []crm.Message{{Text: "今日团队\n新增客户 3"}}},
		{"an image and a file", member, "zh", []crm.Message{{Text: "本月回款"}, {Image: &crm.Image{Name: "chart.png", PNG: []byte{1, 2, 3}}}, {File: &crm.File{Name: "customers.xlsx", Data: []byte{4}}}}},
		{"groups get no files", group, "", []crm.Message{{File: &crm.File{Name: "customers.xlsx", Data: []byte{4}}}, {Text: "导出完成"}}},
	}
	var sb strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&sb, "=== %s (to %s, lang %q)\n", c.name, c.to, c.lang)
		for i, w := range render(c.msgs, c.to, c.lang) {
			fmt.Fprintf(&sb, "--- wire %d: %s", i+1, w.kind)
			if w.lang != "" {
				fmt.Fprintf(&sb, " (%s)", w.lang)
			}
			sb.WriteString("\n")
			switch w.kind {
			case "card":
				card, labels := buildCard(w, "task-1")
				b, err := json.MarshalIndent(card, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				sb.Write(b)
				fmt.Fprintf(&sb, "\npressed: %q, unknown: %q\n", pressedLabel(labels[w.buttons[0].Data], w.lang), pressedLabel("", w.lang))
			case "image":
				fmt.Fprintf(&sb, "%s (%d bytes)\n", w.image.Name, len(w.image.PNG))
			case "file":
				fmt.Fprintf(&sb, "%s (%d bytes)\n", w.file.Name, len(w.file.Data))
			default:
				if len(w.text) > 300 {
					fmt.Fprintf(&sb, "%d bytes: %s…%s\n", len(w.text), w.text[:60], w.text[len(w.text)-60:])
				} else {
					sb.WriteString(w.text + "\n")
				}
				if w.numbered != nil {
					fmt.Fprintf(&sb, "numbered: %d options\n", len(w.numbered))
				}
			}
		}
	}
	golden := filepath.Join("testdata", "render.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got := sb.String(); got != string(want) {
		t.Errorf("rendering differs from %s (run with -update after checking):\n%s", golden, got)
	}
}
