package company

import "unicode/utf8"

// Word lists for company-name normalisation (see names.go and
// docs/NAMES.md). Everything here is built once, in variable declarations,
// and never written afterwards.

// nameWordSet is an immutable set of words with a value per word, searched
// by prefix or suffix of a string, longest word first.
type nameWordSet struct {
	words    map[string]string
	maxRunes int
}

func nameNewWordSet(pairs map[string]string) nameWordSet {
	s := nameWordSet{words: pairs}
	for w := range pairs {
		if n := utf8.RuneCountInString(w); n > s.maxRunes {
			s.maxRunes = n
		}
	}
	return s
}

func nameSetOf(lists ...[]string) nameWordSet {
	m := map[string]string{}
	for _, l := range lists {
		for _, w := range l {
			m[w] = w
		}
	}
	return nameNewWordSet(m)
}

// nameRegionKind tells how a region word may be stripped.
type nameRegionKind uint8

const (
	nameRegionPlace    nameRegionKind = iota // province or city: stripped anywhere
	nameRegionDistrict                       // district or zone: only at the start or in brackets
	nameRegionCountry                        // 中国: in brackets, at the end, or at the start before a region
)

// nameRegion is one surface form of a region: Base is the form put back
// when a name would otherwise collapse (北京市 → 北京; a district keeps its
// suffix, 海淀区, since its bare name is not a region form),
// Canon is the province or city reported in Name.Region ("" for
// 中国 and for development zones that name no city).
type nameRegion struct {
	Base  string
	Canon string
	Kind  nameRegionKind
}

// Provincial-level units (34). Municipalities take 市, provinces 省, the
// five autonomous regions their full titles, Hong Kong and Macao 特别行政区.
var nameMunicipalities = []string{"北京", "天津", "上海", "重庆"}

var nameProvinces = []string{
	"河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
	"山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
	"甘肃", "青海", "台湾",
}

var nameAutonomous = map[string]string{ // base → full title
	"内蒙古": "内蒙古自治区",
	"广西":  "广西壮族自治区",
	"西藏":  "西藏自治区",
	"宁夏":  "宁夏回族自治区",
	"新疆":  "新疆维吾尔自治区",
}

var nameSARs = []string{"香港", "澳门"}

// Prefecture-level cities and the best-known county-level cities, each
// with and without 市. Names that are also everyday words (大理 in 大理石,
// for one) are deliberately absent.
var nameCities = []string{
	// Hebei, Shanxi, Inner Mongolia
	"石家庄", "唐山", "保定", "邯郸", "秦皇岛", "廊坊", "沧州", "邢台", "张家口", "承德", "衡水",
	"太原", "大同", "呼和浩特", "包头", "鄂尔多斯",
	// North-east
	"沈阳", "大连", "鞍山", "抚顺", "锦州", "营口", "长春", "哈尔滨", "大庆", "齐齐哈尔",
	// Jiangsu
	"南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁",
	"昆山", "江阴", "张家港", "常熟", "宜兴",
	// Zhejiang
	"杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
	"义乌", "慈溪", "余姚", "海宁", "诸暨",
	// Anhui, Fujian, Jiangxi
	"合肥", "芜湖", "蚌埠", "马鞍山", "安庆", "阜阳",
	"福州", "厦门", "泉州", "漳州", "莆田", "龙岩", "晋江", "石狮",
	"南昌", "赣州", "九江", "上饶",
	// Shandong, Henan
	"济南", "青岛", "淄博", "烟台", "潍坊", "济宁", "泰安", "威海", "临沂", "德州", "聊城", "日照", "菏泽",
	"郑州", "洛阳", "开封", "新乡", "南阳", "许昌", "安阳",
	// Hubei, Hunan
	"武汉", "宜昌", "襄阳", "十堰", "荆州",
	"长沙", "株洲", "湘潭", "衡阳", "岳阳", "常德", "郴州",
	// Guangdong, Guangxi, Hainan
	"广州", "深圳", "珠海", "汕头", "佛山", "韶关", "湛江", "肇庆", "江门", "茂名", "惠州", "梅州",
	"汕尾", "河源", "阳江", "清远", "东莞", "中山", "潮州", "揭阳", "云浮",
	"南宁", "柳州", "桂林", "北海", "海口", "三亚",
	// South-west
	"成都", "绵阳", "德阳", "宜宾", "泸州", "南充", "乐山", "贵阳", "遵义", "昆明", "曲靖", "拉萨",
	// North-west
	"西安", "宝鸡", "咸阳", "榆林", "延安", "兰州", "西宁", "银川", "乌鲁木齐", "克拉玛依",
	// Taiwan
	"台北", "高雄",
}

