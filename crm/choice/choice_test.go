package choice

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		f      Field
		in     string
		code   string
		detail string
		res    Result
	}{
		{Industry, "IT/软件", "it", "", Matched},
		{Industry, "IT/Software", "it", "", Matched},
		{Industry, "it / software", "it", "", Matched},
		{Industry, "软件", "it", "", Matched},
		{Industry, "1", "it", "", Matched},
		{Industry, "9", Other, "", NeedsDetail},
		{Industry, "12", "", "", NoMatch},
		{Industry, "0", "", "", NoMatch},
		{Industry, "农业", "", "", NoMatch},
		{Industry, "茶叶", "", "", NoMatch},
		{Industry, "其他", Other, "", NeedsDetail},
		{Industry, "Other", Other, "", NeedsDetail},
		{Industry, "其他：茶叶", Other, "茶叶", Matched},
		{Industry, "其他 茶叶", Other, "茶叶", Matched},
		{Industry, "其它（农业）", Other, "农业", Matched},
		{Industry, "other - tea", Other, "tea", Matched},
		{Industry, "otherwise", "", "", NoMatch},
		{Industry, "批发零售", "retail", "", Matched},
		{Industry, "Wholesale/Retail", "retail", "", Matched},
		{Size, "巨大", "", "", NoMatch},
		{Size, "0", "", "", NoMatch},
		{Size, "5", "", "", NoMatch},
		{Size, "2", "s2", "", Matched},
		{Size, "50-199人", "s2", "", Matched},
		{Size, "120人", "s2", "", Matched},
		{Size, "30 people", "s1", "", Matched},
		{Size, "1000+", "s4", "", Matched},
		{Size, "5000人", "s4", "", Matched},
		{Size, "0人", "", "", NoMatch},
		{Size, "1-50", "s1", "", Matched},
		{Size, "50-200", "s2", "", Matched},
		{Size, "200~500人", "s3", "", Matched},
		{Size, "500人以上", "s3", "", Matched},
		{Size, "2000+", "s4", "", Matched},
		{Size, "0-0", "", "", NoMatch},
		{Size, "200-50", "", "", NoMatch},
		{Source, "朋友介绍", "referral", "", Matched},
		{Source, "老客户介绍", "referral", "", Matched},
		{Source, "Referral", "referral", "", Matched},
		{Source, "巨大", "", "", NoMatch},
		{Source, "其他 抖音", Other, "抖音", Matched},
		{Region, "上海", "shanghai", "", Matched},
		{Region, "Shanghai", "shanghai", "", Matched},
		{Region, "上海市", "shanghai", "", Matched},
		{Region, "深圳市", "shenzhen", "", Matched},
		{Region, "广东省", "guangdong", "", Matched},
		{Region, "Hong Kong", "hongkong", "", Matched},
		{Region, "内蒙古自治区", "innermongolia", "", Matched},
		{Region, "1", "", "", NoMatch},
		{Region, "其他", Other, "", NeedsDetail},
		{Region, "海外", Other, "", NeedsDetail},
		{Region, "其他 新加坡", Other, "新加坡", Matched},
		{Region, "火星", "", "", NoMatch},
	}
	for _, c := range cases {
		v, res := Of(c.f).Match(c.in)
		if res != c.res || v.Code != c.code || v.Detail != c.detail {
			t.Errorf("%s %q = %+v, %v; want %q %q %v", c.f, c.in, v, res, c.code, c.detail, c.res)
		}
	}
}

func TestLabel(t *testing.T) {
	if got := Label("en", Industry, Value{Code: "retail"}); got != "Wholesale/Retail" {
		t.Fatal(got)
	}
	if got := Label("zh", Industry, Value{Code: Other, Detail: "茶叶"}); got != "其他（茶叶）" {
		t.Fatal(got)
	}
	if got := Label("en", Region, Value{Code: "shanghai"}); got != "Shanghai" {
		t.Fatal(got)
	}
	if got := Label("en", Source, Value{}); got != "" {
		t.Fatal(got)
	}
}

func TestParseStored(t *testing.T) {
	cases := []struct {
		f            Field
		stored, code string
		detail       string
		ok           bool
	}{
		{Industry, "IT/软件", "it", "", true},
		{Industry, "it", "it", "", true},
		{Industry, "餐饮", Other, "餐饮", false},
		{Industry, "12", Other, "12", false},
		{Industry, "其他", Other, "", true},
		{Size, "巨大", Other, "巨大", false},
		{Size, "0", Other, "0", false},
		{Source, "朋友介绍", "referral", "", true},
		{Region, "Shanghai", "shanghai", "", true},
		{Region, "上海", "shanghai", "", true},
		{Industry, "", "", "", true},
		{Size, "50-200", "s2", "", true},
		{Size, "120", "s2", "", true},
		{Size, "2", "s1", "", true},
		{Industry, "其他（茶叶）", Other, "茶叶", true},
		{Region, "其他（新加坡）", Other, "新加坡", true},
	}
	for _, c := range cases {
		v, ok := Of(c.f).Parse(c.stored)
		if ok != c.ok || v.Code != c.code || v.Detail != c.detail {
			t.Errorf("%s %q = %+v %v; want %q %q %v", c.f, c.stored, v, ok, c.code, c.detail, c.ok)
		}
	}
}

// Every option's labels read back as the option, in both languages.
func TestLabelsReadBack(t *testing.T) {
	for _, f := range Fields {
		l := Of(f)
		for _, o := range l.Options {
			for _, lang := range []string{"zh", "en"} {
				v, res := l.Match(l.Label(lang, Value{Code: o.Code}))
				if (res != Matched && res != NeedsDetail) || v.Code != o.Code {
					t.Errorf("%s %s %s: %+v %v", f, o.Code, lang, v, res)
				}
			}
		}
	}
	if RegionOf("深圳") != "shenzhen" || RegionOf("") != "" {
		t.Fatal("RegionOf")
	}
}
