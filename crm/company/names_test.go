package company

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// namePair is two spellings and the verdict Compare must give.
type namePair struct {
	a, b string
	want Match
}

// nameSamePairs are real-world spellings of one company: blocked (Same).
var nameSamePairs = []namePair{
	// region in front, in brackets, or absent (the issue's example)
	{"北京青禾新锐科技有限公司", "青禾新锐科技（北京）有限公司", Same},
	{"北京青禾新锐科技有限公司", "青禾新锐科技有限公司", Same},
	{"青禾新锐科技（北京）有限公司", "青禾新锐科技有限公司", Same},
	{"北京市青禾新锐科技有限公司", "青禾新锐科技有限公司", Same},
	{" 北京 青禾新锐科技有限公司 ", "北京青禾新锐科技有限公司", Same},
	{"青禾新锐科技(北京)有限公司", "青禾新锐科技有限公司", Same},
	{"【北京】青禾新锐科技有限公司", "青禾新锐科技有限公司", Same},
	{"青禾新锐北京科技有限公司", "北京青禾新锐科技有限公司", Same},
	{"广东省深圳市青禾新锐科技有限公司", "青禾新锐科技有限公司", Same},
	{"北京市海淀区青禾新锐科技有限公司", "青禾新锐科技", Same},
	{"青禾新锐科技（上海）有限公司", "上海市青禾新锐科技有限公司", Same},
	{"杭州青禾网络科技有限公司", "浙江青禾网络科技有限公司", Same},
	{"成都青禾软件有限公司", "四川青禾软件有限公司", Same},
	{"厦门青禾贸易有限公司", "青禾贸易（厦门）有限公司", Same},
	{"苏州工业园区青禾电子有限公司", "青禾电子有限公司", Same},
	{"深圳前海青禾供应链管理有限公司", "青禾供应链管理有限公司", Same},
	{"香港青禾国际贸易有限公司", "青禾国际贸易有限公司", Same},
	{"青禾国际贸易（香港）有限公司", "青禾国际贸易有限公司", Same},
	{"新疆维吾尔自治区青禾农业有限公司", "青禾农业有限公司", Same},
	{"广西壮族自治区青禾食品有限公司", "广西青禾食品有限公司", Same},
	{"内蒙古伊利实业集团股份有限公司", "伊利实业集团", Same},
	{"腾讯科技（深圳）有限公司", "深圳市腾讯科技有限公司", Same},
	{"深圳市华为技术有限公司", "华为技术有限公司", Same},
	{"阿里巴巴（中国）有限公司", "阿里巴巴中国有限公司", Same},
	{"阿里巴巴集团控股有限公司", "阿里巴巴控股集团有限公司", Same},
	{"小米科技有限责任公司", "北京小米科技有限责任公司", Same},
	{"字节跳动有限公司", "字节跳动（北京）有限公司", Same},
	{"网易（杭州）网络有限公司", "杭州网易网络有限公司", Same},
	{"深圳市大疆创新科技有限公司", "大疆创新科技有限公司", Same},
	{"珠海格力电器股份有限公司", "格力电器", Same},
	{"重庆长安汽车股份有限公司", "长安汽车", Same},
	{"上海大众汽车有限公司", "大众汽车", Same},
	{"深圳前海微众银行股份有限公司", "微众银行", Same},
	// legal forms
	{"青禾新锐科技股份有限公司", "青禾新锐科技有限公司", Same},
	{"青禾新锐科技有限责任公司", "青禾新锐科技有限公司", Same},
	{"青禾新锐科技集团有限公司", "青禾新锐科技有限公司", Same},
	{"青禾新锐科技集团股份有限公司", "青禾新锐科技", Same},
	{"美的集团股份有限公司", "美的", Same},
	{"比亚迪股份有限公司", "比亚迪", Same},
	{"京东集团", "京东", Same},
	{"苏宁易购集团股份有限公司", "苏宁易购", Same},
	{"三只松鼠股份有限公司", "三只松鼠", Same},
	{"青岛海尔股份有限公司", "海尔股份", Same},
	{"青禾新锐科技有限公司（筹）", "青禾新锐科技", Same},
	{"青禾新锐投资合伙企业（有限合伙）", "青禾新锐投资", Same},
	{"北京青禾律师事务所", "青禾律师事务所", Same},
	{"青禾机械厂", "青禾机械", Same},
	{"中国平安保险（集团）股份有限公司", "中国平安保险股份有限公司", Same},
	// branches are claimed with their company
	{"青禾新锐科技有限公司北京分公司", "青禾新锐科技有限公司", Same},
	{"青禾新锐科技有限公司上海分公司", "北京青禾新锐科技有限公司", Same},
	{"中国银行北京分行", "中国银行", Same},
	{"招商银行股份有限公司深圳分行", "招商银行", Same},
	// region + industry only: the region stays in the key
	{"中国银行股份有限公司", "中国银行", Same},
	{"中国建设银行股份有限公司", "中国建设银行", Same},
	{"中国工商银行股份有限公司", "中国工商银行", Same},
	{"北京银行股份有限公司", "北京银行", Same},
	{"上海银行", "上海银行股份有限公司", Same},
	{"北京市政路桥股份有限公司", "北京市政路桥", Same},
	{"天津港（集团）有限公司", "天津港", Same},
	{"武汉钢铁有限公司", "武汉钢铁集团", Same},
	{"青岛啤酒股份有限公司", "青岛啤酒", Same},
	{"深圳市人民医院", "深圳人民医院", Same},
	// width, case, spaces, punctuation
	{"青禾新锐科技 有限 公司", "青禾新锐科技有限公司", Same},
	{"青禾·新锐科技", "青禾新锐科技", Same},
	{"青禾-新锐科技有限公司", "青禾新锐科技", Same},
	{"「青禾新锐」科技有限公司", "青禾新锐科技", Same},
	{"青禾新锐科技有限公司。", "青禾新锐科技", Same},
	{"ＱＨ科技有限公司", "qh科技", Same},
	{"３６０安全科技股份有限公司", "360安全科技", Same},
	{"3M中国有限公司", "3M", Same},
	// English names
	{"ACME Trading Co., Ltd.", "acme trading co ltd", Same},
	{"ACME Trading Co., Ltd.", "ＡＣＭＥ　Ｔｒａｄｉｎｇ　Ｃｏ．，Ｌｔｄ．", Same},
	{"ACME Trading (Shanghai) Co., Ltd.", "Acme Trading Limited", Same},
	{"acme china co., ltd.", "ACME Co Ltd", Same},
	{"ACME (HK) Limited", "Acme Limited", Same},
	{"Apple Inc.", "APPLE INC", Same},
	{"Siemens AG", "siemens", Same},
	{"Nestlé S.A.", "nestlé", Same},
	{"ACME GmbH & Co. KG", "ACME GmbH", Same},
	{"Acme Pte. Ltd.", "acme", Same},
	{"The Acme Corporation", "Acme Corp", Same},
	{"Acme Holdings Limited", "ACME HOLDINGS LTD", Same},
	{"Acme Group Holdings", "Acme Holdings", Same},
	{"Tencent Holdings Ltd.", "tencent holdings", Same},
	{"Qinghe & Co.", "QINGHE", Same},
	{"Acme L.L.C.", "Acme LLC", Same},
}

