package choice

import "strings"

// Regions: the 34 provincial-level units and the cities a customer's name
// or a rep most often gives, each its own code (a team in one province
// still sees its cities apart). Typed with or without 市/省/自治区, in
// Chinese or pinyin. Other (海外, a place not listed) keeps the place as
// its detail.

type place struct{ code, zh, en string }

var provinces = []place{
	{"beijing", "北京", "Beijing"}, {"shanghai", "上海", "Shanghai"}, {"tianjin", "天津", "Tianjin"}, {"chongqing", "重庆", "Chongqing"},
	{"hebei", "河北", "Hebei"}, {"shanxi", "山西", "Shanxi"}, {"liaoning", "辽宁", "Liaoning"}, {"jilin", "吉林", "Jilin"},
	{"heilongjiang", "黑龙江", "Heilongjiang"}, {"jiangsu", "江苏", "Jiangsu"}, {"zhejiang", "浙江", "Zhejiang"}, {"anhui", "安徽", "Anhui"},
	{"fujian", "福建", "Fujian"}, {"jiangxi", "江西", "Jiangxi"}, {"shandong", "山东", "Shandong"}, {"henan", "河南", "Henan"},
	{"hubei", "湖北", "Hubei"}, {"hunan", "湖南", "Hunan"}, {"guangdong", "广东", "Guangdong"}, {"hainan", "海南", "Hainan"},
	{"sichuan", "四川", "Sichuan"}, {"guizhou", "贵州", "Guizhou"}, {"yunnan", "云南", "Yunnan"}, {"shaanxi", "陕西", "Shaanxi"},
	{"gansu", "甘肃", "Gansu"}, {"qinghai", "青海", "Qinghai"}, {"taiwan", "台湾", "Taiwan"},
	{"innermongolia", "内蒙古", "Inner Mongolia"}, {"guangxi", "广西", "Guangxi"}, {"tibet", "西藏", "Tibet"},
	{"ningxia", "宁夏", "Ningxia"}, {"xinjiang", "新疆", "Xinjiang"}, {"hongkong", "香港", "Hong Kong"}, {"macau", "澳门", "Macau"},
}

