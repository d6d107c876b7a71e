package bot_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// chinese finds Chinese characters and punctuation.
var chinese = regexp.MustCompile(`[\p{Han}，、；：（）。！？「」《》【】]+`)

// English is English (#14 item 11): people who chose English, working on
// customers with English names, read no Chinese in any reply or button —
// labels, stage names, choice lists, list punctuation included.
func TestChatEnglishIsEnglish(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "East Sales", 0)
		c.person("Grace", crm.RoleManager, east.ID)
		c.person("Alice", crm.RoleRep, east.ID)
		c.person("Bob", crm.RoleRep, east.ID)
		check := func(who, text string, reply string) {
			t.Helper()
			var labels []string
			for _, b := range c.buttons[who] {
				labels = append(labels, b.Text)
			}
			// The language switch names Chinese in Chinese, as language menus do.
			all := strings.ReplaceAll(reply+"\n"+strings.Join(labels, " | "), "中文/English", "")
			if found := chinese.FindAllString(all, -1); len(found) > 0 {
				t.Errorf("%s> %s: Chinese %q in\n%s", who, text, found, all)
			}
		}
		say := func(who, text string) string {
			t.Helper()
			got := c.says(who, text)
			check(who, text, got)
			return got
		}
		press := func(who, label string) string {
			t.Helper()
			got := c.presses(who, label)
			check(who, label, got)
			return got
		}
		for _, who := range []string{"Grace", "Alice", "Bob"} {
			c.says(who, "/lang en")
		}
		// Alice adds two customers, one by typed answers, one by buttons.
		say("Alice", "/new Acme Trading Co., Ltd.")
		say("Alice", "trade")
		say("Alice", "120 people")
		say("Alice", "Shanghai")
		say("Alice", "Referral")
		say("Alice", "Tom Lee 13800138000")
		expect(t, press("Alice", "Save"), "Saved")
		say("Alice", "/new Globex Software Ltd.")
		press("Alice", "IT/Software")
		say("Alice", "other: 3000 engineers")
		say("Alice", "other Singapore")
		press("Alice", "Trade show")
		say("Alice", "-")
		press("Alice", "Save")

		// A visit, a deal moved twice, a payment plan and money in, an
		// appointment, a complaint.
		say("Alice", "/visit acme")
		say("Alice", "demo went well, they want a quote")
		say("Alice", "next friday send quote")
		say("Alice", "/stage acme")
		press("Alice", "Proposal")
		say("Alice", "60")
		say("Alice", "50k")
		say("Alice", "-")
		say("Alice", "waiting for budget")
		press("Alice", "Save")
		say("Alice", "/stage acme")
		press("Alice", "Proposal 60%")
		press("Alice", "Negotiation")
		say("Alice", "80")
		press("Alice", "Keep")
		say("Alice", "-")
		press("Alice", "Keep note")
		press("Alice", "Save")
		say("Alice", "/pay acme")
		for _, step := range []string{"plan", "30000", "12-20"} {
			c.says("Alice", step)
		}
		say("Alice", "/cancel")
		say("Alice", "/appt acme")
		say("Alice", "/cancel")
		say("Alice", "/complaint acme")
		say("Alice", "/cancel")
		expect(t, say("Alice", "/customer acme"), "Wholesale/Retail · 50-199 · Shanghai · Referral", "Negotiation 80%", "waiting for budget", "send quote")
		expect(t, say("Alice", "/customer globex"), "IT/Software · Other (3000 engineers) · Other (Singapore) · Trade show")
		say("Alice", "/my")
		say("Alice", "/find acme")
		say("Alice", "/report")
		say("Alice", "/cancel")
		say("Alice", "/help")

		// The manager's analyses, team and reports.
		for _, k := range []string{"", " industry", " size", " region", " source", " top", " funnel", " ranking"} {
			got := say("Grace", "/stats"+k)
			if k == " industry" {
				expect(t, got, "IT/Software 1 (50%)", "Wholesale/Retail 1 (50%)")
			}
		}
		say("Grace", "/team")
		say("Grace", "/report team")
		say("Grace", "/target")
	})
}