// nameSimilarPairs share a trade name or are close: the rep confirms.
var nameSimilarPairs = []namePair{
	{"青禾新锐", "北京青禾新锐科技有限公司", Similar},
	{"青禾新锐软件有限公司", "北京青禾新锐科技有限公司", Similar},
	{"青禾新锐科技有限公司", "青禾新锐网络科技有限公司", Similar},
	{"上海青禾新锐", "青禾新锐商贸有限公司", Similar},
	{"青禾新锐", "青禾新睿", Similar}, // a slip: 锐 and 睿 are both rui
	{"华为技术有限公司", "华为终端有限公司", Similar},
	{"腾讯科技（深圳）有限公司", "腾讯音乐娱乐科技（深圳）有限公司", Similar},
	{"小米科技有限责任公司", "小米通讯技术有限公司", Similar},
	{"美的集团股份有限公司", "美的置业集团有限公司", Similar},
	{"阿里巴巴（中国）网络技术有限公司", "阿里巴巴（中国）有限公司", Similar},
	{"京东", "北京京东世纪贸易有限公司", Similar},
	{"比亚迪股份有限公司", "比亚迪汽车工业有限公司", Similar},
	{"ACME Trading Co., Ltd.", "ACME Technology Co., Ltd.", Similar},
	{"中国工商银行", "工商银行", Similar},
	{"中国建设银行", "建设银行", Similar},
	{"顺丰速运有限公司", "顺丰控股股份有限公司", Similar},
	{"格力电器", "格力地产", Similar},
	{"海尔集团", "海尔智家股份有限公司", Similar},
	{"万科企业股份有限公司", "万科物业发展股份有限公司", Similar},
	{"青禾新锐科技有限公司", "青禾新锐达科技有限公司", Similar},
	{"大疆创新科技有限公司", "大疆", Similar},
}

