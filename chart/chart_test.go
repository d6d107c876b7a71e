package chart

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font/gofont/goregular"
)

var update = flag.Bool("update", false, "rewrite the golden PNG files in testdata")

// goldenFont is the PostScript name and version of the font the golden files were drawn
// with (Debian fonts-wqy-microhei, which CI installs). Other fonts draw other pixels, so
// goldens are only compared with it.
const goldenFont = "WenQuanYiMicroHei Version 0.2.0-beta"

// inCI reports whether missing prerequisites must fail rather than skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// renderer returns a Renderer with a system CJK font, skipping the test when there is
// none (failing under CI=true, where the font is installed).
func renderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer("")
	if errors.Is(err, ErrNoCJKFont) && !inCI() {
		t.Skip("no CJK TrueType font on this machine (apt-get install fonts-wqy-microhei); CI=true makes this fail")
	}
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

// goldenRenderer is renderer restricted to the font the golden files were drawn with.
func goldenRenderer(t *testing.T) *Renderer {
	t.Helper()
	r := renderer(t)
	name := r.font.Name(truetype.NameIDPostscriptName) + " " + r.font.Name(truetype.NameIDNameTableVersion)
	if name != goldenFont {
		if inCI() {
			t.Fatalf("golden files need %q, found %q at %s", goldenFont, name, r.FontPath())
		}
		t.Skipf("golden files were drawn with %q; this machine's font is %q (%s)", goldenFont, name, r.FontPath())
	}
	return r
}

// chartCase is one chart of the golden set.
type chartCase struct {
	name   string
	render func(r *Renderer) ([]byte, error)
}

func regions() []Bar {
	return []Bar{
		{"华东区", 1286000},
		{"华南区", 968500.5},
		{"华北区", 452000},
		{"西南区", 0},
		{"东北区销售一部（含哈尔滨办事处）", 73000},
		{"West", 210000},
	}
}

func reps() []Bar {
	return []Bar{
		{"张伟", 52000}, {"李娜", 87000}, {"王芳", 12000}, {"欧阳建国（华南大客户组）", 30000},
		{"刘洋", 0}, {"陈静", 87000}, {"Tom Li", 45500}, {"杨磊", -3200},
	}
}

