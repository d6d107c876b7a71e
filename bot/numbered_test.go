package bot

import "testing"

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]int{"1": 1, " 2 ": 2, "１２": 12, "０": 0} {
		if n, ok := parseNumber(in); !ok || n != want {
			t.Errorf("parseNumber(%q) = %d, %v", in, n, ok)
		}
	}
	for _, in := range []string{"", "1a", "一", "-1", "1000", "1.5"} {
		if _, ok := parseNumber(in); ok {
			t.Errorf("parseNumber(%q) accepted", in)
		}
	}
}