// nameLookAlikes must never be Same; each states whether it warns.
var nameLookAlikes = []namePair{
	{"中国银行", "中国建设银行", Different},
	{"中国银行", "中国农业银行", Different},
	{"中国银行", "中国工商银行", Different},
	{"中国银行", "中国人民银行", Different},
	{"中国石油", "中国石化", Different},
	{"中国移动", "中国联通", Different},
	{"中国电信", "中国移动", Different},
	{"中国人寿", "中国人保", Different},
	{"北京银行", "上海银行", Different},
	{"北京汽车", "广州汽车", Different},
	{"上海汽车", "上海大众", Different},
	{"美的", "美团", Different},
	{"格力", "格兰仕", Different},
	{"格力", "格力博", Different},
	{"华为", "华硕", Different},
	{"京东", "京东方", Different},
	{"小米", "小米粒", Different},
	{"小米", "小鹏", Different},
	{"万科", "万达", Different},
	{"阿里巴巴", "阿里妈妈", Different},
	{"百度", "百世物流", Different},
	{"顺丰", "顺风", Different},
	{"联想", "联通", Different},
	{"海尔", "海信", Different},
	{"东方航空", "南方航空", Different},
	{"新东方", "东方", Different},
	{"苏宁", "苏泊尔", Different},
	{"光明乳业", "光大银行", Different},
	{"娃哈哈", "哈哈镜", Different},
	{"三一重工", "三星电子", Different},
	{"长城汽车", "长安汽车", Different},
	{"太平洋保险", "太平保险", Different},
	{"国泰君安", "国泰安", Different},
	{"青禾新锐科技有限公司", "红杉新锐科技有限公司", Different},
	// two trade names, each with its own industry word, one starting the
	// other: not an abbreviation (these warned before #14)
	{"网易（杭州）网络有限公司", "杭州网易严选贸易有限公司", Different},
	{"东方财富", "东方航空", Different},
	{"东莞市青禾科技有限公司", "北京青禾新锐科技有限公司", Different},
	// one character changed that neither sounds nor looks alike
	{"武汉华盛汇智科技有限公司", "深圳凯盛汇智科技有限公司", Different},
	{"青禾新锐达科技", "青禾新锐通科技", Different},
	{"Acme Trading", "Acne Trading", Different},
	{"Apple Inc.", "Applied Materials", Different},
	{"Bank of China", "Bank of America", Different},
	// look-alikes that do warn: same trade name or a clear prefix
	{"招商银行", "招商证券", Similar},
	{"中信银行", "中信证券", Similar},
	{"腾讯", "腾讯音乐", Similar},
	{"平安", "平安好医生", Similar},
}

func nameCheckPairs(t *testing.T, pairs []namePair) {
	t.Helper()
	for _, c := range pairs {
		t.Run(c.a+"|"+c.b, func(t *testing.T) {
			if got := Compare(c.a, c.b); got != c.want {
				pa, pb := Parse(c.a), Parse(c.b)
				t.Errorf("Compare(%q, %q) = %v, want %v (%+v %+v score %.2f)",
					c.a, c.b, got, c.want, pa, pb, Similarity(pa, pb))
			}
			if got := Compare(c.b, c.a); got != c.want {
				t.Errorf("Compare(%q, %q) = %v, want %v (not symmetric)", c.b, c.a, got, c.want)
			}
		})
	}
}

func TestCompanyNamesSame(t *testing.T)    { nameCheckPairs(t, nameSamePairs) }
func TestCompanyNamesSimilar(t *testing.T) { nameCheckPairs(t, nameSimilarPairs) }
func TestCompanyNameLookAlikes(t *testing.T) {
	for _, c := range nameLookAlikes {
		if c.want == Same {
			t.Fatalf("look-alike %q / %q may not expect Same", c.a, c.b)
		}
	}
	nameCheckPairs(t, nameLookAlikes)
}

