package wecom_test

import (
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Never silent (#16 item 5): a member's image, voice, video, location and
// link messages are answered, a stranger's with the onboarding.
func TestEveryMessageIsAnswered(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db)
		h.member("zhangsan", "张三", crm.RoleRep)
		for _, c := range []struct {
			payload func(id int64) string
			label   string
		}{
			{func(id int64) string { return h.fake.Image("zhangsan", id) }, "图片"},
			{func(id int64) string { return h.fake.Voice("zhangsan", id) }, "语音"},
			{func(id int64) string { return h.fake.Video("zhangsan", id) }, "视频"},
			{func(id int64) string {
				return h.fake.Location("zhangsan", 23.134521, 113.358803, "广州市天河区", id)
			}, "位置"},
			{func(id int64) string { return h.fake.Link("zhangsan", "青禾新锐官网", "https://example.com", id) }, "链接"},
		} {
			h.msgID++
			expect(t, texts(h.exchange("zhangsan", c.payload(h.msgID))), "收到"+c.label, "/help")
		}
		h.fake.AddUser("lisi", "李四")
		h.msgID++
		expect(t, texts(h.exchange("lisi", h.fake.Image("lisi", h.msgID))), "邀请码")
	})
}
