package demo

// Word lists the demo company is built from. Everything here is read-only.

// Customer sizes: codes of crm/choice's size list.
const (
	sizeSmall  = "s1"
	sizeMedium = "s2"
	sizeLarge  = "s3"
	sizeHuge   = "s4"
)

type weighted[T any] struct {
	v T
	w int
}

// industry is an industry (a code of crm/choice's list; "other" takes the
// company's industry word as its detail) with the words that end company
// names of that trade and what the demo company sells to it.
type industry struct {
	code     string
	weight   int
	words    []string // industry word of the company name (行业)
	products []string // deal subjects
}

var industries = []industry{
	{"it", 16, []string{"科技", "信息技术", "软件", "网络科技", "智能科技", "信息科技", "数据科技"},
		[]string{"私有云部署", "数据中台", "等保整改", "研发管理平台", "服务器扩容"}},
	{"manufacturing", 20, []string{"机械", "精密机械", "电气", "自动化设备", "电子", "新材料", "模具", "机电设备", "汽车零部件", "包装", "五金"},
		[]string{"MES生产管理系统", "设备联网改造", "ERP实施", "智能仓储WMS", "质量追溯系统"}},
	{"retail", 14, []string{"商贸", "贸易", "百货", "进出口", "食品", "日用品", "电子商务"},
		[]string{"进销存系统", "门店收银系统升级", "会员营销平台", "ERP实施", "电商中台"}},
	{"health", 10, []string{"医疗器械", "医药", "生物科技", "药业", "医疗科技", "健康管理"},
		[]string{"GSP合规管理系统", "器械追溯平台", "供应链管理系统", "OA协同办公"}},
	{"logistics", 10, []string{"物流", "供应链管理", "国际货运代理", "运输", "冷链物流", "仓储服务", "速运"},
		[]string{"TMS运输管理系统", "WMS仓储系统", "车辆调度平台", "电子回单系统"}},
	{"construction", 9, []string{"建筑工程", "建设工程", "装饰工程", "建设", "园林绿化", "市政工程", "建材"},
		[]string{"工程项目管理系统", "劳务实名制平台", "智慧工地", "成本管控系统"}},
	{"education", 7, []string{"教育科技", "教育咨询", "培训", "文化教育"},
		[]string{"教务管理系统", "在线课堂平台", "校区CRM", "智慧校园"}},
	{"finance", 5, []string{"融资租赁", "投资管理", "资产管理", "担保", "保险代理", "金融服务"},
		[]string{"风控数据平台", "合同管理系统", "OA协同办公", "档案电子化"}},
	{"other", 9, []string{"文化传媒", "酒店管理", "餐饮管理", "企业管理咨询", "广告", "人力资源", "环保科技", "会展服务", "物业管理"},
		[]string{"OA协同办公", "财务共享平台", "人力资源系统", "企业微信集成"}},
}

var sizes = []weighted[string]{{sizeSmall, 35}, {sizeMedium, 35}, {sizeLarge, 20}, {sizeHuge, 10}}

var sources = []weighted[string]{{"expo", 20}, {"website", 20}, {"referral", 25}, {"telesales", 25}, {"other", 10}}

// otherSources are the details of the source "other".
var otherSources = []string{"抖音", "招投标网站", "行业协会", "合作伙伴"}

// legalForms by company size.
var legalForms = map[string][]weighted[string]{
	sizeSmall:  {{"有限公司", 85}, {"有限责任公司", 15}},
	sizeMedium: {{"有限公司", 70}, {"有限责任公司", 20}, {"股份有限公司", 10}},
	sizeLarge:  {{"有限公司", 55}, {"有限责任公司", 15}, {"股份有限公司", 30}},
	sizeHuge:   {{"股份有限公司", 55}, {"有限公司", 35}, {"有限责任公司", 10}},
}

// municipalities rarely write 市 in company names.
var municipalities = map[string]bool{"北京": true, "上海": true, "天津": true, "重庆": true}

