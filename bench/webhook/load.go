package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// load drives N simulated reps through the webhook: each rep is one
// private chat that sends its next message (or presses the next button)
// only after the bot's reply to the previous one reached the fake Bot API,
// the way a person chats.
type load struct {
	fake     *fakeAPI
	hookURL  string
	secret   string
	client   *http.Client
	conns    chan struct{} // Telegram's concurrent webhook connections
	update   atomic.Int64
	rec      *recorder
	think    time.Duration
	timeout  time.Duration // how long a rep waits for one reply
	stopAt   time.Time     // no new turns after this
	seedName *nameGen
}

// rep is one simulated sales rep in their private chat with the bot.
type rep struct {
	l         *load
	uid       int64 // Telegram user id == private chat id
	lastName  string
	chat      *fchat
	rng       *rand.Rand
	customers []customerRef
	calls     int64 // callback query counter
}

type customerRef struct {
	name  string
	trade string // the distinctive part, what a rep types to find it
}

// turnKind says how the person spoke.
type turnKind int

const (
	typed turnKind = iota
	pressed
)

// Texts the replies are recognised by (zh catalogue).
const (
	wantInternal = "出了点问题"
	wantStale    = "按钮已经过期"
)

// run makes the rep chat until stopAt, one flow after another.
func (r *rep) run(ctx context.Context) {
	for time.Now().Before(r.l.stopAt) && ctx.Err() == nil {
		switch x := r.rng.IntN(100); {
		case x < 30:
			r.flowFind(ctx)
		case x < 50:
			r.flowToday(ctx)
		case x < 80:
			r.flowVisit(ctx)
		default:
			r.flowNew(ctx)
		}
	}
}

// pause is the person's think time before each message or button press
// (0: none).
func (r *rep) pause(ctx context.Context) {
	if r.l.think <= 0 {
		return
	}
	d := time.Duration(r.rng.Int64N(int64(2 * r.l.think)))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func (r *rep) pick() customerRef { return r.customers[r.rng.IntN(len(r.customers))] }

func (r *rep) flowFind(ctx context.Context) {
	c := r.pick()
	r.say(ctx, "/find "+c.trade, "找到")
}

func (r *rep) flowToday(ctx context.Context) {
	r.say(ctx, "/today", "工作台", "待办")
}

var (
	visitNotes = []string{"拜访王总，确认需求，预算5万", "电话沟通了报价，客户要内部讨论", "开会演示了系统，采购经理参加", "微信发了方案，等回复", "上门拜访，见了技术负责人，聊了部署方式"}
	visitNext  = []string{"下周五 发方案", "明天 打电话确认", "下周一 约演示", "-", "下周三 送合同"}
)

func (r *rep) flowVisit(ctx context.Context) {
	c := r.pick()
	var m botMsg
	var ok bool
	if r.rng.IntN(2) == 0 {
		m, ok = r.say(ctx, "/visit "+c.trade, "这次沟通了什么", "是哪一个", "没找到")
	} else {
		if _, ok = r.say(ctx, "/visit", "哪个客户"); !ok {
			return
		}
		m, ok = r.say(ctx, c.trade, "这次沟通了什么", "是哪一个", "没找到")
	}
	if !ok || strings.Contains(m.Text, "没找到") {
		return
	}
	if strings.Contains(m.Text, "是哪一个") {
		if m, ok = r.press(ctx, m, 0, "这次沟通了什么"); !ok {
			return
		}
	}
	if _, ok = r.say(ctx, visitNotes[r.rng.IntN(len(visitNotes))], "下一步和时间"); !ok {
		return
	}
	r.say(ctx, visitNext[r.rng.IntN(len(visitNext))], "已记录")
}

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"}

func (r *rep) flowNew(ctx context.Context) {
	if _, ok := r.say(ctx, "/new", "客户公司全称"); !ok {
		return
	}
	name, trade := r.l.seedName.next()
	m, ok := r.say(ctx, name, "行业", "相似", "认领", "已经是你的客户")
	if !ok {
		return
	}
	if strings.Contains(m.Text, "相似") {
		r.l.rec.similar.Add(1)
		if m, ok = r.pressLabel(ctx, m, "不是", "行业"); !ok {
			return
		}
	}
	if !strings.Contains(m.Text, "行业") {
		return // a duplicate: the flow ended
	}
	steps := []string{"规模", "地区", "客户来源", "联系人"}
	for _, want := range steps {
		if m, ok = r.press(ctx, m, -1, want); !ok {
			return
		}
	}
	contact := surnames[r.rng.IntN(len(surnames))] + "经理 13" + strconv.Itoa(100000000+r.rng.IntN(900000000))
	if m, ok = r.say(ctx, contact, "请确认"); !ok {
		return
	}
	if m, ok = r.pressLabel(ctx, m, "保存", "已保存", "认领"); ok && strings.Contains(m.Text, "已保存") {
		r.customers = append(r.customers, customerRef{name: name, trade: trade})
	}
}

// say types text and waits for the reply containing one of want.
func (r *rep) say(ctx context.Context, text string, want ...string) (botMsg, bool) {
	msg := map[string]any{
		"message_id": r.chat.allocID(),
		"from":       r.user(),
		"chat":       map[string]any{"id": r.uid, "type": "private", "first_name": "Rep", "last_name": r.lastName},
		"date":       time.Now().Unix(),
		"text":       text,
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len(cmd)}}
	}
	return r.turn(ctx, typed, map[string]any{"message": msg}, want)
}

