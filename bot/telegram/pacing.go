package telegram

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// limits are Telegram's published send limits.
type limits struct {
	globalN   int           // at most globalN messages ...
	globalW   time.Duration // ... in any globalW overall
	chatGap   time.Duration // at least this between two messages to one chat
	groupN    int           // at most groupN messages ...
	groupW    time.Duration // ... in any groupW to one group
	idleAfter time.Duration // forget a chat's history after this long idle
	// replyBurst messages of a reply to a chat that was quiet for a
	// chatGap go out at once; then the chat gap applies.
	replyBurst int
	// replyReserve of the globalN slots in each window are left to
	// replies: pushes take at most globalN-replyReserve.
	replyReserve int
}

func defaultLimits() limits {
	return limits{globalN: 30, globalW: time.Second, chatGap: time.Second, groupN: 20, groupW: time.Minute, idleAfter: 2 * time.Minute,
		replyBurst: 3, replyReserve: 5}
}

// lane is what a message is: a reply to a person's own message goes
// before scheduled pushes (SPEC "Sending budget").
type lane int

const (
	lanePush lane = iota
	laneReply
)

type laneKey struct{}

// asReply marks ctx's sends as replies.
func asReply(ctx context.Context) context.Context {
	return context.WithValue(ctx, laneKey{}, laneReply)
}

func laneOf(ctx context.Context) lane {
	if l, ok := ctx.Value(laneKey{}).(lane); ok {
		return l
	}
	return lanePush
}

// pacer spaces outgoing messages to stay inside Telegram's limits: a
// sliding window overall (30 per second), a minimum gap per chat (1 s) and
// a sliding window per group chat (20 per minute; group chat ids are
// negative). Replies come first: a reply's first three messages to a chat
// that was quiet go out at once, and pushes use at most 25 of each
// second's 30 slots, so a push storm leaves room for answers. A send holds its chat's turn from the first wait until the
// request (and its retries) is done, so one chat's messages go out one at a
// time and in order, while other chats are not held up. All bookkeeping is
// in the injected clock, so tests run it on virtual time.
type pacer struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	lim   limits

	// budget, when set, is the send window shared with the other
	// instances on this bot token (scope): every message also reserves
	// its slot there.
	budget crm.SendBudget
	scope  string
	log    *slog.Logger

	mu     sync.Mutex
	global window // every message
	pushes window // every message, counted against the pushes' share
	chats  map[int64]*chatPace
}

// chatPace is one chat's pacing state.
type chatPace struct {
	id    int64
	turn  chan struct{} // holds one token: the chat's turn to send
	users int           // holding or waiting for the turn (guarded by pacer.mu)
	last  time.Time     // when the last message was let through
	until time.Time     // nothing before this (after a 429)
	group window        // group chats only
	burst int           // reply messages left that skip the chat gap
}

func newPacer(now func() time.Time, sleep func(context.Context, time.Duration) error, lim limits) *pacer {
	return &pacer{now: now, sleep: sleep, lim: lim, global: window{n: lim.globalN, w: lim.globalW},
		pushes: window{n: max(lim.globalN-lim.replyReserve, 1), w: lim.globalW}, chats: map[int64]*chatPace{}}
}

// acquire waits for chat's turn. The caller must release it.
func (p *pacer) acquire(ctx context.Context, chat int64) (*chatPace, error) {
	p.mu.Lock()
	cp := p.chats[chat]
	if cp == nil {
		if len(p.chats) >= 1024 {
			p.sweepLocked()
		}
		cp = &chatPace{id: chat, turn: make(chan struct{}, 1), group: window{n: p.lim.groupN, w: p.lim.groupW}}
		cp.turn <- struct{}{}
		p.chats[chat] = cp
	}
	cp.users++
	p.mu.Unlock()
	select {
	case <-cp.turn:
		return cp, nil
	case <-ctx.Done():
		p.mu.Lock()
		cp.users--
		p.mu.Unlock()
		return nil, ctx.Err()
	}
}

// release gives the chat's turn to the next sender.
func (p *pacer) release(cp *chatPace) {
	p.mu.Lock()
	cp.users--
	p.mu.Unlock()
	cp.turn <- struct{}{}
}