// tradeNames are plausible trade names (字号) of two characters.
var tradeNames = []string{
	"瑞丰", "恒通", "金桥", "华信", "宏达", "鑫盛", "博源", "嘉和", "润泽", "德隆",
	"兴业", "安康", "诚信", "新远", "智联", "创汇", "聚源", "腾飞", "宇航", "天昊",
	"晟铭", "卓越", "凯瑞", "启明", "辉煌", "海川", "峰源", "青禾", "蓝鲸", "锐意",
	"星辰", "云帆", "易达", "优品", "捷顺", "联众", "力拓", "鼎新", "翔宇", "立信",
	"元亨", "东方", "中润", "南风", "北辰", "华泰", "永盛", "和顺", "佳禾", "荣昌",
	"泰和", "万通", "金鼎", "银河", "富春", "长风", "远航", "明德", "正邦", "汇丰",
	"同创", "久安", "华宇", "信达", "恒昌", "圣源", "锦程", "美达", "宏图", "亿佳",
	"奥华", "中鼎", "盛世", "天工", "大成", "新锐", "祥和", "睿智", "恒瑞", "普华",
	"旭日", "泓泰", "沃土", "绿源", "晨光", "朗润", "科达", "凌云", "誉诚", "铭扬",
	"君安", "弘毅", "尚品", "致远", "金诺", "百川", "合力", "众诚", "驰骋", "禾丰",
	"万家", "安信", "友邦", "天诚", "乐途", "海纳", "中和", "思源", "精诚", "斯达",
}

// tradeHead and tradeTail combine into further two-character trade names.
var (
	tradeHead = []rune("瑞恒金华鑫宏博嘉德润兴安康诚新远智创汇聚腾宇天昊晟铭卓凯启明辉海峰青蓝锐星云优捷顺联众鼎翔立元中泰永佳荣万长正同信盛亿奥普旭泓朗科凌誉君弘尚致百合")
	tradeTail = []rune("丰通桥信达盛源和佳隆泰安康诚远航创汇科腾宇晟铭越凯明辉光川峰禾锐星辰捷顺联力鼎翔美元昌茂林森鸿誉睿雅嘉邦晖博")
)

// tradeLong are trade names of three characters.
var tradeLong = []string{
	"新纪元", "蓝海湾", "绿之源", "金三角", "华夏星", "中科创", "天行健", "东方红", "百事通", "九州通",
	"长江源", "四季青", "金太阳", "新世纪", "好伙伴", "大自然", "快易达", "一品堂", "万事达", "美好家",
}

// Cities of the three regions (华东, 华北, 华南).
var (
	citiesEast     = []string{"杭州", "南京", "苏州", "宁波", "无锡", "合肥", "常州"}
	citiesShanghai = []string{"上海"}
	citiesNorth    = []string{"北京", "北京", "天津", "济南", "青岛", "石家庄", "郑州", "西安"}
	citiesSouth    = []string{"广州", "深圳", "深圳", "东莞", "佛山", "厦门", "长沙", "成都", "武汉", "重庆"}
)

// People.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
	given1   = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚华斌辉鹏宇浩凯婷雪琳晨欣怡佳俊峰亮龙飞波宁红玲梅海东林春立新永德成庆琪颖倩")
	givenPre = []rune("建志晓海丽春文国永小俊子雨思嘉家一振玉卫雅晨佳")
)

// title is a contact's job title and how a rep addresses them after the
// surname (王总, 李经理, 张工).
type title struct {
	name, address string
}

var bossTitles = []weighted[title]{
	{title{"总经理", "总"}, 30}, {title{"副总经理", "总"}, 15}, {title{"董事长", "董"}, 6},
	{title{"采购经理", "经理"}, 14}, {title{"技术总监", "总"}, 8}, {title{"财务总监", "总"}, 5},
	{title{"运营总监", "总"}, 6}, {title{"厂长", "厂长"}, 4}, {title{"IT经理", "经理"}, 12},
}

var staffTitles = []weighted[title]{
	{title{"采购主管", "主管"}, 20}, {title{"信息部主管", "主管"}, 14}, {title{"行政经理", "经理"}, 12},
	{title{"项目经理", "经理"}, 16}, {title{"工程师", "工"}, 14}, {title{"总经理助理", "助理"}, 10},
	{title{"财务经理", "经理"}, 10},
}

var mobilePrefixes = []string{"138", "139", "135", "136", "137", "150", "151", "158", "159", "186", "187", "188", "189", "133", "153", "180"}

var customerNotes = []string{
	"老板比较务实，看重实施周期", "年底有信息化预算", "关注数据安全，要求本地部署", "之前用过竞品，体验一般",
	"决策链较长，需要集团审批", "对价格敏感，倾向分期付款", "老客户介绍，信任度高", "明年计划扩建新厂区",
	"IT团队较弱，需要我们多支持", "采购走招标流程",
}