// press presses button i of m's keyboard (-1: a random one) and waits for
// the reply containing one of want.
func (r *rep) press(ctx context.Context, m botMsg, i int, want ...string) (botMsg, bool) {
	var all []button
	for _, row := range m.Keyboard {
		all = append(all, row...)
	}
	if len(all) == 0 {
		r.l.rec.fail(time.Now(), "no buttons to press")
		return botMsg{}, false
	}
	if i < 0 || i >= len(all) {
		i = r.rng.IntN(len(all))
	}
	return r.pressButton(ctx, m, all[i], want)
}

// pressLabel presses the button whose label contains label.
func (r *rep) pressLabel(ctx context.Context, m botMsg, label string, want ...string) (botMsg, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return r.pressButton(ctx, m, b, want)
			}
		}
	}
	r.l.rec.fail(time.Now(), "no button "+label)
	return botMsg{}, false
}

func (r *rep) pressButton(ctx context.Context, m botMsg, b button, want []string) (botMsg, bool) {
	r.calls++
	q := map[string]any{
		"id":            strconv.FormatInt(r.uid, 10) + "-" + strconv.FormatInt(r.calls, 10),
		"from":          r.user(),
		"message":       r.l.fake.messageJSON(r.uid, m, time.Now()),
		"chat_instance": "ci" + strconv.FormatInt(r.uid, 10),
		"data":          b.CallbackData,
	}
	return r.turn(ctx, pressed, map[string]any{"callback_query": q}, want)
}

func (r *rep) user() map[string]any {
	return map[string]any{"id": r.uid, "is_bot": false, "first_name": "Rep", "last_name": r.lastName, "language_code": "zh"}
}