func TestCompanyNamePairCounts(t *testing.T) {
	count := func(ps []namePair, m Match) int {
		n := 0
		for _, p := range ps {
			if p.want == m {
				n++
			}
		}
		return n
	}
	if n := count(nameSamePairs, Same); n < 60 {
		t.Errorf("%d same pairs, want at least 60", n)
	}
	if n := count(nameSimilarPairs, Similar); n < 15 {
		t.Errorf("%d similar pairs, want at least 15", n)
	}
	if n := len(nameLookAlikes); n < 30 {
		t.Errorf("%d look-alikes, want at least 30", n)
	}
}

func TestParseCompanyNameFields(t *testing.T) {
	cases := []struct{ raw, key, trade, region string }{
		{"北京青禾新锐科技有限公司", "青禾新锐科技", "青禾新锐", "北京"},
		{"青禾新锐科技（北京）有限公司", "青禾新锐科技", "青禾新锐", "北京"},
		{"青禾新锐科技有限公司", "青禾新锐科技", "青禾新锐", ""},
		{"青禾新锐", "青禾新锐", "青禾新锐", ""},
		{"青禾新锐软件有限公司", "青禾新锐软件", "青禾新锐", ""},
		{"青禾新锐网络科技有限公司", "青禾新锐网络科技", "青禾新锐", ""},
		{"青禾新锐北京科技有限公司", "青禾新锐科技", "青禾新锐", "北京"},
		{"广东省深圳市青禾新锐科技有限公司", "青禾新锐科技", "青禾新锐", "深圳"},
		{"北京市海淀区青禾新锐科技有限公司", "青禾新锐科技", "青禾新锐", "北京"},
		{"苏州工业园区青禾电子有限公司", "青禾电子", "青禾", "苏州"},
		{"中国（上海）自由贸易试验区青禾科技有限公司", "青禾科技", "青禾", "上海"},
		{"青禾新锐科技有限公司北京分公司", "青禾新锐科技", "青禾新锐", "北京"},
		{"腾讯科技（深圳）有限公司", "腾讯科技", "腾讯", "深圳"},
		{"华为技术有限公司", "华为技术", "华为", ""},
		{"华为终端有限公司", "华为终端", "华为", ""},
		{"美的", "美的", "美的", ""},
		{"美的电器", "美的电器", "美的", ""},
		{"阿里巴巴集团控股有限公司", "阿里巴巴控股", "阿里巴巴", ""},
		{"阿里巴巴（中国）有限公司", "阿里巴巴", "阿里巴巴", ""},
		{"中国银行", "中国银行", "中国银行", ""},
		{"中国建设银行股份有限公司", "中国建设银行", "中国建设银行", ""},
		{"北京银行", "北京银行", "北京银行", "北京"},
		{"北京市政路桥股份有限公司", "北京市政路桥", "北京市政路桥", "北京"},
		{"上海市场调研有限公司", "上海市场调研", "上海市场调研", "上海"},
		{"天津港（集团）有限公司", "天津港", "天津港", "天津"},
		{"北京大学医学部", "北京大学医学部", "北京大学医学部", "北京"},
		{"北京朝阳科技有限公司", "朝阳科技", "朝阳", "北京"},
		{"中山大洋电机股份有限公司", "大洋电机", "大洋", "中山"},
		{"国泰安信息技术有限公司", "国泰安信息技术", "国泰安", ""},
		{"幸福建设有限公司", "幸福建设", "幸福", ""},
		{"义乌市青禾电子商务商行", "青禾电子商务", "青禾", "义乌"},
		{"东莞市青禾五金制品厂", "青禾五金制品", "青禾", "东莞"},
		{"ACME Trading (Shanghai) Co., Ltd.", "acmetrading", "acme", "上海"},
		{"ACME Hong Kong Limited", "acme", "acme", "香港"},
		{"Samsung Electronics Co., Ltd.", "samsungelectronics", "samsung", ""},
		{"Bank of China Limited", "bankofchina", "bankofchina", ""},
		{"ＡＢＣ－１２３", "abc123", "abc123", ""},
		{"(北京)", "北京", "北京", "北京"},
		{"北京有限公司", "北京", "北京", "北京"},
		{"有限公司", "有限公司", "有限公司", ""},
		{"中国", "中国", "中国", ""},
		{"", "", "", ""},
		{"   ", "", "", ""},
		{"🙂🙂", "", "", ""},
		{"——（）", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			got := Parse(c.raw)
			want := Name{Key: c.key, Trade: c.trade, Region: c.region}
			if got != want {
				t.Errorf("Parse(%q) = %+v, want %+v", c.raw, got, want)
			}
		})
	}
}

