package main

import (
	"sync/atomic"
)

// nameGen makes unique company names that read like real ones:
// "<city><four-character trade name><industry word>有限公司". The trade name
// is the serial number scrambled by a multiplication modulo len(pool)^4 (a
// bijection), so consecutive names share no characters in a row and the
// duplicate check rarely finds them similar. The pool leaves out
// characters that name regions or directions (北 京 州 海 …), so no trade
// name reads as a place.
type nameGen struct {
	n    atomic.Int64
	salt int64
}

var (
	tradePool = []rune("瑞丰嘉禾恒达鑫源泰宏远聚信博睿智卓越天成永盛鼎润德隆昌明航锐万福佳悦优品诚朗星辰光辉富康健和顺利通旺凯旋欣荣鸿运祥云龙腾飞跃骏驰峰立华彩锦绣翔宇益合众亿佰千勤俭仁义礼诺谦雅逸晟昊灿炜烨煜琪瑶璟琳瑄珂玮菁萱茂蔚蓝森林木竹松柏梅兰菊莲荷桃李杏枫桐楠柳杨")
	cities    = []string{"杭州", "苏州", "成都", "武汉", "南京", "深圳", "上海", "北京", "西安", "合肥", "宁波", "厦门"}
	trades    = []string{"科技", "机械", "贸易", "电子", "信息技术", "物流", "医疗器械", "建材", "食品", "软件"}
)

// next returns a new full name and its trade name.
func (g *nameGen) next() (name, trade string) {
	p := int64(len(tradePool))
	space := p * p * p * p
	s := (g.n.Add(1) + g.salt) % space
	x := (s*2654435761 + 97) % space // 2654435761 is prime, coprime to space
	var t [4]rune
	for i := range t {
		t[i] = tradePool[x%p]
		x /= p
	}
	trade = string(t[:])
	city := cities[s%int64(len(cities))]
	word := trades[(s/int64(len(cities)))%int64(len(trades))]
	return city + trade + word + "有限公司", trade
}
