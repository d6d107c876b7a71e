package telegram

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/internal/faketelegram"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

func sent(h *harness, methods ...string) []faketelegram.Call {
	var out []faketelegram.Call
	for _, c := range h.fake.Calls(methods...) {
		if c.Status == 200 {
			out = append(out, c)
		}
	}
	return out
}

func TestSendSplitsLongText(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	buttons := [][]crm.Button{{{Text: "OK", Data: "1.0"}}}

	// 5,000 emoji are 10,000 UTF-16 units: three messages, none cut inside a
	// surrogate pair, the buttons under the last.
	emoji := strings.Repeat("😀", 5000)
	if err := h.ch.Send(ctx, "42", crm.Message{Text: emoji, Buttons: buttons}); err != nil {
		t.Fatal(err)
	}
	got := sent(h, "sendMessage")
	if len(got) != 3 {
		t.Fatalf("%d messages, want 3", len(got))
	}
	var joined string
	for i, c := range got {
		joined += c.Text
		if (len(c.Keyboard) > 0) != (i == 2) {
			t.Errorf("part %d keyboard %v", i, c.Keyboard)
		}
	}
	if joined != emoji {
		t.Fatal("the parts do not add up to the text")
	}
	if utf16Len(got[0].Text) != 4096 {
		t.Errorf("first part %d units, want 4096", utf16Len(got[0].Text))
	}

	// Chinese lines: cut at a newline, every line whole.
	line := strings.Repeat("销售线索", 25) // 100 runes
	var lines []string
	for range 60 {
		lines = append(lines, line)
	}
	if err := h.ch.Send(ctx, "43", crm.Message{Text: strings.Join(lines, "\n")}); err != nil {
		t.Fatal(err)
	}
	parts := sent(h, "sendMessage")[3:]
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	n := 0
	for _, p := range parts {
		for _, l := range strings.Split(p.Text, "\n") {
			if l != line {
				t.Fatalf("a line was cut: %q", l)
			}
			n++
		}
	}
	if n != 60 {
		t.Fatalf("%d lines arrived, want 60", n)
	}
}