// nameAllTestNames is every name used by the tests above.
func nameAllTestNames() []string {
	var names []string
	for _, ps := range [][]namePair{nameSamePairs, nameSimilarPairs, nameLookAlikes} {
		for _, p := range ps {
			names = append(names, p.a, p.b)
		}
	}
	return names
}

func nameSharesGram(a, b Name) bool {
	ga := map[string]bool{}
	for _, g := range Grams(a) {
		ga[g] = true
	}
	for _, g := range Grams(b) {
		if ga[g] {
			return true
		}
	}
	return false
}

func TestNameGrams(t *testing.T) {
	got := Grams(Parse("北京青禾新锐科技有限公司"))
	want := []string{"青禾新锐", "青禾", "禾新", "新锐", "锐科", "科技"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Grams = %q, want %q", got, want)
	}
	if got := Grams(Parse("A")); len(got) != 1 || got[0] != "a" {
		t.Errorf("one-letter key: Grams = %q, want [a]", got)
	}
	if got := Grams(Parse("有限")); len(got) != 1 || got[0] != "有限" {
		t.Errorf("two-letter key: Grams = %q, want [有限]", got)
	}
	if got := Grams(Name{}); got != nil {
		t.Errorf("empty name: Grams = %q, want nil", got)
	}
	long := Parse(strings.Repeat("青禾新锐", 200))
	seen := map[string]bool{}
	for _, g := range Grams(long) {
		if seen[g] {
			t.Fatalf("gram %q repeated", g)
		}
		seen[g] = true
	}
}

// Every pair that compares Same or Similar, over all test names crossed
// with each other, shares a gram: the store finds it through the index.
func TestNameGramsCoverMatches(t *testing.T) {
	names := nameAllTestNames()
	parsed := make([]Name, len(names))
	for i, n := range names {
		parsed[i] = Parse(n)
	}
	matches := 0
	for i := range parsed {
		for j := range parsed {
			m := nameCompareParsed(parsed[i], parsed[j])
			if m == Different {
				continue
			}
			matches++
			if !nameSharesGram(parsed[i], parsed[j]) {
				t.Errorf("%q / %q are %v but share no gram: %q %q", names[i], names[j], m,
					Grams(parsed[i]), Grams(parsed[j]))
			}
		}
	}
	if matches < len(names) {
		t.Fatalf("only %d matching pairs", matches)
	}
}

func TestCompanyNameSimilarityProperties(t *testing.T) {
	names := nameAllTestNames()
	parsed := make([]Name, len(names))
	for i, n := range names {
		parsed[i] = Parse(n)
	}
	for i, a := range names {
		pa := parsed[i]
		for j, b := range names {
			pb := parsed[j]
			s, r := Similarity(pa, pb), Similarity(pb, pa)
			if s != r {
				t.Fatalf("similarity(%q, %q) = %v but reversed %v", a, b, s, r)
			}
			if s < 0 || s > 1 || (s == 1) != (pa.Key == pb.Key) {
				t.Fatalf("similarity(%q, %q) = %v (keys %q %q)", a, b, s, pa.Key, pb.Key)
			}
		}
	}
}

