package textwidth

import "testing"

func TestOf(t *testing.T) {
	for s, want := range map[string]int{
		"":          0,
		"abc":       3,
		"张伟":        4,
		"华东销售部":     10,
		"ＡＢ":        4,
		"カナ":        4,
		"한국":        4,
		"李娜 (rep)":  10,
		"a\nb":      2,
		"é":         1,
		"，":         2,
		"Zhang Wei": 9,
	} {
		if got := Of(s); got != want {
			t.Errorf("Of(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTableAlignsWideCharacters(t *testing.T) {
	got := Table([][]string{
		{"ID", "NAME", "ROLE"},
		{"1", "张伟", "rep"},
		{"12", "Zhang Wei", "manager"},
		{"3", "欧阳娜娜", ""},
	})
	want := "" +
		"ID  NAME       ROLE\n" +
		"1   张伟       rep\n" +
		"12  Zhang Wei  manager\n" +
		"3   欧阳娜娜\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