// Districts and zones: only with their suffix (区, 新区, 园区 …), because
// their bare names are often ordinary trade names (朝阳, 南山, 西湖).
// Value: the city reported as the region.
var nameDistricts = map[string]string{
	// Beijing
	"东城区": "北京", "西城区": "北京", "朝阳区": "北京", "海淀区": "北京", "丰台区": "北京", "石景山区": "北京",
	"昌平区": "北京", "大兴区": "北京", "通州区": "北京", "顺义区": "北京", "房山区": "北京", "亦庄经济技术开发区": "北京",
	// Shanghai
	"浦东新区": "上海", "黄浦区": "上海", "徐汇区": "上海", "长宁区": "上海", "静安区": "上海", "普陀区": "上海",
	"虹口区": "上海", "杨浦区": "上海", "闵行区": "上海", "宝山区": "上海", "嘉定区": "上海", "松江区": "上海",
	"青浦区": "上海", "奉贤区": "上海", "金山区": "上海", "崇明区": "上海",
	// Tianjin, Chongqing, Hebei
	"滨海新区": "天津", "和平区": "天津", "南开区": "天津",
	"两江新区": "重庆", "渝中区": "重庆", "渝北区": "重庆", "江北区": "重庆",
	"雄安新区": "河北",
	// Shenzhen, Guangzhou, Zhuhai, Foshan
	"南山区": "深圳", "福田区": "深圳", "罗湖区": "深圳", "宝安区": "深圳", "龙岗区": "深圳", "龙华区": "深圳",
	"光明区": "深圳", "坪山区": "深圳", "盐田区": "深圳", "前海": "深圳", "前海深港现代服务业合作区": "深圳",
	"天河区": "广州", "越秀区": "广州", "海珠区": "广州", "荔湾区": "广州", "番禺区": "广州", "白云区": "广州",
	"黄埔区": "广州", "南沙区": "广州", "南沙新区": "广州", "花都区": "广州", "增城区": "广州",
	"横琴": "珠海", "横琴新区": "珠海", "香洲区": "珠海",
	"顺德区": "佛山", "南海区": "佛山", "禅城区": "佛山",
	// Hangzhou, Ningbo, Suzhou, Nanjing
	"西湖区": "杭州", "滨江区": "杭州", "余杭区": "杭州", "萧山区": "杭州", "拱墅区": "杭州", "上城区": "杭州",
	"钱塘区": "杭州", "临平区": "杭州",
	"鄞州区": "宁波", "北仑区": "宁波",
	"苏州工业园区": "苏州", "工业园区": "", "吴中区": "苏州", "相城区": "苏州", "姑苏区": "苏州", "虎丘区": "苏州",
	"吴江区": "苏州",
	"江宁区": "南京", "鼓楼区": "", "玄武区": "南京", "建邺区": "南京", "栖霞区": "南京", "雨花台区": "南京",
	// Chengdu, Wuhan, Xi'an
	"天府新区": "成都", "武侯区": "成都", "锦江区": "成都", "青羊区": "成都", "金牛区": "成都", "成华区": "成都",
	"双流区": "成都", "郫都区": "成都",
	"武昌区": "武汉", "汉口": "武汉", "江汉区": "武汉", "洪山区": "武汉", "东湖新技术开发区": "武汉", "东湖高新区": "武汉",
	"雁塔区": "西安", "碑林区": "西安", "未央区": "西安",
	// Generic zones (no city)
	"高新区": "", "高新技术产业开发区": "", "高新技术开发区": "", "经济技术开发区": "", "经济开发区": "",
	"经开区": "", "开发区": "", "保税区": "", "综合保税区": "", "自由贸易试验区": "", "自贸区": "",
}

