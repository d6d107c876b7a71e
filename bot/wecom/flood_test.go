package wecom_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// A stranger flooding the callback URL is held at the door after a few
// messages (acknowledged, one notice, nothing more stored), and a member is
// answered meanwhile (#20 item 3, WeCom).
func TestFloodingMemberStallsNobody(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.member("zhangsan", "张三", crm.RoleRep)
	h.fake.AddUser("stranger", "路人")
	for i := range 60 {
		if code := h.post(h.fake.Text("stranger", "hello?", int64(9000+i))); code != http.StatusOK {
			t.Fatalf("flood message %d: status %d", i, code)
		}
	}
	if got := h.says("zhangsan", "/help"); !strings.Contains(got, "/today") {
		t.Fatalf("the member got %q", got)
	}
	h.idle()
	deadline := time.Now().Add(10 * time.Second)
	var answers, notices int
	for time.Now().Before(deadline) {
		answers, notices = 0, 0
		for _, m := range h.fake.Messages("stranger") {
			if strings.Contains(m.Text, "太快") {
				notices++
			} else {
				answers++
			}
		}
		if notices == 1 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if answers > bot.StrangerBurst || notices != 1 {
		t.Fatalf("the stranger got %d answers and %d notices to 60 messages; want ≤ %d and 1", answers, notices, bot.StrangerBurst)
	}
	var stored int
	if err := db.SQL().Get(&stored, `SELECT COUNT(*) FROM inbound`); err != nil {
		t.Fatal(err)
	}
	if stored > bot.StrangerBurst+1 {
		t.Fatalf("%d callbacks reached the database", stored)
	}
}