// sweepLocked forgets idle chats whose history no longer matters.
func (p *pacer) sweepLocked() {
	now := p.now()
	for id, cp := range p.chats {
		if cp.users == 0 && now.Sub(cp.last) > p.lim.idleAfter && now.Sub(cp.until) > 0 {
			delete(p.chats, id)
		}
	}
}

// wait blocks until one more message of lane l may go to the chat whose
// turn the caller holds, and records it as sent.
func (p *pacer) wait(ctx context.Context, cp *chatPace, l lane) error {
	p.mu.Lock()
	now := p.now()
	t := now
	switch {
	case cp.last.IsZero() || !now.Before(cp.last.Add(p.lim.chatGap)):
		// A quiet chat: a reply may send its first few at once.
		cp.burst = 0
		if l == laneReply {
			cp.burst = p.lim.replyBurst
		}
	}
	if l == laneReply && cp.burst > 0 {
		cp.burst--
	} else if !cp.last.IsZero() {
		t = later(t, cp.last.Add(p.lim.chatGap))
	}
	t = later(t, cp.until)
	if cp.id < 0 {
		t = later(t, cp.group.next(now))
	}
	p.mu.Unlock()
	if d := t.Sub(now); d > 0 {
		if err := p.sleep(ctx, d); err != nil {
			return err
		}
	}

	// The overall window: reserve the earliest free slot (slots are handed
	// out in order, so the window stays sorted), then wait for it.
	p.mu.Lock()
	now = p.now()
	g := p.global.next(later(now, t))
	if l == lanePush {
		g = later(g, p.pushes.next(g))
		g = p.global.next(g)
	}
	p.global.add(g)
	p.pushes.add(g)
	cp.last = later(g, t)
	if cp.id < 0 {
		cp.group.add(cp.last)
	}
	p.mu.Unlock()
	if p.budget != nil {
		g = p.shared(ctx, g, l)
	}
	if d := g.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}

// shared reserves the message's slot in the window the instances on this
// token share: the local slot g when it is free there too, else the next
// free one. A database that cannot be reached leaves the local pacing
// alone in charge (logged): a message is never held back by it.
func (p *pacer) shared(ctx context.Context, g time.Time, l lane) time.Time {
	n := p.lim.globalN
	if l == lanePush {
		n = max(p.lim.globalN-p.lim.replyReserve, 1)
	}
	for range 50 {
		taken, near, err := p.budget.TakeSlot(ctx, p.scope, g, n, p.lim.globalW)
		if err != nil {
			p.log.Warn("telegram: the shared send budget cannot be reached; pacing this instance alone", slog.String("err", err.Error()))
			return g
		}
		if taken {
			return g
		}
		g = crm.NextSlot(near, n, p.lim.globalW, g)
	}
	return g
}

// hold keeps the chat quiet until t (Telegram's retry_after).
func (p *pacer) hold(cp *chatPace, t time.Time) {
	p.mu.Lock()
	cp.until = later(cp.until, t)
	p.mu.Unlock()
}

// heldFor is how much longer the chat whose turn the caller holds must stay
// quiet after a 429 (zero when it is not held).
func (p *pacer) heldFor(cp *chatPace) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(cp.until.Sub(p.now()), 0)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// window remembers the last n send times, oldest first: the next send may go
// when the oldest of them is w old.
type window struct {
	n     int
	w     time.Duration
	times []time.Time
}

func (w *window) next(now time.Time) time.Time {
	if w.n <= 0 || len(w.times) < w.n {
		return now
	}
	return later(now, w.times[0].Add(w.w))
}

func (w *window) add(t time.Time) {
	if w.n <= 0 {
		return
	}
	// Slots are reserved in time order, except when a clock does not move
	// while waiting (pacing disabled in tests): keep the list sorted anyway.
	i := len(w.times)
	for i > 0 && w.times[i-1].After(t) {
		i--
	}
	w.times = append(w.times, time.Time{})
	copy(w.times[i+1:], w.times[i:])
	w.times[i] = t
	if len(w.times) > w.n {
		w.times = append(w.times[:0], w.times[1:]...)
	}
}