// Traditional-character and other variants of region names.
var nameRegionVariants = map[string]string{
	"臺灣": "台湾", "台灣": "台湾", "臺北": "台北", "澳門": "澳门", "廣東": "广东", "廣州": "广州",
	"廣西": "广西",
}

// nameEnRegions maps romanised region names (in brackets or at the end of
// an English name) to the region reported. "" for the country.
var nameEnRegions = map[string]string{
	"china": "", "prc": "", "cn": "",
	"beijing": "北京", "shanghai": "上海", "tianjin": "天津", "chongqing": "重庆",
	"shenzhen": "深圳", "guangzhou": "广州", "hangzhou": "杭州", "suzhou": "苏州", "nanjing": "南京",
	"chengdu": "成都", "wuhan": "武汉", "xiamen": "厦门", "qingdao": "青岛", "dalian": "大连",
	"ningbo": "宁波", "xian": "西安", "dongguan": "东莞", "foshan": "佛山", "zhuhai": "珠海",
	"hk": "香港", "hongkong": "香港", "macau": "澳门", "macao": "澳门", "taiwan": "台湾",
	"guangdong": "广东", "zhejiang": "浙江", "jiangsu": "江苏", "shandong": "山东", "fujian": "福建",
	"sichuan": "四川", "hubei": "湖北", "hunan": "湖南", "henan": "河南", "hebei": "河北", "anhui": "安徽",
}

// nameRegionInfo maps every Chinese surface form of a region to its
// details.
var nameRegionInfo = func() map[string]nameRegion {
	forms := map[string]nameRegion{}
	place := func(form, base, canon string) {
		forms[form] = nameRegion{Base: base, Canon: canon, Kind: nameRegionPlace}
	}
	for _, m := range nameMunicipalities {
		place(m, m, m)
		place(m+"市", m, m)
	}
	for _, p := range nameProvinces {
		place(p, p, p)
		place(p+"省", p, p)
	}
	for base, full := range nameAutonomous {
		place(base, base, base)
		place(full, base, base)
		place(base+"自治区", base, base)
	}
	for _, s := range nameSARs {
		place(s, s, s)
		place(s+"特别行政区", s, s)
		place("中国"+s, s, s)
	}
	for _, c := range nameCities {
		if _, dup := forms[c]; !dup { // 吉林 is a province and a city
			place(c, c, c)
		}
		if _, dup := forms[c+"市"]; !dup {
			place(c+"市", c, c)
		}
	}
	for d, city := range nameDistricts {
		forms[d] = nameRegion{Base: d, Canon: city, Kind: nameRegionDistrict}
	}
	for v, canon := range nameRegionVariants {
		place(v, v, canon)
	}
	forms["中国"] = nameRegion{Base: "中国", Kind: nameRegionCountry}
	forms["中华人民共和国"] = nameRegion{Base: "中华人民共和国", Kind: nameRegionCountry}
	return forms
}()

// nameRegions is the searchable set of the forms in nameRegionInfo;
// nameTailRegions holds those that may be stripped from the end of a name
// or between trade name and industry (no districts or zones).
var (
	nameRegions = func() nameWordSet {
		m := make(map[string]string, len(nameRegionInfo))
		for f := range nameRegionInfo {
			m[f] = f
		}
		return nameNewWordSet(m)
	}()
	nameTailRegions = func() nameWordSet {
		m := make(map[string]string, len(nameRegionInfo))
		for f, info := range nameRegionInfo {
			if info.Kind != nameRegionDistrict {
				m[f] = f
			}
		}
		return nameNewWordSet(m)
	}()
)

