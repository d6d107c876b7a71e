package wecom_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// postSigned posts a callback exactly as captured: its query and body.
func (h *harness) postSigned(q url.Values, body []byte) int {
	h.t.Helper()
	rec := httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/wecom/callback?"+q.Encode(), bytes.NewReader(body)))
	return rec.Code
}

func activityRows(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM activities`); err != nil {
		t.Fatal(err)
	}
	return n
}

// A callback signed (its timestamp query parameter) more than
// CallbackWindow from the channel's clock is refused like a forged one:
// 403, nothing stored, nothing sent, a warning without secrets.
func TestCallbacksSignedOutsideTheWindowAreRefused(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.member("zhangsan", "张三", crm.RoleRep)
	now := h.clock.Now()
	for i, at := range []time.Time{
		time.Date(2014, 5, 1, 12, 0, 0, 0, time.UTC),
		now.Add(-wecom.CallbackWindow - time.Second),
		now.Add(wecom.CallbackWindow + time.Second),
	} {
		q, body := h.fake.EncryptCallbackAt(h.fake.Text("zhangsan", "/help", int64(500+i)), at)
		if code := h.postSigned(q, body); code != http.StatusForbidden {
			t.Errorf("callback signed at %s (now %s): status %d, want 403", at.UTC(), now.UTC(), code)
		}
	}
	// A timestamp that is no number, signed all the same.
	q, body := h.fake.EncryptCallback(h.fake.Text("zhangsan", "/help", 510))
	enc := body[bytes.Index(body, []byte("<Encrypt><![CDATA["))+len("<Encrypt><![CDATA[") : bytes.Index(body, []byte("]]></Encrypt>"))]
	q.Set("timestamp", "soon")
	q.Set("msg_signature", h.fake.Sign("soon", q.Get("nonce"), string(enc)))
	if code := h.postSigned(q, body); code != http.StatusForbidden {
		t.Errorf("callback with the timestamp %q: status %d, want 403", "soon", code)
	}
	// The URL verification is held to the window too.
	vq := h.fake.VerifyQueryAt("1616140317555161061", time.Date(2014, 5, 1, 12, 0, 0, 0, time.UTC))
	rec := httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+vq.Encode(), nil))
	if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "1616140317555161061") {
		t.Errorf("URL verification signed in 2014: %d %q", rec.Code, rec.Body.String())
	}
	h.idle()
	if n := inboundRows(t, db); n != 0 {
		t.Fatalf("%d inbound rows after refused callbacks", n)
	}
	if n := len(h.fake.Calls("message/send")); n != 0 {
		t.Fatalf("%d messages sent after refused callbacks", n)
	}
	logs := h.logs.String()
	if strings.Count(logs, "wecom callback rejected") != 5 || !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "outside the window") {
		t.Fatalf("refusals not logged as warnings:\n%s", logs)
	}
	for _, secret := range []string{h.fake.Token, h.fake.EncodingAESKey, h.fake.Secret} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret reached the log:\n%s", logs)
		}
	}
	// Inside the window, either way, callbacks are taken.
	for i, at := range []time.Time{now.Add(-wecom.CallbackWindow + time.Second), now.Add(wecom.CallbackWindow - time.Second)} {
		q, body := h.fake.EncryptCallbackAt(h.fake.Text("zhangsan", "/help", int64(520+i)), at)
		if code := h.postSigned(q, body); code != http.StatusOK {
			t.Errorf("callback signed at %s (now %s): status %d, want 200", at.UTC(), now.UTC(), code)
		}
	}
	h.idle()
	if n := len(h.fake.Messages("zhangsan")); n != 2 {
		t.Fatalf("%d replies to the two callbacks inside the window", n)
	}
	vq = h.fake.VerifyQueryAt("1616140317555161061", now.Add(-wecom.CallbackWindow+time.Second))
	rec = httptest.NewRecorder()
	h.ch.CallbackHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+vq.Encode(), nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "1616140317555161061" {
		t.Fatalf("URL verification inside the window: %d %q", rec.Code, rec.Body.String())
	}
}

// A captured "/contacted" callback replayed: within the window it is a
// redelivery the inbox knows; eight days later, after housekeeping forgot
// its key, its old timestamp refuses it. One activity either way.
func TestCapturedCallbackReplayedLaterIsRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		u := h.member("zhangsan", "张三", crm.RoleRep)
		c, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		q, body := h.fake.EncryptCallback(h.fake.Text("zhangsan", fmt.Sprintf("/contacted #%d", c.ID), 4242))
		if code := h.postSigned(q, body); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		h.idle()
		expect(t, texts(h.fake.Messages("zhangsan")), "已记下联系了「北京青禾新锐科技有限公司」")
		if n := activityRows(t, db); n != 1 {
			t.Fatalf("%d activities", n)
		}
		h.clock.Advance(time.Minute)
		if code := h.postSigned(q, body); code != http.StatusOK {
			t.Fatalf("replay inside the window: status %d, want an empty 200 (a redelivery)", code)
		}
		h.idle()
		if n := activityRows(t, db); n != 1 {
			t.Fatalf("%d activities after a replay inside the window", n)
		}
		// Eight days on, the housekeeping job has purged the key.
		h.clock.Advance(8 * 24 * time.Hour)
		if n, err := db.PurgeInbound(ctx, h.clock.Now().Add(-crm.InboundRetention)); err != nil || n != 1 {
			t.Fatalf("purged %d inbound keys (%v), want the callback's", n, err)
		}
		if code := h.postSigned(q, body); code != http.StatusForbidden {
			t.Fatalf("replay eight days later: status %d, want 403", code)
		}
		h.idle()
		if n := activityRows(t, db); n != 1 {
			t.Fatalf("%d activities after the replay, want 1", n)
		}
		if n := inboundRows(t, db); n != 0 {
			t.Fatalf("%d inbound rows after the refused replay", n)
		}
		if n := len(h.fake.Messages("zhangsan")); n != 1 {
			t.Fatalf("%d replies, want 1", n)
		}
	})
}
