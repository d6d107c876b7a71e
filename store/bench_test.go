package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// The dataset benchmarks (a million customers) are the bench program's:
// go run ./bench, see docs/BENCHMARKS.md. These keep the cheap parts of
// them in reach of go test: the similar-name lookup past its per-gram
// fan-out cap, and one rep's workbench.

// commonGramCustomers is more than the customers one gram may bring to the
// similar lookup (similarFanOut in customers.go is 500).
const commonGramCustomers = 510

// seedCommonGram creates commonGramCustomers customers whose names share
// the gram 科技 and nothing with 青禾新锐, then 北京青禾新锐科技有限公司,
// whose id comes after every one of them. It returns the owner and the
// last customer.
func seedCommonGram(tb testing.TB, db *store.DB) (crm.User, crm.Customer) {
	tb.Helper()
	rep, err := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
	if err != nil {
		tb.Fatal(err)
	}
	chars := []rune("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")
	// A few at a time: one transaction per customer is slow on PostgreSQL.
	var wg sync.WaitGroup
	errs := make(chan error, commonGramCustomers)
	sem := make(chan struct{}, 8)
	for i := range commonGramCustomers {
		a, b, c := chars[i%len(chars)], chars[i/len(chars)%len(chars)], chars[i/len(chars)/len(chars)%len(chars)]
		name := string([]rune{a, b, c}) + "科技有限公司"
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := db.CreateCustomer(ctx, rep.ID, crm.Customer{Name: name, OwnerID: rep.ID}); err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
	target, err := db.CreateCustomer(ctx, rep.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: rep.ID})
	if err != nil {
		tb.Fatal(err)
	}
	return rep, target
}

// TestSimilarCustomersCommonGrams checks the per-gram fan-out cap of the
// similar lookup: a gram shared by more customers than the cap (科技 here)
// neither hides a customer that shares rarer grams nor outranks them, and a
// name made only of common grams still gets candidates.
func TestSimilarCustomersCommonGrams(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		_, target := seedCommonGram(t, db)
		for _, name := range []string{"青禾新锐软件有限公司", "青禾新睿科技有限公司", "青禾新锐"} {
			n := company.Parse(name)
			sim, err := db.SimilarCustomers(ctx, n, 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(sim) == 0 || sim[0].ID != target.ID {
				t.Fatalf("%s: first candidate %v, want %s (#%d)", name, sim, target.Name, target.ID)
			}
			if m := company.Compare(name, sim[0].Name); m == company.Different {
				t.Fatalf("%s / %s: %v", name, sim[0].Name, m)
			}
		}
		sim, err := db.SimilarCustomers(ctx, company.Parse("科技"), 20)
		if err != nil || len(sim) != 20 {
			t.Fatalf("a name of common grams only: %d candidates, %v; want 20", len(sim), err)
		}
		for i := 1; i < len(sim); i++ {
			if sim[i].ID <= sim[i-1].ID {
				t.Fatalf("ties not by id: %d after %d", sim[i].ID, sim[i-1].ID)
			}
		}
	})
}

// BenchmarkSimilarCustomers times the lookup for a name with a common gram.
func BenchmarkSimilarCustomers(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			db := e.Open(b)
			seedCommonGram(b, db)
			n := company.Parse("青禾新睿科技有限公司")
			for b.Loop() {
				if _, err := db.SimilarCustomers(ctx, n, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWorkbench times crm.BuildWorkbench for a rep with a thousand
// customers, some deals, plans, next actions and appointments.
func BenchmarkWorkbench(b *testing.B) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, e := range storetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			db := e.Open(b)
			rep, _ := seedCommonGram(b, db)
			for i := int64(1); i <= 100; i++ {
				id := i * 10
				if _, err := db.SaveDeal(ctx, rep.ID, crm.Deal{CustomerID: id, OwnerID: rep.ID, Title: fmt.Sprint("deal ", i),
					Stage: crm.StageProposal, WinPct: 50, Amount: crm.Money(i * 100000)}); err != nil {
					b.Fatal(err)
				}
				if _, err := db.AddPaymentPlan(ctx, rep.ID, crm.PaymentPlan{CustomerID: id, Amount: 500000, DueDate: crm.DateOf(now).AddDays(int(i % 40))}); err != nil {
					b.Fatal(err)
				}
				if _, err := db.AddActivity(ctx, rep.ID, crm.Activity{CustomerID: id + 1, UserID: rep.ID, Content: "回访",
					NextAction: "发报价", NextDate: crm.DateOf(now).AddDays(int(i % 5)), At: now.Add(-time.Duration(i) * time.Hour)}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if _, err := crm.BuildWorkbench(ctx, db, rep, now, 14); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
