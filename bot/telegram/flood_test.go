package telegram

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

func bindChat(t *testing.T, db *store.DB, chat int64, name string) {
	t.Helper()
	u, err := db.CreateUser(context.Background(), 0, crm.User{Name: name, Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(chat, 10)
	if err := db.BindIdentity(context.Background(), crm.Identity{Channel: Name, ExternalID: id, UserID: u.ID, ChatID: id}); err != nil {
		t.Fatal(err)
	}
}

func inboundOf(t *testing.T, db *store.DB) int { return inboundRows(t, db) }

// An unbound chat posting 60 messages stalls nobody: it is held at the door
// after a few (one notice, nothing more stored), and a bound user of the
// same worker gets /help answered (#20 item 3: it used to wait 58 s).
func TestFloodingStrangerStallsNobody(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h, _ := webhookHarness(t, db, func(c *Config) { c.Workers = 1 })
		const stranger, rep = 7000, 7008
		bindChat(t, db, rep, "张三")
		start := h.clock.Now()
		for range 60 {
			h.fake.PushMessage(stranger, stranger, "hello")
		}
		h.fake.WaitFor(func([]faketelegram.Call) bool { return h.fake.Pending() == 0 }, 10*time.Second) // all 60 answered 200
		h.says(rep, "/help", "/today")
		h.fake.WaitFor(func(cs []faketelegram.Call) bool {
			for _, c := range outTo(cs, stranger) {
				if strings.Contains(c.Text, "太快") {
					return true
				}
			}
			return false
		}, 10*time.Second)
		got := outTo(h.fake.Calls(), stranger)
		notices := 0
		for _, c := range got {
			if strings.Contains(c.Text, "太快") {
				notices++
			}
		}
		// The clock is virtual and moves with the pacing of the replies
		// (a second per message to one chat): the bucket refills by one
		// message per 6 s of it, and each refill may bring one more notice.
		refill := int(h.clock.Now().Sub(start)/(6*time.Second)) + 1
		if notices < 1 || notices > refill || len(got)-notices > bot.StrangerBurst+refill {
			t.Fatalf("the stranger got %d messages (%d notices) over %v, want at most %d answers and %d notices",
				len(got), notices, h.clock.Now().Sub(start), bot.StrangerBurst+refill, refill)
		}
		// Only what came through the door reached the database.
		if n := inboundOf(t, db); n > bot.StrangerBurst+refill+1 {
			t.Fatalf("%d inbound rows: the flood reached the database", n)
		}
	})
}

// A bound user sending more than a queue's worth while the bot is busy with
// them: ten wait their turn, the rest are dropped with one "one at a time"
// notice, and another chat is answered meanwhile.
func TestBusyChatIsCappedAndOthersGoOn(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		g, gated := newGate()
		h, _ := webhookHarness(t, db, gated)
		const rep, other = 7100, 7101
		bindChat(t, db, rep, "张三")
		bindChat(t, db, other, "李四")
		h.fake.PushMessage(rep, rep, "/help") // identified: the door knows the chat is bound
		<-g.entered
		for range 20 {
			h.fake.PushMessage(rep, rep, "/help")
		}
		h.fake.WaitFor(func([]faketelegram.Call) bool { return h.fake.Pending() == 0 }, 10*time.Second)
		h.fake.PushMessage(other, other, "/help")
		close(g.open)
		h.fake.WaitFor(func(cs []faketelegram.Call) bool {
			return len(outTo(cs, other)) == 1 && len(outTo(cs, rep)) >= perChatQueue+1
		}, 10*time.Second)
		var helps, notices int
		for _, c := range outTo(h.fake.Calls(), rep) {
			switch {
			case strings.Contains(c.Text, "一条一条"):
				notices++
			case strings.Contains(c.Text, "/today"):
				helps++
			}
		}
		if helps != perChatQueue || notices != 1 {
			t.Fatalf("the busy chat got %d answers and %d notices, want %d and 1", helps, notices, perChatQueue)
		}
	})
}