var cities = []place{
	{"shijiazhuang", "石家庄", "Shijiazhuang"}, {"tangshan", "唐山", "Tangshan"}, {"baoding", "保定", "Baoding"}, {"handan", "邯郸", "Handan"},
	{"qinhuangdao", "秦皇岛", "Qinhuangdao"}, {"langfang", "廊坊", "Langfang"}, {"cangzhou", "沧州", "Cangzhou"}, {"xingtai", "邢台", "Xingtai"},
	{"zhangjiakou", "张家口", "Zhangjiakou"}, {"chengde", "承德", "Chengde"}, {"hengshui", "衡水", "Hengshui"},
	{"taiyuan", "太原", "Taiyuan"}, {"datong", "大同", "Datong"}, {"hohhot", "呼和浩特", "Hohhot"}, {"baotou", "包头", "Baotou"}, {"ordos", "鄂尔多斯", "Ordos"},
	{"shenyang", "沈阳", "Shenyang"}, {"dalian", "大连", "Dalian"}, {"anshan", "鞍山", "Anshan"}, {"fushun", "抚顺", "Fushun"}, {"jinzhou", "锦州", "Jinzhou"},
	{"yingkou", "营口", "Yingkou"}, {"changchun", "长春", "Changchun"}, {"harbin", "哈尔滨", "Harbin"}, {"daqing", "大庆", "Daqing"}, {"qiqihar", "齐齐哈尔", "Qiqihar"},
	{"nanjing", "南京", "Nanjing"}, {"wuxi", "无锡", "Wuxi"}, {"xuzhou", "徐州", "Xuzhou"}, {"changzhou", "常州", "Changzhou"}, {"suzhou", "苏州", "Suzhou"},
	{"nantong", "南通", "Nantong"}, {"lianyungang", "连云港", "Lianyungang"}, {"huaian", "淮安", "Huai'an"}, {"yancheng", "盐城", "Yancheng"},
	{"yangzhou", "扬州", "Yangzhou"}, {"zhenjiang", "镇江", "Zhenjiang"}, {"taizhou_js", "泰州", "Taizhou (Jiangsu)"}, {"suqian", "宿迁", "Suqian"},
	{"kunshan", "昆山", "Kunshan"}, {"jiangyin", "江阴", "Jiangyin"}, {"zhangjiagang", "张家港", "Zhangjiagang"}, {"changshu", "常熟", "Changshu"}, {"yixing", "宜兴", "Yixing"},
	{"hangzhou", "杭州", "Hangzhou"}, {"ningbo", "宁波", "Ningbo"}, {"wenzhou", "温州", "Wenzhou"}, {"jiaxing", "嘉兴", "Jiaxing"}, {"huzhou", "湖州", "Huzhou"},
	{"shaoxing", "绍兴", "Shaoxing"}, {"jinhua", "金华", "Jinhua"}, {"quzhou", "衢州", "Quzhou"}, {"zhoushan", "舟山", "Zhoushan"}, {"taizhou_zj", "台州", "Taizhou (Zhejiang)"},
	{"lishui", "丽水", "Lishui"}, {"yiwu", "义乌", "Yiwu"}, {"cixi", "慈溪", "Cixi"}, {"yuyao", "余姚", "Yuyao"}, {"haining", "海宁", "Haining"}, {"zhuji", "诸暨", "Zhuji"},
	{"hefei", "合肥", "Hefei"}, {"wuhu", "芜湖", "Wuhu"}, {"bengbu", "蚌埠", "Bengbu"}, {"maanshan", "马鞍山", "Ma'anshan"}, {"anqing", "安庆", "Anqing"}, {"fuyang", "阜阳", "Fuyang"},
	{"fuzhou", "福州", "Fuzhou"}, {"xiamen", "厦门", "Xiamen"}, {"quanzhou", "泉州", "Quanzhou"}, {"zhangzhou", "漳州", "Zhangzhou"}, {"putian", "莆田", "Putian"},
	{"longyan", "龙岩", "Longyan"}, {"jinjiang", "晋江", "Jinjiang"}, {"shishi", "石狮", "Shishi"},
	{"nanchang", "南昌", "Nanchang"}, {"ganzhou", "赣州", "Ganzhou"}, {"jiujiang", "九江", "Jiujiang"}, {"shangrao", "上饶", "Shangrao"},
	{"jinan", "济南", "Jinan"}, {"qingdao", "青岛", "Qingdao"}, {"zibo", "淄博", "Zibo"}, {"yantai", "烟台", "Yantai"}, {"weifang", "潍坊", "Weifang"},
	{"jining", "济宁", "Jining"}, {"taian", "泰安", "Tai'an"}, {"weihai", "威海", "Weihai"}, {"linyi", "临沂", "Linyi"}, {"dezhou", "德州", "Dezhou"},
	{"liaocheng", "聊城", "Liaocheng"}, {"rizhao", "日照", "Rizhao"}, {"heze", "菏泽", "Heze"},
	{"zhengzhou", "郑州", "Zhengzhou"}, {"luoyang", "洛阳", "Luoyang"}, {"kaifeng", "开封", "Kaifeng"}, {"xinxiang", "新乡", "Xinxiang"}, {"nanyang", "南阳", "Nanyang"},
	{"xuchang", "许昌", "Xuchang"}, {"anyang", "安阳", "Anyang"},
	{"wuhan", "武汉", "Wuhan"}, {"yichang", "宜昌", "Yichang"}, {"xiangyang", "襄阳", "Xiangyang"}, {"shiyan", "十堰", "Shiyan"}, {"jingzhou", "荆州", "Jingzhou"},
	{"changsha", "长沙", "Changsha"}, {"zhuzhou", "株洲", "Zhuzhou"}, {"xiangtan", "湘潭", "Xiangtan"}, {"hengyang", "衡阳", "Hengyang"}, {"yueyang", "岳阳", "Yueyang"},
	{"changde", "常德", "Changde"}, {"chenzhou", "郴州", "Chenzhou"},
	{"guangzhou", "广州", "Guangzhou"}, {"shenzhen", "深圳", "Shenzhen"}, {"zhuhai", "珠海", "Zhuhai"}, {"shantou", "汕头", "Shantou"}, {"foshan", "佛山", "Foshan"},
	{"shaoguan", "韶关", "Shaoguan"}, {"zhanjiang", "湛江", "Zhanjiang"}, {"zhaoqing", "肇庆", "Zhaoqing"}, {"jiangmen", "江门", "Jiangmen"}, {"maoming", "茂名", "Maoming"},
	{"huizhou", "惠州", "Huizhou"}, {"meizhou", "梅州", "Meizhou"}, {"shanwei", "汕尾", "Shanwei"}, {"heyuan", "河源", "Heyuan"}, {"yangjiang", "阳江", "Yangjiang"},
	{"qingyuan", "清远", "Qingyuan"}, {"dongguan", "东莞", "Dongguan"}, {"zhongshan", "中山", "Zhongshan"}, {"chaozhou", "潮州", "Chaozhou"}, {"jieyang", "揭阳", "Jieyang"}, {"yunfu", "云浮", "Yunfu"},
	{"nanning", "南宁", "Nanning"}, {"liuzhou", "柳州", "Liuzhou"}, {"guilin", "桂林", "Guilin"}, {"beihai", "北海", "Beihai"}, {"haikou", "海口", "Haikou"}, {"sanya", "三亚", "Sanya"},
	{"chengdu", "成都", "Chengdu"}, {"mianyang", "绵阳", "Mianyang"}, {"deyang", "德阳", "Deyang"}, {"yibin", "宜宾", "Yibin"}, {"luzhou", "泸州", "Luzhou"},
	{"nanchong", "南充", "Nanchong"}, {"leshan", "乐山", "Leshan"}, {"guiyang", "贵阳", "Guiyang"}, {"zunyi", "遵义", "Zunyi"}, {"kunming", "昆明", "Kunming"},
	{"qujing", "曲靖", "Qujing"}, {"lhasa", "拉萨", "Lhasa"},
	{"xian", "西安", "Xi'an"}, {"baoji", "宝鸡", "Baoji"}, {"xianyang", "咸阳", "Xianyang"}, {"yulin", "榆林", "Yulin"}, {"yanan", "延安", "Yan'an"},
	{"lanzhou", "兰州", "Lanzhou"}, {"xining", "西宁", "Xining"}, {"yinchuan", "银川", "Yinchuan"}, {"urumqi", "乌鲁木齐", "Urumqi"}, {"karamay", "克拉玛依", "Karamay"},
	{"taipei", "台北", "Taipei"}, {"kaohsiung", "高雄", "Kaohsiung"},
}

