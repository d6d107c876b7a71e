package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/internal/fakewecom"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// startServe runs "salesbot serve" in the background with env and returns
// its HTTP address and a stop function that reports the exit code.
func startServe(t *testing.T, env []string) (string, func() int) {
	t.Helper()
	return startServeWith(t, env, &Main{})
}

// startServeWith is startServe with a Main prepared by the test (its I/O,
// environment and readiness are filled in here).
func startServeWith(t *testing.T, env []string, m *Main) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	var logs bytes.Buffer
	var mu sync.Mutex
	m.Stdin, m.Stdout, m.Stderr, m.Environ, m.Ready = strings.NewReader(""), io.Discard, &lockedWriter{w: &logs, mu: &mu}, env, ready
	go func() { done <- m.Run(ctx, nil) }()
	select {
	case addr := <-ready:
		return addr, func() int {
			cancel()
			select {
			case code := <-done:
				return code
			case <-time.After(ShutdownTimeout + 5*time.Second):
				t.Fatal("serve did not stop")
				return -1
			}
		}
	case code := <-done:
		cancel()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	return "", nil
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func wecomEnv(fake *fakewecom.Fake, dsn string) []string {
	return []string{
		"SALESBOT_DATABASE_DSN=" + dsn,
		"SALESBOT_HTTP_LISTEN=127.0.0.1:0",
		"SALESBOT_WECOM_CORP_ID=" + fake.CorpID,
		"SALESBOT_WECOM_AGENT_ID=" + fake.AgentID,
		"SALESBOT_WECOM_SECRET=" + fake.Secret,
		"SALESBOT_WECOM_TOKEN=" + fake.Token,
		"SALESBOT_WECOM_ENCODING_AES_KEY=" + fake.EncodingAESKey,
		"SALESBOT_WECOM_API_BASE=" + fake.URL,
	}
}

// Every callback delivered twice, shuffled, 40 at a time: each update makes
// exactly one record and one reply.
func TestWeComCallbacksDeliveredTwice(t *testing.T) {
	fake := fakewecom.New(t)
	dsn := filepath.Join(t.TempDir(), "crm.db")
	ctx := context.Background()
	db, err := store.Open(ctx, store.SQLite, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Migrate(ctx)
	const n = 40
	var payloads []string
	for i := 0; i < n; i++ {
		uid := fmt.Sprintf("rep%02d", i)
		fake.AddUser(uid, uid)
		u, err := db.CreateUser(ctx, 0, crm.User{Name: uid, Role: crm.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: uid, UserID: u.ID, ChatID: uid})
		c, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: fmt.Sprintf("重复投递%d号贸易有限公司", i), OwnerID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		payloads = append(payloads, fake.Text(uid, fmt.Sprintf("/contacted #%d", c.ID), int64(1000+i)))
	}
	db.Close()
	addr, stop := startServe(t, wecomEnv(fake, dsn))
	deliveries := append(append([]string{}, payloads...), payloads...)
	rand.New(rand.NewSource(7)).Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
	var wg sync.WaitGroup
	work := make(chan string)
	for w := 0; w < 40; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if st := fake.Post(t, "http://"+addr+"/wecom/callback", p); st != http.StatusOK {
					t.Errorf("callback: HTTP %d", st)
				}
			}
		}()
	}
	for _, p := range deliveries {
		work <- p
	}
	close(work)
	wg.Wait()
	for i := 0; i < n; i++ {
		fake.WaitMessages(t, fmt.Sprintf("rep%02d", i), 1)
	}
	if code := stop(); code != 0 { // the stop drains every accepted update
		t.Fatalf("exit %d", code)
	}
	for i := 0; i < n; i++ {
		if got := len(fake.Messages(fmt.Sprintf("rep%02d", i))); got != 1 {
			t.Fatalf("rep%02d got %d replies, want 1", i, got)
		}
	}
	db, err = store.Open(ctx, store.SQLite, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var acts int
	if err := db.SQL().Get(&acts, `SELECT COUNT(*) FROM activities`); err != nil || acts != n {
		t.Fatalf("%d activities, want %d (%v)", acts, n, err)
	}
}

// Every Telegram update delivered twice, shuffled, 40 at a time through the
// webhook of the real program, on both engines: each update makes exactly
// one record and one reply.
func TestTelegramUpdatesDeliveredTwice(t *testing.T) {
	for _, driver := range []string{store.SQLite, store.Postgres} {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "crm.db")
			if driver == store.Postgres {
				dsn = storetest.NewPostgresDatabase(t)
			}
			db := relMigrated(t, driver, dsn)
			const n = 40
			var updates []string
			for i := range n {
				chat := int64(7100 + i)
				u, err := db.CreateUser(ctx, 0, crm.User{Name: fmt.Sprintf("重复%02d", i), Role: crm.RoleRep})
				if err != nil {
					t.Fatal(err)
				}
				id := fmt.Sprint(chat)
				if err := db.BindIdentity(ctx, crm.Identity{Channel: "telegram", ExternalID: id, UserID: u.ID, ChatID: id}); err != nil {
					t.Fatal(err)
				}
				c, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: fmt.Sprintf("电报重复%d号贸易有限公司", i), OwnerID: u.ID})
				if err != nil {
					t.Fatal(err)
				}
				updates = append(updates, fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1700000000,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"R%d"},"text":"/contacted #%d","entities":[{"type":"bot_command","offset":0,"length":10}]}}`,
					5000+i, 10+i, chat, chat, i, c.ID))
			}
			fake := faketelegram.New(t)
			addr, stop := startServeWith(t, relTelegramEnv(fake, driver, dsn, "webhook"), &Main{TelegramSleep: noSleep})
			_, secret := fake.Webhook()
			deliveries := append(append([]string{}, updates...), updates...)
			rand.New(rand.NewSource(9)).Shuffle(len(deliveries), func(i, j int) { deliveries[i], deliveries[j] = deliveries[j], deliveries[i] })
			var wg sync.WaitGroup
			work := make(chan string)
			for range 40 {
				wg.Go(func() {
					for body := range work {
						req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram/webhook", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							t.Error(err)
							continue
						}
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							t.Errorf("webhook: HTTP %d", resp.StatusCode)
						}
					}
				})
			}
			for _, d := range deliveries {
				work <- d
			}
			close(work)
			wg.Wait()
			for i := range n {
				chat := int64(7100 + i)
				deadline := time.Now().Add(15 * time.Second)
				for len(fake.BotTexts(chat)) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
			}
			if code := stop(); code != 0 { // the stop drains every accepted update
				t.Fatalf("exit %d", code)
			}
			for i := range n {
				if got := fake.BotTexts(int64(7100 + i)); len(got) != 1 {
					t.Fatalf("chat %d got %d replies, want 1: %q", 7100+i, len(got), got)
				}
			}
			var acts, inbound, pending int
			db.SQL().Get(&acts, `SELECT COUNT(*) FROM activities`)
			db.SQL().Get(&inbound, `SELECT COUNT(*) FROM inbound WHERE channel = 'telegram'`)
			db.SQL().Get(&pending, `SELECT COUNT(*) FROM inbound WHERE payload IS NOT NULL`)
			if acts != n || inbound != n || pending != 0 {
				t.Fatalf("%d activities, %d inbound rows, %d unanswered; want %d, %d, 0", acts, inbound, pending, n, n)
			}
		})
	}
}
