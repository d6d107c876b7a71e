package telegram

import (
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Never silent (#16 item 5): every kind of message a bound person sends
// privately is answered, in the wire shapes of the Bot API; in a group the
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
		{"photo", []map[string]any{{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 60}, {"file_id": "p2", "file_unique_id": "p2", "width": 1280, "height": 960}}, "图片"},
		{"voice", map[string]any{"file_id": "v", "file_unique_id": "v", "duration": 4, "mime_type": "audio/ogg"}, "语音"},
		{"video_note", map[string]any{"file_id": "vn", "file_unique_id": "vn", "length": 240, "duration": 5}, "视频消息"},
		{"video", map[string]any{"file_id": "vd", "file_unique_id": "vd", "width": 640, "height": 360, "duration": 9}, "视频"},
		{"animation", map[string]any{"file_id": "a", "file_unique_id": "a", "width": 320, "height": 240, "duration": 2}, "动图"},
		{"audio", map[string]any{"file_id": "au", "file_unique_id": "au", "duration": 30}, "音频"},
		{"location", map[string]any{"latitude": 31.2304, "longitude": 121.4737}, "位置"},
		{"location", map[string]any{"latitude": 31.2304, "longitude": 121.4737, "live_period": 900, "horizontal_accuracy": 20}, "位置"},
		{"venue", map[string]any{"location": map[string]any{"latitude": 31.23, "longitude": 121.47}, "title": "青禾新锐", "address": "浦东新区"}, "地点"},
		{"contact", map[string]any{"phone_number": "+8613800138000", "first_name": "王", "last_name": "总", "vcard": "BEGIN:VCARD\nORG:北京青禾新锐科技有限公司\nEND:VCARD"}, "名片"},
		{"poll", map[string]any{"id": "1", "question": "午饭？", "options": []map[string]any{{"text": "面", "voter_count": 0}, {"text": "饭", "voter_count": 0}}, "total_voter_count": 0, "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}, "投票"},
		{"dice", map[string]any{"emoji": "🎲", "value": 3}, "骰子"},
	}
	for i, k := range kinds {
		msg := map[string]any{"message_id": 100 + i, "from": from, "chat": pchat, "date": 1, k.field: k.value}
		if k.field == "venue" { // a venue carries its location too
			msg["location"] = k.value.(map[string]any)["location"]
		}
		h.expect(func() { h.fake.PushUpdate(map[string]any{"message": msg}) }, "收到"+k.label, "/help")
	}
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