func TestCompanyNameSimilarityScores(t *testing.T) {
	cases := []struct {
		a, b   string
		lo, hi float64
	}{
		{"北京青禾新锐科技有限公司", "青禾新锐科技（北京）有限公司", 1, 1},       // same key
		{"青禾新锐", "北京青禾新锐科技有限公司", 0.85, 0.95},           // equal trade names
		{"华为技术有限公司", "华为终端有限公司", 0.85, 0.95},           // equal trade names
		{"京东", "北京京东世纪贸易有限公司", SimilarThreshold, 0.85}, // prefix of the trade name
		{"中国工商银行", "工商银行", SimilarThreshold, 0.85},     // contained, 4 Han characters
		{"青禾新锐", "青禾新睿", 0.8, 0.8},                     // a slip (rui)
		{"北京青禾新銳科技", "北京青禾新锐科技", 0.95, 0.95},           // traditional
		{"华盛汇智", "凯盛汇智", 0, 0},                         // one character, no slip
		{"Apple Inc.", "Applied Materials", 0, 0},
		{"中国银行", "中国建设银行", 0, 0}, // shared 中国 ignored
		{"美的", "美团", 0, 0},
		{"", "美团", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.a+"|"+c.b, func(t *testing.T) {
			s := Similarity(Parse(c.a), Parse(c.b))
			if s < c.lo-1e-9 || s > c.hi+1e-9 {
				t.Errorf("similarity = %.3f, want in [%.2f, %.2f]", s, c.lo, c.hi)
			}
		})
	}
}

func TestCompanyNameKeyIdempotent(t *testing.T) {
	for _, raw := range nameAllTestNames() {
		n := Parse(raw)
		if again := Parse(n.Key); again.Key != n.Key {
			t.Errorf("%q: key %q parses to key %q", raw, n.Key, again.Key)
		}
		if !strings.HasPrefix(n.Key, n.Trade) || (n.Key != "") != (n.Trade != "") {
			t.Errorf("%q: trade %q is not a prefix of key %q", raw, n.Trade, n.Key)
		}
	}
}

// nameCheckInvariants holds for any input.
func nameCheckInvariants(t *testing.T, raw string) {
	t.Helper()
	n := Parse(raw)
	if !utf8.ValidString(n.Key) || !utf8.ValidString(n.Trade) || !utf8.ValidString(n.Region) {
		t.Fatalf("%q: invalid UTF-8 in %+v", raw, n)
	}
	if !strings.HasPrefix(n.Key, n.Trade) || (n.Key != "") != (n.Trade != "") {
		t.Fatalf("%q: trade %q is not a prefix of key %q", raw, n.Trade, n.Key)
	}
	hasText := strings.IndexFunc(raw, func(r rune) bool { return nameClass(r) != 0 }) >= 0
	if hasText != (n.Key != "") {
		t.Fatalf("%q: key %q (input has letters: %v)", raw, n.Key, hasText)
	}
	if again := Parse(n.Key); again.Key != n.Key {
		t.Fatalf("%q: key %q parses to key %q", raw, n.Key, again.Key)
	}
	if n.Key != "" && Compare(raw, n.Key) != Same {
		t.Fatalf("%q is not the same as its key %q", raw, n.Key)
	}
}

func TestParseCompanyNameGarbage(t *testing.T) {
	inputs := []string{
		"", "   ", "\t\n", "有限公司", "股份有限公司", "集团", "厂", "公司有限公司", "分公司", "🙂", "🙂🙂 有限公司",
		"（）", "(((", ")))", "((青禾)", "【】「」", "\xff\xfe", "青禾\xff科技\xc3", "a", "Co., Ltd.", "the",
		"s.a.", "l.l.c.", "北京", "中国", "中华人民共和国", "(北京)", "(有限公司)", "北京市海淀区",
		"\u0301\u0301", "ｃｏ　ｌｔｄ", "𠀀𠀁𠀂有限公司", "香港特别行政区", "中国中国中国",
		strings.Repeat("有限公司", 2500),
		strings.Repeat("北京", 5000),
		strings.Repeat("北京", 5000) + "青禾",
		strings.Repeat("(", 10000),
		strings.Repeat("(青禾)", 2000),
		strings.Repeat("a ", 5000),
		strings.Repeat("co ", 3000) + "ltd",
		strings.Repeat("s.", 3000),
		strings.Repeat("青禾", 5000) + "科技有限公司",
		strings.Repeat("科技", 5000),
		strings.Repeat("青禾北京", 2500) + "科技",
		strings.Repeat("\xff", 10000),
	}
	for _, raw := range inputs {
		nameCheckInvariants(t, raw)
		_ = Grams(Parse(raw))
		_ = Compare(raw, "北京青禾新锐科技有限公司")
	}
}

