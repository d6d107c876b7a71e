package company

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Characters a person confuses (see docs/NAMES.md, "Similarity"): the
// traditional form of a simplified character, two characters that sound
// the same (pinyin, tone aside) and two that look alike. Built once, in
// variable declarations, and never written afterwards.

// nameTradPairs lists traditional → simplified characters common in
// company names, each pair as two adjacent runes. x/text has no such
// table; a full converter (OpenCC's phrase tables) would be far more than
// names need. A character with several simplified readings is left out.
const nameTradPairs = "" +
	"東东華华國国際际電电氣气發发開开業业產产貿贸實实農农醫医藥药網网絡络訊讯資资" +
	"億亿達达興兴豐丰匯汇滙汇銳锐紅红龍龙鳳凤廣广門门體体學学術术專专創创設设計计" +
	"與与從从來来時时長长書书車车軍军輪轮運运動动機机製制裝装飾饰間间廠厂場场萬万" +
	"聯联結结號号寶宝財财貨货貴贵買买賣卖購购順顺頓顿飛飞馬马魚鱼鳥鸟雲云風风陽阳" +
	"陰阴陸陆隊队銀银鋼钢鐵铁錦锦銷销鏈链錶表鐘钟閣阁闊阔關关歐欧亞亚義义進进遠远" +
	"連连過过邁迈選选還还傳传偉伟優优僑侨儀仪價价會会佈布則则劃划勝胜務务勞劳協协" +
	"區区參参雙双嚴严團团園园圖图圓圆圍围壓压壯壮夢梦奧奥婦妇嬰婴寧宁對对導导層层" +
	"屬属嶺岭島岛峽峡幣币帥帅師师帶带幫帮庫库廈厦廳厅彈弹強强徵征態态慶庆應应戰战" +
	"戶户擁拥據据搖摇攝摄數数斷断晉晋曉晓暢畅條条極极構构標标樂乐樓楼樹树橋桥檢检" +
	"權权歡欢歲岁歷历漢汉滬沪濟济濱滨灣湾潔洁澤泽燈灯營营爾尔牆墙獅狮環环瑪玛畫画" +
	"當当盡尽監监盤盘眾众礦矿碼码確确禮礼禪禅種种積积穩稳競竞筆笔築筑簡简範范糧粮" +
	"紀纪約约紡纺紙纸紋纹細细組组經经綠绿維维綜综線线練练緣缘縣县總总績绩織织繡绣" +
	"續续羅罗習习聖圣聲声職职膠胶臺台舉举艦舰藝艺節节萊莱葉叶蘇苏蘭兰處处衛卫複复" +
	"見见規规視视覺觉觀观訂订記记許许評评詢询試试詩诗誠诚語语說说課课調调談谈證证" +
	"識识譯译護护讀读變变貝贝負负貢贡販贩費费賓宾賢贤質质賽赛贏赢趙赵軟软軸轴載载" +
	"輕轻輝辉輸输轉转辦办邊边郵邮鄉乡鄭郑釀酿釋释鑒鉴鋁铝銅铜銘铭鋒锋錄录鍋锅鍍镀" +
	"鎮镇鏡镜閃闪閩闽陳陈雜杂雞鸡離离靈灵靜静項项須须頭头題题顏颜願愿類类顧顾顯显" +
	"飯饭飲饮養养館馆駐驻騰腾驗验鬥斗魯鲁鮮鲜鴻鸿鵬鹏鶴鹤麗丽麥麦黃黄齊齐齒齿龜龟" +
	"為为爲为鍵键詠咏蒼苍滿满瀋沈濤涛灝灏煥焕熱热燁烨爐炉獎奖瑤瑶璽玺瓏珑甌瓯畢毕異异療疗" +
	"盧卢碩硕礎础祿禄禦御穎颖籌筹粵粤絲丝綫线緯纬縱纵羨羡聰聪肅肃脈脉腦脑艙舱莊庄" +
	"蓋盖蔣蒋薈荟藍蓝蘋苹虛虚蝦虾補补訪访詳详認认諾诺謝谢譜谱賀贺賬账賦赋躍跃較较" +
	"輔辅辭辞遊游遷迁鄰邻醬酱釣钓鈞钧鈺钰鉅钜銓铨鋪铺錢钱錫锡鍾钟鎧铠鑄铸閱阅陣阵" +
	"隱隐韓韩韻韵頁页頂顶預预領领頻频顆颗飄飘驅驱驛驿鯨鲸鹽盐點点黨党億亿嘆叹厲厉" +
	"纖纤膽胆臨临舊旧蘊蕴衝冲襲袭誌志謀谋豎竖貞贞賴赖贊赞趨趋蹤踪軌轨輯辑農农"