// Activity texts. {c} is the contact as addressed (王总), {p} the product,
// {amt} an amount (35万), {city} the customer's city.
type phrase struct {
	kind string // visit, call, meeting, message
	text string
}

var (
	phrasesOpenBySource = map[string][]phrase{ // a new deal, by how the customer came
		"expo": {
			{"visit", "展会上认识的{c}，今天上门拜访，聊了{p}的思路"},
			{"call", "展会后电话回访{c}，对方对{p}有兴趣，约了拜访"},
		},
		"website": {
			{"call", "{c}从官网留言咨询{p}，已回电沟通，约了面谈"},
			{"visit", "官网线索，拜访{c}，介绍了{p}和成功案例"},
		},
		"referral": {
			{"call", "老客户介绍认识了{c}，电话沟通了{p}需求"},
			{"visit", "经老客户引荐拜访{c}，对方有意向上{p}"},
		},
		"telesales": {
			{"call", "电话陌拜{c}，对{p}有兴趣，约了拜访"},
			{"call", "电话联系{c}，初步了解{p}需求，对方有兴趣"},
		},
		"other": {
			{"visit", "拜访{c}，介绍公司和成功案例，对方提到{p}的想法"},
			{"call", "电话联系{c}，初步了解{p}需求，对方有兴趣"},
		},
	}
	phrasesNeeds = []phrase{
		{"visit", "拜访{c}，确认需求，预算{amt}左右"},
		{"visit", "上门调研，{c}介绍了现有流程和痛点，希望下季度上线{p}"},
		{"meeting", "和{c}及业务骨干开需求会，梳理了{p}的范围，预算{amt}左右"},
		{"call", "电话和{c}确认{p}需求清单，对方预算大概{amt}"},
	}
	phrasesProposal = []phrase{
		{"message", "微信发送{p}方案和报价给{c}，报价{amt}"},
		{"meeting", "方案汇报会，{c}和IT负责人参加，整体认可，报价{amt}"},
		{"visit", "上门讲解{p}方案，{c}要求补充实施计划，报价{amt}"},
	}
	phrasesNegotiation = []phrase{
		{"meeting", "和{c}商务谈判，对方要求降价8%，分三期付款"},
		{"call", "{c}反馈报价偏高，正在内部申请折扣，目标{amt}"},
		{"meeting", "与{c}谈合同条款，付款方式基本谈妥，金额{amt}"},
	}
	phrasesContract = []phrase{
		{"visit", "与{c}签订{p}合同，合同额{amt}"},
		{"visit", "合同盖章完成，{c}安排下周启动实施，合同额{amt}"},
		{"message", "{c}寄回盖章合同，{p}项目正式签约，金额{amt}"},
	}
	phrasesBack = []phrase{ // negotiation falls back to a new proposal
		{"meeting", "{c}调整了需求范围，需要重新出方案"},
		{"call", "{c}说老板希望增加移动端，方案要重做"},
	}
	phrasesLost = []phrase{
		{"call", "{c}告知选择了竞争对手，主要是价格原因"},
		{"call", "项目预算被砍，{c}说今年暂不启动"},
		{"message", "{c}回复内部决策人变动，项目搁置"},
		{"visit", "拜访{c}了解丢单原因：对方更看重本地化服务"},
	}
	phrasesGeneral = []phrase{ // no open deal
		{"call", "电话回访{c}，暂无新需求，保持联系"},
		{"message", "微信给{c}发了公司介绍和同行业案例"},
		{"call", "{c}在出差，约下周再联系"},
		{"visit", "拜访{c}，聊了行业情况，对方明年有数字化计划"},
		{"message", "邀请{c}参加下月的客户交流会"},
		{"call", "电话联系{c}，对方说目前系统够用，先观望"},
		{"visit", "路过{city}顺道拜访{c}，送了产品手册"},
	}
	phrasesEarly = []phrase{ // initial or needs
		{"message", "微信发送{p}产品资料给{c}"},
		{"call", "电话跟进{c}，对方内部还在评估"},
		{"call", "约{c}做产品演示，对方让等通知"},
		{"visit", "拜访{c}，演示了{p}，反馈不错"},
	}
	phrasesProposalFollow = []phrase{
		{"call", "电话跟进方案反馈，{c}说还在内部审批"},
		{"message", "按{c}的意见修改了方案，补充了实施计划"},
		{"message", "{c}要求提供同行业案例，已发送"},
		{"meeting", "线上会议演示{p}，{c}带了财务和IT一起参加"},
	}
	phrasesNegotiationFollow = []phrase{
		{"call", "和{c}沟通付款方式，对方倾向分期"},
		{"call", "{c}说老板还在比价，下周给答复"},
		{"message", "发了合同草稿给{c}，等待法务审核"},
		{"visit", "拜访{c}，请老板出面谈了一次，态度积极"},
	}
	phrasesAfter = []phrase{ // after signing
		{"call", "回访{c}，实施进展顺利"},
		{"call", "提醒{c}安排首付款"},
		{"message", "{c}反馈系统使用问题，已转技术支持"},
		{"meeting", "和{c}确认验收时间和验收标准"},
		{"visit", "上门做用户培训，{c}很满意"},
	}
)

