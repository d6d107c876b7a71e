package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/demo"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// The morning job's set-based workbenches (one query per list for all
// reps) are exactly the per-user workbenches /today shows, on the demo
// company plus the cases that differ between the two ways in: archived
// customers, a collaborator's deal on a rep's customer, a snoozed quiet
// customer, a user with nothing, a report filed.
func TestBuildWorkbenchesMatchesBuildWorkbench(t *testing.T) {
	ctx := context.Background()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 8, 30, 0, 0, loc)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.Load(ctx, db, now, 3); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return now }
		users, err := db.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var reps []crm.User
		for _, u := range users {
			if u.Role == crm.RoleRep {
				reps = append(reps, u)
			}
		}
		a, b := reps[0], reps[1]
		// Archive two of a's customers that have open deals or plans.
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE customers SET archived = ? WHERE id IN (
			SELECT id FROM customers WHERE owner_id = ? AND id IN (SELECT customer_id FROM deals WHERE stage NOT IN ('contract', 'lost')
				UNION SELECT customer_id FROM payment_plans WHERE paid < amount) ORDER BY id LIMIT 2)`), true, a.ID); err != nil {
			t.Fatal(err)
		}
		// b works an open deal on one of a's customers (a collaborator's deal).
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE deals SET owner_id = ? WHERE id = (
			SELECT MIN(d.id) FROM deals d JOIN customers c ON c.id = d.customer_id
			WHERE c.owner_id = ? AND c.archived = ? AND d.stage NOT IN ('contract', 'lost'))`), b.ID, a.ID, false); err != nil {
			t.Fatal(err)
		}
		// a snoozes the quietest customer of the workbench.
		w0, err := crm.BuildWorkbench(ctx, db, a, now, 14)
		if err != nil {
			t.Fatal(err)
		}
		if len(w0.Stale) == 0 {
			t.Fatal("the demo rep has no quiet customers")
		}
		if err := db.SnoozeStale(ctx, a.ID, w0.Stale[0].ID, now); err != nil {
			t.Fatal(err)
		}
		// b files today's report.
		if _, err := db.SaveReport(ctx, b.ID, crm.Report{UserID: b.ID, Kind: crm.PeriodDay, PeriodStart: crm.DateOf(now), Text: "ok"}); err != nil {
			t.Fatal(err)
		}
		idle, err := db.CreateUser(ctx, 0, crm.User{Name: "新来的", Role: crm.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, idle)

		for _, at := range []time.Time{now, now.Add(9 * time.Hour), now.AddDate(0, 0, 3)} {
			batch, err := crm.BuildWorkbenches(ctx, db, users, at, 14)
			if err != nil {
				t.Fatal(err)
			}
			if len(batch) != len(users) {
				t.Fatalf("%d workbenches for %d users", len(batch), len(users))
			}
			nonEmpty := 0
			for i, u := range users {
				one, err := crm.BuildWorkbench(ctx, db, u, at, 14)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(one, batch[i]) {
					t.Errorf("%s at %s: per user\n%+v\nat once\n%+v", u.Name, at.Format(time.RFC3339), one, batch[i])
				}
				if !one.Empty() {
					nonEmpty++
				}
			}
			if nonEmpty < len(reps)/2 {
				t.Errorf("at %s only %d of %d workbenches have something: the comparison says little", at, nonEmpty, len(users))
			}
			if !batch[len(batch)-1].Empty() {
				t.Errorf("the new rep's workbench: %+v", batch[len(batch)-1])
			}
		}
	})
}
