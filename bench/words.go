package main

import (
	"math/rand/v2"
	"strings"
)

// Word lists the generated data set is drawn from. Everything here is
// read-only after package initialisation.

// choice picks from weighted values.
type choice[T any] struct {
	vals []T
	cum  []float64
}

func newChoice[T any](vals []T, weights []float64) choice[T] {
	c := choice[T]{vals: vals, cum: make([]float64, len(vals))}
	sum := 0.0
	for i := range vals {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		sum += w
		c.cum[i] = sum
	}
	for i := range c.cum {
		c.cum[i] /= sum
	}
	return c
}

func (c choice[T]) pick(r *rand.Rand) T {
	x := r.Float64()
	lo, hi := 0, len(c.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if c.cum[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return c.vals[lo]
}

// weighted builds a choice from value/weight pairs.
type wv[T any] struct {
	v T
	w float64
}

func weighted[T any](pairs ...wv[T]) choice[T] {
	vals := make([]T, len(pairs))
	ws := make([]float64, len(pairs))
	for i, p := range pairs {
		vals[i], ws[i] = p.v, p.w
	}
	return newChoice(vals, ws)
}

// tradeChars are characters of trade names (字号), most used first: they
// are drawn with Zipf-like weights so that some bigrams (华信, 鑫盛) are as
// common in the gram index as they are in a real register.
const tradeChars = "华鑫盛恒瑞泰达兴隆昌宏源通安信德嘉和佳美博海金天汇丰利鼎辉远航创联众诚宇峰晟腾力威尚优锦荣祥福康龙凯合正明光东方永长大新中" +
	"亿邦润泽卓越启聚飞昊铭川青禾蓝鲸锐意星辰云帆易品捷顺拓翔立元亨南风北旭日泓沃土绿晨朗科凌誉君弘致诺百驰万友乐途纳思精斯" +
	"普奥圣锦程图雅睿茂林森鸿晖宝富贵吉盈泉涛洋浩然志远坤乾智慧道臻悦欣怡宁静和谐仁义礼格物致知行健厚载虹霞彩霖露雪松柏竹梅" +
	"兰菊桂樱桃李杏橙柚杉槐椿楠桦枫橡麒麟凤凰鹏鹰燕鸥鹤骏驹豪杰英雄伟业基石柱梁栋材料"

// tradeChoice draws trade-name characters with Zipf-like weights.
var tradeChoice = func() choice[rune] {
	rs := []rune(tradeChars)
	ws := make([]float64, len(rs))
	for i := range rs {
		ws[i] = 1 / float64(i+6)
	}
	return newChoice(rs, ws)
}()

// industryGroup is an industry code as /new stores it, with the words
// that end company names of that trade.
type industryGroup struct {
	label string
	words choice[string]
	legal choice[string] // legal forms common in the trade
}

var (
	legalCommon = weighted(wv[string]{"有限公司", 62}, wv[string]{"有限责任公司", 14}, wv[string]{"股份有限公司", 9},
		wv[string]{"集团有限公司", 3}, wv[string]{"工作室", 2}, wv[string]{"", 2})
	legalFactory = weighted(wv[string]{"有限公司", 60}, wv[string]{"有限责任公司", 12}, wv[string]{"股份有限公司", 10},
		wv[string]{"厂", 12}, wv[string]{"集团有限公司", 4})
	legalShop = weighted(wv[string]{"有限公司", 60}, wv[string]{"有限责任公司", 10}, wv[string]{"商行", 15},
		wv[string]{"经营部", 8}, wv[string]{"", 5})
	legalFinance = weighted(wv[string]{"有限公司", 60}, wv[string]{"股份有限公司", 15},
		wv[string]{"合伙企业（有限合伙）", 15}, wv[string]{"集团有限公司", 5})
)

var industries = newChoice([]industryGroup{
	{"it", weighted(wv[string]{"科技", 40}, wv[string]{"信息技术", 14}, wv[string]{"软件", 8}, wv[string]{"网络科技", 12},
		wv[string]{"智能科技", 8}, wv[string]{"信息科技", 6}, wv[string]{"数据科技", 3}, wv[string]{"电子商务", 4},
		wv[string]{"计算机系统", 2}, wv[string]{"通信技术", 3}), legalCommon},
	{"manufacturing", weighted(wv[string]{"机械", 12}, wv[string]{"精密机械", 4}, wv[string]{"电气", 8}, wv[string]{"自动化设备", 5},
		wv[string]{"电子", 10}, wv[string]{"新材料", 5}, wv[string]{"模具", 3}, wv[string]{"机电设备", 4}, wv[string]{"汽车零部件", 3},
		wv[string]{"包装", 4}, wv[string]{"五金制品", 5}, wv[string]{"塑料制品", 4}, wv[string]{"化工", 5}, wv[string]{"服装", 5},
		wv[string]{"纺织", 4}, wv[string]{"家具", 3}, wv[string]{"实业", 8}, wv[string]{"光电", 3}, wv[string]{"照明", 2}), legalFactory},
	{"retail", weighted(wv[string]{"商贸", 20}, wv[string]{"贸易", 25}, wv[string]{"百货", 4}, wv[string]{"进出口", 8},
		wv[string]{"食品", 8}, wv[string]{"日用品", 3}, wv[string]{"电子商务", 6}, wv[string]{"国际贸易", 4}, wv[string]{"建材", 5},
		wv[string]{"酒业", 2}, wv[string]{"茶业", 2}), legalShop},
	{"health", weighted(wv[string]{"医疗器械", 20}, wv[string]{"医药", 15}, wv[string]{"生物科技", 20}, wv[string]{"药业", 6},
		wv[string]{"医疗科技", 10}, wv[string]{"健康管理", 10}, wv[string]{"大药房", 5}), legalCommon},
	{"logistics", weighted(wv[string]{"物流", 35}, wv[string]{"供应链管理", 15}, wv[string]{"国际货运代理", 8}, wv[string]{"运输", 12},
		wv[string]{"冷链物流", 4}, wv[string]{"仓储服务", 5}, wv[string]{"速运", 3}), legalCommon},
	{"construction", weighted(wv[string]{"建筑工程", 20}, wv[string]{"建设工程", 12}, wv[string]{"装饰工程", 18}, wv[string]{"建设", 8},
		wv[string]{"园林绿化", 6}, wv[string]{"市政工程", 4}, wv[string]{"房地产开发", 5}, wv[string]{"物业管理", 8}), legalCommon},
	{"education", weighted(wv[string]{"教育科技", 30}, wv[string]{"教育咨询", 20}, wv[string]{"培训", 15}, wv[string]{"文化教育", 10}), legalCommon},
	{"finance", weighted(wv[string]{"融资租赁", 15}, wv[string]{"投资管理", 25}, wv[string]{"资产管理", 20}, wv[string]{"担保", 5},
		wv[string]{"保险代理", 5}, wv[string]{"投资", 15}, wv[string]{"股权投资", 10}), legalFinance},
	{"other", weighted(wv[string]{"文化传媒", 15}, wv[string]{"酒店管理", 6}, wv[string]{"餐饮管理", 10}, wv[string]{"企业管理咨询", 15},
		wv[string]{"广告", 10}, wv[string]{"人力资源", 8}, wv[string]{"环保科技", 8}, wv[string]{"会展服务", 4},
		wv[string]{"咨询", 8}, wv[string]{"设计", 6}, wv[string]{"检测", 4}, wv[string]{"安防", 3}), legalCommon},
}, []float64{22, 20, 15, 8, 8, 9, 5, 5, 8})

// city is a region companies are registered in.
type city struct {
	name     string
	province string // "" for municipalities
	district []string
}

var cities = weighted(
	wv[city]{city{"北京", "", []string{"海淀区", "朝阳区", "东城区", "西城区", "丰台区", "昌平区"}}, 8},
	wv[city]{city{"上海", "", []string{"浦东新区", "徐汇区", "闵行区", "静安区", "嘉定区", "松江区"}}, 8},
	wv[city]{city{"深圳", "广东", []string{"南山区", "福田区", "宝安区", "龙岗区"}}, 6},
	wv[city]{city{"广州", "广东", []string{"天河区", "番禺区", "白云区", "黄埔区"}}, 6},
	wv[city]{city{"杭州", "浙江", []string{"西湖区", "滨江区", "余杭区", "萧山区"}}, 5},
	wv[city]{city{"苏州", "江苏", []string{"苏州工业园区", "吴中区", "相城区"}}, 4},
	wv[city]{city{"成都", "四川", []string{"武侯区", "锦江区", "高新区"}}, 4},
	wv[city]{city{"武汉", "湖北", []string{"武昌区", "洪山区", "江汉区"}}, 4},
	wv[city]{city{"南京", "江苏", []string{"江宁区", "玄武区", "建邺区"}}, 4},
	wv[city]{city{"天津", "", []string{"滨海新区", "和平区", "南开区"}}, 3},
	wv[city]{city{"重庆", "", []string{"渝北区", "渝中区", "江北区"}}, 3},
	wv[city]{city{"西安", "陕西", []string{"雁塔区", "未央区"}}, 3},
	wv[city]{city{"宁波", "浙江", []string{"鄞州区", "北仑区"}}, 3},
	wv[city]{city{"东莞", "广东", nil}, 3},
	wv[city]{city{"佛山", "广东", []string{"顺德区", "南海区"}}, 3},
	wv[city]{city{"青岛", "山东", nil}, 3},
	wv[city]{city{"长沙", "湖南", nil}, 3},
	wv[city]{city{"郑州", "河南", nil}, 3},
	wv[city]{city{"合肥", "安徽", nil}, 2},
	wv[city]{city{"厦门", "福建", nil}, 2},
	wv[city]{city{"济南", "山东", nil}, 2},
	wv[city]{city{"无锡", "江苏", nil}, 2},
	wv[city]{city{"福州", "福建", nil}, 2},
	wv[city]{city{"昆明", "云南", nil}, 2},
	wv[city]{city{"沈阳", "辽宁", nil}, 2},
	wv[city]{city{"大连", "辽宁", nil}, 2},
	wv[city]{city{"哈尔滨", "黑龙江", nil}, 1},
	wv[city]{city{"长春", "吉林", nil}, 1},
	wv[city]{city{"石家庄", "河北", nil}, 1},
	wv[city]{city{"南昌", "江西", nil}, 1},
	wv[city]{city{"南宁", "广西", nil}, 1},
	wv[city]{city{"贵阳", "贵州", nil}, 1},
	wv[city]{city{"太原", "山西", nil}, 1},
	wv[city]{city{"温州", "浙江", nil}, 1},
	wv[city]{city{"泉州", "福建", nil}, 1},
	wv[city]{city{"常州", "江苏", nil}, 1},
	wv[city]{city{"烟台", "山东", nil}, 1},
	wv[city]{city{"珠海", "广东", nil}, 1},
	wv[city]{city{"中山", "广东", nil}, 1},
	wv[city]{city{"惠州", "广东", nil}, 1},
	wv[city]{city{"兰州", "甘肃", nil}, 1},
	wv[city]{city{"乌鲁木齐", "新疆", nil}, 1},
)

// Latin names of foreign-invested companies.
var (
	latinSyl  = []string{"ac", "me", "no", "va", "tek", "lu", "mi", "ra", "zen", "or", "bit", "sol", "ter", "ga", "pro", "vi", "ex", "ion", "cor", "del"}
	latinInd  = []string{"Trading", "Technology", "Logistics", "Electronics", "Consulting", "Medical", "Machinery", "Software", "Foods", "Materials"}
	latinCity = []string{"Shanghai", "Beijing", "Shenzhen", "Suzhou", "Guangzhou", "China"}
)

var (
	sizes = weighted(wv[string]{"s1", 35}, wv[string]{"s2", 28}, wv[string]{"s3", 15},
		wv[string]{"s4", 7}, wv[string]{"", 15})
	sources = weighted(wv[string]{"expo", 17}, wv[string]{"website", 17}, wv[string]{"referral", 22},
		wv[string]{"telesales", 22}, wv[string]{"other", 7}, wv[string]{"", 15})
)

// People.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚华斌辉鹏宇浩凯婷雪琳晨欣怡佳俊峰亮龙飞波宁红玲梅海东林春立新永德成庆琪颖倩建志晓文国小子雨思嘉家一振玉卫雅")
	titles   = weighted(wv[string]{"总经理", 20}, wv[string]{"采购经理", 18}, wv[string]{"IT经理", 10}, wv[string]{"副总经理", 8},
		wv[string]{"财务经理", 8}, wv[string]{"项目经理", 10}, wv[string]{"行政主管", 8}, wv[string]{"董事长", 4}, wv[string]{"", 14})
	mobilePrefixes = []string{"138", "139", "135", "136", "137", "150", "151", "158", "159", "186", "187", "188", "189", "133", "153", "180", "177", "199"}
)

// Deal titles and activity texts.
var (
	products   = []string{"ERP实施", "CRM系统", "私有云部署", "数据中台", "MES生产管理系统", "OA协同办公", "WMS仓储系统", "年度维保", "服务器扩容", "等保整改", "人力资源系统", "财务共享平台"}
	actTexts   = []string{"电话回访，暂无新需求，保持联系", "上门拜访，介绍了成功案例", "微信发送方案和报价", "方案汇报会，整体认可", "商务谈判，对方要求降价", "需求调研，梳理现有流程", "邀请参加客户交流会", "电话沟通实施计划"}
	nextTexts  = []string{"回访确认方案", "发送报价单", "约技术交流", "跟进合同审批", "催款", "安排演示"}
	places     = []string{"客户公司", "公司会议室", "线上会议", "客户工厂"}
	purposes   = []string{"方案讲解", "合同洽谈", "需求调研", "回访", "产品演示"}
	complaints = []string{"实施进度比约定慢", "系统偶尔卡顿", "发票开具延迟", "售后响应慢", "培训不到位"}
	deptNames  = []string{"华东一部", "华东二部", "华北部", "华南一部", "华南二部", "西南部", "华中部", "东北部", "西北部", "大客户部", "渠道部", "政企部"}
)

// personName draws a Chinese personal name of two or three characters.
func personName(r *rand.Rand) string {
	var b strings.Builder
	b.WriteRune(surnames[r.IntN(len(surnames))])
	b.WriteRune(given[r.IntN(len(given))])
	if r.IntN(100) < 65 {
		b.WriteRune(given[r.IntN(len(given))])
	}
	return b.String()
}

// phone draws a mainland mobile number.
func phone(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(mobilePrefixes[r.IntN(len(mobilePrefixes))])
	for range 8 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

// trade draws a trade name of n characters.
func trade(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(tradeChoice.pick(r))
	}
	return b.String()
}

// tradeLen draws the length of a trade name.
func tradeLen(r *rand.Rand) int {
	switch x := r.IntN(100); {
	case x < 40:
		return 2
	case x < 80:
		return 3
	default:
		return 4
	}
}

// companyName is a generated name with the codes /new would store.
type companyName struct {
	raw      string
	industry string // code
	region   string // city, "" when the name has none and the rep skipped it
}

// randomCompany draws a registered company name: region + trade name + industry
// word + legal form, in the shapes seen in a register (深圳市瑞丰科技有限公司,
// 广东省深圳市…, 北京市海淀区…, 瑞丰科技（深圳）有限公司, 瑞丰科技有限公司),
// and a few Latin names of foreign-invested companies.
func randomCompany(r *rand.Rand) companyName {
	g := industries.pick(r)
	c := cities.pick(r)
	if r.IntN(100) < 2 {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(latinSyl[r.IntN(len(latinSyl))])
		}
		w := b.String()
		name := strings.ToUpper(w[:1]) + w[1:] + " " + latinInd[r.IntN(len(latinInd))]
		lc := latinCity[r.IntN(len(latinCity))]
		return companyName{raw: name + " (" + lc + ") Co., Ltd.", industry: g.label, region: ""}
	}
	core := trade(r, tradeLen(r)) + g.words.pick(r)
	legal := g.legal.pick(r)
	var name string
	region := c.name
	switch x := r.IntN(100); {
	case x < 42:
		if c.province == "" && r.IntN(2) == 0 {
			name = c.name + core + legal
		} else {
			name = c.name + "市" + core + legal
		}
	case x < 50 && c.province != "":
		name = c.province + "省" + c.name + "市" + core + legal
	case x < 56 && len(c.district) > 0:
		d := c.district[r.IntN(len(c.district))]
		if strings.HasPrefix(d, c.name) {
			name = d + core + legal
		} else {
			name = c.name + "市" + d + core + legal
		}
	case x < 72 && legal != "":
		name = core + "（" + c.name + "）" + legal
	default:
		name = core + legal
		if r.IntN(3) > 0 {
			region = ""
		}
	}
	return companyName{raw: name, industry: g.label, region: region}
}
