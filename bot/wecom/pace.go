package wecom

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// WeCom's limits.
const (
	// MemberPerMinute is how many application messages one member may get
	// from one application in a minute; WeCom drops more without an error.
	MemberPerMinute = 30
	// RobotPerMinute is how many messages a group robot may send a minute.
	RobotPerMinute = 20
	// AppChatPerMinute holds app group chats to the robot's pace.
	AppChatPerMinute = 20
	// MemberPerHour is how many application messages one member may get
	// from one application in an hour.
	MemberPerHour = 1000
	// MaxTextBytes bounds a text or markdown message.
	MaxTextBytes = 2048
	// MaxRobotMarkdownBytes bounds a group robot's markdown message.
	MaxRobotMarkdownBytes = 4096
)

// PushTime moves a scheduled push away from the crowded first two minutes
// after :00 and :30 (when every company's cron jobs fire and WeCom is
// slowest), to a moment between 2 and 5 minutes past the mark that depends
// only on key (a user, an outbox key), so a batch of pushes is spread
// evenly and the same push always gets the same time. Other times are
// returned unchanged. Only scheduled pushes should use it: replies to a
// person's own message go out at once.
func PushTime(at time.Time, key string) time.Time { return crm.SpreadPush(at, key) }

// PushDelay is how long a scheduled push for key should wait from now: see
// PushTime.
func (c *Channel) PushDelay(key string) time.Duration {
	now := c.now()
	return PushTime(now, key).Sub(now)
}

// pacer keeps, per recipient, the times of the messages sent in the last
// minute (a sliding window).
type pacer struct {
	mu   sync.Mutex
	sent map[string][]time.Time
}

func newPacer() *pacer { return &pacer{sent: map[string][]time.Time{}} }

// reserve takes n slots for key if the last minute leaves room under
// limit, and returns 0; otherwise it takes nothing and returns how long
// until there is room.
func (p *pacer) reserve(key string, n, limit int, now time.Time) time.Duration {
	if n > limit {
		n = limit
	}
	if n <= 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ts := p.sent[key]
	i := 0
	for i < len(ts) && !ts[i].Add(time.Minute).After(now) {
		i++
	}
	ts = ts[i:]
	if len(ts)+n <= limit {
		for range n {
			ts = append(ts, now)
		}
		p.sent[key] = ts
		p.sweep(now)
		return 0
	}
	p.sent[key] = ts
	need := len(ts) + n - limit // this many must leave the window first
	d := ts[need-1].Add(time.Minute).Sub(now)
	if d <= 0 {
		d = time.Millisecond
	}
	return d
}

// sweep forgets recipients with nothing in the window when the map grows.
func (p *pacer) sweep(now time.Time) {
	if len(p.sent) < 10000 {
		return
	}
	for k, ts := range p.sent {
		if len(ts) == 0 || !ts[len(ts)-1].Add(time.Minute).After(now) {
			delete(p.sent, k)
		}
	}
}

// ttlMap is a small bounded map whose entries expire.
type ttlMap[K comparable, V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	max int
	now func() time.Time
	m   map[K]ttlItem[V]
}

type ttlItem[V any] struct {
	v       V
	expires time.Time
}

func newTTLMap[K comparable, V any](ttl time.Duration, max int, now func() time.Time) *ttlMap[K, V] {
	return &ttlMap[K, V]{ttl: ttl, max: max, now: now, m: map[K]ttlItem[V]{}}
}

func (t *ttlMap[K, V]) get(k K) (V, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	it, ok := t.m[k]
	if !ok || !t.now().Before(it.expires) {
		delete(t.m, k)
		var zero V
		return zero, false
	}
	return it.v, true
}

func (t *ttlMap[K, V]) put(k K, v V) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if _, ok := t.m[k]; !ok && len(t.m) >= t.max {
		for key, it := range t.m {
			if !now.Before(it.expires) {
				delete(t.m, key)
			}
		}
		for key := range t.m { // still full: drop any one
			if len(t.m) < t.max {
				break
			}
			delete(t.m, key)
		}
	}
	t.m[k] = ttlItem[V]{v: v, expires: now.Add(t.ttl)}
}

func (t *ttlMap[K, V]) del(k K) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, k)
}

// window is one of WeCom's limits on a target: n messages per w.
type window struct {
	n int
	w time.Duration
	// suffix tells the window apart in the shared budget's scope.
	suffix string
}

// windows are the limits of a target: per minute for everyone, per hour
// too for a member.
func (t target) windows() []window {
	ws := []window{{n: t.limit(), w: time.Minute, suffix: "m"}}
	if t.kind == toMember {
		ws = append(ws, window{n: MemberPerHour, w: time.Hour, suffix: "h"})
	}
	return ws
}

// sharedWait reserves one message to t in the send windows every instance
// on this application shares (Config.Budget): 0 when it may go now, else
// how long until there is room (nothing reserved in the windows that were
// full). Without a budget, or when it cannot be reached (logged), 0: the
// process's own pacing stands.
func (c *Channel) sharedWait(ctx context.Context, t target) time.Duration {
	if c.cfg.Budget == nil {
		return 0
	}
	now := c.now()
	for _, w := range t.windows() {
		scope := "wecom:" + c.cfg.CorpID + ":" + c.cfg.AgentID + ":" + t.paceKey() + ":" + w.suffix
		taken, near, err := c.cfg.Budget.TakeSlot(ctx, scope, now, w.n, w.w)
		if err != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "wecom: the shared send budget cannot be reached; pacing this instance alone", slog.String("err", err.Error()))
			return 0
		}
		if !taken {
			return max(crm.NextSlot(near, w.n, w.w, now).Sub(now), time.Second)
		}
	}
	return 0
}
