package crm

import "testing"

func TestHiddenRune(t *testing.T) {
	for s, want := range map[string]rune{
		"北京青禾新锐科技有限公司":             0,
		"见了王总\n聊方案\t下周五":           0,
		"👨‍👩‍👧 family emoji (ZWJ)": 0,
		"+86 138 0013 8000":        0,
		"丙科技\x00有限公司":              0,
		"\u202eelgoog.com":         0x202e,
		"青禾\u2067科技":               0x2067,
		"青禾\u200f科技":               0x200f,
		"青禾\u200b科技":               0x200b,
		"\ufeff青禾":                 0xfeff,
		"青禾\x1b[31m":               0x1b,
		"青禾\u0085":                 0x85,
		"Caf\ufffd":                0xfffd,
	} {
		got, ok := HiddenRune(s)
		if s == "丙科技\x00有限公司" {
			want = 0x00
			if !ok || got != 0 {
				t.Errorf("HiddenRune(%q) = %U, %v; want NUL", s, got, ok)
			}
			continue
		}
		if ok != (want != 0) || got != want {
			t.Errorf("HiddenRune(%q) = %U, %v; want %U", s, got, ok, want)
		}
	}
	if e, ok := AsError(CheckText("a\u202eb")); !ok || e.Key != "text.hidden_char" || e.Args[0] != "U+202E" {
		t.Fatalf("CheckText: %v", e)
	}
	if got := StripHidden("王\u202e经理\x00"); got != "王经理" {
		t.Fatalf("StripHidden = %q", got)
	}
}