func cases() []chartCase {
	return []chartCase{
		{"bar_regions", func(r *Renderer) ([]byte, error) {
			return r.BarChart(Options{Title: "本月各区域销售额（元）"}, regions())
		}},
		{"bar_many_negative", func(r *Renderer) ([]byte, error) {
			var bars []Bar
			for i := range 20 {
				bars = append(bars, Bar{Label: fmt.Sprintf("%d月%d日", 3, i+1), Value: float64((i*37)%23 - 5)})
			}
			return r.BarChart(Options{Title: "每日新增客户净值（含退回）"}, bars)
		}},
		{"bar_all_zero", func(r *Renderer) ([]byte, error) {
			return r.BarChart(Options{Title: "本周拜访次数"}, []Bar{{"周一", 0}, {"周二", 0}, {"周三", 0}})
		}},
		{"bar_single", func(r *Renderer) ([]byte, error) {
			return r.BarChart(Options{Title: "今日拜访"}, []Bar{{"王芳", 4}})
		}},
		{"ranking_reps", func(r *Renderer) ([]byte, error) {
			return r.RankingChart(Options{Title: "本月回款排行（元）"}, reps())
		}},
		{"ranking_many", func(r *Renderer) ([]byte, error) {
			var bars []Bar
			for i := range 24 {
				bars = append(bars, Bar{Label: fmt.Sprintf("销售代表%02d", i+1), Value: float64((i * 7919) % 101)})
			}
			return r.RankingChart(Options{Title: "拜访次数排行"}, bars)
		}},
		{"pie_industry", func(r *Renderer) ([]byte, error) {
			return r.PieChart(Options{Title: "客户行业分布", OtherLabel: "其他"}, []Bar{
				{"制造业", 35}, {"互联网", 22}, {"金融", 12}, {"教育培训（含职业教育）", 9}, {"医疗", 6},
				{"零售", 5}, {"物流", 4}, {"能源", 3}, {"农业", 2}, {"其他", 2}, {"政府", 0},
			})
		}},
		{"pie_source", func(r *Renderer) ([]byte, error) {
			return r.PieChart(Options{Title: "客户来源"}, []Bar{{"转介绍", 50}, {"展会", 30}, {"官网", 1}, {"Cold call", 19}})
		}},
		{"funnel_stages", func(r *Renderer) ([]byte, error) {
			return r.FunnelChart(Options{Title: "销售漏斗（本季度）"}, []Bar{
				{"线索", 320}, {"初步接触", 180}, {"需求确认", 95}, {"方案报价", 40}, {"谈判", 18}, {"成交", 9},
			})
		}},
		{"funnel_zero_stage", func(r *Renderer) ([]byte, error) {
			return r.FunnelChart(Options{Title: "新团队漏斗", ValueFormat: func(v float64) string {
				return FormatNumber(v) + " 个"
			}}, []Bar{{"线索", 12}, {"初步接触", 0}, {"成交", 0}})
		}},
		{"progress_targets", func(r *Renderer) ([]byte, error) {
			return r.ProgressChart(Options{Title: "本月目标完成情况（万元）", ValueFormat: func(v float64) string {
				return FormatNumber(math.Round(v/100) / 100)
			}}, []Progress{
				{"张伟", 85000, 100000}, {"李娜", 132000, 100000}, {"王芳", 20000, 80000},
				{"刘洋", 0, 50000}, {"陈静（新人，无目标）", 3000, 0}, {"杨磊", -2000, 30000},
				{"华东区销售一部全体成员", 2600000, 2500000}, {"Tom Li", 310000, 100000},
			})
		}},
		{"progress_single", func(r *Renderer) ([]byte, error) {
			return r.ProgressChart(Options{Title: "全公司本月目标"}, []Progress{{"全公司", 5.2e6, 8e6}})
		}},
		{"progress_wide_untitled", func(r *Renderer) ([]byte, error) {
			return r.ProgressChart(Options{Width: 1200, Height: 400}, []Progress{
				{"本季度回款", 3.2e6, 5e6}, {"本季度新签", 41, 40},
			})
		}},
	}
}

// TestGolden compares every chart with testdata/<name>.png pixel by pixel (the PNG
// encoder may change between Go releases; the pixels must not). go test -update
// rewrites the files — look at each one before committing it.
func TestGolden(t *testing.T) {
	r := goldenRenderer(t)
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.render(r)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			path := filepath.Join("testdata", c.name+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./chart -update to create it)", err)
			}
			if bytes.Equal(got, want) {
				return
			}
			if diff := pixelDiff(t, got, want); diff != "" {
				actual := filepath.Join("testdata", c.name+".actual.png")
				_ = os.WriteFile(actual, got, 0o644)
				t.Errorf("%s differs from the golden file: %s; wrote %s (go test ./chart -update accepts it)", path, diff, actual)
			}
		})
	}
}

// pixelDiff describes how two PNGs differ in size or pixels; "" when they are equal.
func pixelDiff(t *testing.T, got, want []byte) string {
	t.Helper()
	g, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("decode rendered PNG: %v", err)
	}
	w, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("decode golden PNG: %v", err)
	}
	if g.Bounds() != w.Bounds() {
		return fmt.Sprintf("size %v, golden %v", g.Bounds().Size(), w.Bounds().Size())
	}
	var n int
	first := image.Point{-1, -1}
	b := g.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := g.At(x, y).RGBA()
			r2, g2, b2, a2 := w.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				if n == 0 {
					first = image.Pt(x, y)
				}
				n++
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d pixels differ, first at %v", n, first)
}

