package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// flakyStore is the real store whose next reads of a chat identity fail
// with the given error, as they do while PostgreSQL restarts.
type flakyStore struct {
	*store.DB
	mu    sync.Mutex
	fails int
	err   error
}

func (f *flakyStore) IdentityUser(ctx context.Context, channel, externalID string) (crm.User, error) {
	f.mu.Lock()
	fail := f.fails > 0
	if fail {
		f.fails--
	}
	f.mu.Unlock()
	if fail {
		return crm.User{}, f.err
	}
	return f.DB.IdentityUser(ctx, channel, externalID)
}

func TestTransientDatabaseErrorsAreRetriedNotApologisedFor(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: "zs", UserID: u.ID, ChatID: "zs"}); err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	f := &flakyStore{DB: db}
	b := bot.New(bot.Options{Store: f, Sales: sales.New(f), Sheets: sheet.Service{Sales: sales.New(f), StageName: conversation.SheetStageName}, DefaultLang: "en", Transient: store.IsTransient,
		Sleep: func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }})
	ask := func() string {
		var texts []string
		for _, m := range b.Handle(ctx, bot.Update{Channel: "telegram", ChatID: "zs", UserID: "zs", UserName: "张三", Text: "/find 恒通"}) {
			texts = append(texts, m.Text)
		}
		return strings.Join(texts, "\n")
	}

	// The server restarting: two refused tries, then the answer, once.
	f.fails, f.err = 2, &pq.Error{Code: "57P03", Message: "the database system is starting up"}
	got := ask()
	if strings.Contains(got, "Sorry") || got == "" || len(slept) != 2 {
		t.Fatalf("after 2 transient failures: %q (slept %v)", got, slept)
	}
	if _, failures, _ := b.Stats(); failures != 0 {
		t.Fatalf("%d failures counted for an update that was answered", failures)
	}

	// Down for longer than the retries: the apology, after every wait.
	slept = nil
	f.fails = 100
	if got := ask(); !strings.Contains(got, "Sorry") || len(slept) != 5 {
		t.Fatalf("database down: %q after waits %v", got, slept)
	}

	// Not transient (bad SQL): the apology at once.
	slept = nil
	f.fails, f.err = 1, &pq.Error{Code: "42P01", Message: `relation "users" does not exist`}
	if got := ask(); !strings.Contains(got, "Sorry") || len(slept) != 0 {
		t.Fatalf("permanent error: %q after waits %v", got, slept)
	}
}
