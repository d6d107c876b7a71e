package telegram

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"

	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Never silent (#16 item 5): every kind of message a bound person sends
// privately is answered (locations are check-ins, contacts are filed: TestLocationIsACheckIn,
// TestContactCardIsFiled), in the wire shapes of the Bot API; in a group the
// same stays quiet.
func TestEveryMessageIsAnswered(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	const chat = 5101
	bindChat(t, db, chat, "张伟")
	from := map[string]any{"id": chat, "is_bot": false, "first_name": "伟", "last_name": "张"}
	pchat := map[string]any{"id": chat, "type": "private", "first_name": "伟"}
	kinds := []struct {
		field string
		value any
		label string
	}{
		{"sticker", map[string]any{"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512, "is_animated": false, "is_video": false, "type": "regular"}, "表情"},
		{"video_note", map[string]any{"file_id": "vn", "file_unique_id": "vn", "length": 240, "duration": 5}, "视频消息"},
		{"video", map[string]any{"file_id": "vd", "file_unique_id": "vd", "width": 640, "height": 360, "duration": 9}, "视频"},
		{"animation", map[string]any{"file_id": "a", "file_unique_id": "a", "width": 320, "height": 240, "duration": 2}, "动图"},
		{"audio", map[string]any{"file_id": "au", "file_unique_id": "au", "duration": 30}, "音频"},
		{"poll", map[string]any{"id": "1", "question": "午饭？", "options": []map[string]any{{"text": "面", "voter_count": 0}, {"text": "饭", "voter_count": 0}}, "total_voter_count": 0, "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}, "投票"},
		{"dice", map[string]any{"emoji": "🎲", "value": 3}, "骰子"},
	}
	for i, k := range kinds {
		msg := map[string]any{"message_id": 100 + i, "from": from, "chat": pchat, "date": 1, k.field: k.value}
		h.expect(func() { h.fake.PushUpdate(map[string]any{"message": msg}) }, "收到"+k.label, "/help")
	}
	// A voice note without speech recognition set up: what to type instead.
	h.expect(func() {
		h.fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 200, "from": from, "chat": pchat, "date": 1,
			"voice": map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 4, "mime_type": "audio/ogg"}}})
	}, "语音还读不了", "请直接打字")
	// In a group the same is chatter: not answered.
	const group = -1001234567890
	h.fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 300, "from": from,
		"chat": map[string]any{"id": group, "type": "supergroup", "title": "华东销售群"}, "date": 1, "sticker": kinds[0].value}})
	h.says(chat, "/help", "/start [")
	if got := outTo(h.fake.Calls(), group); len(got) != 0 {
		t.Fatalf("a group sticker was answered: %v", got)
	}
}

// In a forum supergroup a reply goes to the topic the message came from.
func TestRepliesGoToTheTopic(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	const group, user, topic = -1001234567000, 6101, 42
	h.fake.SetForum(group)
	got := h.expect(func() { h.fake.PushTopicMessage(group, user, topic, "/help@"+h.ch.Username()) }, "/help")
	if got.ChatID != group || got.Params["message_thread_id"] != "42" {
		t.Fatalf("reply %+v, want chat %d topic 42", got, group)
	}
	// The General topic and plain groups get no topic.
	got = h.expect(func() { h.fake.PushMessage(group, user, "/help@"+h.ch.Username()) }, "/help")
	if _, ok := got.Params["message_thread_id"]; ok || !strings.Contains(got.Text, "/help") {
		t.Fatalf("reply in General: %+v", got.Params)
	}
}

