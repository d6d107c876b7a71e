package sales_test

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/ai"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// fakeModel answers every sentence with sug (or err) and counts calls.
type fakeModel struct {
	sug   sentence.Suggestion
	err   error
	calls int
}

func (m *fakeModel) Suggest(ctx context.Context, text string) (sentence.Suggestion, error) {
	m.calls++
	return m.sug, m.err
}

func TestSentenceModelOnlyProposes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := sales.New(db)
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		u, _ := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
		other, _ := db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep})
		rep, _ := svc.ViewerOf(ctx, u)
		li, _ := svc.ViewerOf(ctx, other)
		qh, _, err := svc.AddCustomer(ctx, rep, crm.Customer{Name: "北京青禾新锐科技有限公司"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.AddCustomer(ctx, li, crm.Customer{Name: "海天建材有限公司"}, now); err != nil {
			t.Fatal(err)
		}
		read := func(m *fakeModel, text string) sales.Proposal {
			t.Helper()
			svc.SetModel(m)
			p, err := svc.ReadSentence(ctx, rep, text, sentence.None, now, 6)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}

		// A good answer: its intent, and its customer looked up among the rep's.
		m := &fakeModel{sug: sentence.Suggestion{Intent: sentence.Visit, Customer: "青禾", Content: "老样子"}}
		p := read(m, "青禾那边 老样子")
		if m.calls != 1 || p.Intent != sentence.Visit || !p.Sure || p.Customers[0].ID != qh.ID {
			t.Fatalf("good answer: calls %d, %+v", m.calls, p)
		}

		// A customer the rep may not see, or words not in the message: ignored.
		p = read(&fakeModel{sug: sentence.Suggestion{Intent: sentence.Visit, Customer: "海天"}}, "海天那边 老样子")
		if p.Sure || len(p.Customers) != 0 {
			t.Fatalf("invisible customer taken: %+v", p)
		}
		p = read(&fakeModel{sug: sentence.Suggestion{Intent: sentence.Visit, Customer: "北京青禾新锐科技有限公司"}}, "那边 老样子")
		if p.Sure {
			t.Fatalf("a customer not in the message taken: %+v", p)
		}

		// Dates and amounts come from the rep's words, never the model's.
		p = read(&fakeModel{sug: sentence.Suggestion{Intent: sentence.Plan, Customer: "青禾", Content: "12月20日 20万"}}, "青禾那边 老样子 10万")
		if p.Intent != sentence.Plan || p.Amount != 10000000 || !p.Date.IsZero() {
			t.Fatalf("plan re-read: %+v", p)
		}

		// A timeout or garbage leaves the rules' reading.
		for _, err := range []error{context.DeadlineExceeded, ai.ErrAnswer} {
			p = read(&fakeModel{err: err}, "青禾那边 老样子")
			if p.Intent != sentence.None {
				t.Fatalf("%v: intent %s", err, p.Intent)
			}
		}
		p = read(&fakeModel{sug: sentence.Suggestion{Intent: "lunch"}}, "青禾那边 老样子")
		if p.Intent != sentence.None {
			t.Fatalf("an intent outside the list taken: %+v", p)
		}

		// What the rules read is not sent to the model.
		m = &fakeModel{sug: sentence.Suggestion{Intent: sentence.Complaint, Customer: "青禾"}}
		p = read(m, "收到青禾回款5万")
		if m.calls != 0 || p.Intent != sentence.Paid {
			t.Fatalf("the model overrode the rules: calls %d, %+v", m.calls, p)
		}
		svc.SetModel(nil)
	})
}
