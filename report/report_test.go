package report_test

import (
	"context"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var ctx = context.Background()

// A week that crosses a month boundary: Monday 2026-11-30 to Sunday
// 2026-12-06. Fixture, computed by hand:
//
//	Nov 29 (Sun) 18:00  customer A created; visit on A
//	Nov 30 (Mon) 10:00  customer B created; call on B; deal on B initial→proposal
//	Dec  1 (Tue) 09:00  visit on A; payment ¥20,000 on B; deal B → contract ¥80,000
//	Dec  6 (Sun) 23:30  meeting on A
//	Dec  7 (Mon) 00:30  visit on A (next week)
//
// day  Dec 1:  new 0, activities 1 (visit), moves 1 (won ¥80,000), payments ¥20,000
// week Nov 30–Dec 6: new 1 (B), activities 3 (call 1, meeting 1, visit 1), moves 3, won 1, payments ¥20,000
// month Dec:   new 0, activities 3 (visit, meeting, visit on the 7th), moves 1, payments ¥20,000
// month Nov:   new 2, activities 2 (visit, call), moves 2, payments ¥0
func TestRepBodyFixtures(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, loc) }
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		clock := at(11, 29, 18, 0)
		db.Now = func() time.Time { return clock }
		rep, _ := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
		other, _ := db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep})
		a, _ := db.CreateCustomer(ctx, rep.ID, crm.Customer{Name: "恒通物流有限公司", OwnerID: rep.ID})
		db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: a.ID, UserID: rep.ID, Kind: crm.ActVisit, Content: "拜访", At: clock})
		clock = at(11, 30, 10, 0)
		b, _ := db.CreateCustomer(ctx, rep.ID, crm.Customer{Name: "金桥贸易有限公司", OwnerID: rep.ID})
		db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: b.ID, UserID: rep.ID, Kind: crm.ActCall, Content: "电话", At: clock})
		d, _ := db.SaveDeal(ctx, rep.ID, crm.Deal{CustomerID: b.ID, OwnerID: rep.ID, Stage: crm.StageInitial, WinPct: 10, Amount: crm.Yuan(80000)})
		d.Stage, d.WinPct = crm.StageProposal, 50
		d, _ = db.SaveDeal(ctx, rep.ID, d)
		clock = at(12, 1, 9, 0)
		db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: a.ID, UserID: rep.ID, Kind: crm.ActVisit, Content: "拜访", At: clock})
		db.AddPayment(ctx, rep.ID, crm.Payment{CustomerID: b.ID, Amount: crm.Yuan(20000), ReceivedOn: "2026-12-01"})
		d.Stage, d.WinPct = crm.StageContract, 100
		db.SaveDeal(ctx, rep.ID, d)
		db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: a.ID, UserID: rep.ID, Kind: crm.ActMeeting, Content: "会议", At: at(12, 6, 23, 30)})
		db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: a.ID, UserID: rep.ID, Kind: crm.ActVisit, Content: "拜访", At: at(12, 7, 0, 30)})
		// Someone else's work never counts.
		c, _ := db.CreateCustomer(ctx, other.ID, crm.Customer{Name: "瑞丰机械有限公司", OwnerID: other.ID})
		db.AddActivity(ctx, other.ID, crm.Activity{CustomerID: c.ID, UserID: other.ID, Content: "拜访", At: at(12, 1, 10, 0)})
		db.AddPayment(ctx, other.ID, crm.Payment{CustomerID: c.ID, Amount: crm.Yuan(99), ReceivedOn: "2026-12-01"})
		db.SetTarget(ctx, 0, crm.Target{Metric: crm.MetricPayments, Period: crm.PeriodMonth, PeriodStart: "2026-12-01", Unit: crm.UnitUser, UnitID: rep.ID, Value: int64(crm.Yuan(100000))})

		type want struct {
			start             crm.Date
			newC, acts, moves int
			won               int
			payments          crm.Money
		}
		for name, tc := range map[string]struct {
			kind crm.PeriodKind
			now  time.Time
			want want
		}{
			"day":       {crm.PeriodDay, at(12, 1, 17, 30), want{"2026-12-01", 0, 1, 1, 1, crm.Yuan(20000)}},
			"week":      {crm.PeriodWeek, at(12, 4, 17, 0), want{"2026-11-30", 1, 3, 3, 1, crm.Yuan(20000)}},
			"month dec": {crm.PeriodMonth, at(12, 31, 17, 0), want{"2026-12-01", 0, 3, 1, 1, crm.Yuan(20000)}},
			"month nov": {crm.PeriodMonth, at(11, 30, 17, 0), want{"2026-11-01", 2, 2, 2, 0, 0}},
		} {
			body, err := report.RepBody(ctx, db, rep, tc.kind, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			got := want{body.Start, len(body.Activity.NewCustomers), body.Activity.TotalActivities(), len(body.Activity.StageMoves), body.Activity.Won, body.Activity.Payments}
			if got != tc.want {
				t.Errorf("%s: got %+v, want %+v", name, got, tc.want)
			}
		}
		body, _ := report.RepBody(ctx, db, rep, crm.PeriodDay, at(12, 1, 17, 30))
		if len(body.Targets) != 1 || body.Targets[0].Pct() != 20 || body.Targets[0].Gap() != int64(crm.Yuan(80000)) {
			t.Fatalf("target progress: %+v", body.Targets)
		}
	})
}
