package wecom

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/internal/fakewecom"
)

// fuzzNow is the fuzzed channel's clock: the moment the fixed timestamp
// of FuzzSignedCiphertext (1700000000) signs, so callbacks pass the window
// and the fuzzer reaches the decryption.
func fuzzNow() time.Time { return time.Unix(1700000000, 0) }

// fuzzChannel is a channel whose callback path can be fed directly.
func fuzzChannel(f *testing.F) (*Channel, *fakewecom.Fake) {
	fake := fakewecom.New(f)
	fake.Now = fuzzNow
	c, err := New(Config{CorpID: fake.CorpID, AgentID: fake.AgentID, Secret: fake.Secret, Token: fake.Token,
		EncodingAESKey: fake.EncodingAESKey, APIBase: fake.URL, Now: fuzzNow})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { c.Close(context.Background()) })
	return c, fake
}

func checkOpen(t *testing.T, c *Channel, q url.Values, body []byte) {
	raw, in, err := c.open(q, body)
	if err != nil {
		if !errors.Is(err, errSignature) && !errors.Is(err, errCorp) && !errors.Is(err, errMalformed) && !errors.Is(err, errStale) {
			t.Fatalf("unclassified error: %v", err)
		}
		return
	}
	if in.FromUserName == "" || len(raw) == 0 || dedupeKey(in, raw) == "" {
		t.Fatalf("accepted a callback without a sender: %+v", in)
	}
}

// FuzzCallback feeds arbitrary bodies and queries to the callback's
// check-decrypt-parse path: it must return an error, never panic.
func FuzzCallback(f *testing.F) {
	c, fake := fuzzChannel(f)
	for _, p := range []string{fake.Text("u1", "/start ABC", 1), fake.Click("u1", "/today"), fake.CardEvent("u1", "3.1", "t1"), "<xml/>", ""} {
		q, body := fake.EncryptCallback(p)
		f.Add(body, q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"))
	}
	f.Add([]byte("<xml><Encrypt>AAAA</Encrypt></xml>"), "x", "1", "2")
	f.Fuzz(func(t *testing.T, body []byte, sig, ts, nonce string) {
		checkOpen(t, c, url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}, body)
	})
}

// FuzzSignedCiphertext signs whatever ciphertext the fuzzer makes, so the
// decryption (padding, lengths, corp id) is what gets exercised.
func FuzzSignedCiphertext(f *testing.F) {
	c, fake := fuzzChannel(f)
	f.Add(fake.Encrypt([]byte(fake.Text("u1", "hi", 1))))
	f.Add(fakewecom.EncryptFor(fake.EncodingAESKey, "other", []byte("<xml/>")))
	f.Add("")
	f.Add(strings.Repeat("A", 44))
	f.Fuzz(func(t *testing.T, enc string) {
		q := url.Values{"timestamp": {"1700000000"}, "nonce": {"n"}, "msg_signature": {fake.Sign("1700000000", "n", enc)}}
		body := "<xml><ToUserName><![CDATA[" + fake.CorpID + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		checkOpen(t, c, q, []byte(body))
		if _, err := c.decrypt(enc); err != nil && !errors.Is(err, errMalformed) && !errors.Is(err, errCorp) {
			t.Fatalf("decrypt: %v", err)
		}
	})
}

// FuzzPlaintext encrypts arbitrary payloads properly: the XML parsing must
// cope with anything.
func FuzzPlaintext(f *testing.F) {
	c, fake := fuzzChannel(f)
	f.Add([]byte(fake.Text("u1", "新客户", 1)))
	f.Add([]byte(fake.EnterAgent("u1")))
	f.Add([]byte("<xml><FromUserName>a|b</FromUserName></xml>"))
	f.Add([]byte{0, 1, 2})
	f.Fuzz(func(t *testing.T, plain []byte) {
		q, body := fake.EncryptCallback(string(plain))
		checkOpen(t, c, q, body)
	})
}

func TestSplitText(t *testing.T) {
	s := strings.Repeat("é", 3000) // 2-byte runes
	parts := splitText(s, 2047)
	for _, p := range parts {
		if len(p) > 2047 || !strings.HasPrefix(p, "é") {
			t.Fatalf("bad piece of %d bytes", len(p))
		}
	}
	if strings.Join(parts, "") != s {
		t.Fatal("lost text")
	}
	if got := splitText("", 10); len(got) != 1 || got[0] != "" {
		t.Fatalf("empty: %q", got)
	}
}

func TestPacerWindow(t *testing.T) {
	p := newPacer()
	now := fakeNow()
	for i := range 30 {
		if d := p.reserve("u", 1, 30, now.Add(timeSec(i))); d != 0 {
			t.Fatalf("slot %d: wait %v", i, d)
		}
	}
	if d := p.reserve("u", 1, 30, now.Add(timeSec(30))); d != timeSec(30) {
		t.Fatalf("31st waits %v", d)
	}
	if d := p.reserve("u", 3, 30, now.Add(timeSec(61))); d != timeSec(1) {
		t.Fatalf("3 more at 61s wait %v", d)
	}
	if d := p.reserve("u", 2, 30, now.Add(timeSec(61))); d != 0 {
		t.Fatalf("2 more at 61s wait %v", d)
	}
}

func fakeNow() time.Time          { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }
func timeSec(n int) time.Duration { return time.Duration(n) * time.Second }

func TestLangFor(t *testing.T) {
	for _, c := range []struct{ lang, text, want string }{
		{"en", "请确认", "en"},
		{"", "请确认：北京青禾", "zh"},
		{"", "Industry?\n北京青禾新锐科技有限公司", "en"},
		{"", "", "zh"},
		{"", "1.", "zh"},
	} {
		if got := langFor(c.lang, c.text, nil); got != c.want {
			t.Errorf("langFor(%q, %q) = %s", c.lang, c.text, got)
		}
	}
}
