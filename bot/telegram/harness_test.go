package telegram

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
)

// vclock is virtual time: Sleep moves the clock forward instead of
// waiting, so pacing, retry_after and back-off cost no wall time and their
// effect shows in the times the fake records.
type vclock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func newVClock() *vclock {
	return &vclock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
}

func (v *vclock) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.t
}

func (v *vclock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if d > 0 {
		v.t = v.t.Add(d)
	}
	v.slept = append(v.slept, d)
	return nil
}

func (v *vclock) Slept() []time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]time.Duration(nil), v.slept...)
}

// logSink collects log lines and wakes waiters on each one.
type logSink struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newLogSink() *logSink { return &logSink{changed: make(chan struct{})} }

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logSink) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitFor waits until the log contains substr.
func (l *logSink) waitFor(t *testing.T, substr string, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		ok, ch := strings.Contains(l.buf.String(), substr), l.changed
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("log has no %q within %v:\n%s", substr, timeout, l.String())
		}
	}
}

// harness is a real bot over a real store, talking through the channel and
// the real library to the fake Bot API.
type harness struct {
	t     *testing.T
	fake  *faketelegram.Server
	db    *store.DB
	bot   *bot.Bot
	ch    *Channel
	clock *vclock
	logs  *logSink
	cfg   Config
}

func newHarness(t *testing.T, db *store.DB, mutate ...func(*Config)) *harness {
	t.Helper()
	fake := faketelegram.New(t)
	clock := newVClock()
	fake.SetNow(clock.Now)
	logs := newLogSink()
	cfg := Config{Token: fake.Token, Endpoint: fake.URL, Logger: logs.logger(), Now: clock.Now, Sleep: clock.Sleep}
	for _, m := range mutate {
		m(&cfg)
	}
	ch, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, fake: fake, db: db, ch: ch, clock: clock, logs: logs, cfg: cfg}
	if db != nil {
		db.Now = cfg.Now
		loc, _ := time.LoadLocation("Asia/Shanghai")
		h.bot = bot.New(bot.Options{Store: db, Sales: sales.New(db), Sheets: sheet.Service{Sales: sales.New(db), StageName: conversation.SheetStageName}, Logger: cfg.Logger, Now: cfg.Now, Location: loc, DefaultLang: "zh", BotUsername: ch.Username()})
		ch.Attach(h.bot, db)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ch.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
		if strings.Contains(logs.String(), fake.Token) {
			t.Errorf("the token is in the log:\n%s", logs.String())
		}
	})
	return h
}

// startPolling runs Start in the background until the test ends; it
// returns a channel with Start's result and the cancel function.
func (h *harness) startPolling() (<-chan error, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	done, stopped := make(chan error, 1), make(chan struct{})
	go func() {
		done <- h.ch.Start(ctx)
		close(stopped)
	}()
	h.t.Cleanup(func() {
		cancel()
		<-stopped
	})
	return done, cancel
}

func isOut(c faketelegram.Call) bool {
	return c.Status == 200 && (c.Method == "sendMessage" || c.Method == "editMessageText" || c.Method == "sendPhoto")
}

func containsAll(s string, wants ...string) bool {
	for _, w := range wants {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// expect runs push and waits for a message sent or edited after it whose
// visible text contains every want.
func (h *harness) expect(push func(), wants ...string) faketelegram.Call {
	h.t.Helper()
	before := len(h.fake.Calls())
	push()
	var got faketelegram.Call
	h.fake.WaitFor(func(cs []faketelegram.Call) bool {
		for _, c := range cs[before:] {
			if isOut(c) && containsAll(c.Text, wants...) {
				got = c
				return true
			}
		}
		return false
	}, 10*time.Second)
	return got
}

// says sends text from a person in their private chat and waits for the
// reply containing wants.
func (h *harness) says(user int64, text string, wants ...string) faketelegram.Call {
	h.t.Helper()
	return h.expect(func() { h.fake.PushMessage(user, user, text) }, wants...)
}

// presses presses a button in a person's private chat, waits for the reply
// containing wants and checks the callback query was answered.
func (h *harness) presses(user int64, label string, wants ...string) faketelegram.Call {
	h.t.Helper()
	var qid string
	got := h.expect(func() { _, qid = h.fake.Press(user, user, label) }, wants...)
	if !h.fake.Answered(qid) {
		h.t.Fatalf("callback query %s for %q was not answered", qid, label)
	}
	return got
}

// outTo counts successful messages sent or edited in chat.
func outTo(calls []faketelegram.Call, chat int64) []faketelegram.Call {
	var out []faketelegram.Call
	for _, c := range calls {
		if isOut(c) && c.ChatID == chat {
			out = append(out, c)
		}
	}
	return out
}

func h0() *slog.Logger { return slog.New(slog.DiscardHandler) }