// TestDeterministicAndConcurrent renders every chart sequentially and then all at
// once from several goroutines on one Renderer: the bytes must be identical (run
// with -race). Works with whatever CJK font the machine has.
func TestDeterministicAndConcurrent(t *testing.T) {
	r := renderer(t)
	cs := cases()
	want := make([][]byte, len(cs))
	for i, c := range cs {
		b, err := c.render(r)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want[i] = b
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(cs))
	for range 2 {
		for i, c := range cs {
			wg.Go(func() {
				b, err := c.render(r)
				switch {
				case err != nil:
					errs <- fmt.Errorf("%s: %w", c.name, err)
				case !bytes.Equal(b, want[i]):
					errs <- fmt.Errorf("%s: output differs between renders", c.name)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSizes(t *testing.T) {
	r := renderer(t)
	size := func(b []byte, err error) image.Point {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return image.Pt(cfg.Width, cfg.Height)
	}
	if got := size(r.BarChart(Options{}, regions())); got != image.Pt(DefaultWidth, DefaultHeight) {
		t.Errorf("default size = %v", got)
	}
	if got := size(r.PieChart(Options{Width: 600, Height: 600}, regions())); got != image.Pt(600, 600) {
		t.Errorf("explicit size = %v", got)
	}
	many := make([]Bar, 40)
	for i := range many {
		many[i] = Bar{Label: fmt.Sprint(i), Value: float64(i)}
	}
	if got := size(r.RankingChart(Options{}, many)); got.X != DefaultWidth || got.Y <= DefaultHeight {
		t.Errorf("ranking of 40 rows = %v, want the height to grow", got)
	}
	if got := size(r.RankingChart(Options{Height: 300}, many)); got.Y != 300 {
		t.Errorf("explicit height = %v, want it kept", got)
	}
	for _, o := range []Options{{Width: -1}, {Height: MaxSide + 1}, {Width: 100}, {Width: 800, Height: 100}} {
		if _, err := r.BarChart(o, regions()); err == nil {
			t.Errorf("BarChart(%dx%d) succeeded, want a size error", o.Width, o.Height)
		}
	}
}

func TestNoData(t *testing.T) {
	r := renderer(t)
	for name, fn := range map[string]func() ([]byte, error){
		"bar":      func() ([]byte, error) { return r.BarChart(Options{}, nil) },
		"ranking":  func() ([]byte, error) { return r.RankingChart(Options{}, []Bar{}) },
		"pie":      func() ([]byte, error) { return r.PieChart(Options{}, nil) },
		"pie ≤ 0":  func() ([]byte, error) { return r.PieChart(Options{}, []Bar{{"a", 0}, {"b", -1}}) },
		"funnel":   func() ([]byte, error) { return r.FunnelChart(Options{}, nil) },
		"progress": func() ([]byte, error) { return r.ProgressChart(Options{}, nil) },
	} {
		b, err := fn()
		if !errors.Is(err, ErrNoData) || b != nil {
			t.Errorf("%s: got %d bytes, %v; want ErrNoData", name, len(b), err)
		}
	}
}

func TestNotFinite(t *testing.T) {
	r := renderer(t)
	nan := math.NaN()
	for name, fn := range map[string]func() ([]byte, error){
		"bar":      func() ([]byte, error) { return r.BarChart(Options{}, []Bar{{"a", 1}, {"b", nan}}) },
		"ranking":  func() ([]byte, error) { return r.RankingChart(Options{}, []Bar{{"a", math.Inf(1)}}) },
		"pie":      func() ([]byte, error) { return r.PieChart(Options{}, []Bar{{"a", nan}}) },
		"funnel":   func() ([]byte, error) { return r.FunnelChart(Options{}, []Bar{{"a", 1}, {"b", math.Inf(-1)}}) },
		"progress": func() ([]byte, error) { return r.ProgressChart(Options{}, []Progress{{"a", 1, nan}}) },
	} {
		if _, err := fn(); err == nil || !strings.Contains(err.Error(), "not a finite number") {
			t.Errorf("%s: err = %v, want a not-finite error", name, err)
		}
	}
}

func TestNewRendererBadFont(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.ttf")
	latin := filepath.Join(dir, "goregular.ttf") // TrueType, but no Chinese glyphs
	cff := filepath.Join(dir, "cff.otf")
	for path, data := range map[string][]byte{
		garbage: []byte("not a font at all"),
		latin:   goregular.TTF,
		cff:     append([]byte("OTTO"), make([]byte, 64)...),
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{filepath.Join(dir, "missing.ttc"), garbage, latin, cff, dir} {
		r, err := NewRenderer(path)
		if !errors.Is(err, ErrNoCJKFont) || r != nil {
			t.Errorf("NewRenderer(%s) = %v, %v; want ErrNoCJKFont", filepath.Base(path), r, err)
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name the path", err)
		}
	}
}

func TestNewRendererExplicitPath(t *testing.T) {
	found := renderer(t)
	r, err := NewRenderer(found.FontPath())
	if err != nil {
		t.Fatalf("NewRenderer(%s): %v", found.FontPath(), err)
	}
	if r.FontPath() != found.FontPath() {
		t.Errorf("FontPath = %s, want %s", r.FontPath(), found.FontPath())
	}
}

func TestTruncate(t *testing.T) {
	r := renderer(t)
	s, err := Options{}.resolve(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := r.newPainter(s, r.theme())
	st := r.style(s, sizeLabel, colorText)
	for _, tc := range []struct {
		in    string
		width int
		want  string // "" = only check the width
	}{
		{"张伟", 400, "张伟"},
		{"欧阳建国（华南大客户组）", 1000, "欧阳建国（华南大客户组）"},
		{"欧阳建国（华南大客户组）", measure(p, "欧阳建国（…", st), "欧阳建国…"}, // no dangling "（"
		{"Very long English customer name", 120, ""},
		{"长", 1, "…"},
	} {
		got := truncate(p, tc.in, tc.width, st)
		if tc.want != "" && got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
		if got != tc.in && (!strings.HasSuffix(got, "…") || (got != "…" && measure(p, got, st) > tc.width)) {
			t.Errorf("truncate(%q, %d) = %q (%d px)", tc.in, tc.width, got, measure(p, got, st))
		}
	}
}

func TestPieSlices(t *testing.T) {
	in := []Bar{
		{"a", 1}, {"b", 9}, {"c", 0}, {"其他", 3}, {"d", 8}, {"e", 7}, {"f", 6}, {"g", 5},
		{"h", 4}, {"i", 2}, {"j", -4},
	}
	got := pieSlices(in, "其他")
	want := []Bar{{"b", 9}, {"d", 8}, {"e", 7}, {"f", 6}, {"g", 5}, {"h", 4}, {"i", 2}, {"其他", 4}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pieSlices = %v\nwant %v", got, want)
	}
	small := []Bar{{"x\ny", 2}, {"z", 0}, {"其他", 1}}
	if got := pieSlices(small, "其他"); fmt.Sprint(got) != fmt.Sprint([]Bar{{"x y", 2}, {"其他", 1}}) {
		t.Errorf("pieSlices(small) = %v", got)
	}
}

func TestFormatNumber(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", 12.5: "12.5",
		12.346: "12.35", -3: "-3", -1234.5: "-1,234.5", -0.001: "0", 100000.1: "100,000.1",
	} {
		if got := FormatNumber(in); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", in, got, want)
		}
	}
}

func benchmark(b *testing.B, name string) {
	r := renderer(b)
	for _, c := range cases() {
		if c.name == name {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.render(r); err != nil {
					b.Fatal(err)
				}
			}
			return
		}
	}
	b.Fatalf("no case %s", name)
}

func BenchmarkBarChart(b *testing.B)      { benchmark(b, "bar_regions") }
func BenchmarkBarChartMany(b *testing.B)  { benchmark(b, "bar_many_negative") }
func BenchmarkRankingChart(b *testing.B)  { benchmark(b, "ranking_reps") }
func BenchmarkPieChart(b *testing.B)      { benchmark(b, "pie_industry") }
func BenchmarkFunnelChart(b *testing.B)   { benchmark(b, "funnel_stages") }
func BenchmarkProgressChart(b *testing.B) { benchmark(b, "progress_targets") }

func BenchmarkNewRenderer(b *testing.B) {
	renderer(b)
	for b.Loop() {
		if _, err := NewRenderer(""); err != nil {
			b.Fatal(err)
		}
	}
}