// Names composed at random from the pieces the parser knows (regions,
// trade names, industries, legal forms, brackets, punctuation) keep the
// invariants, and a name with a region added in front or in brackets
// keeps its key whenever the trade name survives.
func TestCompanyNameComposed(t *testing.T) {
	pieces := [][]string{
		{"", "", "北京", "北京市", "广东省深圳市", "中国", "上海 ", "苏州工业园区", "海淀区", "中国（上海）", "(香港)", "吉林"},
		{"青禾", "新锐", "美的", "中山", "北京", "银行", "华为", "acme", "3m", "国泰", "泰安", "大", "上海", "有限", "科技", "a"},
		{"", "", "科技", "网络科技", "北京", "软件", "银行", "集团", "trading", "中国", "发展", "（北京）", "市场"},
		{"", "有限公司", "股份有限公司", "集团有限公司", "厂", "co., ltd.", "分公司", "（有限合伙）", "上海分公司", " inc", "(", "）"},
	}
	realTrade := map[string]bool{"青禾": true, "新锐": true, "华为": true, "acme": true, "国泰": true}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		simple := true
		for i, ps := range pieces {
			p := ps[r.IntN(len(ps))]
			b.WriteString(p)
			if i == 1 && !realTrade[p] {
				simple = false
			}
			if r.IntN(8) == 0 {
				b.WriteString(ps[r.IntN(len(ps))])
				simple = false
			}
		}
		raw := b.String()
		nameCheckInvariants(t, raw)
		if !simple {
			continue
		}
		a, c := Parse(raw), Parse("北京"+raw)
		if a.Key != c.Key {
			t.Errorf("%q (%q) and with 北京 in front (%q) differ", raw, a.Key, c.Key)
		}
	}
}

// Random strings over a pool of the pieces the rules react to (region
// characters, 市/区/场/政, legal forms, Latin initials, brackets): the
// invariants hold, verdicts are symmetric, and matches share a gram.
func TestCompanyNameRandomPieces(t *testing.T) {
	pool := []string{
		"北", "京", "市", "上", "海", "中", "国", "山", "东", "区", "科", "技", "银", "行", "有", "限", "公", "司",
		"集", "团", "厂", "分", "港", "大", "学", "场", "政", "块", "链", "中山", "泰安", "国泰", "青禾", "网络",
		"前海", "海淀区", "苏州工业园区", "自治区", "省", "香港", "吉林", "发展", "建设", "福建", "银行", "天津",
		"集团控股", "北京市", "广东省", "中国", "科技", "有限公司", "分行", "事务所", "的",
		"a", "s", "l", "c", "x", "3", "Ａ", "co", "ltd", "inc", "ag", "hk", "limited", "china", "the", "of",
		"trading", "group", "hong", "kong", " ", ".", "·", "(", ")", "（", "）", "【", "】",
	}
	r := rand.New(rand.NewPCG(5, 6))
	var prev Name
	for i := range 30000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pool[r.IntN(len(pool))])
		}
		raw := b.String()
		nameCheckInvariants(t, raw)
		n := Parse(raw)
		if i > 0 {
			m := nameCompareParsed(n, prev)
			if m != nameCompareParsed(prev, n) || Similarity(n, prev) != Similarity(prev, n) {
				t.Fatalf("%+v / %+v: not symmetric", n, prev)
			}
			if m != Different && !nameSharesGram(n, prev) {
				t.Fatalf("%+v / %+v are %v but share no gram", n, prev, m)
			}
		}
		prev = n
	}
}

func FuzzParseCompanyName(f *testing.F) {
	for _, n := range nameAllTestNames() {
		f.Add(n)
	}
	f.Add("")
	f.Add("\xff(北京)有限公司")
	f.Fuzz(func(t *testing.T, raw string) {
		nameCheckInvariants(t, raw)
		n := Parse(raw)
		if g := Grams(n); (len(g) == 0) != (n.Key == "") {
			t.Fatalf("%q: grams %q for key %q", raw, g, n.Key)
		}
	})
}

func FuzzCompareCompanyNames(f *testing.F) {
	for _, ps := range [][]namePair{nameSamePairs, nameSimilarPairs, nameLookAlikes} {
		for _, p := range ps {
			f.Add(p.a, p.b)
		}
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		m := Compare(a, b)
		if r := Compare(b, a); r != m {
			t.Fatalf("%q / %q: %v one way, %v the other", a, b, m, r)
		}
		pa, pb := Parse(a), Parse(b)
		if s := Similarity(pa, pb); s < 0 || s > 1 {
			t.Fatalf("score %v", s)
		}
		if m != Different && !nameSharesGram(pa, pb) {
			t.Fatalf("%q / %q are %v but share no gram", a, b, m)
		}
	})
}