// Chinese legal-form and organisational suffixes, stripped repeatedly from
// the end of a name. A branch (分公司, 分行, 办事处 …) is stripped too: a
// branch is claimed with its company.
var nameLegalCN = nameSetOf([]string{
	"股份有限公司", "有限责任公司", "有限公司", "股份公司", "总公司", "分公司", "公司", "有限",
	"集团", "股份", "有限責任公司", "集團", "株式会社",
	"有限合伙企业", "合伙企业", "有限合伙", "普通合伙", "特殊普通合伙", "个人独资企业", "独资企业", "个体工商户",
	"分行", "支行", "分店", "总店", "分部", "总部", "办事处", "代表处", "营业部", "营业厅",
	"分厂", "总厂", "厂", "事务所", "工作室", "经营部", "门市部", "经销部", "商行", "合作社",
})

// Words that, in brackets, are a legal form or a status and carry no name.
var nameBracketLegal = nameSetOf([]string{
	"集团", "集團", "有限合伙", "普通合伙", "特殊普通合伙", "个人独资", "独资", "外商独资", "中外合资",
	"中外合作", "合资", "外资", "筹", "筹建", "筹备", "股份", "有限", "总部", "有限公司", "集团有限公司",
	"集团股份有限公司", "股份有限公司", "分公司",
	"group", "limited", "ltd", "pty", "inc", "holdings",
})

// English legal-form tokens, stripped from the end of the token list.
var nameLegalEN = nameSetOf([]string{
	"co", "company", "cos", "ltd", "limited", "coltd", "inc", "incorporated", "corp", "corporation",
	"llc", "llp", "lp", "plc", "gmbh", "mbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv",
	"pte", "pty", "pvt", "kk", "oy", "oyj", "ltda", "sdn", "bhd", "group",
})

// Initialisms written with dots (s.a., l.l.c.) arrive as one-letter
// tokens; these are the ones stripped when joined.
var nameInitialsEN = nameSetOf([]string{
	"sa", "llc", "llp", "lp", "bv", "nv", "spa", "srl", "kk", "plc", "ag", "sas", "co",
})