var nameTradSimp = func() map[rune]rune {
	m := map[rune]rune{}
	rs := []rune(nameTradPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
}()

// nameLookAlikePairs are characters that differ in sound but that a reader
// takes for one another at a glance, each pair as two adjacent runes
// (simplified forms).
const nameLookAlikePairs = "" +
	"己已已巳未末土士天夭人入大太太犬日曰戊戌戌戍王玉玉主木本本术干千干于白自自百" +
	"贝见刀力今令免兔折拆候侯微徽泰秦昊吴瑞端鸟乌汩汨菅管崇祟赢嬴壶壸茶荼宫官晴睛" +
	"治冶拔拨季李析折困因盲肓柬束幻幼沪泸浙淅晨晟盛晟恒桓"

var nameLookAlike = func() map[[2]rune]bool {
	m := map[[2]rune]bool{}
	rs := []rune(nameLookAlikePairs)
	for i := 0; i+1 < len(rs); i += 2 {
		m[[2]rune{rs[i], rs[i+1]}] = true
		m[[2]rune{rs[i+1], rs[i]}] = true
	}
	return m
}()

// nameSimplified folds the traditional characters of s that nameTradSimp
// knows to their simplified forms; s itself when it has none.
func nameSimplified(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { _, ok := nameTradSimp[r]; return ok })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if t, ok := nameTradSimp[r]; ok {
			r = t
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nameSimplifiedName is n with Key and Trade folded (Trade stays a prefix
// of Key: the fold is per character).
func nameSimplifiedName(n Name) Name {
	n.Key, n.Trade = nameSimplified(n.Key), nameSimplified(n.Trade)
	return n
}

// nameSlip reports whether x and y are trade names of at least
// nameSlipMinRunes characters that differ in exactly one place, where two
// Han characters sound the same (one pinyin reading in common, tone aside)
// or look alike (nameLookAlike).
func nameSlip(x, y string) bool {
	if len(x) != len(y) || !nameHasRunes(x, nameSlipMinRunes) {
		return false
	}
	var rx, ry rune
	diff := 0
	for x != "" && y != "" {
		a, na := utf8.DecodeRuneInString(x)
		b, nb := utf8.DecodeRuneInString(y)
		if a != b {
			if diff++; diff > 1 {
				return false
			}
			rx, ry = a, b
		}
		x, y = x[na:], y[nb:]
	}
	if diff != 1 || x != "" || y != "" {
		return false
	}
	return nameLookAlike[[2]rune{rx, ry}] || nameSameSound(rx, ry)
}

// nameSlipMinRunes is the shortest trade name in which one confusable
// character makes a slip: in two or three characters it makes another name
// (美的 / 美团).
const nameSlipMinRunes = 4

// nameSameSound reports whether two Han characters are read the same,
// tone aside (禾 / 和: he; 锐 / 睿: rui), in their usual reading: the first
// of github.com/mozillazg/go-pinyin's table. A rare reading is not how a
// name is heard (盛 is sheng, although 盛饭 reads it cheng: 华盛 / 华成
// differ).
func nameSameSound(a, b rune) bool {
	if !unicode.Is(unicode.Han, a) || !unicode.Is(unicode.Han, b) {
		return false
	}
	args := pinyin.Args{Style: pinyin.Normal}
	pa, pb := pinyin.SinglePinyin(a, args), pinyin.SinglePinyin(b, args)
	return len(pa) == 1 && len(pb) == 1 && pa[0] == pb[0]
}