var nameBenchNames = []string{
	"北京青禾新锐科技有限公司", "青禾新锐科技（北京）有限公司", "广东省深圳市青禾新锐网络科技有限公司",
	"ACME Trading (Shanghai) Co., Ltd.", "中国建设银行股份有限公司北京分行", "美的", "青禾新锐软件有限公司",
	"阿里巴巴集团控股有限公司",
}

func BenchmarkParseCompanyName(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Parse(nameBenchNames[i%len(nameBenchNames)])
	}
}

func BenchmarkCompanyNameSimilarity(b *testing.B) {
	parsed := make([]Name, len(nameBenchNames))
	for i, n := range nameBenchNames {
		parsed[i] = Parse(n)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Similarity(parsed[i%len(parsed)], parsed[(i+1)%len(parsed)])
	}
}

// nameJudgedPairs reads the judged pairs of docs/NAMES.md: the rows of the
// table under "## Judged pairs".
func nameJudgedPairs(t *testing.T) []namePair {
	t.Helper()
	b, err := os.ReadFile("../../docs/NAMES.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Judged pairs\n")
	if !ok {
		t.Fatal(`docs/NAMES.md has no "## Judged pairs" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	verdicts := map[string]Match{"same": Same, "similar": Similar, "different": Different}
	var out []namePair
	for _, line := range strings.Split(sec, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 4 || !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		a, b, v := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])
		if a == "name a" || strings.HasPrefix(a, "---") {
			continue
		}
		m, ok := verdicts[v]
		if !ok {
			t.Fatalf("docs/NAMES.md judged pair %q / %q: verdict %q", a, b, v)
		}
		if strings.TrimSpace(cells[3]) == "" {
			t.Errorf("docs/NAMES.md judged pair %q / %q says no why", a, b)
		}
		out = append(out, namePair{a, b, m})
	}
	return out
}

func TestJudgedPairs(t *testing.T) {
	pairs := nameJudgedPairs(t)
	if len(pairs) < 60 {
		t.Fatalf("%d judged pairs in docs/NAMES.md, want at least 60", len(pairs))
	}
	count := map[Match]int{}
	for _, p := range pairs {
		count[p.want]++
		if m := Compare(p.a, p.b); m != Different && !nameSharesGram(Parse(p.a), Parse(p.b)) {
			t.Errorf("%q / %q are %v but share no gram", p.a, p.b, m)
		}
	}
	if count[Similar] < 20 || count[Different] < 20 {
		t.Errorf("judged pairs: %v, want at least 20 similar and 20 different", count)
	}
	nameCheckPairs(t, pairs)
}

// The character tables are pairs of distinct Han characters; a folded
// character is never folded again.
func TestNameHanTables(t *testing.T) {
	for _, table := range []string{nameTradPairs, nameLookAlikePairs} {
		rs := []rune(table)
		if len(rs)%2 != 0 {
			t.Fatalf("odd table: %d runes", len(rs))
		}
		for i := 0; i < len(rs); i += 2 {
			if rs[i] == rs[i+1] || !unicode.Is(unicode.Han, rs[i]) || !unicode.Is(unicode.Han, rs[i+1]) {
				t.Errorf("pair %q", string(rs[i:i+2]))
			}
		}
	}
	for tr, simp := range nameTradSimp {
		if _, again := nameTradSimp[simp]; again {
			t.Errorf("%c → %c is folded again", tr, simp)
		}
	}
	if got := nameSimplified("深圳華盛匯智ACME"); got != "深圳华盛汇智ACME" {
		t.Errorf("nameSimplified = %q", got)
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{{"禾", "和", true}, {"锐", "睿", true}, {"盛", "成", false}, {"凯", "华", false}, {"m", "n", false}} {
		if got := nameSameSound([]rune(c.a)[0], []rune(c.b)[0]); got != c.want {
			t.Errorf("same sound %s / %s = %v", c.a, c.b, got)
		}
	}
}