// Words a region is also written with.
var regionWords = map[string][]string{
	"beijing": {"京", "peking"}, "shanghai": {"沪", "申"}, "tianjin": {"津"}, "chongqing": {"渝"},
	"innermongolia": {"内蒙", "内蒙古自治区", "nei mongol"}, "guangxi": {"广西壮族自治区"}, "tibet": {"西藏自治区", "xizang"},
	"ningxia": {"宁夏回族自治区"}, "xinjiang": {"新疆维吾尔自治区"}, "hongkong": {"香港特别行政区", "hk", "hong kong sar"},
	"macau": {"澳门特别行政区", "macao"}, "taiwan": {"臺灣", "台灣"}, "guangdong": {"廣東"}, "guangzhou": {"廣州"}, "taipei": {"臺北"},
	"xian": {"xi an"}, "urumqi": {"wulumuqi"}, "hohhot": {"huhehaote"}, "harbin": {"haerbin"}, "lhasa": {"lasa"},
	Other: {"其它", "others", "海外", "国外", "境外", "overseas", "abroad"},
}

// regionSuffixes are stripped from a typed place before it is looked up.
var regionSuffixes = []string{"特别行政区", "自治区", "省", "市", "city", "province", "shi", "sheng"}

var regions = func() *List {
	l := &List{Field: Region, Other: true}
	for _, ps := range [][]place{provinces, cities} {
		for _, p := range ps {
			l.Options = append(l.Options, Option{Code: p.code, Zh: p.zh, En: p.en, Words: append(regionWords[p.code], strings.ToLower(p.en))})
		}
	}
	l.Options = append(l.Options, Option{Code: Other, Zh: "其他", En: "Other", Words: regionWords[Other]})
	return register(l)
}()

// RegionOf returns the code of a region named in Chinese the way
// crm/company reports a name's region ("北京", "深圳"), "" when it is not
// one of the list.
func RegionOf(zh string) string {
	if zh == "" {
		return ""
	}
	v, res := regions.Match(zh)
	if res != Matched || v.Code == Other {
		return ""
	}
	return v.Code
}