// Industry words (行业): stripped from the end of the key to find the trade
// name (字号), never below two characters. The list also holds the generic
// words that, after a region, make a whole name (北京银行, 青岛啤酒,
// 上海城投): a leading region is kept when only such words follow it.
var nameIndustryCN = nameSetOf([]string{
	// technology and information
	"科技", "技术", "信息", "信息技术", "信息科技", "网络", "网络科技", "网络技术", "软件", "电子", "电子科技",
	"电子商务", "电商", "互联网", "数据", "大数据", "云计算", "人工智能", "智能", "智能科技", "数字", "数字科技",
	"数码", "计算机", "电脑", "通信", "通讯", "电信", "终端", "系统", "集成电路", "微电子", "半导体", "光电",
	"信息服务", "软件开发", "游戏", "动漫", "直播", "新媒体",
	// trade and commerce
	"贸易", "商贸", "国际贸易", "外贸", "进出口", "经贸", "工贸", "商务", "商业", "百货", "超市", "商场",
	"连锁", "供应链", "物流", "运输", "货运", "快递", "速运", "快运", "速递", "仓储", "冷链", "货运代理",
	"国际货运代理", "代理", "报关", "航运", "航空", "港务", "港口", "机场", "船舶",
	// industry and manufacturing
	"实业", "工业", "产业", "企业", "制造", "机械", "设备", "机电", "电气", "电器", "家电", "自动化", "重工",
	"电机", "电缆", "线缆", "仪器", "仪表", "精密", "模具", "五金", "照明", "器件", "元器件", "零部件",
	"汽车", "汽配", "车业", "新能源汽车", "钢铁", "铝业", "有色", "矿业", "煤业", "石油", "石化", "天然气",
	"化工", "化学", "材料", "新材料", "建材", "水泥", "玻璃", "陶瓷", "塑料", "橡胶", "纸业", "造纸", "木业",
	"石材", "印刷", "包装", "家具", "家居", "服装", "服饰", "纺织", "鞋业", "皮具", "箱包", "眼镜", "珠宝",
	"黄金", "钟表", "文具", "玩具", "工艺", "工艺品", "礼品", "日化", "化妆品", "日用品", "用品",
	"制品", "加工", "销售", "生产", "市场", "市场营销", "调研",
	"新能源", "能源", "光伏", "储能", "电池", "电力", "供电", "电网", "核电", "风电", "水电", "燃气",
	"热力", "水务", "供水", "环保", "环境", "节能", "净化", "水处理", "再生资源", "回收", "航天", "军工",
	// food and agriculture
	"食品", "饮料", "饮品", "乳业", "味业", "茶业", "酒业", "啤酒", "白酒", "葡萄酒", "酒家", "粮油", "米业",
	"农业", "牧业", "渔业", "林业", "农产品", "水产", "果业", "种业", "饲料", "烟草", "调味品", "保健品",
	"餐饮", "餐饮管理", "餐饮服务",
	// health
	"医药", "药业", "制药", "生物", "生物科技", "生物技术", "医疗", "医疗器械", "器械", "健康", "大药房",
	"药房", "医院", "人民医院", "中医院", "中心医院", "诊所", "门诊", "口腔", "美容", "健身",
	// construction and property
	"建筑", "建设", "建工", "工程", "装饰", "装修", "装饰工程", "设计", "规划", "园林", "绿化", "市政",
	"路桥", "交通", "公交", "地铁", "轨道交通", "铁路", "高速", "水利", "消防", "暖通", "空调", "制冷",
	"房地产", "地产", "置业", "物业", "物业管理", "开发", "发展", "城投", "城建", "交投", "建投", "国投",
	"产投", "国资", "高新",
	// finance
	"金融", "银行", "商业银行", "农商", "农村商业", "农商银行", "村镇银行", "保险", "人寿", "财险",
	"财产保险", "证券", "信托", "期货", "基金", "租赁", "融资租赁", "担保", "小额贷款", "典当", "拍卖",
	"支付", "征信", "资本", "创投", "投资", "投资管理", "股权投资", "资产管理", "资产", "控股", "信用",
	// services, media, education
	"咨询", "管理咨询", "管理", "企业管理", "服务", "人力资源", "劳务", "安防", "安保", "保洁", "家政",
	"检测", "认证", "律师", "会计师", "税务师", "会计", "财务", "税务", "知识产权", "营销", "策划", "会展",
	"展览", "广告", "文化", "文化传媒", "传媒", "传播", "影视", "影业", "娱乐", "音乐", "出版", "体育",
	"教育", "培训", "酒店", "酒店管理", "旅游", "旅行社", "国际", "大学", "学院", "学校", "研究院",
	"研究所", "设计院", "电视台", "日报", "出版社",
})

// English industry tokens, stripped from the end to find the trade name.
var nameIndustryEN = nameSetOf([]string{
	"trading", "trade", "traders", "technology", "technologies", "tech", "software", "logistics",
	"electronics", "electronic", "industries", "industrial", "industry", "holdings", "holding",
	"international", "intl", "systems", "system", "solutions", "services", "service", "enterprises",
	"enterprise", "manufacturing", "consulting", "consultants", "investment", "investments", "capital",
	"media", "network", "networks", "digital", "energy", "pharma", "pharmaceutical", "pharmaceuticals",
	"medical", "foods", "food", "materials", "machinery", "equipment", "engineering", "construction",
	"development", "global", "import", "export", "imports", "exports", "products", "motors", "motor",
	"automotive", "chemical", "chemicals", "textiles", "textile", "garments", "apparel", "bank",
	"insurance", "securities", "realty", "properties", "property", "information", "communications",
	"telecom", "partners", "associates", "ventures", "labs", "studio", "design", "biotech", "health",
	"healthcare",
})