// turn posts one update and waits for the reply: the first bot message
// (sent or edited) in the chat that contains one of want. Latency runs from
// the moment the person sent it (before waiting for one of Telegram's
// webhook connections) to the moment the reply's Bot API call reached the
// fake.
func (r *rep) turn(ctx context.Context, kind turnKind, u map[string]any, want []string) (botMsg, bool) {
	r.pause(ctx)
	if !time.Now().Before(r.l.stopAt) {
		return botMsg{}, false // the run is over: a flow in progress stops here
	}
	// Anything still arriving from an earlier turn is late, not a reply.
	for drained := false; !drained; {
		select {
		case ev := <-r.chat.events:
			if ev.Method != "answerCallbackQuery" {
				r.l.rec.late.Add(1)
			}
		default:
			drained = true
		}
	}
	u["update_id"] = r.l.update.Add(1)
	body, err := json.Marshal(u)
	if err != nil {
		panic(err)
	}
	t0 := time.Now()
	if !r.l.post(ctx, body, t0) {
		r.l.rec.fail(t0, "update not accepted")
		return botMsg{}, false
	}
	timer := time.NewTimer(r.l.timeout)
	defer timer.Stop()
	acked := kind != pressed
	for {
		select {
		case ev := <-r.chat.events:
			if ev.Method == "answerCallbackQuery" {
				if !acked {
					acked = true
					r.l.rec.ack(t0, ev.At.Sub(t0))
				}
				continue
			}
			for _, w := range want {
				if strings.Contains(ev.Msg.Text, w) {
					r.l.rec.turn(t0, ev.At, kind)
					return ev.Msg, true
				}
			}
			switch {
			case strings.Contains(ev.Msg.Text, wantInternal):
				r.l.rec.fail(t0, "internal error reply")
				return botMsg{}, false
			case strings.Contains(ev.Msg.Text, wantStale):
				r.l.rec.fail(t0, "stale button reply")
				return botMsg{}, false
			}
			r.l.rec.other.Add(1) // e.g. "(the unfinished form was dropped)"
		case <-timer.C:
			r.l.rec.fail(t0, "no reply within timeout")
			return botMsg{}, false
		case <-ctx.Done():
			r.l.rec.fail(t0, "no reply before the run ended")
			return botMsg{}, false
		}
	}
}

// post delivers an update to the webhook as Telegram does: over one of a
// limited number of connections, again after a failure (non-2xx or no
// answer) with back-off, until it is accepted.
func (l *load) post(ctx context.Context, body []byte, t0 time.Time) bool {
	backoff := 500 * time.Millisecond
	for ctx.Err() == nil {
		select {
		case l.conns <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		start := time.Now()
		status := 0
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.hookURL, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", l.secret)
			var resp *http.Response
			if resp, err = l.client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
		}
		<-l.conns
		l.rec.post(t0, status, time.Since(start))
		if status == http.StatusOK {
			return true
		}
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		backoff = min(2*backoff, 8*time.Second)
	}
	return false
}

// recorder keeps what happened inside the measured window [from, to):
// turns are counted by the moment they were sent.
type recorder struct {
	from, to time.Time

	mu       sync.Mutex
	lat      []time.Duration // reply latency, every turn
	latText  []time.Duration
	latPress []time.Duration
	acks     []time.Duration // button press → answerCallbackQuery
	posts    []time.Duration // webhook POST round trip
	replies  int             // replies that arrived inside the window
	status   map[int]int     // webhook answers by HTTP status (0: no answer)
	failures map[string]int

	late, other, similar atomic.Int64
}

func newRecorder() *recorder {
	return &recorder{status: map[int]int{}, failures: map[string]int{}}
}

func (r *recorder) in(t time.Time) bool { return !t.Before(r.from) && t.Before(r.to) }

func (r *recorder) turn(t0, at time.Time, kind turnKind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.in(at) {
		r.replies++
	}
	if !r.in(t0) {
		return
	}
	d := at.Sub(t0)
	r.lat = append(r.lat, d)
	if kind == pressed {
		r.latPress = append(r.latPress, d)
	} else {
		r.latText = append(r.latText, d)
	}
}

func (r *recorder) ack(t0 time.Time, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.in(t0) {
		r.acks = append(r.acks, d)
	}
}

func (r *recorder) post(t0 time.Time, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.in(t0) {
		r.status[status]++
		r.posts = append(r.posts, d)
	}
}

func (r *recorder) fail(t0 time.Time, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.in(t0) {
		r.failures[why]++
	}
}
