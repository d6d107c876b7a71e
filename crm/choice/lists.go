package choice

import (
	"strconv"
	"strings"
)

// The lists. Codes are stored and never renamed; labels may be reworded.

var industries = register(&List{Field: Industry, Other: true, Options: []Option{
	{Code: "it", Zh: "IT/软件", En: "IT/Software", Words: []string{"IT", "软件", "互联网", "信息技术", "计算机", "通信", "电子", "software", "internet", "tech", "technology", "it software", "信息", "科技"}},
	{Code: "manufacturing", Zh: "制造业", En: "Manufacturing", Words: []string{"制造", "工业", "机械", "工厂", "加工", "汽车", "化工", "manufacture", "industrial", "machinery", "factory"}},
	{Code: "retail", Zh: "批发零售", En: "Wholesale/Retail", Words: []string{"批发", "零售", "贸易", "商贸", "电商", "外贸", "商业", "wholesale", "retail", "trade", "trading", "ecommerce", "e-commerce", "commerce"}},
	{Code: "health", Zh: "医疗健康", En: "Healthcare", Words: []string{"医疗", "医药", "健康", "医院", "生物医药", "医疗器械", "health", "medical", "pharma", "pharmaceutical", "hospital"}},
	{Code: "logistics", Zh: "物流", En: "Logistics", Words: []string{"运输", "快递", "仓储", "货运", "供应链", "物流运输", "transport", "shipping", "freight", "supply chain"}},
	{Code: "construction", Zh: "建筑", En: "Construction", Words: []string{"建筑业", "工程", "建工", "房地产", "地产", "装修", "装饰", "建材", "building", "real estate", "engineering"}},
	{Code: "education", Zh: "教育", En: "Education", Words: []string{"培训", "学校", "教育培训", "training", "school", "edu"}},
	{Code: "finance", Zh: "金融", En: "Finance", Words: []string{"银行", "保险", "证券", "投资", "基金", "金融服务", "bank", "banking", "insurance", "financial", "investment"}},
	{Code: Other, Zh: "其他", En: "Other", Words: []string{"其它", "others"}},
}})

var sizes = register(&List{Field: Size, Other: true, Shown: 4, Options: []Option{
	{Code: "s1", Zh: "1-49人", En: "1-49", Words: []string{"1-49", "1~49", "1到49人", "49人以下", "50人以下", "小型", "小微", "small"}},
	{Code: "s2", Zh: "50-199人", En: "50-199", Words: []string{"50-199", "50~199", "50到199人", "中小型"}},
	{Code: "s3", Zh: "200-999人", En: "200-999", Words: []string{"200-999", "200~999", "200到999人", "中型", "中大型", "medium"}},
	{Code: "s4", Zh: "1000人以上", En: "1000+", Words: []string{"1000+", "1000人+", "千人以上", "1000以上", "大型", "large"}},
	{Code: Other, Zh: "其他", En: "Other", Words: []string{"其它", "others"}},
}})

var sourcesList = register(&List{Field: Source, Other: true, Options: []Option{
	{Code: "expo", Zh: "展会", En: "Trade show", Words: []string{"展览", "展览会", "博览会", "会展", "展会活动", "expo", "exhibition", "fair", "tradeshow"}},
	{Code: "website", Zh: "官网", En: "Website", Words: []string{"网站", "网络", "线上", "官网咨询", "网上", "搜索", "百度", "web", "online", "inbound", "search"}},
	{Code: "referral", Zh: "老客户介绍", En: "Referral", Words: []string{"介绍", "转介绍", "客户介绍", "朋友介绍", "熟人介绍", "老客户", "推荐", "朋友推荐", "客户推荐", "referred", "recommendation", "word of mouth"}},
	{Code: "telesales", Zh: "电话营销", En: "Cold call", Words: []string{"电销", "电话", "陌拜", "陌生拜访", "电话销售", "外呼", "cold calling", "telesales", "telemarketing", "outbound"}},
	{Code: Other, Zh: "其他", En: "Other", Words: []string{"其它", "others"}},
}})

// sizeOfHeadcount reads a headcount ("120人", "120 people", "约300人",
// "500人以上", "500+") or a range of one ("50-200", "20~80人": its middle)
// into the size it falls in.
func sizeOfHeadcount(k string) (string, bool) {
	k = strings.TrimPrefix(strings.TrimPrefix(k, "约"), "大约")
	for _, suffix := range []string{"以上", "+"} {
		if n, ok := strings.CutSuffix(k, suffix); ok {
			k = n
			break
		}
	}
	for _, suffix := range []string{"人", "名员工", "员工", "people", "employees", "staff"} {
		if n, ok := strings.CutSuffix(k, suffix); ok {
			k = n
			break
		}
	}
	n, ok := headcount(k)
	if !ok {
		return "", false
	}
	switch {
	case n < 50:
		return "s1", true
	case n < 200:
		return "s2", true
	case n < 1000:
		return "s3", true
	}
	return "s4", true
}

// headcount reads "120" or a range "50-200" / "50~200" / "50到200" (its
// middle, rounded down).
func headcount(k string) (int, bool) {
	for _, sep := range []string{"-", "~", "到", "至"} {
		if lo, hi, ok := strings.Cut(k, sep); ok {
			a, errA := strconv.Atoi(strings.TrimSuffix(lo, "人"))
			b, errB := strconv.Atoi(hi)
			if errA != nil || errB != nil || a < 0 || b < a || b < 1 {
				return 0, false
			}
			return max((a+b)/2, 1), true
		}
	}
	n, err := strconv.Atoi(k)
	return n, err == nil && n >= 1
}