// Next actions by what the activity was about.
var (
	nextOpen        = []string{"约面谈", "发送公司介绍", "安排产品演示", "再次拜访"}
	nextNeeds       = []string{"准备技术方案", "整理需求清单", "约技术交流", "出初步报价"}
	nextProposal    = []string{"跟进方案反馈", "修改报价单", "约老板汇报方案", "提供案例"}
	nextNegotiation = []string{"跟进合同审批", "申请特价", "发合同草稿", "约老板面谈"}
	nextAfter       = []string{"催收首付款", "回访使用情况", "确认验收时间", "安排培训"}
	nextGeneral     = []string{"再次拜访", "月底回访", "发新品资料", "邀请参加交流会"}
)

var lostReasons = []string{
	"客户选择了竞争对手，对方报价低15%", "预算被砍，项目搁置", "客户内部决策人变动", "需求与产品不匹配",
	"客户决定自研", "交付周期不满足客户要求",
}

var paymentSchemes = []struct {
	name  string
	parts []int // percent
	notes []string
}{
	{"一次性付款", []int{100}, []string{"全款"}},
	{"5:5付款", []int{50, 50}, []string{"首付款", "尾款"}},
	{"3:6:1付款", []int{30, 60, 10}, []string{"首付款", "验收款", "质保金"}},
	{"3:4:3付款", []int{30, 40, 30}, []string{"首付款", "上线款", "验收款"}},
}

var appointmentPlaces = []string{"客户公司（{city}）", "客户会议室", "我司会议室", "线上会议（腾讯会议）", "客户工厂现场", "客户新办公室（{city}）"}

var complaints = []struct{ content, resolution string }{
	{"交付比合同约定晚了一周，客户不满意", "已向客户致歉，赠送一个月免费维保，客户接受"},
	{"设备安装后噪音偏大，客户要求处理", "已安排工程师上门更换减震配件，客户确认正常"},
	{"发票抬头开错，需要重开", "已作废重开并快递寄出"},
	{"售后响应慢，工程师两天才到现场", "已调整该区域售后排班，承诺4小时响应"},
	{"系统上线后报表导出经常超时", "已优化报表查询并升级服务器，导出恢复正常"},
	{"培训不够，操作人员不会用", "已安排两次补充培训并提供操作视频"},
	{"实施顾问频繁更换，沟通成本高", "已指定固定项目经理负责到验收"},
	{"数据迁移后有部分历史订单丢失", "已从备份恢复全部历史订单并复核"},
	{"移动端经常闪退", "已发布修复版本，客户确认不再闪退"},
	{"合同约定的接口开发未按期完成", "已加派开发人员，接口已上线"},
	{"账单金额与报价单不一致", "核对后为计费错误，已退还差额"},
	{"现场施工影响客户正常办公", "已调整为夜间施工，并书面致歉"},
}

var appointmentPurposes = map[string][]string{
	"none":        {"拜访交流", "介绍新产品", "老客户回访"},
	"initial":     {"上门拜访", "产品介绍"},
	"needs":       {"需求调研", "技术交流"},
	"proposal":    {"方案汇报", "产品演示"},
	"negotiation": {"商务谈判", "合同条款沟通"},
	"contract":    {"项目启动会", "回款对接", "验收沟通"},
	"lost":        {"老客户回访"},
}
