package main

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// relClock is virtual time for a whole serve process: Main.Now, the
// Telegram pacing waits (Main.TelegramSleep) and the fake Bot API's call
// stamps all read it, so a 5,000-push fan-out paced at 30/s takes seconds
// and the stamps show what the pacing did.
//
// A clock that jumps forward inside every Sleep is right for one goroutine
// and wrong for twenty sending at once (two sleepers of 1 s would move it
// 2 s, and a request already on its way would be stamped late, into the next
// second). This one is a discrete-event clock: each Sleep waits for its
// moment, and a driver moves time to the earliest moment waited for only
// when the program is settled —
//
//   - nobody read the clock, began or ended a sleep, or reached the fake
//     for a little while (idle), and
//   - no goroutine is inside a Telegram call (bot/telegram's Channel.call)
//     except parked in a Sleep that is still waiting or queued for its
//     chat's turn (pacer.acquire). A call between its pacing slot and the
//     fake's stamp (on its way, or woken and not yet sent) holds time
//     still; this is checked on the goroutines' stacks, so it does not
//     depend on how fast the machine is.
//
// So every request is stamped at the virtual moment its pacing allowed it.
// When nobody sleeps and the program has been quiet for longer (quiet), time
// moves on by step, so pushes the outbox scheduled for later (retry_after,
// back-off) come due; the outbox worker polls on the real clock.
type relClock struct {
	mu       sync.Mutex
	now      time.Time
	sleepers map[*relSleeper]bool
	events   int64
	advances int
	steps    int

	idle, quiet, step time.Duration
	stop, done        chan struct{}
	running           bool
}

type relSleeper struct {
	at   time.Time
	gid  uint64
	wake chan struct{}
}

// newRelClock returns a clock stopped at start; Run starts time.
func newRelClock(t testing.TB, start time.Time) *relClock {
	c := &relClock{now: start, sleepers: map[*relSleeper]bool{}, idle: 2 * time.Millisecond, quiet: 200 * time.Millisecond,
		step: 5 * time.Second, stop: make(chan struct{}), done: make(chan struct{})}
	t.Cleanup(func() {
		close(c.stop)
		c.mu.Lock()
		running := c.running
		c.mu.Unlock()
		if running {
			<-c.done
		}
	})
	return c
}

// Run starts the driver: from now on time moves.
func (c *relClock) Run() {
	c.mu.Lock()
	c.running = true
	c.mu.Unlock()
	go c.drive()
}

// Now is the program's clock; reading it is activity.
func (c *relClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events++
	return c.now
}

// Peek reads the clock without it counting as activity (for the test's own
// watchers).
func (c *relClock) Peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advances counts how often time moved: to a sleeper's moment, and by
// idle steps.
func (c *relClock) Advances() (advances, steps int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.advances, c.steps
}

// Sleep waits until the clock reaches now+d (Main.TelegramSleep).
func (c *relClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	gid := relGoroutineID()
	c.mu.Lock()
	s := &relSleeper{at: c.now.Add(d), gid: gid, wake: make(chan struct{})}
	c.sleepers[s] = true
	c.events++
	c.mu.Unlock()
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.sleepers, s)
		c.events++
		c.mu.Unlock()
		return ctx.Err()
	}
}

func (c *relClock) drive() {
	defer close(c.done)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	seen, since := int64(-1), time.Now()
	for {
		select {
		case <-c.stop:
			c.mu.Lock()
			for s := range c.sleepers {
				close(s.wake)
			}
			clear(c.sleepers)
			c.mu.Unlock()
			return
		case <-tick.C:
		}
		c.mu.Lock()
		if c.events != seen {
			seen, since = c.events, time.Now()
			c.mu.Unlock()
			continue
		}
		quiet := time.Since(since)
		if (len(c.sleepers) > 0 && quiet < c.idle) || (len(c.sleepers) == 0 && quiet < c.quiet) {
			c.mu.Unlock()
			continue
		}
		waiting := map[uint64]bool{}
		for s := range c.sleepers {
			waiting[s.gid] = true
		}
		c.mu.Unlock()

		settled := relSettled(waiting)

		c.mu.Lock()
		if !settled || c.events != seen {
			since = time.Now() // look again after another idle while
			c.mu.Unlock()
			continue
		}
		if len(c.sleepers) == 0 {
			c.now = c.now.Add(c.step)
			c.steps++
		} else {
			var next time.Time
			for s := range c.sleepers {
				if next.IsZero() || s.at.Before(next) {
					next = s.at
				}
			}
			if next.After(c.now) {
				c.now = next
			}
			for s := range c.sleepers {
				if !s.at.After(c.now) {
					close(s.wake)
					delete(c.sleepers, s)
				}
			}
		}
		c.advances++
		c.events++ // the woken need a moment before time may move again
		seen, since = c.events, time.Now()
		c.mu.Unlock()
	}
}

var (
	relCallFrame    = []byte("bot/telegram.(*Channel).call(")
	relSleepFrame   = []byte(".(*relClock).Sleep(")
	relAcquireFrame = []byte("bot/telegram.(*pacer).acquire(")
)

// relSettled reports whether every goroutine inside a Telegram call is
// parked in a Sleep that is still waiting (waiting: their goroutine ids) or
// queued for its chat's turn.
func relSettled(waiting map[uint64]bool) bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if !bytes.Contains(g, relCallFrame) {
			continue
		}
		if bytes.Contains(g, relAcquireFrame) {
			continue
		}
		if bytes.Contains(g, relSleepFrame) && waiting[relParseGoroutineID(g)] {
			continue
		}
		return false
	}
	return true
}

// relGoroutineID is the calling goroutine's id, as stack traces show it.
func relGoroutineID() uint64 {
	var buf [64]byte
	return relParseGoroutineID(buf[:runtime.Stack(buf[:], false)])
}

// relParseGoroutineID reads "goroutine 123 [...]:".
func relParseGoroutineID(stack []byte) uint64 {
	rest, ok := bytes.CutPrefix(stack, []byte("goroutine "))
	if !ok {
		return 0
	}
	if i := bytes.IndexByte(rest, ' '); i > 0 {
		rest = rest[:i]
	}
	id, _ := strconv.ParseUint(string(rest), 10, 64)
	return id
}