func TestSplit(t *testing.T) {
	cases := []struct {
		in    string
		limit int
		want  []string
	}{
		{"", 10, nil},
		{"   \n ", 10, nil},
		{"abc", 10, []string{"abc"}},
		{"abcdefghij", 10, []string{"abcdefghij"}},
		{"abcdefghijk", 10, []string{"abcdefghij", "k"}},
		{"abcdef\nghijk", 10, []string{"abcdef", "ghijk"}},
		{"abc\ndefghijk", 10, []string{"abc\ndefghi", "jk"}}, // newline too early: a hard cut
		{"abcd efgh ijkl", 10, []string{"abcd efgh", "ijkl"}},
		{"😀😀😀😀😀😀", 5, []string{"😀😀", "😀😀", "😀😀"}},
		{"销售销售销售", 4, []string{"销售销售", "销售"}},
		{"a\xffb", 10, []string{"a\uFFFDb"}},
	}
	for _, c := range cases {
		got := split(c.in, c.limit)
		if !slices.Equal(got, c.want) {
			t.Errorf("split(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
		for _, p := range got {
			if utf16Len(p) > c.limit {
				t.Errorf("part %q over %d units", p, c.limit)
			}
		}
	}
	if got := cutUTF16("ab😀c", 3); got != "ab" {
		t.Errorf("cutUTF16 = %q", got)
	}
}

// User text reaches Telegram escaped for HTML and reads exactly as typed.
func TestSendEscapesHTML(t *testing.T) {
	h := newHarness(t, nil)
	text := `客户 <b>青禾</b> & "Co" 5 > 3 &amp; <script>`
	if err := h.ch.Send(context.Background(), "42", crm.Message{Text: text, Buttons: [][]crm.Button{{{Text: "<b>保存</b>", Data: "1.0"}}}}); err != nil {
		t.Fatal(err)
	}
	c := sent(h, "sendMessage")[0]
	if c.ParseMode != "HTML" || c.Text != text || strings.ContainsAny(strings.ReplaceAll(c.Raw, "&amp;", ""), "<>") {
		t.Fatalf("sent %q (%s), shows %q", c.Raw, c.ParseMode, c.Text)
	}
	if c.Raw != `客户 &lt;b&gt;青禾&lt;/b&gt; &amp; "Co" 5 &gt; 3 &amp;amp; &lt;script&gt;` {
		t.Fatalf("raw: %q", c.Raw)
	}
	if c.Keyboard[0][0].Text != "<b>保存</b>" { // button labels are plain text
		t.Fatalf("button: %q", c.Keyboard[0][0].Text)
	}
}

// What a person typed comes back escaped through the whole path.
func TestReplyEscapesUserText(t *testing.T) {
	db := storetest.OpenSQLite(t)
	h := newHarness(t, db)
	h.startPolling()
	u, _ := db.CreateUser(context.Background(), 0, crm.User{Name: "张三", Role: crm.RoleRep})
	db.BindIdentity(context.Background(), crm.Identity{Channel: Name, ExternalID: "5006", UserID: u.ID, ChatID: "5006"})
	c := h.says(5006, "/x<b>&amp;", "/x<b>&amp;")
	if !strings.Contains(c.Raw, "/x&lt;b&gt;&amp;amp;") {
		t.Fatalf("raw: %q", c.Raw)
	}
}

func testPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSendPhoto(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	pic := testPNG(t)
	buttons := [][]crm.Button{{{Text: "详情", Data: "9.0"}}}

	// Image, caption, text and buttons: the photo, then the text with the
	// buttons.
	err := h.ch.Send(ctx, "42", crm.Message{Text: "成交 12 单", Buttons: buttons, Image: &crm.Image{Name: "funnel", PNG: pic, Caption: "漏斗 <本月>"}})
	if err != nil {
		t.Fatal(err)
	}
	calls := sent(h, "sendPhoto", "sendMessage")
	if len(calls) != 2 || calls[0].Method != "sendPhoto" || !bytes.Equal(calls[0].Photo, pic) || calls[0].Text != "漏斗 <本月>" || calls[0].HasMarkup {
		t.Fatalf("photo: %+v", calls)
	}
	if calls[1].Text != "成交 12 单" || len(calls[1].Keyboard) != 1 {
		t.Fatalf("text: %+v", calls[1])
	}

	// A caption over 1,024 units follows as text, with the buttons.
	long := strings.Repeat("长", 1500)
	if err := h.ch.Send(ctx, "43", crm.Message{Buttons: buttons, Image: &crm.Image{PNG: pic, Caption: long}}); err != nil {
		t.Fatal(err)
	}
	calls = sent(h, "sendPhoto", "sendMessage")[2:]
	if len(calls) != 2 || calls[0].Text != "" || calls[0].HasMarkup || calls[1].Text != long || len(calls[1].Keyboard) != 1 {
		t.Fatalf("long caption: %+v", calls)
	}

	// Only an image and buttons: the buttons go under the photo.
	if err := h.ch.Send(ctx, "44", crm.Message{Buttons: buttons, Image: &crm.Image{PNG: pic}}); err != nil {
		t.Fatal(err)
	}
	calls = sent(h, "sendPhoto", "sendMessage")[4:]
	if len(calls) != 1 || len(calls[0].Keyboard) != 1 {
		t.Fatalf("image with buttons: %+v", calls)
	}
}

func gaps(calls []faketelegram.Call) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(calls); i++ {
		out = append(out, calls[i].At.Sub(calls[i-1].At))
	}
	return out
}

// Pacing on virtual time: what the fake saw, stamped with the same clock.
func TestPacing(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	send := func(chat string) {
		t.Helper()
		if err := h.ch.Send(ctx, chat, crm.Message{Text: "hi " + chat}); err != nil {
			t.Fatal(err)
		}
	}
	chatCalls := func(chat int64) []faketelegram.Call {
		var out []faketelegram.Call
		for _, c := range sent(h, "sendMessage") {
			if c.ChatID == chat {
				out = append(out, c)
			}
		}
		return out
	}

	// One chat: at least a second apart.
	for range 4 {
		send("42")
	}
	for _, g := range gaps(chatCalls(42)) {
		if g < time.Second {
			t.Fatalf("private chat gaps %v, want ≥ 1s", gaps(chatCalls(42)))
		}
	}

	// A group: at most 20 in any minute.
	for range 25 {
		send("-100")
	}
	group := chatCalls(-100)
	for i := 20; i < len(group); i++ {
		if d := group[i].At.Sub(group[i-20].At); d < time.Minute {
			t.Fatalf("21 group messages within %v", d)
		}
	}
	for _, g := range gaps(group) {
		if g < time.Second {
			t.Fatalf("group gap %v", g)
		}
	}

	// Many chats: at most 30 in any second overall, and pushes (Send) take
	// at most 25 of them: the rest is left to replies.
	h.clock.Sleep(ctx, time.Second) // a quiet second first
	start := len(sent(h, "sendMessage"))
	for i := range 75 {
		send(string(rune('1'+i%9)) + "000" + string(rune('0'+i/9)))
	}
	all := sent(h, "sendMessage")[start:]
	if len(all) != 75 {
		t.Fatalf("%d sent", len(all))
	}
	for i := 25; i < len(all); i++ {
		if d := all[i].At.Sub(all[i-25].At); d < time.Second {
			t.Fatalf("26 pushes within %v", d)
		}
	}
	// ... but the first 25 go at once.
	if all[24].At.Sub(all[0].At) != 0 {
		t.Fatalf("a burst of 25 took %v", all[24].At.Sub(all[0].At))
	}
}

// Replies first (#19 item 1): in a second whose push share is used up, a
// three-message reply to a quiet chat still goes out at once; its fourth
// message waits the chat gap, and the next push the next second.
func TestRepliesGoBeforePushes(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.clock.Sleep(ctx, time.Second)
	start := len(sent(h, "sendMessage"))
	t0 := h.clock.Now()
	for i := range 25 {
		if err := h.ch.Send(ctx, strconv.Itoa(7000+i), crm.Message{Text: "push"}); err != nil {
			t.Fatal(err)
		}
	}
	reply := &bot.Delivery{ChatID: "42", Replies: []crm.Message{{Text: "one"}, {Text: "two"}, {Text: "three"}}}
	if n, err := h.ch.Deliver(ctx, reply); err != nil || n != 3 {
		t.Fatalf("reply: %d %v", n, err)
	}
	all := sent(h, "sendMessage")[start:]
	if len(all) != 28 {
		t.Fatalf("%d sent", len(all))
	}
	for _, c := range all {
		if !c.At.Equal(t0) {
			t.Fatalf("%q to %d went at +%v, want all at once", c.Text, c.ChatID, c.At.Sub(t0))
		}
	}
	if err := h.ch.Send(ctx, "7100", crm.Message{Text: "push 26"}); err != nil {
		t.Fatal(err)
	}
	if n, err := h.ch.Deliver(ctx, &bot.Delivery{ChatID: "42", Replies: []crm.Message{{Text: "four"}}}); err != nil || n != 1 {
		t.Fatalf("reply: %d %v", n, err)
	}
	all = sent(h, "sendMessage")[start:]
	if d := all[28].At.Sub(t0); d < time.Second {
		t.Fatalf("the 26th push went %v after the first, want ≥ 1s", d)
	}
	if d := all[29].At.Sub(t0); d < time.Second {
		t.Fatalf("a fourth reply message %v after the burst, want the chat gap", d)
	}
}

// On the real clock: two concurrent sends to one chat arrive ≥ 1 s apart,
// measured from before the first (so network delay cannot make it flaky).
func TestPacingRealClock(t *testing.T) {
	h := newHarness(t, nil, func(c *Config) { c.Now, c.Sleep = time.Now, nil })
	h.fake.SetNow(time.Now)
	before := time.Now()
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.ch.Send(context.Background(), "42", crm.Message{Text: strings.Repeat("x", i+1)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	calls := sent(h, "sendMessage")
	if len(calls) != 2 {
		t.Fatalf("%d calls", len(calls))
	}
	if d := calls[1].At.Sub(before); d < time.Second {
		t.Fatalf("second message %v after the first was sent, want ≥ 1s", d)
	}
}

func TestRateLimited(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	msg := crm.Message{Text: "workbench"}

	// One 429: waited out in place, then sent.
	h.fake.Fail("sendMessage", 1, faketelegram.TooManyRequests(3))
	if err := h.ch.Send(ctx, "42", msg); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 || calls[1].At.Sub(calls[0].At) < 3*time.Second {
		t.Fatalf("calls: %+v", calls)
	}

	// Two in a row: back to the caller as RetryAfterError.
	h.fake.Fail("sendMessage", 2, faketelegram.TooManyRequests(3))
	err := h.ch.Send(ctx, "43", msg)
	var ra *crm.RetryAfterError
	if !errors.As(err, &ra) || ra.After != 3*time.Second {
		t.Fatalf("two 429s: %v", err)
	}
	if n := len(h.fake.Calls("sendMessage")); n != 4 {
		t.Fatalf("%d calls, want 4", n)
	}

	// A long wait is not done in place; the chat stays quiet until it ends.
	h.fake.Fail("sendMessage", 1, faketelegram.TooManyRequests(60))
	err = h.ch.Send(ctx, "44", msg)
	if !errors.As(err, &ra) || ra.After != time.Minute {
		t.Fatalf("retry_after 60: %v", err)
	}
	limited := h.fake.Calls("sendMessage")[4]
	// The next send to that chat inside the hold is not tried and does not
	// wait the hold out either (that would stall the caller's other chats):
	// it goes back at once with the time left.
	h.clock.Sleep(ctx, 10*time.Second)
	err = h.ch.Send(ctx, "44", msg)
	if !errors.As(err, &ra) || ra.After != 50*time.Second || len(h.fake.Calls("sendMessage")) != 5 {
		t.Fatalf("inside the hold: %v after %d calls, want retry after 50s and no call", err, len(h.fake.Calls("sendMessage")))
	}
	// Other chats are not held up.
	if err := h.ch.Send(ctx, "46", msg); err != nil {
		t.Fatal(err)
	}
	// Once less than maxWaitInPlace is left, the send waits the rest out.
	h.clock.Sleep(ctx, 25*time.Second)
	if err := h.ch.Send(ctx, "44", msg); err != nil {
		t.Fatal(err)
	}
	if next := h.fake.Calls("sendMessage")[6]; next.ChatID != 44 || next.At.Sub(limited.At) < time.Minute {
		t.Fatalf("sent again %v after a 429 with retry_after 60 (%+v)", next.At.Sub(limited.At), next)
	}

	// sendPhoto (multipart: the library leaves the error code out of its
	// error, the adapter reads it from the answer).
	h.fake.Fail("sendPhoto", 1, faketelegram.TooManyRequests(2))
	if err := h.ch.Send(ctx, "45", crm.Message{Image: &crm.Image{PNG: testPNG(t)}}); err != nil {
		t.Fatal(err)
	}
	if n := len(h.fake.Calls("sendPhoto")); n != 2 {
		t.Fatalf("%d sendPhoto calls, want 2", n)
	}
	h.fake.Fail("sendPhoto", 1, faketelegram.Blocked())
	if err := h.ch.Send(ctx, "45", crm.Message{Image: &crm.Image{PNG: testPNG(t)}}); !errors.Is(err, crm.ErrUnreachable) {
		t.Fatalf("403 on sendPhoto: %v", err)
	}
}

func TestTransientErrors(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	msg := crm.Message{Text: "hi"}
	count := func() int { return len(h.fake.Calls("sendMessage")) }

	// 500 twice, then through: three tries, backing off.
	h.fake.Fail("sendMessage", 2, faketelegram.ServerError())
	if err := h.ch.Send(ctx, "42", msg); err != nil {
		t.Fatal(err)
	}
	if count() != 3 {
		t.Fatalf("%d calls, want 3", count())
	}
	slept := h.clock.Slept()
	if !slices.Contains(slept, 500*time.Millisecond) || !slices.Contains(slept, time.Second) {
		t.Fatalf("back-off: %v", slept)
	}

	// Still failing after three tries: an ordinary error for the outbox.
	h.fake.Fail("sendMessage", 3, faketelegram.ServerError())
	err := h.ch.Send(ctx, "43", msg)
	var ra *crm.RetryAfterError
	if err == nil || errors.Is(err, crm.ErrUnreachable) || errors.As(err, &ra) || count() != 6 {
		t.Fatalf("after 3 failures: %v (%d calls)", err, count())
	}

	// A proxy's HTML error page is retried too.
	h.fake.Fail("sendMessage", 1, faketelegram.Fault{Code: 502, Body: "<html>502 Bad Gateway</html>"})
	if err := h.ch.Send(ctx, "44", msg); err != nil || count() != 8 {
		t.Fatalf("after a 502 page: %v (%d calls)", err, count())
	}

	// A bad request is not retried.
	h.fake.Fail("sendMessage", 1, faketelegram.Fault{Code: 400, Description: "Bad Request: something is wrong"})
	if err := h.ch.Send(ctx, "45", msg); err == nil || !strings.Contains(err.Error(), "something is wrong") || count() != 9 {
		t.Fatalf("400: %v (%d calls)", err, count())
	}

	// A lost answer: the message went out, the retry sends it again
	// (at-least-once).
	h.fake.Fail("sendMessage", 1, faketelegram.Dropped())
	if err := h.ch.Send(ctx, "46", msg); err != nil {
		t.Fatal(err)
	}
	if got := h.fake.BotTexts(46); len(got) != 2 {
		t.Fatalf("chat 46 shows %q", got)
	}

	// Not a Telegram chat id: unreachable, nothing sent.
	if err := h.ch.Send(ctx, "u12", msg); !errors.Is(err, crm.ErrUnreachable) || count() != 11 {
		t.Fatalf("bad chat id: %v", err)
	}
}
