package wecom_test

import (
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Never silent (#16 item 5): a member's image, voice, video and link
// messages are answered (a location is a check-in: TestLocationIsACheckIn),
// a stranger's with the onboarding.
func TestEveryMessageIsAnswered(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.member("zhangsan", "张三", crm.RoleRep)
		for _, c := range []struct {
			payload func(id int64) string
			label   string
		}{
			{func(id int64) string { return h.fake.Video("zhangsan", id) }, "视频"},
			{func(id int64) string { return h.fake.Link("zhangsan", "青禾新锐官网", "https://example.com", id) }, "链接"},
		} {
			h.msgID++
			expect(t, texts(h.exchange("zhangsan", c.payload(h.msgID))), "收到"+c.label, "/help")
		}
		h.msgID++
		expect(t, texts(h.exchange("zhangsan", h.fake.Voice("zhangsan", h.msgID))), "语音还读不了", "请直接打字")
		h.fake.AddUser("lisi", "李四")
		h.msgID++
		expect(t, texts(h.exchange("lisi", h.fake.Image("lisi", h.msgID))), "邀请码")
	})
}

// A WeCom location message is a check-in (#16 item 1), read from the
// callback XML (Location_X latitude, Location_Y longitude, Label): /checkin
// asks how to send it on WeCom; a location alone offers the customers near
// it as numbered options; a stranger's location gets the onboarding.
func TestLocationIsACheckIn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		zs := h.member("zhangsan", "张三", crm.RoleRep)
		if _, err := db.CreateCustomer(context.Background(), zs.ID, crm.Customer{Name: "广州天河明远机械有限公司", OwnerID: zs.ID}); err != nil {
			t.Fatal(err)
		}
		expect(t, h.says("zhangsan", "签到 明远"), "输入框旁的 ＋ → 位置")
		h.msgID++
		got := texts(h.exchange("zhangsan", h.fake.Location("zhangsan", 23.134521, 113.358803, "广州市天河区体育西路", h.msgID)))
		expect(t, got, "已在「广州天河明远机械有限公司」签到", "第一次签到", "地点：广州市天河区体育西路")

		h.msgID++
		ms := h.exchange("zhangsan", h.fake.Location("zhangsan", 23.135, 113.3588, "", h.msgID))
		expect(t, texts(ms), "在哪个客户签到")
		if len(ms) != 1 || len(ms[0].Buttons) != 1 || ms[0].Buttons[0].Text != "天河明远机械 · 53 米" {
			t.Fatalf("nearby customers offered: %+v", ms)
		}
		expect(t, h.presses("zhangsan", "明远机械"), "距客户位置 53 米")

		h.fake.AddUser("lisi", "李四")
		h.msgID++
		expect(t, texts(h.exchange("lisi", h.fake.Location("lisi", 23.13, 113.35, "", h.msgID))), "邀请码")
	})
}

// A WeCom image message (#16 item 3): its media is fetched from media/get
// and kept with the customer the rep picks.
func TestImageIsKept(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		zs := h.member("zhangsan", "张三", crm.RoleRep)
		if _, err := db.CreateCustomer(context.Background(), zs.ID, crm.Customer{Name: "广州天河明远机械有限公司", OwnerID: zs.ID}); err != nil {
			t.Fatal(err)
		}
		h.msgID++
		expect(t, texts(h.exchange("zhangsan", h.fake.Image("zhangsan", h.msgID))), "📎 收到「image-", "存到哪个客户")
		expect(t, h.presses("zhangsan", "明远"), "存到「广州天河明远机械有限公司」（这个客户共 1 个附件）")
		var n int
		if err := db.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM attachments WHERE customer_id IS NOT NULL AND size > 500`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d images kept (%v)", n, err)
		}
	})
}