// A location or a venue is a check-in (#16 item 1), in the Bot API's wire
// shapes: /checkin asks with a one-time request_location keyboard; a live
// location's updates (edited messages) are not new check-ins.
func TestLocationIsACheckIn(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	const chat = 5201
	ctx := context.Background()
	u, err := db.CreateUser(ctx, 0, crm.User{Name: "张伟", Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(chat, 10)
	if err := db.BindIdentity(ctx, crm.Identity{Channel: Name, ExternalID: id, UserID: u.ID, ChatID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: u.ID}); err != nil {
		t.Fatal(err)
	}
	got := h.says(chat, "/checkin 青禾", "发送你现在的位置")
	if got.LocationButton != "📍 发送位置" {
		t.Fatalf("no request_location keyboard: %q", got.Params["reply_markup"])
	}
	h.expect(func() { h.fake.PushLocation(chat, chat, 39.99, 116.31, 0) }, "已在「北京青禾新锐科技有限公司」签到", "第一次签到")

	// A live location: its first message is a check-in, its moves are not.
	before := len(outTo(h.fake.Calls(), chat))
	var msgID int
	h.expect(func() { _, msgID = h.fake.PushLocation(chat, chat, 39.9918, 116.31, 900) }, "在哪个客户签到")
	h.presses(chat, "青禾新锐科技 · 200 米", "距客户位置 200 米")
	h.fake.EditLiveLocation(chat, chat, msgID, 39.9930, 116.31, 900)
	h.fake.EditLiveLocation(chat, chat, msgID, 39.9940, 116.31, 900)
	h.says(chat, "/help", "/checkin")
	if n := len(outTo(h.fake.Calls(), chat)) - before; n != 3 {
		t.Fatalf("%d replies after the live location, want 3 (ask, check-in, help): the moves were answered", n)
	}

	// A venue carries its name.
	h.says(chat, "/checkin 青禾", "发送你现在的位置")
	h.expect(func() {
		h.fake.PushVenue(chat, chat, 39.9901, 116.3101, "青禾新锐大厦", "海淀区中关村大街1号")
	}, "地点：青禾新锐大厦 海淀区中关村大街1号")
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM checkins`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("check-ins %d, want 3 (%v)", n, err)
	}
}

// A shared contact (#16 item 2), in the Bot API's shape with its vCard: the
// card's company names the customer; one tap files it.
func TestContactCardIsFiled(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	const chat = 5301
	ctx := context.Background()
	u, err := db.CreateUser(ctx, 0, crm.User{Name: "张伟", Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(chat, 10)
	if err := db.BindIdentity(ctx, crm.Identity{Channel: Name, ExternalID: id, UserID: u.ID, ChatID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: u.ID}); err != nil {
		t.Fatal(err)
	}
	from := map[string]any{"id": chat, "is_bot": false, "first_name": "伟", "last_name": "张"}
	contact := map[string]any{"phone_number": "+8613800138000", "first_name": "总", "last_name": "王", "user_id": 777,
		"vcard": "BEGIN:VCARD\nVERSION:3.0\nN:王;总;;;\nFN:王总\nORG:北京青禾新锐科技有限公司;销售部\nTITLE:总经理\nTEL;TYPE=CELL:+86 138 0013 8000\nEND:VCARD"}
	h.expect(func() {
		h.fake.PushUpdate(map[string]any{"message": map[string]any{"message_id": 1, "from": from,
			"chat": map[string]any{"id": chat, "type": "private", "first_name": "伟"}, "date": 1, "contact": contact}})
	}, "把联系人 王总 +8613800138000（北京青禾新锐科技有限公司 · 总经理）", "「北京青禾新锐科技有限公司」")
	h.presses(chat, "保存", "✓ 已把联系人")
	c, err := db.Customer(ctx, 1)
	if err != nil || len(c.Contacts) != 1 || c.Contacts[0].Phone != "+8613800138000" || c.Contacts[0].Title != "总经理" {
		t.Fatalf("contacts %+v %v", c.Contacts, err)
	}
}

// A photo with a caption (#16 item 3), in the Bot API's shape (several
// sizes): the largest is downloaded and kept with the customer the caption
// names; /files sends it back through sendPhoto.
func TestPhotoIsKept(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	const chat = 5401
	ctx := context.Background()
	u, err := db.CreateUser(ctx, 0, crm.User{Name: "张伟", Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(chat, 10)
	if err := db.BindIdentity(ctx, crm.Identity{Channel: Name, ExternalID: id, UserID: u.ID, ChatID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: u.ID}); err != nil {
		t.Fatal(err)
	}
	// A JPEG's first bytes are enough for its type.
	photo := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, bytes.Repeat([]byte{0x42}, 4000)...)
	h.expect(func() { h.fake.PushPhoto(chat, chat, photo, "青禾") }, "存到「北京青禾新锐科技有限公司」（这个客户共 1 个附件）")
	h.says(chat, "/files 青禾", "点一个取回")
	before := len(h.fake.Calls())
	h.fake.Press(chat, chat, ".jpg")
	got := h.fake.WaitFor(func(cs []faketelegram.Call) bool {
		for _, c := range cs[before:] {
			if c.Method == "sendPhoto" {
				return true
			}
		}
		return false
	}, 10*time.Second)
	for _, c := range got[before:] {
		if c.Method == "sendPhoto" && !bytes.Equal(c.Photo, photo) {
			t.Fatalf("sent back %d bytes, want the %d kept", len(c.Photo), len(photo))
		}
	}
}
