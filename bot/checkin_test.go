package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// locates sends a location, as a Telegram location or venue arrives.
func (c *chat) locates(who string, lat, lon float64, place string) string {
	c.t.Helper()
	return c.handle(who, bot.Update{Channel: "telegram", ChatID: who, UserID: who, Location: &crm.Location{Lat: lat, Lon: lon}, Place: place})
}

// Check-in (签到, #16 item 1): /checkin NAME then a location; a location
// alone offers the customers near it; the first check-in sets the
// customer's location and later ones are measured against it (far ones
// marked); a check-in and a visit are one record; the card, the history
// and the manager's digest show them; bad coordinates are refused with
// the form kept; the console says it cannot send a location.
func TestChatCheckIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		_, mgr := c.team("王经理", "张伟", "李娜")
		zw := c.users["张伟"]
		qh, _ := db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})
		db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "上海立美贸易有限公司", OwnerID: zw.ID})
		ln := c.users["李娜"]
		db.CreateCustomer(ctx, ln.ID, crm.Customer{Name: "杭州明远机械有限公司", OwnerID: ln.ID})

		// /checkin NAME asks for the location, with a button where the
		// channel has one; text is not a location.
		got := c.says("张伟", "/checkin 青禾")
		expect(t, got, "在「北京青禾新锐科技有限公司」签到", "发送位置")
		expect(t, c.says("张伟", "我在门口"), "这一步要的是位置")
		expect(t, c.locates("张伟", 0, 0, ""), "还没定位到")
		expect(t, c.locates("张伟", 95, 116.3, ""), "坐标不对")
		got = c.locates("张伟", 39.9900, 116.3100, "海淀区中关村大街1号")
		expect(t, got, "📍 已在「北京青禾新锐科技有限公司」签到（10:00）", "第一次签到", "地点：海淀区中关村大街1号")

		// The visit logged next is one record with it.
		c.presses("张伟", "记一次拜访")
		c.says("张伟", "见了王总，聊方案")
		c.says("张伟", "-")
		card := c.says("张伟", "/customer 青禾")
		expect(t, card, "📍 签到 1 次，最近 11月29日 10:00")

		// A location alone, 200 m away, offers the customer near it.
		c.now = c.now.Add(4 * time.Hour)
		got = c.locates("张伟", 39.9918, 116.3100, "")
		expect(t, got, "在哪个客户签到")
		offered := strings.Join(labels(c.buttons["张伟"]), "|")
		expect(t, offered, "青禾新锐科技 · 200 米")
		refute(t, offered, "明远") // 李娜's
		got = c.presses("张伟", "青禾新锐科技")
		expect(t, got, "已在「北京青禾新锐科技有限公司」签到（14:00），距客户位置 200 米。")
		refute(t, got, "⚠️")

		// 5 km away is marked.
		c.says("张伟", "/checkin 青禾")
		got = c.locates("张伟", 40.0350, 116.3100, "")
		expect(t, got, "距客户位置 5.0 公里 ⚠️ 超过 1.0 公里")

		// Sent while a visit is being logged: a check-in at that visit's
		// customer; the form goes on, and the visit joins it.
		c.says("张伟", "/visit 立美")
		got = c.locates("张伟", 31.2304, 121.4737, "")
		expect(t, got, "已在「上海立美贸易有限公司」签到", "第一次签到", "这次沟通了什么")
		c.says("张伟", "送样品")
		expect(t, c.says("张伟", "-"), "✓")

		// A location no customer is near: asked by name.
		got = c.locates("张伟", 22.5431, 114.0579, "")
		expect(t, got, "附近没有记过位置的客户")
		expect(t, c.says("张伟", "立美"), "已在「上海立美贸易有限公司」签到", "距客户位置 1")

		hist := c.says("张伟", "/customer 青禾 history")
		expect(t, hist, "签到（记下了客户位置）", "签到（距客户位置 200 米）")

		// Nobody else's customers: 李娜 cannot check in at 青禾.
		c.says("李娜", "/checkin 北京青禾新锐科技有限公司")
		refute(t, c.locates("李娜", 39.99, 116.31, ""), "已在「北京青禾新锐科技有限公司」签到")

		// The manager's digest counts the visits with a check-in.
		dg := crm.OutboxItem{Kind: crm.PushDigest, UserID: mgr.ID, Payload: `{"date":"2026-11-29"}`}
		expect(t, c.render(dg, "王经理"), "📍 拜访 2 次，其中 2 次有签到")

		// English.
		c.says("张伟", "/lang en")
		c.says("张伟", "/checkin 青禾")
		got = c.locates("张伟", 39.9900, 116.3109, "")
		expect(t, got, "📍 Checked in at 北京青禾新锐科技有限公司 (", "77 m from the customer's location.")
		_ = qh

		// The console has no location to send.
		if err := db.BindIdentity(ctx, crm.Identity{Channel: "console", ExternalID: "张伟", UserID: zw.ID, ChatID: "张伟"}); err != nil {
			t.Fatal(err)
		}
		got = c.handle("张伟", bot.Update{Channel: "console", ChatID: "张伟", UserID: "张伟", Text: "/checkin 青禾"})
		expect(t, got, "console cannot send a location")
	})
}
