package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// hangAfterSend delivers sendMessage to the server and then never answers,
// as a hung Bot API does: the request was written, no byte came back.
type hangAfterSend struct{ rt http.RoundTripper }

func (h hangAfterSend) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/sendMessage") {
		return h.rt.RoundTrip(r)
	}
	trace := httptrace.ContextClientTrace(r.Context())
	resp, err := h.rt.RoundTrip(r.Clone(context.Background())) // the server gets it
	if err == nil {
		resp.Body.Close()
	}
	if trace != nil {
		if trace.GotConn != nil {
			trace.GotConn(httptrace.GotConnInfo{})
		}
		if trace.WroteRequest != nil {
			trace.WroteRequest(httptrace.WroteRequestInfo{})
		}
	}
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// An API that takes the message and hangs past the client timeout: the
// message is not sent a second time (it was delivered) and the error says
// the outcome is uncertain (#20 item 7: it used to arrive twice).
func TestHungAnswerIsNotSentTwice(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) {
		c.HTTPClient = &http.Client{Transport: hangAfterSend{rt: http.DefaultTransport}}
	})
	h.ch.reqTimeout = 100 * time.Millisecond
	err := h.ch.Send(context.Background(), "47", crm.Message{Text: "hi"})
	if !errors.Is(err, crm.ErrUncertain) {
		t.Fatalf("send: %v", err)
	}
	if got := h.fake.BotTexts(47); len(got) != 1 {
		t.Fatalf("chat 47 shows %q, want the message once", got)
	}
	if retryable(err) {
		t.Fatal("an uncertain send is retryable")
	}
}

// A reply refused twice with a short retry_after goes out right after the
// second wait, not at the inbox's next sweep minutes later.
func TestReplyWaitsOutASecondRetryAfter(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h, _ := webhookHarness(t, db)
		h.fake.Fail("sendMessage", 2, faketelegram.Fault{Code: 429, RetryAfter: 3})
		start := h.clock.Now()
		h.fake.PushMessage(7200, 7200, "/help")
		h.fake.WaitFor(func(cs []faketelegram.Call) bool { return len(outTo(cs, 7200)) == 1 }, 10*time.Second)
		if waited := h.clock.Now().Sub(start); waited > 30*time.Second {
			t.Fatalf("the reply waited %v of virtual time", waited)
		}
		var slept time.Duration
		for _, d := range h.clock.Slept() {
			slept += d
		}
		if slept < 6*time.Second {
			t.Fatalf("slept %v: both retry_after waits should be honoured", slept)
		}
	})
}

// A call gives up well inside the leases: a send that timed out is over
// before another process may take its update or push over.
func TestClientTimeoutIsShorterThanTheLeases(t *testing.T) {
	h := newHarness(t, nil)
	if worst := h.ch.reqTimeout*maxAttempts + 1500*time.Millisecond; worst >= bot.DefaultInboxLease {
		t.Fatalf("a call may take %v, the inbox lease is %v", worst, bot.DefaultInboxLease)
	}
}
