package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/bot/asr"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// speaks sends a voice note whose audio is the given bytes.
func (c *chat) speaks(who string, audio string) string {
	c.t.Helper()
	return c.handle(who, bot.Update{Channel: "telegram", ChatID: who, UserID: who,
		Voice: &bot.Document{Name: "voice-1.ogg", Size: len(audio), Fetch: func(context.Context) ([]byte, error) { return []byte(audio), nil }}})
}

// Voice notes (#16 item 4): with a speech-to-text server (an
// OpenAI-compatible /audio/transcriptions, here a local fake) a voice note
// is read as if typed — at a form's step it answers the step; the server
// failing, timing out or hearing nothing is said and nothing is saved.
func TestChatVoiceNotes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		said := map[string]string{"visit": "见了王总，聊方案", "silence": ""}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f, _, err := r.FormFile("file")
			if err != nil || r.URL.Path != "/v1/audio/transcriptions" || r.FormValue("model") != "whisper-1" {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			var b [64]byte
			n, _ := f.Read(b[:])
			switch key := string(b[:n]); key {
			case "broken":
				http.Error(w, "overloaded", http.StatusServiceUnavailable)
			case "slow":
				time.Sleep(300 * time.Millisecond)
			default:
				json.NewEncoder(w).Encode(map[string]string{"text": said[key]})
			}
		}))
		defer srv.Close()
		c := newChat(t, db)
		c.bot = bot.New(bot.Options{Store: db, Sales: sales.New(db), Sheets: sheet.Service{Sales: sales.New(db), StageName: conversation.SheetStageName},
			Now: func() time.Time { return c.now }, Location: c.loc, DefaultLang: "zh", StaleDays: 14,
			Transcriber: &asr.Client{Endpoint: srv.URL + "/v1", Model: "whisper-1", Timeout: 100 * time.Millisecond}})
		ctx := context.Background()
		c.team("王经理", "张伟")
		zw := c.users["张伟"]
		db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})

		c.says("张伟", "/visit 青禾")
		for _, bad := range []struct{ audio, want string }{
			{"broken", "没能识别"}, {"slow", "没能识别"}, {"silence", "没听到内容"},
		} {
			expect(t, c.speaks("张伟", bad.audio), bad.want)
		}
		got := c.speaks("张伟", "visit")
		expect(t, got, "🎙 听到：「见了王总，聊方案」", "下一步")
		c.says("张伟", "-")
		acts, err := db.Activities(ctx, 1, 5)
		if err != nil || len(acts) != 1 || acts[0].Content != "见了王总，聊方案" {
			t.Fatalf("activities %+v %v", acts, err)
		}
	})
}
