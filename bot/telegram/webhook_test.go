package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

const testSecret = "s3cret-Token_for-webhooks"

// webhookHarness runs the channel in webhook mode behind a test HTTP server
// the fake posts to.
func webhookHarness(t *testing.T, db *store.DB, mutate ...func(*Config)) (*harness, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h := newHarness(t, db, append([]func(*Config){func(c *Config) {
		c.Mode, c.WebhookURL, c.WebhookSecret = ModeWebhook, srv.URL+"/telegram/webhook", testSecret
	}}, mutate...)...)
	mux.Handle("/telegram/webhook", h.ch.WebhookHandler())
	if err := h.ch.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return h, srv
}

func inboundRows(t *testing.T, db *store.DB) int {
	var n int
	if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM inbound`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWebhook(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h, srv := webhookHarness(t, db)
		url, secret := h.fake.Webhook()
		if url != srv.URL+"/telegram/webhook" || secret != testSecret {
			t.Fatalf("setWebhook: %q %q", url, secret)
		}
		set := h.fake.Calls("setWebhook")
		if len(set) != 1 || !strings.Contains(set[0].Params["allowed_updates"], "callback_query") {
			t.Fatalf("setWebhook calls: %+v", set)
		}

		// Wrong or missing secret: 403, nothing written, nothing read.
		body := `{"update_id":1,"message":{"message_id":1,"from":{"id":5005,"is_bot":false,"first_name":"A"},"chat":{"id":5005,"type":"private"},"date":1,"text":"/help"}}`
		for _, sec := range []string{"", "wrong", testSecret + "x", strings.ToUpper(testSecret)} {
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
			if sec != "" {
				req.Header.Set(SecretHeader, sec)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || resp.ContentLength > 0 {
				t.Fatalf("secret %q: %d (%d bytes)", sec, resp.StatusCode, resp.ContentLength)
			}
		}
		if n := inboundRows(t, db); n != 0 {
			t.Fatalf("%d inbound rows after forged posts", n)
		}

		// Right secret: answered 200 and processed.
		id := h.fake.PushMessage(5005, 5005, "/start")
		h.fake.WaitFor(func(cs []faketelegram.Call) bool {
			return len(outTo(cs, 5005)) == 1 && len(h.fake.Deliveries()) == 1
		}, 10*time.Second)
		if d := h.fake.Deliveries(); len(d) != 1 || d[0].Status != 200 {
			t.Fatalf("deliveries: %+v", d)
		}
		// Delivered again: 200, skipped. The chat's next update is answered
		// after it (same worker, in order), so by then a second reply would show.
		if st := h.fake.Redeliver(id); st != 200 {
			t.Fatalf("redelivery: %d", st)
		}
		h.says(5005, "/lang en", "reply in English")
		if got := outTo(h.fake.Calls(), 5005); len(got) != 2 {
			t.Fatalf("%d replies, want 2 (the redelivery skipped): %+v", len(got), got)
		}
		if n := inboundRows(t, db); n != 2 {
			t.Fatalf("%d inbound rows, want 2", n)
		}
	})
}

func TestWebhookBadRequests(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h, _ := webhookHarness(t, db)
	url, _ := h.fake.Webhook()
	post := func(method, body string) int {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set(SecretHeader, testSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(http.MethodGet, ""); st != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", st)
	}
	if st := post(http.MethodPost, "{not json"); st != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", st)
	}
	big := `{"update_id":9,"message":{"text":"` + strings.Repeat("x", 1<<20) + `"}}`
	if st := post(http.MethodPost, big); st != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB body: %d", st)
	}
	if n := inboundRows(t, db); n != 0 {
		t.Fatalf("%d inbound rows", n)
	}
}

// gate holds sendMessage requests until it is opened.
type gate struct {
	open    chan struct{}
	entered chan struct{}
	rt      http.RoundTripper
}

// newGate returns a gate, and a webhook harness option that sends the
// channel's API calls through it.
func newGate() (*gate, func(*Config)) {
	g := &gate{open: make(chan struct{}), entered: make(chan struct{}, 1), rt: http.DefaultTransport}
	return g, func(c *Config) { c.HTTPClient = &http.Client{Transport: g, Timeout: time.Minute} }
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/sendMessage") {
		select {
		case g.entered <- struct{}{}:
		default:
		}
		select {
		case <-g.open:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return g.rt.RoundTrip(r)
}

// Close waits for accepted updates to be answered; afterwards the webhook
// answers 503 and stores nothing, so Telegram delivers again later.
func TestWebhookCloseDrains(t *testing.T) {
	db := storetest.OpenSQLite(t)
	g, gated := newGate()
	h, srv := webhookHarness(t, db, gated)
	const n = 12
	for i := range n {
		chat := int64(5100 + i%4)
		h.fake.PushMessage(chat, chat, "/help")
	}
	h.fake.WaitFor(func([]faketelegram.Call) bool { return h.fake.Pending() == 0 }, 10*time.Second) // all answered 200
	<-g.entered                                                                                     // a reply is held in flight
	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		closed <- h.ch.Close(ctx)
	}()
	close(g.open)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	var replies int
	for _, c := range h.fake.Calls("sendMessage") {
		if c.Status == 200 {
			replies++
		}
	}
	if replies != n {
		t.Fatalf("%d replies when Close returned, want %d", replies, n)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/telegram/webhook", strings.NewReader(`{"update_id":77,"message":{"message_id":1,"from":{"id":1,"first_name":"A"},"chat":{"id":1,"type":"private"},"date":1,"text":"/help"}}`))
	req.Header.Set(SecretHeader, testSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || inboundRows(t, db) != n {
		t.Fatalf("after Close: %d, %d inbound rows", resp.StatusCode, inboundRows(t, db))
	}
}

// Close gives up at its deadline and cancels what is still in flight.
func TestCloseDeadline(t *testing.T) {
	db := storetest.OpenSQLite(t)
	g, gated := newGate()
	h := newHarness(t, db, gated)
	h.startPolling()
	h.fake.PushMessage(5200, 5200, "/help")
	<-g.entered
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := h.ch.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("close: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("close took %v", d)
	}
	h.logs.waitFor(t, "reply not delivered", 5*time.Second)
}

// Updates acknowledged with 200 but not answered when Close gives up are
// not lost: they stay in the database, released, and the next process
// answers each of them once.
func TestUpdatesAbandonedByCloseAreAnsweredByTheNextProcess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		g, gated := newGate()
		first, _ := webhookHarness(t, db, gated, func(c *Config) { c.Workers = 1 })
		// Four chats served by one worker: the first reply is held in
		// flight, the other three wait in the queue.
		chats := []int64{5300, 5308, 5316, 5324}
		for _, chat := range chats {
			first.fake.PushMessage(chat, chat, "/help")
		}
		first.fake.WaitFor(func([]faketelegram.Call) bool { return first.fake.Pending() == 0 }, 10*time.Second) // all answered 200
		<-g.entered
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if err := first.ch.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("close: %v", err)
		}
		for _, c := range first.fake.Calls("sendMessage") {
			if c.Status == 200 {
				t.Fatalf("a reply got out through the gate: %+v", c)
			}
		}
		var pending int
		if err := db.SQL().Get(&pending, `SELECT COUNT(*) FROM inbound WHERE payload IS NOT NULL`); err != nil || pending != len(chats) {
			t.Fatalf("%d updates kept unanswered (%v), want %d", pending, err, len(chats))
		}

		// The next process (another channel on the same database) answers
		// them at once, each once.
		next := newHarness(t, db)
		next.fake.WaitFor(func(cs []faketelegram.Call) bool {
			n := 0
			for _, c := range cs {
				if isOut(c) {
					n++
				}
			}
			return n >= len(chats)
		}, 10*time.Second)
		deadline := time.Now().Add(5 * time.Second)
		for {
			db.SQL().Get(&pending, `SELECT COUNT(*) FROM inbound WHERE payload IS NOT NULL`)
			if pending == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if pending != 0 {
			t.Fatalf("%d updates still unanswered", pending)
		}
		per := map[int64]int{}
		for _, c := range next.fake.Calls("sendMessage") {
			if c.Status == 200 {
				per[c.ChatID]++
			}
		}
		for _, chat := range chats {
			if per[chat] != 1 {
				t.Errorf("chat %d answered %d times by the next process, want once (%v)", chat, per[chat], per)
			}
		}
		// The first update had been handled (its reply was in flight): the
		// next process delivered the kept reply without handling it again.
		if n := strings.Count(next.logs.String(), "msg=update "); n != len(chats)-1 {
			t.Errorf("the next process handled %d updates, want %d (the handled one only delivered):\n%s", n, len(chats)-1, next.logs.String())
		}
	})
}
