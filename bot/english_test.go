package bot_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

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

		// Alice's workbench, now and as the morning push: a payment due
		// this month, likely deals (one past its close date), an
		// appointment with place and purpose, an open complaint, a next
		// step; then, a fortnight on, quiet customers and their push.
		alice := c.users["Alice"]
		acme, _ := db.FindCustomers(ctx, crm.Scope{All: true}, "acme", 1, 0)
		globex, _ := db.FindCustomers(ctx, crm.Scope{All: true}, "globex", 1, 0)
		if len(acme) != 1 || len(globex) != 1 {
			t.Fatalf("customers: %v %v", acme, globex)
		}
		db.AddPaymentPlan(ctx, alice.ID, crm.PaymentPlan{CustomerID: acme[0].ID, Amount: crm.Yuan(20000), DueDate: "2026-11-20"})
		db.AddPaymentPlan(ctx, alice.ID, crm.PaymentPlan{CustomerID: globex[0].ID, Amount: crm.Yuan(5000), DueDate: "2026-11-30"})
		db.SaveDeal(ctx, alice.ID, crm.Deal{CustomerID: globex[0].ID, OwnerID: alice.ID, Stage: crm.StageNeeds, WinPct: 30, Amount: crm.Yuan(80000), CloseDate: "2026-11-10"})
		appt, _ := db.AddAppointment(ctx, alice.ID, crm.Appointment{CustomerID: acme[0].ID, UserID: alice.ID, At: c.now.Add(20 * time.Minute), Place: "their office", Purpose: "demo"})
		db.AddComplaint(ctx, alice.ID, crm.Complaint{CustomerID: globex[0].ID, UserID: alice.ID, Content: "invoice wrong", Status: crm.ComplaintOpen})
		db.AddActivity(ctx, alice.ID, crm.Activity{CustomerID: globex[0].ID, UserID: alice.ID, Kind: crm.ActCall, Content: "call", NextAction: "send contract", NextDate: crm.DateOf(c.now), At: c.now.Add(-24 * time.Hour)})
		push := func(kind, payload string) string {
			t.Helper()
			got := c.renderFor("Alice", crm.OutboxItem{Kind: kind, UserID: alice.ID, Payload: payload})
			check("Alice", kind+" push", got)
			return got
		}
		got := say("Alice", "/today")
		expect(t, got, "Payments due", "overdue", "Most likely to close", "Needs analysis 30% ¥80,000 (overdue, 10 Nov)", "Today: ", "(their office, demo)", "Open complaints", "Next steps due today")
		expect(t, push(crm.PushWorkbench, `{"date":"2026-11-29"}`), "Most likely to close")
		expect(t, push(crm.PushAppointment, fmt.Sprintf(`{"appointment_id":%d}`, appt.ID)), "In 20 minutes", "(their office, demo)")
		c.now = c.now.AddDate(0, 0, 15)
		expect(t, say("Alice", "/today"), "Not contacted for 14+ days (2)")
		expect(t, push(crm.PushStale, `{"date":"2026-12-14"}`), "2 customers not contacted")
		expect(t, push(crm.PushWorkbench, `{"date":"2026-12-14"}`), "Not contacted for 14+ days (2)")
	})
}
